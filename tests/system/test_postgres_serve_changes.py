"""Two servers on one PostgreSQL: what one server changes, the other shows on the very next request."""

from __future__ import annotations

import asyncio
import subprocess

import aiohttp

from support.postgres import postgres_server_fixture, postgres_url_fixture  # noqa: F401  (fixtures)
from support.serving import Visitor, free_port, start_server


def serve(url: str, tmp_path, port: int) -> subprocess.Popen:
    return start_server(
        port,
        "--workshop",
        "conf",
        "--db",
        url,
        env={"XDG_CACHE_HOME": str(tmp_path / "cache"), "LANG": "C.UTF-8"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


async def switch_on_one_and_look_on_the_other(ports: list[int]) -> tuple[str, str]:
    jar = aiohttp.CookieJar(unsafe=True)  # one browser, two servers behind a proxy
    sessions = [aiohttp.ClientSession(base_url=f"http://127.0.0.1:{p}", cookie_jar=jar) for p in ports]
    try:
        a, b = (Visitor(s, f"http://127.0.0.1:{p}") for s, p in zip(sessions, ports, strict=True))
        await a.start(lang="en")
        await a.answer(4)
        await a.answer(2)  # server a holds this participant now
        await b.get("/quiz/3")
        await b.post("/language", {"csrf": b.csrf, "lang": "fr", "back": "/quiz/3"})
        await b.answer(5)  # and b takes the third answer, in French
        page = await a.get("/quiz/4")
        return a.url, page
    finally:
        for s in sessions:
            await s.close()


def test_a_language_and_an_answer_given_on_another_server_show_on_this_one(postgres_url, tmp_path):
    ports = [free_port(), free_port()]
    servers = [serve(postgres_url, tmp_path, port) for port in ports]
    try:
        url, page = asyncio.run(switch_on_one_and_look_on_the_other(ports))
    finally:
        for server in servers:
            server.terminate()
        errors = [server.communicate(timeout=15)[1] for server in servers]
    assert all("Traceback" not in e for e in errors), errors
    assert url.endswith("/quiz/4"), url  # not sent back to the third statement: its answer is known here
    assert '<html lang="fr">' in page
    assert "Réponses enregistrées : 3 sur 36." in page

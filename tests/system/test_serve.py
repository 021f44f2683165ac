"""Serving limits: a full room, participants ended whole, spinning ones killed, nothing outside the quiz."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time

import aiohttp
import pytest

from misquiz.web.serve import Participant, WorkshopServer, public_url_for, qr_text
from support.quiz import quiz_app
from support.serving import children_of, free_port, start_server


@pytest.fixture
def server(tmp_path):
    port = free_port()
    proc = start_server(
        port,
        "--workshop",
        "lim",
        "--db",
        str(tmp_path / "s.db"),
        "--max-participants",
        "1",
        env={"XDG_CACHE_HOME": str(tmp_path)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    yield port, proc
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=15)


async def _full_room(port: int) -> tuple[int, str, int | None]:
    url = f"http://127.0.0.1:{port}/"
    async with aiohttp.ClientSession() as session, session.ws_connect(url + "ws?width=80&height=24") as first:
        seen = b""
        while b"Start" not in seen:
            message = await asyncio.wait_for(first.receive(), 30)
            if message.type == aiohttp.WSMsgType.BINARY:
                seen += message.data
        async with session.get(url) as page:
            status, body = page.status, await page.text()
        async with session.ws_connect(url + "ws") as second:
            message = await asyncio.wait_for(second.receive(), 10)
            code = second.close_code
        return status, body, code


def test_the_participant_beyond_the_limit_sees_a_full_room(server):
    port, _ = server
    status, body, close_code = asyncio.run(_full_room(port))
    assert status == 503 and "This room is full" in body and "Deze sessie is vol" in body
    assert close_code == 1013


def test_a_participant_whose_page_went_away_is_ended(server):
    port, proc = server

    async def visit() -> set[int]:
        async with aiohttp.ClientSession() as session, session.ws_connect(f"http://127.0.0.1:{port}/ws") as ws:
            while True:
                message = await asyncio.wait_for(ws.receive(), 30)
                if message.type == aiohttp.WSMsgType.BINARY:
                    break
            return children_of(proc.pid)

    during = asyncio.run(visit())
    assert len(during) == 1
    deadline = time.monotonic() + 10
    while any(os.path.exists(f"/proc/{pid}") for pid in during):
        assert time.monotonic() < deadline, "the participant process outlived its page"
        time.sleep(0.1)


SPINNER = (
    "import signal\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\nprint('__GANGLION__', flush=True)\nwhile True: pass"
)


def test_spinning_is_seen_from_cpu_use(monkeypatch):
    import misquiz.web.serve as serve

    participant = Participant(
        [sys.executable], write_bytes=None, write_str=None, close=None, download_manager=None, debug=False
    )
    participant._process = type("P", (), {"pid": 4242, "returncode": None})()
    used = iter([0.0, 2.0, 4.0, 6.0, 8.0, 9.9, 11.9])  # seconds of CPU, read every 2 s of wall time
    monkeypatch.setattr(serve, "cpu_seconds", lambda pid: next(used))
    seen = [participant.spinning(float(t)) for t in range(0, 14, 2)]
    assert seen == [False, False, False, False, True, True, True]  # after 8 s of history at ~100 %
    idle = Participant(
        [sys.executable], write_bytes=None, write_str=None, close=None, download_manager=None, debug=False
    )
    idle._process = participant._process
    monkeypatch.setattr(serve, "cpu_seconds", lambda pid: 1.0)  # an idle quiz uses no CPU while waiting
    assert not any(idle.spinning(float(t)) for t in range(0, 30, 2))


def test_a_participant_deaf_to_the_quit_message_and_sigterm_is_killed():
    async def scenario() -> tuple[int | None, float]:
        async def sink(data) -> None:
            return None

        participant = Participant(
            [sys.executable, "-c", SPINNER],
            write_bytes=sink,
            write_str=sink,
            close=sink,
            download_manager=None,
            debug=False,
        )
        participant._download_manager = type("D", (), {"cancel_app_downloads": staticmethod(_noop)})()
        await participant.start(80, 24)
        await asyncio.sleep(0.5)
        began = time.monotonic()
        await participant.stop()
        return participant._process.returncode, time.monotonic() - began

    returncode, took = asyncio.run(scenario())
    assert returncode == -signal.SIGKILL
    assert took < 5


async def _noop(**kwargs: object) -> None:
    return None


def test_public_urls_and_the_qr_code():
    assert public_url_for("127.0.0.1", 8000) == "http://127.0.0.1:8000"
    assert public_url_for("quiz.local", 80) == "http://quiz.local:80"
    assert not public_url_for("0.0.0.0", 8000).startswith("http://0.0.0.0")
    code = qr_text("http://127.0.0.1:8000/")
    assert len(code.splitlines()) > 10 and set(code) <= {" ", "▄", "▀", "█", "\n"}


def test_a_participant_can_reach_nothing_outside_the_quiz(bank, tmp_path):
    from misquiz.storage.sqlite import SQLiteStore

    store = SQLiteStore(tmp_path / "p.db")
    store.start_attempt(
        bank_id=bank.id,
        bank_version=bank.version,
        bank_hash=bank.content_hash,
        language="en",
        seed=1,
        order=[s.id for s in bank.statements],
        workshop="ws",
        name="Someone else",
    )
    app = quiz_app(bank, lang="en", store=store, workshop="ws", participant=True)
    assert app.resume is None  # never someone else's unfinished attempt
    titles = {c.title for c in app.get_system_commands(app.screen if app._screen_stack else None)}
    assert titles <= {
        "Switch language",
        "Show keys",
        "Show results",
        "Save as Markdown",
        "Save as a web page",
        "Light or dark",
        "Quit",
    }
    assert not {"Screenshot", "Keys", "Theme", "Maximize"} & titles


def test_the_server_passes_no_debug_or_devtools_to_participants(tmp_path):
    server = WorkshopServer(
        workshop="w",
        host="127.0.0.1",
        port=9,
        public_url=None,
        round=None,
        bank_path="b.yaml",
        db_path=str(tmp_path / "d.db"),
        max_participants=3,
    )
    assert server.debug is False and "--participant" in server.argv
    env = Participant(
        server.argv, write_bytes=None, write_str=None, close=None, download_manager=None, debug=False
    )._build_environment()
    assert "TEXTUAL" not in env or "devtools" not in env["TEXTUAL"]

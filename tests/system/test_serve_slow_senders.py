"""`misquiz serve` under a slow-sender attack with few descriptors: the room stays open.

The server runs as a real process under `prlimit --nofile=256` (macOS's default soft limit). From
127.0.0.1, 200 connections send a form's headers and then its body a byte a second, reconnecting
whenever they are cut; meanwhile one participant takes the whole quiz. Loopback only, bounded in
count (200) and in time (the attack ends when the participant has finished, or after 90 s).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import socket
import subprocess
import sys
import time

import aiohttp
import pytest

from support.serving import Visitor, free_port

ATTACKERS = 200


def start_limited(tmp_path, port: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [
            *("prlimit", "--nofile=256", sys.executable, "-m", "misquiz", "serve", "--port", str(port)),
            *("--workshop", "slow", "--db", str(tmp_path / "s.db")),
        ],
        env={**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache"), "LANG": "C.UTF-8"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return server
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                raise RuntimeError(f"the server did not start: {server.communicate()}") from None
            time.sleep(0.05)


async def slow_sender(port: int, stop: asyncio.Event, lives: list[float]) -> None:
    """Headers at once, then the body one byte a second; again whenever the server cuts it off."""
    head = (
        f"POST /quiz/1 HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nOrigin: http://127.0.0.1:{port}\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\n"
    ).encode()
    while not stop.is_set():
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            await asyncio.sleep(0.2)
            continue
        began = time.monotonic()
        try:
            writer.write(head)
            while not stop.is_set():
                writer.write(b"a")
                await writer.drain()
                try:  # the server's answer (a 408 page) or its closing ends this life
                    if await asyncio.wait_for(reader.read(65536), 1.0) == b"":
                        break
                except TimeoutError:
                    continue
        except OSError:
            pass
        finally:
            if not stop.is_set():
                lives.append(time.monotonic() - began)
            writer.close()


async def attack_while_a_participant_takes_the_quiz(port: int) -> tuple[list[int], str, list[float], float]:
    stop = asyncio.Event()
    lives: list[float] = []
    senders = [asyncio.create_task(slow_sender(port, stop, lives)) for _ in range(ATTACKERS)]
    await asyncio.sleep(3)  # every sender connected and trickling
    statuses: list[int] = []
    began = time.monotonic()
    try:
        async with aiohttp.ClientSession(
            cookie_jar=aiohttp.CookieJar(unsafe=True), timeout=aiohttp.ClientTimeout(total=30)
        ) as session:
            base = f"http://127.0.0.1:{port}"
            person = Visitor(session, base)
            await person.get(base + "/")
            statuses.append(person.status)
            await person.post(base + "/start", {"csrf": person.csrf, "lang": "en"})
            statuses.append(person.status)
            for _ in range(36):
                await asyncio.sleep(0.15)  # a (very) quick reader
                await person.post(
                    f"{base}/quiz/{person.number}", {"csrf": person.csrf, "statement": person.statement, "answer": "4"}
                )
                statuses.append(person.status)
                if person.status != 200:
                    return statuses, person.url, lives, time.monotonic() - began
            took = time.monotonic() - began
            if took < 8:  # long enough for the deadline to cut every first slow body
                await asyncio.sleep(8 - took)
            return statuses, person.url, lives, took
    finally:
        stop.set()
        await asyncio.wait(senders, timeout=10)


@pytest.mark.skipif(shutil.which("prlimit") is None, reason="needs util-linux's prlimit")
def test_200_slow_bodies_from_one_address_leave_the_quiz_to_a_real_participant(tmp_path):
    port = free_port()
    server = start_limited(tmp_path, port)
    try:
        statuses, last, lives, took = asyncio.run(
            asyncio.wait_for(attack_while_a_participant_takes_the_quiz(port), timeout=90)
        )
    finally:
        server.send_signal(signal.SIGTERM)
        out, err = server.communicate(timeout=15)
    print(f"participant: 38 pages in {took:.1f} s; slow senders cut: {len(lives)}, longest life {max(lives):.1f} s")
    console = [line for line in out.splitlines() if line.startswith(("failed", "server:"))]
    assert statuses == [200] * len(statuses), (statuses, console)  # never 'busy', never refused
    assert last.endswith("/results"), last
    assert server.returncode == 0, err
    assert "Connections: up to" in out and "Warning: fewer than 4 connections per participant" in out, out
    assert len(lives) >= ATTACKERS, len(lives)  # every slow body was cut at least once
    assert max(lives) < 5 + 2.5, max(lives)  # within the 5 s deadline and a turn of the watch
    assert "Traceback" not in out + err


class FakeHandler:
    def __init__(self, since: float | None = None, busy: bool = False) -> None:
        self.since, self._request_in_progress, self.closed = since, busy, False

    def force_close(self) -> None:
        self.closed = True


def test_the_watch_cuts_late_requests_then_the_oldest_stuck_then_idle_ones_when_crowded():
    from misquiz.web.server import _reap

    late, old, young = FakeHandler(since=0.0), FakeHandler(since=7.0), FakeHandler(since=9.0)
    working, idle = FakeHandler(busy=True), FakeHandler()
    assert _reap([late, old, young, working, idle], budget=100, now=10.0) == 1  # not crowded: only the late one
    assert late.closed and not (old.closed or young.closed or idle.closed or working.closed)
    crowd = [FakeHandler(since=9.0 - n / 100) for n in range(6)] + [FakeHandler() for _ in range(4)]
    assert _reap(crowd, budget=10, now=10.0) == 2  # 10 > 9 (0.9 x budget): down to 8, the oldest stuck first
    assert [h.closed for h in crowd] == [False] * 4 + [True] * 2 + [False] * 4


def test_the_banner_states_the_connection_budget_and_warns_below_four_per_participant():
    from misquiz.web.server import connection_budget_text

    assert connection_budget_text(4000, 4096, 200) == "Connections: up to 4000 at once (open-files limit 4096).\n"
    assert "Warning: fewer than 4 connections per participant (800 for 200)" in connection_budget_text(180, 256, 200)


def test_an_unlimited_hard_limit_raises_the_soft_limit_as_far_as_the_system_allows(monkeypatch):
    """macOS: the hard limit is unlimited, the soft one 256, and the system refuses more than maxfilesperproc."""
    import resource

    from misquiz.web.server import raise_open_files_limit

    wanted: list[int] = []

    def setrlimit(which: int, limits: tuple[int, int]) -> None:
        wanted.append(limits[0])
        if limits[0] > 24_576:
            raise ValueError("not allowed")

    monkeypatch.setattr(resource, "getrlimit", lambda which: (256, resource.RLIM_INFINITY))
    monkeypatch.setattr(resource, "setrlimit", setrlimit)
    assert raise_open_files_limit() == 24_576 and wanted[-1] == 24_576


def test_slow_headers_are_cut_after_the_deadline_and_a_body_over_the_cap_is_refused_unread(tmp_path):
    from support.serving import start_server

    port = free_port()
    server = start_server(
        port, "--workshop", "slow", "--db", str(tmp_path / "h.db"), env={"XDG_CACHE_HOME": str(tmp_path / "c")},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip

    async def run() -> tuple[float, bytes, float]:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        began = time.monotonic()
        writer.write(b"GET / HTTP/1.1\r\n")
        while True:  # a header line a second, never the blank line that ends them
            try:
                writer.write(b"X-Slow: 1\r\n")
                await writer.drain()
                if await asyncio.wait_for(reader.read(65536), 1.0) == b"":
                    break
            except TimeoutError:
                continue
            except OSError:
                break
            if time.monotonic() - began > 30:
                break
        cut_after = time.monotonic() - began
        writer.close()
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        asked = time.monotonic()
        writer.write(
            f"POST /start HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nOrigin: http://127.0.0.1:{port}\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000000000\r\n\r\n".encode()
        )  # and not one byte of the body
        answer = await asyncio.wait_for(reader.read(200), 5)
        writer.close()
        return cut_after, answer, time.monotonic() - asked

    try:
        cut_after, answer, refused_after = asyncio.run(run())
    finally:
        server.send_signal(signal.SIGTERM)
        server.communicate(timeout=15)
    print(
        f"slow headers cut after {cut_after:.1f} s; a 1 GB Content-Length refused after {refused_after * 1000:.0f} ms"
    )
    assert 5 <= cut_after < 7.5, cut_after
    assert answer.startswith(b"HTTP/1.1 413"), answer
    assert refused_after < 1, refused_after


async def test_a_slow_body_gets_a_408_page_after_the_deadline(bank, tmp_path, monkeypatch):
    """In-process (aiohttp's test server): the guard's own deadline on reading a body."""
    from aiohttp.test_utils import TestServer

    from misquiz.storage.sqlite import SQLiteStore
    from misquiz.web import app as web_app
    from misquiz.web.workshop import WorkshopConfig

    monkeypatch.setattr(web_app, "REQUEST_SECONDS", 0.5)
    store = SQLiteStore(tmp_path / "b.db")
    server = TestServer(web_app.build_app(bank, store, WorkshopConfig("ws")))
    await server.start_server()
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        began = time.monotonic()
        writer.write(
            f"POST /start HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\nOrigin: http://127.0.0.1:{server.port}\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\ncsrf=".encode()
        )
        answer = await asyncio.wait_for(reader.read(100), 5)
        writer.close()
    finally:
        await server.close()
        store.close()
    assert answer.startswith(b"HTTP/1.1 408"), answer
    assert 0.5 <= time.monotonic() - began < 2


def test_the_aiohttp_internals_the_deadline_reads_are_there():
    """With an aiohttp that lacks them, serve would run without header deadlines: this says so first."""
    from misquiz.web.server import DEADLINE_READY

    assert DEADLINE_READY

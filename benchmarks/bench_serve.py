"""30 participants open the quiz at once against `misquiz serve`, over the page's own websocket protocol.

    python benchmarks/bench_serve.py [PARTICIPANTS]

Prints how long until every participant sees the welcome, and their first statement
after pressing Enter, then lets all of them finish and checks that every attempt is
stored. Everything runs on 127.0.0.1 on this machine.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from support.serving import free_port, start_server

ANSI = re.compile(rb"\x1b\[[0-9;?<>]*[A-Za-z]|\x1b\][^\x07]*\x07|\x1b[()][AB012]|\x1b[=>]")
TIMEOUT = 180


class Screen:
    """What one participant's terminal has received, as plain text."""

    def __init__(self) -> None:
        self.text = b""

    def feed(self, data: bytes) -> None:
        self.text = (self.text + ANSI.sub(b"", data))[-20000:]

    def has(self, needle: str) -> bool:
        return needle.encode() in self.text


async def participant(session: aiohttp.ClientSession, url: str, started: float, times: dict[str, list[float]]) -> None:
    screen = Screen()
    async with session.ws_connect(url + "ws?width=80&height=24", max_msg_size=0) as ws:

        async def wait_for(needle: str) -> None:
            deadline = time.monotonic() + TIMEOUT
            while not screen.has(needle):
                message = await asyncio.wait_for(ws.receive(), max(0.1, deadline - time.monotonic()))
                if message.type == aiohttp.WSMsgType.BINARY:
                    screen.feed(message.data)
                elif message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.ERROR):
                    raise RuntimeError(f"closed while waiting for {needle!r}")

        async def send(keys: str) -> None:
            await ws.send_str(json.dumps(["stdin", keys]))

        await ws.send_str(json.dumps(["resize", {"width": 80, "height": 24}]))  # as the page does on open
        await wait_for("Start")
        times["welcome"].append(time.perf_counter() - started)
        # As the page does: answer the app's query for synchronized output, then focus.
        await send("\x1b[?2026;0$y")
        await ws.send_str(json.dumps(["focus"]))
        for _ in range(50):  # keys sent before the app listens are lost: press Enter until it starts
            await send("\r")
            try:
                await asyncio.wait_for(wait_for("1 / 27"), 1.0)
                break
            except TimeoutError:
                continue
        await wait_for("1 / 27")
        times["first statement"].append(time.perf_counter() - started)
        for n in range(2, 28):
            screen.text = b""
            await send("3")
            await wait_for(f"{n} / 27")
        await send("4")
        await wait_for("Overall")
        times["results"].append(time.perf_counter() - started)


async def run(url: str, count: int) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {"welcome": [], "first statement": [], "results": []}
    async with aiohttp.ClientSession() as session:
        started = time.perf_counter()
        await asyncio.gather(*(participant(session, url, started, times) for _ in range(count)))
    return times


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "load.db"
        port = free_port()
        server = start_server(
            port,
            "--workshop",
            "load",
            "--db",
            str(db),
            "--max-participants",
            str(count),
            env={"XDG_CACHE_HOME": str(Path(tmp) / "cache")},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            times = asyncio.run(run(f"http://127.0.0.1:{port}/", count))
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=20)
        with sqlite3.connect(db) as conn:
            stored, finished = conn.execute("SELECT COUNT(*), COUNT(finished_at) FROM attempts").fetchone()
            answers = conn.execute("SELECT COUNT(*) FROM answers").fetchone()[0]
    print(f"{count} participants opening the page at once on {os.cpu_count()} cores:")
    for what, values in times.items():
        print(f"  until all see the {what}: {max(values):.2f} s (median {statistics.median(values):.2f} s)")
    print(
        f"  stored: {stored} attempts, {finished} finished, {answers} answers "
        f"({'all there' if finished == count and answers == 27 * count else 'MISSING SOME'})"
    )


if __name__ == "__main__":
    main()

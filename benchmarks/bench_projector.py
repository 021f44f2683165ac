"""How soon a finish shows on the projector page while 200 participants answer by the forms.

    python benchmarks/bench_projector.py [PARTICIPANTS] [--no-room]

Starts `misquiz serve`; PARTICIPANTS (default 200) each keep their own cookies, come from their
own loopback address and answer every statement through the HTTP forms with 0–0.5 s of thinking
time in between. One Server-Sent Events client watches the projector page (its address derived
from the store's server secret, as the server does). For every participant who finishes, the
delay is from the response to their last answer until the first event whose "finished" count
includes that finish (the k-th finish to be answered needs a count of at least k). Target: 1 s.
Then, unless --no-room, the `room --json` figure over 10,000 attempts (benchmarks/bench_room.py).
"""

from __future__ import annotations

import asyncio
import json
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from misquiz.storage.sqlite import SQLiteStore
from misquiz.web.projector import projector_token
from support.serving import Visitor, free_port, start_server

STATEMENTS = 36
WORKSHOP = "bench"
FINISHED = re.compile(r'data-count="finished">(\d+)<')


def address(n: int) -> str:
    return f"127.0.{1 + n // 250}.{1 + n % 250}"


async def participant(n: int, base: str, rng: random.Random) -> float | None:
    """Answers every statement; the moment the last answer's response arrived, or None if it went wrong."""
    connector = aiohttp.TCPConnector(local_addr=(address(n), 0), limit=1)
    async with aiohttp.ClientSession(
        base_url=base, connector=connector, cookie_jar=aiohttp.CookieJar(unsafe=True)
    ) as session:
        person = Visitor(session, base)
        await person.start()
        for _ in range(STATEMENTS - 1):
            await asyncio.sleep(rng.uniform(0, 0.5))
            await person.answer(rng.randint(0, 5))
            if person.status != 200:
                print(f"participant {n}: status {person.status}", file=sys.stderr)
                return None
        await asyncio.sleep(rng.uniform(0, 0.5))
        data = {"csrf": person.csrf, "statement": person.statement, "answer": str(rng.randint(0, 5))}
        async with session.post(
            f"/quiz/{person.number}", data=data, headers=person.headers, allow_redirects=False
        ) as response:
            await response.read()
            done = time.perf_counter()
            if response.status != 303 or response.headers.get("Location") != "/results":
                print(f"participant {n}: last answer gave {response.status}", file=sys.stderr)
                return None
        return done


async def watch(url: str, events: list[tuple[float, int]], stop: asyncio.Event) -> None:
    """Keeps (arrival, finished count) of every event on the projector's stream."""
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        assert response.status == 200, response.status
        while not stop.is_set():
            line = await response.content.readline()
            if not line:
                break
            if line.startswith(b"data: "):
                found = FINISHED.search(json.loads(line[6:])["html"])
                events.append((time.perf_counter(), int(found.group(1)) if found else 0))


async def run(base: str, token: str, count: int) -> tuple[list[float | None], list[tuple[float, int]]]:
    events: list[tuple[float, int]] = []
    stop = asyncio.Event()
    watcher = asyncio.create_task(watch(f"{base}/projector/{token}/events?lang=en", events, stop))
    await asyncio.sleep(1)  # the stream is open and has sent the empty room
    done = await asyncio.gather(*(participant(n, base, random.Random(n)) for n in range(count)), return_exceptions=True)
    finishes = [d if isinstance(d, float) else None for d in done]
    for failure in [d for d in done if isinstance(d, BaseException)][:3]:
        print("failed:", repr(failure), file=sys.stderr)
    deadline = time.perf_counter() + 5
    while time.perf_counter() < deadline and (not events or events[-1][1] < sum(f is not None for f in finishes)):
        await asyncio.sleep(0.05)
    stop.set()
    watcher.cancel()
    await asyncio.gather(watcher, return_exceptions=True)
    return finishes, events


def delays(finishes: list[float], events: list[tuple[float, int]]) -> list[float]:
    """For the k-th finish (in the order their responses arrived): the first event counting k or more."""
    out = []
    for k, done in enumerate(sorted(finishes), start=1):
        shown = next((at for at, finished in events if finished >= k), None)
        out.append(float("inf") if shown is None else max(0.0, shown - done))
    return out


def room_figure() -> None:
    """benchmarks/bench_room.py's measurement: a whole `room --json` process over 10,000 attempts."""
    from bench_store import fill

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "room.db"
        fill(db, 10_000, workshops=1)
        args = [sys.executable, "-m", "misquiz", "room", "ws0", "--json", "--db", str(db)]
        subprocess.run(args, check=True, capture_output=True)  # warm the bank cache and the file cache
        times = []
        for _ in range(7):
            start = time.perf_counter()
            out = subprocess.run(args, check=True, capture_output=True, text=True).stdout
            times.append(time.perf_counter() - start)
    rounds = json.loads(out)["rounds"]
    people = sum(r["joined"] for r in rounds.values())
    print(
        f"`misquiz room --json` over 10,000 attempts ({people:,} joined over {len(rounds)} rounds): "
        f"{statistics.median(times):.3f} s (process, median of 7)  (target <= 0.3 s)"
    )


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    count = int(args[0]) if args else 200
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        port = free_port()
        server = start_server(
            port,
            "--workshop",
            WORKSHOP,
            "--round",
            "before",
            "--db",
            str(db),
            "--max-participants",
            str(count + 10),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            store = SQLiteStore(db)
            token = projector_token(store.server_secret(), WORKSHOP, "before")
            store.close()
            began = time.perf_counter()
            finishes, events = asyncio.run(run(base, token, count))
            took = time.perf_counter() - began
        finally:
            server.terminate()
            server.wait(timeout=15)
    finished = [f for f in finishes if f is not None]
    waits = delays(finished, events)
    print(f"participants: {count} answering by the forms; {len(finished)} finished in {took:.1f} s")
    print(f"projector events received: {len(events)}; last finished count {events[-1][1] if events else 0}")
    if waits:
        print(
            f"finish -> projector event: median {statistics.median(waits) * 1000:.0f} ms, "
            f"max {max(waits) * 1000:.0f} ms  (target: within 1 s)"
        )
    ok = len(finished) == count and bool(waits) and max(waits) <= 1.0
    if "--no-room" not in sys.argv:
        room_figure()
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()

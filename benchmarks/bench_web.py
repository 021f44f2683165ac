"""Load on `misquiz serve`: participants that follow the forms as a browser without JavaScript would.

    python benchmarks/bench_web.py [PARTICIPANTS] [IDLE] [CLIENT_PROCESSES] [CLIENT_NICENESS]

PARTICIPANTS (default 500) each keep their own cookies and come from their own loopback
address (127.0.x.y, as phones on a network would), all join at once and answer every
statement with 0–0.5 s of thinking time in between. An answer's latency is the POST and the
redirect it leads to, until the next page has arrived. Then IDLE (default 2,000) keep-alive
connections are opened and left idle, and one more participant must still join and finish.
CLIENT_PROCESSES (default 1) splits the participants over that many client processes, so
that one Python client's own queueing does not pass for the server's latency. On a 2-core
machine 1 is the fair setting: the server has one core and the room the other. With two
client processes, three busy processes share two cores and the server waits for a CPU while
requests queue (the script prints that wait); use more only where cores are to spare or the
printed client event-loop lag grows.
CLIENT_NICENESS (default 0) runs the client processes at that niceness: on this machine they
share the server's two cores, which phones in a room do not; at 10 the server gets a CPU
first whenever it has work, and the clients' own delays still count in every latency.
Prints the figures, with the CPU the server and the clients used per request and how long
the server waited for a CPU while it had work (Linux's schedstat): on a machine shared with
the clients, that wait is part of every latency. Checks that every answer was stored.
"""

from __future__ import annotations

import asyncio
import gc
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from support.serving import Visitor, free_port, start_server

STATEMENTS = 36


def rss_mb(pid: int, field: str = "VmRSS") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def waited_for_cpu(pid: int) -> float:
    """Seconds this process was ready to run but waited for a CPU (Linux; 0 where unknown)."""
    try:
        return int(Path(f"/proc/{pid}/schedstat").read_text().split()[1]) / 1e9
    except (OSError, IndexError, ValueError):
        return 0.0


def children_cpu() -> float:
    """CPU seconds of this process and of its children that ended (the client processes)."""
    import resource

    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def address(n: int) -> str:
    return f"127.0.{1 + n // 250}.{1 + n % 250}"


async def participant(n: int, base: str, latencies: list[float], rng: random.Random, think: float = 0.5) -> bool:
    connector = aiohttp.TCPConnector(local_addr=(address(n), 0), limit=1)
    async with aiohttp.ClientSession(
        base_url=base, connector=connector, cookie_jar=aiohttp.CookieJar(unsafe=True)
    ) as session:
        person = Visitor(session, base)
        await person.get("/")
        await person.post("/start", {"csrf": person.csrf, "lang": "en", "name": ""})
        for _ in range(STATEMENTS):
            await asyncio.sleep(rng.uniform(0, think))
            value = rng.randint(0, 5)
            began = time.perf_counter()
            await person.answer(value)
            latencies.append(time.perf_counter() - began)
            if person.status != 200:
                print(f"participant {n}: status {person.status}", file=sys.stderr)
                return False
        return person.url.endswith("/results")


async def lag_monitor(lags: list[float], done: asyncio.Event) -> None:
    """How late a 10 ms sleep wakes in this client's event loop: its own queueing, inside every latency it measures."""
    while not done.is_set():
        began = time.perf_counter()
        await asyncio.sleep(0.01)
        lags.append(time.perf_counter() - began - 0.01)


async def crowd(
    bases: list[str], count: int, first: int = 0, think: float = 0.5
) -> tuple[list[float], int, float, list[float]]:
    """Participants first .. first + count - 1; participant n goes to bases[n % len(bases)].

    Each thinks 0 to `think` seconds (uniformly) before each answer.
    """
    latencies: list[float] = []
    lags: list[float] = []
    done_event = asyncio.Event()
    monitor = asyncio.create_task(lag_monitor(lags, done_event))
    # One process plays every phone in the room, so its collector's pauses (a full collection
    # over 500 sessions took 25-45 ms) would stop all of them at once and pass for the server's
    # latency; phones do not share a collector. Its garbage waits for the end of the run.
    gc.disable()
    began = time.perf_counter()
    try:
        done = await asyncio.gather(
            *(
                participant(n, bases[n % len(bases)], latencies, random.Random(n), think)
                for n in range(first, first + count)
            ),
            return_exceptions=True,
        )
    finally:
        took = time.perf_counter() - began
        gc.enable()
    done_event.set()
    await monitor
    failures = [d for d in done if d is not True]
    for failure in failures[:3]:
        print("failed:", repr(failure), file=sys.stderr)
    return latencies, count - len(failures), took, lags


def _crowd_slice(bases: list[str], first: int, count: int, think: float) -> tuple[list[float], int, float, list[float]]:
    return asyncio.run(crowd(bases, count, first, think))


def crowds(
    bases: list[str], count: int, processes: int, nice: int = 0, think: float = 0.5
) -> tuple[list[float], int, float, list[float]]:
    """The crowd split over several client processes, started together; latencies, finished, seconds, loop lags.

    With `nice`, the client processes run at that niceness, so that on a machine shared with the
    server they take the CPU only when the server does not want it: phones do not take a
    server's CPU. The client's own delays then grow, and they stay in every latency measured.
    """
    if processes <= 1 and not nice:
        return asyncio.run(crowd(bases, count, think=think))
    from concurrent.futures import ProcessPoolExecutor

    processes = max(1, processes)

    sizes = [count // processes + (1 if i < count % processes else 0) for i in range(processes)]
    starts = [sum(sizes[:i]) for i in range(processes)]
    began = time.perf_counter()
    with ProcessPoolExecutor(processes, initializer=os.nice, initargs=(nice,)) as pool:
        parts = list(pool.map(_crowd_slice, [bases] * processes, starts, sizes, [think] * processes))
    latencies = [x for part in parts for x in part[0]]
    lags = [x for part in parts for x in part[3]]
    return latencies, sum(part[1] for part in parts), time.perf_counter() - began, lags


def lag_text(lags: list[float]) -> str:
    if len(lags) < 2:
        return "client event-loop lag: not measured"
    cuts = statistics.quantiles(lags, n=100)
    return (
        f"client event-loop lag (a 10 ms sleep woke this late; part of every latency above): "
        f"median {statistics.median(lags) * 1000:.1f} ms, p95 {cuts[94] * 1000:.1f} ms"
    )


async def idle_then_join(port: int, base: str, idle: int) -> tuple[int, float, bool]:
    writers = []
    for n in range(idle):
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port, local_addr=(address(600 + n), 0))
            writer.write(f"GET /static/misquiz.css HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
            writers.append((reader, writer))
        except OSError as exc:
            print(f"idle connection {n}: {exc}", file=sys.stderr)
            break
    await asyncio.sleep(1)
    latencies: list[float] = []
    began = time.perf_counter()
    finished = await participant(4999, base, latencies, random.Random(1))
    took = time.perf_counter() - began
    open_after = sum(1 for _, writer in writers if not writer.is_closing())
    for _, writer in writers:
        writer.close()
    return open_after, took, finished


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    idle = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
    processes = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    nice = int(sys.argv[4]) if len(sys.argv) > 4 else 0
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        port = free_port()
        server = start_server(
            port,
            "--workshop",
            "bench",
            "--db",
            str(db),
            "--max-participants",
            str(count + 10),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            start_rss = rss_mb(server.pid)
            cpu_before, waited_before, client_before = (
                cpu_seconds(server.pid),
                waited_for_cpu(server.pid),
                children_cpu(),
            )
            latencies, finished, took, lags = crowds([base], count, processes, nice)
            server_cpu = cpu_seconds(server.pid) - cpu_before
            server_waited = waited_for_cpu(server.pid) - waited_before
            client_cpu = children_cpu() - client_before
            peak_rss = rss_mb(server.pid, "VmHWM")
            open_after, join_took, joined = asyncio.run(idle_then_join(port, base, idle))
            alive = server.poll() is None
            final_rss = rss_mb(server.pid, "VmHWM") if alive else 0.0
        finally:
            server.terminate()
            server.wait(timeout=15)
        with sqlite3.connect(db) as conn:
            stored = conn.execute("SELECT COUNT(*) FROM answers").fetchone()[0]
            done = conn.execute("SELECT COUNT(*) FROM attempts WHERE finished_at IS NOT NULL").fetchone()[0]
    cuts = statistics.quantiles(latencies, n=100)
    print(
        f"participants: {count} joined at once from {processes} client process(es) at niceness {nice}; "
        f"{finished} finished in {took:.1f} s"
    )
    requests = len(latencies) * 2 + count * 3  # an answer is two requests; joining is three (welcome, start, page)
    print(
        f"server CPU: {server_cpu:.1f} s over those {took:.1f} s ({server_cpu / took:.0%} of one core), "
        f"{server_cpu / requests * 1e6:.0f} µs a request; it waited {server_waited:.1f} s for a CPU while it had work"
    )
    print(f"client CPU: {client_cpu:.1f} s in {processes} process(es), {client_cpu / requests * 1e6:.0f} µs a request")
    print(f"requests sent: {requests:,} in {took:.1f} s, {requests / took:,.0f} a second")
    print(f"answers: {len(latencies)} timed, {stored} stored (expected {(count + 1) * STATEMENTS} with the late one)")
    print(
        f"answer latency (POST + redirected GET): median {statistics.median(latencies) * 1000:.1f} ms, "
        f"p95 {cuts[94] * 1000:.1f} ms, p99 {cuts[98] * 1000:.1f} ms, max {max(latencies) * 1000:.1f} ms"
    )
    print(lag_text(lags))
    print(f"server RSS: {start_rss:.0f} MB at start, peak {peak_rss:.0f} MB under load, {final_rss:.0f} MB at the end")
    print(
        f"{idle} idle keep-alive connections: server alive {alive}; one more participant "
        f"{'joined and finished' if joined else 'FAILED'} in {join_took:.1f} s; {open_after} idle still open"
    )
    print(f"finished attempts in the database: {done}")
    ok = finished == count and stored == (count + 1) * STATEMENTS and alive and joined
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()

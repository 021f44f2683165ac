"""Scaling out: two `misquiz serve` processes and one PostgreSQL on this machine.

    python benchmarks/bench_scale.py [PARTICIPANTS] [ROOM_ATTEMPTS] [CLIENT_PROCESSES] [CLIENT_NICENESS] [THINK]

PARTICIPANTS (default 1,000) are split between the two servers (even to one, odd to the
other); each keeps its own cookies, comes from its own loopback address, joins at once with
the rest and answers every statement with 0–THINK s of thinking time in between (default
0.5, as in bench_web; a person reading a statement on a phone takes several seconds). An answer's
latency is the POST and the redirect it leads to, until the next page has arrived.
CLIENT_PROCESSES (default 1) splits the participants over that many client processes, as in
bench_web (and CLIENT_NICENESS as there); the CPU of the servers, of PostgreSQL and of the
clients is printed per request, with the cores that pace would need if no request ever
waited, and what the participants added to the database. Then the
database is filled to ROOM_ATTEMPTS (default 100,000) attempts in one workshop and
`misquiz room --json` is timed as a whole process. PostgreSQL is Debian's, started by the
tests' fixture (initdb in a temporary folder; fsync off, as in the tests).
Prints the figures; exits 1 if an answer was lost or a target was missed.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_web import STATEMENTS, children_cpu, cpu_seconds, crowds, lag_text, waited_for_cpu

from support.postgres import PostgresServer, binaries
from support.serving import free_port, start_server

FILL_SQL = """
INSERT INTO attempts (uid, bank_id, bank_version, bank_hash, language, seed, statement_order, name, workshop,
                      round, started_at, finished_at, result, person)
SELECT 'fill-' || n, 'b', '1', 'h', 'en', n, '[]', '', 'room', 'before', '2026-01-01T00:00:00+00:00',
       CASE WHEN n % 10 = 0 THEN NULL ELSE '2026-01-01T00:05:00+00:00' END, NULL, 'p' || n
FROM generate_series(1, %(count)s) AS n;
INSERT INTO answers (attempt_id, statement_id, value, answered_at)
SELECT id, 's1', 3, started_at FROM attempts WHERE workshop = 'room';
INSERT INTO myth_scores (attempt_id, myth_id, score, band, mixed, workshop, round)
SELECT a.id, 'm' || m, (a.seed * 7 + m * 13) % 101,
       CASE WHEN (a.seed * 7 + m * 13) % 101 <= 33 THEN 'clear'
            WHEN (a.seed * 7 + m * 13) % 101 <= 66 THEN 'doubt' ELSE 'held' END, 0, 'room', 'before'
FROM attempts AS a, generate_series(1, 9) AS m WHERE a.workshop = 'room' AND a.finished_at IS NOT NULL;
ANALYZE;
"""


def postgres_cpu(pg: PostgresServer) -> float:
    """CPU seconds of this cluster: the postmaster, its live children, and those that ended."""
    try:
        postmaster = int((pg.data / "postmaster.pid").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 0.0
    total = 0.0
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(pid) == postmaster:
            total += sum(int(f) for f in fields[11:15])  # utime stime, and cutime cstime of ended children
        elif int(fields[1]) == postmaster:
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    room_attempts = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
    processes = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    nice = int(sys.argv[4]) if len(sys.argv) > 4 else 0
    think = float(sys.argv[5]) if len(sys.argv) > 5 else 0.5
    if not think > 0:
        sys.exit("THINK is the most a participant thinks before an answer, in seconds: more than 0")
    bin_dir = binaries()
    if bin_dir is None:
        sys.exit("PostgreSQL is not installed (Debian: apt-get install postgresql)")
    pg = PostgresServer(bin_dir)
    pg.start()
    try:
        url = pg.new_database()
        ports = [free_port(), free_port()]
        servers = [
            start_server(
                port,
                "--workshop",
                "bench",
                "--db",
                url,
                "--max-participants",
                str(count),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            for port in ports
        ]
        database = url.rsplit("/", 1)[1]
        size_before = pg.sql("SELECT pg_database_size(current_database())", database)[0][0]
        try:
            cpu_before = [cpu_seconds(s.pid) for s in servers]
            waited_before = [waited_for_cpu(s.pid) for s in servers]
            pg_before, client_before = postgres_cpu(pg), children_cpu()
            latencies, finished, took, lags = crowds(
                [f"http://127.0.0.1:{p}" for p in ports], count, processes, nice, think
            )
            cpu = [cpu_seconds(s.pid) - b for s, b in zip(servers, cpu_before, strict=True)]
            waited = [waited_for_cpu(s.pid) - b for s, b in zip(servers, waited_before, strict=True)]
            pg_cpu, client_cpu = postgres_cpu(pg) - pg_before, children_cpu() - client_before
        finally:
            for server in servers:
                server.terminate()
                server.wait(timeout=15)
        pg.sql("CHECKPOINT", database)
        size_after = pg.sql("SELECT pg_database_size(current_database())", database)[0][0]
        stored = pg.sql("SELECT COUNT(*) FROM answers", url.rsplit("/", 1)[1])[0][0]
        done = pg.sql("SELECT COUNT(*) FROM attempts WHERE finished_at IS NOT NULL", url.rsplit("/", 1)[1])[0][0]
        cuts = statistics.quantiles(latencies, n=100)
        p95 = cuts[94]

        import psycopg

        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(FILL_SQL.replace("%(count)s", str(room_attempts)))  # type: ignore[arg-type]
        args = [sys.executable, "-m", "misquiz", "room", "room", "--json", "--db", url]
        subprocess.run(args, check=True, capture_output=True)  # warm the bank cache
        times = []
        for _ in range(5):
            start = time.perf_counter()
            out = subprocess.run(args, check=True, capture_output=True, text=True).stdout
            times.append(time.perf_counter() - start)
        room_s = statistics.median(times)
        assert f'"finished": {room_attempts - room_attempts // 10}' in out, out[:300]
    finally:
        pg.stop()
    requests = len(latencies) * 2 + count * 3  # an answer is two requests; joining is three
    print(
        f"participants: {count} joined at once, split over 2 servers, from {processes} client process(es), "
        f"thinking 0-{think:g} s; {finished} finished in {took:.1f} s"
    )
    print(
        f"server CPU: {cpu[0]:.1f} s and {cpu[1]:.1f} s over those {took:.1f} s "
        f"({sum(cpu) / requests * 1e6:.0f} µs a request); they waited {waited[0]:.1f} s and {waited[1]:.1f} s for a CPU"
    )
    print(
        f"PostgreSQL CPU: {pg_cpu:.1f} s ({pg_cpu / requests * 1e6:.0f} µs a request); "
        f"client CPU: {client_cpu:.1f} s ({client_cpu / requests * 1e6:.0f} µs a request)"
    )
    per_request = (sum(cpu) + pg_cpu + client_cpu) / requests
    pace = count * 2 / (think / 2)  # requests a second (two an answer) if no answer ever waited
    print(
        f"at this pace, with no waiting, the participants would send {pace:,.0f} requests a second "
        f"(they sent {requests / took:,.0f}); at the {per_request * 1e6:.0f} µs of CPU measured per request "
        f"(servers, PostgreSQL and clients together; the clients' garbage is collected after the run, "
        f"outside this) that needs {pace * per_request:.1f} cores; this machine has {os.cpu_count()}"
    )
    print(f"answers: {len(latencies)} timed, {stored} stored (expected {count * STATEMENTS}); finished attempts {done}")
    print(
        f"answer latency (POST + redirected GET): median {statistics.median(latencies) * 1000:.1f} ms, "
        f"p95 {p95 * 1000:.1f} ms, p99 {cuts[98] * 1000:.1f} ms, max {max(latencies) * 1000:.1f} ms "
        "(target p95 <= 100 ms)"
    )
    print(lag_text(lags))
    print(
        f"database: {(size_after - size_before) / 1e6:.1f} MB more for {count} participants, "
        f"{(size_after - size_before) / count / 1024:.1f} KB each (tables and indexes, PostgreSQL's pages)"
    )
    print(
        f"`misquiz room --json` over {room_attempts:,} attempts: {room_s:.3f} s (process, median of 5)  (target <= 1 s)"
    )
    ok = finished == count and stored == count * STATEMENTS and p95 <= 0.1 and room_s <= 1.0
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()

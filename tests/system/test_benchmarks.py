"""The load benchmarks still run end to end, with a handful of participants: every answer stored.

They time nothing here (speed is what the scripts print when run by hand, see the README); this
only keeps them from rotting, as the figures in the README come from them.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from support.postgres import server

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


def run(script: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(BENCHMARKS / script), *args], capture_output=True, text=True, timeout=300
    )


def stored(output: str) -> tuple[int, int]:
    found = re.search(r"answers: \d+ timed, (\d+) stored \(expected (\d+)", output)
    assert found is not None, output
    return int(found.group(1)), int(found.group(2))


def test_bench_web_stores_every_answer_and_outlives_idle_connections():
    result = run("bench_web.py", "3", "20")
    assert result.returncode == 0, result.stdout + result.stderr
    assert stored(result.stdout) == (4 * 36, 4 * 36)  # three, and the one who joins after the idle connections
    assert "server alive True; one more participant joined and finished" in result.stdout
    assert "requests sent: " in result.stdout


def test_bench_scale_stores_every_answer_through_two_servers():
    server()  # the PostgreSQL tests' rule: skipped without PostgreSQL, except on CI, where they fail
    result = run("bench_scale.py", "4", "200", "1", "0", "0.1")
    # Its exit code also says whether the latency targets were met: not a question for a test.
    assert stored(result.stdout) == (4 * 36, 4 * 36), result.stdout + result.stderr
    assert "over 200 attempts" in result.stdout
    assert "this machine has" in result.stdout

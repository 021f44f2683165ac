"""`misquiz room --json` over 10,000 stored attempts in one workshop; prints the figure.

python benchmarks/bench_room.py        (target <= 0.3 s for the whole process)
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bench_store import fill


def main() -> None:
    import compileall

    import misquiz

    compileall.compile_dir(Path(misquiz.__file__).parent, quiet=1)
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
        rounds = json.loads(out)["rounds"]  # rounds are kept apart: the finished add up to 9,000
        assert sum(r["finished"] for r in rounds.values()) == 9000, out[:200]
        baseline = []
        for _ in range(7):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-c", "import yaml, click"], check=True)
            baseline.append(time.perf_counter() - start)
        print(
            f"`misquiz room --json` over 10,000 attempts (9,000 finished): {statistics.median(times):.3f} s "
            f"(process, median of 7; `import yaml, click` takes {statistics.median(baseline):.3f} s)  (target <= 0.3 s)"
        )


if __name__ == "__main__":
    main()

"""Speed of the trainer's reports over 10,000 stored attempts; prints figures measured in this run.

    python benchmarks/bench_reports.py

All 10,000 attempts (half "before", half "after"; one in ten unfinished) are in one workshop, the
worst case for a single report. Each command runs as a whole process (median of 5), against the
target (<= 0.5 s) and against `python -c "import yaml, click"` measured alongside.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_store import fill

TARGET = 0.5
REPEAT = 5
ATTEMPTS = 10_000


def median_process(args: list[str], cwd: Path) -> float:
    times = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        subprocess.run(args, check=True, capture_output=True, cwd=cwd)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    import compileall

    import misquiz

    compileall.compile_dir(Path(misquiz.__file__).parent, quiet=1)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        db = folder / "reports.db"
        fill(db, ATTEMPTS, workshops=1)  # every attempt in workshop "ws0"
        misquiz_cmd = [sys.executable, "-m", "misquiz"]
        baseline = median_process([sys.executable, "-c", "import yaml, click"], folder)
        runs = {
            "misquiz items ws0": [*misquiz_cmd, "items", "ws0", "--db", str(db)],
            "misquiz room ws0 --export report.html": [
                *misquiz_cmd,
                "room",
                "ws0",
                "--export",
                str(folder / "report.html"),
                "--db",
                str(db),
            ],
        }
        print(f"{ATTEMPTS:,} attempts in one workshop; whole process, median of {REPEAT}")
        print(f'  baseline `python -c "import yaml, click"`: {baseline:.3f} s')
        for label, args in runs.items():
            seconds = median_process(args, folder)
            verdict = "ok" if seconds <= TARGET else "OVER"
            print(
                f"  `{label}`: {seconds:.3f} s  (target <= {TARGET} s: {verdict}; "
                f"{seconds / baseline:.1f}x the baseline)"
            )


if __name__ == "__main__":
    main()

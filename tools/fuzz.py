"""A longer fuzzing run of the three readers (banks, answers files, result files).

    python tools/fuzz.py [CASES_PER_READER]     (default 4,000 each: 12,000 in all)

It runs tests/system/test_fuzz.py, the same mutations and the same demand (load, or refuse
with located problems), at a size too long for every test run, and prints hypothesis's
statistics of how the cases ended.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    cases = int(sys.argv[1]) if len(sys.argv) > 1 else 4000
    env = {**os.environ, "MISQUIZ_FUZZ_CASES": str(cases)}
    command = [sys.executable, "-m", "pytest", "-q", "--hypothesis-show-statistics", "tests/system/test_fuzz.py"]
    return subprocess.call(command, cwd=ROOT, env=env)


if __name__ == "__main__":
    sys.exit(main())

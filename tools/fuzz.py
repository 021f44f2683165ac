"""A longer fuzzing run of the three readers; prints how many cases it tried and how they ended.

    python tools/fuzz.py [CASES_PER_READER]     (default 4,000 each: 12,000 in all)

The same mutations and the same demand as tests/test_fuzz.py (load, or refuse with located
problems), at a size too long for every test run.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from hypothesis import HealthCheck, given, settings

from fuzzing import (
    answers_data,
    answers_hold,
    bank_data,
    bank_holds,
    mutated_text,
    result_data,
    result_holds,
)


def run(name: str, strategy, holds, cases: int) -> Counter:
    outcomes: Counter = Counter()
    slowest = [0.0]

    @settings(max_examples=cases, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(strategy)
    def case(text: str) -> None:
        with tempfile.NamedTemporaryFile(
            "w", suffix=".yaml", delete=False, encoding="utf-8", errors="surrogatepass"
        ) as handle:
            handle.write(text)
        path = Path(handle.name)
        start = time.perf_counter()
        try:
            outcomes["loaded" if holds(path) else "refused with located problems"] += 1
        finally:
            slowest[0] = max(slowest[0], time.perf_counter() - start)
            path.unlink()

    case()
    split = ", ".join(f"{n:,} {what}" for what, n in sorted(outcomes.items()))
    print(f"{name}: {sum(outcomes.values()):,} cases ({split}); no crash, no hang; slowest {slowest[0] * 1000:.0f} ms")
    return outcomes


def main() -> None:
    cases = int(sys.argv[1]) if len(sys.argv) > 1 else 4000
    total = 0
    for name, strategy, holds in (
        ("banks", mutated_text(bank_data()), bank_holds),
        ("answers files", mutated_text(answers_data()), answers_hold),
        ("result files", mutated_text(result_data()), result_holds),
    ):
        total += sum(run(name, strategy, holds, cases).values())
    print(f"in all: {total:,} fuzzed inputs")


if __name__ == "__main__":
    main()

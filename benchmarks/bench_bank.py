"""Bank loading speed: prints figures and ratios, measured in this one run.

    python benchmarks/bench_bank.py

- the shipped bank: median time to load and validate, after imports (target <= 15 ms);
- a synthetic bank 100 times larger: its time / the shipped bank's (target about <= 120);
- `misquiz validate` as a whole process / `python -c "import yaml, click"` (target <= 2).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from misquiz.files.bank import check_bank, shipped_bank_path


def median_seconds(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def big_bank(factor: int) -> str:
    data = yaml.safe_load(shipped_bank_path().read_text(encoding="utf-8"))
    myths = []
    for n in range(factor):
        for myth in data["myths"]:
            copy = yaml.safe_load(yaml.safe_dump(myth))
            copy["id"] = f"{myth['id']}-{n}"
            for st in copy["statements"]:
                st["id"] = f"{st['id']}-{n}"
            myths.append(copy)
    data["myths"] = myths
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def process_time(args: list[str], repeat: int = 15) -> float:
    return median_seconds(lambda: subprocess.run(args, check=False, capture_output=True), repeat)


def main() -> None:
    import compileall

    import misquiz

    # An installed wheel has its bytecode compiled by pip; make a source checkout match it.
    compileall.compile_dir(Path(misquiz.__file__).parent, quiet=1)
    assert check_bank().ok
    shipped = median_seconds(check_bank, 50)
    print(f"shipped bank, load + validate (median of 50): {shipped * 1000:.2f} ms  (target <= 15 ms)")

    with tempfile.TemporaryDirectory() as tmp:
        one, path = Path(tmp) / "one.yaml", Path(tmp) / "big.yaml"
        # The same generator writes both, so the ratio compares like with like.
        one.write_text(big_bank(1), encoding="utf-8")
        path.write_text(big_bank(100), encoding="utf-8")
        result = check_bank(path)
        assert result.ok, result.errors[:3]
        single = median_seconds(lambda: check_bank(one), 50)
        big = median_seconds(lambda: check_bank(path), 5)
        print(
            f"100x bank ({result.statements} statements, {path.stat().st_size / 1e6:.1f} MB): {big * 1000:.0f} ms; "
            f"the same generator's 1x bank: {single * 1000:.2f} ms; ratio {big / single:.0f}x  (target about <= 120x)"
        )

    baseline = process_time([sys.executable, "-c", "import yaml, click"])
    validate = process_time([sys.executable, "-m", "misquiz", "validate"])
    print(
        f"`misquiz validate` process: {validate * 1000:.0f} ms; `import yaml, click`: {baseline * 1000:.0f} ms; "
        f"ratio {validate / baseline:.2f}  (target <= 2)"
    )


if __name__ == "__main__":
    main()

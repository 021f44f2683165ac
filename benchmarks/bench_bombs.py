"""How fast, and in how little memory, each hostile file is refused; prints a table.

python benchmarks/bench_bombs.py        (target: each within 2 s and 200 MB)
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from support.bombs import BOMBS, READERS, run_measured, write_bomb


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        worst_time = worst_memory = 0.0
        for reader, make_args in READERS.items():
            for bomb in BOMBS:
                path = folder / "bomb.yaml"
                write_bomb(bomb, path)
                code, output, seconds, peak = run_measured(make_args(path, folder), {"XDG_CACHE_HOME": tmp})
                worst_time, worst_memory = max(worst_time, seconds), max(worst_memory, peak)
                message = output.strip().splitlines()[0].split(": ", 1)[-1][:70] if output.strip() else ""
                print(f"{reader:<13} {bomb:<21} exit {code}  {seconds:5.2f} s  {peak:5.0f} MB  {message}")
        print(f"worst: {worst_time:.2f} s, {worst_memory:.0f} MB (whole process)  (target <= 2 s, <= 200 MB)")


if __name__ == "__main__":
    main()

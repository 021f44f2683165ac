"""Hostile files that try to exhaust time or memory, and a way to run misquiz against each.

Shared by tests/test_bombs.py and benchmarks/bench_bombs.py.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path


def alias_bomb() -> str:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    return "\n".join(lines) + "\n"


def write_bomb(kind: str, path: Path) -> None:
    if kind == "alias bomb":
        path.write_text(alias_bomb(), encoding="utf-8")
    elif kind == "10,000-deep nesting":
        path.write_text('{"a": ' * 10_000 + "1" + "}" * 10_000, encoding="utf-8")
    elif kind == "50 MB file":
        with path.open("wb") as handle:
            handle.write(b"a: " + b"x" * 1024 + b"\n")
            handle.truncate(50 * 1024 * 1024)
    elif kind == "1-million-item list":
        path.write_text("[" + "0," * 999_999 + "0]\n", encoding="utf-8")
    elif kind == "list with CR line endings":
        path.write_text("\r".join(["- 0"] * 900_000) + "\r", encoding="utf-8", newline="")
    elif kind == "list with Unicode line separators":
        path.write_text("x: [" + "0,\u2028" * 400_000 + "0]\u2028", encoding="utf-8")
    elif kind == "one-line flow mapping":
        path.write_text("{" + ", ".join(f"k{i}: v" for i in range(300_000)) + "}", encoding="utf-8")
    elif kind == "flow map of one-character keys":
        # A value per character: under the old shortcut (two characters a value), 229 MB and 250,000 problems.
        path.write_text("{" + ",".join(["a"] * 249_000) + "}", encoding="utf-8")
    elif kind == "one 900 kB text":
        path.write_text("a: " + "x" * 900_000 + "\n", encoding="utf-8")
    else:
        raise ValueError(kind)


BOMBS = [
    "alias bomb",
    "10,000-deep nesting",
    "50 MB file",
    "1-million-item list",
    "list with CR line endings",
    "list with Unicode line separators",
    "one-line flow mapping",
    "flow map of one-character keys",
    "one 900 kB text",
]
READERS = {
    "bank": lambda path, tmp: ["validate", str(path)],
    "answers file": lambda path, tmp: ["score", str(path)],
    "result file": lambda path, tmp: ["import", str(path), "--db", str(tmp / "bomb.db")],
}


# Runs the command and writes its peak memory (KiB, or bytes on macOS) to the file named first. Linux starts a
# forked child's high-water mark at its parent's size, so a child of a test worker grown large by earlier tests
# would report the worker's size, not its own: this small wrapper is the command's parent instead.
MEASURE = """
import resource, subprocess, sys
code = subprocess.run(sys.argv[2:]).returncode
open(sys.argv[1], "w").write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
sys.exit(code)
"""


def run_measured(args: list[str], env: dict[str, str] | None = None) -> tuple[int, str, float, float]:
    """Exit code, output, seconds, and peak memory in MB of `misquiz ARGS`."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        peak_file = Path(folder) / "peak"
        start = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "-c", MEASURE, str(peak_file), sys.executable, "-m", "misquiz", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env={**os.environ, **(env or {})},
            check=False,
        )
        seconds = time.perf_counter() - start
        kib = int(peak_file.read_text() or 0)
    peak = kib / 1024 if sys.platform != "darwin" else kib / 1024 / 1024
    return proc.returncode, proc.stdout.decode("utf-8", "replace"), seconds, peak

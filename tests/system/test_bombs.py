"""Bombs: each hostile file is refused with a clear message, exit 1, little memory, no hang.

How long each takes is printed by benchmarks/bench_bombs.py (the tests only guard against a hang).
"""

from __future__ import annotations

import pytest

from support.bombs import BOMBS, READERS, run_measured, write_bomb

EXPECTED = {
    "alias bomb": "anchors and aliases (&name / *name) are not allowed here",
    "10,000-deep nesting": (
        "not valid YAML: exceeded maximum nesting depth",
        "nested too deeply (more than 32 levels)",
    ),
    "50 MB file": "file is too large (50.0 MB",
    "1-million-item list": (
        "too many values (more than 100,000)",  # a bank
        "too many values (more than 250,000)",
        "file is too large (1.9 MB; the limit is 1 MB)",
    ),
    "list with CR line endings": ("too many values (more than", "file is too large"),
    "list with Unicode line separators": ("too many values (more than", "file is too large"),
    "one-line flow mapping": ("too many values (more than", "file is too large"),
    "flow map of one-character keys": "too many values (more than",
    "one 900 kB text": ("a text of 900,000 characters (the limit is", "not valid YAML"),
}


@pytest.mark.parametrize("bomb", BOMBS)
@pytest.mark.parametrize("reader", list(READERS))
def test_bombs_are_refused(tmp_path, reader, bomb):
    path = tmp_path / "bomb.yaml"
    write_bomb(bomb, path)
    code, output, _seconds, peak_mb = run_measured(READERS[reader](path, tmp_path), {"XDG_CACHE_HOME": str(tmp_path)})
    assert code == 1, output
    assert "Traceback" not in output
    expected = EXPECTED[bomb]
    assert any(e in output for e in ((expected,) if isinstance(expected, str) else expected)), output
    assert output.startswith(str(path)), output
    assert peak_mb < 200

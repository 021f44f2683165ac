"""The core knows nothing of the screen: importing it must not import Textual."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import misquiz

SRC = Path(misquiz.__file__).resolve().parent
BELOW_THE_FACES = sorted(
    f"misquiz.{layer}.{path.stem}"
    for layer in ("core", "files", "storage", "render")
    for path in (SRC / layer).glob("*.py")
    if path.stem != "__init__"
)
CORE = [name for name in BELOW_THE_FACES if name.startswith("misquiz.core.")]


@pytest.mark.parametrize("module", [*BELOW_THE_FACES, "misquiz.cli"])
def test_nothing_below_the_faces_imports_textual(module):
    code = f"import sys, {module}; print('textual' in sys.modules, 'rich' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


@pytest.mark.parametrize("module", CORE)
def test_the_core_imports_no_database_file_format_command_line_or_server(module):
    banned = ("sqlite3", "yaml", "click", "aiohttp", "textual", "rich")
    code = f"import sys, {module}; print(*[m for m in {banned!r} if m in sys.modules])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == []


def test_the_layers_contract_holds():
    """CI runs lint-imports too; here it is part of the suite, so that a broken layer fails locally."""
    lint_imports = Path(sys.executable).parent / "lint-imports"  # installed with the test extra, beside python
    proc = subprocess.run([str(lint_imports)], capture_output=True, text=True, cwd=Path(__file__).parents[2])
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.parametrize("args", [["validate"], ["schema"], ["score", "tests/data/answers-two-held.yaml"]])
def test_commands_without_a_screen_do_not_import_textual(args):
    code = (
        "import sys; from misquiz.cli import main\n"
        "try:\n    main(" + repr(args) + ")\n"
        "except SystemExit: pass\n"
        "sys.stderr.write(str('textual' in sys.modules))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.stderr.strip().endswith("False"), proc.stderr

"""The core knows nothing of the screen: importing it must not import Textual."""

from __future__ import annotations

import subprocess
import sys

import pytest

CORE = [
    "misquiz.files.bank",
    "misquiz.core.model",
    "misquiz.core.scoring",
    "misquiz.files.document",
    "misquiz.files.answers",
    "misquiz.render.text",
    "misquiz.core.quiz",
    "misquiz.storage.sqlite",
    "misquiz.render.report",
    "misquiz.files.results",
    "misquiz.storage.recording",
]


@pytest.mark.parametrize("module", [*CORE, "misquiz.cli"])
def test_core_does_not_import_textual(module):
    code = f"import sys, {module}; print('textual' in sys.modules, 'rich' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


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

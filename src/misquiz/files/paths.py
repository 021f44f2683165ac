"""Where the shipped bank is: light enough for the quiz's start-up (no YAML parser is imported here)."""

from __future__ import annotations

import pathlib


def shipped_bank_path() -> pathlib.Path:
    package = pathlib.Path(__file__).resolve().parent.parent
    installed = package / "data" / "misconceptions.yaml"
    if installed.is_file():
        return installed
    return package.parent.parent / "data" / "misconceptions.yaml"  # a source checkout or editable install

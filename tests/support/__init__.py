"""Helpers shared by every tier of the tests (never imported by tools/ or the package)."""

from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data"

from __future__ import annotations

from pathlib import Path

import pytest

from misquiz.core.model import Bank
from misquiz.files.bank import load_bank, shipped_bank_path

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def bank() -> Bank:
    return load_bank(shipped_bank_path())


@pytest.fixture(scope="session")
def tiny() -> Bank:
    return load_bank(DATA / "minimal.yaml")

"""Fuzzed readers: mutated banks, answers files and result files load or fail with located messages."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings

from support.fuzzing import (
    answers_data,
    answers_hold,
    bank_data,
    bank_holds,
    mutated_text,
    result_data,
    result_holds,
)

SETTINGS = settings(
    max_examples=int(os.environ.get("MISQUIZ_FUZZ_CASES", "300")),
    deadline=None,
    suppress_health_check=list(HealthCheck),
)


def _write(text: str) -> Path:
    with tempfile.NamedTemporaryFile(
        "w", suffix=".yaml", delete=False, encoding="utf-8", errors="surrogatepass"
    ) as handle:
        handle.write(text)
    return Path(handle.name)


@SETTINGS
@given(mutated_text(bank_data()))
def test_fuzzed_banks(text):
    path = _write(text)
    try:
        bank_holds(path)
    finally:
        path.unlink()


@SETTINGS
@given(mutated_text(answers_data()))
def test_fuzzed_answers_files(text):
    path = _write(text)
    try:
        answers_hold(path)
    finally:
        path.unlink()


@SETTINGS
@given(mutated_text(result_data()))
def test_fuzzed_result_files(text):
    path = _write(text)
    try:
        result_holds(path)
    finally:
        path.unlink()


def test_the_unmutated_fixtures_load():
    from misquiz.files.answers import read_answers
    from misquiz.files.bank import check_bank
    from misquiz.files.results import read_result_file
    from support.fuzzing import BANK

    data = Path(__file__).resolve().parent.parent / "data"
    assert check_bank(data / "minimal.yaml").ok
    assert len(read_answers(data / "answers-two-held.yaml", BANK)) == 36
    assert read_result_file(data / "result.json", BANK).finished_at == "2026-11-20T09:06:00+00:00"

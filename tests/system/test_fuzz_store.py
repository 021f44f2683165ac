"""A database changed behind misquiz's back: whatever a column holds, reading it never ends in a traceback.

Each case stores one finished attempt, overwrites one column of it (or of one answer) with a hostile
value, and runs the commands that read attempts back. Each ends with its output (exit 0) or a message
naming the attempt (exit 1); never an exception.
"""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from misquiz.cli import main
from misquiz.core.quiz import QuizOptions
from misquiz.files.bank import load_bank
from misquiz.storage.sqlite import SQLiteStore
from support.fuzzing import DIGIT_TRAPS
from support.quiz import stored_attempt

ATTEMPT_COLUMNS = [
    "uid", "bank_version", "bank_hash", "language", "seed", "statement_order", "name",
    "workshop", "round", "started_at", "finished_at", "result", "person",
]  # fmt: skip
ANSWER_COLUMNS = ["statement_id", "value"]

moments = st.sampled_from(
    ["9999-12-31T23:59:59+00:00", "0001-01-01T00:00:00+00:00", "2026-13-40", "", "yesterday", "2026-03-03"]
)
numbers = st.one_of(
    st.integers(min_value=-(2**63), max_value=2**63 - 1), st.floats(allow_nan=True, allow_infinity=True)
)
json_texts = st.recursive(
    st.none() | st.booleans() | numbers | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12,
).map(lambda v: json.dumps(v, allow_nan=True))
results = st.builds(
    lambda overall, myths: json.dumps({"overall": overall, "myths": myths, "priorities": []}, allow_nan=True),
    st.dictionaries(
        st.sampled_from(["score", "profile"]), numbers | st.text(max_size=5) | st.none() | st.sampled_from(DIGIT_TRAPS)
    ),
    st.lists(
        st.dictionaries(
            st.sampled_from(["id", "score", "band", "mixed_signals", "answered"]),
            numbers | st.text() | st.sampled_from(DIGIT_TRAPS),
        ),
        max_size=3,
    ),
)  # fmt: skip
values = st.one_of(
    st.none(), numbers, st.text(max_size=40), st.binary(max_size=20), moments, json_texts, results,
    st.sampled_from(["before", "after", "nl", "fr", "xx", "[bold]", "\x1b[31m", "\u202e", 1.5, 2.0, 5.0, "3", True]),
    st.sampled_from(DIGIT_TRAPS), st.sampled_from(DIGIT_TRAPS).map(lambda trap: json.dumps({"score": trap})),
)  # fmt: skip


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """A database with one finished attempt, copied for each case."""
    path = tmp_path_factory.mktemp("fuzz-store") / "template.db"
    store = SQLiteStore(path)
    stored_attempt(store, load_bank(), QuizOptions("en", seed=3, name="Anna"), 4, name="Anna")
    store.close()
    return path


@settings(
    max_examples=int(os.environ.get("MISQUIZ_FUZZ_CASES", "150")),
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
@given(
    column=st.sampled_from([("attempts", c) for c in ATTEMPT_COLUMNS] + [("answers", c) for c in ANSWER_COLUMNS]),
    value=values,
    command=st.sampled_from(
        [
            ["export", "latest"],
            ["export", "1", "--format", "html"],
            ["export", "1", "--format", "json"],
            ["history"],
            ["items", "--json", "--min-group", "1"],
        ]
    ),
)
def test_a_hostile_stored_value_never_crashes_a_reader(template, column, value, command):
    table, name = column
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "case.db"
        db.write_bytes(template.read_bytes())
        with sqlite3.connect(db) as conn:
            first = "(SELECT MIN(statement_id) FROM answers WHERE attempt_id = 1)"
            where = f"attempt_id = 1 AND statement_id = {first}" if table == "answers" else "id = 1"
            try:
                changed = conn.execute(f"UPDATE {table} SET {name} = ? WHERE {where}", (value,)).rowcount
            except sqlite3.IntegrityError:
                return  # a constraint of the schema refused it: nothing hostile got stored
            assert changed == 1
        result = CliRunner().invoke(main, [*command, "--db", str(db)])
    assert result.exit_code in (0, 1), (column, value, command, result.output)
    if result.exception is not None:
        assert isinstance(result.exception, SystemExit), (column, value, command, repr(result.exception))
    if result.exit_code == 1:
        assert "misquiz:" in result.output, result.output
    assert "Traceback" not in result.output

"""A uid already present with other content is a conflict, never "already imported" (issue 25, point 8).

Tests that take `place` run twice: against SQLite and against a real PostgreSQL.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from misquiz.core.attempt import ScoreRecord
from misquiz.storage.protocol import UidConflict
from support.postgres import Place, place_fixture  # noqa: F401  (the fixture)

RECORD = ScoreRecord.from_json(
    {
        "overall": {"score": 50.0, "profile": "p"},
        "myths": [{"id": "m1", "score": 50.0, "band": "held", "mixed_signals": False, "answered": 2}],
    }
)


def finished(place: Place):
    source = place.open()
    attempt_id = source.start_attempt(
        bank_id="b", bank_version="1", bank_hash="h", language="en", seed=1, order=["a", "b"], name="Anna",
        workshop="ws", round="before", person="tok",
    )  # fmt: skip
    source.save_answers([(attempt_id, "a", 5), (attempt_id, "b", None)])
    source.finish_attempt(attempt_id, RECORD, "2026-01-01T10:05:00+00:00")
    attempt = source.attempt(attempt_id)
    source.close()
    return attempt


def test_the_same_attempt_again_is_already_there_wherever_it_is_filed(place: Place):
    attempt = finished(place)
    target = place.other().open()
    assert target.import_attempt(attempt) is True
    assert target.import_attempt(attempt) is False
    assert target.import_attempt(replace(attempt, workshop="other", round=None, person=None, language="fr")) is False


@pytest.mark.parametrize(
    "change",
    [
        {"answers": {"a": 1, "b": None}},
        {"answers": {"a": 5}},
        {"result": ScoreRecord(10.0, "p", (), ())},
        {"result": None, "finished_at": None},
        {"started_at": "2026-01-01T09:00:00+00:00"},
        {"finished_at": "2026-01-01T11:00:00+00:00"},
        {"bank_hash": "another"},
        {"name": "Bert"},
        {"order": ["b", "a"]},
    ],
    ids=lambda change: "-".join(change),
)
def test_another_attempt_with_a_uid_already_here_is_a_conflict(place: Place, change):
    attempt = finished(place)
    target = place.other().open()
    assert target.import_attempt(attempt) is True
    before = [(a.id, a.answers, a.result, a.started_at, a.finished_at) for a in target.attempts()]
    with pytest.raises(UidConflict, match=f"already holds another result with uid {attempt.uid}; nothing was imported"):
        target.import_attempt(replace(attempt, **change))
    assert [(a.id, a.answers, a.result, a.started_at, a.finished_at) for a in target.attempts()] == before

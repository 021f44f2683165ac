"""Golden files: every report format in every language, byte for byte, from fixed inputs.

After an intended change, rewrite them and review the diff:

    MISQUIZ_UPDATE_GOLDEN=1 python -m pytest -q -p no:xdist tests/unit/test_golden.py
"""

from __future__ import annotations

import difflib
import os
from datetime import datetime
from pathlib import Path

import pytest

from misquiz.core.advice import Progress, plan_of_answers
from misquiz.core.commitments import Commitment
from misquiz.core.scoring import score_attempt
from misquiz.render.report import render_report
from misquiz.render.room import write_group_report
from misquiz.storage.reading import read_group_report
from misquiz.storage.sqlite import SQLiteStore
from support import DATA
from support.quiz import answers_holding

GOLDEN = DATA / "golden"
LANGS = ("en", "nl", "fr")
NOW = datetime(2026, 3, 3, 10, 0)
TAKEN = "2026-06-03T09:00:00+00:00"
UPDATE = os.environ.get("MISQUIZ_UPDATE_GOLDEN") == "1"


def check(name: str, actual: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(actual.encode("utf-8"))
        return
    assert path.exists(), f"{path} is missing; write it with MISQUIZ_UPDATE_GOLDEN=1 and review it"
    expected = path.read_bytes().decode("utf-8")
    if actual != expected:
        diff = "".join(
            list(difflib.unified_diff(expected.splitlines(True), actual.splitlines(True), str(path), "now"))[:60]
        )
        pytest.fail(
            f"{name} differs from the golden file. If the change is intended, rewrite the golden files with\n"
            f"    MISQUIZ_UPDATE_GOLDEN=1 python -m pytest -q -p no:xdist tests/unit/test_golden.py\n"
            f"and review `git diff tests/data/golden`.\n{diff}",
            pytrace=False,
        )


def personal_plan(bank, lang):
    """Priorities with actions, a second look, clear ones, a mixed signal, and progress since March."""
    held = {
        "sales-goal": (5, 1),
        "more-posts": (5, 2),
        "no-plan": (4, 2),
        "every-platform": (3, 3),
        "just-a-fad": (5, 5),
    }
    before = score_attempt(bank, answers_holding(bank, {"sales-goal": (3, 3), "no-interest": (5, 1)}))
    progress = Progress("2026-03-03T09:00:00+00:00", {m.myth.id: m.score for m in before.myths})
    return plan_of_answers(bank, answers_holding(bank, held), lang, name="Anna", taken_at=TAKEN, progress=progress)


@pytest.mark.parametrize("kind", ["md", "html"])
@pytest.mark.parametrize("lang", LANGS)
def test_personal_report_matches_its_golden_file(bank, lang, kind):
    check(f"personal-{lang}.{kind}", render_report(kind, personal_plan(bank, lang)))


@pytest.fixture(scope="module")
def workshop_db(tmp_path_factory, bank):
    store = SQLiteStore(tmp_path_factory.mktemp("golden") / "room.db")
    rounds = {
        "before": [
            {"sales-goal": (5, 1), "more-posts": (5, 1)},
            {"sales-goal": (5, 1), "more-posts": (1, 5)},
            {"sales-goal": (4, 2), "no-plan": (3, 3)},
            {"sales-goal": (5, 1), "just-a-fad": (5, 5)},
        ]
        * 3,  # twelve people: enough to flag statements (core.items.FLAG_PEOPLE), so the appendix shows flags
        "after": [{"sales-goal": (3, 3), "more-posts": (5, 1)}, {"more-posts": (4, 2)}, {}],
    }
    # what they will do: two actions and a line of one's own (never shown), and in the after round what they did
    chosen = [
        (Commitment("sales-goal", 1, status="done"), Commitment("more-posts", 2, status="not_yet")),
        (Commitment("sales-goal", 1, status="started"),),
        (Commitment(None, None, "=cmd <b>mine</b>", status="done"),),
        (),
    ]
    for round_, people in rounds.items():
        for n, held in enumerate(people):
            answers = answers_holding(bank, held)
            attempt = store.start_attempt(
                bank_id=bank.id, bank_version=bank.version, bank_hash=bank.content_hash, language="en", seed=1,
                order=[s.id for s in bank.statements], name="Secret Name", workshop="acme", round=round_,
            )  # fmt: skip
            for sid, value in answers.items():
                store.save_answer(attempt, sid, value)
            store.finish_attempt(attempt, score_attempt(bank, answers).record())
            mine = chosen[n % len(chosen)]
            store.set_commitments(attempt, mine if round_ == "before" else tuple(c._replace(status=None) for c in mine))
    return store


@pytest.mark.parametrize("kind", ["md", "html", "csv"])
@pytest.mark.parametrize("lang", LANGS)
def test_group_report_matches_its_golden_file(tmp_path, bank, workshop_db, lang, kind):
    path = tmp_path / f"group.{kind}"
    read = read_group_report(workshop_db, bank, "acme")
    write_group_report(path, bank, lang=lang, now=NOW, title="Workshop Acme", by="Trainer Jo", **read)
    check(f"group-{lang}.{kind}", Path(path).read_bytes().decode("utf-8"))

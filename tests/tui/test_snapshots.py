"""Snapshots of the screens people look at, at 80x24 (and larger where it matters), in every language.

Update only after looking at the report: `pytest tests/tui/test_snapshots.py --snapshot-update`.
"""

from __future__ import annotations

import pytest

from misquiz.files.bank import load_bank
from support.quiz import answer_all, answers_holding, quiz_app

BANK = load_bank()
SIZE = (80, 24)
# sales-goal held, more-posts held with mixed signals, no-plan in doubt, just-a-fad skipped
ANSWERS = answers_holding(BANK, {"sales-goal": (5, 1), "more-posts": (5, 4), "no-plan": (3, 3)})
ANSWERS.update({s.id: None for s in BANK.myths[8].statements})


async def _still(pilot) -> None:
    for cursor in pilot.app.screen.query("Input"):
        cursor.cursor_blink = False
    await pilot.pause()


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_welcome(snap_compare, lang):
    assert snap_compare(quiz_app(BANK, lang=lang, seed=1, name="Anna"), terminal_size=SIZE, run_before=_still)


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_statement(snap_compare, lang):
    async def run_before(pilot):
        await pilot.press("enter", "4", "2", "left")
        await _still(pilot)

    assert snap_compare(quiz_app(BANK, lang=lang, seed=1), terminal_size=SIZE, run_before=run_before)


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_results(snap_compare, lang):
    async def run_before(pilot):
        await pilot.press("enter")
        await answer_all(pilot, ANSWERS)
        await _still(pilot)

    assert snap_compare(quiz_app(BANK, lang=lang, seed=1, name="Anna"), terminal_size=SIZE, run_before=run_before)


@pytest.mark.parametrize("size", [(80, 24), (160, 50)], ids=["80x24", "160x50"])
@pytest.mark.parametrize("lang", ["en", "nl", "fr"])
def test_myth_detail(snap_compare, lang, size):
    """The detail of a held misconception: explanation, advice and every action, and Close in view."""

    async def run_before(pilot):
        await pilot.press("enter")
        await answer_all(pilot, ANSWERS)
        await pilot.press("enter")  # the first row is the most held: sales-goal
        await pilot.pause()

    assert snap_compare(quiz_app(BANK, lang=lang, seed=1), terminal_size=size, run_before=run_before)

"""The follow-up in the quiz (issue 24, point 4, TUI): the same person starting again with open commitments is
first asked of each: done, started or not yet, on one skippable screen; the results then show what they did."""

from __future__ import annotations

import pytest
from textual.widgets import RadioButton

from misquiz.core.commitments import Commitment
from misquiz.storage.sqlite import SQLiteStore
from misquiz.tui.screens.follow_up import FollowUpScreen
from misquiz.tui.screens.question import QuestionScreen
from misquiz.tui.screens.results import ResultsScreen
from misquiz.tui.widgets.literal import Literal
from support.quiz import answer_all, answers_holding, quiz_app

HELD = {"sales-goal": (5, 1)}
HOSTILE = "[bold red]x[/] <b>y</b>"


async def first_attempt(bank, store, tmp_path, commitments) -> int:
    app = quiz_app(bank, lang="en", seed=1, name="Anna Peeters", store=store, export_dir=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        await answer_all(pilot, answers_holding(bank, HELD))
        assert isinstance(app.screen, ResultsScreen)
        assert app.session.attempt_id is not None
        store.set_commitments(app.session.attempt_id, commitments)
        return app.session.attempt_id


async def test_asked_first_on_a_retake_and_shown_in_the_results(bank, tmp_path):
    store = SQLiteStore(tmp_path / "f.db")
    mine = (Commitment("sales-goal", 1), Commitment(None, None, HOSTILE))
    before = await first_attempt(bank, store, tmp_path, mine)
    app = quiz_app(bank, lang="en", seed=2, name=" anna  PEETERS", store=store, export_dir=tmp_path)  # the same person
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, FollowUpScreen)
        assert any(isinstance(s, QuestionScreen) for s in app.screen_stack)  # the first statement waits below
        texts = " ".join(str(w.render()) for w in app.screen.query(Literal))
        assert HOSTILE in texts  # as typed, never read as markup
        app.screen.query_one("#follow-up-1-done", RadioButton).value = True
        app.screen.query_one("#follow-up-2-not_yet", RadioButton).value = True
        await pilot.click("#follow-up-save")
        await pilot.pause()
        assert isinstance(app.screen, QuestionScreen)
        assert [c.status for c in store.commitments(before)] == ["done", "not_yet"]
        await answer_all(pilot, answers_holding(bank, {}))
        assert isinstance(app.screen, ResultsScreen)
        shown = str(app.screen.query_one("#follow-up", Literal).render())
        assert "What you have done since" in shown and "— done" in shown and "— not yet" in shown


async def test_escape_skips_and_keeps_them_open(bank, tmp_path):
    store = SQLiteStore(tmp_path / "f.db")
    before = await first_attempt(bank, store, tmp_path, (Commitment("sales-goal", 2),))
    app = quiz_app(bank, lang="fr", seed=2, name="Anna Peeters", store=store, export_dir=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, FollowUpScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, QuestionScreen)
        assert [c.status for c in store.commitments(before)] == [None]


async def test_someone_else_or_no_commitments_is_not_asked(bank, tmp_path):
    store = SQLiteStore(tmp_path / "f.db")
    await first_attempt(bank, store, tmp_path, (Commitment("sales-goal", 1),))
    app = quiz_app(bank, lang="en", seed=2, name="Bob", store=store, export_dir=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, QuestionScreen)


@pytest.mark.parametrize("lang", ["nl", "en", "fr"])
async def test_three_commitments_leave_the_buttons_in_view_at_80x24(bank, tmp_path, lang):
    """Found by a Dutch reader: with three commitments the buttons were below the screen and Tab did not show them."""
    from textual.widgets import Button

    from misquiz.core.commitments import plan_actions

    store = SQLiteStore(tmp_path / "f.db")
    app = quiz_app(bank, lang=lang, seed=1, name="Anna Peeters", store=store, export_dir=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        await answer_all(pilot, answers_holding(bank, HELD))
        chosen = tuple(Commitment(a.myth, a.action) for a in plan_actions(bank, app.session.result())[:3])
        assert len(chosen) == 3
        store.set_commitments(app.session.attempt_id, chosen)
    app = quiz_app(bank, lang=lang, seed=2, name="Anna Peeters", store=store, export_dir=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, FollowUpScreen)
        screen = app.screen
        buttons = list(screen.query(Button))
        assert [b.id for b in buttons] == ["follow-up-save", "follow-up-skip"]
        for button in buttons:
            where = screen.find_widget(button)
            assert screen.region.contains_region(where.region) and where.clip.contains_region(where.region), where
            assert button.region.width >= len(str(button.label)) + 2
        reached = set()
        for _ in range(6):  # Tab goes through the three answers to the buttons, each shown when it has the focus
            await pilot.press("tab")
            await pilot.pause()
            await pilot.wait_for_scheduled_animations()
            where = screen.find_widget(screen.focused)
            assert where.clip.contains_region(where.region), (screen.focused, where)
            reached.add(screen.focused.id)
        assert {"follow-up-1", "follow-up-2", "follow-up-3", "follow-up-save", "follow-up-skip"} <= reached, reached
        screen.query_one("#follow-up-3-done", RadioButton).value = True  # the last one answered, then saved
        screen.query_one("#follow-up-save", Button).focus()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, QuestionScreen)

"""Commitments in the quiz (issue 24, points 3 and 4, TUI): c on the results or in a myth's detail opens the
dialog; choose, change, refuse; the results lead with them; a writes the calendar file."""

from __future__ import annotations

import icalendar
import pytest
from textual.widgets import Button, Input, SelectionList

from misquiz.core.commitments import Commitment
from misquiz.storage.sqlite import SQLiteStore
from misquiz.tui.screens.commit import CommitScreen
from misquiz.tui.screens.myth import MythScreen
from misquiz.tui.screens.results import ResultsScreen
from misquiz.tui.widgets.literal import Literal
from support.quiz import answer_all, answers_holding, quiz_app

HOSTILE = "[bold red]x[/] \x1b[2J <b>y</b>"


async def finish(pilot, bank):
    await pilot.press("enter")
    await answer_all(pilot, answers_holding(bank, {"sales-goal": (5, 1)}))
    assert isinstance(pilot.app.screen, ResultsScreen)


async def test_choose_two_actions_and_an_own_line_then_change_them(bank, tmp_path):
    store = SQLiteStore(tmp_path / "m.db")
    app = quiz_app(bank, lang="en", seed=1, store=store, export_dir=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await finish(pilot, bank)
        await pilot.press("c")
        assert isinstance(app.screen, CommitScreen)
        actions = app.screen.query_one(SelectionList)
        actions.select_all()
        app.screen.query_one(Input).value = "one too many"
        await pilot.click("#commit-save")
        assert isinstance(app.screen, CommitScreen)  # refused: it says why and stays
        assert "up to 3 actions" in str(app.screen.query_one("#commit-error", Literal).render())
        actions.deselect_all()
        actions.select("sales-goal.1")
        app.screen.query_one(Input).value = HOSTILE
        app.screen.query_one(Input).focus()
        await pilot.press("enter")  # Enter in the own line keeps the choice, as the button does
        await pilot.pause()
        assert isinstance(app.screen, ResultsScreen), str(app.screen.query_one("#commit-error", Literal).render())
        mine = store.commitments(app.session.attempt_id)
        assert [c.key for c in mine] == ["sales-goal.1", "own"] and "\x1b" not in (mine[1].own or "")
        shown = str(app.screen.query_one("#commitments", Literal).render())
        assert "What you will do" in shown and "[bold red]x[/]" in shown  # markup shown as typed
        await pilot.press("c")  # a change of mind starts from what was chosen
        assert list(app.screen.query_one(SelectionList).selected) == ["sales-goal.1"]
        assert app.screen.query_one(Input).value == mine[1].own
        app.screen.query_one(Input).value = ""
        app.screen.query_one("#commit-save", Button).press()
        await pilot.pause()
        assert store.commitments(app.session.attempt_id) == (Commitment("sales-goal", 1),)


async def test_escape_cancels_and_the_myth_detail_opens_the_dialog_too(bank, tmp_path):
    store = SQLiteStore(tmp_path / "m.db")
    app = quiz_app(bank, lang="fr", seed=1, store=store, export_dir=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await finish(pilot, bank)
        await pilot.press("enter")
        assert isinstance(app.screen, MythScreen)
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, CommitScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, ResultsScreen)
        assert store.commitments(app.session.attempt_id) == ()


async def test_a_writes_the_calendar_file(bank, tmp_path):
    store = SQLiteStore(tmp_path / "m.db")
    app = quiz_app(bank, lang="nl", seed=1, store=store, export_dir=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await finish(pilot, bank)
        store.set_commitments(app.session.attempt_id, (Commitment(None, None, "Elke dinsdag posten"),))
        await pilot.press("a")
        await pilot.pause()
    (ics,) = tmp_path.glob("*.ics")
    event = icalendar.Calendar.from_ical(ics.read_bytes()).walk("VEVENT")[0]
    assert "Elke dinsdag posten" in str(event["description"])


@pytest.mark.parametrize("lang", ["nl", "en", "fr"])
async def test_each_action_is_shown_whole_and_the_buttons_stay_in_view_at_80x24(bank, tmp_path, lang):
    """Found by native readers: every action was cut with "…" at 80 columns, people committed to half a sentence."""
    from textual.geometry import Region

    store = SQLiteStore(tmp_path / "m.db")
    app = quiz_app(bank, lang=lang, seed=1, store=store, export_dir=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        await answer_all(pilot, answers_holding(bank, {"sales-goal": (5, 1), "more-posts": (4, 2)}))
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, CommitScreen)
        actions = app.screen.query_one(SelectionList)
        labels = [str(actions.get_option_at_index(i).prompt) for i in range(actions.option_count)]
        assert len(labels) >= 4 and any(len(label) > 70 for label in labels)  # some need more than one line
        lines = [strip.text for strip in actions.render_lines(Region(0, 0, *actions.outer_size))]
        assert not any("…" in line for line in lines), lines
        shown = " ".join(" ".join(lines).replace("▐X▌", " ").replace("▊", " ").replace("▎", " ").split())
        for label in labels:
            assert " ".join(label.split()) in shown, (label, lines)
        assert sum("X" in line for line in lines) == len(labels)  # one box an action, beside its first line
        for i in range(actions.option_count):  # ↓ through the list: the dialog follows the highlight
            actions.highlighted = i
            await pilot.pause()
            where = app.screen.find_widget(actions)
            top = where.region.y + actions.gutter.top - actions.scroll_offset.y + actions._index_to_line[i]
            assert where.clip.contains_region(Region(where.region.x, top, where.region.width, actions._heights[i]))
        for button in app.screen.query(Button):
            where = app.screen.find_widget(button)
            assert app.screen.region.contains_region(where.region) and where.clip.contains_region(where.region)
            assert button.region.width >= len(str(button.label)) + 2
        app.screen.query_one(Input).focus()
        await pilot.pause()
        await pilot.wait_for_scheduled_animations()
        where = app.screen.find_widget(app.screen.query_one(Input))
        assert where.clip.contains_region(where.region)
        actions.select_all()  # too many: the reason is shown beside the buttons
        await pilot.click("#commit-save")
        error = app.screen.query_one("#commit-error", Literal)
        where = app.screen.find_widget(error)
        assert "3" in str(error.render()) and where.clip.contains_region(where.region)

"""The results screen at any size: whole titles, a selection that ↑/↓ move, a detail that shows everything."""

from __future__ import annotations

import pytest
from textual import events
from textual.widgets import Button

from misquiz.core.catalogue import t
from misquiz.tui.screens.help import HelpScreen, help_rows
from misquiz.tui.screens.myth import MythScreen
from misquiz.tui.screens.question import QuestionScreen
from misquiz.tui.screens.results import ResultsScreen
from misquiz.tui.widgets.myth_row import MythRow
from support.quiz import answer_all, answers_holding, quiz_app


async def finish(pilot, bank, held=None):
    await pilot.press("enter")
    await answer_all(pilot, answers_holding(bank, held or {"sales-goal": (5, 1), "more-posts": (4, 2)}))
    assert isinstance(pilot.app.screen, ResultsScreen)


@pytest.mark.parametrize("lang", ["nl", "en", "fr"])
@pytest.mark.parametrize("width", [45, 60, 80, 160])
async def test_titles_are_never_cut_and_the_band_word_stays(bank, lang, width):
    app = quiz_app(bank, lang=lang, seed=1)
    async with app.run_test(size=(width, 40)) as pilot:
        await finish(pilot, bank)
        for row in app.screen.query(MythRow):
            text = str(row.render())
            assert "…" not in text
            assert all(word in text.split() for word in row.row.title.split()), (width, text)
            assert row.row.band_label in text, (width, row.row.id)
            assert all(len(line) <= row.size.width for line in text.splitlines()), (width, text)


async def test_up_and_down_move_the_selection_and_enter_opens_it(bank):
    app = quiz_app(bank, lang="en", seed=1)
    async with app.run_test(size=(80, 24)) as pilot:
        await finish(pilot, bank)
        rows = list(app.screen.query(MythRow))
        assert app.focused is rows[0] and str(rows[0].render()).startswith("▶")
        await pilot.press("down", "j")
        assert app.focused is rows[2] and not str(rows[0].render()).startswith("▶")
        await pilot.press("k")
        assert app.focused is rows[1]
        await pilot.press("enter")
        assert isinstance(app.screen, MythScreen) and app.screen.item.id == rows[1].row.id


@pytest.mark.parametrize("size", [(80, 24), (160, 50)])
async def test_the_detail_shows_everything_and_close_stays_in_view(bank, size):
    app = quiz_app(bank, lang="nl", seed=1)
    async with app.run_test(size=size) as pilot:
        await finish(pilot, bank)
        await pilot.press("enter")
        screen = app.screen
        assert isinstance(screen, MythScreen)
        myth = bank.myths_by_id[screen.item.id]
        band = app.session.result().by_id[myth.id].band
        text = "\n".join(str(w.content) for w in screen.query("Static"))
        assert all(action["nl"] in text for action in myth.actions)
        assert myth.advice[band.id]["nl"] in text and " ".join(myth.explanation["nl"].split()) in text
        close = screen.query_one("#close", Button)
        assert close.region.bottom <= size[1] and close.region.height >= 1  # on screen, not cut off


async def test_back_from_the_results_shows_the_last_answer_and_right_returns(bank):
    app = quiz_app(bank, lang="en", seed=1)
    async with app.run_test(size=(80, 24)) as pilot:
        await finish(pilot, bank)
        await pilot.press("left")
        assert isinstance(app.screen, QuestionScreen)
        last = app.session.order[-1]
        selected = app.screen.query(".-selected")
        assert app.session.current.id == last and len(selected) == 1
        assert selected.first().id == f"answer-{app.session.answers[last] or 0}"
        await pilot.press("right")
        await pilot.pause()
        assert isinstance(app.screen, ResultsScreen)


async def test_help_is_made_from_the_screens_bindings(bank):
    app = quiz_app(bank, lang="en", seed=1)
    async with app.run_test(size=(80, 30)) as pilot:
        await finish(pilot, bank)
        rows = help_rows(app.screen)
        described = {b.binding.description for b in app.screen.active_bindings.values()}
        assert {what for _, what in rows} == {d for d in described if d.startswith(("key_", "export_"))}
        keys = " ".join(keys for keys, _ in rows)
        for key in ("m", "h", "Tab", "↑", "↓", "PgDn", "Enter", "?", "q", "l"):
            assert key in keys, key
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        shown = " ".join(str(w.content) for w in app.screen.query(".help-what"))
        assert "Markdown" not in shown and "plain text" in shown and "PDF" in shown  # the bindings' own words


@pytest.mark.parametrize("lang", ["nl", "en", "fr"])
async def test_the_footer_keeps_the_keys_that_save_the_plan_at_80_columns(bank, lang):
    from misquiz.tui.widgets.key_bar import KeyBar

    app = quiz_app(bank, lang=lang, seed=1)
    async with app.run_test(size=(80, 24)) as pilot:
        await finish(pilot, bank)
        footer = str(app.screen.query_one(KeyBar).render())
        for key in (f" {t(lang, 'key_name_enter')} ", " m ", " h ", " ? ", " q "):
            assert key in footer, (lang, footer)


async def test_enter_right_after_a_move_opens_the_row_moved_to(bank):
    """Found at a real terminal: ↓ and Enter typed together opened the row the selection had just left."""
    app = quiz_app(bank, lang="en", seed=1)
    async with app.run_test(size=(80, 24)) as pilot:
        await finish(pilot, bank)
        rows = list(app.screen.query(MythRow))
        for key in ("down", "enter"):  # queued together, as a fast typist's keys arrive
            app.post_message(events.Key(key, None))
        await pilot.pause()
        assert isinstance(app.screen, MythScreen) and app.screen.item.id == rows[1].row.id


@pytest.mark.parametrize("lang", ["nl", "en", "fr"])
async def test_every_action_button_is_whole_and_reachable_at_80x24(bank, lang):
    """Found by Dutch and French readers: at 80 columns the row cut "Kies wat u gaat d" and hid Agenda entirely."""
    from textual.errors import NoWidget
    from textual.widgets import Button

    app = quiz_app(bank, lang=lang, seed=1)
    async with app.run_test(size=(80, 24)) as pilot:
        await finish(pilot, bank)
        buttons = list(app.screen.query("#results-actions Button").results(Button))
        assert [b.id for b in buttons] == ["save-html", "save-md", "commit", "calendar", "results-back"]
        for button in buttons:
            button.focus()  # Tab's way there: the page scrolls it into view
            await pilot.pause()
            await pilot.wait_for_scheduled_animations()
            try:
                shown = app.screen.find_widget(button)
            except NoWidget:
                raise AssertionError(f"{lang}: {button.id} is not on the screen at all") from None
            label = str(button.label)
            assert button.region.width >= len(label) + 2, (lang, label, button.region)  # padding either side
            assert app.screen.region.contains_region(button.region), (lang, label, button.region)
            assert shown.clip.contains_region(shown.region), (lang, label, shown.region, shown.clip)  # not clipped

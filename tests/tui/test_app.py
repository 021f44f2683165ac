"""The quiz driven with Textual's Pilot: what a person presses, and what they then see."""

from __future__ import annotations

import re

from misquiz.core.quiz import shuffled_order
from misquiz.tui.screens.confirm import ConfirmScreen
from misquiz.tui.screens.help import HelpScreen
from misquiz.tui.screens.myth import MythScreen
from misquiz.tui.screens.question import QuestionScreen
from misquiz.tui.screens.results import ResultsScreen
from misquiz.tui.screens.welcome import WelcomeScreen
from misquiz.tui.widgets.answer_options import AnswerOptions
from misquiz.tui.widgets.myth_row import MythRow
from support.quiz import answer_all, answers_holding, quiz_app

SIZE = (80, 24)


def shown(screen) -> str:
    """Every text the screen shows, joined."""
    from textual.widgets import Button, Static

    parts = [str(w.content) for w in screen.query(Static)]
    parts += [str(b.label) for b in screen.query(Button)]
    parts += [str(r.render()) for r in screen.query(MythRow)]
    return "\n".join(parts)


async def test_welcome_then_statements_in_the_seeded_order(bank):
    app = quiz_app(bank, lang="en", seed=7)
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, WelcomeScreen)
        assert "Nine misconceptions about social media in business" in shown(app.screen)
        assert "About 6 minutes · 36 statements" in shown(app.screen)
        await pilot.press("enter")
        assert isinstance(app.screen, QuestionScreen)
        assert app.session.order == shuffled_order(bank, 7)
        first = bank.statements[[s.id for s in bank.statements].index(app.session.order[0])]
        assert first.text["en"] in shown(app.screen)
        assert "1 / 36" in shown(app.screen)


async def test_myths_3_and_6_held_become_the_priorities_in_order(bank):
    answers = answers_holding(bank, {"sales-goal": (5, 1), "more-posts": (4, 2)})
    app = quiz_app(bank, lang="en", seed=3)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        await answer_all(pilot, answers)
        assert isinstance(app.screen, ResultsScreen)
        result = app.session.result()
        assert [m.myth.id for m in result.priorities] == ["sales-goal", "more-posts"]
        text = shown(app.screen)
        assert text.index("1. Our goal on social media is more sales") < text.index("2. The more we post, the better")
        # the bars are sorted from most to least held
        rows = [row.row.id for row in app.screen.query(MythRow)]
        assert rows[:2] == ["sales-goal", "more-posts"]


async def test_going_back_and_changing_an_answer_changes_the_result(bank):
    app = quiz_app(bank, lang="en", seed=11)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "5", "5")
        first, second = app.session.order[:2]
        await pilot.press("left")
        assert app.session.position == 1
        options = app.screen.query_one(AnswerOptions)
        assert options.query_one("#answer-5").has_class("-selected")
        await pilot.press("left")
        assert app.session.position == 0 and app.session.current_answer == 5
        before = app.session.result().by_id[bank.myth_of(first).id].score
        await pilot.press("1")
        assert app.session.answers[first] == 1 and app.session.position == 1
        assert app.session.result().by_id[bank.myth_of(first).id].score != before
        await pilot.press("right")  # moves on over the answered second statement
        assert app.session.position == 2 and app.session.answers[second] == 5
        await pilot.press("right")  # the third is unanswered: stays
        assert app.session.position == 2


async def test_no_opinion_is_recorded_and_shown_selected(bank):
    app = quiz_app(bank, lang="en", seed=1)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "0", "backspace")
        assert app.session.answers[app.session.order[0]] is None
        assert app.screen.query_one("#answer-0").has_class("-selected")


async def test_clicking_an_option_answers(bank):
    app = quiz_app(bank, lang="en", seed=1)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        await pilot.click("#answer-4")
        assert app.session.answers == {app.session.order[0]: 4}
        await pilot.click("#back")
        assert app.session.position == 0


async def test_switching_language_keeps_every_answer(bank):
    app = quiz_app(bank, lang="en", seed=5)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "4", "2", "0")
        kept = dict(app.session.answers)
        await pilot.press("l")  # the bank's languages in turn: nl, en, fr
        assert app.session.lang == "fr" and app.session.answers == kept and app.session.position == 3
        assert app.session.current.text["fr"] in shown(app.screen)
        await pilot.press("l")
        assert app.session.lang == "nl" and app.session.answers == kept and app.session.position == 3
        text = shown(app.screen)
        assert app.session.current.text["nl"] in text
        assert "In hoeverre bent u het hiermee eens?" in text and "Helemaal oneens" in text
        await pilot.press("left")
        assert app.screen.query_one("#answer-0").has_class("-selected")
        await pilot.press("l")
        assert app.session.lang == "en" and app.session.answers == kept


async def test_dutch_quiz_shows_no_english_interface_word(bank):
    app = quiz_app(bank, lang="nl", seed=2)
    answers = answers_holding(bank, {"no-plan": (4, 2)})
    async with app.run_test(size=SIZE) as pilot:
        english = ("Start", "Back", "Next", "Quit", "Keys", "answer", "Your", "Strongly", "No opinion", "Overall")
        for _ in range(3):
            text = shown(app.screen)
            assert not [w for w in english if re.search(rf"\b{w}\b", text)], text
            if isinstance(app.screen, WelcomeScreen):
                await pilot.press("enter")
            elif isinstance(app.screen, QuestionScreen):
                await answer_all(pilot, answers)


async def test_quitting_asks_first(bank):
    app = quiz_app(bank, lang="en", seed=1)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "3", "q")
        assert isinstance(app.screen, ConfirmScreen)
        assert "Your answers so far will be lost." in shown(app.screen)
        await pilot.press("escape")
        assert isinstance(app.screen, QuestionScreen) and app.is_running
        await pilot.press("q")
        await pilot.click("#yes")
        await pilot.pause()
    assert not app.is_running


async def test_typing_q_in_the_name_field_does_not_quit(bank):
    app = quiz_app(bank, lang="en", seed=1)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"qlq")
        assert isinstance(app.screen, WelcomeScreen)
        await pilot.press("enter")
        assert app.session.name == "qlq"


async def test_help_shows_every_key(bank):
    app = quiz_app(bank, lang="en", seed=1)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = " ".join(str(w.content) for w in app.screen.query(".help-key, .help-what"))
        for key in ("1 – 5", "← / Backspace", "Ctrl+P", "Previous statement", "Switch language"):
            assert key in text
        await pilot.press("escape")
        assert isinstance(app.screen, QuestionScreen)


async def test_results_open_a_myth_and_flag_mixed_signals(bank):
    answers = answers_holding(bank, {"sales-goal": (5, 4)})  # agrees with both keyings
    app = quiz_app(bank, lang="en", seed=4)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        await answer_all(pilot, answers)
        sales = app.session.result().by_id["sales-goal"]
        assert sales.mixed_signals
        assert "⚑ Mixed signals" in shown(app.screen)
        assert app.focused.row.id == "sales-goal"
        await pilot.press("enter")
        assert isinstance(app.screen, MythScreen)
        assert bank.myths[2].explanation["en"].split()[0] in shown(app.screen)
        await pilot.press("escape")
        assert isinstance(app.screen, ResultsScreen)


async def test_a_hostile_name_appears_literally_and_harmlessly(bank):
    app = quiz_app(bank, lang="en", seed=1)
    async with app.run_test(size=SIZE) as pilot:
        app.screen.query_one("#name").value = "[bold]x[/] \x1b]52;c;aGk=\x07\x1b[31m"
        await pilot.press("enter")
        await answer_all(pilot, answers_holding(bank, {}))
        title = str(app.screen.query_one("#results-title").content)
        assert title == "Results for [bold]x[/] \\x1b]52;c;aGk=\\x07\\x1b[31m"
        assert "\x1b" not in title and "\x07" not in title


async def test_command_palette_offers_the_main_actions(bank):
    app = quiz_app(bank, lang="nl", seed=1)
    async with app.run_test(size=SIZE) as pilot:
        commands = [c.title for c in app.get_system_commands(app.screen)]
        assert commands == ["Taal wisselen", "Toetsen tonen", "Licht of donker", "Afsluiten"]
        await pilot.press("ctrl+p")
        await pilot.press(*"taal")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert app.session.lang == "en"


async def test_a_double_enter_starts_one_attempt(bank, tmp_path):
    from misquiz.storage.sqlite import SQLiteStore

    store = SQLiteStore(tmp_path / "d.db")
    app = quiz_app(bank, lang="en", seed=1, store=store)
    async with app.run_test(size=SIZE) as pilot:
        welcome = app.screen
        welcome.post_message(WelcomeScreen.Started(""))
        welcome.post_message(WelcomeScreen.Started(""))
        await pilot.pause()
        assert sum(isinstance(s, QuestionScreen) for s in app.screen_stack) == 1
    assert len(store.history()) == 1


async def test_the_command_palette_says_nothing_matches_in_the_persons_language(bank):
    from textual.command import CommandList

    app = quiz_app(bank, lang="fr", seed=1)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await pilot.press(*"zzqx")
        await pilot.pause(1.5)  # past Textual's own countdown to its English "No matches found"
        options = app.screen.query_one(CommandList)
        shown = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert any("Aucune commande ne correspond" in line for line in shown), shown
        assert not any("No matches" in line for line in shown), shown
        await pilot.press("enter")  # choosing it does nothing
        await pilot.pause()
        assert app.session.lang == "fr"


async def test_collection_held_back_during_start_up_resumes_after_the_first_paint(bank):
    """`misquiz` holds garbage collection back until the welcome is painted (__main__.run); the app must turn
    it on again then, or a long quiz would never collect."""
    import gc

    app = quiz_app(bank, lang="en", seed=1)
    gc.disable()
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert gc.isenabled()
            assert gc.get_freeze_count() > 0  # what start-up made is set aside, not walked again
            await pilot.press("enter", "4")
            assert isinstance(app.screen, QuestionScreen)
    finally:
        gc.unfreeze()
        gc.enable()


async def test_an_app_started_with_collection_on_leaves_it_alone(bank):
    import gc

    app = quiz_app(bank, lang="en", seed=1)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert gc.isenabled() and gc.get_freeze_count() == 0

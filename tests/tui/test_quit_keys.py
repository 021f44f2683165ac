"""Ctrl+C and Ctrl+Q are the quiz's own quit, in every language: never Textual's English toast."""

from __future__ import annotations

import pytest

from misquiz.core.catalogue import t
from misquiz.core.model import resolve_language
from misquiz.storage.sqlite import SQLiteStore
from misquiz.tui.room_app import RoomApp
from misquiz.tui.screens.confirm import ConfirmScreen
from misquiz.tui.screens.question import QuestionScreen
from misquiz.tui.screens.welcome import WelcomeScreen
from support.quiz import quiz_app

SIZE = (80, 24)
LANGS = ("nl", "en", "fr")
KEYS = ("ctrl+c", "ctrl+q")


def question_of(screen: ConfirmScreen) -> str:
    return screen.question


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("key", KEYS)
async def test_the_quit_keys_ask_what_q_asks(bank, lang, key):
    app = quiz_app(bank, lang=lang, seed=1)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, WelcomeScreen)  # the name field has the focus: Ctrl+C is not "copy" here
        await pilot.press(key)
        assert isinstance(app.screen, ConfirmScreen)
        assert question_of(app.screen) == t(lang, "quit_question")
        await pilot.press("escape")
        assert isinstance(app.screen, WelcomeScreen) and app.is_running
        await pilot.press("enter", "3")
        assert isinstance(app.screen, QuestionScreen)
        await pilot.press(key)
        assert isinstance(app.screen, ConfirmScreen) and app.is_running
        assert app.screen.detail == t(lang, "quit_unsaved")  # the same detail q gives
        assert not list(app._notifications), "a framework toast reached the screen"
        await pilot.press(key)  # pressed again on the question: quit, as q does there
        await pilot.pause()
    assert not app.is_running


@pytest.mark.parametrize("lang", LANGS)
async def test_q_and_the_quit_keys_ask_the_same(bank, lang):
    app = quiz_app(bank, lang=lang, seed=1)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "3")
        asked = []
        for key in ("q", *KEYS):
            await pilot.press(key)
            assert isinstance(app.screen, ConfirmScreen)
            asked.append((app.screen.question, app.screen.detail, app.screen.yes, app.screen.no))
            await pilot.press("escape")
        assert len(set(asked)) == 1


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("key", KEYS)
async def test_the_quit_keys_leave_the_room_as_q_does(tmp_path, bank, lang, key):
    store = SQLiteStore(tmp_path / "room.db")
    app = RoomApp(store, bank, "ws", lang=resolve_language(bank, lang), round=None)
    async with app.run_test(size=(120, 35)) as pilot:
        await pilot.pause()
        await pilot.press(key)
        assert not list(app._notifications), "a framework toast reached the screen"
        await pilot.pause()
    assert not app.is_running

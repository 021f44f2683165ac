"""The quiz as a Textual app: welcome, one statement at a time, results."""

from __future__ import annotations

from collections.abc import Iterable

from textual import on
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.command import CommandPalette
from textual.screen import Screen

from misquiz.i18n import t
from misquiz.model import Bank
from misquiz.safe import clean_name
from misquiz.screens.question import QuestionScreen
from misquiz.screens.welcome import WelcomeScreen
from misquiz.session import QuizSession


class MisquizApp(App[None]):
    CSS_PATH = "misquiz.tcss"
    TITLE = "misquiz"
    BINDINGS = [
        Binding("question_mark", "help", show=False),
        Binding("q", "request_quit", show=False),
        Binding("l", "toggle_language", show=False),
    ]

    def __init__(self, session: QuizSession) -> None:
        super().__init__()
        self.session = session

    @property
    def lang(self) -> str:
        return self.session.lang

    def get_default_screen(self) -> Screen:
        return WelcomeScreen(self.session)

    @on(WelcomeScreen.Started)
    def _started(self, event: WelcomeScreen.Started) -> None:
        self.session.name = clean_name(event.name)
        self.push_screen(QuestionScreen(self.session))

    @on(QuestionScreen.Finished)
    def _finished(self) -> None:
        from misquiz.screens.results import ResultsScreen

        self.push_screen(ResultsScreen(self.session))

    def action_help(self) -> None:
        from misquiz.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.lang))

    def action_toggle_language(self) -> None:
        self.session.toggle_language()
        for screen in self.screen_stack:
            relabel = getattr(screen, "relabel", None)
            if relabel is not None:
                relabel()

    def action_request_quit(self) -> None:
        from misquiz.screens.confirm import ConfirmScreen
        from misquiz.screens.results import ResultsScreen

        if isinstance(self.screen, ConfirmScreen):
            return
        finished = isinstance(self.screen, ResultsScreen)
        detail = "" if finished or not self.session.answers else t(self.lang, "quit_unsaved")

        def answered(quit_now: bool | None) -> None:
            if quit_now:
                self.exit()

        self.push_screen(
            ConfirmScreen(t(self.lang, "quit_question"), detail, t(self.lang, "quit_yes"), t(self.lang, "quit_no")),
            answered,
        )

    def action_show_results(self) -> None:
        from misquiz.screens.results import ResultsScreen

        if self.session.answers and not isinstance(self.screen, ResultsScreen):
            self.push_screen(ResultsScreen(self.session))

    def action_command_palette(self) -> None:
        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(CommandPalette(placeholder=t(self.lang, "cmd_palette"), id="--command-palette"))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        lang = self.lang
        yield SystemCommand(t(lang, "cmd_language"), t(lang, "cmd_language_help"), self.action_toggle_language)
        yield SystemCommand(t(lang, "cmd_help"), t(lang, "cmd_help_help"), self.action_help)
        if self.session.answers:
            yield SystemCommand(t(lang, "cmd_results"), t(lang, "cmd_results_help"), self.action_show_results)
        yield SystemCommand(t(lang, "cmd_theme"), t(lang, "cmd_theme_help"), self.action_toggle_dark)
        yield SystemCommand(t(lang, "cmd_quit"), t(lang, "cmd_quit_help"), self.action_request_quit)

    def action_toggle_dark(self) -> None:
        self.theme = "textual-light" if self.current_theme.dark else "textual-dark"


def build_app(bank: Bank, *, lang: str, seed: int | None = None, name: str = "") -> MisquizApp:
    """The one factory for the CLI and the tests alike."""
    return MisquizApp(QuizSession.start(bank, lang, seed, name))

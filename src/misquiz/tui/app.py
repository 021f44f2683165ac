"""The quiz as a Textual app: welcome (or resume), one statement at a time, results."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path

from textual import on
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.command import CommandPalette
from textual.screen import Screen

from misquiz.core.attempt import Attempt
from misquiz.core.catalogue import t
from misquiz.core.model import Bank
from misquiz.core.quiz import QuizOptions, QuizSession
from misquiz.core.text import plain
from misquiz.storage.protocol import Store
from misquiz.tui.screens.welcome import WelcomeScreen


class MisquizApp(App[None]):
    CSS_PATH = "misquiz.tcss"
    TITLE = "misquiz"
    BINDINGS = [
        Binding("question_mark", "help", "key_help", show=False),
        Binding("q", "request_quit", "key_quit", show=False),
        Binding("l", "toggle_language", "key_language", show=False),
        Binding("tab", "app.focus_next", "key_tab", show=False, priority=True),
        Binding("ctrl+p", "command_palette", "key_palette", show=False),
    ]

    def __init__(
        self,
        session: QuizSession,
        store: Store | None = None,
        resume: Attempt | None = None,
        export_dir: Path | None = None,
        open_store: Callable[[], Store] | None = None,
    ) -> None:
        super().__init__()
        self.session = session
        self.store = store
        self.resume = resume
        self.export_dir = export_dir or Path.cwd()
        # The database is opened once the welcome is painted: start-up is part of the product.
        self.open_store = open_store
        self.store_ready = asyncio.Event()
        if open_store is None:
            self.store_ready.set()

    def on_mount(self) -> None:
        if self.open_store is not None:
            self.call_after_refresh(self._open_store_later)

    def _open_store_later(self) -> None:
        self.run_worker(self._open_store, thread=True, exit_on_error=False)

    def _open_store(self) -> None:
        from misquiz.storage import StoreError

        assert self.open_store is not None
        try:
            store = self.open_store()
        except StoreError as exc:
            self.call_from_thread(self.exit, None, 1, f"misquiz: {plain(str(exc))}")
            return
        self.call_from_thread(self._store_opened, store)

    def _store_opened(self, store: Store) -> None:
        from misquiz.storage.recording import attach_store

        self.store = store
        resume = attach_store(self.session, store, self.store_failed)
        self.store_ready.set()
        welcome = self.screen if isinstance(self.screen, WelcomeScreen) else None
        if welcome is not None and self.session.name:
            welcome.remember_name(self.session.name)
        if resume is not None and welcome is not None:
            from misquiz.tui.screens.resume import ResumeScreen

            self.resume = resume
            self.push_screen(ResumeScreen(resume, self.lang, self.session.bank.title[self.lang]))

    @property
    def lang(self) -> str:
        return self.session.lang

    def get_default_screen(self) -> Screen:
        if self.resume is not None:
            from misquiz.tui.screens.resume import ResumeScreen

            return ResumeScreen(self.resume, self.lang, self.session.bank.title[self.lang])
        return WelcomeScreen(self.session)

    def store_failed(self, message: str) -> None:
        self.notify(t(self.lang, "db_error", error=message), severity="error", timeout=15, markup=False)

    @on(WelcomeScreen.Started)
    async def _started(self, event: WelcomeScreen.Started) -> None:
        from misquiz.tui.screens.question import QuestionScreen  # after the welcome is painted

        if any(isinstance(screen, QuestionScreen) for screen in self.screen_stack):
            return  # a second Enter while the first was on its way: one attempt, not two
        await self.store_ready.wait()  # a very quick Enter still gets its attempt stored
        if any(isinstance(screen, QuestionScreen) for screen in self.screen_stack):
            return
        self.session.begin(event.name)
        self.push_screen(QuestionScreen(self.session))

    def on_resume_screen_chosen(self, event) -> None:
        attempt, self.resume = self.resume, None
        assert attempt is not None
        if not event.resume:
            self.session.set_aside(attempt)
            if isinstance(self.screen_stack[0], WelcomeScreen) and len(self.screen_stack) > 1:
                self.pop_screen()  # the resume screen came over the welcome: back to it
            else:
                self.push_screen(WelcomeScreen(self.session))  # over the resume screen, never seen again
            return
        from misquiz.tui.screens.question import QuestionScreen

        self.session.resume(attempt)
        self.push_screen(QuestionScreen(self.session))
        if self.session.finished:  # it stopped after the last answer: the core has stored its result
            self._finished()

    def on_question_screen_finished(self) -> None:
        self._finished()

    def _finished(self) -> None:
        from misquiz.storage.recording import progress_of
        from misquiz.tui.screens.results import ResultsScreen

        self.push_screen(ResultsScreen(self.session, progress_of(self.store, self.session)))

    def action_help(self) -> None:
        from misquiz.tui.screens.help import HelpScreen, help_rows

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.lang, help_rows(self.screen)))

    def action_toggle_language(self) -> None:
        self.session.toggle_language()
        for screen in self.screen_stack:
            relabel = getattr(screen, "relabel", None)
            if relabel is not None:
                relabel()

    def action_request_quit(self) -> None:
        from misquiz.tui.screens.confirm import ConfirmScreen
        from misquiz.tui.screens.results import ResultsScreen

        if isinstance(self.screen, ConfirmScreen):
            return
        finished = isinstance(self.screen, ResultsScreen)
        unfinished = not finished and self.session.answers
        detail = "" if not unfinished else t(self.lang, "quit_unsaved" if self.store is None else "quit_kept")

        def answered(quit_now: bool | None) -> None:
            if quit_now:
                self.exit()

        self.push_screen(
            ConfirmScreen(t(self.lang, "quit_question"), detail, t(self.lang, "quit_yes"), t(self.lang, "quit_no")),
            answered,
        )

    def action_show_results(self) -> None:
        from misquiz.tui.screens.results import ResultsScreen

        if self.session.answers and not isinstance(self.screen, ResultsScreen):
            from misquiz.storage.recording import progress_of

            self.push_screen(ResultsScreen(self.session, progress_of(self.store, self.session)))

    def action_export(self, kind: str) -> None:
        from misquiz.core.advice import advice_plan
        from misquiz.render.report import write_report
        from misquiz.storage.recording import progress_of

        s, now = self.session, self.clock_now()
        plan = advice_plan(s.bank, s.result(), s.lang, name=s.name, progress=progress_of(self.store, s))
        try:
            path = write_report(plan, s.name, kind, self.export_dir, now)
        except OSError as exc:
            self.notify(t(self.lang, "save_failed", error=exc.strerror or exc), severity="error", markup=False)
            return
        self.notify(t(self.lang, "saved_to", path=short_path(path)), timeout=12, markup=False)

    def clock_now(self) -> datetime:
        from misquiz.storage.protocol import utc_now

        return self.store.clock() if self.store is not None else utc_now()

    def action_command_palette(self) -> None:
        if self.use_command_palette and not CommandPalette.is_open(self):  # type: ignore[arg-type]
            self.push_screen(CommandPalette(placeholder=t(self.lang, "cmd_palette"), id="--command-palette"))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        lang = self.lang
        yield SystemCommand(t(lang, "cmd_language"), t(lang, "cmd_language_help"), self.action_toggle_language)
        yield SystemCommand(t(lang, "cmd_help"), t(lang, "cmd_help_help"), self.action_help)
        if self.session.answers:
            yield SystemCommand(t(lang, "cmd_results"), t(lang, "cmd_results_help"), self.action_show_results)
            yield SystemCommand(t(lang, "export_md"), t(lang, "export_md_help"), lambda: self.action_export("md"))
            yield SystemCommand(t(lang, "export_html"), t(lang, "export_html_help"), lambda: self.action_export("html"))
        yield SystemCommand(t(lang, "cmd_theme"), t(lang, "cmd_theme_help"), self.action_toggle_dark)
        yield SystemCommand(t(lang, "cmd_quit"), t(lang, "cmd_quit_help"), self.action_request_quit)

    def action_toggle_dark(self) -> None:
        self.theme = "textual-light" if self.current_theme.dark else "textual-dark"


def short_path(path: Path) -> str:
    """A path as short as it can be said: from the current folder, or from home."""
    for base, prefix in ((Path.cwd(), ""), (Path.home(), "~/")):
        try:
            return prefix + str(path.relative_to(base))
        except ValueError:
            continue
    return str(path)


def build_app(
    bank: Bank,
    options: QuizOptions,
    store: Store | None = None,
    *,
    export_dir: Path | None = None,
    open_store: Callable[[], Store] | None = None,
) -> MisquizApp:
    """The one factory for the CLI and the tests alike.

    With open_store instead of a store, the database is opened only once the welcome is painted.
    """
    if open_store is not None:
        return MisquizApp(QuizSession.start(bank, options), export_dir=export_dir, open_store=open_store)
    from misquiz.storage.recording import open_quiz

    holder: list[MisquizApp] = []
    session, resume = open_quiz(
        bank, options, store, lambda message: holder[0].store_failed(message) if holder else None
    )
    app = MisquizApp(session, store=store, resume=resume, export_dir=export_dir)
    holder.append(app)
    return app

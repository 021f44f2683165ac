"""The quiz as a Textual app: welcome (or resume), one statement at a time, results."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from textual import on
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.command import CommandPalette, Hit, Hits, Provider
from textual.screen import Screen

from misquiz.core.catalogue import said, t
from misquiz.core.model import Bank
from misquiz.core.quiz import QuizOptions, QuizSession
from misquiz.core.text import clean_name, plain
from misquiz.tui.screens.welcome import WelcomeScreen
from misquiz.tui.typography import keep_no_break_spaces

if TYPE_CHECKING:  # the plan, commitments and store are needed after the welcome is painted, not before
    from misquiz.core.advice import AdvicePlan
    from misquiz.core.attempt import Attempt
    from misquiz.core.commitments import Commitment
    from misquiz.storage.protocol import Store


SCREENS_CSS = Path(__file__).with_name("screens.tcss")


class NothingMatches(Provider):
    """Textual's command palette says "No matches found" in English only; when no command matches what was
    typed, this says so in the person's language instead (a line that does nothing when chosen)."""

    async def search(self, query: str) -> Hits:
        app = self.app
        if not isinstance(app, MisquizApp) or not query.strip():
            return
        matcher = self.matcher(query)
        if any(matcher.match(command.title) > 0 for command in app.get_system_commands(self.screen)):
            return
        yield Hit(1.0, t(app.lang, "cmd_no_match"), lambda: None)


class MisquizApp(App[None]):
    CSS_PATH = "misquiz.tcss"
    COMMANDS = App.COMMANDS | {NothingMatches}
    TITLE = "misquiz"
    BINDINGS = [
        Binding("question_mark", "help", "key_help", show=False),
        Binding("q", "request_quit", "key_quit", show=False),
        # Textual's own Ctrl+C toast ("Press Ctrl+Q to quit") is English and Ctrl+Q quits unasked: both ask as q does.
        Binding("ctrl+c,ctrl+q", "quit_key", show=False, priority=True),
        Binding("l", "toggle_language", "key_language", show=False),
        Binding("tab", "app.focus_next", "key_tab", show=False, priority=True),
        Binding("ctrl+p", "command_palette", "key_palette", show=False),
    ]

    def __init__(
        self,
        session: QuizSession,
        store: Store | None = None,
        export_dir: Path | None = None,
        open_store: Callable[[], Store] | None = None,
    ) -> None:
        super().__init__()
        keep_no_break_spaces()  # French: "résultats :" and "« … »" never split at their no-break spaces
        self.session = session
        self.store = store
        self.resume: Attempt | None = None  # the unfinished attempt offered on the resume screen
        self.export_dir = export_dir or Path.cwd()
        # The database is opened once the welcome is painted: start-up is part of the product.
        self.open_store = open_store
        self.store_ready = asyncio.Event()
        if open_store is None:
            self.store_ready.set()

    def on_mount(self) -> None:
        self.call_after_refresh(self._after_first_paint)

    def _after_first_paint(self) -> None:
        self.load_screens_css()
        if not gc.isenabled():  # `misquiz` held collection back until now (__main__.run)
            gc.freeze()  # what start-up made stays: later collections need not walk it
            gc.enable()
        if self.open_store is not None:
            self._open_store_later()

    def load_screens_css(self) -> None:
        """The style of every screen after the welcome (screens.tcss): read once the welcome is painted, as the
        welcome needs only misquiz.tcss; any screen pushed before that (a quick `q`) reads it first."""
        if not self.stylesheet.has_source(str(SCREENS_CSS), ""):
            self.stylesheet.read(SCREENS_CSS)
            self.stylesheet.reparse()
            self.stylesheet.update(self)

    def push_screen(self, screen, *args, **kwargs):  # type: ignore[no-untyped-def,override]
        self.load_screens_css()
        return super().push_screen(screen, *args, **kwargs)

    def _open_store_later(self) -> None:
        self.run_worker(self._open_store, thread=True, exit_on_error=False)

    def _open_store(self) -> None:
        from misquiz.storage import StoreError

        assert self.open_store is not None
        try:
            store = self.open_store()
        except StoreError as exc:
            self.call_from_thread(self.exit, None, 1, t(self.lang, "store_failed", error=plain(said(exc, self.lang))))
            return
        self.call_from_thread(self._store_opened, store)

    def _store_opened(self, store: Store) -> None:
        from misquiz.storage.recording import attach_store

        self.store = store
        attach_store(self.session, store, self.store_failed)
        self.store_ready.set()

    @property
    def lang(self) -> str:
        return self.session.lang

    def get_default_screen(self) -> Screen:
        return WelcomeScreen(self.session)

    def store_failed(self, error: BaseException | str) -> None:
        """A database that failed, said in the person's language (a StoreError is a catalogue sentence)."""
        from misquiz.core.commitments import CommitmentError

        if isinstance(error, CommitmentError):
            message = error.message(self.lang)
        else:
            message = said(error, self.lang) if isinstance(error, BaseException) else error
        self.notify(t(self.lang, "db_error", error=message), severity="error", timeout=15, markup=False)

    @on(WelcomeScreen.Started)
    async def _started(self, event: WelcomeScreen.Started) -> None:
        from misquiz.storage.recording import unfinished_of
        from misquiz.tui.screens.question import QuestionScreen  # after the welcome is painted
        from misquiz.tui.screens.resume import ResumeScreen

        def on_its_way() -> bool:  # a second Enter while the first was on its way: one attempt, not two
            return any(isinstance(screen, QuestionScreen | ResumeScreen) for screen in self.screen_stack)

        if on_its_way():
            return
        # The database is read only once the name is known, so an early Enter can never start afresh
        # over this person's unfinished attempt, nor offer another person's.
        await self.store_ready.wait()
        if on_its_way():
            return
        name = clean_name(event.name)
        attempt = unfinished_of(self.store, self.session, name, self.store_failed)
        if attempt is None:
            self.session.begin(name)
            self.push_screen(QuestionScreen(self.session))
            self._follow_up()
            return
        self.session.name, self.resume = name, attempt
        self.push_screen(ResumeScreen(attempt, self.lang, self.session.bank.title[self.lang]))

    def on_resume_screen_chosen(self, event) -> None:
        from misquiz.tui.screens.question import QuestionScreen

        attempt, self.resume = self.resume, None
        assert attempt is not None
        self.pop_screen()  # the resume screen; the welcome stays below the quiz, as after a fresh start
        if not event.resume:
            self.session.set_aside(attempt)
            self.session.begin(self.session.name)
            self.push_screen(QuestionScreen(self.session))
            self._follow_up()
            return
        self.session.resume(attempt)
        self.push_screen(QuestionScreen(self.session))
        if self.session.finished:  # it stopped after the last answer: the core has stored its result
            self._finished()

    def _follow_up(self) -> None:
        """Last time's open commitments, asked over the first statement: done, started or not yet (skippable)."""
        from misquiz.core.commitments import CommitmentError
        from misquiz.storage.recording import open_commitments, save_follow_up
        from misquiz.tui.screens.follow_up import FollowUpScreen

        found = open_commitments(self.store, self.session)
        if found is None:
            return
        before, commitments = found

        def answered(answers: dict[int, str] | None) -> None:
            if not answers or self.store is None:
                return
            from misquiz.storage.protocol import StoreError

            try:
                save_follow_up(self.store, before, answers)
            except (CommitmentError, StoreError) as exc:
                self.store_failed(exc)

        self.push_screen(FollowUpScreen(self.session.bank, self.lang, commitments), answered)

    def on_question_screen_finished(self) -> None:
        self._finished()

    def _finished(self) -> None:
        from misquiz.tui.screens.results import ResultsScreen

        self.push_screen(ResultsScreen(self.session))

    def plan(self) -> AdvicePlan:
        """The one plan of this result, as it is shown and saved."""
        from misquiz.storage.recording import session_plan

        return session_plan(self.store, self.session, self.clock_now)

    def action_help(self) -> None:
        from misquiz.tui.screens.help import HelpScreen, help_rows

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.lang, help_rows(self.screen, self.lang)))

    def action_toggle_language(self) -> None:
        self.session.toggle_language()
        for screen in self.screen_stack:
            relabel = getattr(screen, "relabel", None)
            if relabel is not None:
                relabel()

    def action_quit_key(self) -> None:
        """Ctrl+C or Ctrl+Q: the question q asks; pressed again on that question, it quits (as q does there)."""
        from misquiz.tui.screens.confirm import ConfirmScreen

        if isinstance(self.screen, ConfirmScreen):
            self.screen.action_answer(True)
            return
        self.action_request_quit()

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
            self.push_screen(ResultsScreen(self.session))

    def action_export(self, kind: str) -> None:
        from misquiz.render.report import write_report

        plan = self.plan()
        try:
            path = write_report(plan, kind, self.export_dir)
        except OSError as exc:
            self.notify(t(self.lang, "save_failed", error=said(exc, self.lang)), severity="error", markup=False)
            return
        self.notify(t(self.lang, "saved_to", path=short_path(path)), timeout=12, markup=False)

    def action_commit(self) -> None:
        """Choose up to three of the plan's actions, or one line of one's own, kept with the attempt."""
        from misquiz.storage.recording import commitments_of
        from misquiz.tui.screens.commit import CommitScreen

        s = self.session
        if self.store is None or s.attempt_id is None or not s.finished:
            self.notify(t(self.lang, "db_error", error=t(self.lang, "db_none")), severity="error", markup=False)
            return

        def chosen(commitments: tuple[Commitment, ...] | None) -> None:
            if commitments is None or self.store is None or s.attempt_id is None:
                return
            from misquiz.storage.protocol import StoreError

            try:
                self.store.set_commitments(s.attempt_id, commitments)
            except StoreError as exc:
                self.store_failed(exc)
                return
            self.notify(t(self.lang, "commit_saved"), markup=False)
            from misquiz.tui.screens.results import ResultsScreen

            for screen in self.screen_stack:
                if isinstance(screen, ResultsScreen):
                    screen.relabel()  # the plan now leads with them

        self.push_screen(CommitScreen(s, commitments_of(self.store, s.attempt_id)), chosen)

    def action_calendar(self) -> None:
        """The check-back as a calendar file beside the saved plans."""
        from misquiz.files.output import write_new_in
        from misquiz.render.calendar import calendar_file, calendar_file_name
        from misquiz.storage.protocol import StoreError

        plan = self.plan()
        address = None
        if self.store is not None and self.session.workshop:
            try:
                address = self.store.join_address(self.session.workshop)
            except StoreError:
                address = None
        try:  # numbered when the name is taken, no symbolic link followed, mode 0600
            path = write_new_in(self.export_dir, calendar_file_name(plan), calendar_file(plan, address))
        except OSError as exc:
            self.notify(t(self.lang, "save_failed", error=said(exc, self.lang)), severity="error", markup=False)
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
            yield SystemCommand(t(lang, "export_html"), t(lang, "export_html_help"), lambda: self.action_export("html"))
            yield SystemCommand(t(lang, "export_md"), t(lang, "export_md_help"), lambda: self.action_export("md"))
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
    session = open_quiz(bank, options, store, lambda message: holder[0].store_failed(message) if holder else None)
    app = MisquizApp(session, store=store, export_dir=export_dir)
    holder.append(app)
    return app

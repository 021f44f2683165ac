"""Welcome: what the quiz is, how long it takes, the language and an optional name."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Button, Input, Label, Static

from misquiz.core.catalogue import t
from misquiz.core.quiz import QuizSession
from misquiz.core.text import MAX_NAME, one_line
from misquiz.tui.widgets.key_bar import KeyBar
from misquiz.tui.widgets.literal import Literal, literal


class WelcomeScreen(Screen[None]):
    AUTO_FOCUS = "#name"
    # Enter starts even when nothing has focus (a browser page before it is clicked).
    BINDINGS = [Binding("enter", "start", "key_start", show=False)]

    @dataclass
    class Started(Message):
        name: str

    def __init__(self, session: QuizSession) -> None:
        super().__init__()
        self.session = session

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="welcome"), Vertical(id="welcome-card"):
            yield Literal(id="welcome-text")
            yield Label(id="name-label")
            yield Input(value=self.session.name, max_length=MAX_NAME, id="name")
            with Horizontal(id="welcome-actions"):
                yield Button("", id="language", compact=True)
                yield Button("", id="start", variant="primary", compact=True)
            # What the quiz is about comes after Start, as on the web page: Start fits on 80x24.
            yield Literal(id="welcome-intro")
        yield KeyBar(id="keys")

    def on_mount(self) -> None:
        self.relabel()

    def relabel(self) -> None:
        s, lang = self.session, self.session.lang
        # Few widgets for the words: the welcome is the first thing drawn, so it is kept light.
        text = Content.assemble(
            (s.bank.title[lang], "bold $accent"),
            "\n\n",
            (t(lang, "welcome_time", minutes=s.bank.minutes, count=s.total), "bold"),
            "\n\n",
            t(lang, "welcome_how"),
        )
        self.query_one("#welcome-text", Static).update(text)
        self.query_one("#welcome-intro", Static).update(one_line(s.bank.intro[lang]))
        self.query_one("#name-label", Label).update(t(lang, "name_label"))
        self.query_one("#name", Input).placeholder = t(lang, "name_placeholder")
        self.query_one("#language", Button).label = literal(
            t(lang, "pair", label=t(lang, "language"), value=t(lang, "language_name"))
        )
        self.query_one("#start", Button).label = literal(f"{t(lang, 'start')} ⏎")
        self.query_one(KeyBar).show(
            [(t(lang, "key_name_enter"), t(lang, "start")), ("Tab", "⇄"), ("Ctrl+P", t(lang, "key_palette"))]
        )

    @on(Input.Submitted, "#name")
    @on(Button.Pressed, "#start")
    def action_start(self) -> None:
        self.post_message(self.Started(self.query_one("#name", Input).value))

    @on(Button.Pressed, "#language")
    def _language(self) -> None:
        self.app.action_toggle_language()  # type: ignore[attr-defined]

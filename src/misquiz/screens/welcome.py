"""Welcome: what the quiz is, how long it takes, the language and an optional name."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Button, Input, Label, Static

from misquiz.i18n import t
from misquiz.safe import MAX_NAME
from misquiz.session import QuizSession
from misquiz.widgets.key_bar import KeyBar


class WelcomeScreen(Screen[None]):
    @dataclass
    class Started(Message):
        name: str

    def __init__(self, session: QuizSession) -> None:
        super().__init__()
        self.session = session

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="welcome"), Vertical(id="welcome-card"):
            yield Static(id="welcome-title")
            yield Static(id="welcome-intro")
            yield Static(id="welcome-time")
            yield Static(id="welcome-how")
            yield Label(id="name-label")
            yield Input(value=self.session.name, max_length=MAX_NAME, id="name")
            with Horizontal(id="welcome-actions"):
                yield Button("", id="language", compact=True)
                yield Button("", id="start", variant="primary", compact=True)
        yield KeyBar(id="keys")

    def on_mount(self) -> None:
        self.relabel()
        self.query_one("#name", Input).focus()

    def relabel(self) -> None:
        s, lang = self.session, self.session.lang
        self.query_one("#welcome-title", Static).update(Text(s.bank.title[lang], style="bold"))
        self.query_one("#welcome-intro", Static).update(Text(" ".join(s.bank.intro[lang].split())))
        self.query_one("#welcome-time", Static).update(
            Text(t(lang, "welcome_time", minutes=s.bank.minutes, count=s.total), style="bold")
        )
        self.query_one("#welcome-how", Static).update(t(lang, "welcome_how"))
        self.query_one("#name-label", Label).update(t(lang, "name_label"))
        self.query_one("#name", Input).placeholder = t(lang, "name_placeholder")
        self.query_one("#language", Button).label = f"{t(lang, 'language')}: {t(lang, 'language_name')}"
        self.query_one("#start", Button).label = f"{t(lang, 'start')} ⏎"
        self.query_one(KeyBar).show([("Enter", t(lang, "start")), ("Tab", "⇄"), ("Ctrl+P", t(lang, "key_palette"))])

    @on(Input.Submitted, "#name")
    @on(Button.Pressed, "#start")
    def _start(self) -> None:
        self.post_message(self.Started(self.query_one("#name", Input).value))

    @on(Button.Pressed, "#language")
    def _language(self) -> None:
        self.app.action_toggle_language()  # type: ignore[attr-defined]

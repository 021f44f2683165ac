"""An unfinished attempt was found: go on where it stopped, or start fresh."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Button

from misquiz.core.attempt import Attempt
from misquiz.core.catalogue import t
from misquiz.core.quiz import resume_text, resume_title
from misquiz.tui.widgets.key_bar import KeyBar
from misquiz.tui.widgets.literal import Literal, literal


class ResumeScreen(Screen[None]):
    BINDINGS = [Binding("n", "fresh", "key_fresh", show=False), Binding("enter", "resume", "key_resume", show=False)]

    @dataclass
    class Chosen(Message):
        resume: bool

    def __init__(self, attempt: Attempt, lang: str, title: str) -> None:
        super().__init__()
        self.attempt, self.lang, self.title_text = attempt, lang, title

    def compose(self) -> ComposeResult:
        lang, a = self.lang, self.attempt
        with VerticalScroll(id="welcome"), Vertical(id="welcome-card"):
            yield Literal(Text(self.title_text, style="bold"), id="welcome-title")
            yield Literal(Text(resume_title(a, lang), style="bold"), classes="text")
            yield Literal(resume_text(a, lang), classes="text")
            with Horizontal(id="welcome-actions"):
                yield Button(literal(t(lang, "resume_fresh")), id="fresh", compact=True)
                yield Button(literal(f"{t(lang, 'resume_go')} ⏎"), id="resume", variant="primary", compact=True)
        yield KeyBar(id="keys")

    def on_mount(self) -> None:
        self.query_one("#resume", Button).focus()
        self.query_one(KeyBar).show(
            [(t(self.lang, "key_name_enter"), t(self.lang, "resume_go")), ("n", t(self.lang, "resume_fresh"))]
        )

    def action_resume(self) -> None:
        self.post_message(self.Chosen(True))

    def action_fresh(self) -> None:
        self.post_message(self.Chosen(False))

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.post_message(self.Chosen(event.button.id == "resume"))

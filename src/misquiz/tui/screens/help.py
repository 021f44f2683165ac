"""Every key the quiz uses, in the quiz's language."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from misquiz.core.catalogue import t


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,enter,question_mark", "dismiss", show=False)]

    def __init__(self, lang: str) -> None:
        super().__init__()
        self.lang = lang

    def compose(self) -> ComposeResult:
        lang = self.lang
        rows = (
            ("1 – 5", "key_answer"),
            ("0", "key_no_opinion"),
            ("← / Backspace", "key_back"),
            ("→", "key_next"),
            ("Enter", "key_open"),
            ("l", "key_language"),
            ("?", "key_help"),
            ("Ctrl+P", "key_palette"),
            ("q", "key_quit"),
        )
        width = max(len(key) for key, _ in rows) + 2
        table = Text()
        for key, what in rows:
            table.append(f"{key:<{width}}", style="bold")
            table.append(f"{t(lang, what)}\n")
        table.rstrip()
        with Vertical(id="help-dialog", classes="dialog"):
            yield Static(t(lang, "help_title"), classes="title")
            yield Static(table)
            yield Button(t(lang, "close"), id="close", compact=True, variant="primary")

    def on_button_pressed(self) -> None:
        self.dismiss()

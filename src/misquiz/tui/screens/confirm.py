"""A yes/no question that answers with a bool."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button

from misquiz.tui.widgets.literal import Literal, literal


class ConfirmScreen(ModalScreen[bool]):
    BINDINGS = [
        Binding("escape,n", "answer(False)", show=False),
        Binding("y,q", "answer(True)", show=False),
    ]

    def __init__(self, question: str, detail: str, yes: str, no: str) -> None:
        super().__init__()
        self.question, self.detail, self.yes, self.no = question, detail, yes, no

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-dialog", classes="dialog"):
            yield Literal(self.question, classes="title")
            if self.detail:
                yield Literal(self.detail, classes="text")
            with Horizontal(classes="buttons"):
                yield Button(literal(self.no), id="no", compact=True, variant="primary")
                yield Button(literal(self.yes), id="yes", compact=True, variant="error")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

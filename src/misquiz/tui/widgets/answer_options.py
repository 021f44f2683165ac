"""The answer choices for one statement: five scale options and "no opinion"."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Button

from misquiz.tui.widgets.literal import literal

KEYS = (1, 2, 3, 4, 5, 0)


class AnswerOptions(Vertical):
    """Six tappable options; the earlier answer, if any, is shown selected."""

    @dataclass
    class Chosen(Message):
        value: int  # 1..5, or 0 for no opinion

    def compose(self) -> ComposeResult:
        for key in KEYS:
            yield Button("", id=f"answer-{key}", classes="answer", compact=True)

    def show(self, labels: dict[int, str], selected: int | None) -> None:
        for key in KEYS:
            button = self.query_one(f"#answer-{key}", Button)
            # The tick keeps the choice visible without colour (NO_COLOR, monochrome terminals).
            button.label = literal(f"{key}  {labels[key]}" + ("  ✓" if key == selected else ""))
            button.set_class(key == selected, "-selected")
            # A new statement: the press effect of the last one must not swallow a quick next tap.
            button.remove_class("-active")

    @on(Button.Pressed, ".answer")
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        assert event.button.id is not None
        self.post_message(self.Chosen(int(event.button.id.removeprefix("answer-"))))

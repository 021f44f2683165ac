"""One misconception on the results screen: its title, a bar, its score and its band."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.widget import Widget

from misquiz.core.advice import PlanRow

NARROW, WIDE = 12, 20


class MythRow(Widget, can_focus=True):
    BINDINGS = [Binding("enter", "open", "Open", show=False)]

    @dataclass
    class Opened(Message):
        myth_id: str

    def __init__(self, row: PlanRow, verdict_width: int) -> None:
        super().__init__(classes="myth-row")
        self.row = row
        self.verdict_width = verdict_width  # the longest band word, so that bars line up

    def render(self) -> Text:
        row = self.row
        bar = NARROW if self.size.width < 90 else WIDE
        verdict_width = self.verdict_width + 2  # room for the mixed-signals flag
        change_width = 0 if row.change is None else 6
        title_width = max(12, self.size.width - bar - 7 - verdict_width - change_width)
        title = row.title
        if len(title) > title_width:
            title = title[: title_width - 1] + "…"
        text = Text(no_wrap=True)
        text.append(f"{title:<{title_width}} ")
        if row.score is None:
            text.append("·" * bar, style="dim")
            text.append(f"    –  {row.band_label}", style="dim")
            return text
        filled = round(row.score / 100 * bar)
        color = row.color
        text.append("█" * filled, style=color)
        text.append("░" * (bar - filled), style="dim")
        text.append(f" {row.score:>3}  ")
        if row.change is not None:
            delta = row.change
            arrow = "▲" if delta > 0 else "▼" if delta < 0 else "="
            text.append(f"{arrow}{abs(delta):>3}  " if delta else "  =   ", style="bold" if delta else "dim")
        text.append(row.band_label, style=f"bold {color}")
        if row.mixed:
            text.append(" ⚑", style="bold")
        return text

    def action_open(self) -> None:
        self.post_message(self.Opened(self.row.id))

    def on_click(self, event: events.Click) -> None:
        self.action_open()

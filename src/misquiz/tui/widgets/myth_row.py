"""One misconception on the results screen: its whole title, a bar, its score and its band."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.widget import Widget

from misquiz.core.advice import PlanRow
from misquiz.core.scoring import ARROWS, direction_of

NARROW, WIDE, TINY = 12, 20, 6
MARK = 2  # "▶ " before the selected row, so that it shows without colour too


class MythRow(Widget, can_focus=True):
    BINDINGS = [
        Binding("enter", "open", "key_open", show=False),
        Binding("down,j", "move(1)", "key_move", show=False),
        Binding("up,k", "move(-1)", "key_move", show=False),
    ]

    @dataclass
    class Opened(Message):
        myth_id: str

    def __init__(self, row: PlanRow, verdict_width: int) -> None:
        super().__init__(classes="myth-row")
        self.row = row
        self.verdict_width = verdict_width  # the longest band word, so that bars line up

    def _layout(self, width: int) -> tuple[int, list[str]]:
        """The bar's width and the title's lines: titles wrap rather than being cut.

        Below 60 columns the title takes whole lines and the bar, score and band word follow on one of their own.
        """
        if width < 60:
            return TINY, textwrap.wrap(self.row.title, max(8, width - MARK)) or [""]
        bar = WIDE if width >= 90 else NARROW
        change = 0 if self.row.change is None else 6
        title_width = max(8, width - MARK - bar - 7 - (self.verdict_width + 2) - change)
        return bar, textwrap.wrap(self.row.title, title_width) or [""]

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._layout(width)[1]) + (1 if width < 60 else 0)

    def render(self) -> Text:
        if self.size.width < 60:
            return self._render_narrow()
        row = self.row
        bar, lines = self._layout(self.size.width)
        title_width = max(len(line) for line in lines)
        title_width = max(title_width, self.size.width - MARK - bar - 7 - (self.verdict_width + 2))
        title_width -= 0 if row.change is None else 6
        text = Text(no_wrap=True)
        text.append("▶ " if self.has_focus else "  ", style="bold")
        text.append(f"{lines[0]:<{title_width}} ")
        self._append_verdict(text, bar)
        for line in lines[1:]:
            text.append(f"\n  {line}")
        return text

    def _render_narrow(self) -> Text:
        bar, lines = self._layout(self.size.width)
        text = Text(no_wrap=True)
        for n, line in enumerate(lines):
            text.append("▶ " if self.has_focus and n == 0 else "  ", style="bold")
            text.append(line + "\n", style="bold" if self.has_focus else "")
        text.append("  ")
        self._append_verdict(text, bar)
        return text

    def _append_verdict(self, text: Text, bar: int) -> None:
        row = self.row
        if row.score is None:
            text.append("·" * bar, style="dim")
            text.append(f"    –  {row.band_label}", style="dim")
            return
        filled = round(row.score / 100 * bar)
        text.append("█" * filled, style=row.color)
        text.append("░" * (bar - filled), style="dim")
        text.append(f" {row.score:>3}  ")
        if row.change is not None:
            delta = row.change
            arrow = ARROWS[direction_of(delta)]
            text.append(f"{arrow}{abs(delta):>3}  " if delta else "  =   ", style="bold" if delta else "dim")
        text.append(row.band_label, style=f"bold {row.color}")
        if row.mixed:
            text.append(" ⚑", style="bold")

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def action_open(self) -> None:
        self.post_message(self.Opened(self.row.id))

    def action_move(self, step: int) -> None:
        """↑/↓ (and k/j) move between the misconceptions; past the last one the page scrolls on."""
        rows = list(self.screen.query(MythRow))
        index = rows.index(self) + step
        if 0 <= index < len(rows):
            # At once, not at the next turn as focus() does: an Enter typed right after must open this row.
            self.screen.set_focus(rows[index], scroll_visible=False)
            rows[index].scroll_visible(animate=False)
        elif isinstance(self.parent, Widget):
            self.parent.scroll_relative(y=step * 3, animate=False)

    def on_click(self, event: events.Click) -> None:
        self.focus()
        self.action_open()

"""One misconception on the results screen: its title, a bar, its score and its band."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.widget import Widget

from misquiz.core.model import Band
from misquiz.core.scoring import MythScore

NARROW, WIDE = 12, 20


class MythRow(Widget, can_focus=True):
    BINDINGS = [Binding("enter", "open", "Open", show=False)]

    @dataclass
    class Opened(Message):
        myth_id: str

    def __init__(
        self,
        score: MythScore,
        bands: tuple[Band, ...],
        lang: str,
        labels: dict[str, str],
        change: float | None = None,
    ) -> None:
        super().__init__(classes="myth-row")
        self.score = score
        self.change = change  # since this person's previous result
        self.bands = bands
        self.lang = lang
        self.labels = labels  # "mixed", "not_assessed"

    def render(self) -> Text:
        s = self.score
        bar = NARROW if self.size.width < 90 else WIDE
        verdicts = [b.label[self.lang] for b in self.bands] + [self.labels["not_assessed"]]
        verdict_width = max(map(len, verdicts)) + 2  # room for the mixed-signals flag
        change_width = 0 if self.change is None else 6
        title_width = max(12, self.size.width - bar - 7 - verdict_width - change_width)
        title = s.myth.title[self.lang]
        if len(title) > title_width:
            title = title[: title_width - 1] + "…"
        text = Text(no_wrap=True)
        text.append(f"{title:<{title_width}} ")
        if s.score is None or s.band is None:
            text.append("·" * bar, style="dim")
            text.append(f"    –  {self.labels['not_assessed']}", style="dim")
            return text
        filled = round(s.score / 100 * bar)
        color = s.band.color
        text.append("█" * filled, style=color)
        text.append("░" * (bar - filled), style="dim")
        text.append(f" {round(s.score):>3}  ")
        if self.change is not None:
            delta = round(self.change)
            arrow = "▲" if delta > 0 else "▼" if delta < 0 else "="
            text.append(f"{arrow}{abs(delta):>3}  " if delta else "  =   ", style="bold" if delta else "dim")
        text.append(s.band.label[self.lang], style=f"bold {color}")
        if s.mixed_signals:
            text.append(" ⚑", style="bold")
        return text

    def action_open(self) -> None:
        self.post_message(self.Opened(self.score.myth.id))

    def on_click(self, event: events.Click) -> None:
        self.action_open()

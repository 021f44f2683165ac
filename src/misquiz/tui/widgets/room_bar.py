"""One misconception in the room: a stacked bar of how many are clear, in doubt, or hold it.

With before and after, two bars side by side and the shift; until the trainer reveals, no bar at all.
"""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget

from misquiz.core.model import Band
from misquiz.core.room import MythRoom


def stacked(m: MythRoom, bands: tuple[Band, ...], width: int) -> Text:
    text = Text()
    if not m.assessed:
        return text.append("·" * width, style="dim")
    cells = [round(m.share(b.id) * width) for b in bands]
    cells[-1] = max(0, width - sum(cells[:-1]))  # rounding never makes the bar longer or shorter
    for band, n in zip(bands, cells, strict=True):
        text.append("█" * n, style=band.color)
    return text


class RoomBar(Widget):
    """Rank, title, the bar(s), the counts per band, and the shift from before to after."""

    def __init__(
        self,
        rank: int,
        title: str,
        m: MythRoom,
        bands: tuple[Band, ...],
        *,
        after: MythRoom | None = None,
        shift: float | None = None,
        revealed: bool = True,
        hidden_label: str = "",
    ) -> None:
        super().__init__(classes="room-bar")
        self.rank, self.title_text, self.m, self.bands = rank, title, m, bands
        self.after, self.shift, self.revealed, self.hidden_label = after, shift, revealed, hidden_label

    def render(self) -> Text:
        width = self.size.width
        bars = [self.m] if self.after is None else [self.m, self.after]
        bar = max(8, width // (3 if self.after is None else 5))
        counts = "  ".join(" ".join(f"{m.counts[b.id]:>2}" for b in self.bands) for m in bars)
        shift = ""
        if self.shift is not None:
            delta = round(self.shift)
            shift = f" {'▲' if delta > 0 else '▼' if delta < 0 else '='}{abs(delta):>3}"
        right = len(bars) * (bar + 1) + len(counts) + len(shift) + 3
        title_width = max(10, width - right - 5)
        title = self.title_text if len(self.title_text) <= title_width else self.title_text[: title_width - 1] + "…"
        text = Text(f"{self.rank:>2}. {title:<{title_width}} ", no_wrap=True)
        if not self.revealed:
            return text.append(self.hidden_label, style="dim italic")
        for m in bars:
            text.append_text(stacked(m, self.bands, bar))
            text.append(" ")
        text.append(f"  {counts}")
        text.append(shift, style="bold")
        return text

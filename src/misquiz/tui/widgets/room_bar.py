"""One misconception in the room: a stacked bar of how many are clear, in doubt, or hold it."""

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
    """Title, stacked bar, the counts per band, and the shift from before to after."""

    def __init__(self, rank: int, title: str, m: MythRoom, bands: tuple[Band, ...], shift: float | None) -> None:
        super().__init__(classes="room-bar")
        self.rank, self.title_text, self.m, self.bands, self.shift = rank, title, m, bands, shift

    def render(self) -> Text:
        width = self.size.width
        bar = max(10, width // 3)
        counts = " ".join(f"{self.m.counts[b.id]:>2}" for b in self.bands)
        shift = ""
        if self.shift is not None:
            delta = round(self.shift)
            shift = f" {'▲' if delta > 0 else '▼' if delta < 0 else '='}{abs(delta):>3}"
        title_width = max(10, width - bar - len(counts) - len(shift) - 8)
        title = self.title_text if len(self.title_text) <= title_width else self.title_text[: title_width - 1] + "…"
        text = Text(f"{self.rank:>2}. {title:<{title_width}} ", no_wrap=True)
        text.append_text(stacked(self.m, self.bands, bar))
        text.append(f"   {counts}")
        text.append(shift, style="bold")
        return text

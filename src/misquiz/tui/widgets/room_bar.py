"""One misconception in the room: a stacked bar of how many are clear, in doubt, or hold it.

With before and after, two bars side by side and the shift; until the trainer reveals, no bar at all.
"""

from __future__ import annotations

from rich.text import Text
from textual.geometry import Size
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
        shift: str = "",
        direction: str = "",
        revealed: bool = True,
        hidden_label: str = "",
        title_column: int = 0,
    ) -> None:
        super().__init__(classes="room-bar")
        self.rank, self.title_text, self.m, self.bands = rank, title, m, bands
        # the longest title of the room: every row takes one line, or every row two, so the bars align
        self.title_column = max(title_column, len(title))
        self.after, self.revealed, self.hidden_label = after, revealed, hidden_label
        self.shift, self.direction = shift, direction  # the shift in arrow, points and word; worse, better or same

    def _right(self, room: int) -> Text:
        """The bar(s), the counts per band and the shift (or the hidden label), in `room` cells at most."""
        if not self.revealed:
            return Text(self.hidden_label, style="dim italic")
        bars = [self.m] if self.after is None else [self.m, self.after]
        counts = "  " + "  ".join(" ".join(f"{m.counts[b.id]:>2}" for b in self.bands) for m in bars)
        shift = f" {self.shift}" if self.shift else ""
        bar = max(4, min(40, (room - len(counts) - len(shift)) // len(bars) - 1))
        text = Text(no_wrap=True)
        for m in bars:
            text.append_text(stacked(m, self.bands, bar))
            text.append(" ")
        text.append(counts)
        # a worsening (toward the myth) in red, a fall in green: the word, the arrow and the colour say which
        color = {"worse": "red", "better": "green"}.get(self.direction, "") if shift else ""
        return text.append(shift, style=f"bold {color}".strip())

    def _lines(self, width: int) -> list[Text]:
        """One line when every title of the room fits beside its bars; else the title (wrapped, never cut)
        above them."""
        width = max(width, 20)
        head = f"{self.rank:>2}. "
        beside = width - len(head) - self.title_column - 1
        if beside >= 40 or (not self.revealed and beside >= len(self.hidden_label)):
            right = self._right(min(beside, width // 2))
            return [Text(f"{head}{self.title_text:<{self.title_column}} ", no_wrap=True) + right]
        indent = " " * len(head)
        lines = Text(self.title_text, style="bold").wrap(self.app.console, width - len(head))
        wrapped = [Text(head if n == 0 else indent) + line for n, line in enumerate(lines)]
        return [*wrapped, Text(indent) + self._right(width - len(head))]

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        lines = self._lines(width)
        self.set_class(len(lines) > 1, "-stacked")  # a bold title starts each row: no blank line needed
        return len(lines)

    def render(self) -> Text:
        return Text("\n").join(self._lines(self.size.width))

"""A line of key hints in the quiz's own language (Textual's footer speaks only English).

When the line is too narrow, hints go from the right, but help (?) and quit (q) always stay.
"""

from __future__ import annotations

from rich.text import Text
from textual.events import Resize
from textual.widgets import Static

ESSENTIAL = ("?", "q")


def fit(hints: list[tuple[str, str]], width: int) -> list[tuple[str, str]]:
    """The hints that fit in width, in their order, dropping the least important first."""
    kept = list(hints)

    def length(items: list[tuple[str, str]]) -> int:
        return sum(len(key) + len(label) + 3 for key, label in items) + 2 * max(0, len(items) - 1)

    while length(kept) > width:
        optional = [i for i, (key, _) in enumerate(kept) if key not in ESSENTIAL]
        if not optional:
            break
        del kept[optional[-1]]
    return kept


class KeyBar(Static):
    hints: list[tuple[str, str]] = []

    def show(self, hints: list[tuple[str, str]]) -> None:
        self.hints = hints
        self._draw()

    def on_resize(self, event: Resize) -> None:
        self._draw()

    def _draw(self) -> None:
        width = self.content_region.width or self.app.size.width - 2
        text = Text(no_wrap=True, overflow="ellipsis")
        for i, (key, label) in enumerate(fit(self.hints, width)):
            if i:
                text.append("  ")
            text.append(f" {key} ", style="reverse")
            text.append(f" {label}")
        self.update(text)

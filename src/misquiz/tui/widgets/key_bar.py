"""A line of key hints in the quiz's own language (Textual's footer speaks only English)."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static


class KeyBar(Static):
    def show(self, hints: list[tuple[str, str]]) -> None:
        text = Text(no_wrap=True, overflow="ellipsis")
        for i, (key, label) in enumerate(hints):
            if i:
                text.append("  ")
            text.append(f" {key} ", style="reverse")
            text.append(f" {label}")
        self.update(text)

"""Text shown exactly as written: a bank or a person's name is content, never markup."""

from __future__ import annotations

from textual.content import Content
from textual.visual import VisualType
from textual.widgets import Static


class Literal(Static):
    """A Static that never reads markup: "[/]" or "[link=…]" in a bank shows as those very characters."""

    def __init__(self, content: VisualType = "", **kwargs: object) -> None:
        super().__init__(content, markup=False, **kwargs)  # type: ignore[arg-type]  # kwargs are Static's own


def literal(text: str) -> Content:
    """A label (a Button's, say) that shows its text as written."""
    return Content(text)

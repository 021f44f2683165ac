"""A SelectionList whose choices wrap over as many lines as they need, the box beside their first line.

Textual's SelectionList cuts every prompt to one line with "…" and puts a box on every line it draws; people were
asked to commit to sentences they could not read.
"""

from __future__ import annotations

from typing import TypeVar

from rich.segment import Segment
from rich.style import Style
from textual.containers import ScrollableContainer
from textual.geometry import Region, Size
from textual.strip import Strip
from textual.widgets import OptionList, SelectionList
from textual.widgets._toggle_button import ToggleButton

T = TypeVar("T")


class WrappingSelectionList(SelectionList[T]):
    DEFAULT_CSS = """
    WrappingSelectionList {
        text-wrap: wrap;
        text-overflow: fold;
    }
    """

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        # the prompts wrap beside the box, in the width it leaves them
        return super().get_content_height(container, viewport, width - self._get_left_gutter_width())

    def render_line(self, y: int) -> Strip:
        line = OptionList.render_line(self, y)
        try:
            index, line_offset = self._lines[self.scroll_offset.y + y]
            selection = self.get_option_at_index(index)
        except IndexError:
            return line
        underlying = next(iter(line)).style or self.rich_style
        meta = Style(meta={"option": index})
        if line_offset:  # a wrapped line: no box, the text under the text above
            return Strip([Segment(" " * self._get_left_gutter_width(), underlying + meta), *line])
        component = "selection-list--button"
        if selection.value in self._selected:
            component += "-selected"
        if self.highlighted == index:
            component += "-highlighted"
        button = self.get_component_rich_style(component)
        side = Style.from_color(button.bgcolor, underlying.bgcolor) + meta
        return Strip(
            [
                Segment(ToggleButton.BUTTON_LEFT, side),
                Segment(ToggleButton.BUTTON_INNER, button + meta),
                Segment(ToggleButton.BUTTON_RIGHT, side),
                Segment(" ", underlying),
                *line,
            ]
        )

    def scroll_to_highlight(self, top: bool = False) -> None:
        """As a tall list does not scroll itself in a scrolling dialog: that dialog follows the highlight."""
        super().scroll_to_highlight(top)
        highlighted, parent = self.highlighted, self.parent
        if highlighted is None or not self.is_mounted or not isinstance(parent, ScrollableContainer):
            return
        try:
            y, height = self._index_to_line[highlighted], self._heights[highlighted]
        except KeyError:
            return
        region = Region(0, self.gutter.top + y - self.scroll_offset.y, self.outer_size.width, height)
        parent.scroll_to_region(region.translate(self.virtual_region.offset), animate=False, immediate=True)

"""A row of buttons that wraps onto the next line when the next button would not fit, never cutting a label.

Textual's horizontal layout clips what does not fit: at 80 columns the results' actions lost their third label
mid-word and the fourth button entirely, in Dutch and French.
"""

from __future__ import annotations

from fractions import Fraction

from textual.geometry import NULL_OFFSET, Region, Size
from textual.layout import ArrangeResult, Layout, WidgetPlacement
from textual.widget import Widget


class FlowLayout(Layout):
    """Left to right, then on to a new line; a child wider than the row keeps the row's width."""

    name = "flow"

    def arrange(self, parent: Widget, children: list[Widget], size: Size, greedy: bool = True) -> ArrangeResult:
        parent.pre_layout(self)
        viewport = parent.app.viewport_size
        placements: list[WidgetPlacement] = []
        x = y = line_height = 0
        for child in children:
            box = child._get_box_model(size, viewport, Fraction(size.width), Fraction(size.height), True, greedy)
            width, height, margin = int(box.width), int(box.height), box.margin
            if x and x + margin.left + width > size.width:  # on to the next line
                x, y, line_height = 0, y + line_height, 0
            region = Region(x + margin.left, y + margin.top, min(width, max(1, size.width - x - margin.left)), height)
            placements.append(WidgetPlacement(region, NULL_OFFSET, margin, child))
            x += margin.left + width + margin.right
            line_height = max(line_height, margin.top + height + margin.bottom)
        return placements


class ButtonRow(Widget):
    """Buttons side by side while they fit, on as many lines as they need when they do not."""

    DEFAULT_CSS = """
    ButtonRow {
        width: 1fr;
        height: auto;
    }
    """

    FLOW = FlowLayout()

    @property
    def layout(self) -> Layout:
        return self.styles.layout or self.FLOW

"""One misconception opened from the results: why it is one, and what to do."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button

from misquiz.core.advice import PlanItem
from misquiz.core.catalogue import t
from misquiz.tui.widgets.literal import Literal, literal


class MythScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,enter,left,backspace", "dismiss", show=False),
        Binding("c", "commit", "key_commit", show=False),
    ]

    def __init__(self, item: PlanItem, lang: str) -> None:
        super().__init__()
        self.item = item  # the core's detail of this myth: the screen only lays it out
        self.lang = lang

    def compose(self) -> ComposeResult:
        item, lang = self.item, self.lang
        with Vertical(id="myth-dialog", classes="dialog"):
            with VerticalScroll():
                yield Literal(Text(item.title, style="bold"), classes="title")
                if item.score is not None:
                    yield Literal(
                        Text.assemble(
                            (item.band_label, f"bold {item.color}"),
                            f" · {t(lang, 'score_of', score=item.score)} · {item.summary or ''}",
                        )
                    )
                else:
                    yield Literal(Text(t(lang, "not_assessed_note"), style="italic"))
                if item.clash:
                    yield Literal(f"{t(lang, 'mixed_note_one')}\n{item.clash}", classes="note")
                yield Literal(Text(t(lang, "why"), style="bold"), classes="heading")
                yield Literal(item.why or "", classes="text")
                if item.advice:
                    yield Literal(item.advice, classes="text advice")
                    yield Literal(
                        Text(t(lang, "lead_in", label=t(lang, "actions")) + "\n", style="italic")
                        + Text("\n".join(f"  ☐ {action}" for action in item.actions)),
                        classes="text actions",
                    )
            yield Button(literal(t(lang, "close")), id="close", compact=True, variant="primary")

    def on_button_pressed(self) -> None:
        self.dismiss()

    async def action_commit(self) -> None:
        """From a myth's detail to choosing what to do: the same dialog as on the results."""
        self.dismiss()
        await self.app.run_action("commit")

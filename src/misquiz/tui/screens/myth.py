"""One misconception opened from the results: why it is one, and what to do."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button

from misquiz.core.catalogue import t
from misquiz.core.scoring import MythScore
from misquiz.tui.widgets.literal import Literal, literal


class MythScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,enter,left,backspace", "dismiss", show=False)]

    def __init__(self, score: MythScore, lang: str) -> None:
        super().__init__()
        self.score = score
        self.lang = lang

    def compose(self) -> ComposeResult:
        m, lang = self.score.myth, self.lang
        with Vertical(id="myth-dialog", classes="dialog"):
            with VerticalScroll():
                yield Literal(Text(m.title[lang], style="bold"), classes="title")
                if self.score.band is not None and self.score.score is not None:
                    band = self.score.band
                    yield Literal(
                        Text.assemble(
                            (band.label[lang], f"bold {band.color}"),
                            f" · {t(lang, 'score_of', score=round(self.score.score))} · {band.summary[lang]}",
                        )
                    )
                else:
                    yield Literal(Text(t(lang, "not_assessed_note"), style="italic"))
                if self.score.mixed_signals:
                    yield Literal(t(lang, "mixed_note"), classes="note")
                yield Literal(Text(t(lang, "why"), style="bold"), classes="heading")
                yield Literal(" ".join(m.explanation[lang].split()), classes="text")
                if self.score.band is not None:
                    yield Literal(m.advice[self.score.band.id][lang], classes="text advice")
                    yield Literal(
                        Text(f"{t(lang, 'actions')}:\n", style="italic")
                        + Text("\n".join(f"  ☐ {a[lang]}" for a in m.actions)),
                        classes="text actions",
                    )
            yield Button(literal(t(lang, "close")), id="close", compact=True, variant="primary")

    def on_button_pressed(self) -> None:
        self.dismiss()

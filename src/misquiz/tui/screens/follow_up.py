"""Last time's commitments, asked first on a retake (issue 24): done, started or not yet, each one skippable.

Shown over the first statement after the welcome's Start when the same person has open commitments.
It dismisses with the answers by 1-based place (only those given), or None when skipped.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, RadioButton, RadioSet

from misquiz.core.advice import STATUS_WORDS
from misquiz.core.catalogue import t
from misquiz.core.commitments import STATUSES, Commitment, of_myth
from misquiz.core.model import Bank
from misquiz.core.text import one_line
from misquiz.tui.widgets.literal import Literal, literal


class FollowUpScreen(ModalScreen[dict[int, str] | None]):
    BINDINGS = [Binding("escape", "skip", show=False)]

    def __init__(self, bank: Bank, lang: str, commitments: tuple[Commitment, ...]) -> None:
        super().__init__()
        self.bank, self.lang, self.commitments = bank, lang, commitments

    def compose(self) -> ComposeResult:
        lang = self.lang
        with Vertical(id="follow-up-dialog", classes="dialog"):
            yield Literal(t(lang, "follow_up_heading", count=len(self.commitments)), classes="title")
            # What scrolls is everything between the heading and the buttons, which stay in view at every size.
            with VerticalScroll(id="follow-up-scroll"):
                for n, c in enumerate(self.commitments, 1):
                    if c.status is not None:
                        continue
                    myth = c.myth_title(self.bank, lang)
                    text = one_line(c.text(self.bank, lang))
                    yield Literal(of_myth(lang, text, myth), classes="text")
                    with RadioSet(id=f"follow-up-{n}", compact=True):
                        for status in STATUSES:
                            yield RadioButton(literal(t(lang, STATUS_WORDS[status])), id=f"follow-up-{n}-{status}")
            with Horizontal(classes="buttons"):
                yield Button(literal(t(lang, "follow_up_save")), id="follow-up-save", compact=True, variant="primary")
                yield Button(literal(t(lang, "follow_up_skip")), id="follow-up-skip", compact=True)

    def answers(self) -> dict[int, str]:
        given: dict[int, str] = {}
        for radios in self.query(RadioSet):
            pressed = radios.pressed_button
            if pressed is not None and radios.id and pressed.id:
                given[int(radios.id.rsplit("-", 1)[1])] = pressed.id.split("-", 3)[3]
        return given

    @on(Button.Pressed, "#follow-up-save")
    def save(self) -> None:
        self.dismiss(self.answers())

    @on(Button.Pressed, "#follow-up-skip")
    def action_skip(self) -> None:
        self.dismiss(None)

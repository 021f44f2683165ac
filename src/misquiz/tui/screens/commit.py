"""Choosing what to do: up to three of the plan's actions, or one line of one's own (issue 24).

The core checks the choice (core.commitments.choose); a refused one says why here and the dialog stays open.
It dismisses with the chosen commitments, or None when cancelled.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, SelectionList
from textual.widgets.selection_list import Selection

from misquiz.core.catalogue import t
from misquiz.core.commitments import MAX_OWN, Commitment, CommitmentError, choose, of_myth, plan_actions
from misquiz.core.quiz import QuizSession
from misquiz.core.text import one_line
from misquiz.tui.widgets.choice_list import WrappingSelectionList
from misquiz.tui.widgets.literal import Literal, literal


class CommitScreen(ModalScreen[tuple[Commitment, ...] | None]):
    BINDINGS = [Binding("escape", "cancel", show=False)]

    def __init__(self, session: QuizSession, current: tuple[Commitment, ...] = ()) -> None:
        super().__init__()
        self.session = session
        self.current = current  # what was chosen before: a change of mind starts from it

    def compose(self) -> ComposeResult:
        s, lang = self.session, self.session.lang
        chosen = {c.key for c in self.current}
        own = next((c.own or "" for c in self.current if c.myth is None), "")
        options = []
        for action in plan_actions(s.bank, s.result()):
            myth = next(m for m in s.bank.myths if m.id == action.myth)
            label = of_myth(lang, one_line(myth.actions[action.action - 1][lang]), myth.title[lang])
            options.append(Selection(Text(label), action.key, action.key in chosen))  # Text: never markup
        with Vertical(id="commit-dialog", classes="dialog"):
            yield Literal(Text(t(lang, "commit_heading"), style="bold"), classes="title")
            # Everything between the heading and the buttons scrolls; the buttons stay in view at every size.
            with VerticalScroll(id="commit-scroll"):
                if options:
                    yield WrappingSelectionList[str](*options, id="commit-actions")
                else:
                    yield Literal(t(lang, "commit_none_in_plan"), classes="text")
                yield Literal(t(lang, "commit_own_label", max=MAX_OWN), classes="text")
                yield Input(own, id="commit-own", max_length=MAX_OWN)
            with Vertical(id="commit-foot"):
                yield Literal("", id="commit-error", classes="text note")
                with Horizontal(classes="buttons"):
                    yield Button(literal(t(lang, "commit_save")), id="commit-save", compact=True, variant="primary")
                    yield Button(literal(t(lang, "commit_cancel")), id="commit-cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#commit-actions" if self.query("#commit-actions") else "#commit-own").focus()

    def chosen(self) -> tuple[list[str], str]:
        lists = self.query(SelectionList)
        keys = list(lists.first().selected) if lists else []
        return keys, self.query_one("#commit-own", Input).value

    @on(Button.Pressed, "#commit-save")
    @on(Input.Submitted, "#commit-own")
    def save(self) -> None:
        keys, own = self.chosen()
        try:
            commitments = choose(self.session.bank, self.session.result(), keys, own)
        except CommitmentError as exc:
            error = self.query_one("#commit-error", Literal)
            error.update(exc.message(self.session.lang))
            error.display = True  # under the list, beside the buttons: always in view
            return
        self.dismiss(commitments)

    @on(Button.Pressed, "#commit-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

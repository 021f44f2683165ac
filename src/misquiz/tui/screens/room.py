"""The room, for a projector: how to join, who joined and finished, and per myth where the group stands.

One round at a time; with before and after, both side by side with the shift, in one order. The bars
stay hidden until the trainer reveals them (r): answer first, reveal later.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from misquiz.core.catalogue import t
from misquiz.core.commitments import room_commitment_lines
from misquiz.core.model import Bank
from misquiz.core.room import MIN_GROUP, Room
from misquiz.core.session import Shift, shift_of
from misquiz.tui.widgets.key_bar import KeyBar
from misquiz.tui.widgets.literal import Literal
from misquiz.tui.widgets.room_bar import RoomBar

ROW_SHIFT = {
    "worse": "room_row_worse",
    "worse_score": "room_row_worse",  # ▲ and a rise agree; the people are in discuss mode's line
    "worse_people": "room_row_worse_people",  # ▲ beside a fall would read as a contradiction: no points
    "better": "room_row_better",
    "same": "room_row_same",
}


def row_shift(lang: str, shift: Shift) -> str:
    """A row's shift: arrow, points and the word, as in discuss mode (a worsening is never only a colour)."""
    return t(lang, ROW_SHIFT[shift.wording], arrow=shift.arrow, points=shift.signed)


def commitment_widgets(bank: Bank, room: Room, round: str, lang: str) -> list[Static]:
    """The room's commitments of the round on screen, after a reveal: per action how many committed (and did it)."""
    tally = room.commitments.get(round)
    if tally is None or not tally.shown:
        return []  # below the minimum group: nothing
    lines = room_commitment_lines(bank, tally, lang)
    if not lines:
        return []  # no one chose anything: no block
    widgets: list[Static] = [Literal(Text(t(lang, "room_commitments_title"), style="bold"), classes="text")]
    for line in lines:
        text = Text("· ").append(line.text)
        if line.myth:
            text.append(f" ({line.myth})", style="dim")
        text.append("  ").append(line.counts, style="bold")
        widgets.append(Literal(text, classes="text"))
    return widgets


class RoomScreen(Screen[None]):
    BINDINGS = [
        Binding("d", "discuss", "room_discuss", show=False),
        Binding("r", "reveal", "room_reveal", show=False),
        Binding("pagedown", "discuss", show=False),  # a presenter's clicker starts the walk
    ]

    def __init__(self, bank: Bank, lang: str, join: str | None = None) -> None:
        super().__init__()
        self.bank, self.lang, self.join = bank, lang, join
        self.room: Room | None = None

    def compose(self) -> ComposeResult:
        yield Literal(id="room-head")
        yield VerticalScroll(id="room-body")
        yield KeyBar(id="keys")

    def show(self, room: Room) -> None:
        self.room = room
        lang = self.lang
        revealed: set[str] | bool = getattr(self.app, "revealed", True)
        rnd = room.shown_round
        head = Text.assemble((t(lang, "room_title", code=room.workshop), "bold"))
        if rnd is not None:
            head.append(f" · {t(lang, f'round_{rnd.round}')}")
            counts = t(lang, "room_counts", joined=rnd.joined, in_progress=rnd.in_progress, finished=rnd.finished)
            head.append(f"   {counts}", style="bold")
        if self.join:
            head.append("\n" + t(lang, "room_join", url=self.join, code=room.workshop))
        state = getattr(self.app, "state", None)
        if state is not None and state.closed:
            head.append("\n" + t(lang, "projector_closed"), style="bold red")
        self.query_one("#room-head", Static).update(head)
        widgets: list[Static | RoomBar] = []
        if rnd is None:
            widgets.append(Literal(t(lang, "room_empty"), classes="text note"))
        elif not rnd.shown:
            widgets.append(
                Literal(t(lang, "room_hidden", n=getattr(self.app, "min_group", MIN_GROUP)), classes="text note")
            )
        elif revealed is not True and not revealed:
            # until a reveal: the titles in bank order, unnumbered, nothing of how the room answered
            widgets.append(Literal(t(lang, "projector_bank_order"), classes="hint"))
            widgets += [Literal(f"· {myth.title[lang]}", classes="text") for myth in self.bank.myths]
        else:
            legend = Text(t(lang, "room_order") + "   ")
            for band in self.bank.bands:
                legend.append("█ ", style=band.color).append(f"{band.label[lang]}  ")
            both = room.has_both_rounds
            if both:
                legend.append(f"\n{t(lang, 'round_before')} | {t(lang, 'round_after')}  {t(lang, 'room_shift')}")
            widgets.append(Literal(legend, classes="hint"))
            longest = max(len(myth.title[lang]) for myth in self.bank.myths)
            held = self.bank.bands[-1].id
            for n, myth_id in enumerate(room.order(), 1):
                myth = self.bank.myths_by_id[myth_id]
                show = revealed is True or (isinstance(revealed, set) and myth_id in revealed)
                first = room.rounds["before"].myth(myth_id) if both else rnd.myth(myth_id)
                widgets.append(
                    RoomBar(
                        n,
                        myth.title[lang],
                        first,
                        self.bank.bands,
                        after=room.rounds["after"].myth(myth_id) if both else None,
                        shift=row_shift(lang, shift) if (shift := shift_of(room, myth_id, held)) else "",
                        direction=shift.direction if shift else "",
                        revealed=show,
                        hidden_label=t(lang, "room_not_revealed"),
                        title_column=longest,
                    )
                )
            waiting = [m for m in rnd.myths if not m.assessed]
            if waiting:
                widgets.append(Literal(t(lang, "room_waiting", n=len(waiting)), classes="hint"))
            widgets += commitment_widgets(self.bank, room, rnd.round, lang)
        body = self.query_one("#room-body", VerticalScroll)
        with self.app.batch_update():
            body.remove_children()
            body.mount_all(widgets)
        keys = [
            ("r", t(lang, "room_reveal")),
            ("d", t(lang, "room_discuss")),
            ("h", t(lang, "room_hide_key")),
            ("c", t(lang, "room_close_key")),
            ("l", t(lang, "cmd_language")),
            ("q", t(lang, "quit_yes")),
        ]
        self.query_one(KeyBar).show(keys)

    def action_discuss(self) -> None:
        self.app.action_discuss()  # type: ignore[attr-defined]  # RoomApp's own action

    def action_reveal(self) -> None:
        self.app.action_reveal_all()  # type: ignore[attr-defined]  # RoomApp's own action

"""The room, for a projector: who joined, who finished, and per myth where the group stands."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from misquiz.core.catalogue import t
from misquiz.core.model import Bank
from misquiz.core.room import Room
from misquiz.tui.widgets.key_bar import KeyBar
from misquiz.tui.widgets.literal import Literal
from misquiz.tui.widgets.room_bar import RoomBar


class RoomScreen(Screen[None]):
    BINDINGS = [Binding("d", "discuss", show=False)]

    def __init__(self, bank: Bank, lang: str) -> None:
        super().__init__()
        self.bank, self.lang = bank, lang

    def compose(self) -> ComposeResult:
        yield Literal(id="room-head")
        yield VerticalScroll(id="room-body")
        yield KeyBar(id="keys")

    def show(self, room: Room) -> None:
        lang, rnd = self.lang, room.all
        where = t(lang, "room_round", round=rnd.round) if rnd.round else ""
        head = Text.assemble(
            (t(lang, "room_title", code=room.workshop), "bold"),
            where,
            "   ",
            (t(lang, "room_counts", joined=rnd.joined, finished=rnd.finished), "bold"),
        )
        self.query_one("#room-head", Static).update(head)
        body = self.query_one("#room-body", VerticalScroll)
        widgets: list[Static | RoomBar] = []
        if not rnd.shown:
            widgets.append(Literal(t(lang, "room_hidden"), classes="text note"))
        else:
            legend = Text(t(lang, "room_order") + "   ")
            for band in self.bank.bands:
                legend.append("█ ", style=band.color).append(f"{band.label[lang]}  ")
            if room.has_both_rounds:
                legend.append("  " + t(lang, "room_shift"), style="italic")
            widgets.append(Literal(legend, classes="hint"))
            for n, myth_id in enumerate(rnd.discussion_order, 1):
                myth = self.bank.myths_by_id[myth_id]
                widgets.append(RoomBar(n, myth.title[lang], rnd.myth(myth_id), self.bank.bands, room.shift(myth_id)))
            waiting = [m for m in rnd.myths if not m.assessed]
            if waiting:
                widgets.append(Literal(t(lang, "room_waiting", n=len(waiting)), classes="hint"))
        with self.app.batch_update():
            body.remove_children()
            body.mount_all(widgets)
        keys = [("d", t(lang, "room_discuss")), ("l", t(lang, "cmd_language")), ("q", t(lang, "quit_yes"))]
        self.query_one(KeyBar).show(keys)

    def action_discuss(self) -> None:
        self.app.action_discuss()  # type: ignore[attr-defined]

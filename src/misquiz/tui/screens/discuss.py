"""Discuss mode: one misconception at a time, full screen, for presenting to the room."""

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
from misquiz.tui.widgets.room_bar import stacked


class DiscussScreen(Screen[None]):
    BINDINGS = [
        Binding("right,space,n", "move(1)", show=False),
        Binding("left,backspace,p", "move(-1)", show=False),
        Binding("escape,d", "app.pop_screen", show=False),
    ]

    def __init__(self, bank: Bank, lang: str, room: Room) -> None:
        super().__init__()
        self.bank, self.lang, self.room, self.index = bank, lang, room, 0

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="discuss"):
            yield Literal(id="discuss-title", classes="title")
            yield Literal(id="discuss-bar")
            yield Literal(id="discuss-text", classes="text")
        yield KeyBar(id="keys")

    def on_mount(self) -> None:
        self.show(self.room)

    def show(self, room: Room) -> None:
        self.room = room
        order = room.all.discussion_order
        if not order or not room.all.shown:
            self.query_one("#discuss-title", Static).update(t(self.lang, "room_hidden"))
            return
        self.index %= len(order)
        myth = self.bank.myths_by_id[order[self.index]]
        m, lang = room.all.myth(myth.id), self.lang
        self.query_one("#discuss-title", Static).update(
            Text(f"{self.index + 1} / {len(order)}   {myth.title[lang]}", style="bold")
        )
        bar = stacked(m, self.bank.bands, max(20, self.size.width - 8))
        legend = Text("\n")
        for band in self.bank.bands:
            legend.append("█ ", style=band.color).append(f"{band.label[lang]}: {m.counts[band.id]}    ")
        shift = room.shift(myth.id)
        if shift is not None:
            legend.append(t(lang, "room_shift_one", shift=f"{shift:+.0f}"), style="bold")
        self.query_one("#discuss-bar", Static).update(bar + legend)
        self.query_one("#discuss-text", Static).update(
            Text.assemble((t(lang, "why") + "\n", "bold"), " ".join(myth.explanation[lang].split()))
        )
        self.query_one(KeyBar).show([("→", t(lang, "next")), ("←", t(lang, "back")), ("Esc", t(lang, "close"))])

    def action_move(self, step: int) -> None:
        self.index += step
        self.show(self.room)

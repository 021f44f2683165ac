"""Discuss mode: one misconception at a time, full screen, for presenting to the room.

Entering it freezes the order: a late finisher updates the counts, never which myth is on screen.
"""

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
from misquiz.core.text import one_line
from misquiz.tui.widgets.key_bar import KeyBar
from misquiz.tui.widgets.literal import Literal
from misquiz.tui.widgets.room_bar import stacked


class DiscussScreen(Screen[None]):
    BINDINGS = [
        Binding("right,space,n", "move(1)", "key_next", show=False),
        Binding("left,backspace,p", "move(-1)", "key_back", show=False),
        Binding("r", "reveal", "room_reveal", show=False),
        Binding("escape,d", "app.pop_screen", "close", show=False),
    ]

    def __init__(self, bank: Bank, lang: str, room: Room) -> None:
        super().__init__()
        self.bank, self.lang, self.room, self.index = bank, lang, room, 0
        self.order = room.order()  # frozen for as long as discuss mode lasts

    @property
    def myth_id(self) -> str | None:
        return self.order[self.index] if self.order else None

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
        rnd, lang = room.shown_round, self.lang
        if not self.order or rnd is None or not rnd.shown:
            self.query_one("#discuss-title", Static).update(t(lang, "room_hidden"))
            return
        myth = self.bank.myths_by_id[self.order[self.index]]
        self.query_one("#discuss-title", Static).update(
            Text(f"{self.index + 1} / {len(self.order)}   {myth.title[lang]}", style="bold")
        )
        revealed = getattr(self.app, "revealed", True)
        if revealed is True or (isinstance(revealed, set) and myth.id in revealed):
            rounds = [room.rounds["before"], room.rounds["after"]] if room.has_both_rounds else [rnd]
            bar = Text()
            for r in rounds:
                m = r.myth(myth.id)
                if len(rounds) > 1:
                    bar.append(f"{t(lang, f'round_{r.round}')}\n", style="bold")
                bar.append_text(stacked(m, self.bank.bands, max(20, self.size.width - 8)))
                bar.append("\n")
                for band in self.bank.bands:
                    bar.append("█ ", style=band.color).append(f"{band.label[lang]}: {m.counts[band.id]}    ")
                bar.append("\n")
            shift = room.shift(myth.id)
            if shift is not None:
                bar.append(t(lang, "room_shift_one", shift=f"{shift:+.0f}"), style="bold")
        else:
            bar = Text(t(lang, "room_not_revealed"), style="dim italic")
        self.query_one("#discuss-bar", Static).update(bar)
        self.query_one("#discuss-text", Static).update(
            Text.assemble((t(lang, "why") + "\n", "bold"), one_line(myth.explanation[lang]))
        )
        keys = [("→", t(lang, "next")), ("←", t(lang, "back")), ("r", t(lang, "room_reveal"))]
        self.query_one(KeyBar).show([*keys, ("Esc", t(lang, "close"))])

    def action_move(self, step: int) -> None:
        if self.order:
            self.index = (self.index + step) % len(self.order)
            self.show(self.room)

    def action_reveal(self) -> None:
        if self.myth_id is not None:
            self.app.action_reveal(self.myth_id)  # type: ignore[attr-defined]  # RoomApp's own action

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
from misquiz.core.report import shift_line
from misquiz.core.room import MIN_GROUP, Room
from misquiz.core.session import SessionState, shift_of
from misquiz.core.text import one_line
from misquiz.tui.widgets.key_bar import KeyBar
from misquiz.tui.widgets.literal import Literal
from misquiz.tui.widgets.room_bar import stacked

SHIFT_STYLE = {"worse": "red", "better": "green", "same": ""}


class DiscussScreen(Screen[None]):
    BINDINGS = [
        Binding("right,space,n,pagedown", "move(1)", "key_next", show=False),
        Binding("left,backspace,p,pageup", "move(-1)", "key_back", show=False),
        Binding("r", "reveal", "room_reveal", show=False),
        Binding("escape,d", "leave", "close", show=False),
    ]

    def __init__(self, bank: Bank, lang: str, room: Room) -> None:
        super().__init__()
        self.bank, self.lang, self.room = bank, lang, room

    @property
    def order(self) -> tuple[str, ...]:
        """Frozen in the round's live session for as long as discuss mode lasts."""
        return getattr(self.app, "state", SessionState()).discuss or ()

    @property
    def index(self) -> int:
        return int(getattr(self.app, "state", SessionState()).position)

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
            self.query_one("#discuss-title", Static).update(
                t(lang, "room_hidden", n=getattr(self.app, "min_group", MIN_GROUP))
            )
            return
        if self.index >= len(self.order):
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
                    count = t(lang, "pair", label=band.label[lang], value=m.counts[band.id])
                    bar.append("█ ", style=band.color).append(f"{count}    ")
                bar.append("\n")
            change = shift_of(room, myth.id, self.bank.bands[-1].id)
            if change is not None:
                bar.append(shift_line(lang, change), style=f"bold {SHIFT_STYLE[change.direction]}")
            why = Text.assemble((t(lang, "why") + "\n", "bold"), one_line(myth.explanation[lang]))
        else:
            bar = Text(t(lang, "room_not_revealed"), style="dim italic")
            # the explanation comes with the bars, never before them
            why = Text(t(lang, "projector_statements", n=len(myth.statements)))
        self.query_one("#discuss-bar", Static).update(bar)
        self.query_one("#discuss-text", Static).update(why)
        keys = [("→", t(lang, "next")), ("←", t(lang, "back")), ("r", t(lang, "room_reveal"))]
        self.query_one(KeyBar).show([*keys, (t(lang, "key_name_escape"), t(lang, "close"))])

    def action_move(self, step: int) -> None:
        if self.order:
            self.app.change_session("next" if step > 0 else "back")  # type: ignore[attr-defined]  # RoomApp's

    def action_leave(self) -> None:
        self.app.leave_discuss()  # type: ignore[attr-defined]  # RoomApp's own
        self.app.pop_screen()

    def action_reveal(self) -> None:
        if self.myth_id is not None:
            self.app.action_reveal(self.myth_id)  # type: ignore[attr-defined]  # RoomApp's own action

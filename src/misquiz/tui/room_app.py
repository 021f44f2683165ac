"""The trainer's room view as an app: refreshes itself while people answer."""

from __future__ import annotations

from textual.app import App
from textual.binding import Binding

from misquiz.core.catalogue import said, t
from misquiz.core.model import Bank, resolve_language
from misquiz.core.room import MIN_GROUP, Room
from misquiz.core.session import SessionRefused, SessionState, change, discuss_order
from misquiz.storage.protocol import Store, StoreError, read_room
from misquiz.tui.screens.discuss import DiscussScreen
from misquiz.tui.screens.room import RoomScreen
from misquiz.tui.typography import keep_no_break_spaces

REFRESH_SECONDS = 0.5  # a change from a projector or another server shows within 1 s


class RoomApp(App[None]):
    CSS_PATH = ["misquiz.tcss", "screens.tcss"]
    TITLE = "misquiz room"
    BINDINGS = [
        Binding("q", "quit", "key_quit", show=False),
        # Instead of Textual's English "Press Ctrl+Q to quit" toast on Ctrl+C: the same as q.
        Binding("ctrl+c,ctrl+q", "quit", show=False, priority=True),
        Binding("l", "toggle_language", "key_language", show=False),
        Binding("c", "close_round", "room_close_key", show=False),
        Binding("h", "hide", "room_hide_key", show=False),
    ]

    def __init__(
        self,
        store: Store,
        bank: Bank,
        workshop: str,
        *,
        lang: str,
        round: str | None,
        min_group: int = MIN_GROUP,
        join: str | None = None,
        reveal: bool = False,
    ) -> None:
        super().__init__()
        keep_no_break_spaces()  # French: "salle :" and "« … »" never split at their no-break spaces
        self.store, self.bank, self.workshop = store, bank, workshop
        self.lang, self.round, self.min_group = resolve_language(bank, lang), round, min_group
        self.join = join
        self.room: Room | None = None
        # Answer first, reveal later: the round's live session in the store says what is revealed, for this
        # view, every projector and a restart alike; --reveal reveals everything as the view opens.
        self.state = SessionState()
        self.reveal_at_start = reveal

    @property
    def revealed(self) -> set[str] | bool:
        return True if self.state.revealed_all else set(self.state.revealed)

    def get_default_screen(self) -> RoomScreen:
        return RoomScreen(self.bank, self.lang, self.join)

    def on_mount(self) -> None:
        self.call_after_refresh(self.refresh_room)  # once the room screen is composed
        self.set_interval(REFRESH_SECONDS, self.refresh_room)

    def refresh_room(self) -> None:
        try:
            self.room = read_room(self.store, self.bank, self.workshop, self.round, self.min_group)
            self.state = self.store.session_state(self.workshop, self.room.current or self.round)
            if self.reveal_at_start:
                self.reveal_at_start = False
                self.change_session("reveal_all")
                return
        except StoreError as exc:
            self.notify(said(exc, self.lang), severity="error", markup=False)
            return
        self._redraw()

    def _redraw(self) -> None:
        if self.room is None:
            return
        for screen in self.screen_stack:
            if isinstance(screen, RoomScreen | DiscussScreen):
                screen.show(self.room)

    def change_session(self, action: str, myth: str | None = None) -> None:
        """The trainer's change, through the store: every projector follows within a second."""
        room = self.room
        if room is None:
            return
        try:
            self.state = self.store.change_session(
                self.workshop,
                room.current or self.round,
                lambda s: change(s, action, self.bank, discuss_order(room), myth),
            )
        except SessionRefused as refused:
            self.notify(t(self.lang, refused.key, **refused.values), markup=False)
        except StoreError as exc:
            self.notify(said(exc, self.lang), severity="error", markup=False)
        self.refresh_room()

    def action_discuss(self) -> None:
        if self.room is not None and not isinstance(self.screen, DiscussScreen):
            self.change_session("discuss")
            if self.state.discuss:
                self.push_screen(DiscussScreen(self.bank, self.lang, self.room))

    def leave_discuss(self) -> None:
        self.change_session("leave")

    def action_reveal_all(self) -> None:
        self.change_session("reveal_all")

    def action_reveal(self, myth_id: str) -> None:
        self.change_session("reveal", myth_id)

    def action_hide(self) -> None:
        self.change_session("hide")

    def action_close_round(self) -> None:
        self.change_session("open" if self.state.closed else "close")

    def action_toggle_language(self) -> None:
        langs = self.bank.languages
        self.lang = langs[(langs.index(self.lang) + 1) % len(langs)]
        for screen in self.screen_stack:
            if isinstance(screen, RoomScreen | DiscussScreen):
                screen.lang = self.lang
        self.refresh_room()

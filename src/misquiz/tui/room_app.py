"""The trainer's room view as an app: refreshes itself while people answer."""

from __future__ import annotations

from textual.app import App
from textual.binding import Binding

from misquiz.core.model import Bank, resolve_language
from misquiz.core.room import MIN_GROUP, Room
from misquiz.storage.protocol import Store, StoreError, read_room
from misquiz.tui.screens.discuss import DiscussScreen
from misquiz.tui.screens.room import RoomScreen

REFRESH_SECONDS = 1.5


class RoomApp(App[None]):
    CSS_PATH = "misquiz.tcss"
    TITLE = "misquiz room"
    BINDINGS = [
        Binding("q", "quit", "key_quit", show=False),
        # Instead of Textual's English "Press Ctrl+Q to quit" toast on Ctrl+C: the same as q.
        Binding("ctrl+c,ctrl+q", "quit", show=False, priority=True),
        Binding("l", "toggle_language", "key_language", show=False),
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
        self.store, self.bank, self.workshop = store, bank, workshop
        self.lang, self.round, self.min_group = resolve_language(bank, lang), round, min_group
        self.join = join
        self.room: Room | None = None
        # Answer first, reveal later: no bar is shown until the trainer says so (all, or one myth at a time).
        self.revealed: set[str] | bool = True if reveal else set()

    def get_default_screen(self) -> RoomScreen:
        return RoomScreen(self.bank, self.lang, self.join)

    def on_mount(self) -> None:
        self.call_after_refresh(self.refresh_room)  # once the room screen is composed
        self.set_interval(REFRESH_SECONDS, self.refresh_room)

    def refresh_room(self) -> None:
        try:
            self.room = read_room(self.store, self.bank, self.workshop, self.round, self.min_group)
        except StoreError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        self._redraw()

    def _redraw(self) -> None:
        if self.room is None:
            return
        for screen in self.screen_stack:
            if isinstance(screen, RoomScreen | DiscussScreen):
                screen.show(self.room)

    def action_discuss(self) -> None:
        if self.room is not None and not isinstance(self.screen, DiscussScreen):
            self.push_screen(DiscussScreen(self.bank, self.lang, self.room))

    def action_reveal_all(self) -> None:
        self.revealed = True
        self._redraw()

    def action_reveal(self, myth_id: str) -> None:
        if isinstance(self.revealed, set):
            self.revealed.add(myth_id)
        self._redraw()

    def action_toggle_language(self) -> None:
        langs = self.bank.languages
        self.lang = langs[(langs.index(self.lang) + 1) % len(langs)]
        for screen in self.screen_stack:
            if isinstance(screen, RoomScreen | DiscussScreen):
                screen.lang = self.lang
        self.refresh_room()

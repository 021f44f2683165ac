"""The trainer's projector page: a secret address, what the trainer has revealed, and one shared watch on the room.

The address carries a token derived from the store's server secret and the workshop code, so every
server on one database prints the same address and it survives a restart; it is never in a cookie,
so a participant has nothing that opens it. Its forms carry their own form token, bound to it.

What is revealed and whether discuss mode is on is kept here, per round, so every projector tab
shows the same. One task reads the room every half second while someone watches, and wakes the
event streams only when something changed.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import hmac
import json
import logging
from dataclasses import dataclass, field

from markupsafe import escape

from misquiz.core.model import Bank
from misquiz.core.room import Room
from misquiz.storage.protocol import Store, StoreError, read_room

log = logging.getLogger("misquiz.web")
POLL_SECONDS = 0.5
NUDGE_GAP = 0.05


def projector_token(secret: bytes, workshop: str) -> str:
    """43 characters, 256 bits: the secret address of this workshop's projector page."""
    digest = hmac.new(secret, b"projector:" + workshop.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def qr_svg(url: str, label: str) -> str:
    """The URL as a QR code in inline SVG: one path of whole modules, crisp at any size, with a quiet zone."""
    import qrcode  # type: ignore[import-untyped]

    code = qrcode.QRCode(border=4)
    code.add_data(url)
    code.make(fit=True)
    matrix = code.get_matrix()
    size = len(matrix)
    runs = []
    for y, row in enumerate(matrix):
        x = 0
        while x < size:
            end = x
            while end < size and row[end]:
                end += 1
            if end > x:
                runs.append(f"M{x} {y}h{end - x}v1h-{end - x}z")  # a run of dark modules in one row
            x = end + 1
    path = "".join(runs)

    return (
        f'<svg class="qr" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" '
        f'role="img" aria-label="{escape(label)}" shape-rendering="crispEdges">'
        f'<rect width="{size}" height="{size}" fill="#fff"/><path d="{path}" fill="#000"/></svg>'
    )


@dataclass
class Stage:
    """What the trainer has chosen to show of one round."""

    revealed: set[str] = field(default_factory=set)
    all_revealed: bool = False
    discuss: tuple[str, ...] | None = None  # the order frozen on entering discuss mode
    index: int = 0

    def shows(self, myth_id: str) -> bool:
        return self.all_revealed or myth_id in self.revealed

    @property
    def myth(self) -> str | None:
        return self.discuss[self.index] if self.discuss else None


class Projector:
    def __init__(self, bank: Bank, store: Store, workshop: str, round: str | None, min_group: int) -> None:
        self.bank, self.store, self.workshop, self.round, self.min_group = bank, store, workshop, round, min_group
        self.token = projector_token(store.server_secret(), workshop)
        self._csrf = hmac.new(store.server_secret(), b"projector-csrf:" + self.token.encode(), hashlib.sha256)
        self.stages: dict[str, Stage] = {}
        self.version = 0
        self.watchers = 0
        self.closing = False
        self._changed = asyncio.Event()
        self._nudged = asyncio.Event()  # someone on this server finished or joined: read the room now
        self._seen = ""
        self._task: asyncio.Task[None] | None = None

    # -- the address and its forms -------------------------------------------------------

    def token_ok(self, given: str) -> bool:
        return hmac.compare_digest(self.token.encode(), given.encode())

    @property
    def csrf(self) -> str:
        return self._csrf.hexdigest()[:40]

    def csrf_ok(self, given: object) -> bool:
        return isinstance(given, str) and hmac.compare_digest(
            self.csrf.encode(), given.encode("utf-8", "surrogatepass")
        )

    # -- the room and what is shown of it ------------------------------------------------

    def room(self) -> Room:
        return read_room(self.store, self.bank, self.workshop, self.round, self.min_group)

    def stage(self, room: Room) -> Stage:
        return self.stages.setdefault(room.current or "", Stage())

    def act(self, room: Room, do: str, myth: str | None) -> bool:
        """The trainer's command; False if it names nothing that can be done."""
        stage = self.stage(room)
        if do == "reveal_all":
            stage.all_revealed = True
        elif do == "reveal":
            if myth is None:
                myth = stage.myth
            if myth not in self.bank.myths_by_id:
                return False
            stage.revealed.add(myth)
        elif do == "discuss":
            order = room.order() if room.shown_round is not None and room.shown_round.shown else ()
            if stage.discuss is None and order:
                stage.discuss, stage.index = order, 0
        elif do == "leave":
            stage.discuss = None
        elif do in ("next", "back"):
            if stage.discuss:
                stage.index = (stage.index + (1 if do == "next" else -1)) % len(stage.discuss)
        else:
            return False
        self.changed()
        return True

    # -- the shared watch ----------------------------------------------------------------

    def changed(self) -> None:
        self.version += 1
        woken, self._changed = self._changed, asyncio.Event()
        woken.set()

    def close(self) -> None:
        self.closing = True
        self.changed()

    async def wait(self, seen: int, timeout: float) -> int:
        """The version once it is newer than `seen`, or `seen` after the timeout (time for a keep-alive)."""
        if self.version == seen and not self.closing:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), timeout)
        return self.version

    @contextlib.contextmanager
    def watching(self):  # type: ignore[no-untyped-def]
        self.watchers += 1
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._watch())
        try:
            yield
        finally:
            self.watchers -= 1

    async def _watch(self) -> None:
        """One reader of the room for every stream; ends when nobody watches."""
        while self.watchers > 0 and not self.closing:
            try:
                seen = json.dumps(self.room().as_dict(), sort_keys=True)
            except StoreError as exc:
                log.error("store: %s", exc)
            else:
                if seen != self._seen:
                    self._seen = seen
                    self.changed()
            # Participants of this server nudge; those of other servers (one PostgreSQL) are polled.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._nudged.wait(), POLL_SECONDS)
            self._nudged.clear()
            await asyncio.sleep(NUDGE_GAP)  # a burst of finishes is one read

    def nudge(self) -> None:
        """The room changed on this server (a first answer, a finish): the page hears of it at once."""
        if self.watchers:
            self._nudged.set()

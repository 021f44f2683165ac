"""The trainer's projector page: a secret address, what the trainer has revealed, and one shared watch on the room.

The address carries a token derived from the store's server secret, the workshop code and the round, so
every server of a round on one database prints the same address, it survives a restart, and the next
round's page has another; it is never in a cookie,
so a participant has nothing that opens it. Its forms carry their own form token, bound to it.

What is revealed, whether the round is closed and where discuss mode stands is the round's live
session in the store (core.session), so every tab on every server, `misquiz room` and a restart show
the same. One task reads the room and the session every half second while someone watches (a cheap
poll of two small reads, the same on SQLite and PostgreSQL), and wakes the event streams only when
something changed; a change made on this server wakes them at once.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import hmac
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from markupsafe import escape

from misquiz.core.model import Bank
from misquiz.core.room import Room
from misquiz.core.session import SessionState, change, discuss_order
from misquiz.storage.protocol import Store, StoreError, read_room
from misquiz.web.worker import StoreWorker

log = logging.getLogger("misquiz.web")
POLL_SECONDS = 0.5
NUDGE_GAP = 0.05


def projector_token(secret: bytes, workshop: str, round: str | None) -> str:
    """43 characters, 256 bits: the secret address of this workshop round's projector page. Each round has
    its own (the before round's address does not open the after round's); participants' tokens are sealed
    under another label of the same secret, so they are untouched by it."""
    label = b"projector:" + workshop.encode() + b"\x00" + (round or "").encode()
    digest = hmac.new(secret, label, hashlib.sha256).digest()
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


class Projector:
    def __init__(
        self,
        bank: Bank,
        store: Store,
        workshop: str,
        round: str | None,
        min_group: int,
        worker: StoreWorker | None = None,
    ) -> None:
        self.bank, self.store, self.workshop, self.round, self.min_group = bank, store, workshop, round, min_group
        self.worker = worker or StoreWorker()  # the store is read on its thread, never on the event loop
        self.token = projector_token(store.server_secret(), workshop, round)
        self._csrf = hmac.new(store.server_secret(), b"projector-csrf:" + self.token.encode(), hashlib.sha256)
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

    def _read(self) -> tuple[Room, SessionState]:
        room = read_room(self.store, self.bank, self.workshop, self.round, self.min_group)
        return room, self.store.session_state(self.workshop, room.current or self.round)

    async def read(self) -> tuple[Room, SessionState]:
        """The room and the live session of the round the page shows, read on the store's thread."""
        return await self.worker.call(self._read)

    def _act(self, do: str, myth: str | None) -> SessionState:
        room = read_room(self.store, self.bank, self.workshop, self.round, self.min_group)
        order = discuss_order(room)
        return self.store.change_session(
            self.workshop, room.current or self.round, lambda s: change(s, do, self.bank, order, myth)
        )

    async def act(self, do: str, myth: str | None) -> SessionState:
        """The trainer's command, through the store; SessionRefused if it names nothing that can be done."""
        state = await self.worker.call(self._act, do, myth)
        self.changed()
        return state

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
                room, state = await self.read()
                seen = json.dumps(room.as_dict(), sort_keys=True) + state.to_json()
            except StoreError as exc:
                log.error("store: %s", exc)
            else:
                if seen != self._seen:
                    self._seen = seen
                    self.changed()
            # Participants of this server nudge; those of other servers, and another server's trainer, are polled.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._nudged.wait(), POLL_SECONDS)
            self._nudged.clear()
            await asyncio.sleep(NUDGE_GAP)  # a burst of finishes is one read

    def nudge(self) -> None:
        """The room changed on this server (a first answer, a finish): the page hears of it at once."""
        if self.watchers:
            self._nudged.set()


KEEP_ALIVE_SECONDS = 15.0


async def stream_changes(request: Any, projector: Projector, event: str, render: Callable[[], Awaitable[str]]) -> Any:
    """Server-Sent Events for a page that follows the room: what `render` gives now, then again whenever the
    projector's reader sees a change that alters it (a change the page does not show sends nothing)."""
    from aiohttp import web

    response = web.StreamResponse(
        headers={"Content-Type": "text/event-stream", "Cache-Control": "no-store", "X-Accel-Buffering": "no"}
    )
    await response.prepare(request)
    seen, sent = -1, ""
    with projector.watching():
        try:
            await response.write(b"retry: 2000\n\n")
            while not projector.closing:
                version = await projector.wait(seen, KEEP_ALIVE_SECONDS)
                if projector.closing:
                    break
                if version == seen:
                    await response.write(b": still here\n\n")
                    continue
                seen = version
                try:
                    text = await render()
                except StoreError as exc:  # the database did not answer: the page keeps what it shows
                    log.error("store: %s", exc)
                    continue
                if text != sent:
                    sent = text
                    data = "".join(f"data: {line}\n" for line in text.splitlines() or [""])
                    await response.write(f"event: {event}\n{data}\n".encode())
        except ConnectionResetError:
            pass
    return response

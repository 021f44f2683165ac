"""You and the room, on a finished participant's results page: what the trainer revealed, beside their own.

The core decides what may be shown (core.session.room_beside: only revealed myths, only at or above the
minimum group, counts of people, never a person); this renders it as a block of the results page and,
where JavaScript runs, pushes it again through an event stream whenever the room or the session changes
(the projector's watch: one reader of the store per server, however many pages listen).
"""

from __future__ import annotations

import weakref
from typing import Any

import aiohttp_jinja2
from aiohttp import web

from misquiz.core import catalogue
from misquiz.core.model import Bank
from misquiz.core.report import shift_line
from misquiz.core.room import Room
from misquiz.core.scoring import score_attempt, shown
from misquiz.core.session import SessionState, YouAndRoom, own_shifts, room_beside
from misquiz.storage.protocol import read_room
from misquiz.web.pages import workshop_of
from misquiz.web.projector import Projector, stream_changes
from misquiz.web.workshop import Participant, Workshop

EVENTS = "/results/room/events"
OWN_SHIFT = {
    "worse": "beside_you_shift_worse",
    "better": "beside_you_shift_better",
    "same": "beside_you_shift_same",
}

# The room and the session as of one version of the projector's watch: read once, whoever asks.
_read: weakref.WeakKeyDictionary[Projector, tuple[int, Room, SessionState]] = weakref.WeakKeyDictionary()


def _room_and_state(workshop: Workshop) -> tuple[Room, SessionState]:
    room = read_room(workshop.store, workshop.bank, workshop.config.workshop, workshop.config.round,
                     workshop.config.min_group)  # fmt: skip
    return room, workshop.store.session_state(workshop.config.workshop, workshop.config.round)


async def room_now(workshop: Workshop) -> tuple[Room, SessionState]:
    projector = workshop.projector
    known = _read.get(projector)
    if known is not None and known[0] == projector.version and projector.watchers:
        return known[1], known[2]
    version = projector.version
    room, state = await workshop.run(_room_and_state, workshop)
    _read[projector] = (version, room, state)
    return room, state


async def beside_context(workshop: Workshop, token: str, participant: Participant) -> dict[str, Any]:
    """The block's context: the core's view of the room, and the participant's own band and shift beside it."""
    bank: Bank = workshop.bank
    session = participant.session
    lang = session.lang
    room, state = await room_now(workshop)
    view: YouAndRoom = room_beside(room, bank, workshop.config.round, state)
    mine = {m.myth.id: m for m in score_attempt(bank, session.answers).myths}
    shifts = {}
    if view.shown and any(m.shift is not None for m in view.myths):
        before = await workshop.before_round(token)
        if before is not None:
            shifts = own_shifts(bank, before.answers, session.answers)

    def t(key: str, **values: object) -> str:
        return catalogue.t(lang, key, **values)

    rows = []
    for m in view.myths:
        own = mine.get(m.myth_id)
        you = (
            t("beside_you", band=own.band.label[lang], score=shown(own.score))
            if own is not None and own.score is not None and own.band is not None
            else t("beside_you_none")
        )
        doubt = m.assessed - m.held - m.clear
        own_shift = shifts.get(m.myth_id)
        rows.append(
            {
                "id": m.myth_id,
                "title": bank.myths_by_id[m.myth_id].title[lang],
                "you": you,
                "band": own.band.color if own is not None and own.band is not None else None,
                "room": t("beside_room", held=m.held, total=m.assessed, doubt=doubt, clear=m.clear),
                "your_shift": None
                if own_shift is None
                else t(OWN_SHIFT[own_shift.direction], arrow=own_shift.arrow, points=own_shift.signed),
                "your_direction": None if own_shift is None else own_shift.direction,
                "room_shift": None if m.shift is None else t("beside_room_shift", shift=shift_line(lang, m.shift)),
                "room_direction": None if m.shift is None else m.shift.direction,
            }
        )
    return {
        "beside": view,
        "beside_rows": rows,
        "beside_min_group": workshop.config.min_group,
        "beside_events": EVENTS,
    }


async def render_block(request: web.Request, token: str, participant: Participant) -> str:
    workshop = workshop_of(request)
    lang = participant.session.lang

    def t(key: str, **values: object) -> str:
        return catalogue.t(lang, key, **values)

    context = {"t": t, "lang": lang, **(await beside_context(workshop, token, participant))}
    return aiohttp_jinja2.render_string("room_beside.html", request, context)


async def events(request: web.Request) -> web.StreamResponse:
    """Server-Sent Events: the block now, then again whenever what it shows changes (a reveal, a finish)."""
    from misquiz.web.views.results import finished_participant

    token, participant = await finished_participant(request)
    projector = workshop_of(request).projector
    return await stream_changes(request, projector, "beside", lambda: render_block(request, token, participant))

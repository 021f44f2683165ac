"""The projector page: how to join, the counts, the bars in discussion order once revealed, discuss mode.

Works without JavaScript (forms, and a refresh inside <noscript>); with it, one event stream pushes
the live part of the page whenever the room or the trainer's choices change.
"""

from __future__ import annotations

import contextlib
import json
from typing import Any
from urllib.parse import quote

import aiohttp_jinja2
from aiohttp import web

from misquiz.core import catalogue
from misquiz.core.commitments import ON_SCREEN, room_commitment_lines, room_commitments_more
from misquiz.core.model import resolve_language
from misquiz.core.report import shift_line
from misquiz.core.room import Room
from misquiz.core.session import MythLine, SessionRefused, SessionState, live_view
from misquiz.core.text import one_line
from misquiz.web.pages import render, same_origin, workshop_of
from misquiz.web.projector import Projector, qr_svg, stream_changes

ACTIONS = frozenset({"reveal_all", "reveal", "hide", "discuss", "leave", "next", "back", "close", "open"})


def projector_of(request: web.Request) -> Projector:
    """The projector for a request with the right token from this server's own pages; a 404 for anything else."""
    projector = workshop_of(request).projector
    if not projector.token_ok(request.match_info["token"]):
        raise web.HTTPNotFound
    if request.headers.get("Sec-Fetch-Site", "same-origin") not in ("same-origin", "none"):
        raise web.HTTPForbidden  # another site's page may not load it, even with the address
    if "Origin" in request.headers and not same_origin(request):
        raise web.HTTPForbidden
    return projector


def language(request: web.Request) -> str:
    workshop = workshop_of(request)
    wanted = request.query.get("lang")
    return resolve_language(workshop.bank, wanted, workshop.config.lang)


async def join_address(request: web.Request) -> str:
    workshop = workshop_of(request)
    if workshop.config.public_url:
        return workshop.config.public_url.rstrip("/") + "/"
    with contextlib.suppress(Exception):
        stored = await workshop.run(workshop.store.join_address, workshop.config.workshop)
        if stored:
            return stored
    return f"{request.scheme}://{request.host}/"


def widths(counts: list[int]) -> list[int]:
    """Whole percentages that add up to 100 (largest remainders), for bars drawn with width classes."""
    total = sum(counts)
    if not total:
        return [0] * len(counts)
    exact = [100 * c / total for c in counts]
    whole = [int(e) for e in exact]
    for i in sorted(range(len(exact)), key=lambda i: whole[i] - exact[i])[: 100 - sum(whole)]:
        whole[i] += 1
    return whole


def bar(request: web.Request, counts: tuple[int, ...], lang: str) -> list[dict[str, Any]]:
    bands = workshop_of(request).bank.bands
    return [
        {"id": b.id, "label": b.label[lang], "color": b.color, "people": n, "width": w}
        for b, n, w in zip(bands, counts, widths(list(counts)), strict=True)
    ]


def line_context(request: web.Request, line: MythLine, lang: str) -> dict[str, Any]:
    """One myth as the core lets it be shown: a title and a statement count until revealed, then its bars."""
    myth = workshop_of(request).bank.myths_by_id[line.id]
    shift = line.shift
    return {
        "id": line.id,
        "title": myth.title[lang],
        "shown": line.shown,
        "statements": line.statements,
        "rounds": [
            {"name": catalogue.t(lang, f"round_{r.round}"), "bar": bar(request, r.counts, lang)} for r in line.rounds
        ],
        "shift": None if shift is None else shift_line(lang, shift),
        "direction": None if shift is None else shift.direction,
    }


def live_context(
    request: web.Request, projector: Projector, room: Room, state: SessionState, lang: str
) -> dict[str, Any]:
    bank = workshop_of(request).bank
    view = live_view(room, bank, state)
    discuss = None
    if view.discuss is not None:
        discuss = {
            **line_context(request, view.discuss, lang),
            "n": view.position,
            "total": view.total,
            # the explanation comes with the myth's bars, never before them
            "explanation": one_line(bank.myths_by_id[view.discuss.id].explanation[lang])
            if view.discuss.shown
            else None,
        }
    tally = room.commitments.get(view.round.round) if view.round is not None else None
    lines = room_commitment_lines(bank, tally, lang) if tally is not None and tally.shown else None
    return {
        "round": view.round,
        "both": view.both,
        "visible": view.visible,
        "ranked": view.ranked,
        "closed": view.closed,
        "anything_shown": view.state.anything_shown,
        "rows": [line_context(request, line, lang) for line in view.lines] if not discuss else [],
        "discuss": discuss,
        "all_revealed": view.all_revealed,
        "waiting": view.waiting,
        "bands": [(b.label[lang], b.color) for b in bank.bands],
        "min_group": projector.min_group,
        "action": f"/projector/{projector.token}",
        "pcsrf": projector.csrf,
        # the room's commitments, as the core counts them (nothing below the minimum group), after a reveal
        "commitments": lines[:ON_SCREEN] if lines is not None else None,
        "commitments_more": room_commitments_more(lang, lines) if lines else None,
    }


def say(lang: str):  # type: ignore[no-untyped-def]
    def t(key: str, **values: object) -> str:
        return catalogue.t(lang, key, **values)

    return t


async def live_update(request: web.Request, projector: Projector, lang: str) -> str:
    """The live part of the page and the title, as one event's JSON."""
    room, state = await projector.read()
    context = {
        "t": say(lang),
        "lang": lang,
        "workshop": projector.workshop,
        **live_context(request, projector, room, state, lang),
    }
    html = aiohttp_jinja2.render_string("projector_live.html", request, context)
    return json.dumps({"html": html, "title": catalogue.t(lang, "projector_title", code=projector.workshop)})


async def show(request: web.Request) -> web.StreamResponse:
    projector = projector_of(request)
    lang = language(request)
    join = await join_address(request)
    room, state = await projector.read()
    base = f"/projector/{projector.token}"
    context = {
        **live_context(request, projector, room, state, lang),
        "join": join,
        "qr": qr_svg(join, catalogue.t(lang, "projector_qr", url=join)),
        "events": f"{base}/events?lang={quote(lang)}",
        "projector_languages": [
            (code, catalogue.t(code, "language_name"), f"{base}?lang={quote(code)}")
            for code in workshop_of(request).bank.languages
        ],
    }
    response = render(request, "projector.html", lang, context)
    response.headers["X-Robots-Tag"] = "noindex"
    return response


async def act(request: web.Request) -> web.StreamResponse:
    projector = projector_of(request)
    form = await request.post()
    if not projector.csrf_ok(form.get("csrf")):
        raise web.HTTPForbidden
    do, myth = form.get("do"), form.get("myth")
    if do not in ACTIONS or not isinstance(do, str):
        raise web.HTTPBadRequest
    lang = resolve_language(projector.bank, form.get("lang") if isinstance(form.get("lang"), str) else None)  # type: ignore[arg-type]
    try:
        await projector.act(do, myth if isinstance(myth, str) and myth else None)
    except SessionRefused as refused:
        raise web.HTTPBadRequest(text=catalogue.t(lang, refused.key, **refused.values)) from None
    finally:
        workshop_of(request).round_changed()  # closed or opened here: newcomers' pages ask the store again
    if request.headers.get("X-Misquiz-Fetch") == "1":  # our script: the new state at once, no page load
        return web.Response(text=await live_update(request, projector, lang), content_type="application/json")
    raise web.HTTPSeeOther(f"/projector/{projector.token}?lang={quote(lang)}")


async def events(request: web.Request) -> web.StreamResponse:
    """Server-Sent Events: the live part of the page now, then whenever the room or the trainer's choices change."""
    projector = projector_of(request)
    lang = language(request)
    # a change this page does not show (another round's, say) sends nothing
    return await stream_changes(request, projector, "room", lambda: live_update(request, projector, lang))

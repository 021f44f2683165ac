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
from misquiz.core.model import resolve_language
from misquiz.core.room import MythRoom, Room
from misquiz.core.text import one_line
from misquiz.web.pages import render, same_origin, workshop_of
from misquiz.web.projector import Projector, qr_svg

KEEP_ALIVE_SECONDS = 15.0
ACTIONS = frozenset({"reveal_all", "reveal", "discuss", "leave", "next", "back"})


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


def join_address(request: web.Request) -> str:
    workshop = workshop_of(request)
    if workshop.config.public_url:
        return workshop.config.public_url.rstrip("/") + "/"
    with contextlib.suppress(Exception):
        stored = workshop.store.join_address(workshop.config.workshop)
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


def bar(request: web.Request, myth: MythRoom, lang: str) -> list[dict[str, Any]]:
    bands = workshop_of(request).bank.bands
    counts = [myth.counts.get(b.id, 0) for b in bands]
    return [
        {"id": b.id, "label": b.label[lang], "color": b.color, "people": n, "width": w}
        for b, n, w in zip(bands, counts, widths(counts), strict=True)
    ]


def live_context(request: web.Request, projector: Projector, room: Room, lang: str) -> dict[str, Any]:
    bank = workshop_of(request).bank
    stage = projector.stage(room)
    shown = room.shown_round
    both = room.has_both_rounds

    def row(myth_id: str) -> dict[str, Any]:
        rounds = [room.rounds["before"], room.rounds["after"]] if both else [shown] if shown else []
        shift = room.shift(myth_id)
        return {
            "id": myth_id,
            "title": bank.myths_by_id[myth_id].title[lang],
            "shown": stage.shows(myth_id),
            "rounds": [
                {"name": catalogue.t(lang, f"round_{r.round}"), "bar": bar(request, r.myth(myth_id), lang)}
                for r in rounds
            ],
            "shift": None if shift is None else f"{shift:+.0f}",
        }

    visible = shown is not None and shown.shown
    discuss = None
    if visible and stage.discuss:
        myth = bank.myths_by_id[stage.discuss[stage.index]]
        discuss = {
            **row(myth.id),
            "n": stage.index + 1,
            "total": len(stage.discuss),
            "explanation": one_line(myth.explanation[lang]),
        }
    return {
        "round": shown,
        "both": both,
        "visible": visible,
        "rows": [row(m) for m in room.order()] if visible and not discuss else [],
        "discuss": discuss,
        "all_revealed": stage.all_revealed or (visible and all(stage.shows(m) for m in room.order())),
        "waiting": sum(1 for m in shown.myths if not m.assessed) if shown else 0,
        "bands": [(b.label[lang], b.color) for b in bank.bands],
        "min_group": projector.min_group,
        "action": f"/projector/{projector.token}",
        "pcsrf": projector.csrf,
    }


def say(lang: str):  # type: ignore[no-untyped-def]
    def t(key: str, **values: object) -> str:
        return catalogue.t(lang, key, **values)

    return t


def live_update(request: web.Request, projector: Projector, lang: str) -> str:
    """The live part of the page and the title, as one event's JSON."""
    room = projector.room()
    context = {
        "t": say(lang),
        "lang": lang,
        "workshop": projector.workshop,
        **live_context(request, projector, room, lang),
    }
    html = aiohttp_jinja2.render_string("projector_live.html", request, context)
    return json.dumps({"html": html, "title": catalogue.t(lang, "projector_title", code=projector.workshop)})


async def show(request: web.Request) -> web.StreamResponse:
    projector = projector_of(request)
    lang = language(request)
    join = join_address(request)
    room = projector.room()
    base = f"/projector/{projector.token}"
    context = {
        **live_context(request, projector, room, lang),
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
    if not projector.act(projector.room(), do, myth if isinstance(myth, str) else None):
        raise web.HTTPBadRequest
    lang = resolve_language(projector.bank, form.get("lang") if isinstance(form.get("lang"), str) else None)  # type: ignore[arg-type]
    if request.headers.get("X-Misquiz-Fetch") == "1":  # our script: the new state at once, no page load
        return web.Response(text=live_update(request, projector, lang), content_type="application/json")
    raise web.HTTPSeeOther(f"/projector/{projector.token}?lang={quote(lang)}")


async def events(request: web.Request) -> web.StreamResponse:
    """Server-Sent Events: the live part of the page now, then whenever the room or the trainer's choices change."""
    projector = projector_of(request)
    lang = language(request)
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
                update = live_update(request, projector, lang)
                if update != sent:  # a change this page does not show (another round's, say) sends nothing
                    sent = update
                    await response.write(f"event: room\ndata: {update}\n\n".encode())
        except ConnectionResetError:
            pass
    return response

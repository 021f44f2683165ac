"""The welcome page (language, optional name, what to expect) and Start, which takes a seat."""

from __future__ import annotations

import asyncio

from aiohttp import web

from misquiz.core.model import resolve_language
from misquiz.core.text import one_line
from misquiz.web.pages import error_page, give_token, language_of, participant_of, render, see_other, workshop_of
from misquiz.web.views.closed import closed_page
from misquiz.web.workshop import CLOSED_SECONDS, NotSaved, Participant, RoomIsFull, RoundClosed


def where(participant: Participant) -> str:
    """The page a returning participant goes on at."""
    session = participant.session
    return "/results" if session.finished else f"/quiz/{session.resume_position() + 1}"


async def show(request: web.Request) -> web.StreamResponse:
    token, participant = await participant_of(request)
    if participant is not None:
        raise see_other(where(participant))
    workshop = workshop_of(request)
    lang = language_of(request)
    before = await workshop.before_round(token)  # back for the after round: their name and language, kept
    if before is not None and "lang" not in request.query:
        lang = resolve_language(workshop.bank, before.language)
    fresh = token is None
    token = token or workshop.new_token()  # none, or one this server never issued: a fresh participant
    if await workshop.round_closed(within=CLOSED_SECONDS):  # a newcomer's page needs no database (Start asks)
        response = closed_page(request, lang, token, kept=False)
    elif workshop.joined >= workshop.config.max_participants:
        workshop.refused += 1  # turned away at the door: the console's "refused" counts them too
        response = render(request, "full.html", lang, status=503)
    else:
        bank = workshop.bank
        context = {
            "intro": one_line(bank.intro[lang]),
            "minutes": bank.minutes,
            "count": len(bank.statements),
            "round": workshop.config.round,
            "returning": before is not None,
            "name": before.name if before is not None else None,
        }
        response = render(request, "welcome.html", lang, context, token=token, vary=("name",))
    if fresh or request.cookies.get(workshop.cookie) != token:
        give_token(response, request, token)
    return response


async def start(request: web.Request) -> web.StreamResponse:
    workshop = workshop_of(request)
    token, participant = await participant_of(request)
    form = await request.post()
    if not workshop.csrf_ok(token, form.get("csrf")):
        return error_page(request, 403, "web_stale")
    assert token is not None
    if participant is not None:
        raise see_other(where(participant))
    client = workshop.config.client(request.remote, request.headers.getall("X-Forwarded-For", []))
    turn = workshop.joins.wait(client, workshop.config.join_wait)
    if turn is None:
        return error_page(request, 429, "web_slow_down")
    if turn:  # a room behind one address: each Start waits its turn, none is turned away
        await asyncio.sleep(turn)
    wanted = form.get("lang")
    lang = resolve_language(workshop.bank, wanted if isinstance(wanted, str) else None)
    name = form.get("name")
    try:
        participant = await workshop.join(token, lang, name if isinstance(name, str) else "")
    except RoomIsFull:
        return render(request, "full.html", lang, status=503)
    except RoundClosed:
        return closed_page(request, lang, token, kept=False)
    except NotSaved:
        return error_page(request, 503, "web_not_saved")
    from misquiz.web.views.follow_up import open_of  # last round's commitments are asked first

    raise see_other("/follow-up" if await open_of(workshop, participant) else where(participant))

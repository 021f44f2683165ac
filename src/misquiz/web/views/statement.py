"""One statement per page: a form whose buttons are the scale, a back link, and where you are."""

from __future__ import annotations

from aiohttp import web

from misquiz.core.model import Bank
from misquiz.core.quiz import NO_OPINION
from misquiz.core.text import ascii_number
from misquiz.web.pages import error_page, participant_of, redirect, render, see_other, workshop_of
from misquiz.web.views.closed import closed_page
from misquiz.web.views.welcome import where
from misquiz.web.workshop import PAGE_CLOSED_SECONDS, AlreadyFinished, NotSaved, RoomIsFull, RoundClosed

# What changes from one statement page to the next; the rest (language, the answer chosen, whether
# there is a way back or forward) decides the page's shape, rendered once (pages.Stencil).
VARY = ("n", "statement_id", "text", "answered", "back", "forward")


def options_of(bank: Bank, lang: str) -> tuple[tuple[int, str], ...]:
    return (*((o.value, o.label[lang]) for o in bank.scale), (NO_OPINION, bank.no_opinion[lang]))


def position_of(request: web.Request, total: int) -> int | None:
    """The 0-based position the URL names, or None when it names none."""
    n = ascii_number(request.match_info["n"], max_digits=4)
    return n - 1 if n is not None and 1 <= n <= total else None


async def show(request: web.Request) -> web.StreamResponse:
    token, participant = await participant_of(request)
    if participant is None:
        raise see_other("/")
    session = participant.session
    if session.finished:
        raise see_other("/results")
    if await workshop_of(request).round_closed(within=PAGE_CLOSED_SECONDS):  # the answer asks anew
        return closed_page(request, session.lang, token, participant=participant)
    position = position_of(request, session.total)
    if position is None or position > session.resume_position():
        raise see_other(where(participant))  # not reached yet: go on where you are
    session.position = position
    lang = session.lang
    context = {
        "n": position + 1,
        "total": session.total,
        "statement_id": session.order[position],
        "text": session.current.text[lang],
        "options": options_of(workshop_of(request).bank, lang),
        "chosen": session.current_answer,
        "answered": session.answered,
        "back": f"/quiz/{position}" if position > 0 else None,
        "forward": f"/quiz/{position + 2}"
        if session.current_answer is not None and position + 1 < session.total
        else None,
    }
    return render(request, "statement.html", lang, context, token=token, vary=VARY)


async def answer(request: web.Request) -> web.StreamResponse:
    workshop = workshop_of(request)
    token, participant = await participant_of(request)
    form = await request.post()
    if not workshop.csrf_ok(token, form.get("csrf")):
        return error_page(request, 403, "web_stale")
    if participant is None:
        raise see_other("/")
    assert token is not None
    session = participant.session
    if session.finished:
        raise see_other("/results")  # a finished attempt never changes: a repeated last submit lands here
    value, statement_id = form.get("answer"), form.get("statement")
    if not isinstance(value, str) or value not in {"0", "1", "2", "3", "4", "5"}:
        return error_page(request, 400, "web_bad_answer")
    position = position_of(request, session.total)
    if position is None or statement_id not in workshop.statement_ids or session.order[position] != statement_id:
        return error_page(request, 400, "web_bad_statement")
    if position > session.resume_position():
        raise see_other(where(participant))
    if not workshop.answers.allow(token):
        return error_page(request, 429, "web_slow_down")
    try:
        await workshop.answer(participant, position, int(value))
    except NotSaved:
        return error_page(request, 503, "web_not_saved")
    except AlreadyFinished:  # another tab gave the last answer meanwhile: this one is not stored
        return redirect("/results")
    except RoomIsFull:  # the first answer takes the seat, and the last one went to someone else
        return render(request, "full.html", session.lang, status=503)
    except RoundClosed:
        return closed_page(request, session.lang, token, participant=participant)
    if session.finished:
        return redirect("/results")
    return redirect(f"/quiz/{min(position + 2, session.total)}")

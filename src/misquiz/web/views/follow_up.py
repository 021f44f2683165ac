"""Last round's commitments, asked before the first statement of a workshop's after round (issue 24, point 4):
done, started or not yet, each skippable; a page of radio buttons that needs no JavaScript."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from misquiz.core.advice import STATUS_WORDS
from misquiz.core.catalogue import t
from misquiz.core.commitments import STATUSES, Commitment, CommitmentError, of_myth
from misquiz.core.text import one_line
from misquiz.storage.recording import open_commitments, save_follow_up
from misquiz.web.pages import error_page, participant_of, redirect, render, see_other, workshop_of
from misquiz.web.views.welcome import where
from misquiz.web.workshop import Participant, Workshop


async def open_of(workshop: Workshop, participant: Participant) -> tuple[int, tuple[Commitment, ...]] | None:
    """The earlier attempt's open commitments, only before this attempt's first answer."""
    if participant.session.answers or participant.session.finished:
        return None
    return await workshop.run(open_commitments, workshop.store, participant.session)


async def show(request: web.Request) -> web.StreamResponse:
    workshop = workshop_of(request)
    token, participant = await participant_of(request)
    if participant is None:
        raise see_other("/")
    found = await open_of(workshop, participant)
    if found is None:
        raise see_other(where(participant))
    _, commitments = found
    session, lang = participant.session, participant.session.lang
    items: list[dict[str, Any]] = []
    for n, c in enumerate(commitments, 1):
        if c.status is not None:
            continue
        myth = c.myth_title(session.bank, lang)
        text = one_line(c.text(session.bank, lang))
        items.append(
            {
                "n": n,
                "text": of_myth(lang, text, myth),
                "choices": [(status, t(lang, STATUS_WORDS[status])) for status in STATUSES],
            }
        )
    return render(request, "follow_up.html", lang, {"items": items}, token=token)


async def answer(request: web.Request) -> web.StreamResponse:
    workshop = workshop_of(request)
    token, participant = await participant_of(request)
    form = await request.post()
    if not workshop.csrf_ok(token, form.get("csrf")):
        return error_page(request, 403, "web_stale")
    if participant is None:
        raise see_other("/")
    found = await open_of(workshop, participant)
    if found is None or "skip" in form:
        return redirect(where(participant))
    before, commitments = found
    answers: dict[int, str] = {}
    for n in range(1, len(commitments) + 1):
        status = form.get(f"status-{n}")
        if status:
            answers[n] = str(status)
    try:
        await workshop.run(save_follow_up, workshop.store, before, answers)
    except CommitmentError:
        return error_page(request, 400, "web_bad_request")
    return redirect(where(participant))

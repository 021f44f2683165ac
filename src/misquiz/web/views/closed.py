"""The page of a closed round: nothing more is stored; a participant's answers so far are kept.

A participant who answered enough (core.session.results_so_far: every myth assessed) sees their results
so far on it.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from misquiz.core.scoring import score_attempt, shown
from misquiz.core.session import results_so_far
from misquiz.web.pages import render, workshop_of
from misquiz.web.workshop import Participant


def closed_page(
    request: web.Request, lang: str, token: str | None, kept: bool = True, participant: Participant | None = None
) -> web.StreamResponse:
    """The round is closed: a participant is told their answers so far are kept; a newcomer is told plainly."""
    return render(
        request, "closed.html", lang, {"kept": kept, "so_far": so_far(request, participant)}, token=token, status=409
    )


def so_far(request: web.Request, participant: Participant | None) -> list[dict[str, Any]] | None:
    """Per myth, in the bank's order, the participant's band and score so far; None unless they answered enough."""
    if participant is None:
        return None
    bank = workshop_of(request).bank
    session = participant.session
    if not results_so_far(bank, session.answers):
        return None
    lang = session.lang
    return [
        {"title": m.myth.title[lang], "band": m.band.label[lang], "color": m.band.color, "score": shown(m.score)}
        for m in score_attempt(bank, session.answers).myths
        if m.score is not None and m.band is not None
    ]

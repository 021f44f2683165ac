"""The page of a closed round: nothing more is stored; a participant's answers so far are kept."""

from __future__ import annotations

from aiohttp import web

from misquiz.web.pages import render


def closed_page(request: web.Request, lang: str, token: str | None, kept: bool = True) -> web.StreamResponse:
    """The round is closed: a participant is told their answers so far are kept; a newcomer is told plainly."""
    return render(request, "closed.html", lang, {"kept": kept}, token=token, status=409)

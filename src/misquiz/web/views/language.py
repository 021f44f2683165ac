"""The language switch: a form per language, so it works without JavaScript and changes state by POST."""

from __future__ import annotations

import re

from aiohttp import web

from misquiz.web.pages import error_page, participant_of, see_other, workshop_of

BACK_TO = re.compile(r"/(quiz/\d{1,4}|results)?")


async def switch(request: web.Request) -> web.StreamResponse:
    workshop = workshop_of(request)
    token, participant = await participant_of(request)
    form = await request.post()
    if not workshop.csrf_ok(token, form.get("csrf")):
        return error_page(request, 403, "web_stale")
    lang = form.get("lang")
    if lang not in workshop.bank.languages:
        return error_page(request, 400, "web_bad_request")
    assert isinstance(lang, str)
    back = form.get("back")
    back = back if isinstance(back, str) and BACK_TO.fullmatch(back) else "/"
    if participant is None:
        raise see_other(f"/?lang={lang}")  # not started yet: the welcome page carries the choice
    await workshop.set_language(participant, lang)
    raise see_other(back)

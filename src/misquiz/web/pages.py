"""What every page shares: the participant of a request, its language, and rendering with the common context."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import aiohttp_jinja2
from aiohttp import web

from misquiz.core import catalogue
from misquiz.core.model import resolve_language
from misquiz.web.workshop import Participant, Workshop, valid_token

WORKSHOP = web.AppKey("workshop", Workshop)
COOKIE = "misquiz"
COOKIE_AGE = 60 * 60 * 24 * 90  # long enough for a before round and an after round months apart


def workshop_of(request: web.Request) -> Workshop:
    return request.app[WORKSHOP]


def token_of(request: web.Request) -> str | None:
    return valid_token(request.cookies.get(COOKIE))


def participant_of(request: web.Request) -> tuple[str | None, Participant | None]:
    token = token_of(request)
    return token, workshop_of(request).participant(token)


def accepted_language(request: web.Request) -> str | None:
    """The first language of Accept-Language that the bank speaks."""
    languages = workshop_of(request).bank.languages
    for part in request.headers.get("Accept-Language", "").split(","):
        code = part.split(";")[0].strip().split("-")[0].lower()
        if code in languages:
            return code
    return None


def language_of(request: web.Request, participant: Participant | None = None) -> str:
    bank = workshop_of(request).bank
    if participant is not None:
        return participant.session.lang
    wanted = request.query.get("lang")
    return resolve_language(bank, wanted if wanted in bank.languages else accepted_language(request))


def render(
    request: web.Request,
    template: str,
    lang: str,
    context: dict[str, Any] | None = None,
    *,
    status: int = 200,
    token: str | None = None,
) -> web.Response:
    workshop = workshop_of(request)

    def say(key: str, **values: object) -> str:
        return catalogue.t(lang, key, **values)

    common = {
        "lang": lang,
        "t": say,
        "bank_title": workshop.bank.title[lang],
        "workshop": workshop.config.workshop,
        "languages": [(code, catalogue.t(code, "language_name")) for code in workshop.bank.languages],
        "csrf": workshop.csrf(token) if token else "",
        "here": request.path,
    }
    return aiohttp_jinja2.render_template(template, request, {**common, **(context or {})}, status=status)


def error_page(request: web.Request, status: int, key: str, *, close: bool = False) -> web.Response:
    """A page in the visitor's language that says what went wrong and how to go on; never a traceback."""
    try:
        lang = language_of(request)
    except Exception:  # a page about an error must not fail on the way
        lang = catalogue.FALLBACK
    response = render(request, "error.html", lang, {"message": key, "status": status}, status=status)
    if close:
        response.force_close()
    return response


def give_token(response: web.StreamResponse, request: web.Request, token: str) -> None:
    response.set_cookie(
        COOKIE,
        token,
        max_age=COOKIE_AGE,
        path="/",
        httponly=True,
        samesite="Strict",
        secure=workshop_of(request).config.secure_cookie,
    )


def see_other(location: str) -> web.HTTPSeeOther:
    return web.HTTPSeeOther(location)


def same_origin(request: web.Request) -> bool:
    origin = request.headers.get("Origin")
    if origin is None:
        return request.headers.get("Sec-Fetch-Site") == "same-origin"
    parts = urlsplit(origin)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return False  # "null" and anything else that is not an origin
    public = request.app[WORKSHOP].config.public_url
    if public and urlsplit(public)[:2] == parts[:2]:
        return True
    return parts.netloc.lower() == request.headers.get("Host", "").lower()

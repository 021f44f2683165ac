"""What every page shares: the participant of a request, its language, and rendering with the common context."""

from __future__ import annotations

import re
from collections.abc import Collection, Hashable
from typing import Any
from urllib.parse import urlsplit

import aiohttp_jinja2
from aiohttp import web
from markupsafe import Markup, escape

from misquiz.core import catalogue
from misquiz.core.model import resolve_language
from misquiz.web.workshop import Participant, Workshop, valid_token

WORKSHOP = web.AppKey("workshop", Workshop)
STENCILS = web.AppKey("stencils", dict)
COOKIE = "misquiz"
COOKIE_AGE = 60 * 60 * 24 * 90  # long enough for a before round and an after round months apart


def workshop_of(request: web.Request) -> Workshop:
    return request.app[WORKSHOP]


# Our cookie as a browser sends it back: alone in the header, or among others, unquoted. Under https it is
# __Host-misquiz: Secure, for / and this host only, so a page on another port or subdomain cannot set it.
OUR_COOKIES = {
    name: re.compile(rf"(?:^|;)[ \t]*{re.escape(name)}=([A-Za-z0-9_-]{{32}})[ \t]*(?:;|$)")
    for name in (COOKIE, f"__Host-{COOKIE}")
}


def token_of(request: web.Request, name: str | None = None) -> str | None:
    name = name or workshop_of(request).cookie
    header = request.headers.get("Cookie", "")
    if header.count(f"{COOKIE}=") == 1 and '"' not in header:  # the usual case, without parsing every cookie
        found = OUR_COOKIES[name].search(header)
        if found:
            return found.group(1)
    return valid_token(request.cookies.get(name))  # the last of several, a quoted one, or none


async def participant_of(request: web.Request) -> tuple[str | None, Participant | None]:
    """The request's token and its participant. A token the server did not issue (its seal does not hold)
    counts as none, so the welcome page replaces it, unless the store knows it already: a participant whose
    token was issued before tokens were sealed goes on (issue 25: a planted token is never adopted)."""
    workshop = workshop_of(request)
    token = token_of(request)
    participant = await workshop.find(token)
    if token is None or participant is not None or workshop.issued(token):
        return token, participant
    return (token, None) if await workshop.before_round(token) is not None else (None, None)


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


def common_context(request: web.Request, lang: str, csrf: str) -> dict[str, Any]:
    workshop = workshop_of(request)

    def say(key: str, **values: object) -> str:
        return catalogue.t(lang, key, **values)

    return {
        "lang": lang,
        "t": say,
        "bank_title": workshop.bank.title[lang],
        "workshop": workshop.config.workshop,
        "languages": [(code, catalogue.t(code, "language_name")) for code in workshop.bank.languages],
        "csrf": csrf,
        "here": request.path,
    }


def render(
    request: web.Request,
    template: str,
    lang: str,
    context: dict[str, Any] | None = None,
    *,
    status: int = 200,
    token: str | None = None,
    vary: Collection[str] | None = None,
) -> web.Response:
    """The page from its template; `vary` names the values that change from request to request.

    With `vary` (even empty), the template is rendered once for each shape of the page (every
    other value, which must be hashable) with a marker in place of each varying value, the form
    token and the path; each request then only joins the pieces with its own escaped values
    (see Stencil).
    """
    context = context or {}
    if vary is not None and token:
        stencil = stencil_for(request, template, lang, context, vary)
        if stencil is not None:
            values = {name: context[name] for name in vary if context[name] is not None}
            values["csrf"] = workshop_of(request).csrf(token)
            values["here"] = request.path
            return web.Response(body=stencil.fill(values), status=status, content_type="text/html", charset="utf-8")
    csrf = workshop_of(request).csrf(token) if token else ""
    return aiohttp_jinja2.render_template(
        template, request, {**common_context(request, lang, csrf), **context}, status=status
    )


MARK = "\x00"  # never in a rendered page otherwise: not in our templates, and the bank's texts are printable
MAX_STENCILS = 2000


class Stencil:
    """A page rendered with a marker (MARK, name, MARK) in each varying value's place, kept as its pieces.

    Filling it gives the bytes the template would have rendered: each value is escaped as
    autoescaping would. A template that did more with a varying value than print it (a test,
    a filter) would leave a marker changed or missing; such a page is refused here and rendered
    in full each time instead.
    """

    __slots__ = ("names", "pieces", "printed")

    def __init__(self, page: str, names: Collection[str]) -> None:
        parts = page.split(MARK)
        if len(parts) % 2 == 0 or not set(parts[1::2]) <= set(names):
            raise ValueError("a varying value was not printed as it is")
        self.pieces = [part.encode() for part in parts[0::2]]
        self.names = parts[1::2]
        self.printed = frozenset(self.names)

    def fill(self, values: dict[str, Any]) -> bytes:
        escaped = {name: str(escape(values[name])).encode() for name in self.printed}  # once, however often printed
        out = [self.pieces[0]]
        for name, piece in zip(self.names, self.pieces[1:], strict=True):
            out.append(escaped[name])
            out.append(piece)
        return b"".join(out)


def stencil_for(
    request: web.Request, template: str, lang: str, context: dict[str, Any], vary: Collection[str]
) -> Stencil | None:
    """The stencil for this page's shape, made the first time it is asked for; None if it cannot be one."""
    stencils: dict[Hashable, Stencil | None] = request.app[STENCILS]
    varying = frozenset(name for name in vary if context[name] is not None)  # None is part of the shape
    shape = tuple(sorted((k, v) for k, v in context.items() if k not in varying))
    key = (template, lang, varying, shape)
    try:
        return stencils[key]
    except KeyError:
        pass
    names = varying | {"csrf", "here"}
    marked = {name: Markup(f"{MARK}{name}{MARK}") for name in names}
    common = common_context(request, lang, marked["csrf"])
    common["here"] = marked["here"]
    page = aiohttp_jinja2.render_string(template, request, {**common, **context, **marked})
    try:
        stencil: Stencil | None = Stencil(page, names)
    except ValueError:
        stencil = None
    if len(stencils) >= MAX_STENCILS:
        stencils.clear()
    stencils[key] = stencil
    return stencil


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
        workshop_of(request).cookie,
        token,
        max_age=COOKIE_AGE,
        path="/",
        httponly=True,
        samesite="Strict",
        secure=workshop_of(request).config.secure_cookie,
    )


def see_other(location: str) -> web.HTTPSeeOther:
    return web.HTTPSeeOther(location)


def redirect(location: str) -> web.Response:
    """What see_other sends (303, Location, a one-line body), returned rather than raised: cheaper on a busy path."""
    return web.Response(status=303, text="303: See Other", headers={"Location": location})


DEFAULT_PORTS = {"http": 80, "https": 443}


def origin_of(url: str) -> tuple[str, str, int] | None:
    """An origin as browsers compare it: (scheme, host, port), the port filled in from the scheme; None for
    "null" and anything else that is not an http(s) origin."""
    try:
        parts = urlsplit(url)
        scheme, host, port = parts.scheme.lower(), parts.hostname, parts.port
    except ValueError:  # a port that is no number, a bracket left open
        return None
    if scheme not in DEFAULT_PORTS or not host or parts.username is not None or parts.password is not None:
        return None
    return scheme, host.lower(), DEFAULT_PORTS[scheme] if port is None else port


def same_origin(request: web.Request) -> bool:
    """The Origin of a change names this server by scheme, host and port: the address participants were
    given (--public-url), or the Host it was sent to over this connection's own scheme."""
    origin = request.headers.get("Origin")
    if origin is None:
        return request.headers.get("Sec-Fetch-Site") == "same-origin"
    theirs = origin_of(origin)
    if theirs is None:
        return False
    public = request.app[WORKSHOP].config.public_url
    if public and origin_of(public) == theirs:
        return True
    return origin_of(f"{request.scheme}://{request.headers.get('Host', '')}") == theirs

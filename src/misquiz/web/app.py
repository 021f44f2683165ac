"""The one factory that builds the workshop's web app, for `misquiz serve` and for the tests alike.

Server-rendered pages (Jinja2, autoescaped) that work without JavaScript; every state change
is a POST with a form token bound to the participant, from this server's own origin, for a
Host that names this server. Everything that goes wrong becomes a page, never a traceback.
"""

from __future__ import annotations

import asyncio
import errno
import logging
import time
from collections.abc import Callable
from pathlib import Path

import aiohttp_jinja2
import jinja2
from aiohttp import ClientPayloadError, web
from aiohttp.http_exceptions import HttpProcessingError

from misquiz.core.model import Bank
from misquiz.core.text import plain
from misquiz.storage.protocol import Store, StoreError
from misquiz.web.pages import STENCILS, WORKSHOP, error_page, same_origin
from misquiz.web.views import (
    commitments,
    follow_up,
    language,
    projector,
    results,
    room_beside,
    statement,
    static,
    welcome,
)
from misquiz.web.workshop import Workshop, WorkshopConfig

log = logging.getLogger("misquiz.web")
TEMPLATES = Path(__file__).parent / "templates"
CSP = "default-src 'self'; frame-ancestors 'none'"
SAFE_METHODS = frozenset({"GET", "HEAD"})
OUT_OF_DESCRIPTORS = frozenset({errno.EMFILE, errno.ENFILE})
REQUEST_SECONDS = 5.0  # a request's body must have arrived within this after its headers (`serve` cuts slow headers)


def build_app(bank: Bank, store: Store, config: WorkshopConfig) -> web.Application:
    app = web.Application(
        middlewares=[guard],
        client_max_size=config.body_limit,
        handler_args={"max_field_size": 8190, "max_line_size": 8190},
    )
    app[WORKSHOP] = Workshop(bank, store, config)
    app[STENCILS] = {}
    app[FAILURES] = FailureLog()
    env = aiohttp_jinja2.setup(
        app,
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,  # templates are part of the package: no stat() of each one per request
    )
    env.policies["json.dumps_kwargs"] = {"sort_keys": True}
    env.globals["static_url"] = static.static_url
    app.on_response_prepare.append(security_headers)
    app.router.add_get("/", welcome.show)
    app.router.add_post("/start", welcome.start)
    app.router.add_get("/follow-up", follow_up.show)
    app.router.add_post("/follow-up", follow_up.answer)
    app.router.add_get(r"/quiz/{n}", statement.show)
    app.router.add_post(r"/quiz/{n}", statement.answer)
    app.router.add_post("/language", language.switch)
    app.router.add_get("/results", results.show)
    app.router.add_post("/results/commitments", commitments.choose)
    app.router.add_get(room_beside.EVENTS, room_beside.events)
    app.router.add_get(r"/results/{file}", results.download)
    app.router.add_get(r"/static/{name}", static.serve)
    app.router.add_get(r"/projector/{token}", projector.show)
    app.router.add_post(r"/projector/{token}", projector.act)
    app.router.add_get(r"/projector/{token}/events", projector.events)
    app.on_shutdown.append(end_streams)
    app.on_cleanup.append(end_store_thread)
    return app


async def end_streams(app: web.Application) -> None:
    """Open event streams end at once, so stopping the server never waits for them."""
    app[WORKSHOP].projector.close()


async def end_store_thread(app: web.Application) -> None:
    """The store's thread ends once the jobs still wanted are done (an answer on its way is stored); cleanup
    waits for it (a deadline's worth at most), so whoever closes the store next never closes it under a call."""
    worker = app[WORKSHOP].worker
    await worker.ended(time.monotonic() + worker.deadline + 1)


async def security_headers(request: web.Request, response: web.StreamResponse) -> None:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "same-origin"  # no-referrer would make browsers send Origin: null on posts
    headers["X-Frame-Options"] = "DENY"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    headers["Cross-Origin-Resource-Policy"] = "same-origin"
    headers.setdefault("Cache-Control", "no-store")
    headers.pop("Server", None)


@web.middleware
async def guard(request: web.Request, handler):  # type: ignore[no-untyped-def]
    """Every request, in one middleware: descriptors, the Host, the origin of a change; every error a page."""
    workshop = request.app[WORKSHOP]
    if workshop.crowded():
        return error_page(request, 503, "web_busy", close=True)
    length = request.content_length
    if length is not None and length > workshop.config.body_limit:  # refused on its word, before reading
        return error_page(request, 413, "web_too_large", close=True)
    try:
        # Against DNS rebinding: the Host header must name this server.
        if host_name(request.headers.get("Host", "")) not in workshop.config.hosts:
            return error_page(request, 421, "web_wrong_host")
        # A page from another origin can neither answer nor start a participant.
        if request.method not in SAFE_METHODS and not same_origin(request):
            return error_page(request, 403, "web_other_origin")
        if request.body_exists and not await body_in_time(request):
            return error_page(request, 408, "web_bad_request", close=True)
        return await handler(request)
    except web.HTTPRedirection:
        raise
    except web.HTTPException as exc:
        if exc.status == 413:
            return error_page(request, 413, "web_too_large")
        if exc.status == 405:
            return error_page(request, 405, "web_bad_request")
        if exc.status == 404:
            return error_page(request, 404, "web_not_found")
        if exc.status >= 400:
            return error_page(request, exc.status, "web_bad_request")
        raise
    except UnicodeDecodeError:  # a form body that is not UTF-8
        return error_page(request, 400, "web_bad_request")
    except StoreError as exc:
        log.error("store: %s", exc)
        return error_page(request, 503, "web_not_saved")
    except OSError as exc:
        if exc.errno in OUT_OF_DESCRIPTORS:
            return error_page(request, 503, "web_busy", close=True)
        request.app[FAILURES].report(request, exc)
        return error_page(request, 500, "web_failed")
    except Exception as exc:
        request.app[FAILURES].report(request, exc)
        return error_page(request, 500, "web_failed")


class FailureLog:
    """An unexpected error as one line on the trainer's console, never a traceback; at most `burst` lines
    at once, then `rate` a second: a request repeated thousands of times cannot flood the QR code away.
    The lines not shown are counted in the next one shown."""

    def __init__(self, burst: float = 5, rate: float = 1.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.burst, self.rate, self.clock = burst, rate, clock
        self.tokens, self.then = burst, clock()
        self.hidden = 0

    def report(self, request: web.Request, error: BaseException) -> None:
        now = self.clock()
        self.tokens = min(self.burst, self.tokens + (now - self.then) * self.rate)
        self.then = now
        if self.tokens < 1:
            self.hidden += 1
            return
        self.tokens -= 1
        more = f" ({self.hidden} more not shown)" if self.hidden else ""
        self.hidden = 0
        what = " ".join(plain(f"{type(error).__name__}: {error}").split())[:300]  # one line, whatever it says
        log.error("failed: %s %s: %s%s", request.method, plain(request.path[:200]), what, more)


FAILURES = web.AppKey("failures", FailureLog)


async def body_in_time(request: web.Request) -> bool:
    """Read the body (up to the size limit) within REQUEST_SECONDS; False if it did not all come in time.

    While it is read, the connection says since when (`since`, which `misquiz serve`'s watch reads:
    it closes a request older than the deadline, and the oldest stuck ones first when crowded).
    Our forms are never multipart: such a body is refused, as its reader could not reread it.
    """
    if request.content_type == "multipart/form-data":
        raise web.HTTPBadRequest
    connection = request.protocol
    marked = hasattr(connection, "since")
    if marked:
        connection.since = time.monotonic()  # type: ignore[union-attr,attr-defined]
    try:
        async with asyncio.timeout(REQUEST_SECONDS):
            await request.read()
    except web.HTTPException:
        raise
    except (TimeoutError, ConnectionError, HttpProcessingError, ClientPayloadError):
        return False  # too slow, or the sender went away (or was closed by the watch)
    finally:
        if marked:
            connection.since = None  # type: ignore[union-attr,attr-defined]
    return True


def host_name(host: str) -> str:
    """'Example.org:8000' -> 'example.org'; '[::1]:8000' -> '::1'."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1 : host.find("]")] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host

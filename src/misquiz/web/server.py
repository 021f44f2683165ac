"""`misquiz serve`: one process serves the workshop's pages; the trainer's terminal shows where to join.

The banner (round, address, workshop code, QR code) is printed once, then one status line is
updated in place, so the QR code never scrolls away. Access logs appear only with --verbose.
The store is used only from its own thread (web.worker), so the signals are heard whatever the
database does, and SIGTERM ends the process within 5 s (STOP_SECONDS, then a watchdog).
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import gc
import ipaddress
import itertools
import logging
import os
import shlex
import signal
import socket
import sys
import threading
import time
from pathlib import Path
from typing import Any, TextIO

from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError
from aiohttp.web_protocol import RequestHandler

from misquiz.core import catalogue
from misquiz.core.model import Bank
from misquiz.core.text import plain
from misquiz.storage.address import masked
from misquiz.storage.protocol import Store, StoreError
from misquiz.web.app import REQUEST_SECONDS, build_app
from misquiz.web.pages import WORKSHOP
from misquiz.web.workshop import Workshop, WorkshopConfig

LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
DESCRIPTOR_RESERVE = 64  # kept free for the database, logs and the accept loop itself
ASK_AGAIN_AFTER = 10.0  # seconds after which a Ctrl+C asks again rather than ends
STOP_SECONDS = 4.5  # from SIGTERM (or the last Ctrl+C) to the end of the process, whatever the database does


# What a soft limit may be raised to when the hard limit is "unlimited" (macOS: the system refuses
# more than kern.maxfilesperproc, and its soft limit stays 256 unless a program asks), tried in turn.
UNLIMITED_TRIES = (1 << 20, 262_144, 65_536, 24_576, 10_240, 4_096)


def raise_open_files_limit() -> int:
    """Raise the soft limit on open files as far as the system allows; return the soft limit now in force."""
    try:
        import resource
    except ImportError:  # pragma: no cover - not on POSIX
        return 1024
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        return 1 << 20
    tries = (hard,) if hard != resource.RLIM_INFINITY else UNLIMITED_TRIES
    for wanted in tries:
        if wanted <= soft:
            break
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
        except (ValueError, OSError):
            continue
        return wanted
    return soft


class _DeadlineHandler(RequestHandler):
    """aiohttp's connection handler, knowing since when its current request has been arriving (`since`).

    Set at the first byte of a request's headers, cleared once they are complete; the app's guard
    sets it again while it reads the body. The watch closes a connection whose request is older
    than REQUEST_SECONDS, and, when connections near the budget, the oldest stuck ones first.
    """

    __slots__ = ("since",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.since: float | None = None

    def data_received(self, data: bytes) -> None:
        if self.since is None and data and not self._request_in_progress and not self._messages:
            self.since = time.monotonic()
        requests = self._request_count
        super().data_received(data)
        if self._request_count != requests:  # a request's headers came in whole (its body has the guard's deadline)
            self.since = None


# The aiohttp internals _DeadlineHandler reads; with another aiohttp that lacks them, serve runs without it.
DEADLINE_READY = {"_request_count", "_messages", "_request_in_progress"} <= set(
    getattr(RequestHandler, "__slots__", ())
)


class _DeadlineServer(web.Server):
    def __call__(self) -> RequestHandler:
        return _DeadlineHandler(self, loop=self._loop, **self._kwargs)


def machine_addresses() -> set[str]:
    """Every address of this machine that we can find, without any outside help."""
    found: set[str] = set()
    for name in {socket.gethostname(), socket.getfqdn()}:
        with contextlib.suppress(OSError):
            found |= {str(info[4][0]) for info in socket.getaddrinfo(name, None)}
    with contextlib.suppress(OSError), socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.connect(("192.0.2.1", 9))  # no packet is sent: this only picks the outgoing address
        found.add(probe.getsockname()[0])
    with contextlib.suppress(OSError):  # Linux: the addresses the kernel routes to this host
        lines = Path("/proc/net/fib_trie").read_text().splitlines()
        found |= {lines[i - 1].split()[-1] for i, line in enumerate(lines) if "/32 host LOCAL" in line and i}
    with contextlib.suppress(OSError):
        for line in Path("/proc/net/if_inet6").read_text().splitlines():
            raw = line.split()[0]
            found.add(str(ipaddress.ip_address(int(raw, 16))))
    return {address.split("%")[0].lower() for address in found}


def allowed_hosts(host: str, public_url: str | None) -> frozenset[str]:
    """The names the Host header may carry: the address listened on, the public URL's host, this machine's name."""
    names = {host.lower().strip("[]")}
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        address = None
    if address is not None and address.is_unspecified:
        names |= machine_addresses() | LOOPBACK_NAMES
    if (address is not None and address.is_loopback) or host == "localhost":
        names |= LOOPBACK_NAMES
    hostname = socket.gethostname().lower()
    names |= {hostname, f"{hostname}.local", socket.getfqdn().lower()}
    if public_url:
        from urllib.parse import urlsplit

        public_host = urlsplit(public_url).hostname
        if public_host:
            names.add(public_host.lower())
    return frozenset(n for n in names if n)


def public_url_for(host: str, port: int) -> str:
    """The address participants type: the host itself, or this machine's address for 0.0.0.0."""
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return f"http://{host}:{port}"
    if address.is_unspecified:
        chosen = "127.0.0.1"
        with contextlib.suppress(OSError), socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("192.0.2.1", 9))
            chosen = probe.getsockname()[0]
        return f"http://{chosen}:{port}"
    return f"http://[{address}]:{port}" if address.version == 6 else f"http://{address}:{port}"


def qr_text(url: str, colour: bool = True) -> str:
    """The URL as a QR code in half-block characters, with a quiet zone of 4 modules.

    In colour it is drawn black on white whatever the terminal's theme, so phones read it on
    light and dark themes alike; without colour, dark modules are drawn as blocks.
    """
    import qrcode  # type: ignore[import-untyped]

    code = qrcode.QRCode(border=4)
    code.add_data(url)
    code.make(fit=True)
    rows = [list(row) for row in code.get_matrix()]
    if len(rows) % 2:
        rows.append([False] * len(rows[0]))
    glyph = {(True, True): "█", (True, False): "▀", (False, True): "▄", (False, False): " "}
    lines = [
        "".join(glyph[(top, bottom)] for top, bottom in zip(rows[i], rows[i + 1], strict=True))
        for i in range(0, len(rows), 2)
    ]
    if colour:
        return "\n".join(f"\x1b[30;107m{line}\x1b[0m" for line in lines)
    return "\n".join(lines)


class StatusLine:
    """One line at the bottom, redrawn in place on a terminal; on anything else, a line per change."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.live = out.isatty()
        self.text = ""

    def show(self, text: str) -> None:
        if text == self.text:
            return
        self.text = text
        if self.live:
            self.out.write("\r\x1b[2K" + text)
        else:
            self.out.write(text + "\n")
        self.out.flush()

    def close(self) -> None:
        """The last status stays on its own line; what is written next starts below it."""
        if self.live and self.text:
            self.out.write("\n")
            self.out.flush()
        self.text = ""

    def say(self, line: str) -> None:
        """A line that stays, above the status line."""
        if self.live:
            self.out.write("\r\x1b[2K" + line + "\n" + self.text)
        else:
            self.out.write(line + "\n")
        self.out.flush()


class _AboveStatus(logging.Handler):
    """Log records as one line each above the status line: never a traceback, and warnings and errors at
    most `burst` at once then `rate` a second (the next line shown counts those left out)."""

    def __init__(self, status: StatusLine, burst: float = 10, rate: float = 2.0) -> None:
        super().__init__()
        self.status = status
        self.burst, self.rate = burst, rate
        self.tokens, self.then, self.hidden = burst, time.monotonic(), 0

    def emit(self, record: logging.LogRecord) -> None:
        with contextlib.suppress(Exception):
            if record.levelno >= logging.WARNING and not self._allowed():
                return
            more = f" ({self.hidden} more lines not shown)" if self.hidden else ""
            self.hidden = 0
            error = record.exc_info[1] if record.exc_info else None
            if isinstance(error, HttpProcessingError):  # a malformed request (a line too long, say): one line
                said = plain(" ".join(record.getMessage().split()))[:300]
                self.status.say(f"{said}: {error.code} {plain(repr(error.message[:200]))}{more}")
                return
            line = record.getMessage()
            if error is not None:
                line += f": {type(error).__name__}: {error}"
            self.status.say(plain(" ".join(line.split()))[:500] + more)

    def _allowed(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.then) * self.rate)
        self.then = now
        if self.tokens < 1:
            self.hidden += 1
            return False
        self.tokens -= 1
        return True


def status_text(workshop: Workshop, lang: str = "en") -> str:
    return catalogue.t(
        lang,
        "serve_status",
        joined=workshop.joined,
        mid=workshop.mid_quiz,
        finished=workshop.finished,
        refused=workshop.refused,
    )


def serve(
    bank: Bank,
    store: Store,
    config: WorkshopConfig,
    *,
    host: str,
    port: int,
    verbose: bool = False,
    db: str | None = None,
    out: TextIO = sys.stdout,
    err: TextIO = sys.stderr,
) -> int:
    """Serve until Ctrl+C (asked once while people are mid-quiz) or SIGTERM; the exit code."""
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(_serve(bank, store, config, host, port, verbose, db, out, err))
    finally:
        loop.close()


async def _serve(
    bank: Bank,
    store: Store,
    config: WorkshopConfig,
    host: str,
    port: int,
    verbose: bool,
    db: str | None,
    out: TextIO,
    err: TextIO,
) -> int:
    limit = raise_open_files_limit()
    lang = config.lang or catalogue.FALLBACK  # the trainer's console speaks serve's --lang (or the locale's language)
    app = build_app(bank, store, config)
    workshop = app[WORKSHOP]
    status = StatusLine(out)
    access = logging.getLogger("misquiz.web.access")
    handler = _AboveStatus(status)
    for logger in (access, logging.getLogger("misquiz.web"), logging.getLogger("aiohttp.server")):
        logger.addHandler(handler)
        logger.propagate = False
    access.setLevel(logging.INFO if verbose else logging.WARNING)
    runner = web.AppRunner(
        app,
        access_log=access if verbose else None,
        handle_signals=False,
        keepalive_timeout=75,
        shutdown_timeout=3,
        lingering_time=0,  # a refused body is not drained (aiohttp would for 10 s): the connection closes at once
    )
    await runner.setup()
    assert runner.server is not None
    if DEADLINE_READY:
        runner.server.__class__ = _DeadlineServer  # its connections are _DeadlineHandlers (aiohttp has no hook for it)
    stop = asyncio.Event()
    asked_at: list[float] = []

    def interrupted() -> None:
        waiting = workshop.mid_quiz
        if waiting and not (asked_at and time.monotonic() - asked_at[-1] < ASK_AGAIN_AFTER):
            asked_at.append(time.monotonic())
            status.say(catalogue.t(lang, "serve_ask_one" if waiting == 1 else "serve_ask_many", n=waiting))
            return
        stop.set()

    loop = asyncio.get_running_loop()
    loop.set_exception_handler(_quiet(status, verbose))
    loop.add_signal_handler(signal.SIGINT, interrupted)
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    try:
        await web.TCPSite(runner, host, port, backlog=1024).start()
    except OSError as exc:
        await runner.cleanup()
        other = port + 1 if port < 65535 else 8080
        in_use = catalogue.t(lang, "serve_port_in_use", other=other)
        reason = in_use if exc.errno == errno.EADDRINUSE else (exc.strerror or str(exc))
        err.write(catalogue.t(lang, "serve_cannot_listen", host=host, port=port, reason=reason) + "\n")
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(signum)
        return 1
    server = runner.server
    assert server is not None
    budget = max(32, limit - DESCRIPTOR_RESERVE - _open_descriptors())
    open_now = getattr(server, "_connections", None)  # aiohttp's own dict: its `connections` copies it per call
    if not isinstance(open_now, dict):  # pragma: no cover - another aiohttp
        open_now = {handler: None for handler in server.connections}

    def crowded() -> bool:
        """More connections than the budget, not counting those whose request is still arriving (the
        watch cuts them): counted only past the budget, so a normal page pays one len()."""
        return len(open_now) > budget and sum(1 for h in open_now if getattr(h, "since", None) is None) > budget

    workshop.crowded = crowded

    url = (config.public_url or public_url_for(host, port)).rstrip("/") + "/"

    async def keep_join_address() -> None:
        with contextlib.suppress(StoreError):  # the room view shows it; serving does not depend on it
            await workshop.run(store.set_join_address, config.workshop, url)

    noted = asyncio.create_task(keep_join_address())  # a database held at start-up does not hold the banner
    colour = out.isatty() and "NO_COLOR" not in os.environ
    # The projector's address first, above the banner: the room photographs the QR code, so nothing
    # beneath it may be a secret (scroll this line away, or clear the screen, before projecting it).
    out.write(catalogue.t(lang, "serve_projector_line", url=f"{url}projector/{workshop.projector.token}") + "\n\n")
    if config.round:
        round_name = catalogue.t(lang, {"before": "cli_round_before", "after": "cli_round_after"}[config.round])
        out.write(catalogue.t(lang, "serve_title_round", code=config.workshop, round=round_name) + "\n\n")
    else:
        out.write(catalogue.t(lang, "serve_title", code=config.workshop) + "\n\n")
    out.write(catalogue.t(lang, "serve_join", url=url) + "\n")
    if not config.public_url and _loopback(host):
        out.write(catalogue.t(lang, "serve_loopback") + "\n")
    out.write("\n")
    out.write(qr_text(url, colour) + "\n\n")
    out.write(connection_budget_text(budget, limit, config.max_participants, lang))
    out.write(catalogue.t(lang, "serve_up_to", n=config.max_participants, command=room_command(config.workshop, db)))
    out.write("\n" + catalogue.t(lang, "serve_ctrl_c") + "\n\n")
    out.flush()

    async def recount() -> None:
        with contextlib.suppress(StoreError):
            await workshop.round_closed()  # fresh for newcomers' welcome pages, which ask no database
        with contextlib.suppress(StoreError):
            await workshop.recount()

    async def keep_watch() -> None:
        counting: asyncio.Task[None] | None = None
        for tick in itertools.count():
            # every 2 s: seats freed by `workshop delete` or taken on another server (on the store's thread,
            # so a database that does not answer never stops the status line, the reaper or the signals)
            if tick % 4 == 0 and (counting is None or counting.done()):
                counting = asyncio.create_task(recount())
            status.show(status_text(workshop, lang))
            _reap(server.connections, budget, time.monotonic())
            await asyncio.sleep(0.5)

    watch = asyncio.create_task(keep_watch())
    # The bank, the templates and the app live as long as the server: out of every later
    # collection, so a full one under load scans only what requests made (it took 18-30 ms).
    gc.collect()
    gc.freeze()
    watchdog: threading.Timer | None = None
    try:
        await stop.wait()
        # Whatever the database does, the process ends within STOP_SECONDS: the pages in progress get
        # runner.cleanup's time, the store's thread what is left; past that, the watchdog ends the process.
        stopped = time.monotonic()
        watchdog = threading.Timer(STOP_SECONDS, _stop_now, (status, out, workshop, lang))
        watchdog.daemon = True
        watchdog.start()
    finally:
        watch.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await watch
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(signum)
        await runner.cleanup()
        gc.unfreeze()
    # The store is closed by our caller once we return: never while the store's thread still uses it.
    if not await workshop.worker.ended(stopped + STOP_SECONDS + 1):  # pragma: no cover - the watchdog came first
        _stop_now(status, out, workshop, lang)
    noted.cancel()  # done long ago, unless the database never answered
    if watchdog is not None:
        watchdog.cancel()
    status.close()
    out.write(catalogue.t(lang, "serve_ended", joined=workshop.joined, finished=workshop.finished) + "\n")
    out.flush()
    return 0


def _stop_now(status: StatusLine, out: TextIO, workshop: Workshop, lang: str) -> None:
    """The watchdog: the server did not stop within STOP_SECONDS (a database that does not answer holds the
    store's thread). Nothing acknowledged is lost by leaving now: an answer is acknowledged only once stored."""
    with contextlib.suppress(Exception):
        status.close()
        out.write(catalogue.t(lang, "serve_ended", joined=workshop.joined, finished=workshop.finished) + "\n")
        out.flush()
    os._exit(0)


def connection_budget_text(budget: int, limit: int, participants: int, lang: str = "en") -> str:
    """The banner's line on connections; a warning when fewer than 4 per participant (a phone opens several)."""
    text = catalogue.t(lang, "serve_connections", budget=budget, limit=limit)
    if budget < 4 * participants:
        needed = 4 * participants
        text += "\n" + catalogue.t(lang, "serve_connections_warning", needed=needed, participants=participants)
    return text + "\n"


def _loopback(host: str) -> bool:
    try:
        return host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:  # a name
        return False


def room_command(code: str, db: str | None) -> str:
    """The command that watches this room, with the database this server uses (a URL's password left out)."""
    if db is None:
        return f"misquiz room {code}"
    return f"misquiz room {code} --db {shlex.quote(masked(db))}"


def _quiet(status: StatusLine, verbose: bool):  # type: ignore[no-untyped-def]
    """The event loop's complaints as one line each (with --verbose), never a traceback on the trainer's screen.

    Running out of descriptors makes the loop pause accepting and complain at every retry; the
    idle connections closed by keep_watch are what ends it.
    """

    def handle(loop: asyncio.AbstractEventLoop, context: dict) -> None:
        if verbose:
            error = context.get("exception")
            status.say(f"server: {context.get('message', '')}{f' ({error})' if error else ''}")

    return handle


def _open_descriptors() -> int:
    try:
        return len(os.listdir("/proc/self/fd"))
    except OSError:
        return 16


def _reap(connections: list, budget: int, now: float) -> int:
    """Close what holds a descriptor for nothing; the number closed.

    Every connection whose request has been arriving for longer than REQUEST_SECONDS, whatever its
    address. Then, when connections near the budget, the oldest stuck requests (headers or body still
    arriving) and after them the idle keep-alive connections, oldest first: neither holds a seat.
    """
    closed = 0
    stuck = []
    for handler in connections:
        since = getattr(handler, "since", None)
        if since is None:
            continue
        if now - since > REQUEST_SECONDS:
            handler.force_close()
            closed += 1
        else:
            stuck.append((since, handler))
    if len(connections) - closed <= budget * 0.9:
        return closed
    excess = len(connections) - closed - int(budget * 0.8)
    idle = [
        h for h in connections if getattr(h, "since", None) is None and not getattr(h, "_request_in_progress", True)
    ]
    for handler in [h for _, h in sorted(stuck, key=lambda pair: pair[0])] + idle:
        if excess <= 0:
            break
        handler.force_close()  # aiohttp's flag above; unknown: left open
        excess -= 1
        closed += 1
    return closed

"""`misquiz serve`: the quiz in the browser for a workshop room, through textual-serve.

Each browser tab starts one participant process (`misquiz take --participant`). The
server keeps a list of them and answers for every one: a tab that goes away ends its
process, Ctrl+C or SIGTERM ends them all within a few seconds, and a process that spins
(deaf to the quit message and to SIGTERM) is found by its CPU use and killed.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
import os
import shlex
import signal
import socket
import sys
import time
from pathlib import Path
from typing import Any

import aiohttp_jinja2
from aiohttp import WSMsgType, web
from aiohttp.web_runner import GracefulExit
from textual_serve.app_service import AppService
from textual_serve.server import Server

log = logging.getLogger("misquiz.web.serve")
TEMPLATES = Path(__file__).parent
STOP_GRACE = 1.5  # seconds between the quit message, SIGTERM and SIGKILL
SPIN_WINDOW = 10.0  # seconds of CPU history looked at
SPIN_SHARE = 0.75  # a participant that burns this share of a core over the window is spinning
WATCH_EVERY = 2.0
CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def cpu_seconds(pid: int) -> float | None:
    """CPU time used so far by a process, from /proc (Linux); None where that cannot be read."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    except (OSError, IndexError, ValueError):
        return None


class Participant(AppService):
    """One participant's process, in a session of its own so that it can be ended whole."""

    def __init__(self, argv: list[str], **kwargs: Any) -> None:
        super().__init__(shlex.join(argv), **kwargs)
        self.argv = argv
        self.cpu_samples: list[tuple[float, float]] = []

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    async def _open_app_process(self, width: int = 80, height: int = 24) -> asyncio.subprocess.Process:
        self._process = process = await asyncio.create_subprocess_exec(
            *self.argv,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=self._build_environment(width=width, height=height),
            start_new_session=True,
        )
        assert process.stdin is not None
        self._stdin = process.stdin
        return process

    def signal(self, signum: int) -> None:
        if self._process is not None and self._process.returncode is None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self._process.pid, signum)

    async def stop(self) -> None:
        """Ask the app to quit; if it does not, SIGTERM; if it still does not, SIGKILL."""
        process = self._process
        if process is None:
            return
        if process.returncode is None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.send_meta({"type": "quit"}), 0.5)
            for signum in (None, signal.SIGTERM, signal.SIGKILL):
                if signum is not None:
                    self.signal(signum)
                try:
                    await asyncio.wait_for(process.wait(), STOP_GRACE)
                    break
                except TimeoutError:
                    continue
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
            self._task = None

    def spinning(self, now: float) -> bool:
        """Record a CPU sample; True if the process used nearly a whole core over the window."""
        if self.pid is None:
            return False
        used = cpu_seconds(self.pid)
        if used is None:
            return False
        self.cpu_samples = [s for s in self.cpu_samples if now - s[0] <= SPIN_WINDOW] + [(now, used)]
        first_time, first_used = self.cpu_samples[0]
        span = now - first_time
        return span >= SPIN_WINDOW * 0.8 and (used - first_used) / span >= SPIN_SHARE


def public_url_for(host: str, port: int) -> str:
    """The address participants type: the host itself, or this machine's address for 0.0.0.0."""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return f"http://{host}:{port}"  # a name
    if address.is_unspecified:
        chosen = "127.0.0.1"
        with contextlib.suppress(OSError):
            for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET):
                candidate = str(info[4][0])
                if not ipaddress.ip_address(candidate).is_loopback:
                    chosen = candidate
                    break
        return f"http://{chosen}:{port}"
    return f"http://[{host}]:{port}" if address.version == 6 else f"http://{host}:{port}"


def qr_text(url: str) -> str:
    import qrcode  # type: ignore[import-untyped]

    code = qrcode.QRCode(border=1)
    code.add_data(url)
    code.make(fit=True)
    rows = code.get_matrix()
    if len(rows) % 2:
        rows.append([False] * len(rows[0]))
    # Two rows of modules per line of text, dark on light, so phones read it from a screen.
    glyph = {(True, True): " ", (True, False): "▄", (False, True): "▀", (False, False): "█"}
    return "\n".join(
        "".join(glyph[(top, bottom)] for top, bottom in zip(rows[i], rows[i + 1], strict=True))
        for i in range(0, len(rows), 2)
    )


class WorkshopServer(Server):
    def __init__(
        self,
        *,
        workshop: str,
        host: str,
        port: int,
        public_url: str | None,
        round: str | None,
        bank_path: str,
        db_path: str,
        max_participants: int,
    ) -> None:
        self.argv = [
            sys.executable,
            "-m",
            "misquiz",
            "take",
            "--participant",
            "--workshop",
            workshop,
            "--bank",
            bank_path,
            "--db",
            db_path,
        ]
        if round is not None:
            self.argv += ["--round", round]
        super().__init__(
            shlex.join(self.argv),
            host=host,
            port=port,
            title=f"misquiz · {workshop}",
            public_url=(public_url or public_url_for(host, port)).rstrip("/"),
            templates_path=TEMPLATES,
        )
        self.workshop = workshop
        self.max_participants = max_participants
        self.participants: set[Participant] = set()
        self.sockets: set[web.WebSocketResponse] = set()
        self._watchdog: asyncio.Task[None] | None = None

    # -- pages ---------------------------------------------------------------------

    async def handle_index(self, request: web.Request) -> web.StreamResponse:  # type: ignore[override]
        if len(self.participants) >= self.max_participants:
            return aiohttp_jinja2.render_template(
                "full.html", request, {"workshop": self.workshop, "limit": self.max_participants}, status=503
            )
        return await super().handle_index(request)  # type: ignore[misc]

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        websocket = web.WebSocketResponse(heartbeat=15)
        await websocket.prepare(request)
        if len(self.participants) >= self.max_participants:
            await websocket.close(code=1013, message=b"the room is full")
            return websocket
        width = _int(request.query.get("width"), 80)
        height = _int(request.query.get("height"), 24)
        participant = Participant(
            self.argv,
            write_bytes=websocket.send_bytes,
            write_str=websocket.send_str,
            close=websocket.close,
            download_manager=self.download_manager,
            debug=False,
        )
        self.participants.add(participant)
        self.sockets.add(websocket)
        try:
            await participant.start(width, height)
            async for message in websocket:
                if message.type != WSMsgType.TEXT:
                    continue
                await self._message(participant, websocket, message.data)
        except (asyncio.CancelledError, ConnectionResetError):
            pass
        except Exception as error:
            log.warning("participant ended: %s", error)
        finally:
            # The tab went away, or the server is stopping: this participant ends with it.
            self.sockets.discard(websocket)
            await participant.stop()
            self.participants.discard(participant)
            with contextlib.suppress(Exception):
                await websocket.close()
        return websocket

    async def _message(self, participant: Participant, websocket: web.WebSocketResponse, data: str) -> None:
        import json

        try:
            envelope = json.loads(data)
            kind, payload = envelope[0], (envelope[1] if len(envelope) > 1 else None)
        except (ValueError, TypeError, IndexError, KeyError):
            return
        if kind == "stdin" and isinstance(payload, str):
            await participant.send_bytes(payload.encode("utf-8"))
        elif kind == "resize" and isinstance(payload, dict):
            await participant.set_terminal_size(_int(payload.get("width"), 80), _int(payload.get("height"), 24))
        elif kind == "ping":
            await websocket.send_json(["pong", payload])
        elif kind == "blur":
            await participant.blur()
        elif kind == "focus":
            await participant.focus()

    # -- life ------------------------------------------------------------------------

    async def on_startup(self, app: web.Application) -> None:
        url = self.public_url + "/"
        self.console.print(f"[bold]misquiz[/] · workshop [bold]{self.workshop}[/]\n")
        print(qr_text(url), flush=True)
        self.console.print(f"\nJoin at [bold]{url}[/]  (up to {self.max_participants} participants)")
        self.console.print(f"Watch the room with: [bold]misquiz room {self.workshop}[/]")
        self.console.print("Press Ctrl+C to end the session.\n")
        self._watchdog = asyncio.create_task(self._watch())

    async def on_shutdown(self, app: web.Application) -> None:
        if self._watchdog is not None:
            self._watchdog.cancel()
        await asyncio.gather(*(p.stop() for p in list(self.participants)), return_exceptions=True)
        for websocket in list(self.sockets):
            with contextlib.suppress(Exception):
                await websocket.close(code=1001, message=b"the session has ended")
        self.console.print(f"Session ended; {len(self.participants)} participant process(es) left.")

    async def _watch(self) -> None:
        while True:
            await asyncio.sleep(WATCH_EVERY)
            now = time.monotonic()
            for participant in list(self.participants):
                if participant.spinning(now):
                    log.warning("participant process %s spins; ending it", participant.pid)
                    participant.signal(signal.SIGKILL)

    def run(self) -> None:
        self.initialize_logging()
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, self.request_exit)
        try:
            web.run_app(
                self._make_app(),
                host=self.host,
                port=self.port,
                handle_signals=False,
                loop=loop,
                print=lambda *args: None,
                shutdown_timeout=3.0,
            )
        except GracefulExit:
            pass
        except OSError as exc:
            self.console.print(f"misquiz: cannot listen on {self.host}:{self.port} ({exc.strerror})", markup=False)
            sys.exit(1)


def _int(value: object, default: int) -> int:
    try:
        number = int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return default
    return number if 1 <= number <= 1000 else default

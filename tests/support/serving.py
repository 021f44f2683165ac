"""Serving in tests and benchmarks: starting `misquiz serve`, and a participant that follows
the workshop's forms as a browser without JavaScript would."""

from __future__ import annotations

import html
import os
import re
import socket
import subprocess
import sys
import time
from typing import Any
from urllib.parse import urlencode

import aiohttp


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(port: int, *args: str, env: dict[str, str] | None = None, **popen: object) -> subprocess.Popen:
    """`misquiz serve --port PORT ARGS...`, returned once it accepts connections."""
    server = subprocess.Popen(
        [sys.executable, "-m", "misquiz", "serve", "--port", str(port), *args],
        env={**os.environ, **(env or {})},
        **popen,  # type: ignore[arg-type]
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return server
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                raise RuntimeError("the server did not start") from None
            time.sleep(0.05)


CSRF = re.compile(r'name="csrf" value="([0-9a-f]+)"')
STATEMENT = re.compile(r'name="statement" value="([^"]+)"')
ACTION = re.compile(r'<form method="post" action="/quiz/(\d+)"')


def field(pattern: re.Pattern[str], page: str) -> str:
    found = pattern.search(page)
    assert found is not None, f"no {pattern.pattern} in the page:\n{page[:2000]}"
    return html.unescape(found.group(1))


class Visitor:
    """Keeps the page it is on and the form token from it; sends what a browser's form would."""

    def __init__(self, client: Any, origin: str) -> None:
        self.client = client  # an aiohttp TestClient or ClientSession with a cookie jar
        self.origin = origin
        self.page = ""
        self.status = 0
        self.url = ""
        self.csrf = ""

    @property
    def headers(self) -> dict[str, str]:
        return {"Origin": self.origin}

    async def _took(self, response: aiohttp.ClientResponse) -> str:
        self.page, self.status, self.url = await response.text(), response.status, str(response.url)
        found = CSRF.search(self.page)
        if found:
            self.csrf = found.group(1)
        return self.page

    async def get(self, path: str, **kwargs: Any) -> str:
        async with self.client.get(path, **kwargs) as response:
            return await self._took(response)

    async def post(self, path: str, data: dict[str, str], **kwargs: Any) -> str:
        # Encoded here as a browser encodes a form (the same bytes aiohttp's FormData makes, at a
        # fraction of its cost: in the benchmarks the client's own work must not pass for the server's).
        headers = {**kwargs.pop("headers", self.headers), "Content-Type": "application/x-www-form-urlencoded"}
        body = urlencode(data).encode()
        async with self.client.post(path, data=body, headers=headers, **kwargs) as response:
            return await self._took(response)

    async def start(self, name: str = "", lang: str = "en") -> str:
        await self.get("/")
        return await self.post("/start", {"csrf": self.csrf, "lang": lang, "name": name})

    @property
    def statement(self) -> str:
        return field(STATEMENT, self.page)

    @property
    def number(self) -> int:
        return int(field(ACTION, self.page))

    async def answer(self, value: int | str) -> str:
        return await self.post(
            f"/quiz/{self.number}", {"csrf": self.csrf, "statement": self.statement, "answer": str(value)}
        )

    async def finish(self, value: int, total: int = 36) -> str:
        for _ in range(total):
            await self.answer(value)
        return self.page

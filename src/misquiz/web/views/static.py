"""Our own stylesheet and script, read once, served by name with their types: no directory listing."""

from __future__ import annotations

import hashlib
from pathlib import Path

from aiohttp import web

FOLDER = Path(__file__).resolve().parent.parent / "static"
TYPES = {
    "misquiz.css": "text/css",
    "misquiz.js": "text/javascript",
    "projector.js": "text/javascript",
    "favicon.svg": "image/svg+xml",  # named by every page, so that browsers do not ask for /favicon.ico
}
FILES = {name: (FOLDER / name).read_bytes() for name in TYPES}
TAGS = {name: '"' + hashlib.sha256(body).hexdigest()[:16] + '"' for name, body in FILES.items()}


async def serve(request: web.Request) -> web.StreamResponse:
    name = request.match_info["name"]
    if name not in FILES:
        raise web.HTTPNotFound
    headers = {"ETag": TAGS[name], "Cache-Control": "no-cache"}
    if request.headers.get("If-None-Match") == TAGS[name]:
        return web.Response(status=304, headers=headers)
    return web.Response(body=FILES[name], content_type=TYPES[name], charset="utf-8", headers=headers)

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
VERSIONS = {name: hashlib.sha256(body).hexdigest()[:16] for name, body in FILES.items()}
TAGS = {name: f'"{version}"' for name, version in VERSIONS.items()}


def static_url(name: str) -> str:
    """A file's address with its content's hash: a browser keeps it until the file changes."""
    return f"/static/{name}?v={VERSIONS[name]}"


async def serve(request: web.Request) -> web.StreamResponse:
    name = request.match_info["name"]
    if name not in FILES:
        raise web.HTTPNotFound
    # Asked for by its versioned address, the file never changes: no request per page for it. Asked
    # for by its bare name (an old page, a curious visitor), it is checked each time.
    versioned = request.query.get("v") == VERSIONS[name]
    cache = "public, max-age=31536000, immutable" if versioned else "no-cache"
    headers = {"ETag": TAGS[name], "Cache-Control": cache}
    if request.headers.get("If-None-Match") == TAGS[name]:
        return web.Response(status=304, headers=headers)
    return web.Response(body=FILES[name], content_type=TYPES[name], charset="utf-8", headers=headers)

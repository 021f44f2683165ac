"""Starting `misquiz serve` for a test or a benchmark, and seeing its child processes."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path


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
            time.sleep(0.1)


def children_of(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(stat[1]) == pid:
                found.add(int(entry.name))
    return found

"""The floor under bench_web: the same crowd against a server that does nothing but follow the forms.

    python benchmarks/bench_web_floor.py [PARTICIPANTS] [CLIENT_PROCESSES] [CLIENT_NICENESS]

The server here is a bare aiohttp application with the workshop's routes: a welcome page that
sets a cookie, Start and each answer a POST answered by a 303 to the next page, each page a
fixed form of the statement page's size (about 3.3 KB, with the same headers). It stores
nothing and renders nothing. Whatever latency bench_web's participants (the same code, the
same machine) measure against it is the client's and the machine's, not misquiz's: no server
could give less here.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_web import STATEMENTS, children_cpu, cpu_seconds, crowds, lag_text, rss_mb, waited_for_cpu

from support.serving import free_port

HEADERS = {
    "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Cache-Control": "no-store",
}


def page(n: int) -> str:
    form = (
        f'<form method="post" action="/quiz/{n}" class="statement">'
        '<input type="hidden" name="csrf" value="0123456789abcdef0123456789abcdef01234567">'
        f'<input type="hidden" name="statement" value="statement-{n}">'
    )
    return f"<!DOCTYPE html><html><body>{form}{'.' * (3265 - len(form) - 40)}</form></body></html>"


def serve(port: int) -> None:
    from aiohttp import web

    async def welcome(request: web.Request) -> web.Response:
        response = web.Response(text=page(1), content_type="text/html", headers=HEADERS)
        response.set_cookie("misquiz", "A" * 32, httponly=True, samesite="Strict")
        return response

    async def start(request: web.Request) -> web.Response:
        await request.post()
        return web.Response(status=303, text="303: See Other", headers={**HEADERS, "Location": "/quiz/1"})

    async def show(request: web.Request) -> web.Response:
        return web.Response(text=page(int(request.match_info["n"])), content_type="text/html", headers=HEADERS)

    async def answer(request: web.Request) -> web.Response:
        await request.post()
        n = int(request.match_info["n"])
        location = "/results" if n >= STATEMENTS else f"/quiz/{n + 1}"
        return web.Response(status=303, text="303: See Other", headers={**HEADERS, "Location": location})

    async def results(request: web.Request) -> web.Response:
        return web.Response(text=page(0), content_type="text/html", headers=HEADERS)

    app = web.Application()
    app.router.add_get("/", welcome)
    app.router.add_post("/start", start)
    app.router.add_get("/quiz/{n}", show)
    app.router.add_post("/quiz/{n}", answer)
    app.router.add_get("/results", results)
    web.run_app(app, host="127.0.0.1", port=port, access_log=None, print=None, backlog=1024)  # type: ignore[arg-type]


def main() -> None:
    if sys.argv[1:2] == ["--serve"]:
        serve(int(sys.argv[2]))
        return
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    processes = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    nice = int(sys.argv[3]) if len(sys.argv) > 3 else 0
    port = free_port()
    server = subprocess.Popen([sys.executable, __file__, "--serve", str(port)])
    try:
        start_server_wait(port, server)
        cpu_before, waited_before, client_before = cpu_seconds(server.pid), waited_for_cpu(server.pid), children_cpu()
        latencies, finished, took, lags = crowds([f"http://127.0.0.1:{port}"], count, processes, nice)
        server_cpu = cpu_seconds(server.pid) - cpu_before
        server_waited = waited_for_cpu(server.pid) - waited_before
        client_cpu = children_cpu() - client_before
        peak_rss = rss_mb(server.pid, "VmHWM")
    finally:
        server.terminate()
        server.wait(timeout=15)
    requests = len(latencies) * 2 + count * 3
    cuts = statistics.quantiles(latencies, n=100)
    print(
        f"participants: {count} joined at once from {processes} client process(es); {finished} finished in {took:.1f} s"
    )
    print(
        f"do-nothing server CPU: {server_cpu:.1f} s ({server_cpu / took:.0%} of one core), "
        f"{server_cpu / requests * 1e6:.0f} µs a request; it waited {server_waited:.1f} s for a CPU; "
        f"RSS {peak_rss:.0f} MB"
    )
    print(f"client CPU: {client_cpu:.1f} s in {processes} process(es), {client_cpu / requests * 1e6:.0f} µs a request")
    print(
        f"answer latency (POST + redirected GET): median {statistics.median(latencies) * 1000:.1f} ms, "
        f"p95 {cuts[94] * 1000:.1f} ms, p99 {cuts[98] * 1000:.1f} ms, max {max(latencies) * 1000:.1f} ms"
    )
    print(lag_text(lags))
    sys.exit(0 if finished == count else 1)


def start_server_wait(port: int, server: subprocess.Popen) -> None:
    import socket

    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                raise RuntimeError("the do-nothing server did not start") from None
            time.sleep(0.05)


if __name__ == "__main__":
    main()

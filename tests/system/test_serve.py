"""`misquiz serve` as a process: the trainer's terminal, its signals, a port in use, descriptors running short."""

from __future__ import annotations

import asyncio
import re
import resource
import signal
import socket
import subprocess
import sys
import time

import aiohttp

from misquiz.core import catalogue
from misquiz.storage.sqlite import SQLiteStore
from misquiz.web.projector import projector_token
from misquiz.web.server import allowed_hosts, public_url_for, qr_text
from support.serving import Visitor, free_port, start_server


def serve(tmp_path, port: int, *args: str, **popen):
    return start_server(
        port,
        "--workshop",
        "mon",
        "--db",
        str(tmp_path / "s.db"),
        *args,
        env={"XDG_CACHE_HOME": str(tmp_path / "cache"), "LANG": "C.UTF-8"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **popen,
    )


async def join(port: int, answers: int = 0) -> None:
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:
        person = Visitor(session, f"http://127.0.0.1:{port}")
        base = f"http://127.0.0.1:{port}"
        await person.get(base + "/")
        await person.post(base + "/start", {"csrf": person.csrf, "lang": "en"})
        for _ in range(answers):
            await person.post(
                f"{base}/quiz/{person.number}", {"csrf": person.csrf, "statement": person.statement, "answer": "3"}
            )


def test_the_banner_then_one_status_line_and_no_access_log(tmp_path):
    port = free_port()
    server = serve(tmp_path, port, "--round", "before")
    try:
        asyncio.run(join(port, answers=2))
        time.sleep(1.5)
    finally:
        server.send_signal(signal.SIGTERM)
        out, err = server.communicate(timeout=10)
    assert server.returncode == 0
    head = out.split("\n\n")
    assert head[0].startswith("Projector page") and head[1] == "misquiz · workshop mon · round: Before"
    qr_code = out.index("█")
    assert out.index("Projector page") < out.index("Join at") < qr_code  # the room's QR code shows no secret
    assert "projector/" not in out[qr_code:], "the projector's address is printed under the room's QR code"
    assert f"Join at http://127.0.0.1:{port}/" in out
    assert "█" in out and f"Follow the group live with: misquiz room mon --db {tmp_path / 's.db'}" in out
    assert "Only this computer can open this address: for phones on the network, add --host 0.0.0.0" in out
    projector = re.search(
        rf"Projector page \(for you only, do not share\): http://127\.0\.0\.1:{port}/projector/(\S+)", out
    )
    assert projector is not None and len(projector.group(1)) >= 43  # 256 bits
    store = SQLiteStore(tmp_path / "s.db")
    secret = store.server_secret()
    store.close()
    assert projector.group(1) == projector_token(secret, "mon", "before") != projector_token(secret, "mon", "after")
    assert "joined 1 · in progress 1 · finished 0 · refused 0" in out
    assert "GET /" not in out + err  # access logs only with --verbose
    assert "Session ended: 1 joined, 0 finished." in out


def test_the_room_command_never_shows_a_database_password():
    from misquiz.web.server import room_command

    assert room_command("mon", "postgresql://ann:s3cret@db.example/misquiz") == (
        "misquiz room mon --db 'postgresql://ann:***@db.example/misquiz'"
    )
    assert room_command("mon", "/tmp/my results.db") == "misquiz room mon --db '/tmp/my results.db'"
    # a password holding @ (libpq cuts at the first @, we at the last) and one given as password=
    assert room_command("mon", "postgresql://ann:s3c@ret@db/q") == "misquiz room mon --db 'postgresql://ann:***@db/q'"
    assert room_command("mon", "postgresql://db/q?password=s3cret") == (
        "misquiz room mon --db 'postgresql://db/q?password=***'"
    )
    assert room_command("mon", None) == "misquiz room mon"


def test_verbose_logs_each_request(tmp_path):
    port = free_port()
    server = serve(tmp_path, port, "--verbose")
    try:
        asyncio.run(join(port))
    finally:
        server.send_signal(signal.SIGTERM)
        out, _ = server.communicate(timeout=10)
    assert '"GET / HTTP/1.1" 200' in out and '"POST /start HTTP/1.1" 303' in out


def test_ctrl_c_asks_once_when_people_are_mid_quiz(tmp_path):
    port = free_port()
    server = serve(tmp_path, port)
    try:
        asyncio.run(join(port, answers=1))
        server.send_signal(signal.SIGINT)
        time.sleep(0.5)
        assert server.poll() is None, "the first Ctrl+C only asks"
        server.send_signal(signal.SIGINT)
        out, _ = server.communicate(timeout=10)
    finally:
        if server.poll() is None:
            server.kill()
    assert catalogue.t("en", "serve_ask_one") in out
    assert server.returncode == 0


def test_ctrl_c_with_nobody_mid_quiz_ends_at_once(tmp_path):
    port = free_port()
    server = serve(tmp_path, port)
    server.send_signal(signal.SIGINT)
    out, _ = server.communicate(timeout=10)
    assert server.returncode == 0 and "mid-quiz: end anyway" not in out


def test_a_port_in_use_is_reported_before_anything_else(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "misquiz",
                "serve",
                "--workshop",
                "mon",
                "--port",
                str(port),
                "--db",
                str(tmp_path / "s.db"),
            ],
            capture_output=True,
            text=True,
            timeout=30,
        )
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr == (
        f"misquiz: cannot listen on 127.0.0.1:{port}: the port is in use "
        f"(another program, or a misquiz serve still running); try --port {port + 1}\n"
    )


def test_idle_connections_never_keep_a_participant_out(tmp_path):
    """With few descriptors, hundreds of idle connections are closed as needed; a newcomer still joins."""
    port = free_port()

    def few_descriptors() -> None:
        resource.setrlimit(resource.RLIMIT_NOFILE, (160, 160))

    server = serve(tmp_path, port, preexec_fn=few_descriptors)
    try:

        async def crowd() -> list[int]:
            idle = []
            for _ in range(300):
                try:
                    _, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), 2)
                    idle.append(writer)
                except (OSError, TimeoutError):
                    break
            statuses = []
            deadline = time.monotonic() + 20
            async with aiohttp.ClientSession() as session:
                while time.monotonic() < deadline:
                    try:
                        async with session.get(f"http://127.0.0.1:{port}/", timeout=aiohttp.ClientTimeout(3)) as r:
                            statuses.append(r.status)
                            if r.status == 200:
                                break
                    except (aiohttp.ClientError, TimeoutError):
                        statuses.append(0)
                    await asyncio.sleep(0.5)
            for writer in idle:
                writer.close()
            return statuses

        statuses = asyncio.run(crowd())
        assert statuses[-1] == 200, statuses
        assert server.poll() is None
        asyncio.run(join(port))
    finally:
        server.send_signal(signal.SIGTERM)
        server.communicate(timeout=10)


def test_the_qr_code_has_a_quiet_zone_of_four_modules_and_colours_of_its_own():
    plain = qr_text("http://192.168.1.20:8000/", colour=False).split("\n")
    assert plain[0].strip() == "" and plain[1].strip() == ""  # two text rows: four modules
    assert all(line.startswith("    ") and line.endswith("    ") for line in plain)
    coloured = qr_text("http://192.168.1.20:8000/").split("\n")
    assert all(line.startswith("\x1b[30;107m") and line.endswith("\x1b[0m") for line in coloured)


def test_the_host_names_a_server_answers_to():
    hostname = socket.gethostname().lower()
    local = allowed_hosts("127.0.0.1", None)
    assert {"127.0.0.1", "localhost", hostname} <= local and "evil.example" not in local
    everywhere = allowed_hosts("0.0.0.0", "https://quiz.example.org/ws")
    assert {"127.0.0.1", "quiz.example.org", hostname} <= everywhere
    address = public_url_for("0.0.0.0", 8000).split("//")[1].rsplit(":", 1)[0]
    assert address in everywhere
    assert public_url_for("::1", 8000) == "http://[::1]:8000"


def test_the_open_files_limit_is_raised_to_the_hard_limit(tmp_path):
    code = (
        "import resource; from misquiz.web.server import raise_open_files_limit; "
        "s = raise_open_files_limit(); print(s == resource.getrlimit(resource.RLIMIT_NOFILE)[1])"
    )
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)

    def lower() -> None:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(256, hard), hard))

    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, preexec_fn=lower, check=True)
    assert done.stdout.strip() == "True"


def test_serving_in_process_leaves_nothing_frozen(tmp_path, monkeypatch):
    """While it serves, the server keeps its start-up objects out of collections (gc.freeze); when it
    stops, or cannot listen at all, they are collectable again: nothing of a caller's stays frozen."""
    import gc
    import os
    import threading

    from click.testing import CliRunner

    from misquiz.cli import main

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    args = ["serve", "--workshop", "mon", "--db", str(tmp_path / "s.db"), "--port"]
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        result = CliRunner().invoke(main, [*args, str(taken.getsockname()[1])])
    assert result.exit_code == 1  # the port is in use (the message itself: test_a_port_in_use_is_reported...)
    assert gc.get_freeze_count() == 0

    port = free_port()
    frozen_while_serving: list[int] = []

    def stop_once_serving() -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
            except OSError:
                time.sleep(0.05)
                continue
            time.sleep(0.3)  # past the banner, to the freeze
            frozen_while_serving.append(gc.get_freeze_count())
            os.kill(os.getpid(), signal.SIGTERM)  # the server's own handler ends it
            return

    threading.Thread(target=stop_once_serving, daemon=True).start()
    result = CliRunner().invoke(main, [*args, str(port)])
    assert result.exit_code == 0, result.output
    assert frozen_while_serving and frozen_while_serving[0] > 0
    assert gc.get_freeze_count() == 0

"""PostgreSQL never holds the room for long (issue 25, point 3, in part): a lost connection is replaced
(an answer is done again only when it was not committed), and a lock held by another session costs a
store call 2 s (lock_timeout), never the whole server until it is released."""

from __future__ import annotations

import threading
import time

import psycopg
import pytest

from misquiz.core.quiz import QuizOptions
from misquiz.storage import StoreError, open_store
from support.postgres import postgres_server_fixture, postgres_url_fixture  # noqa: F401  (fixtures)
from support.quiz import stored_attempt


def drop_misquiz_connections(url: str) -> int:
    with psycopg.connect(url, autocommit=True) as admin:
        return len(
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE application_name = 'misquiz' AND datname = current_database() AND pid <> pg_backend_pid()"
            ).fetchall()
        )


def test_a_dropped_connection_is_replaced_and_an_uncommitted_answer_done_again(bank, postgres_url):
    store = open_store(postgres_url)
    session = stored_attempt(store, bank, QuizOptions("en", seed=1, workshop="ws", person="p"), 3, answers=2)
    attempt_id = session.attempt_id
    assert drop_misquiz_connections(postgres_url) == 1
    store.save_answer(attempt_id, session.order[2], 4)  # the lost connection was found before any commit
    assert drop_misquiz_connections(postgres_url) == 1
    assert store.attempt(attempt_id).answers[session.order[2]] == 4  # a read, again on a new connection
    assert store.conn.execute("SHOW lock_timeout").fetchone()[0] == "2s"  # the new connection is limited too
    assert store.conn.execute("SHOW statement_timeout").fetchone()[0] == "10s"
    store.close()


def test_while_the_server_is_gone_calls_fail_at_once_and_it_is_tried_again_once_a_second(bank, postgres_url):
    store = open_store(postgres_url)
    store.conn.close()  # as a lost connection looks once found
    store.url = store.url.replace(store.url.rsplit(":", 1)[1].split("/")[0], "1")  # nobody listens on port 1
    began = time.monotonic()
    with pytest.raises(StoreError):
        store.history()
    with pytest.raises(StoreError, match="trying again shortly"):
        store.history()
    assert time.monotonic() - began < 1


def test_a_table_locked_by_another_session_costs_a_call_two_seconds_not_the_room(bank, postgres_url):
    store = open_store(postgres_url)
    session = stored_attempt(store, bank, QuizOptions("en", seed=2, workshop="ws", person="q"), 3, answers=1)
    locked, release = threading.Event(), threading.Event()

    def hold_the_lock() -> None:
        with psycopg.connect(postgres_url) as other, other.transaction():
            other.execute("LOCK TABLE answers IN ACCESS EXCLUSIVE MODE")
            locked.set()
            release.wait(30)

    holder = threading.Thread(target=hold_the_lock)
    holder.start()
    try:
        assert locked.wait(10)
        began = time.monotonic()
        with pytest.raises(StoreError):
            store.save_answer(session.attempt_id, session.order[1], 2)
        waited = time.monotonic() - began
    finally:
        release.set()
        holder.join(30)
    print(f"a save_answer on a locked table gave up after {waited:.2f} s")
    assert 1.9 <= waited < 3.5, waited
    store.save_answer(session.attempt_id, session.order[1], 2)  # the lock released: it goes on
    assert store.attempt(session.attempt_id).answers[session.order[1]] == 2
    store.close()


def test_a_participant_goes_on_after_the_database_restarts_mid_quiz(postgres_server, postgres_url, tmp_path):
    import asyncio
    import signal
    import subprocess

    import aiohttp

    from support.serving import Visitor, free_port, start_server

    port = free_port()
    server = start_server(
        port, "--workshop", "conf", "--db", postgres_url, env={"XDG_CACHE_HOME": str(tmp_path / "c")},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"

    async def run() -> tuple[float, str]:
        async with aiohttp.ClientSession(base_url=base, cookie_jar=aiohttp.CookieJar(unsafe=True)) as client:
            person = Visitor(client, base)
            await person.start()
            for _ in range(5):
                await person.answer(3)
            pg = postgres_server
            number = person.number
            stopped = pg._run("pg_ctl", "stop", "-D", str(pg.data), "-m", "fast", "-w")
            assert stopped.returncode == 0, stopped.stderr
            await person.answer(3)  # the database is gone: a page that says so, never a traceback
            assert person.status == 503, person.status
            options = f"-p {pg.port} -k {pg.folder} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300"
            started = pg._run("pg_ctl", "start", "-w", "-D", str(pg.data), "-l", str(pg.folder / "log"), "-o", options)
            assert started.returncode == 0, started.stderr
            back = time.monotonic()
            while time.monotonic() - back < 20:  # as a participant would: reload and press again until it is saved
                await person.get(f"/quiz/{number}")
                if person.status == 200:
                    await person.answer(3)
                    if person.status == 200 and person.number == number + 1:
                        break
                await asyncio.sleep(0.5)
            went_on_after = time.monotonic() - back
            for _ in range(36 - 6):
                await person.answer(3)
            return went_on_after, person.url

    try:
        went_on_after, last = asyncio.run(run())
    finally:
        server.send_signal(signal.SIGTERM)
        out, err = server.communicate(timeout=15)
    print(f"after a restart of PostgreSQL the participant went on in {went_on_after:.1f} s")
    assert went_on_after < 10, went_on_after
    assert last.endswith("/results"), last
    assert "Traceback" not in out + err

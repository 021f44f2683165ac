"""PostgreSQL and SQLite never freeze the room (issue 25, point 3): the web layer's store calls run on one daemon
thread with a deadline, so pages that need no database and the signals go on while a lock, another program or
a database that does not answer at all holds the store; SIGTERM ends `misquiz serve` within 5 s whatever the
database does."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
import sqlite3
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from misquiz.core import catalogue
from misquiz.storage.sqlite import SQLiteStore
from misquiz.web.app import build_app
from misquiz.web.pages import WORKSHOP
from misquiz.web.worker import STORE_SECONDS, StoreBusy, StoreWorker
from misquiz.web.workshop import WorkshopConfig
from support.postgres import postgres_server_fixture, postgres_url_fixture  # noqa: F401  (fixtures)
from support.serving import Visitor, free_port, start_server

NOT_SAVED = catalogue.t("en", "web_not_saved")


# -- the worker ----------------------------------------------------------------------------


async def test_a_call_past_its_deadline_is_busy_and_a_call_given_up_never_runs():
    worker = StoreWorker(deadline=0.3)
    gate, ran = threading.Event(), []
    began = time.monotonic()
    with pytest.raises(StoreBusy):
        await worker.call(gate.wait, 30)  # a database that does not answer
    assert time.monotonic() - began < 1
    with pytest.raises(StoreBusy):
        await worker.call(ran.append, 1)  # behind it, and given up before its turn
    gate.set()
    assert await worker.call(lambda: 42) == 42
    assert ran == [] and worker.skipped == 1
    with pytest.raises(ZeroDivisionError):  # the call's own error, raised where it was awaited
        await worker.call(lambda: 1 / 0)
    assert worker._thread is not None and worker._thread.daemon  # interpreter exit never waits for it
    assert await worker.ended(time.monotonic() + 2)
    with pytest.raises(StoreBusy):
        await worker.call(lambda: 1)  # stopping: refused at once


# -- no store call on the event loop -------------------------------------------------------


class Watched:
    """A store that notes the name of every method called on the event loop's thread once watching."""

    def __init__(self, store: SQLiteStore) -> None:
        self._store = store
        self.loop_thread: threading.Thread | None = None
        self.on_loop: list[str] = []
        self.calls = 0

    def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
        value = getattr(self._store, name)
        if not callable(value) or name == "clock":  # the clock reads no database
            return value

        def call(*args, **kwargs):  # type: ignore[no-untyped-def]
            if self.loop_thread is not None:
                self.calls += 1
                if threading.current_thread() is self.loop_thread:
                    self.on_loop.append(name)
            return value(*args, **kwargs)

        return call


async def test_no_page_calls_the_store_on_the_event_loop(bank, tmp_path):
    """A participant through both rounds (welcome, Start, every answer, the follow-up question, results, the
    downloads, commitments, a language switch) and the trainer's projector (page, a reveal, its event stream):
    every store call is made on the store's thread."""
    db = tmp_path / "w.db"
    jar = aiohttp.CookieJar(unsafe=True)
    for round in ("before", "after"):
        store = Watched(SQLiteStore(db))
        app = build_app(bank, store, WorkshopConfig("ws", round))  # type: ignore[arg-type]
        server = TestServer(app)
        await server.start_server()
        store.loop_thread = threading.current_thread()
        base = f"http://127.0.0.1:{server.port}"
        try:
            async with aiohttp.ClientSession(base_url=base, cookie_jar=jar) as client:
                person = Visitor(client, base)
                await person.start("Anna")
                if person.url.endswith("/follow-up"):
                    await person.post("/follow-up", {"csrf": person.csrf, "status-1": "done"})
                await person.post("/language", {"csrf": person.csrf, "lang": "nl", "back": "/quiz/1"})
                await person.post("/language", {"csrf": person.csrf, "lang": "en", "back": "/quiz/1"})
                for _ in range(len(bank.statements)):
                    await person.answer(4)
                assert person.url.endswith("/results"), person.url
                action = re.search(r'name="action" value="([^"]+)"', person.page)
                assert action is not None
                body = {"csrf": person.csrf, "action": action.group(1), "own": ""}
                await person.post("/results/commitments", body)
                for download in ("plan.md", "report.html", "check-back.ics"):
                    async with client.get(f"/results/{download}") as response:
                        assert response.status == 200, download
                projector = app[WORKSHOP].projector
                path = f"/projector/{projector.token}"
                async with client.get(path) as response:
                    assert response.status == 200
                form = {"csrf": projector.csrf, "do": "reveal_all", "lang": "en"}
                async with client.post(path, data=form, headers=person.headers, allow_redirects=False) as response:
                    assert response.status == 303
                for events, name in (
                    (f"{path}/events?lang=en", b"event: room"),
                    ("/results/room/events", b"event: beside"),
                ):
                    async with client.get(events) as stream:
                        await asyncio.wait_for(stream.content.readuntil(name), 5)
        finally:
            await server.close()
            store._store.close()
        print(f"{round}: {store.calls} store calls, {len(store.on_loop)} on the event loop")
        assert store.calls > 40 and store.on_loop == [], sorted(set(store.on_loop))


async def test_a_round_closed_elsewhere_refuses_start_at_once_though_a_newcomers_page_may_lag(bank, tmp_path):
    """A newcomer's welcome page takes the round's open-or-closed as read at most CLOSED_SECONDS ago (it needs
    no database); Start always asks the store, so nobody starts in a round another server closed."""
    from misquiz.core.session import change, discuss_order
    from misquiz.storage import read_room

    store = SQLiteStore(tmp_path / "c.db")
    app = build_app(bank, store, WorkshopConfig("ws", "before"))
    server = TestServer(app)
    await server.start_server()
    base = f"http://127.0.0.1:{server.port}"
    try:
        async with aiohttp.ClientSession(base_url=base, cookie_jar=aiohttp.CookieJar(unsafe=True)) as client:
            person = Visitor(client, base)
            await person.get("/")
            assert person.status == 200
            order = discuss_order(read_room(store, bank, "ws", "before"))
            store.change_session("ws", "before", lambda s: change(s, "close", bank, order, None))  # another server
            await person.get("/")
            assert person.status == 200  # read a moment ago: still open on this page
            await person.post("/start", {"csrf": person.csrf, "lang": "en"})
            assert person.status == 409 and catalogue.t("en", "round_closed_title") in person.page
            app[WORKSHOP].round_changed()  # as a change on this server does, or CLOSED_SECONDS later
            await person.get("/")
            assert person.status == 409
    finally:
        await server.close()
        store.close()


# -- SQLite held by another program, in process --------------------------------------------


@contextlib.contextmanager
def sqlite_held(db: Path) -> Iterator[None]:
    """Another program's connection holds the database with BEGIN EXCLUSIVE until the block ends."""
    other = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN EXCLUSIVE")
    try:
        yield
    finally:
        other.execute("ROLLBACK")
        other.close()


async def timed(coroutine) -> float:  # type: ignore[no-untyped-def]
    began = time.monotonic()
    await coroutine
    return time.monotonic() - began


async def test_sqlite_held_by_another_program_freezes_only_the_pages_that_write(bank, tmp_path):
    db = tmp_path / "w.db"
    store = SQLiteStore(db)
    app = build_app(bank, store, WorkshopConfig("ws", "before"))
    server = TestServer(app)
    await server.start_server()
    base = f"http://127.0.0.1:{server.port}"
    jar = aiohttp.CookieJar(unsafe=True)
    async with aiohttp.ClientSession(base_url=base, cookie_jar=jar) as one, aiohttp.ClientSession(base_url=base) as two:
        try:
            person = Visitor(one, base)
            await person.start()
            for _ in range(3):
                await person.answer(3)
            number = person.number
            with sqlite_held(db):
                answering = asyncio.create_task(timed(person.answer(4)))
                await asyncio.sleep(0.3)  # the answer waits for the database on the store's thread
                static = await timed(two.get("/static/misquiz.css"))
                welcome = await timed(two.get("/"))
                answered = await answering
            print(
                f"SQLite held: a static file took {static:.3f} s, a newcomer's welcome page {welcome:.3f} s, "
                f"the held answer's page {answered:.2f} s"
            )
            assert static < 2 and welcome < 2
            assert person.status == 503 and NOT_SAVED in person.page and answered < STORE_SECONDS + 1.5
            await person.get(f"/quiz/{number}")  # released: the participant goes on where they were
            await person.answer(4)
            assert person.status == 200 and person.number == number + 1 and "4 of 36 answers saved" in person.page
            assert app[WORKSHOP].worker.skipped >= 0
        finally:
            await server.close()
            store.close()


# -- misquiz serve on PostgreSQL and SQLite -------------------------------------------------


def serve(tmp_path: Path, db: str) -> tuple[subprocess.Popen, str]:
    port = free_port()
    out, err = (tmp_path / "out.txt").open("w"), (tmp_path / "err.txt").open("w")
    server = start_server(
        port, "--workshop", "conf", "--db", db, env={"XDG_CACHE_HOME": str(tmp_path / "c")}, stdout=out, stderr=err
    )
    return server, f"http://127.0.0.1:{port}"


def said(tmp_path: Path) -> str:
    return (tmp_path / "out.txt").read_text() + (tmp_path / "err.txt").read_text()


@contextlib.contextmanager
def table_locked(url: str, table: str = "answers") -> Iterator[None]:
    """Another session holds LOCK TABLE ... IN ACCESS EXCLUSIVE MODE until the block ends."""
    import psycopg

    locked, release = threading.Event(), threading.Event()

    def hold() -> None:
        with psycopg.connect(url) as other, other.transaction():
            other.execute(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE")  # type: ignore[arg-type]
            locked.set()
            release.wait(60)

    holder = threading.Thread(target=hold, daemon=True)
    holder.start()
    assert locked.wait(10)
    try:
        yield
    finally:
        release.set()
        holder.join(30)


async def started(base: str, jar: aiohttp.CookieJar, session: aiohttp.ClientSession, answers: int = 3) -> Visitor:
    person = Visitor(session, base)
    await person.start()
    for _ in range(answers):
        await person.answer(3)
    return person


def test_a_table_lock_on_postgresql_leaves_the_room_answering(postgres_url, tmp_path):
    server, base = serve(tmp_path, postgres_url)

    async def run() -> dict[str, float]:
        jar = aiohttp.CookieJar(unsafe=True)
        async with (
            aiohttp.ClientSession(base_url=base, cookie_jar=jar) as one,
            aiohttp.ClientSession(base_url=base, cookie_jar=aiohttp.CookieJar(unsafe=True)) as two,
        ):
            person = await started(base, jar, one)
            number = person.number
            with table_locked(postgres_url):
                began = time.monotonic()
                answering = asyncio.create_task(timed(person.answer(4)))
                await asyncio.sleep(0.3)
                static = await timed(two.get("/static/misquiz.css"))
                newcomer = Visitor(two, base)
                welcome = await timed(newcomer.get("/"))
                assert newcomer.status == 200 and newcomer.csrf
                answered = await answering
                assert person.status == 503 and NOT_SAVED in person.page, (person.status, person.page[:300])
                held = time.monotonic() - began
            back = time.monotonic()
            await person.get(f"/quiz/{number}")
            await person.answer(4)
            assert person.status == 200 and person.number == number + 1
            return {"static": static, "welcome": welcome, "answered": answered, "held": held,
                    "went_on": time.monotonic() - back}  # fmt: skip

    try:
        took = asyncio.run(run())
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(15)
    print(
        f"PostgreSQL table locked: a static file took {took['static']:.3f} s, a newcomer's welcome page "
        f"{took['welcome']:.3f} s, the participant's 'not saved' page {took['answered']:.2f} s; "
        f"once released the participant went on in {took['went_on']:.2f} s"
    )
    assert took["static"] < 2 and took["welcome"] < 2
    assert took["answered"] < STORE_SECONDS + 1.5 and took["went_on"] < 2
    assert "Traceback" not in said(tmp_path)


def sigterm_while_held(tmp_path: Path, db: str, hold: contextlib.AbstractContextManager[None]) -> float:
    """Start serve, take a participant three answers in, hold the database, send an answer that hits it,
    then SIGTERM: the seconds from SIGTERM to the end of the process (which must have ended)."""
    server, base = serve(tmp_path, db)
    took = -1.0
    try:

        async def run() -> float:
            jar = aiohttp.CookieJar(unsafe=True)
            async with aiohttp.ClientSession(base_url=base, cookie_jar=jar) as one:
                person = await started(base, jar, one)
                with hold:
                    answering = asyncio.create_task(person.answer(4))
                    await asyncio.sleep(0.5)  # in flight, held by the database
                    assert not answering.done()
                    server.send_signal(signal.SIGTERM)
                    began = time.monotonic()
                    while server.poll() is None and time.monotonic() - began < 15:
                        await asyncio.sleep(0.02)
                    ended = time.monotonic() - began
                    with contextlib.suppress(Exception):
                        await answering
                    return ended

        took = asyncio.run(run())
    finally:
        if server.poll() is None:
            server.kill()
        server.wait(10)
    assert server.returncode == 0, (server.returncode, said(tmp_path))
    assert "Traceback" not in said(tmp_path)
    return took


def test_sigterm_ends_serve_within_5_s_while_a_postgresql_table_is_locked(postgres_url, tmp_path):
    took = sigterm_while_held(tmp_path, postgres_url, table_locked(postgres_url))
    print(f"PostgreSQL table locked, an answer in flight: serve ended {took:.2f} s after SIGTERM")
    assert took < 5, took


@contextlib.contextmanager
def backend_frozen(url: str) -> Iterator[None]:
    """The PostgreSQL backend of misquiz's connection stops (SIGSTOP): a database that does not answer at all,
    which no lock_timeout or statement_timeout ends."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as admin:
        pids = [
            row[0]
            for row in admin.execute(
                "SELECT pid FROM pg_stat_activity WHERE application_name = 'misquiz' AND datname = current_database()"
            ).fetchall()
        ]
    assert pids
    for pid in pids:
        os.kill(pid, signal.SIGSTOP)
    try:
        yield
    finally:
        for pid in pids:
            os.kill(pid, signal.SIGCONT)


def test_sigterm_ends_serve_within_5_s_while_postgresql_does_not_answer_at_all(postgres_url, tmp_path):
    if os.geteuid() != 0:
        pytest.skip("stopping a PostgreSQL backend takes root here (the cluster belongs to postgres)")
    took = sigterm_while_held(tmp_path, postgres_url, backend_frozen(postgres_url))
    print(f"PostgreSQL backend stopped, an answer in flight: serve ended {took:.2f} s after SIGTERM")
    assert took < 5, took


def test_sigterm_ends_serve_within_5_s_while_another_program_holds_the_sqlite_file(tmp_path):
    db = tmp_path / "w.db"
    SQLiteStore(db).close()
    took = sigterm_while_held(tmp_path, str(db), sqlite_held(db))
    print(f"SQLite held by BEGIN EXCLUSIVE, an answer in flight: serve ended {took:.2f} s after SIGTERM")
    assert took < 5, took

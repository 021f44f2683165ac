"""PostgreSQL's own cases: its migrations, its mark, and a server that is down, refuses, or is not ours.

The behaviour both backends share is tested once for each in test_store.py and test_store_safety.py.
"""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from misquiz.core.session import SessionState
from misquiz.storage import StoreError, open_store
from misquiz.storage.postgres import APPLICATION, MIGRATIONS, SCHEMA_VERSION, PostgresStore, shown
from support.postgres import PostgresServer, postgres_server_fixture, postgres_url_fixture  # noqa: F401  (fixtures)
from support.serving import free_port


def sql(url: str, statement: str, args: tuple = ()) -> list[tuple]:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        cursor = conn.execute(statement, args)  # type: ignore[arg-type]
        return cursor.fetchall() if cursor.description else []


def tables(url: str) -> set[str]:
    return {r[0] for r in sql(url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}


def test_a_new_database_is_marked_ours_and_current(postgres_url):
    PostgresStore(postgres_url).close()
    meta = dict(sql(postgres_url, "SELECT key, value FROM misquiz_meta"))
    assert meta == {"application": APPLICATION, "schema_version": str(SCHEMA_VERSION)}
    assert {"attempts", "answers", "myth_scores", "settings", "misquiz_meta"} <= tables(postgres_url)


@pytest.mark.parametrize("start", range(SCHEMA_VERSION))
def test_each_migration_runs_from_the_version_before(postgres_url, start):
    sql(postgres_url, "CREATE TABLE misquiz_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    sql(
        postgres_url,
        "INSERT INTO misquiz_meta VALUES ('application', %s), ('schema_version', %s)",
        (APPLICATION, str(start)),
    )
    for n in range(start):
        sql(postgres_url, MIGRATIONS[n])
    if start >= 1:
        result = json.dumps(
            {"overall": {}, "myths": [{"id": "m1", "score": 75.0, "band": "held", "mixed_signals": True}]}
        )
        sql(
            postgres_url,
            "INSERT INTO attempts (uid, bank_id, bank_version, bank_hash, language, seed, statement_order, "
            "started_at, finished_at, result, workshop) VALUES ('u1', 'b', '1', 'h', 'en', 1, '[\"a\"]', "
            "'2026-01-01T00:00:00+00:00', '2026-01-01T00:05:00+00:00', %s, 'ws')",
            (result,),
        )
        for sid, at in (("b", "2026-01-01T00:02:00+00:00"), ("a", "2026-01-01T00:01:00+00:00")):
            sql(postgres_url, "INSERT INTO answers SELECT id, %s, 4, %s FROM attempts", (sid, at))
    store = PostgresStore(postgres_url)
    assert dict(sql(postgres_url, "SELECT key, value FROM misquiz_meta"))["schema_version"] == str(SCHEMA_VERSION)
    assert store.server_secret() == store.server_secret()
    assert store.has_uid("u1") == (start >= 1)
    # the myth scores of attempts finished before the room table existed are filled in from their results
    rows = sql(postgres_url, "SELECT myth_id, score, band, mixed, workshop FROM myth_scores")
    assert rows == ([("m1", 75.0, "held", 1, "ws")] if start == 1 else [])
    if start == 1:
        assert [(b.myth_id, b.band, b.people) for b in store.room_counts("ws").bands] == [("m1", "held", 1)]
    # when the first answer was stored: filled in from the answers (the room counts its person as joined);
    # from a schema that already had the trigger, the answer stored first
    first = "2026-01-01T00:01:00+00:00" if start <= 3 else "2026-01-01T00:02:00+00:00"
    assert sql(postgres_url, "SELECT first_answer_at FROM attempts") == ([(first,)] if start >= 1 else [])
    # the live session of a round: fresh until changed, and kept
    assert store.session_state("ws", "before") == SessionState()
    store.change_session("ws", "before", lambda s: replace(s, closed=True))
    assert store.session_state("ws", "before").closed
    assert [p.joined for p in store.room_counts("ws").people] == ([1] if start >= 1 else [])


def test_a_database_from_a_newer_misquiz_is_refused(postgres_url):
    PostgresStore(postgres_url).close()
    sql(postgres_url, "UPDATE misquiz_meta SET value = %s WHERE key = 'schema_version'", (str(SCHEMA_VERSION + 1),))
    for read_only in (False, True):
        with pytest.raises(StoreError, match="made by a newer misquiz"):
            PostgresStore(postgres_url, read_only=read_only)


def test_another_programs_database_is_refused_and_left_unchanged(postgres_url):
    sql(postgres_url, "CREATE TABLE notes (body TEXT)")
    sql(postgres_url, "INSERT INTO notes VALUES ('keep me')")
    for read_only in (False, True):
        with pytest.raises(StoreError, match=r"not a misquiz database .*notes.*left as it is"):
            open_store(postgres_url, read_only=read_only)
    assert tables(postgres_url) == {"notes"}
    assert sql(postgres_url, "SELECT body FROM notes") == [("keep me",)]


def test_a_foreign_mark_is_refused(postgres_url):
    sql(postgres_url, "CREATE TABLE misquiz_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    sql(postgres_url, "INSERT INTO misquiz_meta VALUES ('application', 'something-else')")
    with pytest.raises(StoreError, match="not a misquiz database"):
        open_store(postgres_url)
    assert tables(postgres_url) == {"misquiz_meta"}


def test_a_server_that_is_down(postgres_server: PostgresServer):
    url = f"postgresql://misquiz:secret@127.0.0.1:{free_port()}/misquiz"
    with pytest.raises(StoreError, match="no PostgreSQL server answers there") as raised:
        open_store(url)
    assert "secret" not in str(raised.value)


def test_a_refused_login_names_no_password(postgres_server: PostgresServer):
    with pytest.raises(StoreError, match="refused the login") as raised:
        open_store(postgres_server.url(password="wrong-password"))
    assert "wrong-password" not in str(raised.value)
    with pytest.raises(StoreError, match="refused the login"):
        open_store(postgres_server.url(user="nobody"))


def test_a_database_that_does_not_exist(postgres_server: PostgresServer):
    with pytest.raises(StoreError, match="no such database"):
        open_store(postgres_server.url("no_such_db"))


def test_read_only_on_an_empty_database_makes_nothing(postgres_url):
    store = open_store(postgres_url, read_only=True)
    assert store.history() == [] and store.latest_id() is None
    store.close()
    assert tables(postgres_url) == set()


def test_passwords_are_never_shown():
    assert shown("postgresql://me:s3cret@db:5432/q") == "postgresql://me:***@db:5432/q"
    assert (
        shown("postgresql://db/q?password=s3cret&sslmode=require") == "postgresql://db/q?password=***&sslmode=require"
    )
    assert shown("postgresql://me@db/q") == "postgresql://me@db/q"


def test_misquiz_db_may_name_a_server(postgres_url, monkeypatch):
    monkeypatch.setenv("MISQUIZ_DB", postgres_url)
    store = open_store()
    assert isinstance(store, PostgresStore)


def test_two_servers_migrating_at_once_make_one_schema(postgres_url):
    import subprocess
    import sys

    code = f"from misquiz.storage import open_store; open_store({postgres_url!r}).server_secret()"
    procs = [subprocess.Popen([sys.executable, "-c", code], stderr=subprocess.PIPE, text=True) for _ in range(6)]
    errors = [p.communicate(timeout=60)[1] for p in procs]
    assert all(p.returncode == 0 for p in procs), errors
    assert dict(sql(postgres_url, "SELECT key, value FROM misquiz_meta"))["schema_version"] == str(SCHEMA_VERSION)
    assert len(sql(postgres_url, "SELECT value FROM settings WHERE key = 'server_secret'")) == 1

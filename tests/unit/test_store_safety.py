"""A database that is not ours is never written; read-only commands change nothing; one writer per attempt."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys

import pytest

from misquiz.core.attempt import ScoreRecord
from misquiz.storage import StoreError
from misquiz.storage.sqlite import APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION, SQLiteStore
from support.postgres import Place, place_fixture  # noqa: F401  (the fixture)


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def make(store, **extra) -> int:
    fields = dict(bank_id="b", bank_version="1", bank_hash="h", language="en", seed=1, order=["a", "b"])
    return store.start_attempt(**(fields | extra))


def test_another_programs_database_is_refused_byte_for_byte_unchanged(tmp_path):
    path = tmp_path / "theirs.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE notes (body TEXT)")
        conn.execute("INSERT INTO notes VALUES ('keep me')")
    before = digest(path)
    for read_only in (False, True):
        with pytest.raises(StoreError, match="not a misquiz database"):
            SQLiteStore(path, read_only=read_only)
    assert digest(path) == before and not (tmp_path / "theirs.db-wal").exists()


def test_a_look_alike_database_is_refused_byte_for_byte_unchanged(tmp_path):
    """Tables named as ours are not enough: their columns must be those of one of our schema versions."""
    path = tmp_path / "look-alike.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE attempts (x TEXT)")
        conn.execute("CREATE TABLE answers (y TEXT)")
        conn.execute("INSERT INTO attempts VALUES ('keep me')")
    before = digest(path)
    for read_only in (True, False):
        with pytest.raises(StoreError, match=r"not a misquiz database .*left as it is"):
            SQLiteStore(path, read_only=read_only)
        assert digest(path) == before and not (tmp_path / "look-alike.db-wal").exists()


@pytest.mark.parametrize("version", [1, 4, SCHEMA_VERSION])
def test_an_unmarked_database_of_one_of_our_versions_is_still_ours(tmp_path, version):
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as conn:
        for n in range(version):
            conn.executescript(MIGRATIONS[n])
        conn.execute(f"PRAGMA user_version = {version}")
    SQLiteStore(path).close()
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID


def test_a_file_that_is_no_database_is_refused_unchanged(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("dear diary\n" * 20)
    with pytest.raises(StoreError, match="not a misquiz database"):
        SQLiteStore(path)
    assert path.read_text() == "dear diary\n" * 20


def test_our_database_carries_our_mark_and_is_private(tmp_path):
    path = tmp_path / "ours.db"
    SQLiteStore(path).close()
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert path.stat().st_mode & 0o777 == 0o600


def test_read_only_opening_changes_nothing_not_even_the_journal(tmp_path):
    path = tmp_path / "ours.db"
    store = SQLiteStore(path)
    make(store)
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.conn.execute("PRAGMA journal_mode = DELETE")
    store.close()
    before = digest(path)
    reader = SQLiteStore(path, read_only=True)
    assert len(reader.history()) == 1
    reader.close()
    assert digest(path) == before and not (tmp_path / "ours.db-wal").exists()


def test_symbolic_links_are_refused(tmp_path):
    link = tmp_path / "link.db"
    link.symlink_to(tmp_path / "elsewhere.db")
    with pytest.raises(StoreError, match="symbolic link"):
        SQLiteStore(link)
    assert not (tmp_path / "elsewhere.db").exists()


def test_an_unreadable_folder_gets_a_message(tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root reads every folder")
    folder = tmp_path / "locked"
    folder.mkdir()
    (folder / "q.db").touch()
    folder.chmod(0)
    try:
        with pytest.raises(StoreError):
            SQLiteStore(folder / "q.db")
    finally:
        folder.chmod(0o700)


def test_a_second_quiz_never_resumes_the_attempt_another_live_process_holds(place: Place):
    first = place.open()
    held = make(first)
    first.save_answer(held, "a", 4)
    # another process opens the same database: the attempt is held by a live process (this one)
    code = (
        "import sys; from misquiz.storage import open_store\n"
        f"s = open_store({place.where!r}); a = s.unfinished('h'); print(a.id if a else 'none')"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "none"
    # once that process is gone, its attempt may be resumed
    place.sql(f"UPDATE attempts SET held_by = '{first.holder.split(':')[0]}:999999999:1'")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == str(held)


def test_an_attempt_without_answers_is_never_offered_and_export_latest_means_finished(place: Place):
    store = place.open()
    finished = make(store)
    store.finish_attempt(finished, ScoreRecord(10.0, "p", (), ()))
    empty = make(store)
    assert store.unfinished("h") is None and store.latest_id() == finished != empty


def test_backup_is_a_consistent_private_copy(place: Place, tmp_path):
    store = place.open()  # PostgreSQL's backup is an SQLite file too
    make(store, name="Anna")
    store.backup(tmp_path / "copy.db")
    assert (tmp_path / "copy.db").stat().st_mode & 0o777 == 0o600
    assert [r["name"] for r in SQLiteStore(tmp_path / "copy.db", read_only=True).history()] == ["Anna"]
    with pytest.raises(StoreError, match="already exists"):
        store.backup(tmp_path / "copy.db")


LEAVE_A_WAL = """
import os, sys
from misquiz.storage.sqlite import SQLiteStore
store = SQLiteStore(sys.argv[1])
store.conn.execute("PRAGMA wal_autocheckpoint = 0")
for n in range(5):
    fields = dict(bank_id="b", bank_version="1", bank_hash="h", language="en", order=["a"])
    store.start_attempt(seed=n, name=f"late {n}", **fields)
os._exit(0)  # like a crash: the WAL file stays, full
"""


def test_a_backup_restored_next_to_a_leftover_wal_is_refused_not_corrupted(place: Place, tmp_path):
    live = tmp_path / "misquiz.db"
    store = SQLiteStore(live)
    make(store, name="Anna")
    store.close()
    source = place.open()
    make(source, name="Bert")
    source.backup(tmp_path / "backup.db")  # from SQLite's backup API, or from PostgreSQL
    subprocess.run([sys.executable, "-c", LEAVE_A_WAL, str(live)], check=True)
    wal = tmp_path / "misquiz.db-wal"
    assert wal.stat().st_size > 0
    live.write_bytes((tmp_path / "backup.db").read_bytes())  # the restore, with the old WAL still there
    before = digest(live), digest(wal)
    for read_only in (False, True):
        with pytest.raises(StoreError, match="WAL file lies next to it that does not belong to it"):
            SQLiteStore(live, read_only=read_only)
    assert (digest(live), digest(wal)) == before
    os.replace(wal, tmp_path / "old.db-wal")  # as the message advises
    (tmp_path / "misquiz.db-shm").unlink(missing_ok=True)
    assert [r["name"] for r in SQLiteStore(live).history()] == ["Bert"]


def test_a_crash_leaves_a_wal_that_is_its_own_and_is_recovered(tmp_path):
    live = tmp_path / "misquiz.db"
    SQLiteStore(live).close()
    subprocess.run([sys.executable, "-c", LEAVE_A_WAL, str(live)], check=True)
    assert (tmp_path / "misquiz.db-wal").stat().st_size > 0
    assert len(SQLiteStore(live).history()) == 5

"""The database: migrations, permissions, bad states, concurrency, and results that last.

Tests that take `place` run twice: against SQLite and against a real PostgreSQL.
"""

from __future__ import annotations

import json
import os
import random
import sqlite3
import stat
import subprocess
import sys
import textwrap
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from misquiz.core.attempt import ScoreRecord
from misquiz.core.items import answer_patterns, item_report, item_statistics
from misquiz.core.model import Bank, Statement
from misquiz.core.session import SessionState
from misquiz.storage import StoreError
from misquiz.storage.sqlite import MIGRATIONS, SCHEMA_VERSION, SQLiteStore
from support.postgres import Place, place_fixture  # noqa: F401  (the fixture)


def make(store, **extra) -> int:
    fields = dict(bank_id="b", bank_version="1", bank_hash="h", language="en", seed=1, order=["a", "b"])
    return store.start_attempt(**(fields | extra))


def test_a_new_database_is_private_in_wal_mode_and_current(tmp_path):
    path = tmp_path / "sub" / "misquiz.db"
    store = SQLiteStore(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert store.conn.execute("PRAGMA busy_timeout").fetchone()[0] == 5000


@pytest.mark.parametrize("start", range(SCHEMA_VERSION))
def test_each_migration_runs_from_the_version_before(tmp_path, start):
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    for n in range(start):
        conn.executescript(MIGRATIONS[n])
    conn.execute(f"PRAGMA user_version = {start}")
    if start >= 1:
        result = json.dumps(
            {"overall": {}, "myths": [{"id": "m1", "score": 75.0, "band": "myth", "mixed_signals": True}]}
        )
        conn.execute(
            "INSERT INTO attempts (uid, bank_id, bank_version, bank_hash, language, seed, statement_order, "
            "started_at, finished_at, result) VALUES ('u1', 'b', '1', 'h', 'en', 1, '[\"a\"]', "
            "'2026-01-01T00:00:00+00:00', '2026-01-01T00:05:00+00:00', ?)",
            (result,),
        )
        for sid, at in (("b", "2026-01-01T00:02:00+00:00"), ("a", "2026-01-01T00:01:00+00:00")):
            conn.execute("INSERT INTO answers VALUES (1, ?, 4, ?)", (sid, at))
    conn.commit()
    conn.close()
    store = SQLiteStore(path)
    assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    indexes = {r[0] for r in store.conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert {
        "attempts_started",
        "attempts_workshop",
        "attempts_name_bank",
        "myth_scores_room",
        "attempts_room",
    } <= indexes
    assert "attempts_person_workshop" in indexes
    assert store.server_secret() == store.server_secret()
    assert store.has_uid("u1") == (start >= 1)
    assert store.session_state("ws", "before") == SessionState()  # the live session: fresh until changed, and kept
    store.change_session("ws", "before", lambda s: replace(s, closed=True))
    assert store.session_state("ws", "before").closed
    # the myth scores of attempts finished before the room existed are filled in
    rows = store.conn.execute("SELECT myth_id, score, band, mixed FROM myth_scores").fetchall()
    # (from version 3 on, the row above was written by hand without its myth scores)
    assert rows == ([("m1", 75.0, "myth", 1)] if 1 <= start < 3 else [])
    # attempts from before people were told apart belong to the owner (no workshop) or to no one
    person = store.conn.execute("SELECT person FROM attempts").fetchall()
    assert person == ([(None,)] if start >= 1 else [])
    # when the first answer was stored: filled in from the answers, or set by them as they came
    first = store.conn.execute("SELECT first_answer_at FROM attempts").fetchall()
    assert first == (
        [("2026-01-01T00:01:00+00:00",)] if 1 <= start < 7 else [("2026-01-01T00:02:00+00:00",)] if start else []
    )


def test_a_database_from_a_newer_misquiz_is_refused(tmp_path):
    path = tmp_path / "new.db"
    sqlite3.connect(path).execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}").connection.commit()
    with pytest.raises(StoreError, match="made by a newer misquiz"):
        SQLiteStore(path)


@pytest.mark.parametrize("content", [b"this is not a database at all\n" * 100, b"SQLite format 3\x00" + b"\xff" * 4000])
def test_a_file_that_is_not_a_database_is_left_untouched(tmp_path, content):
    path = tmp_path / "notes.db"
    path.write_bytes(content)
    before = path.stat().st_mtime_ns
    with pytest.raises(StoreError, match="not a misquiz database"):
        SQLiteStore(path)
    assert path.read_bytes() == content and path.stat().st_mtime_ns == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.db"]


def test_a_folder_that_cannot_be_written(tmp_path):
    if os.geteuid() == 0:
        path = "/proc/misquiz/misquiz.db"  # root may write anywhere else
    else:
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o500)
        path = locked / "misquiz.db"
    with pytest.raises(StoreError, match="cannot create the database here"):
        SQLiteStore(path)


def test_a_directory_as_the_database(tmp_path):
    with pytest.raises(StoreError, match="is a directory"):
        SQLiteStore(tmp_path)


def test_a_locked_database_waits_then_says_so(tmp_path):
    path = tmp_path / "busy.db"
    SQLiteStore(path).close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    store = SQLiteStore(path, busy_timeout_ms=300)
    started = datetime.now()
    with pytest.raises(StoreError, match=r"locked by another program and stayed locked for 0\.3 seconds"):
        make(store)
    assert (datetime.now() - started).total_seconds() >= 0.25
    holder.execute("ROLLBACK")
    assert make(store) == 1  # once free, it works


def test_answers_are_stored_as_given_and_replaced_when_changed(place: Place):
    store = place.open()
    attempt = make(store, name="Anna")
    store.save_answer(attempt, "a", 4)
    store.save_answer(attempt, "b", None)
    store.save_answer(attempt, "a", 2)
    assert store.answers(attempt) == {"a": 2, "b": None}
    assert store.unfinished("h", name="anna").id == attempt
    assert store.unfinished("h") is None  # the unnamed person is someone else
    store.finish_attempt(attempt, ScoreRecord.from_json({"overall": {"score": 10.0, "profile": "p"}, "myths": []}))
    assert store.unfinished("h", name="Anna") is None


def test_history_is_newest_first_in_the_documented_shape(place: Place):
    clock = iter(datetime(2026, 1, d, tzinfo=UTC) for d in range(1, 20))
    store = place.open(clock=lambda: next(clock))
    first = make(store, name="A")
    store.save_answer(first, "a", 5)
    myths = [{"id": "m", "score": 50.0, "band": "doubt", "mixed_signals": False, "answered": 1}]
    store.finish_attempt(first, ScoreRecord.from_json({"overall": {"score": 50.0, "profile": "p"}, "myths": myths}))
    second = make(store, name="B", workshop="ws1", round="before")
    rows = store.history()
    assert [r["id"] for r in rows] == [second, first]
    assert set(rows[0]) == {
        "id",
        "started_at",
        "finished_at",
        "name",
        "workshop",
        "round",
        "language",
        "answered",
        "total",
        "overall",
        "myths",
    }
    assert rows[0]["finished_at"] is None and rows[0]["overall"] is None and rows[0]["total"] == 2
    assert rows[1]["overall"] == {"score": 50.0, "profile": "p"} and rows[1]["answered"] == 1


WRITER = textwrap.dedent(
    """
    import sys
    from misquiz.storage import open_store
    store = open_store(sys.argv[1])
    for n in range(5):
        attempt = store.start_attempt(bank_id="b", bank_version="1", bank_hash="h", language="en", seed=n,
                                      order=["a", "b"], name=sys.argv[2])
        store.save_answer(attempt, "a", 3)
        store.save_answer(attempt, "b", None)
    """
)


def test_twenty_processes_store_at_the_same_time(place: Place):
    place.open().close()  # made once, as the first server would
    procs = [
        subprocess.Popen([sys.executable, "-c", WRITER, place.where, f"p{n}"], stderr=subprocess.PIPE, text=True)
        for n in range(20)
    ]
    errors = [p.communicate(timeout=120)[1] for p in procs]
    assert all(p.returncode == 0 for p in procs), errors
    assert not any("locked" in e for e in errors)
    assert place.sql("SELECT COUNT(*) FROM attempts")[0][0] == 100
    assert place.sql("SELECT COUNT(DISTINCT name) FROM attempts")[0][0] == 20
    assert place.sql("SELECT COUNT(*) FROM answers")[0][0] == 200


def test_history_json_from_the_command_line(place: Place):
    from click.testing import CliRunner

    from misquiz.cli import main

    db = place.where
    store = place.open()
    make(store, name="<b>x</b>")
    result = CliRunner().invoke(main, ["history", "--json", "--db", str(db)])
    assert result.exit_code == 0
    [row] = json.loads(result.stdout)
    assert row["name"] == "<b>x</b>" and row["answered"] == 0
    text = CliRunner().invoke(main, ["history", "--db", str(db)])
    assert "unfinished" in text.stdout and "0/2" in text.stdout


def test_a_bad_database_path_from_the_command_line(tmp_path):
    from click.testing import CliRunner

    from misquiz.cli import main

    path = tmp_path / "notes.txt"
    path.write_text("hello\n" * 1000)
    result = CliRunner().invoke(main, ["history", "--db", str(path)])
    assert result.exit_code == 1
    assert "not a misquiz database" in result.stderr and "Traceback" not in result.output
    assert path.read_text() == "hello\n" * 1000


def test_progress_links_a_person_by_identity_never_by_name(place: Place):
    store = place.open()
    record = ScoreRecord.from_json({"overall": {"score": 10.0, "profile": "p"}, "myths": []})

    def finished(**extra) -> int:
        attempt = make(store, **extra)
        store.finish_attempt(attempt, record)
        return attempt

    # In the terminal the same person is the same name, without case and spaces; every unnamed attempt is one.
    mine = finished(name="Anna Smet")
    assert store.previous_finished(make(store, name="")) is None
    assert store.previous_finished(make(store, name="Jan")) is None
    assert store.previous_finished(make(store, name=" anna  SMET")).id == mine  # type: ignore[union-attr]
    unnamed = finished(name="")
    assert store.previous_finished(make(store, name="")).id == unnamed  # type: ignore[union-attr]
    # In a workshop only the same participant's own earlier attempt counts; names mean nothing.
    first_a = finished(name="", workshop="ws", person="tab:a")
    assert store.previous_finished(make(store, name="", workshop="ws", person="tab:b")) is None
    assert store.previous_finished(make(store, name="", workshop="ws", person="tab:a")).id == first_a  # type: ignore[union-attr]
    assert store.previous_finished(make(store, name="Anna", workshop="ws", person="tab:c")) is None


def test_three_people_on_one_database_each_resume_and_compare_only_their_own(place: Place):
    store = place.open()
    record = ScoreRecord.from_json({"overall": {"score": 10.0, "profile": "p"}, "myths": []})
    jan, els = make(store, name="Jan"), make(store, name="Els")
    for attempt in (jan, els):
        store.save_answer(attempt, "a", 4)
    store.finish_attempt(jan, record)
    # Els's unfinished attempt is offered to Els only; Piet and the unnamed person have none.
    assert store.unfinished("h", name="els").id == els  # type: ignore[union-attr]
    assert store.unfinished("h", name="Piet") is None and store.unfinished("h") is None
    assert store.unfinished("h", name="Jan") is None  # Jan's attempt is finished
    piet = make(store, name="Piet")
    assert store.previous_finished(piet) is None  # never Jan's result as Piet's progress
    assert store.previous_finished(make(store, name="JAN")).id == jan  # type: ignore[union-attr]


def test_a_participants_attempt_is_found_by_token_workshop_and_round(place: Place):
    store = place.open()
    before = make(store, workshop="ws", round="before", person="tok")
    make(store, workshop="ws", round="before", person="other")
    make(store, workshop="elsewhere", round="before", person="tok")
    store.save_answer(before, "a", 4)
    found = store.participant_attempt("h", "ws", "before", "tok")
    assert found is not None and found.id == before and found.answers == {"a": 4}
    assert store.participant_attempt("h", "ws", "after", "tok") is None
    assert store.participant_attempt("h", "ws", None, "tok") is None
    assert store.participant_attempt("other-bank", "ws", "before", "tok") is None


def test_the_server_secret_is_made_once_and_kept(place: Place):
    first = place.open().server_secret()
    assert len(first) == 32
    assert place.open().server_secret() == first  # every server on this database signs alike
    assert place.other().open().server_secret() != first


RECORD = ScoreRecord.from_json(
    {
        "overall": {"score": 60.0, "profile": "p"},
        "myths": [
            {"id": "m1", "score": 80.0, "band": "held", "mixed_signals": True, "answered": 2},
            {"id": "m2", "score": 20.0, "band": "clear", "mixed_signals": False, "answered": 2},
        ],
    }
)


def test_the_room_counts_people_and_bands_per_round(place: Place):
    store = place.open()
    for n, round_ in enumerate(["before", "before", "after", None]):
        attempt = make(store, workshop="ws", round=round_, person=f"p{n}")
        store.save_answer(attempt, "a", 4)
        if n != 1:
            store.finish_attempt(attempt, RECORD)
    make(store, workshop="other", round="before", person="x")
    counts = store.room_counts("ws")
    assert sorted(counts.people, key=lambda p: str(p.round)) == sorted(
        [("after", 1, 1, 1), ("before", 2, 1, 2), (None, 1, 1, 1)], key=lambda p: str(p[0])
    )
    bands = {(b.round, b.myth_id, b.band): (b.people, b.score_total) for b in counts.bands}
    assert bands == {
        (r, m, band): (1, score)
        for r in ("before", "after", None)
        for m, band, score in (("m1", "held", 80.0), ("m2", "clear", 20.0))
    }
    assert store.room_counts("nobody").people == ()


def test_an_attempt_is_imported_once_with_its_answers_and_scores(place: Place):
    source = place.open()
    attempt_id = make(source, name="Anna", workshop="ws", round="before", person="tok")
    source.save_answer(attempt_id, "a", 5)
    source.save_answer(attempt_id, "b", None)
    source.finish_attempt(attempt_id, RECORD)
    attempt = source.attempt(attempt_id)
    target = place.other().open()
    assert target.import_attempt(attempt) is True
    assert target.import_attempt(attempt) is False  # by uid: never twice
    [copied] = list(target.attempts())
    assert (copied.uid, copied.name, copied.answers, copied.result) == (
        attempt.uid,
        "Anna",
        {"a": 5, "b": None},
        RECORD,
    )
    assert len(target.room_counts("ws").bands) == 2


def test_every_attempt_is_listed_once_across_batches(place: Place):
    store = place.open()
    made = [make(store, seed=n) for n in range(7)]
    for attempt_id in made:
        store.save_answer(attempt_id, "a", 1 + attempt_id % 5)
    listed = list(store.attempts(batch=3))
    assert [a.id for a in listed] == made
    assert all(a.answers == {"a": 1 + a.id % 5} for a in listed)


def test_read_only_reads_and_never_writes(place: Place):
    empty = place.open(read_only=True)  # nothing there yet: reads as empty, makes nothing
    assert empty.history() == [] and empty.room_counts("ws").people == ()
    empty.close()
    store = place.open()
    make(store, name="Anna")
    reader = place.open(read_only=True)
    assert [r["name"] for r in reader.history()] == ["Anna"]
    with pytest.raises(StoreError):
        make(reader)
    assert len(place.open().history()) == 1


def test_finished_answers_are_the_raw_answers_of_finished_attempts_by_workshop_and_round(place: Place):
    store = place.open()
    made = {}
    for key, workshop, round_, finished in (
        ("before", "ws", "before", True),
        ("after", "ws", "after", True),
        ("untagged", "ws", None, True),
        ("other", "other", "before", True),
        ("busy", "ws", "before", False),
        ("other-bank", "ws", "before", True),
    ):
        attempt = make(store, workshop=workshop, round=round_, person=key, bank_id="x" if key == "other-bank" else "b")
        store.save_answer(attempt, "a", 4)
        store.save_answer(attempt, "b", None)
        if finished:
            store.finish_attempt(attempt, RECORD)
        made[key] = attempt
    rows = store.finished_answers("b", "ws", "before")
    assert sorted(rows) == [(made["before"], "a", 4), (made["before"], "b", None)]
    assert {a for a, _, _ in store.finished_answers("b", "ws")} == {made["before"], made["after"], made["untagged"]}
    assert {a for a, _, _ in store.finished_answers("b", "ws", "none")} == {made["untagged"]}
    assert len(store.finished_answers("b")) == 8  # every workshop, every round, finished only
    assert store.finished_answers("nobody") == []


def wide_bank(bank: Bank) -> Bank:
    """The tiny bank with a myth of 25 statements between its two: small myths share a slot, this one has two."""
    wide = bank.myths[0]._replace(
        id="wide", statements=tuple(Statement(f"w{n}", "fact" if n % 3 else "myth", {}) for n in range(25))
    )
    return bank._replace(id="b", myths=(bank.myths[0], wide, bank.myths[1]))


def random_answers(store, bank: Bank, rng: random.Random) -> None:
    """Attempts of two banks in two workshops (and none), three rounds, finished, unfinished and set aside,
    with "no opinion", statements the bank lacks, and attempts with no answer at all."""
    ids = [s.id for s in bank.statements] + ["not-in-the-bank", "a1-old"]
    for n in range(60):
        attempt = make(
            store,
            bank_id=rng.choice(["b", "b", "b", "other"]),
            workshop=rng.choice(["ws", "ws", "elsewhere", None]),
            round=rng.choice(["before", "after", None]),
            person=f"p{n}",
        )
        given = rng.sample(ids, rng.choice([0, 1, 2, len(ids) // 2, len(ids)]))
        for sid in given:
            store.save_answer(attempt, sid, rng.choice([None, 1, 2, 3, 4, 5, 5, 5]))
        if rng.random() < 0.8:
            store.finish_attempt(attempt, RECORD)
        if rng.random() < 0.1:
            store.abandon_attempt(attempt)


def test_the_stores_answer_patterns_are_those_of_the_raw_answers(place: Place, tiny: Bank):
    bank = wide_bank(tiny)
    store = place.open()
    random_answers(store, bank, random.Random(7))
    for workshop in ("ws", "elsewhere", None, "nobody"):
        for round_ in ("before", "after", "none", None):
            rows = store.finished_answers("b", workshop, round_)
            counted = store.answer_patterns(bank, workshop, round_)
            assert counted == answer_patterns(bank, rows), (workshop, round_)
            assert item_report(bank, counted, min_group=1) == item_statistics(bank, rows, min_group=1)
    assert store.answer_patterns(bank, "ws").attempts > 5
    assert any(len(p) == 25 and p[22] for p in store.answer_patterns(bank).myths["wide"])  # its second slot


def test_joined_means_answered_once_whichever_way_the_answer_came(place: Place):
    store = place.open()
    make(store, workshop="ws", round="before", person="only-started")
    saved = make(store, workshop="ws", round="before", person="saved")
    store.save_answer(saved, "a", None)  # "no opinion" is an answer
    store.save_answer(saved, "a", 3)
    by_hand = make(store, workshop="ws", round="before", person="by-hand")
    place.sql(
        "INSERT INTO answers (attempt_id, statement_id, value, answered_at) "
        f"VALUES ({by_hand}, 'b', 2, '2026-01-01T00:00:00+00:00')"
    )
    source = place.other().open()
    elsewhere = make(source, workshop="ws", round="before", person="imported")
    source.save_answer(elsewhere, "a", 5)
    store.import_attempt(source.attempt(elsewhere))
    set_aside = make(store, workshop="ws", round="before", person="set-aside")
    store.save_answer(set_aside, "a", 1)
    store.abandon_attempt(set_aside)
    [people] = store.room_counts("ws").people
    assert (people.joined, people.finished, people.started) == (3, 0, 4)
    assert [(w.code, w.joined) for w in store.workshops()] == [("ws", 3)]
    # the same as counting answers, attempt by attempt
    exists = place.sql(
        "SELECT COUNT(*) FROM attempts AS a WHERE workshop = 'ws' AND abandoned_at IS NULL "
        "AND EXISTS (SELECT 1 FROM answers WHERE attempt_id = a.id)"
    )
    assert exists == [(3,)]


def test_a_read_only_command_reads_an_older_database_without_changing_it(tmp_path):
    """After an upgrade, `history` or `export` read yesterday's database at once; the file is migrated only
    by a command that writes."""
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    for n in range(SCHEMA_VERSION - 1):
        conn.executescript(MIGRATIONS[n])
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION - 1}")
    conn.commit()
    conn.close()
    SQLiteStore(path, read_only=True).close()  # nothing in the old file to read: no attempt, no error
    writer = sqlite3.connect(path)
    writer.execute(
        "INSERT INTO attempts (uid, bank_id, bank_version, bank_hash, language, seed, statement_order, "
        "started_at, name) VALUES ('u1', 'b', '1', 'h', 'en', 1, '[\"a\"]', '2026-01-01T00:00:00+00:00', 'Ann')"
    )
    writer.execute("INSERT INTO answers VALUES (1, 'a', 4, '2026-01-01T00:01:00+00:00')")
    writer.commit()
    writer.close()
    before = path.read_bytes()
    store = SQLiteStore(path, read_only=True)
    assert [(r["name"], r["answered"]) for r in store.history()] == [("Ann", 1)]
    assert store.attempt(1).answers == {"a": 4}
    store.close()
    assert path.read_bytes() == before
    with sqlite3.connect(path) as check:
        assert check.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION - 1

"""`misquiz db copy` never trusts its source: only real tables, a deadline, caps, every row checked as import does.

A hostile SQLite file (an endless recursive view named like our table, a forged score, an answer out of range)
is refused with a message naming the attempt, no traceback, exit 1 and the target untouched; with
--skip-damaged the other attempts are copied and the damaged ones named.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time

import pytest

from misquiz.core.scoring import score_attempt
from misquiz.storage import open_store
from misquiz.storage.protocol import StoreError
from misquiz.storage.transfer import _deadline, _query


def there_already(n: int) -> str:
    """The part of db copy's report that counts the attempts already there."""
    from misquiz.core import catalogue

    return catalogue.t("en", "cli_copied", copied=0, source="S", target="T", present=n).rsplit("; ", 1)[-1].rstrip(".")


def misquiz(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    import os

    return subprocess.run(
        [sys.executable, "-m", "misquiz", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "LANG": "C.UTF-8", **(env or {})},
    )


def make_source(path, bank, n: int = 3) -> list[tuple[int, str]]:
    """n finished attempts on the shipped bank, each scored from its answers: (id, uid) of each."""
    store = open_store(path)
    made = []
    try:
        ids = [s.id for s in bank.statements]
        for k in range(n):
            attempt = store.start_attempt(
                bank_id=bank.id,
                bank_version=bank.version,
                bank_hash=bank.content_hash,
                language="en",
                seed=k,
                order=ids,
                name=f"person {k}",
                workshop="ws",
                round="before",
                person=f"token-{k}",
            )
            answers: dict[str, int | None] = {sid: 1 + (k + i) % 5 for i, sid in enumerate(ids)}
            for sid, value in answers.items():
                store.save_answer(attempt, sid, value)
            store.finish_attempt(attempt, score_attempt(bank, answers).record(), answers=answers)
            made.append((attempt, store.attempt(attempt).uid))
    finally:
        store.close()
    return made


def forge_score(path, attempt_id: int) -> None:
    conn = sqlite3.connect(path)
    result = json.loads(conn.execute("SELECT result FROM attempts WHERE id = ?", (attempt_id,)).fetchone()[0])
    result["overall"]["score"] = 99.0 if result["overall"]["score"] != 99.0 else 1.0
    conn.execute("UPDATE attempts SET result = ? WHERE id = ?", (json.dumps(result), attempt_id))
    conn.commit()
    conn.close()


def uids_in(path) -> set[str]:
    if not path.exists():
        return set()
    conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        return {row[0] for row in conn.execute("SELECT uid FROM attempts")}
    finally:
        conn.close()


def test_a_clean_source_is_copied_whole_once(tmp_path, bank):
    source, target = tmp_path / "source.db", tmp_path / "target.db"
    made = make_source(source, bank)
    done = misquiz("db", "copy", str(source), str(target))
    assert done.returncode == 0, done.stderr
    assert "Copied 3 results" in done.stderr
    assert uids_in(target) == {uid for _, uid in made}
    again = misquiz("db", "copy", str(source), str(target))
    assert again.returncode == 0 and "Copied 0 results" in again.stderr and there_already(3) in again.stderr


@pytest.mark.parametrize("name", ["answers", "ANSWERS"])
def test_an_endless_recursive_view_named_like_our_table_is_refused_at_once(tmp_path, bank, name):
    source, target = tmp_path / "hostile.db", tmp_path / "target.db"
    make_source(source, bank, 1)
    conn = sqlite3.connect(source)
    conn.executescript(
        "DROP TABLE answers;"
        f"CREATE VIEW {name} AS WITH RECURSIVE r(attempt_id, statement_id, value) AS "
        "(SELECT 1, 'x', 1 UNION ALL SELECT attempt_id, statement_id, value FROM r) SELECT * FROM r;"
    )
    conn.close()
    start = time.perf_counter()
    done = misquiz("db", "copy", str(source), str(target))
    seconds = time.perf_counter() - start
    assert done.returncode == 1, done.stderr
    assert "its 'answers' is a view, not a table" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
    assert seconds < 5, seconds  # measured: about 0.3 s, the start of Python included
    assert not target.exists()  # the target was never opened


def test_every_query_on_an_sqlite_source_has_a_deadline(tmp_path):
    conn = sqlite3.connect(":memory:")
    restart = _deadline(conn, lambda: time.monotonic() + 0.5)
    start = time.perf_counter()
    with pytest.raises(StoreError, match="longer than the deadline"):
        _query(
            conn,
            restart,
            "x.db",
            "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT count(*) FROM r",
        )
    assert time.perf_counter() - start < 2


def test_a_forged_score_is_refused_naming_the_attempt_and_nothing_is_copied(tmp_path, bank):
    source, target = tmp_path / "source.db", tmp_path / "target.db"
    made = make_source(source, bank)
    forged_id, forged_uid = made[1]
    forge_score(source, forged_id)
    done = misquiz("db", "copy", str(source), str(target))
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert f"result {forged_id} ({forged_uid}): result: the stored scores are not the score of its answers" in (
        done.stderr
    ), done.stderr
    assert f"Nothing was copied: 1 damaged result in {source}: {forged_id} ({forged_uid})." in done.stderr
    assert "--skip-damaged" in done.stderr
    assert not target.exists()  # all or nothing: the target was not even made


def test_with_skip_damaged_the_others_are_copied_and_the_forged_one_named(tmp_path, bank):
    source, target = tmp_path / "source.db", tmp_path / "target.db"
    made = make_source(source, bank)
    forged_id, forged_uid = made[0]
    forge_score(source, forged_id)
    done = misquiz("db", "copy", str(source), str(target), "--skip-damaged")
    assert done.returncode == 1  # not everything was copied, as import says when it refused a file
    assert "Copied 2 results" in done.stderr
    assert f"Skipped 1 damaged result, left in {source}: {forged_id} ({forged_uid})." in done.stderr
    assert uids_in(target) == {uid for _, uid in made[1:]}


@pytest.mark.parametrize("value", [7, 0, -1, "three", 2.5])
def test_an_answer_out_of_range_is_refused_and_skipped_by_name(tmp_path, bank, value):
    source, target = tmp_path / "source.db", tmp_path / "target.db"
    made = make_source(source, bank)
    bad_id, bad_uid = made[2]
    conn = sqlite3.connect(source)
    conn.execute("PRAGMA ignore_check_constraints = ON")  # as a hostile file's own schema would allow
    conn.execute("UPDATE answers SET value = ? WHERE attempt_id = ? AND statement_id = (SELECT min(statement_id) "
                 "FROM answers WHERE attempt_id = ?)", (value, bad_id, bad_id))  # fmt: skip
    conn.commit()
    conn.close()
    refused = misquiz("db", "copy", str(source), str(target))
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert f"result {bad_id} ({bad_uid}): an answer is not 1-5 or no opinion" in refused.stderr, refused.stderr
    assert not target.exists()
    skipped = misquiz("db", "copy", str(source), str(target), "--skip-damaged")
    assert "Copied 2 results" in skipped.stderr, skipped.stderr
    assert f"Skipped 1 damaged result, left in {source}: {bad_id} ({bad_uid})." in skipped.stderr
    assert uids_in(target) == {uid for _, uid in made[:2]}


def test_other_damage_is_named_each_time(tmp_path, bank):
    """Another bank, an unknown statement, a text too long, too many answers: each refused as import refuses it."""
    source, target = tmp_path / "source.db", tmp_path / "target.db"
    made = make_source(source, bank, 5)
    conn = sqlite3.connect(source)
    conn.execute("UPDATE attempts SET bank_hash = 'other' WHERE id = ?", (made[0][0],))
    conn.execute("UPDATE answers SET statement_id = 'no-such-statement' WHERE attempt_id = ? AND statement_id = "
                 "(SELECT min(statement_id) FROM answers WHERE attempt_id = ?)", (made[1][0], made[1][0]))  # fmt: skip
    conn.execute("UPDATE attempts SET name = ? WHERE id = ?", ("x" * 5000, made[2][0]))
    conn.execute("UPDATE attempts SET workshop = ? WHERE id = ?", ("y" * 2_000_000, made[3][0]))
    conn.commit()
    conn.close()
    done = misquiz("db", "copy", str(source), str(target), "--skip-damaged")
    out = done.stderr
    assert "Traceback" not in out
    assert f"result {made[0][0]} ({made[0][1]}): bank.hash: made with another bank or version" in out, out
    assert f"result {made[1][0]} ({made[1][1]}): answers.no-such-statement: unknown statement id" in out, out
    assert f"result {made[2][0]} ({made[2][1]}): name: too long: 5000 characters, at most 1000" in out, out
    assert f"result {made[3][0]} ({made[3][1]}): cannot be read (a value larger than 1,024 kB)" in out, out
    assert "Copied 1 result from" in out and "Skipped 4 damaged results" in out
    assert uids_in(target) == {made[4][1]}


def test_a_source_with_more_attempts_than_the_cap_is_refused_whole(tmp_path, bank):
    from misquiz.files.results import check_stored
    from misquiz.storage.transfer import copy_attempts

    source, target = tmp_path / "source.db", tmp_path / "target.db"
    make_source(source, bank, 3)

    def check(attempt):
        return [p.message for p in check_stored(attempt, bank, "")]

    with pytest.raises(StoreError, match="more than 2 results; nothing was copied"):
        copy_attempts(str(source), str(target), check, max_attempts=2)
    assert not target.exists()


def test_reading_a_source_has_a_deadline_in_all(tmp_path, bank):
    from misquiz.files.results import check_stored
    from misquiz.storage.transfer import copy_attempts

    source, target = tmp_path / "source.db", tmp_path / "target.db"
    make_source(source, bank, 3)

    def check(attempt):
        return [p.message for p in check_stored(attempt, bank, "")]

    with pytest.raises(StoreError, match="longer than the deadline"):
        copy_attempts(str(source), str(target), check, total_seconds=0)
    assert not target.exists()


def test_an_attempt_whose_uid_the_target_holds_with_other_content_is_named_the_others_go_on(tmp_path, bank):
    source, target = tmp_path / "src.db", tmp_path / "dst.db"
    made = make_source(source, bank, 3)
    assert misquiz("db", "copy", str(source), str(target)).returncode == 0
    conn = sqlite3.connect(target)  # the target's copy of the first attempt now says otherwise
    conn.execute("UPDATE attempts SET name = 'someone else' WHERE uid = ?", (made[0][1],))
    conn.commit()
    conn.close()
    again = misquiz("--lang", "fr", "db", "copy", str(source), str(target))
    assert again.returncode == 1 and "Traceback" not in again.stderr
    assert made[0][1] in again.stderr  # named, with its uid, in the skipped list
    assert "déjà présentes\u00a0: 2" in again.stderr and "uid" in again.stderr  # the two others: already there
    assert "someone else" in {row[0] for row in sqlite3.connect(target).execute("SELECT name FROM attempts")}

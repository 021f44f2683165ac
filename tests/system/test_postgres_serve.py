"""Several `misquiz serve` processes on one PostgreSQL: one workshop, any server for any answer.

A participant's cookie works on every server (no sticky sessions); the room and the
reports read the union; `misquiz db copy` moves results both ways, each attempt once.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys

import aiohttp

from support.postgres import postgres_server_fixture, postgres_url_fixture  # noqa: F401  (fixtures)
from support.serving import Visitor, free_port, start_server

STATEMENTS = 36


def there_already(n: int) -> str:
    """The part of db copy's report that counts the attempts already there."""
    from misquiz.core import catalogue

    return catalogue.t("en", "cli_copied", copied=0, source="S", target="T", present=n).rsplit("; ", 1)[-1].rstrip(".")


def misquiz(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "misquiz", *args], capture_output=True, text=True, timeout=120)


def serve(url: str, tmp_path, port: int) -> subprocess.Popen:
    return start_server(
        port,
        "--workshop",
        "conf",
        "--round",
        "before",
        "--db",
        url,
        env={"XDG_CACHE_HOME": str(tmp_path / "cache"), "LANG": "C.UTF-8"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


async def take_on_both(ports: list[int], value: int) -> str:
    """One participant whose every request goes to the next server in turn, as a round-robin proxy sends them."""
    jar = aiohttp.CookieJar(unsafe=True)  # cookies are per host, not per port: both servers see the same one
    sessions = [aiohttp.ClientSession(base_url=f"http://127.0.0.1:{p}", cookie_jar=jar) for p in ports]
    try:
        people = [Visitor(s, f"http://127.0.0.1:{p}") for s, p in zip(sessions, ports, strict=True)]
        await people[0].start()
        for n in range(STATEMENTS):
            person = people[(n + 1) % len(people)]
            await person.get(f"/quiz/{n + 1}")  # the other server's page for the same statement
            assert person.status == 200 and person.number == n + 1, person.url
            await person.answer(value)
        return person.url
    finally:
        for s in sessions:
            await s.close()


def test_two_servers_take_one_workshop_and_the_room_reads_the_union(postgres_url, tmp_path):
    ports = [free_port(), free_port()]
    servers = [serve(postgres_url, tmp_path, port) for port in ports]
    try:

        async def crowd() -> list[str]:
            return await asyncio.gather(*(take_on_both(ports, 1 + n % 5) for n in range(4)))

        ends = asyncio.run(crowd())
    finally:
        for server in servers:
            server.terminate()
        errors = [server.communicate(timeout=15)[1] for server in servers]
    assert all(end.endswith("/results") for end in ends), ends
    assert all("Traceback" not in e for e in errors), errors
    room = misquiz("room", "conf", "--json", "--db", postgres_url)
    assert room.returncode == 0, room.stderr
    before = json.loads(room.stdout)["rounds"]["before"]
    assert (before["joined"], before["finished"]) == (4, 4), before
    history = json.loads(misquiz("history", "--json", "--db", postgres_url).stdout)
    assert len(history) == 4 and all(row["answered"] == STATEMENTS for row in history)
    assert all(row["finished_at"] and row["round"] == "before" for row in history)


def trainer_db(path, bank, n: int = 3) -> list[str]:
    """n finished attempts on the shipped bank, scored from their answers, in a trainer's SQLite file: their uids."""
    from misquiz.core.scoring import score_attempt
    from misquiz.storage import open_store

    store = open_store(path)
    uids = []
    try:
        ids = [s.id for s in bank.statements]
        for k in range(n):
            attempt = store.start_attempt(
                bank_id=bank.id, bank_version=bank.version, bank_hash=bank.content_hash, language="en", seed=k,
                order=ids, workshop="ws", round="after", person=f"p{k}", name=f"n{k}",
            )  # fmt: skip
            answers: dict[str, int | None] = {sid: 1 + (k + i) % 5 for i, sid in enumerate(ids)}
            answers[ids[0]] = None
            for sid, value in answers.items():
                store.save_answer(attempt, sid, value)
            store.finish_attempt(attempt, score_attempt(bank, answers).record(), answers=answers)
            uids.append(store.attempt(attempt).uid)
    finally:
        store.close()
    return uids


def test_db_copy_moves_results_both_ways_each_once(postgres_url, tmp_path, bank):
    local = tmp_path / "trainer.db"
    trainer_db(local, bank)
    first = misquiz("db", "copy", str(local), postgres_url)
    assert first.returncode == 0, first.stderr
    assert "Copied 3 results" in first.stderr and "misquiz-test-only" not in first.stderr
    again = misquiz("db", "copy", str(local), postgres_url)
    assert "Copied 0 results" in again.stderr and there_already(3) in again.stderr
    rows = json.loads(misquiz("history", "--json", "--db", postgres_url).stdout)
    assert sorted(r["answered"] for r in rows) == [STATEMENTS] * 3
    assert json.loads(misquiz("room", "ws", "--round", "after", "--json", "--db", postgres_url).stdout)
    back = tmp_path / "backup.db"
    assert misquiz("db", "copy", postgres_url, str(back)).returncode == 0
    original = {
        (r["name"], r["started_at"], json.dumps(r["myths"]))
        for r in json.loads(misquiz("history", "--json", "--db", str(local)).stdout)
    }
    restored = {
        (r["name"], r["started_at"], json.dumps(r["myths"]))
        for r in json.loads(misquiz("history", "--json", "--db", str(back)).stdout)
    }
    assert original == restored


def test_db_copy_says_what_is_wrong(postgres_url, tmp_path):
    from misquiz.storage.sqlite import SQLiteStore

    SQLiteStore(tmp_path / "a.db").close()
    same = misquiz("db", "copy", str(tmp_path / "a.db"), str(tmp_path / "a.db"))
    assert same.returncode == 1 and "the same database" in same.stderr
    down = misquiz("db", "copy", str(tmp_path / "a.db"), f"postgresql://x:pw@127.0.0.1:{free_port()}/q")
    assert down.returncode == 1 and "no PostgreSQL server answers there" in down.stderr
    assert "Traceback" not in down.stderr and ":pw@" not in down.stderr


def test_db_copy_checks_every_attempt_of_a_postgresql_source(postgres_url, tmp_path, bank):
    """A forged score in the shared database is refused by name, and skipped by name with --skip-damaged."""
    import psycopg

    local = tmp_path / "trainer.db"
    uids = trainer_db(local, bank)
    assert misquiz("db", "copy", str(local), postgres_url).returncode == 0
    with psycopg.connect(postgres_url) as conn:
        (forged,) = conn.execute("SELECT id FROM attempts WHERE uid = %s", (uids[1],)).fetchone()
        conn.execute(
            "UPDATE attempts SET result = jsonb_set(result::jsonb, '{overall,score}', '99.0')::text WHERE id = %s",
            (forged,),
        )
    back = tmp_path / "back.db"
    refused = misquiz("db", "copy", postgres_url, str(back))
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert f"result {forged} ({uids[1]}): result: the stored scores are not the score of its answers" in (
        refused.stderr
    ), refused.stderr
    assert not back.exists()
    skipped = misquiz("db", "copy", postgres_url, str(back), "--skip-damaged")
    assert "Copied 2 results" in skipped.stderr, skipped.stderr
    assert "Skipped 1 damaged result, left in" in skipped.stderr and f"{forged} ({uids[1]})." in skipped.stderr


def test_db_copy_skips_a_row_a_postgresql_source_cannot_read(postgres_url, tmp_path, bank):
    import psycopg

    local = tmp_path / "trainer.db"
    uids = trainer_db(local, bank)
    assert misquiz("db", "copy", str(local), postgres_url).returncode == 0
    with psycopg.connect(postgres_url) as conn:
        (broken,) = conn.execute("SELECT id FROM attempts WHERE uid = %s", (uids[0],)).fetchone()
        conn.execute("UPDATE attempts SET statement_order = 'not json' WHERE id = %s", (broken,))
    back = tmp_path / "back.db"
    refused = misquiz("db", "copy", postgres_url, str(back))
    assert refused.returncode == 1 and "Traceback" not in refused.stderr and not back.exists()
    assert f"result {broken} ({uids[0]}): " in refused.stderr, refused.stderr
    skipped = misquiz("db", "copy", postgres_url, str(back), "--skip-damaged")
    assert "Copied 2 results" in skipped.stderr, skipped.stderr
    assert "Skipped 1 damaged result, left in" in skipped.stderr and f"{broken} ({uids[0]})." in skipped.stderr

"""A workshop code is a promise: serve says when a code is new, an after round needs its before round,
and rename and merge repair a split, in SQLite and in PostgreSQL (tests that take `place` run twice)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from click.testing import CliRunner

from misquiz.cli import main
from misquiz.core.room import close_codes, edit_distance
from misquiz.core.scoring import score_attempt
from misquiz.storage import read_room
from support.postgres import Place, place_fixture  # noqa: F401  (the fixture)
from support.quiz import answers_holding


def add(store, bank, *, workshop: str, round: str | None, person: str | None = None, name: str = "") -> int:
    answers = answers_holding(bank, {"sales-goal": (5, 1)})
    attempt = store.start_attempt(
        bank_id=bank.id,
        bank_version=bank.version,
        bank_hash=bank.content_hash,
        language="en",
        seed=1,
        order=[s.id for s in bank.statements],
        name=name,
        workshop=workshop,
        round=round,
        person=person,
    )
    store.save_answers([(attempt, sid, value) for sid, value in answers.items()])
    store.finish_attempt(attempt, score_attempt(bank, answers).record())
    return attempt


def cli(*args: str, input: str | None = None):
    return CliRunner().invoke(main, list(args), input=input)


def test_close_codes_are_two_edits_apart_without_case():
    assert edit_distance("acme-ocd", "acme-doc") == 2 and edit_distance("", "abc") == 3
    known = ["acme-doc", "ACME-DOC-22", "acme", "other", "acme-ocd"]
    assert close_codes("acme-ocd", known) == ["acme-doc"]  # "acme-doc-22" is three away
    assert close_codes("Acme-ocd", known) == ["acme-ocd", "acme-doc"]  # the same letters first, then near
    assert close_codes("zzz", known) == []


def test_serve_says_a_code_is_new_and_refuses_an_after_round_without_its_before(bank, tmp_path):
    from misquiz.storage.sqlite import SQLiteStore

    db = str(tmp_path / "s.db")
    store = SQLiteStore(db)
    add(store, bank, workshop="acme-doc", round="before", person="p" * 32)
    store.close()
    after = cli("serve", "--workshop", "acme-ocd", "--round", "after", "--db", db, "--port", "1")
    assert after.exit_code == 2
    assert "has no “Before” round" in after.stderr and "Did you mean acme-doc?" in after.stderr
    assert "Traceback" not in after.output
    # an after round for a code only seen without a before round is refused too
    untagged = cli("serve", "--workshop", "ACME-DOC", "--round", "after", "--db", db, "--port", "1")
    assert untagged.exit_code == 2 and "acme-doc" in untagged.stderr


def test_serve_names_a_new_code_before_it_serves(bank, tmp_path):
    """A subprocess: the message comes before the banner, and --new lets an after round start alone."""
    import subprocess

    from misquiz.storage.sqlite import SQLiteStore
    from support.serving import free_port, start_server

    db = str(tmp_path / "s.db")
    store = SQLiteStore(db)
    add(store, bank, workshop="acme-doc", round="before")
    store.close()
    for args in (["--workshop", "acme-ocd"], ["--workshop", "acme-ocd", "--round", "after", "--new"]):
        port = free_port()
        server = start_server(port, *args, "--db", db, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        server.terminate()
        out, err = server.communicate(timeout=20)
        assert "Workshop 'acme-ocd' is new in this database. Did you mean acme-doc?" in err, err
        assert "Join at" in out
    port = free_port()
    server = start_server(
        port, "--workshop", "acme-doc", "--round", "after", "--db", db,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    server.terminate()
    out, err = server.communicate(timeout=20)
    assert "Join at" in out and "is new" not in err and "no before round" not in err


def test_rename_moves_every_attempt_and_its_join_address(place: Place, bank):
    store = place.open()
    made = [add(store, bank, workshop="acme-ocd", round="after", person=f"{n}" * 32) for n in range(3)]
    add(store, bank, workshop="acme-doc", round="before", person="0" * 32)
    store.set_join_address("acme-ocd", "http://192.0.2.1:8000/")
    store.change_session("acme-ocd", "after", lambda state: replace(state, closed=True))
    store.close()
    taken = cli("workshop", "rename", "acme-ocd", "acme-doc", "--db", place.where)
    assert taken.exit_code == 1 and "already exists" in taken.stderr and "workshop merge" in taken.stderr
    done = cli("workshop", "rename", "acme-ocd", "acme-2026", "--db", place.where)
    assert done.exit_code == 0 and "Renamed workshop acme-ocd to acme-2026: 3 results" in done.stdout
    store = place.open()
    assert {store.attempt(a).workshop for a in made} == {"acme-2026"}  # type: ignore[union-attr]
    assert read_room(store, bank, "acme-2026").rounds["after"].finished == 3
    assert read_room(store, bank, "acme-ocd").empty
    assert store.join_address("acme-2026") == "http://192.0.2.1:8000/" and store.join_address("acme-ocd") is None
    assert store.session_state("acme-2026", "after").closed and not store.session_state("acme-ocd", "after").closed
    store.close()
    unknown = cli("workshop", "rename", "acme-ocx", "new", "--db", place.where)
    assert unknown.exit_code == 1 and "did you mean acme-doc" in unknown.stderr


def test_merge_refuses_one_participant_twice_in_a_round_unless_told_whose_to_keep(place: Place, bank):
    store = place.open()
    add(store, bank, workshop="acme", round="before", person="a" * 32)
    both_after = add(store, bank, workshop="acme", round="after", person="b" * 32)
    split = [add(store, bank, workshop="acme-ocd", round="after", person=p * 32) for p in "bcd"]
    store.change_session("acme-ocd", "after", lambda state: replace(state, closed=True))
    store.close()
    nowhere = cli("workshop", "merge", "acme-ocd", "acme-x", "--db", place.where)
    assert nowhere.exit_code == 1 and "no workshop 'acme-x' to merge into" in nowhere.stderr
    assert "did you mean acme?" in nowhere.stderr
    refused = cli("workshop", "merge", "acme-ocd", "acme", "--db", place.where)
    assert refused.exit_code == 1 and "nothing was merged" in refused.stderr
    assert f"“After” round: result {split[0]} in acme-ocd, {both_after} in acme" in refused.stderr
    assert "--keep from or --keep into" in refused.stderr
    store = place.open()
    assert read_room(store, bank, "acme-ocd").rounds["after"].finished == 3  # nothing moved
    store.close()
    kept = cli("workshop", "merge", "acme-ocd", "acme", "--keep", "from", "--db", place.where)
    assert kept.exit_code == 0, kept.output
    assert "Merged 3 results of acme-ocd into acme; deleted 1 result of acme" in kept.stdout
    store = place.open()
    room = read_room(store, bank, "acme")
    assert room.rounds["after"].finished == 3 and room.rounds["before"].finished == 1
    assert store.attempt(both_after) is None and store.attempt(split[0]) is not None
    assert read_room(store, bank, "acme-ocd").empty
    assert not store.session_state("acme", "after").closed  # the target's live session stands
    assert not store.session_state("acme-ocd", "after").closed
    store.close()


def test_merge_keeping_into_drops_the_source_attempt(place: Place, bank):
    store = place.open()
    theirs = add(store, bank, workshop="acme", round="after", person="b" * 32)
    mine = add(store, bank, workshop="acme-ocd", round="after", person="b" * 32)
    add(store, bank, workshop="acme-ocd", round="before", person="b" * 32)  # another round: no clash
    store.close()
    kept = cli("workshop", "merge", "acme-ocd", "acme", "--keep", "into", "--db", place.where)
    assert kept.exit_code == 0 and "Merged 1 result" in kept.stdout and "deleted 1 result of acme-ocd" in kept.stdout
    store = place.open()
    assert store.attempt(mine) is None and store.attempt(theirs) is not None
    assert sorted(read_room(store, bank, "acme").rounds) == ["after", "before"]
    store.close()


def test_delete_names_the_attempt_and_refuses_one_of_another_workshop(place: Place, bank):
    store = place.open()
    mine = add(store, bank, workshop="test", round="before", name="Ann")
    other = add(store, bank, workshop="real", round="before")
    store.close()
    wrong = cli("workshop", "delete", "test", "--attempt", str(other), "--db", place.where, input="y\n")
    assert wrong.exit_code == 1 and "no such result in test" in wrong.stderr and "Delete" not in wrong.stdout
    missing = cli("workshop", "delete", "test", "--attempt", "99999", "--db", place.where, input="y\n")
    assert missing.exit_code == 1 and "no such result in test" in missing.stderr
    asked = cli("workshop", "delete", "test", "--attempt", str(mine), "--db", place.where, input="n\n")
    count = len(bank.statements)
    assert f"Delete result {mine} of workshop test ('Ann', round: Before, " in asked.stdout
    assert f"{count} of {count} answers, finished)?" in asked.stdout and "Nothing was deleted" in asked.stdout
    gone = cli("workshop", "delete", "test", "--attempt", str(mine), "--db", place.where, input="y\n")
    assert gone.exit_code == 0 and "Deleted 1 result" in gone.stdout


@pytest.mark.parametrize(
    "command",
    [
        ["workshop", "delete", "x", "--yes"],
        ["workshop", "delete", "x", "--attempt", "1", "--yes"],
        ["workshop", "retag", "x", "--from", "none", "--to", "before"],
        ["workshop", "rename", "x", "y"],
        ["workshop", "merge", "x", "y"],
        ["workshop", "list"],
    ],
)
def test_no_housekeeping_command_makes_a_database(tmp_path, command):
    db = tmp_path / "never.db"
    result = cli(*command, "--db", str(db))
    assert "Traceback" not in result.output and not db.exists() and not list(tmp_path.iterdir())
    assert result.exit_code == (0 if command[1] == "list" else 1)


def test_a_port_in_use_is_still_said_first_and_alone_for_a_new_code(tmp_path):
    import socket
    import subprocess
    import sys

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [sys.executable, "-m", "misquiz", "serve", "--workshop", "brand-new", "--port", str(port),
             "--db", str(tmp_path / "s.db")],
            capture_output=True, text=True, timeout=30,
        )  # fmt: skip
    assert done.returncode == 1 and done.stdout == "" and done.stderr.startswith("misquiz: cannot listen")
    assert "is new" not in done.stderr

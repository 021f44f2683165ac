"""The trainer's side in the trainer's language (issue 23, point 4): `workshop`, `history`, `items`, `room` and
their questions and refusals follow --lang, with no English sentence of the English catalogue on the screen."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from misquiz.cli import main
from misquiz.core import catalogue
from misquiz.core.scoring import score_attempt
from support.quiz import answers_holding


def add(store, bank, *, workshop: str, round: str | None, name: str = "") -> int:
    answers = answers_holding(bank, {"sales-goal": (5, 1)})
    attempt = store.start_attempt(
        bank_id=bank.id, bank_version=bank.version, bank_hash=bank.content_hash, language="en", seed=1,
        order=[s.id for s in bank.statements], name=name, workshop=workshop, round=round, person=None,
    )  # fmt: skip
    store.save_answers([(attempt, sid, value) for sid, value in answers.items()])
    store.finish_attempt(attempt, score_attempt(bank, answers).record())
    return attempt


def english_sentences(lang: str) -> set[str]:
    """Every stretch of three words or more between placeholders in the English catalogue, unless the
    language's own text of that key has it too (a command like `misquiz workshop list`)."""
    own = catalogue.strings(lang)
    found: set[str] = set()
    for key, text in catalogue.strings("en").items():
        for part in re.split(r"\{[a-z_]+\}", text):
            part = part.strip(" .,;:()'\"“”")
            if len(re.findall(r"[A-Za-z]+", part)) >= 3 and part not in own.get(key, ""):
                found.add(part)
    return found


@pytest.fixture
def where(tmp_path, bank) -> str:
    from misquiz.storage.sqlite import SQLiteStore

    path = str(tmp_path / "results.sqlite3")
    store = SQLiteStore(path)
    add(store, bank, workshop="acme", round="before", name="Ann")
    add(store, bank, workshop="bakery", round=None)
    store.close()
    return path


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_trainer_commands_speak_the_language_asked(where, lang):
    runs = {
        "workshop list": (["workshop", "list"], None),
        "history": (["history"], None),
        "workshop delete": (["workshop", "delete", "acme", "--attempt", "1"], "n\n"),
        "workshop delete all": (["workshop", "delete", "acme"], "\n"),
        "items, too few": (["items", "acme"], None),
        "room, no one": (["room", "nobody-here"], None),
        "unknown workshop": (["workshop", "close", "acmee"], None),
        "unknown, far": (["items", "zzzzzzzz"], None),
        "retag": (["workshop", "retag", "acme", "--from", "before", "--to", "after"], None),
        "rename taken": (["workshop", "rename", "acme", "bakery"], None),
        "merge into nothing": (["workshop", "merge", "acme", "nothing-there"], None),
    }
    english = english_sentences(lang)
    for what, (args, given) in runs.items():
        result = CliRunner().invoke(main, [*args, "--lang", lang, "--db", where], input=given)
        assert result.exception is None or isinstance(result.exception, SystemExit), (what, result.exception)
        shown = result.stdout + result.stderr
        assert shown.strip(), what
        leaked = sorted(sentence for sentence in english if sentence in shown)
        assert not leaked, (what, leaked, shown)
        if lang == "fr":
            assert not re.search(r"[^\s\u00a0][:;?!](\s|$)", shown.replace("://", "")), (what, shown)


def test_the_delete_question_takes_the_language_s_yes(where):
    asked = CliRunner().invoke(main, ["workshop", "delete", "acme", "--lang", "fr", "--db", where], input="oui\n")
    assert asked.exit_code == 0 and "[o/N]\u00a0:" in asked.stdout and "1 participation supprimée." in asked.stdout
    assert "Supprimer toutes les participations de l'atelier acme\u00a0?" in asked.stdout


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_serve_s_banner_status_and_end_speak_the_language_asked(tmp_path, lang):
    import signal
    import subprocess
    import sys
    import time

    from support.serving import free_port, start_server

    port = free_port()
    db = str(tmp_path / "s.db")
    args = ["--workshop", "mon", "--round", "before", "--lang", lang, "--db", db, "--new"]
    server = start_server(port, *args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        time.sleep(1.0)
    finally:
        server.send_signal(signal.SIGTERM)
        out, err = server.communicate(timeout=10)
    assert server.returncode == 0
    said = catalogue.t(lang, "serve_status", joined=0, mid=0, finished=0, refused=0)
    assert said in out and catalogue.t(lang, "serve_ended", joined=0, finished=0) in out
    assert catalogue.t(lang, "serve_title_round", code="mon", round=catalogue.t(lang, "cli_round_before")) in out
    text = (out + err).replace("█", "").replace("▀", "").replace("▄", "")
    leaked = sorted(sentence for sentence in english_sentences(lang) if sentence in text)
    assert not leaked, (leaked, text)
    if lang == "fr":
        assert not re.search(r"[^\s\u00a0][:;?!](\s|$)", text.replace("://", "")), text
    busy = free_port()
    occupied = start_server(busy, "--workshop", "mon", "--lang", lang, "--db", db, stdout=subprocess.PIPE)
    try:
        taken = subprocess.run(
            [sys.executable, "-m", "misquiz", "serve", "--port", str(busy), "--workshop", "mon", "--lang", lang,
             "--db", db],
            capture_output=True, text=True, timeout=30,
        )  # fmt: skip
    finally:
        occupied.send_signal(signal.SIGTERM)
        occupied.communicate(timeout=10)
    in_use = catalogue.t(lang, "serve_port_in_use", other=busy + 1)
    assert taken.returncode == 1 and in_use in taken.stderr, taken.stderr
    assert not [sentence for sentence in english_sentences(lang) if sentence in taken.stderr], taken.stderr

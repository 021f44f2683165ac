"""One core, many faces: the same answers through the core, the TUI and plain mode store the same thing,
and one advice plan reads the same in every renderer."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from misquiz.cli import main
from misquiz.core.advice import advice_plan
from misquiz.core.catalogue import t
from misquiz.core.quiz import QuizOptions
from misquiz.core.scoring import score_attempt
from misquiz.files.bank import load_bank
from misquiz.render.report import html_page, markdown
from misquiz.render.text import plan_text
from misquiz.storage.recording import open_quiz
from misquiz.storage.sqlite import SQLiteStore
from misquiz.tui.screens.results import ResultsScreen
from support.quiz import quiz_app

SEED = 3


def scripted(bank) -> dict[str, int | None]:
    """Every kind of answer, no opinion included, so that each section of the advice has something."""
    values = [5, 4, 1, 2, 0, 3, 5, 1, 4]
    return {s.id: (None if (v := values[i % len(values)]) == 0 else v) for i, s in enumerate(bank.statements)}


def stored(db) -> tuple:
    store = SQLiteStore(db)
    [row] = store.history()
    attempt = store.attempt(int(row["id"]))  # type: ignore[call-overload]  # history rows are JSON objects
    store.close()
    assert attempt is not None and attempt.finished_at is not None
    return attempt.seed, attempt.order, attempt.answers, attempt.result, attempt.language, attempt.name


async def test_core_tui_and_plain_store_the_same_attempt(tmp_path, bank):
    answers = scripted(bank)
    # the core alone
    store = SQLiteStore(tmp_path / "core.db")
    session = open_quiz(bank, QuizOptions("en", SEED, "Anna"), store)
    session.begin()
    while not session.finished:
        value = answers[session.current.id]
        session.answer(0 if value is None else value)
    store.close()
    # the full-screen app, by its keys
    app = quiz_app(bank, lang="en", seed=SEED, store=SQLiteStore(tmp_path / "tui.db"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"Anna", "enter")
        for statement_id in list(app.session.order):
            value = answers[statement_id]
            await pilot.press("0" if value is None else str(value))
        await pilot.pause()
        assert isinstance(app.screen, ResultsScreen)
    # plain mode, in a process of its own
    lines = ["0" if (v := answers[sid]) is None else str(v) for sid in session.order]
    env = {**os.environ, "MISQUIZ_DB": str(tmp_path / "plain.db"), "XDG_CACHE_HOME": str(tmp_path / "c")}
    proc = subprocess.run(
        [sys.executable, "-m", "misquiz", "take", "--plain", "--seed", str(SEED), "--lang", "en", "--name", "Anna"],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    core, tui, plain = stored(tmp_path / "core.db"), stored(tmp_path / "tui.db"), stored(tmp_path / "plain.db")
    assert core == tui == plain
    assert core[3] == score_attempt(bank, answers).record()


def test_plain_mode_finishes_an_attempt_that_stopped_after_its_last_answer(tmp_path, bank):
    """Regression: plain mode asked the last statement again and left the attempt unfinished."""
    db = tmp_path / "q.db"
    store = SQLiteStore(db)
    session = open_quiz(bank, QuizOptions("en", SEED, "Anna"), store)
    session.begin()
    session.recorder = None  # the process dies between the last answer and the result
    for statement_id in session.order:
        store.save_answer(session.attempt_id, statement_id, 4)  # type: ignore[arg-type]  # begin() set it
    # the process that answered is gone (this test process stands in for it, so say so)
    store.conn.execute("UPDATE attempts SET held_by = ?", (store.holder.split(":")[0] + ":999999999:1",))
    store.close()
    env = {**os.environ, "MISQUIZ_DB": str(db), "XDG_CACHE_HOME": str(tmp_path / "c")}
    proc = subprocess.run(
        [sys.executable, "-m", "misquiz", "take", "--plain", "--lang", "en", "--name", "Anna", "--resume"],
        input="",  # a pipe asks nothing: --resume carries on
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Your answer (1-5" not in proc.stdout  # no statement is asked again
    assert "Overall:" in proc.stdout
    _, order, answers, result, _, _ = stored(db)
    assert result == score_attempt(bank, answers).record() and len(answers) == len(order)


def test_room_report_falls_back_to_a_language_the_bank_has(tmp_path, tiny):
    """Regression: `room CODE --bank en-only.yaml --lang nl --export out.md` died with a KeyError."""
    data = yaml.safe_load(Path(tiny.source).read_text(encoding="utf-8"))

    def english_only(node):
        if isinstance(node, dict):
            if set(node) == {"en", "nl"}:
                return {"en": node["en"]}
            return {k: english_only(v) for k, v in node.items()}
        if isinstance(node, list):
            return [english_only(v) for v in node]
        return node

    only_en = english_only(data)
    only_en["bank"]["languages"] = ["en"]
    bank_file = tmp_path / "en-only.yaml"
    bank_file.write_text(yaml.safe_dump(only_en, allow_unicode=True), encoding="utf-8")
    english = load_bank(bank_file)
    store = SQLiteStore(tmp_path / "r.db")
    for _ in range(3):  # a room with results, so that the report names the myths
        session = open_quiz(english, QuizOptions("en", SEED, workshop="ws"), store)
        session.begin()
        while not session.finished:
            session.answer(4)
    store.close()
    env = {"MISQUIZ_DB": str(tmp_path / "r.db"), "XDG_CACHE_HOME": str(tmp_path / "c")}
    for suffix in ("md", "html", "csv"):
        out = tmp_path / f"out.{suffix}"
        result = CliRunner().invoke(
            main, ["room", "ws", "--bank", str(bank_file), "--lang", "nl", "--export", str(out)], env=env
        )
        assert result.exit_code == 0, result.output
        assert english.myths[0].title["en"] in out.read_text(encoding="utf-8")


@pytest.mark.parametrize("lang", ["en", "nl"])
async def test_one_plan_reads_the_same_in_every_renderer(bank, lang):
    answers = scripted(bank)
    answers[bank.myths[0].statements[0].id] = 5  # a mixed signal: agree with a myth item
    answers[bank.myths[0].statements[1].id] = 5  # ... and with a fact item of the same myth
    for s in bank.myths[-1].statements:
        answers[s.id] = None  # one myth not assessed
    plan = advice_plan(
        bank, score_attempt(bank, answers), lang, name="", progress=None, taken_at="2026-03-03T09:00:00+00:00"
    )
    keys = {s.key for s in plan.sections}
    assert keys == {"priorities", "second_look", "clear", "not_assessed"}, "the scripted answers reach every section"
    assert plan.mixed_note and plan.coverage
    rendered = {"text": plan_text(plan), "markdown": markdown(plan), "html": html_page(plan)}
    app = quiz_app(bank, lang=lang, seed=SEED)
    async with app.run_test(size=(100, 60)) as pilot:
        await pilot.press("enter")
        for statement_id in list(app.session.order):
            if statement_id in answers:
                value = answers[statement_id]
                await pilot.press("0" if value is None else str(value))
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ResultsScreen)
        rendered["tui"] = "\n".join(str(w.render()) for w in screen.query("Static, MythRow"))
    for face, text in rendered.items():
        for section in plan.sections:
            assert section.title in text, f"{face} lacks the section {section.key}"
            for item in section.items:
                assert item.title.split()[0] in text, f"{face} lacks {item.id} in {section.key}"
        assert plan.profile_title in text, face
        first_action = plan.sections[0].items[0].actions[0] if plan.sections[0].items else None
        if first_action:
            assert first_action.split()[0] in text, face
        assert t(lang, "mixed_note")[:20] in text or face == "markdown", face
        assert (plan.coverage or "")[:20] in text, face

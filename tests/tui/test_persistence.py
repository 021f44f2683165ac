"""Results that last: a crash loses nothing, resuming restores everything, results travel."""

from __future__ import annotations

import json
import os
import pty
import re
import select
import signal
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from markdown_it import MarkdownIt

from misquiz.cli import main
from misquiz.storage.sqlite import SQLiteStore
from misquiz.tui.screens.question import QuestionScreen
from misquiz.tui.screens.results import ResultsScreen
from misquiz.tui.screens.resume import ResumeScreen
from misquiz.tui.widgets.myth_row import MythRow
from support.quiz import answer_all, answers_holding, quiz_app

SIZE = (80, 24)
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][AB012]|\x1b[=>]")


class Terminal:
    """misquiz in a real pseudo-terminal, as a person would run it."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child
            os.execvpe(sys.executable, [sys.executable, "-m", "misquiz", *args], env)
        self.screen = ""

    def read_until(self, text: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while text not in ANSI.sub("", self.screen):
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"{text!r} never appeared; last output: {ANSI.sub('', self.screen)[-500:]!r}")
            ready, _, _ = select.select([self.fd], [], [], left)
            if ready:
                try:
                    self.screen += os.read(self.fd, 65536).decode("utf-8", "replace")
                except OSError:
                    break

    def type(self, keys: str) -> None:
        os.write(self.fd, keys.encode())

    def kill(self) -> None:
        os.kill(self.pid, signal.SIGKILL)
        os.waitpid(self.pid, 0)
        os.close(self.fd)


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_sigkill_loses_no_answer_and_the_next_start_resumes(tmp_path, bank):
    db = tmp_path / "crash.db"
    env = {**os.environ, "MISQUIZ_DB": str(db), "TERM": "xterm-256color", "COLUMNS": "80", "LINES": "24"}
    env["XDG_CACHE_HOME"] = str(tmp_path / "cache")
    term = Terminal(["--seed", "5", "--lang", "en"], env)
    try:
        term.read_until("Start", timeout=60)
        term.type("Anna\r")
        term.read_until("1 / 36")
        given = ["4", "2", "0", "5", "1", "3", "4"]
        for n, key in enumerate(given, start=2):
            term.type(key)
            term.read_until(f"{n} / 36")  # the next statement is on screen: the answer was shown as given
    finally:
        term.kill()
    store = SQLiteStore(db)
    [attempt] = [store.attempt(row["id"]) for row in store.history()]
    expected = {sid: (None if k == "0" else int(k)) for sid, k in zip(attempt.order, given, strict=False)}
    assert attempt.answers == expected
    assert attempt.name == "Anna" and attempt.finished_at is None and attempt.seed == 5


async def test_resuming_restores_order_answers_and_place(tmp_path, bank):
    store = SQLiteStore(tmp_path / "r.db")
    first = quiz_app(bank, lang="nl", seed=9, store=store)
    async with first.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "4", "2", "0", "l")
        order, answers = list(first.session.order), dict(first.session.answers)
    again = quiz_app(bank, lang="en", seed=1, store=SQLiteStore(tmp_path / "r.db"))
    async with again.run_test(size=SIZE) as pilot:
        await pilot.press("enter")  # Start on the welcome: the unnamed person's attempt is offered
        assert isinstance(again.screen, ResumeScreen)
        assert "3 of 36 statements answered" in str(again.screen.query("Static")[2].content)
        await pilot.press("enter")
        assert isinstance(again.screen, QuestionScreen)
        s = again.session
        assert (s.order, s.answers, s.position, s.lang, s.seed) == (order, answers, 3, "en", 9)
        await pilot.press("left")
        assert again.screen.query_one("#answer-0").has_class("-selected")


async def test_starting_fresh_sets_the_unfinished_attempt_aside(tmp_path, bank):
    store = SQLiteStore(tmp_path / "f.db")
    async with quiz_app(bank, lang="en", seed=9, store=store).run_test(size=SIZE) as pilot:
        await pilot.press("enter", "4")
    app = quiz_app(bank, lang="en", seed=2, store=store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        assert isinstance(app.screen, ResumeScreen)
        await pilot.press("n", "3")
        assert isinstance(app.screen, QuestionScreen)
        assert app.session.seed == 2 and len(app.session.answers) == 1
    assert store.unfinished(bank.content_hash).seed == 2


async def test_results_show_the_change_since_the_previous_result(tmp_path, bank):
    now = [datetime(2026, 3, 3, 9, tzinfo=UTC)]
    store = SQLiteStore(tmp_path / "p.db", clock=lambda: now[0])
    before = answers_holding(bank, {"sales-goal": (5, 1)})
    after = answers_holding(bank, {"sales-goal": (4, 2)})
    async with quiz_app(bank, lang="en", seed=1, name="Anna", store=store).run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        await answer_all(pilot, before)
    now[0] = datetime(2026, 6, 3, 9, tzinfo=UTC)
    app = quiz_app(bank, lang="en", seed=2, name="Anna", store=store)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("enter")
        await answer_all(pilot, after)
        assert isinstance(app.screen, ResultsScreen)
        row = next(r for r in app.screen.query(MythRow) if r.row.id == "sales-goal")
        assert row.row.change == -25
        assert "▼ 25" in str(row.render())
        hint = "\n".join(str(w.content) for w in app.screen.query(".hint"))
        assert "Change since 3 March 2026, in points: ▲ a stronger hold" in hint


async def test_results_save_markdown_and_html_and_say_where(tmp_path, bank, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the toast says the path from here: short enough to read whole
    app = quiz_app(bank, lang="en", seed=1, name="Anna", export_dir=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        await answer_all(pilot, answers_holding(bank, {"more-posts": (5, 1)}))
        await pilot.press("m", "h")
        await pilot.pause()
        messages = [n.message for n in app._notifications]
    files = sorted(p.name for p in tmp_path.iterdir())
    assert len(files) == 2 and files[0].endswith(".html") and files[1].endswith(".md")
    assert any(m == f"Saved to {files[1]}" for m in messages), messages
    plan = (tmp_path / files[1]).read_text(encoding="utf-8")
    assert plan.startswith("# Your social media action plan — Anna")
    assert "### 1. The more we post, the better (100/100, still believed)" in plan
    assert "- [ ] Draw up a simple content calendar" in plan


def run(*args: str):
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


async def _finished_attempt(db: Path, bank, name: str) -> int:
    app = quiz_app(bank, lang="nl", seed=4, name=name, store=SQLiteStore(db))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        await answer_all(pilot, answers_holding(bank, {"sales-goal": (5, 2), "no-plan": (3, 3)}))
        return app.session.attempt_id


async def test_export_then_import_into_an_empty_database_gives_the_same_scores(tmp_path, bank):
    source = tmp_path / "laptop.db"
    attempt = await _finished_attempt(source, bank, "Anna")
    out = tmp_path / "anna.json"
    assert run("export", str(attempt), "--format", "json", "-o", str(out), "--db", str(source)).exit_code == 0
    exported = json.loads(out.read_text(encoding="utf-8"))
    assert exported["bank"]["hash"] == bank.content_hash and exported["seed"] == 4 and len(exported["order"]) == 36
    target = tmp_path / "trainer.db"
    result = run("import", str(out), "--workshop", "ws-1", "--db", str(target))
    assert result.exit_code == 0 and "Imported: 1 ·" in result.stdout
    again = run("import", str(out), "--db", str(target))
    assert "already present: 1" in again.stdout
    [row] = json.loads(run("history", "--json", "--db", str(target)).stdout)
    [original] = json.loads(run("history", "--json", "--db", str(source)).stdout)
    assert row["overall"] == original["overall"] == exported["scores"]["overall"]
    assert row["myths"] == original["myths"] and row["workshop"] == "ws-1"


async def test_html_export_escapes_a_hostile_name(tmp_path, bank):
    db = tmp_path / "x.db"
    await _finished_attempt(db, bank, "<script>alert(1)</script>")
    page = run("export", "latest", "--format", "html", "--db", str(db)).stdout
    assert "<script" not in page.lower() and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "http://" not in page and "https://" not in page  # nothing loads from elsewhere
    plan = run("export", "latest", "--format", "md", "--db", str(db)).stdout
    assert "\\<script>alert(1)\\</script>" in plan  # a tag escaped once: not HTML to a renderer
    assert "<script" not in MarkdownIt("commonmark").render(plan)


async def test_import_reports_each_bad_file_and_stores_nothing_from_it(tmp_path, bank):
    db = tmp_path / "src.db"
    await _finished_attempt(db, bank, "Bo")
    good = tmp_path / "good.json"
    run("export", "latest", "--format", "json", "-o", str(good), "--db", str(db))
    data = json.loads(good.read_text(encoding="utf-8"))
    bad_files = {
        "not-json.json": "{ this is not json",
        "wrong-shape.json": json.dumps([1, 2, 3]),
        "other-bank.json": json.dumps({**data, "uid": "x" * 12, "bank": {**data["bank"], "hash": "sha256:0"}}),
        "bad-answer.json": json.dumps({**data, "uid": "y" * 12, "answers": {**data["answers"], "sales-goal-1": 9}}),
        "unknown-id.json": json.dumps({**data, "uid": "z" * 12, "answers": {"nope": 3}}),
    }
    for name, text in bad_files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    target = tmp_path / "t.db"
    paths = [str(tmp_path / n) for n in bad_files] + [str(good)]
    result = run("import", *paths, "--db", str(target))
    assert result.exit_code == 1
    assert "Imported: 1 · already present: 0 · refused: 5." in result.stdout
    for name in bad_files:
        assert name in result.stderr
    assert "made with another bank or version" in result.stderr
    assert "answers.sales-goal-1: expected 1 to 5, or null for no opinion" in result.stderr
    assert "answers.nope: unknown statement id 'nope'" in result.stderr
    assert [r["name"] for r in json.loads(run("history", "--json", "--db", str(target)).stdout)] == ["Bo"]


async def test_resuming_an_attempt_stopped_after_its_last_answer_finishes_it(tmp_path, bank):
    store = SQLiteStore(tmp_path / "last.db")
    order = [s.id for s in bank.statements]
    attempt = store.start_attempt(
        bank_id=bank.id, bank_version=bank.version, bank_hash=bank.content_hash, language="en", seed=2, order=order
    )
    for sid in order:
        store.save_answer(attempt, sid, 3)
    app = quiz_app(bank, lang="en", store=store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "enter")  # Start, then carry on
        await pilot.pause()
        assert isinstance(app.screen, ResultsScreen)
    [row] = store.history()
    assert row["finished_at"] is not None and row["overall"]["score"] == 50.0


async def test_quitting_with_a_database_says_the_answers_are_kept(tmp_path, bank):
    from misquiz.tui.screens.confirm import ConfirmScreen

    app = quiz_app(bank, lang="en", seed=1, store=SQLiteStore(tmp_path / "q.db"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "3", "q")
        assert isinstance(app.screen, ConfirmScreen)
        assert app.screen.detail.startswith("Your answers so far are kept")


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_a_bare_misquiz_is_take_with_every_default(tmp_path, bank):
    """`misquiz` alone skips the command-line parser for speed; it must still honour what `take` honours."""
    db = tmp_path / "bare.db"
    env = {**os.environ, "MISQUIZ_DB": str(db), "TERM": "xterm-256color", "COLUMNS": "80", "LINES": "24"}
    env.update(LC_ALL="", LC_MESSAGES="", LANG="nl_NL.UTF-8", XDG_CACHE_HOME=str(tmp_path / "cache"))
    term = Terminal([], env)
    try:
        term.read_until("Beginnen", timeout=60)  # the locale's language
        term.type("Bram\r")
        term.read_until("1 / 36")
        term.type("4")
        term.read_until("2 / 36")
    finally:
        term.kill()
    [row] = SQLiteStore(db).history()  # $MISQUIZ_DB, as `take` reads it
    attempt = SQLiteStore(db).attempt(row["id"])
    assert (attempt.name, attempt.language, len(attempt.answers)) == ("Bram", "nl", 1)
    assert attempt.workshop is None and attempt.round is None


async def test_the_welcome_never_fills_in_the_last_persons_name(tmp_path, bank):
    from textual.widgets import Input

    from misquiz.core.quiz import QuizOptions
    from misquiz.tui.app import build_app

    db = tmp_path / "n.db"
    async with quiz_app(bank, lang="en", seed=1, name="Ada Lovelace", store=SQLiteStore(db)).run_test(
        size=SIZE
    ) as pilot:
        await pilot.press("enter")
        await answer_all(pilot, answers_holding(bank, {}))
    for typed in ("", "Grace"):  # as the CLI builds it: the database opens late
        app = build_app(bank, QuizOptions("en", 2, typed), open_store=lambda: SQLiteStore(db))
        async with app.run_test(size=SIZE) as pilot:
            await app.store_ready.wait()
            await pilot.pause()
            assert app.screen.query_one("#name", Input).value == typed
        app.store.close()


async def _leave_unfinished(db: Path, bank, name: str, answers: list[str]) -> None:
    app = quiz_app(bank, lang="en", seed=7, name=name, store=SQLiteStore(db))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", *answers)


async def test_three_people_on_one_database_each_get_only_their_own_attempt_and_progress(tmp_path, bank):
    """Jan finishes, Els stops half-way, Piet comes new: nobody is offered or compared with another's attempt."""
    from misquiz.tui.screens.welcome import WelcomeScreen

    db = tmp_path / "shop.db"
    async with quiz_app(bank, lang="en", seed=1, name="Jan", store=SQLiteStore(db)).run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        await answer_all(pilot, answers_holding(bank, {"sales-goal": (5, 1)}))
    await _leave_unfinished(db, bank, "Els", ["4", "2"])
    # Piet: no offer to carry on with Els's attempt, and no progress against Jan's result.
    piet = quiz_app(bank, lang="en", seed=3, name="Piet", store=SQLiteStore(db))
    async with piet.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        assert isinstance(piet.screen, QuestionScreen) and piet.session.answers == {}
        await answer_all(pilot, answers_holding(bank, {}))
        assert isinstance(piet.screen, ResultsScreen)
        assert all(row.row.change is None for row in piet.screen.query(MythRow))
    # A name typed on the welcome (Els, in other case and spacing) starts that person's own attempt.
    els = quiz_app(bank, lang="en", seed=4, store=SQLiteStore(db))
    async with els.run_test(size=SIZE) as pilot:
        assert isinstance(els.screen, WelcomeScreen)
        await pilot.click("#name")
        await pilot.press(*" eLS ")
        await pilot.press("enter")
        assert isinstance(els.screen, ResumeScreen)
        text = " ".join(str(w.content) for w in els.screen.query("Static"))
        assert "Welcome back, Els" in text and "2 of 36" in text
        await pilot.press("enter")
        assert els.session.name == "Els" and len(els.session.answers) == 2
    # Jan again: progress against his own first result only.
    jan = quiz_app(bank, lang="en", seed=5, name="jan", store=SQLiteStore(db))
    async with jan.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        assert isinstance(jan.screen, QuestionScreen)
        await answer_all(pilot, answers_holding(bank, {"sales-goal": (4, 2)}))
        row = next(r for r in jan.screen.query(MythRow) if r.row.id == "sales-goal")
        assert row.row.change == -25


async def test_enter_at_the_first_paint_never_starts_afresh_over_the_persons_unfinished_attempt(tmp_path, bank):
    """The database opens after the welcome is painted (start-up); an Enter before that still gets the offer."""
    import threading

    from misquiz.core.quiz import QuizOptions
    from misquiz.tui.app import build_app

    db = tmp_path / "race.db"
    await _leave_unfinished(db, bank, "Anna", ["4", "2", "5"])
    gate = threading.Event()
    opened = []

    def slow_open():  # the database answers only after Enter was pressed
        gate.wait(10)
        opened.append(SQLiteStore(db))
        return opened[-1]

    app = build_app(bank, QuizOptions("en", 2, "Anna"), open_store=slow_open)
    async with app.run_test(size=SIZE) as pilot:
        assert not app.store_ready.is_set()
        threading.Timer(0.3, gate.set).start()  # the database is read while Enter waits
        await pilot.press("enter")  # at the first paint, before the database has been read
        for _ in range(50):
            await pilot.pause(0.05)
            if isinstance(app.screen, ResumeScreen):
                break
        assert isinstance(app.screen, ResumeScreen)
        await pilot.press("enter")
        assert isinstance(app.screen, QuestionScreen) and len(app.session.answers) == 3
    opened[-1].close()
    store = SQLiteStore(db)
    assert len(store.history()) == 1  # no fresh attempt was started over Anna's

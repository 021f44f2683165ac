"""The command line forgives (issue 23, point 7): close commands named, options before the command,
a history that fits 80 columns, plain lines at the terminal's width, and the quiz's options without click."""

from __future__ import annotations

import io
import shlex

import pytest
from click.testing import CliRunner

from misquiz.cli import main
from misquiz.core.catalogue import round_word
from misquiz.core.quiz import QuizOptions, shuffled_order
from misquiz.core.room import WorkshopSummary
from misquiz.core.scoring import score_attempt
from misquiz.lines.plain import run_plain
from misquiz.render.listing import history_table, workshop_table
from misquiz.storage.sqlite import SQLiteStore
from misquiz.tui.launch import QuickOptions, quick_options


def run(*args: str):
    return CliRunner().invoke(main, list(args))


@pytest.mark.parametrize(
    ("typed", "meant"),
    [(["tkae"], "take"), (["hsitory"], "history"), (["--lang", "en", "itmes"], "items"), (["workshop", "lst"], "list")],
)
def test_an_unknown_command_names_the_close_ones(typed, meant):
    result = run(*typed)
    assert result.exit_code == 2
    assert f"No such command '{typed[-1]}'. Did you mean '{meant}'?" in result.stderr
    assert "unexpected extra argument" not in result.stderr and "Traceback" not in result.stderr


def test_a_command_far_from_any_points_to_the_help():
    result = run("zzzz")
    assert result.exit_code == 2 and "Error: No such command 'zzzz'.\n" in result.stderr
    assert result.stderr.count("--help") == 1  # click's own "Try 'misquiz --help' for help.", not a second one


def filled_db(tmp_path, bank, *, workshop: str | None = None, name: str = "Ann") -> str:
    store = SQLiteStore(tmp_path / "h.db")
    attempt = store.start_attempt(
        bank_id=bank.id, bank_version=bank.version, bank_hash=bank.content_hash, language="en", seed=1,
        order=[s.id for s in bank.statements], name=name, workshop=workshop, round="before" if workshop else None,
    )  # fmt: skip
    answers = {s.id: 3 for s in bank.statements}
    for sid, value in answers.items():
        store.save_answer(attempt, sid, value)
    store.finish_attempt(attempt, score_attempt(bank, answers).record())
    store.close()
    return str(tmp_path / "h.db")


def test_global_options_work_before_or_after_the_command(tmp_path, bank):
    db = filled_db(tmp_path, bank)
    after = run("history", "--db", db, "--lang", "fr")
    before = run("--db", db, "--lang", "fr", "history")
    assert after.exit_code == before.exit_code == 0, before.stderr
    assert after.stdout == before.stdout and "résultat" in before.stdout and "Ann" in before.stdout
    assert run(f"--db={db}", "workshop", "list").exit_code == 0
    assert run("--lang", "nl", "history", "--db", db).stdout.split()[0] == "nr"


def test_history_fits_80_columns_and_never_cuts_a_workshop_code(bank):
    code = "CCI-Wallonie-Namur-Printemps-2026-groupe-B"[:40]
    rows = [
        {"id": 123456, "started_at": "2026-12-07T15:12:00", "name": "Marie-Françoise Vandenbroucke-Dupont",
         "workshop": code, "round": "before", "answered": 36, "total": 36, "overall": {"score": 53, "profile": "p"}},
        {"id": 7, "started_at": "2026-12-07T15:12:00", "name": "Jo", "workshop": "SME1", "round": "after",
         "answered": 36, "total": 36, "overall": {"score": 20, "profile": "p"}},
        {"id": 8, "started_at": "2026-12-07T15:12:00", "name": "", "workshop": None, "round": None,
         "answered": 3, "total": 36, "overall": None},
    ]  # fmt: skip
    for lang in ("nl", "en", "fr"):
        for codes in (rows, rows[1:]):
            text = history_table(codes, lang, {"p": bank.verdict_titles(lang).get("on_track", "Encore du chemin")})
            assert max(len(line) for line in text.splitlines()) <= 80, text
            for row in codes:
                if row["workshop"]:  # the round as the trainer's language names it, never the stored code
                    assert f"{row['workshop']}/{round_word(lang, row['round'])}" in text
            if lang != "en":
                assert "/before" not in text and "/after" not in text


def test_workshop_list_names_rounds_in_the_trainers_language_in_the_order_they_run():
    summary = WorkshopSummary("SME1", ("after", "before", "none"), 3, 2, "2026-12-07T09:00", "2026-12-07T11:00", 4)
    expected = {
        "nl": "Vooraf, Achteraf, geen",
        "en": "Before, After, none",
        "fr": "Avant, Après, non précisé",
    }
    for lang, rounds in expected.items():
        row = workshop_table([summary], lang).splitlines()[1]
        assert rounds in row, row
        if lang != "en":
            assert "before" not in row and "after" not in row


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_plain_mode_at_a_terminal_wraps_at_its_width_on_word_boundaries(tmp_path, bank, monkeypatch):
    monkeypatch.setenv("COLUMNS", "50")
    order = shuffled_order(bank, 3)
    answers = "\n".join("4" for _ in order) + "\n"
    out = Terminal()
    store = SQLiteStore(tmp_path / "p.db")
    code = run_plain(bank, QuizOptions("fr", 3), store, stdin=io.StringIO(answers), stdout=out, db="my db.db")
    assert code == 0
    text = out.getvalue()
    assert max(len(line) for line in text.splitlines()) <= 49
    flat = " ".join(text.split())
    intro = " ".join(bank.intro["fr"].split())
    assert intro in flat  # every word whole: wrapped only where there was a space
    assert f"--db {shlex.quote('my db.db')}" in flat  # the closing hint names the database in use


def test_plain_mode_into_a_pipe_keeps_its_lines_and_names_the_db(tmp_path, bank):
    order = shuffled_order(bank, 3)
    db = str(tmp_path / "pipe.db")
    result = CliRunner().invoke(
        main, ["take", "--plain", "--seed", "3", "--lang", "en", "--db", db], input="\n".join("2" for _ in order)
    )
    assert result.exit_code == 0, result.stderr
    assert f"misquiz export latest --format md -o my-plan.md --db {db}" in result.stdout


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        ([], QuickOptions()),
        (["--lang", "en"], QuickOptions(lang="en")),
        (["take", "--lang=fr", "--seed", "-3", "--name", "Ann Dupont", "--db", "x.db"],
         QuickOptions("fr", -3, "Ann Dupont", "x.db")),
        (["--lang", "en", "--lang", "nl"], QuickOptions(lang="nl")),  # the last one counts, as in click
    ],
)  # fmt: skip
def test_the_common_quiz_options_are_read_without_click(argv, expected):
    assert quick_options(argv) == expected


@pytest.mark.parametrize(
    "argv",
    [
        ["--lang", "de"], ["--lang"], ["--seed", "x"], ["--name", "   "], ["--plain"], ["history"],
        ["--workshop", "A"], ["--lang", "en", "tkae"], ["--db", ""], ["--name", "--lang"], ["--seed", "３"],
    ],
)  # fmt: skip
def test_anything_else_goes_to_click_for_its_message(argv):
    assert quick_options(argv) is None


def test_an_unknown_lang_gets_a_clear_message():
    result = run("--lang", "de")
    assert result.exit_code == 2 and "'de' is not one of" in result.stderr and "Traceback" not in result.stderr


def test_the_fast_path_never_imports_click(tmp_path):
    import subprocess
    import sys

    script = (
        "import sys\n"
        "from misquiz.tui.launch import quick_options\n"
        "import misquiz.__main__\n"
        "assert quick_options(['--lang', 'en', '--name', 'Ann']) is not None\n"
        "assert 'click' not in sys.modules, 'click was imported'\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


def test_history_shows_the_score_the_results_show():
    """One rounding for every face (core.scoring.shown): 62.5 is 63 in the results, so in history too."""
    rows = [{"id": 1, "started_at": "2026-12-07T15:12:00", "name": "Els", "workshop": None, "round": None,
             "answered": 36, "total": 36, "overall": {"score": 62.5, "profile": "p"}}]  # fmt: skip
    assert " 63 " in history_table(rows, "en", {"p": "Unclear"}) + " "


def test_a_global_option_before_a_group_of_commands_and_its_help():
    for group in ("workshop", "db"):
        shown = run("--lang", "fr", group, "--help")
        assert shown.exit_code == 0 and f" {group} [OPTIONS] COMMAND" in shown.stdout, shown.stderr


def test_a_workshop_without_rounds_is_closed_and_opened_without_naming_a_round(tmp_path, bank):
    db = filled_db(tmp_path, bank, workshop="SME1")
    store = SQLiteStore(db)
    store.retag("SME1", "before", None)  # served without --round
    store.close()
    for lang in ("en", "nl", "fr"):
        closed = run("--lang", lang, "workshop", "close", "SME1", "--round", "none", "--db", db)
        opened = run("--lang", lang, "workshop", "open", "SME1", "--round", "none", "--db", db)
        assert closed.exit_code == opened.exit_code == 0, closed.output
        for said in (closed.stdout, opened.stdout):
            assert "SME1" in said and "No round set" not in said and "non précisé" not in said and "Zonder" not in said


@pytest.mark.parametrize(("lang", "said"), [("fr", "Rien n'a été supprimé."), ("nl", "Er is niets verwijderd.")])
def test_a_confirmation_cut_short_says_nothing_was_deleted_in_the_trainers_language(tmp_path, lang, said):
    """Ctrl+C or the end of the input at "Delete …? [y/N]" printed click's English "Aborted!" (third readings)."""
    from click.testing import CliRunner

    from misquiz.cli import main
    from misquiz.core.quiz import QuizOptions
    from misquiz.files.bank import load_bank
    from misquiz.storage.sqlite import SQLiteStore
    from support.quiz import stored_attempt

    db = tmp_path / "w.db"
    store = SQLiteStore(db)
    stored_attempt(store, load_bank(), QuizOptions("en", 1, "", "ws", "before"), 3, answers=2)
    store.close()
    result = CliRunner().invoke(main, ["--lang", lang, "workshop", "delete", "ws", "--db", str(db)], input="")
    assert "Aborted" not in result.output and said in result.output, result.output
    assert len(SQLiteStore(db).history()) == 1  # and nothing was


def test_retag_to_the_round_the_results_are_in_moves_nothing_and_says_so(tmp_path):
    """Found by the final English reading: `retag --from before --to before` said "Moved 4 results"."""
    from click.testing import CliRunner

    from misquiz.cli import main

    result = CliRunner().invoke(
        main, ["workshop", "retag", "ws", "--from", "before", "--to", "before", "--db", str(tmp_path / "w.db")]
    )
    assert result.exit_code == 1 and "Moved" not in result.output
    assert "--from and --to name the same round (“Before”); nothing was moved in ws" in result.stderr

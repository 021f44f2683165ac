"""The plain mode end to end: answers piped into a real process, as a screen reader user's would be."""

from __future__ import annotations

import os
import subprocess
import sys

from misquiz.core.quiz import shuffled_order
from misquiz.core.scoring import score_attempt
from misquiz.storage.sqlite import SQLiteStore


def take(tmp_path, lines: list[str], *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    environment = {**os.environ, "MISQUIZ_DB": str(tmp_path / "plain.db"), "XDG_CACHE_HOME": str(tmp_path / "c")}
    return subprocess.run(
        [sys.executable, "-m", "misquiz", "take", "--seed", "3", "--lang", "en", *args],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        env=environment | (env or {}),
        timeout=60,
    )


def test_a_whole_quiz_through_a_pipe(tmp_path, bank):
    order = shuffled_order(bank, 3)
    keyed = {s.id: s.keyed for s in bank.statements}
    # hold every myth: agree with myth statements, disagree with fact statements
    answers = ["5" if keyed[sid] == "myth" else "1" for sid in order]
    result = take(tmp_path, answers, "--name", "Anna")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith("Plain mode: the output is not a terminal.")
    assert "\x1b" not in out  # no full-screen control codes at all
    assert "36 / 36" in out and "Overall: Held back by misconceptions (100 out of 100)" in out
    assert "Your priorities" in out and f"1. {bank.myths[0].title['en']} (100/100)" in out
    [row] = SQLiteStore(tmp_path / "plain.db").history()
    assert row["name"] == "Anna" and row["answered"] == 36 and row["overall"]["score"] == 100.0
    expected = score_attempt(bank, {sid: int(a) for sid, a in zip(order, answers, strict=True)}).record().as_json()
    assert row["overall"] == expected["overall"]


def test_unknown_lines_ask_again_and_b_goes_back(tmp_path, bank):
    result = take(tmp_path, ["4", "", "maybe", "7", "2", "b", "?", "5", "q", "n", "q", "y"])
    out = result.stdout
    assert result.returncode == 0
    assert out.count("Please type a number from 0 to 5") == 3
    assert "  2  Disagree  (your answer)" in out  # going back shows the earlier answer
    assert "Type 1 (strongly disagree) to 5" in out
    assert "Your answers are saved" in out
    store = SQLiteStore(tmp_path / "plain.db")
    [row] = store.history()
    order = shuffled_order(bank, 3)
    assert store.answers(row["id"]) == {order[0]: 4, order[1]: 5}


def test_resume_after_quitting(tmp_path, bank):
    take(tmp_path, ["3", "0", "q", "y"], "--name", "Bo")
    result = take(tmp_path, ["1"] + ["4"] * 33, "--seed", "99", "--name", "Bo", "--resume")
    out = result.stdout
    assert result.returncode == 0, result.stderr
    assert "\n3 / 36 " in out and "\n1 / 36 " not in out  # it goes on at the third statement
    store = SQLiteStore(tmp_path / "plain.db")
    [row] = store.history()
    assert row["answered"] == 36 and row["finished_at"] is not None and row["name"] == "Bo"


def test_a_pipe_over_an_unfinished_attempt_asks_nothing_and_every_answer_lands_where_meant(tmp_path, bank):
    """Regression: the pipe was asked "go on where you stopped?", took its first answer as yes, and every
    later answer landed one statement further on."""
    take(tmp_path, ["3", "0", "5", "q", "y"])  # the unnamed person stops after three answers
    order = shuffled_order(bank, 3)
    values = [str(1 + i % 5) for i in range(36)]
    result = take(tmp_path, values)
    assert result.returncode == 0, result.stderr
    assert "Pick up where you left off" not in result.stdout and "36 / 36" in result.stdout
    store = SQLiteStore(tmp_path / "plain.db")
    rows = store.history()
    fresh = store.attempt(max(r["id"] for r in rows))
    assert fresh.answers == {sid: int(v) for sid, v in zip(order, values, strict=True)}
    assert fresh.finished_at is not None
    earlier = store.attempt(min(r["id"] for r in rows))
    assert len(earlier.answers) == 3 and earlier.finished_at is None  # left as it was, never overwritten


def test_resume_with_nothing_to_resume_says_so_and_fails(tmp_path):
    result = take(tmp_path, ["4"], "--name", "Nobody", "--resume")
    assert result.returncode == 1
    assert "Nobody has no unfinished quiz" in result.stderr and "Traceback" not in result.stderr
    result = take(tmp_path, ["4"], "--resume")
    assert result.returncode == 1 and "no unfinished quiz without a name" in result.stderr


def test_a_name_of_only_spaces_is_refused(tmp_path):
    result = take(tmp_path, ["4"], "--name", "   ")
    assert result.returncode == 2 and "a name of only spaces" in result.stderr and "Traceback" not in result.stderr


def test_the_readmes_pipe_example_runs_as_printed_and_leaves_nothing_unfinished(tmp_path):
    import re
    from pathlib import Path

    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    [command] = re.findall(r"^printf .*\| misquiz take .*$", readme, re.MULTILINE)
    env = {**os.environ, "MISQUIZ_DB": str(tmp_path / "readme.db"), "XDG_CACHE_HOME": str(tmp_path / "c")}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"
    result = subprocess.run(["bash", "-c", command], capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 0, result.stderr
    [row] = SQLiteStore(tmp_path / "readme.db").history()
    assert row["answered"] == 36 and row["finished_at"] is not None and row["name"] == "Anna"


def test_term_dumb_chooses_plain_mode_and_input_that_ends_keeps_answers(tmp_path):
    result = take(tmp_path, ["", "2", "3"], env={"TERM": "dumb"})
    assert result.returncode == 0
    assert "Plain mode: TERM=dumb" in result.stdout
    assert "The input ended; the answers given so far are saved." in result.stdout
    [row] = SQLiteStore(tmp_path / "plain.db").history()
    assert row["answered"] == 2


def test_plain_mode_in_dutch(tmp_path):
    result = take(tmp_path, ["", "q", "j"], "--lang", "nl", "--plain")
    assert "Uw antwoord (1–5, 0 = ‘Geen mening’" in result.stdout
    assert "Helemaal oneens" in result.stdout and "Strongly" not in result.stdout


def test_enter_keeps_an_answer_and_the_end_says_where_to_save(tmp_path, bank):
    order = shuffled_order(bank, 3)
    # answer the first, go back, Enter keeps it (moves on), then answer the rest
    result = take(tmp_path, ["4", "b", "", *["2"] * (len(order) - 1)], "--name", "Ann")
    out = result.stdout
    assert result.returncode == 0, result.stderr
    assert out.count("Please type a number") == 0
    assert "misquiz export latest --format md -o my-plan.md" in out
    [row] = SQLiteStore(tmp_path / "plain.db").history()
    assert row["name"] == "Ann" and row["answered"] == len(order) and row["finished_at"] is not None
    assert SQLiteStore(tmp_path / "plain.db").answers(row["id"])[order[0]] == 4


def test_piped_lines_are_never_taken_for_a_name(tmp_path):
    """`yes 3 | misquiz take --plain` stored a person called "3"."""
    result = take(tmp_path, ["3"] * 40)
    assert result.returncode == 0
    [row] = SQLiteStore(tmp_path / "plain.db").history()
    assert row["name"] == "" and row["finished_at"] is not None


def test_bytes_that_are_not_text_and_escape_sequences_are_shown_harmless(tmp_path):
    environment = {**os.environ, "MISQUIZ_DB": str(tmp_path / "plain.db"), "XDG_CACHE_HOME": str(tmp_path / "c")}
    result = subprocess.run(
        [sys.executable, "-m", "misquiz", "take", "--seed", "3", "--lang", "en"],
        input=b"\xff\xfe\n\x1b[31mred\x9b2J\n4\n",
        capture_output=True,
        env=environment,
        timeout=60,
    )
    out = result.stdout.decode("utf-8")
    assert result.returncode == 0 and b"Traceback" not in result.stderr
    assert "\\xff\\xfe" in out and "not readable text" in out
    assert "\x1b" not in out and "\x9b" not in out and "\\x1b[31mred" in out


def test_ctrl_c_while_loading_ends_without_a_traceback(monkeypatch, capsys):
    import pytest

    from misquiz import __main__, cli

    def interrupted() -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "main", interrupted)
    with pytest.raises(SystemExit) as ended:
        __main__.run()
    assert ended.value.code == 130 and "Traceback" not in capsys.readouterr().err

"""The command line, driven with click's CliRunner: output shapes and exit codes."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from misquiz.cli import main
from misquiz.files.schema import json_schema
from support import DATA

ANSWERS = str(DATA / "answers-two-held.yaml")


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def test_version():
    code, out, _ = run("--version")
    assert code == 0 and out.startswith("misquiz ")


def test_validate_shipped_bank_ends_with_a_summary():
    code, out, _ = run("validate")
    assert code == 0
    assert out.strip().splitlines()[-1].endswith("valid · 9 misconceptions, 36 statements, languages: nl, en, fr")


def test_validate_json_is_one_object():
    code, out, _ = run("validate", "--json")
    data = json.loads(out)
    assert code == 0
    assert data == {
        "ok": True,
        "myths": 9,
        "statements": 36,
        "languages": ["nl", "en", "fr"],
        "errors": [],
        "warnings": [],
        "more": 0,  # problems past the 100 listed
    }


def test_validate_bad_bank_text_and_json():
    path = str(DATA / "bad-band-gap.yaml")
    code, out, _ = run("validate", path)
    assert code == 1
    assert out.splitlines()[0] == f"{path}:30:10: bands[2].min: gap: no range holds a myth score between 66 and 70"
    code, out, _ = run("validate", path, "--json")
    data = json.loads(out)
    assert code == 1 and data["ok"] is False
    assert data["errors"] == [
        {
            "file": path,
            "line": 30,
            "column": 10,
            "path": "bands[2].min",
            "message": "gap: no range holds a myth score between 66 and 70",
        }
    ]


def test_validate_strict_turns_warnings_into_errors():
    path = str(DATA / "bad-lint.yaml")
    assert run("validate", path)[0] == 0
    code, out, _ = run("validate", path, "--strict", "--json")
    assert code == 1 and len(json.loads(out)["errors"]) == 2


def test_usage_errors_exit_2():
    assert run("validate", "--nope")[0] == 2
    assert run("score")[0] == 2
    assert run("score", ANSWERS, "--lang", "de")[0] == 2
    for port in ("abc", "0", "70000", "-1"):
        code, _, err = run("serve", "--workshop", "mon", "--port", port)
        assert code == 2 and f"'{port}' is not a port number (1-65535)" in err, err


def test_schema_prints_the_schema():
    code, out, _ = run("schema")
    assert code == 0 and json.loads(out) == json_schema()


def test_score_json_shape():
    code, out, _ = run("score", ANSWERS, "--json")
    data = json.loads(out)
    assert code == 0
    assert set(data) == {"overall", "myths", "priorities"}
    assert data["overall"] == {"score": 31.2, "profile": "on-track"}
    assert data["priorities"] == ["sales-goal", "more-posts"]
    fad = next(m for m in data["myths"] if m["id"] == "just-a-fad")
    assert fad == {"id": "just-a-fad", "score": None, "band": None, "mixed_signals": False, "answered": 0}
    assert all(set(m) == {"id", "score", "band", "mixed_signals", "answered"} for m in data["myths"])


@pytest.mark.parametrize(
    ("lang", "heading", "first"),
    [("en", "Your priorities", "1. Our goal on social media is more sales"), ("nl", "Uw prioriteiten", "1. Ons doel")],
)
def test_score_text_is_the_advice_summary(lang, heading, first):
    code, out, _ = run("score", ANSWERS, "--lang", lang)
    assert code == 0
    lines = [line.strip() for line in out.splitlines()]
    assert heading in lines
    assert lines[lines.index(heading) + 1].startswith(first)


def test_score_json_answers_file(tmp_path):
    path = tmp_path / "answers.json"
    path.write_text(json.dumps({"sales-goal-2": 5, "sales-goal-1": None}), encoding="utf-8")
    code, out, _ = run("score", str(path), "--json")
    assert code == 0
    sales = next(m for m in json.loads(out)["myths"] if m["id"] == "sales-goal")
    assert sales["score"] == 100.0 and sales["answered"] == 1


def test_score_reports_bad_answers_with_their_place(tmp_path):
    path = tmp_path / "answers.yaml"
    path.write_text("side-issue-1: 5\nside-isue-2: 3\nno-plan-1: 7\nno-plan-2: yes\n", encoding="utf-8")
    code, out, err = run("score", str(path))
    assert code == 1 and out == ""
    assert err.splitlines() == [
        f"{path}:2:1: side-isue-2: unknown statement id 'side-isue-2'",
        f"{path}:3:12: no-plan-1: expected 1 to 5, or null for no opinion; found 7",
        f"{path}:4:12: no-plan-2: expected 1 to 5, or null for no opinion; found True",
    ]


@pytest.mark.parametrize("content", [b"", b"\xff\xfe", b"[1, 2]", b"a: [unclosed\n"])
def test_score_unusable_answers_files(tmp_path, content):
    path = tmp_path / "answers.yaml"
    path.write_bytes(content)
    code, _, err = run("score", str(path))
    assert code == 1 and err.startswith(str(path)) and "Traceback" not in err


def test_score_with_a_bad_bank_reports_the_bank():
    code, _, err = run("score", ANSWERS, "--bank", str(DATA / "bad-missing-key.yaml"))
    assert code == 1 and "bank: missing key 'version'" in err


def test_take_with_a_bad_bank_stops_before_the_screen_opens():
    code, out, err = run("take", "--bank", str(DATA / "bad-band-gap.yaml"))
    assert code == 1 and out == ""
    assert err.strip().endswith("bands[2].min: gap: no range holds a myth score between 66 and 70")
    # `misquiz --bank ...` means the same
    assert run("--bank", str(DATA / "bad-band-gap.yaml"))[0] == 1


def test_take_rejects_a_bad_flag_with_usage():
    assert run("take", "--lang", "de")[0] == 2
    assert run("--seed", "x")[0] == 2


def test_language_follows_the_locale(monkeypatch):
    from misquiz.cli import default_language

    for var in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        monkeypatch.delenv(var, raising=False)
    assert default_language() == "en"
    monkeypatch.setenv("LANG", "nl_BE.UTF-8")
    assert default_language() == "nl"
    monkeypatch.setenv("LC_ALL", "C.UTF-8")
    assert default_language() == "en"


def test_validate_json_keeps_control_characters_escaped(tmp_path):
    text = (DATA / "minimal.yaml").read_text(encoding="utf-8").replace("Tiny, nl: Klein", "Tiny\u202e\u009b, nl: Klein")
    path = tmp_path / "sneaky\u202e.yaml"
    path.write_text(text, encoding="utf-8")
    code, out, _ = run("validate", str(path), "--json")
    assert code == 1 and out.isascii()
    assert any("control character" in e["message"] for e in json.loads(out)["errors"])


def test_history_lists_an_attempt_answered_all_no_opinion(tmp_path):
    """Its overall score cannot be told; the listing says so instead of failing (found by the store fuzzer)."""
    db = str(tmp_path / "zero.db")
    result = CliRunner().invoke(main, ["take", "--plain", "--db", db, "--lang", "en"], input="0\n" * 40)
    assert result.exit_code == 0, result.output
    code, out, _ = run("history", "--db", db)
    assert code == 0 and "36/36  –" in out


def test_a_report_never_goes_over_the_database_it_reads(tmp_path):
    """Found by the command-line fuzzer: `items --csv` named after the database wrote over every result."""
    db = tmp_path / "results.csv"  # a database may have any name, even a report's
    result = CliRunner().invoke(main, ["take", "--plain", "--db", str(db), "--lang", "en"], input="4\n" * 40)
    assert result.exit_code == 0, result.output
    kept = db.read_bytes()
    for command in (
        ["items", "--csv", str(db), "--min-group", "1"],
        ["export", "latest", "--output", str(db)],
        ["room", "ws", "--export", str(db)],
        ["export", "latest", "--output", f"{db}-wal"],
        ["export", "latest", "--output", f"{db}-journal"],  # none there: still never written, or the
    ):  # database would be refused next time for a journal that is not its own
        code, _, err = run(*command, "--db", str(db))
        if command[0] == "room":  # this database has no workshop: refused before anything is written
            assert code == 1, err
        else:
            assert code == 1 and "that is the database itself" in err, (command, err)
        assert db.read_bytes() == kept, command
    assert not (tmp_path / "results.csv-journal").exists()


def test_history_names_the_profile_in_words_not_by_its_id(tmp_path):
    from misquiz.files.bank import load_bank

    db = str(tmp_path / "h.db")
    assert CliRunner().invoke(main, ["take", "--plain", "--db", db, "--lang", "en"], input="4\n" * 40).exit_code == 0
    code, out, _ = run("history", "--db", db)
    titles = load_bank().verdict_titles("en")
    shown = out.splitlines()[1]
    assert code == 0 and any(shown.endswith(title) for title in titles.values()), shown
    assert not any(shown.endswith(f" {pid}") for pid in titles), shown

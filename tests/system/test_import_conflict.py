"""`misquiz import` of a result file whose uid the database already holds with other content: a clear
refusal naming the uid, no traceback, the database unchanged (issue 25, point 8)."""

from __future__ import annotations

import json
import sqlite3

from click.testing import CliRunner

from misquiz.cli import main
from support import DATA


def contents(path) -> list[str]:
    """Every table's rows, as SQL (the file's bytes may move between its WAL and itself)."""
    conn = sqlite3.connect(path)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def test_a_result_file_whose_uid_holds_another_attempt_is_refused_by_name(tmp_path):
    db = tmp_path / "r.db"
    first = CliRunner().invoke(main, ["--db", str(db), "import", str(DATA / "result.json")])
    assert first.exit_code == 0, first.output
    again = CliRunner().invoke(main, ["--db", str(db), "import", str(DATA / "result.json")])
    assert again.exit_code == 0 and "already imported" in again.stderr  # the very same attempt: idempotent

    data = json.loads((DATA / "result.json").read_text())
    data["started_at"] = "2020-02-02T10:00:00+00:00"  # another attempt, under the same uid
    other = tmp_path / "other.json"
    other.write_text(json.dumps(data), encoding="utf-8")
    before = contents(db)
    result = CliRunner().invoke(main, ["--db", str(db), "import", str(other)])
    assert result.exit_code != 0
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output + result.stderr
    assert f"another result with uid {data['uid']}" in result.stderr and "nothing was imported" in result.stderr
    assert contents(db) == before


def test_a_conflict_refuses_its_file_only_and_the_others_are_imported(tmp_path):
    db = tmp_path / "r.db"
    assert CliRunner().invoke(main, ["--db", str(db), "import", str(DATA / "result.json")]).exit_code == 0
    data = json.loads((DATA / "result.json").read_text())
    clash = tmp_path / "clash.json"
    clash.write_text(json.dumps({**data, "started_at": "2020-02-02T10:00:00+00:00"}), encoding="utf-8")
    fresh = tmp_path / "fresh.json"
    fresh.write_text(json.dumps({**data, "uid": "f" * 32}), encoding="utf-8")
    result = CliRunner().invoke(main, ["--db", str(db), "--lang", "en", "import", str(clash), str(fresh)])
    assert result.exit_code == 1 and "Traceback" not in result.output + result.stderr
    assert f"uid {data['uid']}" in result.stderr
    assert "Imported: 1 · already present: 0 · refused: 1." in result.stdout

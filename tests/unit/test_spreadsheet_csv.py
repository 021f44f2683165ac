"""Spreadsheet-ready CSV (issue 23, point 8): --csv-dialect spreadsheet on every command that writes CSV."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from click.testing import CliRunner

from misquiz.cli import main
from misquiz.core.scoring import score_attempt
from misquiz.render.items import ITEM_COLUMNS
from misquiz.render.room import csv_columns
from misquiz.render.spreadsheet import for_spreadsheet
from misquiz.storage.sqlite import SQLiteStore
from support.quiz import answers_holding

BOM = b"\xef\xbb\xbf"


@pytest.fixture
def db(tmp_path, bank) -> str:
    store = SQLiteStore(tmp_path / "csv.db")
    people = [{"sales-goal": (5, 1)}, {"sales-goal": (4, 2), "more-posts": (5, 1)}, {"no-plan": (5, 2)}, {}]
    for held in people:
        answers = answers_holding(bank, held)
        attempt = store.start_attempt(
            bank_id=bank.id, bank_version=bank.version, bank_hash=bank.content_hash, language="fr", seed=1,
            order=[s.id for s in bank.statements], name="", workshop="ws", round="before",
        )  # fmt: skip
        for sid, value in answers.items():
            store.save_answer(attempt, sid, value)
        store.finish_attempt(attempt, score_attempt(bank, answers).record())
    store.close()
    return str(tmp_path / "csv.db")


def read_back(path, *, delimiter: str, bom: bool) -> list[list[str]]:
    raw = Path(path).read_bytes()
    assert raw.startswith(BOM) is bom
    with open(path, encoding="utf-8-sig" if bom else "utf-8", newline="") as handle:
        return list(csv.reader(handle, delimiter=delimiter))


def export(tmp_path, db: str, *args: str) -> str:
    target = str(tmp_path / "out.csv")
    result = CliRunner().invoke(main, [*args, "--db", db, *(["--export", target] if args[0] == "room" else [])])
    assert result.exit_code == 0, result.stderr
    return target


@pytest.mark.parametrize("lang", ["nl", "fr"])
def test_the_group_csv_for_a_spreadsheet_in_nl_and_fr(tmp_path, db, bank, lang):
    path = export(tmp_path, db, "room", "ws", "--lang", lang, "--csv-dialect", "spreadsheet")
    rows = read_back(path, delimiter=";", bom=True)
    assert rows[0] == csv_columns(bank)
    titles = {row[3] for row in rows[1:]}
    assert {m.title[lang] for m in bank.myths} == titles  # accents intact, each title one cell
    shares = [row[rows[0].index("share_clear")] for row in rows[1:] if row[rows[0].index("share_clear")]]
    assert shares and all("," in s and "." not in s for s in shares if not s.isdigit())
    assert any("," in s for s in shares)
    assert Path(path).read_bytes().count(b"\r\n") == len(rows)


def test_the_default_stays_plain_rfc_4180(tmp_path, db, bank):
    path = export(tmp_path, db, "room", "ws", "--lang", "fr")
    rows = read_back(path, delimiter=",", bom=False)
    assert rows[0] == csv_columns(bank) and len(rows[1]) == len(rows[0])
    share = rows[1][rows[0].index("share_clear")]
    assert "," not in share


def test_english_for_a_spreadsheet_keeps_the_comma_and_the_point(tmp_path, db, bank):
    path = export(tmp_path, db, "room", "ws", "--lang", "en", "--csv-dialect", "spreadsheet")
    rows = read_back(path, delimiter=",", bom=True)
    assert rows[0] == csv_columns(bank) and len(rows[1]) == len(rows[0])


def test_the_statement_csv_of_items_and_of_room_items(tmp_path, db, bank):
    target = str(tmp_path / "items.csv")
    result = CliRunner().invoke(
        main,
        [
            "items",
            "ws",
            "--db",
            db,
            "--csv",
            target,
            "--min-group",
            "1",
            "--lang",
            "nl",
            "--csv-dialect",
            "spreadsheet",
        ],
    )
    assert result.exit_code == 0, result.stderr
    rows = read_back(target, delimiter=";", bom=True)
    assert rows[0] == list(ITEM_COLUMNS) and all(len(row) == len(rows[0]) for row in rows)
    mean = rows[1][rows[0].index("mean")]
    assert "," in mean and "." not in mean
    path = export(tmp_path, db, "room", "ws", "--items", "--lang", "fr", "--csv-dialect", "spreadsheet")
    assert read_back(path, delimiter=";", bom=True)[0] == list(ITEM_COLUMNS)


def test_text_cells_keep_their_points_and_quotes():
    plain = 'a,b,c\n1.5,"Version 3.0.0, «\xa0x\xa0»",-0.25\n'
    rows = list(csv.reader(io.StringIO(for_spreadsheet(plain, "fr").lstrip("\ufeff"), newline=""), delimiter=";"))
    assert rows == [["a", "b", "c"], ["1,5", "Version 3.0.0, «\xa0x\xa0»", "-0,25"]]

"""Hostile names and texts through every sink: nothing steers a terminal, runs in a page, or computes in a sheet."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner
from markdown_it import MarkdownIt

from misquiz.cli import main
from misquiz.render.room import room_csv, room_html, room_markdown
from misquiz.storage import read_room
from misquiz.storage.sqlite import SQLiteStore
from misquiz.tui.room_app import RoomApp
from support import DATA
from support.quiz import answer_all, answers_holding, quiz_app

HOSTILE = [
    "[bold]x[/]",
    "[link=https://evil.example]click[/link]",
    "\x1b[31mred\x1b[0m",
    "\x1b]52;c;aGVsbG8=\x07",  # OSC 52: write to the clipboard
    "\x1b]8;;https://evil.example\x1b\\link\x1b]8;;\x1b\\",  # OSC 8: a hidden link
    "bell\x07\x07",
    "over\rwrite",
    "\x9b31m",  # C1 CSI
    "<script>alert(1)</script>",
    '" onload="alert(1)',
    "# **bold** [a](https://evil.example)",
    "[x](javascript:alert(1)) ![i](https://evil.example/i.png) <https://evil.example>",
    '=HYPERLINK("https://evil.example","x")',
    "+1+1",
    "-1",
    "@SUM(A1)",
    "x" * 500,
]
CONTROL = ("\x1b", "\x07", "\r", "\x9b", "\x00")


def clean(text: str) -> None:
    for byte in CONTROL:
        assert byte not in text, f"{byte!r} reached the output"


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory, bank):
    """Attempts whose names came in through the doors: the command line, the quiz, and imported files."""
    folder = tmp_path_factory.mktemp("hostile")
    db = folder / "h.db"
    source = json.loads((DATA / "result.json").read_text())
    files = []
    for n, name in enumerate(HOSTILE):
        data = {**source, "uid": f"hostile{n:04d}x", "name": name, "workshop": "ws"}
        path = folder / f"r{n}.json"
        path.write_text(json.dumps(data), encoding="utf-8")
        files.append(str(path))
    result = CliRunner().invoke(main, ["import", *files, "--db", str(db)])
    assert result.exit_code == 0, result.output
    return db


def sink_history(db, bank):
    return CliRunner().invoke(main, ["history", "--db", str(db)]).stdout


def sink_history_json(db, bank):
    return CliRunner().invoke(main, ["history", "--json", "--db", str(db)]).stdout


def sink_markdown(db, bank):
    return "\n".join(
        CliRunner().invoke(main, ["export", str(n), "--format", "md", "--db", str(db)]).stdout
        for n in range(1, len(HOSTILE) + 1)
    )


def sink_html(db, bank):
    return "\n".join(
        CliRunner().invoke(main, ["export", str(n), "--format", "html", "--db", str(db)]).stdout
        for n in range(1, len(HOSTILE) + 1)
    )


def sink_json_export(db, bank):
    return CliRunner().invoke(main, ["export", "1", "--format", "json", "--db", str(db)]).stdout


def sink_group_reports(db, bank):
    room = read_room(SQLiteStore(db), bank, "ws")
    return room_csv(room, bank, "en") + room_markdown(room, bank, "en") + room_html(room, bank, "en")


def sink_room_json(db, bank):
    return CliRunner().invoke(main, ["room", "ws", "--json", "--db", str(db)]).stdout


SINKS = [
    sink_history,
    sink_history_json,
    sink_markdown,
    sink_html,
    sink_json_export,
    sink_group_reports,
    sink_room_json,
]


@pytest.mark.parametrize("sink", SINKS, ids=lambda f: f.__name__)
def test_every_sink_is_harmless(hostile_db, bank, sink):
    output = sink(hostile_db, bank)
    assert output
    clean(output)
    lowered = output.lower()
    if "html" in sink.__name__ or "group" in sink.__name__:
        assert "<script" not in lowered and 'onload="' not in lowered and "<a " not in lowered
    if sink is sink_markdown:
        assert "[link=" not in output.replace("\\[link=", "")
        assert "](https" not in output.replace("\\](https", "")
        rendered = MarkdownIt("commonmark").enable(["strikethrough", "table"]).render(output)
        assert "<a " not in rendered and "<script" not in rendered and "<strong>bold" not in rendered
    if sink is sink_group_reports:
        for row in csv.reader(io.StringIO(output.split("# Workshop")[0])):
            assert not any(cell.startswith(("=", "+", "-", "@")) for cell in row), row
    if sink in (sink_group_reports, sink_room_json):
        assert "HYPERLINK" not in output and "alert" not in output  # no name is ever in the room


def test_names_are_capped(hostile_db):
    rows = SQLiteStore(hostile_db).history()
    assert max(len(r["name"]) for r in rows) <= 60


def test_a_hostile_bank_text_never_reaches_a_sheet_as_a_formula(tmp_path, bank):
    from misquiz.render.room import cell

    assert cell('=HYPERLINK("x")') == '\'=HYPERLINK("x")'
    assert cell("\x1b[31m") == "\\x1b[31m"


@pytest.mark.parametrize("name", HOSTILE[:10])
async def test_the_quiz_shows_a_hostile_name_literally(bank, name):
    app = quiz_app(bank, lang="en", seed=1)
    async with app.run_test(size=(80, 24)) as pilot:
        app.screen.query_one("#name").value = name
        await pilot.press("enter")
        await answer_all(pilot, answers_holding(bank, {}))
        title = str(app.screen.query_one("#results-title").content)
        clean(title)
        assert title.startswith("Results for ")
        if "[" in name and "\x1b" not in name:
            assert name in title  # markup shown as typed, not applied


async def test_the_room_never_shows_a_name(hostile_db, bank):
    app = RoomApp(SQLiteStore(hostile_db), bank, "ws", lang="en", round=None)
    async with app.run_test(size=(120, 35)) as pilot:
        await pilot.pause()
        screen = app.export_screenshot()
    assert "alert" not in screen and "HYPERLINK" not in screen and "bell" not in screen


def test_plain_mode_prints_a_hostile_name_harmlessly(tmp_path):
    import os
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-m", "misquiz", "take", "--plain", "--seed", "1", "--name", "\x1b]52;c;aGk=\x07Eve"],
        input="q\ny\n",
        capture_output=True,
        text=True,
        env={**os.environ, "MISQUIZ_DB": str(tmp_path / "p.db"), "XDG_CACHE_HOME": str(tmp_path)},
        timeout=60,
    ).stdout
    clean(out)
    [row] = SQLiteStore(tmp_path / "p.db").history()
    assert row["name"] == "\\x1b]52;c;aGk=\\x07Eve"

"""Logs and JSON escape control and bidi characters (issue 25, point 8): a name with U+202E or ESC, or a
request header with them, reaches no terminal raw, and every JSON output still reads back the same."""

from __future__ import annotations

import io
import json
import logging
import re
import sqlite3

from aiohttp.http_exceptions import BadHttpMessage
from click.testing import CliRunner

from misquiz.cli import main
from misquiz.core.text import json_safe
from misquiz.web.server import StatusLine, _AboveStatus

HOSTILE = "\u202eevil\x1b]52;c;aGk=\x07 \x9b31m\u2066x\u2069\u200f\u2028"
RAW = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def run(*args: str, input: str | None = None) -> str:
    result = CliRunner().invoke(main, list(args), input=input)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_json_outputs_carry_a_hostile_name_escaped(tmp_path):
    db = str(tmp_path / "m.db")
    for _ in range(3):
        run("take", "--plain", "--db", db, "--lang", "en", "--workshop", "ws", "--name", "Anna", input="4\n" * 40)
    with sqlite3.connect(db) as conn:  # take and import escape a name on the way in; a database edited by hand
        conn.execute("UPDATE attempts SET name = ?", (HOSTILE,))
    history = run("history", "--json", "--db", db)
    assert not RAW.search(history) and "\\u202e" in history and "\\u001b" in history
    assert {row["name"] for row in json.loads(history)} == {HOSTILE}
    exported = run("export", "latest", "--format", "json", "--db", db)
    assert not RAW.search(exported) and json.loads(exported)["name"] == HOSTILE
    for args in (["room", "ws", "--json"], ["items", "ws", "--json", "--min-group", "1"]):
        out = run(*args, "--db", db)
        assert not RAW.search(out) and json.loads(out)


def test_json_safe_keeps_every_value():
    value = {"k\u202e": ["\x1b", "\x85", "\u2028", "\u061c", "\udc80", "é ✓"]}
    text = json_safe(json.dumps(value, ensure_ascii=False))
    assert json.loads(text) == value and not RAW.search(text) and "é ✓" in text


def test_console_lines_escape_controls_and_bidi_from_requests():
    out = io.StringIO()
    handler = _AboveStatus(StatusLine(out))
    log = logging.getLogger("test.escaped")
    log.addHandler(handler)
    log.propagate = False
    try:
        log.warning('%s "GET /%s" 200 "%s"', "127.0.0.1", "\u202eppa", HOSTILE)  # an access line, --verbose
        try:
            raise BadHttpMessage(f"bad header {HOSTILE}")
        except BadHttpMessage:
            log.exception("Error handling request from %s", f"host{HOSTILE}")
        try:
            raise ValueError(HOSTILE)
        except ValueError:
            log.exception("failed: %s", HOSTILE)
    finally:
        log.removeHandler(handler)
    lines = out.getvalue().splitlines()
    assert len(lines) == 3, lines
    for line in lines:  # what may reorder or steer (a lone mark such as U+200F only places its neighbours)
        assert not re.search("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", line), repr(line)
        assert "\\u202e" in line or "\\u202E" in line, line

"""Workshop codes are matched whole (issue 25, point 8): `$` alone let a code followed by a newline through."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from misquiz.cli import main
from misquiz.core.room import CODE_PATTERN, valid_code
from misquiz.files.results import valid_code as valid_result_code
from misquiz.files.schema import matches

BAD = ["mon\n", "mon\r\n", "mon\nx", "\nmon", "mon ", "mon\x00", "mon/x", "mon\u2028", "a" * 41, ""]


@pytest.mark.parametrize("code", BAD)
def test_a_code_with_anything_after_it_is_refused_everywhere(code):
    assert not valid_code(code) and not valid_result_code(code) and not matches(CODE_PATTERN, code)


def test_good_codes_pass():
    for code in ("mon", "acme-doc_2", "a" * 40, "A1"):
        assert valid_code(code) and valid_result_code(code)


@pytest.mark.parametrize("code", ["mon\n", "mon\nx"])
@pytest.mark.parametrize(
    "command",
    [
        lambda code, db: ["room", code, "--db", db, "--json"],
        lambda code, db: ["items", code, "--db", db],
        lambda code, db: (
            ["workshop", "list", "--db", db] if code is None else ["serve", "--workshop", code, "--db", db]
        ),
        lambda code, db: ["take", "--plain", "--workshop", code, "--db", db],
    ],
)
def test_the_command_line_refuses_a_code_followed_by_more(code, command, tmp_path):
    result = CliRunner().invoke(main, command(code, str(tmp_path / "m.db")), input="")
    assert result.exit_code == 2, result.output
    assert "use 1-40 letters, digits, - or _" in result.stderr
    assert not (tmp_path / "m.db").exists()

"""The trainer's commands with hostile arguments: a message and an exit code, never a traceback.

Each case copies a database holding a small workshop and runs one of the commands that came with
the room, the reports and the shared database (workshop list/retag/delete, room --json/--export,
items, backup, db copy, import, export, history) with arguments drawn from hostile values:
wrong codes and rounds, control characters and bidirectional overrides, undecodable bytes, huge
and negative numbers, paths that are folders, missing or the database itself, unknown suffixes
(never a NUL byte, which no command line can hold, and never a path outside the case's folder). Each must end
with its output (exit 0), a message (exit 1) or click's usage error (exit 2), and the database
must still open.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from misquiz.cli import main
from misquiz.core.quiz import QuizOptions
from misquiz.files.bank import load_bank
from misquiz.storage.sqlite import SQLiteStore
from support.fuzzing import DIGIT_TRAPS
from support.quiz import stored_attempt

HOSTILE = [
    "", " ", "ws", "WS", "w s", "bad code!", "x" * 300, "\x1b[31mred", "\u202eevil", "\x85", "\udcffbad",
    "[bold]x[/]", "[@click=quit]", "-1", "0", "1", "2", "99999999999999999999", "1e9", "nan", "--yes", "-",
    "before", "after", "none", "BEFORE", "café", "😀", "../../escape.csv", "%s%n",
    "'; DROP TABLE attempts;--", *DIGIT_TRAPS,
]  # fmt: skip


def _values(tmp: str) -> st.SearchStrategy[str]:
    """Hostile values as a command line can hold them: no NUL byte, and undecodable bytes as Python's argv has them."""
    paths = [
        f"{tmp}/out.html", f"{tmp}/out.md", f"{tmp}/out.csv", f"{tmp}/out.pdf", f"{tmp}/out", tmp,
        f"{tmp}/missing/dir/out.html", f"{tmp}/case.db", f"{tmp}/copy.db", f"{tmp}/result.json",
        "postgresql://misquiz@127.0.0.1:1/none",
    ]  # fmt: skip
    text = st.text(st.characters(blacklist_characters="\x00", blacklist_categories=["Cs"]), max_size=12)
    # Every value that may become a path stays inside the case's folder: the tests may run as root, and a
    # command told to write /etc/passwd would. Relative names land in the working folder, tmp/a/b.
    return st.one_of(st.sampled_from(HOSTILE + paths), text.filter(lambda v: not v.startswith(("/", "~"))))


def _command(draw, tmp: str) -> list[str]:
    value = _values(tmp)
    kind = draw(
        st.sampled_from(["list", "retag", "delete", "room", "items", "backup", "copy", "import", "export", "history"])
    )
    options: list[str] = []
    for option in draw(
        st.lists(
            st.sampled_from(["--round", "--min-group", "--lang", "--title", "--by", "--attempt", "--format"]),
            max_size=3,
        )
    ):
        options += [option, draw(value)]
    if kind == "list":
        return ["workshop", "list", *draw(st.sampled_from([[], ["--json"]]))]
    if kind == "retag":
        return [
            "workshop",
            "retag",
            draw(value),
            "--from",
            draw(value),
            "--to",
            draw(value),
            *draw(st.sampled_from([[], ["--yes"]])),
        ]
    if kind == "delete":
        extra = ["--attempt", draw(value)] if draw(st.booleans()) else []
        return ["workshop", "delete", draw(value), *extra, *draw(st.sampled_from([[], ["--yes"]]))]
    if kind == "room":
        output = draw(st.sampled_from([["--json"], ["--export", draw(value)]]))
        return ["room", draw(value), *output, *[o for o in options if o not in ("--attempt", "--format")][:4]]
    if kind == "items":
        return [
            "items",
            *draw(st.sampled_from([[], [draw(value)]])),
            *draw(st.sampled_from([[], ["--json"], ["--csv", draw(value)]])),
        ]
    if kind == "backup":
        return ["backup", draw(value)]
    if kind == "copy":
        return ["db", "copy", draw(value), draw(value)]
    if kind == "import":
        return ["import", draw(value), *draw(st.sampled_from([[], ["--workshop", draw(value)]]))]
    if kind == "export":
        return ["export", draw(value), "--format", draw(st.sampled_from(["md", "html", "json", draw(value)]))]
    return ["history", *draw(st.sampled_from([[], ["--json"]]))]


@pytest.fixture
def home():
    """The working folder as it was, whatever a case changed it to."""
    before = os.getcwd()
    yield
    os.chdir(before)


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """A database with a workshop `ws`: three participants finished before, one mid-quiz after."""
    path = tmp_path_factory.mktemp("fuzz-cli") / "template.db"
    store = SQLiteStore(path)
    bank = load_bank()
    for n, (round_, finish) in enumerate([("before", True)] * 3 + [("after", False)]):
        options = QuizOptions("en", seed=n, workshop="ws", round=round_, person=f"p{n}")
        stored_attempt(store, bank, options, 1 + n % 5, answers=None if finish else 5)
    store.close()
    return path


@settings(
    max_examples=int(os.environ.get("MISQUIZ_FUZZ_CASES", "200")),
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
@given(data=st.data())
def test_hostile_arguments_to_the_trainers_commands_never_end_in_a_traceback(template, data, home):
    with tempfile.TemporaryDirectory() as tmp:
        here = Path(tmp) / "a" / "b"
        here.mkdir(parents=True)
        os.chdir(here)  # relative names, `../../escape.csv` included, stay inside tmp
        db = Path(tmp) / "case.db"
        shutil.copyfile(template, db)
        (Path(tmp) / "result.json").write_text('{"misquiz_result": 1, "answers": {"x": 9}}')
        command = data.draw(st.composite(lambda draw: _command(draw, tmp))(), label="command")
        where = [] if command[0] == "db" else ["--db", str(db)]  # db copy names its databases itself
        # a value may swallow --db (`--title --db`): the default database is then one in tmp, never the user's
        env = {"MISQUIZ_DB": str(Path(tmp) / "default.db"), "XDG_DATA_HOME": tmp, "XDG_CACHE_HOME": tmp}
        result = CliRunner(env=env).invoke(main, [*command, *where], input="")
        assert result.exception is None or isinstance(result.exception, SystemExit), (command, repr(result.exception))
        assert result.exit_code in (0, 1, 2), (command, result.exit_code, result.output)
        assert "Traceback" not in result.output, (command, result.output)
        event(f"{command[0]}: exit {result.exit_code}")
        if result.exit_code:
            assert result.stderr.strip(), (command, "a failure without a word")
        after = CliRunner().invoke(main, ["history", "--db", str(db)])
        assert after.exit_code == 0, (command, after.output)


@pytest.mark.parametrize("trap", DIGIT_TRAPS[:14])
@pytest.mark.parametrize(
    "command",
    [
        ["export", "{}"],
        ["serve", "--workshop", "ws", "--port", "{}"],
        ["serve", "--workshop", "ws", "--max-participants", "{}"],
        ["take", "--seed", "{}"],
        ["workshop", "delete", "ws", "--attempt", "{}", "--yes"],
        ["room", "ws", "--json", "--min-group", "{}"],
    ],
)
def test_a_unicode_digit_is_not_a_number_to_any_command(template, tmp_path, command, trap):
    """Found by probing (issue 25): `export ²` and `serve --port ²` passed isdigit() and ended in int()'s traceback;
    click's int took ３ and ١ for 3 and 1."""
    db = tmp_path / "case.db"
    shutil.copyfile(template, db)
    argv = [part.format(trap) for part in command]
    result = CliRunner().invoke(main, [*argv, "--db", str(db)], input="")
    assert result.exit_code == 2, (argv, result.exit_code, result.output)
    assert "Traceback" not in result.output and "Invalid value" in result.stderr, (argv, result.output)

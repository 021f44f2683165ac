"""Every file misquiz writes (issue 25, point 8): no symbolic link followed, nothing replaced without
--force, mode 0600, a FIFO, a device or a folder refused with a message and exit 1."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from misquiz.cli import main
from misquiz.core.catalogue import said
from misquiz.files.output import OutputError, write_new_in, write_output


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stderr


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = str(tmp_path_factory.mktemp("db") / "m.db")
    for _ in range(3):
        result = CliRunner().invoke(
            main, ["take", "--plain", "--db", path, "--lang", "en", "--workshop", "ws"], input="4\n" * 40
        )
        assert result.exit_code == 0, result.output
    return path


COMMANDS = {
    "export": lambda db, out: ["export", "latest", "--db", db, "-o", out],
    "export ics": lambda db, out: ["export", "latest", "--db", db, "--format", "ics", "-o", out],
    "room": lambda db, out: ["room", "ws", "--db", db, "--export", out + ".md"],
    "items": lambda db, out: ["items", "--db", db, "--min-group", "1", "--csv", out + ".csv"],
}


def target(name: str, out: str) -> str:
    return out + {"room": ".md", "items": ".csv"}.get(name, "")


@pytest.mark.parametrize("name", COMMANDS)
def test_a_new_output_is_0600_and_an_existing_one_needs_force(name, db, tmp_path):
    out = str(tmp_path / "report")
    path = Path(target(name, out))
    code, err = run(*COMMANDS[name](db, out))
    assert code == 0, err
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    path.write_text("mine")
    path.chmod(0o644)
    code, err = run(*COMMANDS[name](db, out))
    assert code == 1 and "already exists" in err and "--force" in err
    assert path.read_text() == "mine"
    code, err = run(*COMMANDS[name](db, out), "--force")
    assert code == 0, err
    assert path.read_text() != "mine" and stat.S_IMODE(path.stat().st_mode) == 0o600


@pytest.mark.parametrize("name", COMMANDS)
def test_a_symbolic_link_is_never_followed(name, db, tmp_path):
    victim = tmp_path / "victim"
    victim.write_text("keep")
    out = str(tmp_path / "report")
    os.symlink(victim, target(name, out))
    dangling = str(tmp_path / "dangling")
    os.symlink(tmp_path / "nowhere", target(name, dangling))
    for args in (COMMANDS[name](db, out), [*COMMANDS[name](db, out), "--force"], COMMANDS[name](db, dangling)):
        code, err = run(*args)
        assert code == 1 and "symbolic link" in err and "Traceback" not in err
    assert victim.read_text() == "keep" and not (tmp_path / "nowhere").exists()


@pytest.mark.parametrize("name", COMMANDS)
def test_a_fifo_a_device_or_a_folder_is_refused_at_once(name, db, tmp_path):
    out = str(tmp_path / "fifo")
    os.mkfifo(target(name, out))
    folder = str(tmp_path / "folder")
    os.mkdir(target(name, folder))
    finished = threading.Event()
    results = []

    def attempt() -> None:  # a FIFO without a reader must not hang the command
        results.append(run(*COMMANDS[name](db, out), "--force"))
        finished.set()

    threading.Thread(target=attempt, daemon=True).start()
    assert finished.wait(20), "hung on a FIFO"
    code, err = results[0]
    assert code == 1 and "not an ordinary file" in err
    code, err = run(*COMMANDS[name](db, folder), "--force")
    assert code == 2 and "is a directory" in err  # click's usage error, before anything is read
    with pytest.raises(OutputError, match="is a folder, not a file"):
        write_output(target(name, folder), b"x", force=True)
    if name == "export":
        code, err = run("export", "latest", "--db", db, "-o", "/dev/null", "--force")
        assert code == 1 and "not an ordinary file (a pipe, a device or a socket)" in err


def test_saved_plans_and_calendar_files_take_a_new_name_never_a_link(tmp_path):
    victim = tmp_path / "victim"
    victim.write_text("keep")
    os.symlink(victim, tmp_path / "plan.html")
    os.mkfifo(tmp_path / "plan-2.html")
    path = write_new_in(tmp_path, "plan.html", b"<p>plan</p>")
    assert path.name == "plan-3.html" and path.read_bytes() == b"<p>plan</p>"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and victim.read_text() == "keep"
    assert write_new_in(tmp_path, "plan.html", b"again").name == "plan-4.html"


def test_write_output_raises_located_messages(tmp_path):
    with pytest.raises(OutputError, match="already exists"):
        write_output(tmp_path / "a", b"1") or write_output(tmp_path / "a", b"2")
    with pytest.raises(OutputError, match=r"cannot be written \(its folder does not exist\)"):
        write_output(tmp_path / "missing" / "a", b"1")


def test_a_file_that_cannot_be_written_is_told_in_the_persons_language(db, tmp_path):
    (tmp_path / "taken.md").write_text("mine")
    expected = {
        "nl": "taken.md: bestaat al; geef een nieuwe naam, of voeg --force toe",
        "fr": "taken.md\u00a0: existe déjà\u00a0; indiquez un autre nom, ou ajoutez --force",
        "en": "taken.md: already exists; give a new name, or add --force",
    }
    for lang, words in expected.items():
        with pytest.raises(OutputError) as raised:
            write_output(tmp_path / "taken.md", b"x")
        assert words in said(raised.value, lang)
        code, err = run("--lang", lang, *COMMANDS["export"](db, str(tmp_path / "taken.md")))
        assert code == 1 and words in err and "Traceback" not in err, err
    with pytest.raises(OutputError) as raised:
        write_output(tmp_path / "nowhere" / "plan.md", b"x")
    assert "(de map bestaat niet)" in said(raised.value, "nl") and "(le dossier n'existe pas)" in said(
        raised.value, "fr"
    )
    assert (tmp_path / "taken.md").read_text() == "mine"

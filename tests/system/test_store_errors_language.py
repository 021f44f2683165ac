"""A database that cannot be used is told in the person's language (issue 23): where and what, exit 1, no
traceback; `--lang en` says it as it always did, and str() of the error stays English (tests and logs read it)."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

import misquiz.storage.sqlite as sqlite_store
from misquiz.cli import main
from misquiz.core import catalogue
from misquiz.core.quiz import QuizOptions
from misquiz.storage.protocol import StoreError, open_store
from misquiz.storage.sqlite import SQLiteStore
from support.postgres import postgres_server_fixture, postgres_url_fixture  # noqa: F401  (fixtures)
from support.quiz import stored_attempt
from support.serving import free_port

NB = "\u00a0"


def failed(*args: str) -> str:
    """A command that must fail on its database: exit 1, one message on stderr, no traceback; that message."""
    result = CliRunner().invoke(main, list(args))
    assert isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 1, (result.exit_code, result.output)
    assert "Traceback" not in result.output and "Error:" not in result.stderr
    assert result.stdout == ""
    return result.stderr.rstrip("\n")


def history(where: str | Path, lang: str) -> str:
    return failed("history", "--db", str(where), "--lang", lang)


@pytest.fixture
def locked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A misquiz database in rollback mode (as a backup is left) held by another connection's BEGIN EXCLUSIVE:
    nobody may even read it. misquiz waits 0.2 s for it here instead of 5."""
    path = tmp_path / "held.db"
    SQLiteStore(path).close()
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("PRAGMA journal_mode = DELETE")
    other.execute("BEGIN EXCLUSIVE")
    monkeypatch.setattr(sqlite_store, "BUSY_TIMEOUT_MS", 200)
    try:
        yield path
    finally:
        other.execute("ROLLBACK")
        other.close()


def test_a_locked_database(locked: Path):
    where = str(locked)
    assert history(locked, "en") == (
        f"misquiz: {where}: the database is locked by another program and stayed locked for 0.2 seconds; "
        "close the other program and try again"
    )
    assert history(locked, "fr") == (
        f"misquiz{NB}: {where}{NB}: la base de données est verrouillée par un autre programme et l'est restée "
        f"pendant 0,2{NB}secondes{NB}; fermez l'autre programme et réessayez"
    )
    assert history(locked, "nl") == (
        f"misquiz: {where}: de database is vergrendeld door een ander programma en bleef 0,2 seconden vergrendeld; "
        "sluit het andere programma en probeer het opnieuw"
    )


def test_a_locked_database_for_a_command_that_writes(bank, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """In WAL mode a reader gets through; a writer waits, then is told, in its language."""
    path = tmp_path / "busy.db"
    store = SQLiteStore(path)
    stored_attempt(store, bank, QuizOptions("en", 1, workshop="ws"), 3)
    store.close()
    monkeypatch.setattr(sqlite_store, "BUSY_TIMEOUT_MS", 200)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        said = failed("workshop", "delete", "ws", "--yes", "--db", str(path), "--lang", "fr")
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert said == (
        f"misquiz{NB}: {path}{NB}: la base de données est verrouillée par un autre programme et l'est restée "
        f"pendant 0,2{NB}secondes{NB}; fermez l'autre programme et réessayez"
    )


def test_a_file_that_is_not_a_misquiz_database(tmp_path: Path):
    path = tmp_path / "notes.db"
    path.write_text("my own notes, not a database\n" * 10, encoding="utf-8")
    before = path.read_bytes()
    assert history(path, "en") == (
        f"misquiz: {path}: this file is not a misquiz database (or it is damaged); it was left as it is"
    )
    assert history(path, "fr") == (
        f"misquiz{NB}: {path}{NB}: ce fichier n'est pas une base de données misquiz (ou il est endommagé){NB}; "
        "il n'a pas été modifié"
    )
    assert history(path, "nl") == (
        f"misquiz: {path}: dit bestand is geen misquiz-database (of het is beschadigd); het is niet gewijzigd"
    )
    assert path.read_bytes() == before


@pytest.mark.parametrize("before", [True, False])
def test_the_quiz_says_it_in_the_language_of_its_own_lang_option(tmp_path: Path, before: bool):
    """`take` has a --lang of its own, the quiz's: it is the language of the messages too (as `score`'s is)."""
    path = tmp_path / "notes.db"
    path.write_text("my own notes, not a database\n" * 10, encoding="utf-8")
    take = ["--lang", "nl", "take"] if before else ["take", "--lang", "nl"]
    assert failed(*take, "--plain", "--db", str(path)) == (
        f"misquiz: {path}: dit bestand is geen misquiz-database (of het is beschadigd); het is niet gewijzigd"
    )
    assert failed("take", "--plain", "--lang", "fr", "--db", str(tmp_path)) == (
        f"misquiz{NB}: {tmp_path}{NB}: est un dossier, pas un fichier de base de données"
    )


def test_another_programs_sqlite_database(tmp_path: Path):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY)")
    conn.commit()
    conn.close()
    assert history(path, "en").endswith(
        ": not a misquiz database (another program's, or damaged); it was left as it is"
    )
    assert history(path, "fr") == (
        f"misquiz{NB}: {path}{NB}: ce n'est pas une base de données misquiz (elle appartient à un autre programme, "
        f"ou elle est endommagée){NB}; le fichier n'a pas été modifié"
    )
    assert "geen misquiz-database" in history(path, "nl")


def test_a_directory_as_the_database(tmp_path: Path):
    folder = tmp_path / "results"
    folder.mkdir()
    assert history(folder, "en") == f"misquiz: {folder}: is a directory, not a database file"
    assert history(folder, "fr") == f"misquiz{NB}: {folder}{NB}: est un dossier, pas un fichier de base de données"
    assert history(folder, "nl") == f"misquiz: {folder}: is een map, geen databasebestand"
    # a command that writes says the same
    said = failed("workshop", "delete", "nobody", "--yes", "--db", str(folder), "--lang", "fr")
    assert said == f"misquiz{NB}: {folder}{NB}: est un dossier, pas un fichier de base de données"


def test_a_symbolic_link_as_the_database(tmp_path: Path):
    real = tmp_path / "real.db"
    SQLiteStore(real).close()
    link = tmp_path / "link.db"
    link.symlink_to(real)
    assert history(link, "en") == f"misquiz: {link}: is a symbolic link; give the real path of the database"
    assert history(link, "fr") == (
        f"misquiz{NB}: {link}{NB}: est un lien symbolique{NB}; indiquez le chemin réel de la base de données"
    )
    assert history(link, "nl") == (
        f"misquiz: {link}: is een symbolische koppeling; geef het echte pad van de database op"
    )


def test_a_postgresql_server_that_is_down():
    port = free_port()  # nothing listens there
    url = f"postgresql://trainer:s3cret-pw@127.0.0.1:{port}/misquiz"
    shown = f"postgresql://trainer:***@127.0.0.1:{port}/misquiz"
    en, fr, nl = history(url, "en"), history(url, "fr"), history(url, "nl")
    for said in (en, fr, nl):
        assert "s3cret-pw" not in said and shown in said
    assert en.startswith(f"misquiz: {shown}: no PostgreSQL server answers there (")
    assert en.endswith("); is it running, and are host and port right?")
    assert fr.startswith(f"misquiz{NB}: {shown}{NB}: aucun serveur PostgreSQL ne répond à cette adresse (")
    assert fr.endswith(f"){NB}; est-il démarré, et l'hôte et le port sont-ils les bons{NB}?")
    assert nl.startswith(f"misquiz: {shown}: daar antwoordt geen PostgreSQL-server (")
    assert nl.endswith("); draait de server, en kloppen host en poort?")


def test_an_address_postgresql_cannot_read_is_masked_in_every_language():
    url = "postgresql://trainer:p@ss%zzword@[::1/misquiz"  # libpq cannot parse it, and quotes it whole
    shown = "postgresql://trainer:***@[::1/misquiz"
    assert history(url, "en") == (
        f"misquiz: {shown}: not an address PostgreSQL can read; write it as "
        "postgresql://user:password@host:port/database (in the password, write @ as %40, : as %3A, / as %2F)"
    )
    assert history(url, "fr").startswith(f"misquiz{NB}: {shown}{NB}: PostgreSQL ne sait pas lire cette adresse{NB}; ")
    assert history(url, "nl").startswith(f"misquiz: {shown}: geen adres dat PostgreSQL kan lezen; ")
    for lang in ("en", "fr", "nl"):
        assert "ss%zzword" not in history(url, lang)


def test_a_driver_message_that_quotes_the_password_is_left_out_in_every_language():
    url = "postgresql://trainer:p@ss@word@127.0.0.1:1:2/misquiz"
    for lang in ("en", "fr", "nl"):
        said = history(url, lang)
        assert "ss@word" not in said and "trainer:***@" in said
    assert history(url, "fr").endswith(f"OperationalError{NB}; son message citait le mot de passe et a été omis")


def test_a_database_the_server_does_not_have(postgres_url: str):
    missing = re.sub(r"/[^/?]+(\?|$)", r"/no_such_misquiz_db\1", postgres_url, count=1)
    said = history(missing, "fr")
    assert f"{NB}: le serveur n'a pas de base de données de ce nom (" in said
    assert said.endswith(f"){NB}; créez-la d'abord, par exemple avec createdb")
    assert "misquiz-test-only" not in said  # the password


def test_str_stays_english_and_said_tells_it_in_each_language(tmp_path: Path):
    folder = tmp_path / "d"
    folder.mkdir()
    with pytest.raises(StoreError) as caught:
        open_store(folder)
    error = caught.value
    assert str(error) == f"{folder}: is a directory, not a database file"
    assert catalogue.said(error, "fr") == f"{folder}{NB}: est un dossier, pas un fichier de base de données"
    plain = StoreError("a sentence no catalogue holds")
    assert str(plain) == catalogue.said(plain, "fr") == "a sentence no catalogue holds"


def test_db_copy_of_a_file_whose_table_is_a_view(tmp_path: Path):
    source, target = tmp_path / "odd.db", tmp_path / "target.db"
    conn = sqlite3.connect(source)
    conn.executescript("CREATE TABLE attempts (id INTEGER); CREATE VIEW answers AS SELECT 1 AS attempt_id;")
    conn.close()
    en = failed("db", "copy", str(source), str(target), "--lang", "en")
    assert en == (
        f"misquiz: {source}: not a misquiz database: its 'answers' is a view, not a table; nothing was read or copied"
    )
    assert failed("db", "copy", str(source), str(target), "--lang", "fr") == (
        f"misquiz{NB}: {source}{NB}: ce n'est pas une base de données misquiz{NB}: «{NB}answers{NB}» y est une vue, "
        f"et non une table{NB}; rien n'a été lu ni copié"
    )
    assert failed("db", "copy", str(source), str(target), "--lang", "nl") == (
        f"misquiz: {source}: geen misquiz-database: ‘answers’ is er een view, geen tabel; "
        "er is niets gelezen of gekopieerd"
    )
    assert not target.exists()


def test_db_copy_onto_itself(tmp_path: Path):
    path = tmp_path / "same.db"
    SQLiteStore(path).close()
    assert failed("db", "copy", str(path), str(path), "--lang", "fr") == (
        f"misquiz{NB}: {path}{NB}: la source et la cible sont la même base de données"
    )


class _HeldStore(SQLiteStore):
    """A store whose answers cannot be written: another program holds the database."""

    def save_answer(self, attempt_id: int, statement_id: str, value: int | None) -> None:
        raise StoreError("store_locked", where=str(self.path), seconds=5.0)


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("fr", "la base de données est verrouillée par un autre programme et l'est restée pendant 5\u00a0secondes"),
        ("nl", "de database is vergrendeld door een ander programma en bleef 5 seconden vergrendeld"),
        ("en", "the database is locked by another program and stayed locked for 5 seconds"),
    ],
)
def test_plain_mode_says_an_answer_not_stored_in_its_language(bank, tmp_path: Path, lang: str, expected: str):
    import io

    from misquiz.lines.plain import run_plain

    store = _HeldStore(tmp_path / "held.db")
    out = io.StringIO()
    run_plain(bank, QuizOptions(lang, 3), store, stdin=io.StringIO("4\nq\ny\n"), stdout=out)
    said = catalogue.t(
        lang, "db_error", error=StoreError("store_locked", where=str(store.path), seconds=5.0).said(lang)
    )
    assert said in out.getvalue() and expected in said
    store.close()


async def test_the_full_screen_quiz_says_it_in_its_language(bank, tmp_path: Path):
    from support.quiz import quiz_app

    app = quiz_app(bank, lang="fr", seed=3)
    shown: list[str] = []
    app.notify = lambda message, **options: shown.append(message)  # type: ignore[method-assign]
    app.store_failed(StoreError("store_attempt_finished", attempt=7))
    assert shown == [
        catalogue.t("fr", "db_error", error="participation 7\u00a0: déjà terminée, cette réponse n'a donc pas été "
                    "enregistrée\u00a0; son résultat reste tel quel")
    ]  # fmt: skip


def test_db_copy_from_a_file_that_is_not_there(tmp_path: Path):
    """Found by the third English reader: a mistyped source said "Copied 0 attempts" and made the target."""
    target = tmp_path / "t.db"
    assert failed("db", "copy", str(tmp_path / "nosuch.db"), str(target)) == (
        f"misquiz: {tmp_path / 'nosuch.db'}: no such file; nothing was copied"
    )
    said = failed("db", "copy", str(tmp_path / "nosuch.db"), str(target), "--lang", "fr")
    assert said.endswith(f"nosuch.db{NB}: ce fichier n'existe pas{NB}; rien n'a été copié")
    assert not target.exists()


def test_db_copy_from_a_name_too_long_for_the_system(tmp_path: Path):
    """Found by test_fuzz_cli: the check for real tables met the system's 'File name too long' first."""
    long = "x" * 300
    said = failed("db", "copy", long, str(tmp_path / "t.db"), "--lang", "fr")
    assert said.startswith(f"misquiz{NB}: {long}{NB}: lecture impossible (")


def test_a_login_the_server_refuses(postgres_url: str):
    wrong = postgres_url.replace("misquiz-test-only", "not-the-password", 1)
    assert wrong != postgres_url
    said = history(wrong, "nl")
    assert ": de server weigerde de aanmelding (" in said
    assert said.endswith("); controleer de gebruikersnaam en het wachtwoord")
    assert "not-the-password" not in said and "***" in said
    assert history(wrong, "fr").endswith(f"){NB}; vérifiez le nom d'utilisateur et le mot de passe")


def test_a_backup_of_a_database_that_is_not_there_writes_nothing(tmp_path: Path):
    """Found by the confirming readers: `backup` of a mistyped --db wrote an empty backup and said "Wrote"."""
    target = tmp_path / "bk.db"
    said = failed("backup", str(target), "--db", str(tmp_path / "none.db"))
    assert (
        said
        == f"misquiz: {tmp_path / 'none.db'}: no such database, so there is nothing to back up; nothing was written"
    )
    assert "er is niets geschreven" in failed("--lang", "nl", "backup", str(target), "--db", str(tmp_path / "none.db"))
    assert not target.exists()

"""A real PostgreSQL for the tests: Debian's `postgresql` package, a cluster made by initdb in a
temporary folder, on a free port, started once per test run and stopped at its end.

Each test gets a database of its own. initdb refuses to run as root, so as root the cluster
belongs to the `postgres` user. On CI (CI=true) a missing server fails the tests; elsewhere
they are skipped with the reason.
"""

from __future__ import annotations

import atexit
import glob
import itertools
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from support.serving import free_port

USER = "misquiz"
PASSWORD = "misquiz-test-only"


def binaries() -> Path | None:
    """The folder with initdb and pg_ctl: on PATH, or Debian's /usr/lib/postgresql/N/bin (newest)."""
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        return Path(found).resolve().parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    return Path(versions[-1]).parent if versions else None


class PostgresServer:
    def __init__(self, bin_dir: Path) -> None:
        self.bin = bin_dir
        self.folder = Path(tempfile.mkdtemp(prefix="misquiz-pg-"))
        self.data = self.folder / "data"
        self.port = free_port()
        self.names = itertools.count(1)
        self.as_postgres = os.geteuid() == 0
        self.running = False

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        command = [str(self.bin / args[0]), *args[1:]]
        if self.as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, capture_output=True, text=True, check=False, timeout=120)

    def start(self) -> None:
        pwfile = self.folder / "pw"
        pwfile.write_text(PASSWORD + "\n")
        if self.as_postgres:
            shutil.chown(self.folder, "postgres")
            shutil.chown(pwfile, "postgres")
        made = self._run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            USER,
            f"--pwfile={pwfile}",
            "--auth-local=trust",
            "--auth-host=scram-sha-256",
            "--no-sync",
            "-E",
            "UTF8",
            "--locale=C",
        )
        if made.returncode != 0:
            raise RuntimeError(f"initdb failed:\n{made.stdout}\n{made.stderr}")
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300"
        started = self._run(
            "pg_ctl", "start", "-w", "-t", "60", "-D", str(self.data), "-l", str(self.folder / "log"), "-o", options
        )
        if started.returncode != 0:
            log = (self.folder / "log").read_text() if (self.folder / "log").exists() else ""
            raise RuntimeError(f"pg_ctl start failed:\n{started.stdout}\n{started.stderr}\n{log}")
        self.running = True

    def stop(self) -> None:
        if self.running:
            self._run("pg_ctl", "stop", "-D", str(self.data), "-m", "fast", "-w")
            self.running = False
        shutil.rmtree(self.folder, ignore_errors=True)

    def url(self, database: str = "postgres", user: str = USER, password: str = PASSWORD) -> str:
        return f"postgresql://{user}:{password}@127.0.0.1:{self.port}/{database}"

    def sql(self, statement: str, database: str = "postgres") -> list[tuple]:
        import psycopg

        with psycopg.connect(self.url(database), autocommit=True) as conn:
            cursor = conn.execute(statement)  # type: ignore[arg-type]
            return cursor.fetchall() if cursor.description else []

    def new_database(self) -> str:
        name = f"t{next(self.names)}"
        self.sql(f"CREATE DATABASE {name}")
        return self.url(name)


_server: PostgresServer | None = None


def server() -> PostgresServer:
    """The one server of this test run, started on first use; fails on CI if it cannot be had."""
    global _server
    if _server is not None:
        return _server
    reason = None
    try:
        import psycopg  # noqa: F401
    except ImportError:
        reason = "psycopg is not installed (pip install -e '.[test]')"
    bin_dir = binaries()
    if bin_dir is None:
        reason = "PostgreSQL's initdb and pg_ctl are missing (Debian: apt-get install postgresql)"
    if reason is not None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"on CI the PostgreSQL tests never skip: {reason}")
        pytest.skip(reason)
    assert bin_dir is not None
    started = PostgresServer(bin_dir)
    atexit.register(started.stop)
    started.start()
    _server = started
    return started


@pytest.fixture(scope="session", name="postgres_server")
def postgres_server_fixture() -> PostgresServer:
    return server()


@pytest.fixture(name="postgres_url")
def postgres_url_fixture(postgres_server: PostgresServer) -> str:
    """A new, empty database on the test run's server."""
    return postgres_server.new_database()


class Place:
    """Where one test's database lives, in either backend: open it, reach around it with SQL, make another."""

    def __init__(self, kind: str, where: str, make_other) -> None:
        self.kind, self.where, self._make_other = kind, where, make_other

    def open(self, **options):
        from misquiz.storage import open_store

        return open_store(self.where, **options)

    def other(self) -> Place:
        return self._make_other()

    def sql(self, statement: str) -> list[tuple]:
        """Plain SQL beside the store (the same in both dialects), committed at once."""
        if self.kind == "postgres":
            import psycopg

            with psycopg.connect(self.where, autocommit=True) as conn:
                cursor = conn.execute(statement)  # type: ignore[arg-type]
                return cursor.fetchall() if cursor.description else []
        import sqlite3

        conn = sqlite3.connect(self.where, isolation_level=None)
        try:
            return conn.execute(statement).fetchall()
        finally:
            conn.close()


@pytest.fixture(params=["sqlite", "postgres"], name="place")
def place_fixture(request: pytest.FixtureRequest, tmp_path: Path) -> Place:
    """A new database for the test, once in SQLite and once in PostgreSQL."""
    names = itertools.count(1)
    if request.param == "postgres":
        pg = server()

        def make_pg() -> Place:
            return Place("postgres", pg.new_database(), make_pg)

        return make_pg()

    def make_sqlite() -> Place:
        return Place("sqlite", str(tmp_path / f"store{next(names)}.db"), make_sqlite)

    return make_sqlite()

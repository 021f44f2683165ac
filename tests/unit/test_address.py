"""Every database address misquiz prints goes through one masking function; libpq's text never quotes a password."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from misquiz.cli import main
from misquiz.storage.address import masked, quotes_a_secret
from misquiz.storage.protocol import StoreError, open_store
from misquiz.storage.transfer import shown
from misquiz.web.server import room_command
from support.postgres import postgres_server_fixture, postgres_url_fixture  # noqa: F401  (fixtures)

pytest.importorskip("psycopg")

CASES = [
    ("postgresql://me:s3cret@db:5432/q", "postgresql://me:***@db:5432/q"),
    ("postgres://me:s3c@ret@db/q", "postgres://me:***@db/q"),  # cut at the last @
    ("postgresql://me:s3c@r@t@db/q?sslmode=require", "postgresql://me:***@db/q?sslmode=require"),
    ("postgresql://db/q?password=s3cret&sslmode=require", "postgresql://db/q?password=***&sslmode=require"),
    ("postgresql://db/q?sslmode=require&PASSWORD=s3cret", "postgresql://db/q?sslmode=require&PASSWORD=***"),
    ("host=db password='se cret' user=me", "host=db password=*** user=me"),
    ("postgresql://me@db/q", "postgresql://me@db/q"),
    ("/tmp/me@home.db", "/tmp/me@home.db"),
]


@pytest.mark.parametrize(("address", "printed"), CASES)
def test_one_masking_function_for_every_printed_address(address, printed):
    assert masked(address) == printed
    assert shown(address) == printed  # db copy's report
    assert "s3c" not in room_command("mon", address) and "se cret" not in room_command("mon", address)


@pytest.mark.parametrize(
    "address",
    [
        "postgresql://me:s3cr%zzet@127.0.0.1:1/q",  # libpq: invalid percent-encoded token: "s3cr%zzet"
        "postgresql://me:s3cret@[::1/q",  # libpq quotes the whole address
        "postgresql://me:s3cret@127.0.0.1:1/q?bogus=1",
        "postgresql://me:s3c@ret@127.0.0.1:1/q",  # libpq cuts at the first @: host 'ret@127.0.0.1'
        "postgresql://127.0.0.1:1/q?password=s3cret",
    ],
)
def test_libpq_text_never_follows_a_connection_string_error(address):
    with pytest.raises(StoreError) as caught:
        open_store(address)
    message = str(caught.value)
    assert "s3c" not in message and "ret@" not in message, message
    assert message.startswith(masked(address)), message
    result = CliRunner().invoke(main, ["history", "--db", address])
    assert result.exit_code == 1 and "s3c" not in result.output and "ret@" not in result.output, result.output


def test_a_message_that_quotes_a_piece_of_the_password_is_caught():
    assert quotes_a_secret("failed to resolve host 'ret@127.0.0.1'", "postgresql://me:s3c@ret@127.0.0.1/q")
    assert quotes_a_secret('invalid percent-encoded token: "s3cr%zzet"', "postgresql://me:s3cr%zzet@h/q")
    assert not quotes_a_secret("connection refused", "postgresql://me:s3cret@h/q")


def test_the_plain_quiz_names_a_postgresql_database_without_its_password(postgres_url, tmp_path):
    """Plain mode ends with the command that saves the plan, with this --db: its password masked."""
    import os
    import subprocess
    import sys

    from support.postgres import PASSWORD

    done = subprocess.run(
        [sys.executable, "-m", "misquiz", "take", "--plain", "--seed", "3", "--lang", "en", "--db", postgres_url],
        input="3\n" * 40,
        capture_output=True,
        text=True,
        env={**os.environ, "XDG_CACHE_HOME": str(tmp_path / "c")},
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "misquiz export latest --format md -o my-plan.md --db" in done.stdout
    assert PASSWORD not in done.stdout + done.stderr and masked(postgres_url) in done.stdout

"""The command line. Textual is imported only by the commands that open a screen."""

from __future__ import annotations

import json
import os
import sys
from typing import TYPE_CHECKING, NoReturn, TextIO, cast

import click

from misquiz.core import catalogue
from misquiz.core.problems import Problem, ProblemsError
from misquiz.core.text import ascii_number, json_safe, plain

if TYPE_CHECKING:
    from misquiz.core.model import Bank
    from misquiz.storage import Store

LANGS = catalogue.languages()


def default_language() -> str:
    """--lang where a command has no option of its own for it (`misquiz --lang fr history`), else the locale."""
    ctx = click.get_current_context(silent=True)
    chosen = ctx.meta.get(_LANG_KEY) if ctx is not None else None
    return chosen or catalogue.language_for_locale(dict(os.environ))


_LANG_KEY = "misquiz.lang"


def _lang_for_all(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """A command's --lang is also the language of its messages (default_language())."""
    if value is not None:
        ctx.meta[_LANG_KEY] = value
    return value


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("misquiz")
    except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return "unknown"


def _fail(problems: list[Problem], code: int = 1, lang: str | None = None) -> NoReturn:
    """Each problem on its line, in the person's language (a bank's own checks stay English), then exit."""
    told = lang or default_language()
    for problem in problems:
        click.echo(problem.told(told), err=True)
    sys.exit(code)


def _load(bank_path: str | None, lang: str | None = None):
    from misquiz.files.bank import check_bank

    result = check_bank(bank_path)
    if result.bank is None:
        _fail(result.errors, lang=lang)
    return result.bank


class _Forgiving(click.Group):
    """An unknown command names the commands close to it: "No such command 'tkae'. Did you mean 'take'?"."""

    def resolve_command(self, ctx: click.Context, args: list[str]):  # type: ignore[no-untyped-def]
        name = args[0] if args else ""
        if name and not name.startswith("-") and self.get_command(ctx, name) is None:
            _no_such_command(ctx, name, list(self.commands))
        return super().resolve_command(ctx, args)


def _no_such_command(ctx: click.Context, name: str, commands: list[str]) -> NoReturn:
    import difflib

    near = difflib.get_close_matches(name, commands, n=3, cutoff=0.6)
    hint = f" Did you mean {' or '.join(repr(n) for n in near)}?" if near else ""  # click adds "Try --help"
    ctx.fail(f"No such command {plain(name)!r}.{hint}")


def _value_options(group: click.Group) -> set[str]:
    """Every option name, in every command, that takes a value (--db X), to read options before a command."""
    names: set[str] = set()
    for command in group.commands.values():
        if isinstance(command, click.Group):
            names |= _value_options(command)
        for param in command.params:
            if isinstance(param, click.Option) and not param.is_flag and not param.count:
                names.update(param.opts)
    return names


class _DefaultToTake(_Forgiving):
    """`misquiz` and `misquiz --lang nl` mean `misquiz take ...`; options may come before the command
    (`misquiz --db X history` is `misquiz history --db X`)."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args[:1] in (["--help"], ["-h"], ["--version"]):
            return super().parse_args(ctx, args)
        takes_value, i = _value_options(self), 0
        while i < len(args) and args[i].startswith("-") and args[i] != "--":
            i += 2 if args[i] in takes_value else 1  # --db=X is one word
        if i >= len(args):  # options only: the quiz
            return super().parse_args(ctx, ["take", *args])
        word = args[i]
        command = self.commands.get(word)
        if command is None:
            _no_such_command(ctx, word, list(self.commands))
        path, rest = [word], args[i + 1 :]
        if isinstance(command, click.Group):
            if not (rest and rest[0] in command.commands):  # `misquiz --lang fr workshop --help`: the group's
                return super().parse_args(ctx, [word, *rest])  # own help or usage, which take no global option
            path, rest = [word, rest[0]], rest[1:]  # `workshop list`
        return super().parse_args(ctx, [*path, *args[:i], *rest])

    def invoke(self, ctx: click.Context):
        """A database that fails or holds damage anywhere in a command ends in its message, never a traceback."""
        from misquiz.storage.protocol import StoreError

        try:
            return super().invoke(ctx)
        except StoreError as exc:
            _store_failed(exc)


@click.group(cls=_DefaultToTake, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(version=None, package_name="misquiz", message="misquiz %(version)s")
def main() -> None:
    """A self-assessment on nine misconceptions about social media in business.

    Run without a command to take the quiz.
    """


def _quiz_bank(bank_path: str | None, lang: str | None = None):
    from misquiz.files.bank_cache import load_bank_for_quiz

    try:
        return load_bank_for_quiz(bank_path)
    except ProblemsError as exc:
        _fail(exc.problems, lang=lang)


MAX_ATTEMPT_ID = 2**63 - 1  # the largest id a database can hold (SQLite's INTEGER, PostgreSQL's bigint)


class _Number(click.ParamType):
    """A whole number in ASCII digits (click's int takes ３ and ١ as 3 and 1), within low..high."""

    name = "integer"

    def __init__(self, low: int | None = None, high: int = MAX_ATTEMPT_ID, what: str = "") -> None:
        self.low, self.high = low, high
        self.what = what or (f"a whole number of {low} or more" if low is not None else "a whole number")

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int) and not isinstance(value, bool):  # a default
            return value
        text = str(value).strip()
        negative = self.low is None and text.startswith("-")
        n = ascii_number(text[1:] if negative else text)
        if n is not None:
            n = -n if negative else n
            if (self.low is None or n >= self.low) and abs(n) <= self.high:
                return n
        self.fail(f"{plain(text)!r} is not {self.what}", param, ctx)


PORT = _Number(1, 65535, "a port number (1-65535)")
POSITIVE = _Number(1)


def _store(db: str | None, *, read_only: bool = False) -> Store:
    from misquiz.storage import StoreError, open_store

    try:
        return open_store(db, read_only=read_only)
    except StoreError as exc:
        _store_failed(exc)


def _no_such_file(where: str) -> bool:
    """An SQLite path that names nothing (a PostgreSQL URL, or a path the system cannot even look up, is left to
    the store, which says what is wrong)."""
    from misquiz.storage.protocol import is_postgres_url

    if is_postgres_url(where):
        return False
    try:
        os.lstat(where)
    except FileNotFoundError:
        return True
    except OSError:
        return False
    return False


def _near(lang: str, codes: list[str]) -> str:
    """Workshop codes close to a mistyped one, as the language lists alternatives."""
    return catalogue.or_list(lang, [plain(code) for code in codes])


def _store_failed(exc: Exception) -> NoReturn:
    """A database that failed: its message in the person's language (a StoreError is a catalogue sentence), exit 1."""
    lang = default_language()
    click.echo(catalogue.t(lang, "store_failed", error=plain(catalogue.said(exc, lang))), err=True)
    sys.exit(1)


def _not_over_the_database(target: str, store: Store) -> None:
    """A report never goes over the database it is read from (or its journal): that would lose every result."""
    database = getattr(store, "path", None)  # an SQLite file; PostgreSQL has none here
    if database is None:
        return
    for own in (str(database), f"{database}-wal", f"{database}-shm", f"{database}-journal"):
        try:
            same = os.path.realpath(target) == os.path.realpath(own) or os.path.samefile(target, own)
        except (OSError, ValueError):
            continue
        if same:
            click.echo(catalogue.t(default_language(), "cli_is_database", target=plain(target)), err=True)
            sys.exit(1)


def _known_workshop(store: Store, code: str) -> None:
    """A command about one workshop stops, naming the codes that come close, when this database has no such code."""
    from misquiz.core.room import close_codes
    from misquiz.storage import StoreError

    try:
        known = [w.code for w in store.workshops()]
    except StoreError as exc:
        _store_failed(exc)
    if code not in known:
        _no_such_workshop(code, close_codes(code, known))


def _no_such_workshop(code: str, near: list[str]) -> NoReturn:
    lang = default_language()
    known = _near(lang, near)
    key = "cli_no_workshop_near" if near else "cli_no_workshop"
    click.echo(catalogue.t(lang, key, code=plain(code), near=known), err=True)
    sys.exit(1)


def _say(key: str, *, err: bool = False, **values: object) -> None:
    """One message of the trainer's side, in --lang or the locale's language."""
    click.echo(catalogue.t(default_language(), key, **values), err=err)


def _confirm(question: str) -> bool:
    """A yes/no question in the trainer's language ([o/N] in French), no by default; y and yes always work."""
    lang = default_language()
    try:
        answer = click.prompt(
            catalogue.t(lang, "cli_confirm", question=question), default="", show_default=False, prompt_suffix=""
        )
    except click.Abort:  # Ctrl+C or the end of the input: a no (click would say "Aborted!" in English)
        click.echo("", err=True)
        return False
    yes = {w.strip() for w in catalogue.t(lang, "cli_yes_words").split(",")} | {"y", "yes"}
    return str(answer).strip().lower() in yes


def _round_word(round_: str | None) -> str:
    key = {"before": "cli_round_before", "after": "cli_round_after"}.get(round_ or "", "cli_round_none")
    return catalogue.t(default_language(), key)


def _write_output(target: str, text: str, store: Store, *, newline: str | None = None, force: bool = False) -> None:
    """A report written to the file the user named (files.output: no symbolic link, no FIFO, device or folder,
    nothing replaced without --force, mode 0600), with one message for every way it can fail."""
    from misquiz.files.output import OutputError, write_output

    _not_over_the_database(target, store)
    data = (text if newline == "" else text.replace("\n", os.linesep)).encode("utf-8")
    try:
        write_output(target, data, force=force)
    except OutputError as exc:
        _say("cli_error", err=True, error=plain(catalogue.said(exc, default_language())))
        sys.exit(1)
    _say("cli_wrote", err=True, target=plain(target))


def _workshop_code(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    from misquiz.core.room import valid_code

    if not valid_code(value):
        raise click.BadParameter("use 1-40 letters, digits, - or _")
    return value


def _ip_addresses(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> frozenset[str]:
    import ipaddress

    try:
        return frozenset(str(ipaddress.ip_address(v)) for v in values)
    except ValueError as exc:
        raise click.BadParameter(f"{plain(str(exc))}; give an IP address, like 127.0.0.1") from None


DB_OPTION = click.option(
    "--db", type=click.Path(), envvar="MISQUIZ_DB", help="The database (default: in your data folder; or $MISQUIZ_DB)."
)
BANK_OPTION = click.option(
    "--bank", "bank_path", type=click.Path(dir_okay=False), help="A bank file (default: the shipped bank)."
)
FORCE_OPTION = click.option("--force", is_flag=True, help="Replace the output file if it exists.")
WORKSHOP_OPTION = click.option("--workshop", callback=_workshop_code, help="Tag results with a workshop code.")
CSV_DIALECT_OPTION = click.option(
    "--csv-dialect",
    type=click.Choice(["rfc4180", "spreadsheet"]),
    default="rfc4180",
    show_default=True,
    help="CSV for programs (rfc4180: comma, decimal point) or for Excel and LibreOffice in the --lang's locale "
    "(spreadsheet: byte-order mark; in nl and fr a semicolon and a decimal comma).",
)
ROUND_OPTION = click.option("--round", "round_", type=click.Choice(["before", "after"]), help="The workshop round.")


@main.command()
@BANK_OPTION
@click.option(
    "--lang",
    type=click.Choice(LANGS),
    callback=_lang_for_all,
    help="Language of the quiz and the messages (default: from your locale).",
)
@click.option("--seed", type=_Number(), help="Seed for the order of the statements (default: random).")
@click.option("--name", default="", help="Your name, shown on your results.")
@DB_OPTION
@WORKSHOP_OPTION
@ROUND_OPTION
@click.option(
    "--plain", "plain_lines", is_flag=True, help="Plain lines instead of the full screen (screen readers, pipes)."
)
@click.option(
    "--resume",
    is_flag=True,
    help="Plain lines and pipes: carry on with the unfinished quiz of --name (or the unnamed one) without asking.",
)
def take(
    bank_path: str | None,
    lang: str | None,
    seed: int | None,
    name: str,
    db: str | None,
    workshop: str | None,
    round_: str | None,
    plain_lines: bool,
    resume: bool,
) -> None:
    """Take the quiz in the terminal."""
    from misquiz.core.quiz import QuizOptions

    if name and not name.strip():
        raise click.BadParameter("a name of only spaces; give a name, or leave out --name", param_hint="--name")

    bank = _quiz_bank(bank_path, lang)
    options = QuizOptions(lang or default_language(), seed, name, workshop, round_)
    from misquiz.tui.launch import full_screen_refused, run_full_screen

    reason = full_screen_refused() if not plain_lines else ""
    if plain_lines or reason or resume:
        from misquiz.lines.plain import run_plain

        store = _store(db)
        code = run_plain(bank, options, store, stdin=sys.stdin, stdout=sys.stdout, reason=reason, resume=resume, db=db)
        store.close()
        sys.exit(code)
    sys.exit(run_full_screen(bank, options, db))


@main.command()
@click.argument("path", required=False, type=click.Path(dir_okay=True))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of text.")
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
def validate(path: str | None, as_json: bool, strict: bool) -> None:
    """Check a bank (default: the shipped bank) and report every problem."""
    from misquiz.files.bank import SHOWN_PROBLEMS, check_bank

    result = check_bank(path, strict=strict)
    if as_json:  # ASCII: a bank's control characters stay escaped
        click.echo(json.dumps(result.as_dict(SHOWN_PROBLEMS), indent=2))
    else:
        from misquiz.render.listing import bank_check_text

        lang = default_language()
        lines = bank_check_text(result, lang).split("\n")  # a problem per line (control characters escaped)
        found = len(result.errors) + len(result.warnings)
        if found > SHOWN_PROBLEMS:  # the first ones, then how many more: never a flood
            more = catalogue.t(lang, "check_more_problems", n=found - SHOWN_PROBLEMS)
            lines = [*lines[:SHOWN_PROBLEMS], more, *lines[found:]]
        click.echo("\n".join(lines))
    sys.exit(0 if result.ok else 1)


@main.command()
@click.argument("answers_file", metavar="ANSWERS", type=click.Path(dir_okay=True))
@click.option("--bank", "bank_path", type=click.Path(dir_okay=False), help="A bank file (default: the shipped bank).")
@click.option(
    "--lang",
    type=click.Choice(LANGS),
    callback=_lang_for_all,
    help="Language of the advice and the messages (default: from your locale).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
def score(answers_file: str, bank_path: str | None, lang: str | None, as_json: bool) -> None:
    """Score an answers file (statement id: 1-5 or null) without the quiz."""
    from misquiz.core.advice import advice_plan
    from misquiz.core.scoring import score_attempt
    from misquiz.files.answers import read_answers
    from misquiz.render.text import plan_text

    bank = _load(bank_path, lang)
    try:
        answers = read_answers(answers_file, bank)
    except ProblemsError as exc:
        _fail(exc.problems, lang=lang)
    result = score_attempt(bank, answers)
    if as_json:
        click.echo(json_safe(json.dumps(result.record().as_json(), ensure_ascii=False, indent=2)))
    else:
        from misquiz.storage.protocol import utc_now

        now = utc_now().isoformat(timespec="seconds")
        click.echo(
            plan_text(advice_plan(bank, result, lang or default_language(), name="", progress=None, taken_at=now))
        )


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list instead of a table.")
@DB_OPTION
def history(as_json: bool, db: str | None) -> None:
    """List every stored result, newest first."""
    from misquiz.storage import StoreError

    store = _store(db, read_only=True)
    try:
        if as_json:
            click.echo(json_safe(store.history_json()))  # names as typed: no ESC, no bidi override
            return
        rows = store.history()
    except StoreError as exc:
        _store_failed(exc)
    from misquiz.core.model import resolve_language
    from misquiz.render.listing import history_table

    bank = _quiz_bank(None)  # its profile titles, in words, instead of their ids
    lang = resolve_language(bank, default_language())
    import shutil

    click.echo(history_table(rows, lang, bank.verdict_titles(lang), shutil.get_terminal_size((80, 24)).columns))


@main.command()
@click.argument("attempt", default="latest", metavar="[ID|latest]")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["md", "html", "json", "ics"]),
    default="md",
    show_default=True,
    help="What to write (ics: the check-back date and your commitments, for a calendar).",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to this file instead of the screen.")
@FORCE_OPTION
@DB_OPTION
@BANK_OPTION
def export(attempt: str, fmt: str, output: str | None, force: bool, db: str | None, bank_path: str | None) -> None:
    """Write one result as an action plan (md), a web page (html), a result file (json) or a calendar file (ics)."""
    bank = _load(bank_path)
    store = _store(db, read_only=True)
    if attempt == "latest":
        attempt_id = store.latest_id()
    elif (number := ascii_number(attempt)) is not None and number <= MAX_ATTEMPT_ID:
        attempt_id = number
    else:
        raise click.BadParameter("give a result's id (see misquiz history) or 'latest'", param_hint="ID")
    stored = store.attempt(attempt_id) if attempt_id is not None else None
    if stored is None:
        _say("cli_no_attempt", err=True)
        sys.exit(1)
    if stored.bank_id != bank.id:
        _say("cli_other_bank", err=True, id=stored.id, bank=plain(stored.bank_id))
        sys.exit(1)
    if fmt == "json":
        from misquiz.files.results import result_json

        text = json_safe(json.dumps(result_json(stored, bank), ensure_ascii=False, indent=2))
    else:
        from misquiz.render.report import render_report
        from misquiz.storage.recording import attempt_plan

        plan = attempt_plan(store, bank, stored)
        if fmt == "ics":
            from misquiz.render.calendar import calendar_file

            address = store.join_address(stored.workshop) if stored.workshop else None
            ics = calendar_file(plan, address).decode("utf-8")
            if output is None:
                click.echo(ics, nl=False)
            else:
                _write_output(output, ics, store, newline="", force=force)  # RFC 5545 lines end in CRLF, as written
            return
        text = render_report(fmt, plan)
    if output is None:
        click.echo(text)
        return
    _write_output(output, text + "\n", store, force=force)


@main.command(name="import")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=True))
@WORKSHOP_OPTION
@DB_OPTION
@BANK_OPTION
def import_(files: tuple[str, ...], workshop: str | None, db: str | None, bank_path: str | None) -> None:
    """Read result files (from misquiz export --format json) into the database."""
    from misquiz.files.results import read_result_file
    from misquiz.storage import StoreError
    from misquiz.storage.protocol import UidConflict

    bank = _load(bank_path)
    store = _store(db)
    added = already = failed = 0
    for name in files:
        try:
            attempt = read_result_file(name, bank)
            if workshop is not None:
                attempt.workshop = workshop
            if store.import_attempt(attempt):
                added += 1
            else:
                already += 1
                _say("cli_already_imported", err=True, name=plain(name))
        except ProblemsError as exc:
            failed += 1
            told = default_language()
            for problem in exc.problems:
                click.echo(problem.told(told), err=True)
        except UidConflict as exc:  # this file only: the others are still read
            failed += 1
            lang = default_language()
            click.echo(catalogue.t(lang, "store_failed", error=plain(catalogue.said(exc, lang))), err=True)
        except StoreError as exc:
            _store_failed(exc)
    _say("cli_imported", added=added, already=already, failed=failed)
    sys.exit(1 if failed else 0)


@main.command()
@click.argument("code", callback=_workshop_code)
@DB_OPTION
@BANK_OPTION
@click.option("--round", "round_", type=click.Choice(["before", "after"]), help="Show one round only.")
@click.option("--json", "as_json", is_flag=True, help="Print the room as JSON instead of showing it.")
@click.option(
    "--export", "export_path", type=click.Path(dir_okay=False), help="Write the group report (.csv, .md, .html)."
)
@FORCE_OPTION
@click.option(
    "--min-group",
    type=POSITIVE,
    default=3,
    show_default=True,
    help="Show the distribution only once this many have finished.",
)
@click.option(
    "--lang",
    type=click.Choice(LANGS),
    callback=_lang_for_all,
    help="Language of the view and the messages (default: from your locale).",
)
@click.option("--reveal", is_flag=True, help="Show the bars at once (default: hidden until you press r).")
@click.option("--title", help="The group report's title (default: Workshop CODE: where the group stands).")
@click.option("--by", help="Who the group report is from: an organisation, a trainer.")
@click.option("--items", "per_statement", is_flag=True, help="With --export FILE.csv: one row per statement.")
@CSV_DIALECT_OPTION
@click.option(
    "--appendix",
    is_flag=True,
    help="With --export FILE.html|.md: add the statements to review (for the trainer; left out by default).",
)
def room(
    code: str,
    db: str | None,
    bank_path: str | None,
    round_: str | None,
    as_json: bool,
    export_path: str | None,
    force: bool,
    min_group: int,
    lang: str | None,
    reveal: bool,
    title: str | None,
    by: str | None,
    per_statement: bool,
    appendix: bool,
    csv_dialect: str,
) -> None:
    """Follow a workshop's group live: per misconception, how many see through it, doubt it, or still believe it."""
    from misquiz.core.model import resolve_language
    from misquiz.core.room import close_codes
    from misquiz.storage import StoreError, read_room

    bank = _quiz_bank(bank_path)
    store = _store(db, read_only=True)
    language = resolve_language(bank, lang or default_language())
    try:
        current = read_room(store, bank, code, round_, min_group)
        join = store.join_address(code)
        known = [] if not current.empty else [w.code for w in store.workshops()]  # only asked when needed
    except StoreError as exc:
        _store_failed(exc)
    if current.empty and code not in known:
        near = close_codes(code, known)
        if near:
            _no_such_workshop(code, near)
        click.echo(catalogue.t(language, "cli_room_nobody", code=plain(code)), err=True)
    if as_json:
        click.echo(json_safe(json.dumps(current.as_dict(), ensure_ascii=False, indent=2)))
        return
    if export_path is not None:
        from misquiz.render.room import group_report_file
        from misquiz.storage.reading import read_group_report

        try:
            read = read_group_report(
                store, bank, code, round=round_, min_group=min_group, items=per_statement, appendix=appendix,
                room=current,
            )  # fmt: skip
            text = group_report_file(export_path, bank, lang=language, now=store.clock(), title=title, by=by, **read)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--export") from None
        except StoreError as exc:
            _store_failed(exc)
        if export_path.lower().endswith(".csv"):
            from misquiz.render.spreadsheet import csv_in

            text = csv_in(csv_dialect, text, language)
        _write_output(export_path, text, store, newline="", force=force)
        return
    from misquiz.tui.launch import full_screen_refused

    refused = full_screen_refused()
    if refused:  # the live view would draw itself into a pipe or a file
        reason = catalogue.t(language, refused)
        click.echo(catalogue.t(language, "cli_room_needs_terminal", reason=reason, code=plain(code)), err=True)
        sys.exit(1)
    from misquiz.tui.room_app import RoomApp

    store.close()  # the live view writes the round's session (a reveal, a discussion, a close): not read-only
    store = _store(db)
    RoomApp(store, bank, code, lang=language, round=round_, min_group=min_group, join=join, reveal=reveal).run()


@main.command()
@click.argument("code", required=False, callback=_workshop_code)
@click.option(
    "--round",
    "round_",
    type=click.Choice(["before", "after", "none"]),
    help="The round to read (with CODE, default: the latest with finished quizzes).",
)
@BANK_OPTION
@DB_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False), help="Write one row per statement to this file.")
@FORCE_OPTION
@CSV_DIALECT_OPTION
@click.option(
    "--min-group",
    type=POSITIVE,
    default=3,
    show_default=True,
    help="Show statistics only once this many quizzes have been finished.",
)
@click.option(
    "--lang",
    type=click.Choice(LANGS),
    callback=_lang_for_all,
    help="Language of the table and the messages (default: from your locale).",
)
def items(
    code: str | None,
    round_: str | None,
    bank_path: str | None,
    db: str | None,
    as_json: bool,
    csv_path: str | None,
    force: bool,
    csv_dialect: str,
    min_group: int,
    lang: str | None,
) -> None:
    """Which statements work: per statement n, no opinion, mean, spread, item-rest correlation and flags.

    With CODE: one round of that workshop, so that no one counts twice: --round, else the latest round with
    completed quizzes (after, else before, else the one without a round). Without CODE: every completed
    quiz on this bank in the database (of one round with --round).
    """
    from misquiz.core.model import resolve_language
    from misquiz.storage import StoreError
    from misquiz.storage.reading import read_items

    bank = _quiz_bank(bank_path)
    store = _store(db, read_only=True)
    if code is not None:
        _known_workshop(store, code)
    language = resolve_language(bank, lang or default_language())
    try:
        report = read_items(store, bank, code, round_, min_group)
    except StoreError as exc:
        _store_failed(exc)
    from misquiz.render.items import items_csv, items_json, items_table

    if csv_path is not None:
        from misquiz.render.spreadsheet import csv_in

        _write_output(
            csv_path, csv_in(csv_dialect, items_csv(report, bank, language), language), store, newline="", force=force
        )
    if as_json:
        click.echo(json_safe(items_json(report, bank, language)))
    elif csv_path is None:
        click.echo(items_table(report, bank, language, min_group))


@main.group(cls=_Forgiving)
def workshop() -> None:
    """Housekeeping: list workshops, move a session to its round, delete test runs."""


@workshop.command(name="list")
@DB_OPTION
def workshop_list(db: str | None) -> None:
    """Every workshop in the database: code, rounds, joined, finished, first and last activity."""
    from misquiz.render.listing import workshop_table
    from misquiz.storage import StoreError

    store = _store(db, read_only=True)
    try:
        click.echo(workshop_table(store.workshops(), default_language()))
    except StoreError as exc:
        _store_failed(exc)


def _round_value(ctx: click.Context, param: click.Parameter, value: str) -> str | None:
    return None if value == "none" else value


@workshop.command()
@click.argument("code", callback=_workshop_code)
@click.option("--from", "from_round", type=click.Choice(["none", "before", "after"]), required=True,
              callback=_round_value, help="The round the results are in now (none: no round).")  # fmt: skip
@click.option("--to", "to_round", type=click.Choice(["none", "before", "after"]), required=True,
              callback=_round_value, help="The round they belong to.")  # fmt: skip
@DB_OPTION
def retag(code: str, from_round: str | None, to_round: str | None, db: str | None) -> None:
    """Move a workshop's results to another round (a session served without --round, say)."""
    from misquiz.storage import StoreError

    if from_round == to_round:  # nothing would move: say so rather than "Moved 4 results" to where they are
        _say("cli_retag_same", err=True, code=plain(code), round=_round_word(to_round))
        sys.exit(1)
    store = _workshop_store(db, code)
    try:
        moved = store.retag(code, from_round, to_round)
    except StoreError as exc:
        _store_failed(exc)
    if to_round is None:
        _say("cli_retag_done_none", count=moved, code=plain(code))
    else:
        _say("cli_retag_done", count=moved, code=plain(code), round=_round_word(to_round))


@workshop.command()
@click.argument("code", callback=_workshop_code)
@click.option(
    "--attempt",
    "attempt_id",
    type=POSITIVE,
    help="Delete only this result (see misquiz history).",
)
@click.option("--yes", is_flag=True, help="Do not ask first (for scripts).")
@DB_OPTION
def delete(code: str, attempt_id: int | None, yes: bool, db: str | None) -> None:
    """Delete a workshop's results (or one of them): test runs, say. Asks first."""
    from misquiz.storage import StoreError

    what = catalogue.t(default_language(), "cli_delete_everything", code=plain(code))
    if attempt_id is not None:
        what = _attempt_in(db, code, attempt_id)
    store = _workshop_store(db, code)
    if not yes and not _confirm(catalogue.t(default_language(), "cli_delete_question", what=what)):
        _say("cli_nothing_deleted")
        return
    try:
        gone = store.delete_workshop(code, attempt_id)
    except StoreError as exc:
        _store_failed(exc)
    _say("cli_deleted", count=gone)


@main.command()
@click.option("--workshop", required=True, callback=_workshop_code, help="The workshop code participants join.")
@ROUND_OPTION
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (0.0.0.0: every network).")
@click.option("--port", type=PORT, default=8000, show_default=True, help="The port to listen on (1-65535).")
@click.option("--public-url", help="The address participants use, if it differs (a proxy, a name, https).")
@click.option(
    "--max-participants",
    type=POSITIVE,
    default=200,
    show_default=True,
    help="People who may join this round; the next one sees a 'this room is full' page.",
)
@click.option(
    "--min-group",
    type=POSITIVE,
    default=3,
    show_default=True,
    help="The projector page shows the distribution only once this many have finished.",
)
@click.option(
    "--lang",
    type=click.Choice(LANGS),
    callback=_lang_for_all,
    help="Language of the projector page and the messages (default: from your locale).",
)
@click.option(
    "--trusted-proxy",
    "trusted_proxies",
    multiple=True,
    callback=_ip_addresses,
    metavar="ADDRESS",
    help="A reverse proxy in front (repeatable): its X-Forwarded-For names the client, for the join limit.",
)
@click.option("--verbose", is_flag=True, help="Print a line per request (the QR code then scrolls away).")
@click.option("--new", "new_code", is_flag=True, help="A new workshop: serve --round after without a before round.")
@click.option(
    "--force",
    is_flag=True,
    help="Serve a bank other than the one this round's results were made with: those with the same statements go on.",
)
@BANK_OPTION
@DB_OPTION
def serve(
    workshop: str,
    round_: str | None,
    host: str,
    port: int,
    public_url: str | None,
    max_participants: int,
    min_group: int,
    lang: str | None,
    trusted_proxies: frozenset[str],
    verbose: bool,
    new_code: bool,
    force: bool,
    bank_path: str | None,
    db: str | None,
) -> None:
    """Serve the quiz to a room: every participant gets a web page, from this one process."""
    from misquiz.storage import StoreError

    if public_url is not None and not public_url.lower().startswith(("http://", "https://")):
        raise click.BadParameter("give a full address, like https://quiz.example.org", param_hint="--public-url")
    bank = _quiz_bank(bank_path)
    store = _store(db)
    note = _check_code(store, workshop, round_, new_code)
    if not force:
        _refuse_another_bank(store, bank, workshop, round_)
    from misquiz.web.server import allowed_hosts
    from misquiz.web.server import serve as serve_workshop
    from misquiz.web.workshop import WorkshopConfig

    config = WorkshopConfig(
        workshop=workshop,
        round=round_,
        max_participants=max_participants,
        public_url=public_url,
        hosts=allowed_hosts(host, public_url),
        min_group=min_group,
        lang=lang or default_language(),
        trusted_proxies=trusted_proxies,
        force_bank=force,
    )
    try:
        out = cast(TextIO, _NoteFirst(sys.stdout, note))
        code = serve_workshop(bank, store, config, host=host, port=port, verbose=verbose, db=db, out=out)
    except StoreError as exc:
        _store_failed(exc)
    finally:
        store.close()
    sys.exit(code)


def _workshop_store(db: str | None, code: str) -> Store:
    """A store to change one workshop in, opened only once it is known there: no command makes a database by asking."""
    reading = _store(db, read_only=True)
    try:
        _known_workshop(reading, code)
    finally:
        reading.close()
    return _store(db)


def _change_session(
    action: str, code: str, round_: str | None, myth: str | None, db: str | None, bank_path: str | None
) -> None:
    """One change of a round's live session, through the store: every projector and `misquiz room` follows."""
    from misquiz.core.model import resolve_language
    from misquiz.core.session import SessionRefused, change, discuss_order
    from misquiz.storage import StoreError, read_room

    bank = _quiz_bank(bank_path)
    lang = resolve_language(bank, default_language())
    store = _workshop_store(db, code)
    try:
        room = read_room(store, bank, code, round_)
        target = round_ or room.current
        store.change_session(code, target, lambda s: change(s, action, bank, discuss_order(room), myth))
    except SessionRefused as refused:
        click.echo(catalogue.t(lang, "cli_error", error=catalogue.t(lang, refused.key, **refused.values)), err=True)
        sys.exit(1)
    except StoreError as exc:
        _store_failed(exc)
    what = bank.myths_by_id[myth].title[lang] if myth else catalogue.t(lang, "session_everything")
    if target in ("before", "after"):
        done = {"close": "workshop_closed_done", "open": "workshop_opened_done", "reveal": "workshop_revealed_done"}
        key = done.get(action, "workshop_hidden_done")
    else:  # a workshop served without rounds: no round to name
        done = {"close": "workshop_closed_done_all", "open": "workshop_opened_done_all",
                "reveal": "workshop_revealed_done_all"}  # fmt: skip
        key = done.get(action, "workshop_hidden_done_all")
    name = catalogue.round_word(lang, target)  # "the “after” round", in the sentence's own case
    click.echo(catalogue.t(lang, key, round=name, code=plain(code), what=what))


def _session_command(action: str, summary: str, with_myth: bool) -> None:
    @workshop.command(name=action, help=summary)
    @click.argument("code", callback=_workshop_code)
    @click.option("--round", "round_", type=click.Choice(["before", "after", "none"]),
                  help="The round (default: the latest with people).")  # fmt: skip
    @DB_OPTION
    @BANK_OPTION
    def command(code: str, round_: str | None, db: str | None, bank_path: str | None, **extra: str | None) -> None:
        _change_session(action, code, round_, extra.get("myth"), db, bank_path)

    if with_myth:
        click.option("--myth", help="One misconception's id (default: all of them).")(command)


_session_command("close", "Close a round: no more answers are stored, participants are told so.", False)
_session_command("open", "Reopen a closed round.", False)
_session_command("reveal", "Reveal the group's answers on every projector (all, or --myth ID).", True)
_session_command("hide", "Hide the group's answers again (all, or --myth ID).", True)


def _attempt_in(db: str | None, code: str, attempt_id: int) -> str:
    """One attempt of a workshop in words (name, round, date, answers), for the question before it goes."""
    from misquiz.storage import StoreError

    reading = _store(db, read_only=True)
    try:
        _known_workshop(reading, code)
        attempt = reading.attempt(attempt_id)
    except StoreError as exc:
        _store_failed(exc)
    finally:
        reading.close()
    if attempt is None or attempt.workshop != code:
        _say("cli_no_attempt_in", err=True, code=plain(code), id=attempt_id)
        sys.exit(1)
    lang = default_language()
    name = catalogue.t(lang, "cli_attempt_named", name=plain(attempt.name)) if attempt.name.strip() else None
    given = sum(1 for statement in attempt.order if statement in attempt.answers)
    return catalogue.t(
        lang,
        "cli_attempt_what",
        id=attempt_id,
        code=plain(code),
        name=name or catalogue.t(lang, "cli_attempt_no_name"),
        round=_round_word(attempt.round),
        date=catalogue.format_date(attempt.started_at, lang),
        given=given,
        total=len(attempt.order),
        state=catalogue.t(lang, "cli_attempt_finished" if attempt.finished_at else "cli_attempt_unfinished"),
    )


@workshop.command()
@click.argument("old", callback=_workshop_code)
@click.argument("new", callback=_workshop_code)
@DB_OPTION
def rename(old: str, new: str, db: str | None) -> None:
    """Give a workshop another code (a round served under a mistyped code, say)."""
    from misquiz.storage import StoreError

    if old == new:
        raise click.BadParameter("the new code is the old one", param_hint="NEW")
    reading = _store(db, read_only=True)
    try:
        _known_workshop(reading, old)
        taken = new in {w.code for w in reading.workshops()}
    except StoreError as exc:
        _store_failed(exc)
    finally:
        reading.close()
    if taken:
        _say("cli_rename_taken", err=True, new=plain(new), old=plain(old))
        sys.exit(1)
    store = _store(db)
    try:
        moved = store.rename_workshop(old, new)
    except StoreError as exc:
        _store_failed(exc)
    _say("cli_renamed", old=plain(old), new=plain(new), count=moved)


@workshop.command()
@click.argument("source", metavar="FROM", callback=_workshop_code)
@click.argument("target", metavar="INTO", callback=_workshop_code)
@click.option(
    "--keep",
    type=click.Choice(["from", "into"]),
    help="Where one participant took a round under both codes: whose result to keep (the other is deleted).",
)
@DB_OPTION
def merge(source: str, target: str, keep: str | None, db: str | None) -> None:
    """Move every result of workshop FROM into workshop INTO (a round split over two codes)."""
    from misquiz.storage import StoreError

    if source == target:
        raise click.BadParameter("FROM and INTO are the same workshop", param_hint="INTO")
    reading = _store(db, read_only=True)
    try:
        _known_workshop(reading, source)
        known = [w.code for w in reading.workshops()]
    except StoreError as exc:
        _store_failed(exc)
    finally:
        reading.close()
    if target not in known:
        from misquiz.core.room import close_codes

        near = [c for c in close_codes(target, known) if c != source]
        key = "cli_merge_no_target_near" if near else "cli_merge_no_target"
        _say(
            key,
            err=True,
            target=plain(target),
            source=plain(source),
            near=_near(default_language(), near),
        )
        sys.exit(1)
    store = _store(db)
    try:
        done = store.merge_workshops(source, target, {"from": "source", "into": "target", None: None}[keep])
    except StoreError as exc:
        _store_failed(exc)
    if done.clashes and keep is None:
        _say("cli_merge_clashes", err=True, count=len(done.clashes))
        for round_, mine, theirs in done.clashes:
            round_name = _round_word(round_)
            _say("cli_merge_clash", err=True, round=round_name, mine=mine, theirs=theirs, source=plain(source),
                 target=plain(target))  # fmt: skip
        _say("cli_merge_keep", err=True)
        sys.exit(1)
    loser = plain(target if keep == "from" else source)
    _say("cli_merged_dropped" if done.dropped else "cli_merged", count=done.moved, source=plain(source),
         target=plain(target), dropped=done.dropped, loser=loser)  # fmt: skip


@main.command()
@click.argument("target", type=click.Path(dir_okay=False))
@DB_OPTION
def backup(target: str, db: str | None) -> None:
    """Copy the database, consistently, into a new file (SQLite's backup API; mode 0600)."""
    from misquiz.storage import StoreError
    from misquiz.storage.protocol import store_address

    where = str(store_address(db))
    if _no_such_file(where):  # nothing to copy: say so, write nothing
        _say("cli_backup_nothing", err=True, where=plain(where))
        sys.exit(1)
    store = _store(db, read_only=True)
    try:
        store.backup(target)
    except StoreError as exc:
        _store_failed(exc)
    _say("cli_wrote", err=True, target=plain(target))


@main.group(cls=_Forgiving)
def db() -> None:
    """Databases: copy results between SQLite files and PostgreSQL."""


@db.command(name="copy")
@click.argument("source")
@click.argument("target")
@BANK_OPTION
@click.option("--skip-damaged", is_flag=True, help="Copy the other results when some are damaged, and name those.")
def db_copy(source: str, target: str, bank_path: str | None, skip_damaged: bool) -> None:
    """Copy every result from SOURCE to TARGET (each an SQLite path or a postgresql:// URL), each once.

    Answers and results come along. Run it again and nothing is stored twice; the source is only read.
    Every result is checked the way import checks a result file (its bank, its answers, its scores against
    its answers); a damaged one stops the copy before anything is written, unless --skip-damaged.
    """
    from collections.abc import Sequence

    from misquiz.core.attempt import Attempt
    from misquiz.files.bank import SHOWN_PROBLEMS
    from misquiz.files.results import check_stored
    from misquiz.storage import StoreError
    from misquiz.storage.transfer import CopyRefused, Damaged, copy_attempts

    lang = default_language()
    if _no_such_file(source):  # a mistyped source copies nothing, loudly (other trouble: the store says)
        _say("cli_copy_no_source", err=True, source=plain(source))
        sys.exit(1)
    bank = _load(bank_path)

    def check(attempt: Attempt) -> list[str]:
        return [f"{p.path}: {p.said_in(lang)}" for p in check_stored(attempt, bank, "")]

    def name(damaged: Sequence[Damaged]) -> None:  # each damaged attempt's problems, never a flood
        said = [(d, catalogue.said(p, lang) if isinstance(p, Exception) else p) for d in damaged for p in d.problems]
        lines = [
            catalogue.t(lang, "cli_damaged_line", where=shown, attempt=plain(str(d)), problem=plain(p)) for d, p in said
        ]
        for line in lines[:SHOWN_PROBLEMS]:
            click.echo(line, err=True)
        if len(lines) > SHOWN_PROBLEMS:
            click.echo(catalogue.t(lang, "check_more_problems", n=len(lines) - SHOWN_PROBLEMS), err=True)

    try:
        done = copy_attempts(source, target, check, skip_damaged=skip_damaged)
    except CopyRefused as exc:
        shown = plain(exc.source)
        name(exc.damaged)
        attempts = ", ".join(plain(str(d)) for d in exc.damaged)
        _say("cli_copy_refused", err=True, n=len(exc.damaged), source=shown, attempts=attempts)
        sys.exit(1)
    except StoreError as exc:
        _store_failed(exc)
    shown = plain(done.source)
    name(done.skipped)
    _say("cli_copied", err=True, copied=done.copied, source=shown, target=plain(done.target),
         present=done.present)  # fmt: skip
    if done.skipped:
        attempts = ", ".join(plain(str(d)) for d in done.skipped)
        _say("cli_copy_skipped", err=True, n=len(done.skipped), source=shown, attempts=attempts)
        sys.exit(1)


class _NoteFirst:
    """The banner's stream: a note goes to stderr just before the banner's first line, once the port is
    listened on, so that a port in use is still the first and only thing said."""

    def __init__(self, out: TextIO, note: str) -> None:
        self.out, self.note = out, note

    def write(self, text: str) -> int:
        if self.note:
            click.echo(self.note, err=True)
            self.note = ""
        return self.out.write(text)

    def __getattr__(self, name: str) -> object:
        return getattr(self.out, name)


def _check_code(store: Store, code: str, round_: str | None, new_code: bool) -> str:
    """A workshop code is a promise: a code this database never saw is said to be new, with the codes close to it
    (the note returned); an after round needs its before round under the same code, unless --new."""
    from misquiz.core.room import close_codes
    from misquiz.storage import StoreError

    try:
        known = {w.code: w.rounds for w in store.workshops()}
    except StoreError as exc:
        _store_failed(exc)
    near = close_codes(code, list(known))
    lang = default_language()
    hint = " " + catalogue.t(lang, "cli_did_you_mean", near=_near(lang, near)) if near else ""
    if round_ == "after" and "before" not in known.get(code, ()) and not new_code:
        store.close()
        click.echo(catalogue.t(lang, "cli_after_without_before", code=plain(code), hint=hint), err=True)
        sys.exit(2)
    return catalogue.t(lang, "cli_workshop_new", code=plain(code), hint=hint) if code not in known else ""


def _refuse_another_bank(store: Store, bank: Bank, code: str, round_: str | None) -> None:
    """A round whose attempts were made on another bank (its text changed, a statement added or gone) is not
    served with this one unless --force: their progress would not be resumed and each would take a second seat.
    Refused before anything is written (exit 1)."""
    from misquiz.storage import StoreError

    try:
        banks = store.round_banks(code, round_)
    except StoreError as exc:
        store.close()
        _store_failed(exc)
    others = sorted((v, h, n) for h, (v, n) in banks.items() if h != bank.content_hash)
    if not others:
        return
    store.close()
    lang = default_language()
    versions = catalogue.t(lang, "cli_bank_versions_separator").join(
        catalogue.t(lang, "cli_bank_version_attempts", count=n, version=plain(v), hash=_short_hash(h))
        for v, h, n in others
    )
    which = {"before": "cli_bank_round_before", "after": "cli_bank_round_after"}.get(
        round_ or "", "cli_bank_round_none"
    )
    click.echo(
        catalogue.t(
            lang,
            "cli_serve_bank_changed",
            round=catalogue.t(lang, which),
            code=plain(code),
            count=sum(n for _, _, n in others),
            versions=versions,
            version=plain(bank.version),
            hash=_short_hash(bank.content_hash),
        ),
        err=True,
    )
    sys.exit(1)


def _short_hash(content_hash: str) -> str:
    """A bank's content hash as a person compares two: its first 12 hex digits."""
    return plain(content_hash.rpartition(":")[2][:12])


@main.command()
def schema() -> None:
    """Print the bank's JSON Schema."""
    from misquiz.files.schema import json_schema

    click.echo(json.dumps(json_schema(), indent=2, ensure_ascii=False))


def _every_command(group: click.Group) -> list[click.Command]:
    found: list[click.Command] = []
    for command in group.commands.values():
        found += _every_command(command) if isinstance(command, click.Group) else [command]
    return found


for _command in _every_command(main):  # --lang is global: every command takes it, before or after its name
    if not any(param.name == "lang" for param in _command.params):
        _command.params.append(
            click.Option(
                ["--lang"],
                type=click.Choice(LANGS),
                expose_value=False,
                callback=_lang_for_all,
                help="Language of the messages (default: from your locale).",
            )
        )


if __name__ == "__main__":  # pragma: no cover
    main()

"""The command line. Textual is imported only by the commands that open a screen."""

from __future__ import annotations

import json
import os
import sys

import click

from misquiz.problems import Problem, ProblemsError
from misquiz.safe import plain

LANGS = ("nl", "en")


def default_language() -> str:
    for var in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = os.environ.get(var, "")
        if value:
            return "nl" if value.lower().startswith("nl") else "en"
    return "en"


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("misquiz")
    except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return "unknown"


def _fail(problems: list[Problem], code: int = 1) -> None:
    for problem in problems:
        click.echo(str(problem), err=True)
    sys.exit(code)


def _load(bank_path: str | None):
    from misquiz.bank import check_bank

    result = check_bank(bank_path)
    if result.bank is None:
        _fail(result.errors)
    return result.bank


class _DefaultToTake(click.Group):
    """`misquiz` and `misquiz --lang nl` mean `misquiz take ...`."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args or (args[0] not in self.commands and args[0] not in ("--help", "-h", "--version")):
            args = ["take", *args]
        return super().parse_args(ctx, args)


@click.group(cls=_DefaultToTake, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(version=None, package_name="misquiz", message="misquiz %(version)s")
def main() -> None:
    """A self-assessment on nine misconceptions about social media in business.

    Run without a command to take the quiz.
    """


@main.command()
@click.option("--bank", "bank_path", type=click.Path(dir_okay=False), help="A bank file (default: the shipped bank).")
@click.option("--lang", type=click.Choice(LANGS), help="Language of the quiz (default: from your locale).")
@click.option("--seed", type=int, help="Seed for the order of the statements (default: random).")
@click.option("--name", default="", help="Your name, shown on your results.")
def take(bank_path: str | None, lang: str | None, seed: int | None, name: str) -> None:
    """Take the quiz in the terminal."""
    from misquiz.bank_cache import load_bank_for_quiz

    try:
        bank = load_bank_for_quiz(bank_path)
    except ProblemsError as exc:
        _fail(exc.problems)
    from misquiz.app import build_app

    app = build_app(bank, lang=lang or default_language(), seed=seed, name=name)
    app.run()
    sys.exit(app.return_code or 0)


@main.command()
@click.argument("path", required=False, type=click.Path(dir_okay=True))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of text.")
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
def validate(path: str | None, as_json: bool, strict: bool) -> None:
    """Check a bank (default: the shipped bank) and report every problem."""
    from misquiz.bank import check_bank

    result = check_bank(path, strict=strict)
    if as_json:
        click.echo(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
    else:
        for problem in result.errors + result.warnings:
            click.echo(str(problem))
        counts = (
            f"{result.myths} myths, {result.statements} statements, languages: {', '.join(result.languages) or '-'}"
        )
        if result.ok:
            warned = f", {len(result.warnings)} warning(s)" if result.warnings else ""
            click.echo(plain(f"{result.file}: valid{warned} · {counts}"))
        else:
            click.echo(
                plain(f"{result.file}: {len(result.errors)} error(s), {len(result.warnings)} warning(s) · {counts}")
            )
    sys.exit(0 if result.ok else 1)


@main.command()
@click.argument("answers_file", metavar="ANSWERS", type=click.Path(dir_okay=True))
@click.option("--bank", "bank_path", type=click.Path(dir_okay=False), help="A bank file (default: the shipped bank).")
@click.option("--lang", type=click.Choice(LANGS), help="Language of the advice (default: from your locale).")
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
def score(answers_file: str, bank_path: str | None, lang: str | None, as_json: bool) -> None:
    """Score an answers file (statement id: 1-5 or null) without the quiz."""
    from misquiz.answers import read_answers
    from misquiz.scoring import score_attempt
    from misquiz.summary import advice_summary

    bank = _load(bank_path)
    try:
        answers = read_answers(answers_file, bank)
    except ProblemsError as exc:
        _fail(exc.problems)
    result = score_attempt(bank, answers)
    if as_json:
        click.echo(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
    else:
        language = lang or default_language()
        click.echo(advice_summary(bank, result, language if language in bank.languages else bank.default_language))


@main.command()
def schema() -> None:
    """Print the bank's JSON Schema."""
    from misquiz.schema import json_schema

    click.echo(json.dumps(json_schema(), indent=2, ensure_ascii=False))


if __name__ == "__main__":  # pragma: no cover
    main()

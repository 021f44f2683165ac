"""One declaration per kind of file (bank, answers, result): every problem located, and a JSON Schema that agrees."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml
from click.testing import CliRunner

from misquiz.cli import main
from misquiz.core.problems import ProblemsError
from misquiz.files import schema
from misquiz.files.answers import read_answers
from misquiz.files.bank import check_bank, shipped_bank_path
from misquiz.files.document import parse_document
from misquiz.files.results import read_result_file

DATA = Path(__file__).resolve().parent.parent / "data"
MINIMAL = (DATA / "minimal.yaml").read_text(encoding="utf-8")
RESULT = (DATA / "result.json").read_text(encoding="utf-8")
ANSWERS = (DATA / "answers-two-held.yaml").read_text(encoding="utf-8")


def _messages(spec: schema.Spec, text: str) -> list[str]:
    doc = parse_document(text, "f")
    return [str(p) for p in schema.check_document(spec, doc)]


def _replace(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def _problems(read, tmp_path: Path, text: str, bank) -> list[str]:
    path = tmp_path / "file.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ProblemsError) as caught:
        read(path, bank)
    return [str(p).removeprefix(f"{path}:") for p in caught.value.problems]


ROUND_LINE = RESULT.splitlines().index('  "round": null,') + 1
WRONG_TYPES = {
    "bank": (
        schema.BANK,
        schema.json_schema,
        _replace(MINIMAL, 'version: "1"', "version: [1]"),
        ["f:4:12: bank.version: expected text, found a list"],
    ),
    "bank-minutes": (
        schema.BANK,
        schema.json_schema,
        _replace(MINIMAL, "  default_language: en\n", "  default_language: en\n  minutes: 2.5\n"),
        ["f:7:12: bank.minutes: expected a whole number, found a number"],
    ),
    "answers": (
        schema.ANSWERS,
        schema.answers_json_schema,
        "side-issue-1: 1\nside-issue-2: five\n",
        ["f:2:15: side-issue-2: expected 1 to 5, or null for no opinion; found 'five'"],
    ),
    "result": (
        schema.RESULT,
        schema.result_json_schema,
        _replace(RESULT, '"seed": 4,', '"seed": "4",'),
        ["f:11:11: seed: expected a whole number, found text"],
    ),
    "result-round": (
        schema.RESULT,
        schema.result_json_schema,
        _replace(RESULT, '"round": null,', '"round": true,'),
        [f"f:{ROUND_LINE}:12: round: expected before, after or null; found True"],
    ),
}


@pytest.mark.parametrize("name", sorted(WRONG_TYPES))
def test_each_declaration_rejects_a_wrong_type_at_its_place(name):
    spec, _, text, expected = WRONG_TYPES[name]
    assert _messages(spec, text) == expected


@pytest.mark.parametrize("name", sorted(WRONG_TYPES))
def test_the_json_schema_rejects_the_same_wrong_types(name):
    _, make_schema, text, _ = WRONG_TYPES[name]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(parse_document(text, "f").data, make_schema())


def test_an_answers_file_reports_every_problem_at_once(tmp_path, bank):
    text = "side-issue-1: 5\nside-isue-2: 3\nno-plan-1: 7\nNo Plan 2: 3\nno-plan-3: [3]\nno-plan-1: 4\n"
    assert _problems(read_answers, tmp_path, text, bank) == [
        "2:1: side-isue-2: unknown statement id 'side-isue-2'",
        "3:12: no-plan-1: expected 1 to 5, or null for no opinion; found 7",
        "4:1: No Plan 2: 'No Plan 2' is not valid: a statement id uses a-z, 0-9, - and _",
        "5:12: no-plan-3: expected 1 to 5, or null for no opinion; found a list",
        "6:1: no-plan-1: duplicate key 'no-plan-1' (first at line 3)",
    ]


def test_an_answers_file_that_is_no_mapping_says_what_is_expected(tmp_path, bank):
    assert _problems(read_answers, tmp_path, "[1, 2]\n", bank) == [
        "1:1: expected a mapping of statement id to an answer (1-5, or null), found a list"
    ]


def test_a_result_file_reports_every_problem_at_once(tmp_path, bank):
    data = json.loads(RESULT)
    first, second = data["order"][:2]
    data.update(
        uid="short",
        language="de",
        seed=-1,
        order=[*data["order"][1:], "nope"],
        answers={"nope": 3, **{k: v for k, v in data["answers"].items() if k != second}, first: 9},
        workshop="a b",
        round="during",
        started_at="9999-01-01T00:00:00+00:00",
        nmae="Anna",
    )
    data["bank"] = {**data["bank"], "hash": "sha256:0"}
    lines = _problems(read_result_file, tmp_path, json.dumps(data, indent=2), bank)
    assert [line.split(": ", 2)[1] for line in lines] == [
        "uid",
        "bank.hash",
        "language",
        "seed",
        "order",
        "answers.nope",
        f"answers.{first}",
        "workshop",
        "round",
        "started_at",
        "finished_at",
        "nmae",
    ]
    assert all(line.split(":")[0].isdigit() and line.split(":")[1].isdigit() for line in lines)  # line:column
    text = "\n".join(lines)
    assert "'short' is not valid: use 8-64 A-Z, a-z, 0-9, - or _" in text
    assert "made with another bank or version" in text
    assert f"expected one of {', '.join(bank.languages)}, found 'de'" in text
    assert f"missing '{first}', unknown 'nope'" in text
    assert "answers.nope: unknown statement id 'nope'" in text
    assert f"answers.{first}: expected 1 to 5, or null for no opinion; found 9" in text
    assert "expected a date between 2000 and 9000, found the year 9999" in text
    assert f"a finished quiz must answer every statement; not answered: '{second}'" in text
    assert "unknown key 'nmae' (did you mean 'name'?)" in text


@pytest.mark.parametrize(
    ("moment", "message"),
    [
        ("9001-01-01T00:00:00+00:00", "expected a date between 2000 and 9000, found the year 9001"),
        ("1999-12-31T23:59:59+00:00", "expected a date between 2000 and 9000, found the year 1999"),
        ("2026-11-20T09:00:00", "expected a date and time with its zone (ISO 8601), found '2026-11-20T09:00:00'"),
    ],
)
def test_a_result_dated_out_of_range_or_without_zone_is_refused_at_its_place(tmp_path, bank, moment, message):
    text = _replace(RESULT, '"finished_at": "2026-11-20T09:06:00+00:00"', f'"finished_at": "{moment}"')
    line = RESULT.splitlines().index('  "finished_at": "2026-11-20T09:06:00+00:00",') + 1
    assert _problems(read_result_file, tmp_path, text, bank) == [f"{line}:18: finished_at: {message}"]


@pytest.mark.parametrize(
    "moment", ["2026-11-20T08:59:59+00:00", "2026-11-20T09:30:00+01:00", "2025-11-20T09:06:00+00:00"]
)
def test_a_result_finished_before_it_started_is_refused_at_its_place(tmp_path, bank, moment):
    """Issue 25, point 8: finished_at before started_at (compared as moments, whatever their zones)."""
    text = _replace(RESULT, '"finished_at": "2026-11-20T09:06:00+00:00"', f'"finished_at": "{moment}"')
    line = RESULT.splitlines().index('  "finished_at": "2026-11-20T09:06:00+00:00",') + 1
    assert _problems(read_result_file, tmp_path, text, bank) == [
        f"{line}:18: finished_at: finished before it started ({moment} is before started_at 2026-11-20T09:00:00+00:00)"
    ]
    same = _replace(RESULT, '"finished_at": "2026-11-20T09:06:00+00:00"', '"finished_at": "2026-11-20T10:00:00+01:00"')
    path = tmp_path / "same.json"
    path.write_text(same, encoding="utf-8")
    assert read_result_file(path, bank).finished_at is not None  # the same moment in another zone: fine
    result = CliRunner().invoke(main, ["import", str(tmp_path / "file.json"), "--db", str(tmp_path / "m.db")])
    assert result.exit_code == 1 and "finished before it started" in result.stderr
    assert "Traceback" not in result.output


def test_some_other_json_file_is_one_clear_problem(tmp_path, bank):
    assert _problems(read_result_file, tmp_path, '{"format": "other", "x": 1}', bank) == [
        "1:12: format: not a misquiz result file (expected format 'misquiz-result', version 1)"
    ]


def test_untrusted_text_in_messages_is_cut_short(tmp_path, bank):
    long = "x" * 5000
    data = {**json.loads(RESULT), "uid": long, "round": long, long: 1}
    for line in _problems(read_result_file, tmp_path, json.dumps(data), bank):
        assert line.count("x") <= 2 * schema.SHOWN


def test_the_json_schema_accepts_the_shipped_files():
    bank = parse_document(shipped_bank_path().read_text(encoding="utf-8"), "bank").data
    jsonschema.validate(bank, schema.json_schema())
    jsonschema.validate(json.loads(RESULT), schema.result_json_schema())
    jsonschema.validate(yaml.safe_load(ANSWERS), schema.answers_json_schema())


def test_the_json_schema_rejects_a_bank_with_an_unknown_key():
    data = yaml.safe_load(shipped_bank_path().read_text(encoding="utf-8"))
    data["myths"][0]["titel"] = data["myths"][0].pop("title")
    with pytest.raises(jsonschema.ValidationError, match="titel"):
        jsonschema.validate(data, schema.json_schema())


SOURCE = """  source:
    title: Negen misverstanden
    publisher: Het Blad
    date: 2024-05-01
    language: nl
"""
UNDECIDED = """undecided:
  title: {en: Undecided, nl: Onbeslist}
  text: {en: You answered every statement neutral., nl: U antwoordde overal neutraal.}
"""


def _with_source_and_undecided(source: str = SOURCE) -> str:
    return _replace(MINIMAL, "scale:\n", source + UNDECIDED + "scale:\n")


def test_a_bank_may_name_its_source_and_its_undecided_verdict(tmp_path):
    path = tmp_path / "bank.yaml"
    path.write_text(_with_source_and_undecided(), encoding="utf-8")
    result = check_bank(path, strict=True)
    assert result.ok, [str(p) for p in result.errors]
    data = parse_document(path.read_text(encoding="utf-8"), "bank").data  # the date as written
    jsonschema.validate(data, schema.json_schema())


def test_a_bank_source_with_a_bad_date_or_an_unknown_key_is_located(tmp_path):
    path = tmp_path / "bank.yaml"
    source = _replace(SOURCE, "date: 2024-05-01", "date: 2024-02-30\n    author: Me")
    path.write_text(_with_source_and_undecided(source), encoding="utf-8")
    assert [str(p).removeprefix(f"{path}:") for p in check_bank(path).errors] == [
        "12:11: bank.source.date: expected a date (YYYY-MM-DD), found '2024-02-30'",
        "13:5: bank.source.author: unknown key 'author' (expected one of: title, publisher, date, language)",
    ]


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("a: b: c\n", "a colon and a space inside a text"),
        ("a:\n\tb: 1\n", "a tab: YAML indents with spaces only"),
        ("a:\n  b: 1\n c: 2\n", "indented differently"),
        ('a: "open\n', "never closed"),
    ],
)
def test_yaml_syntax_errors_come_with_a_plain_language_hint(tmp_path, bank, text, hint):
    [problem] = _problems(read_answers, tmp_path, text, bank)
    assert "not valid YAML:" in problem and hint in problem

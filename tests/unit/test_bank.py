"""The shipped bank, strict loading, and every bad-bank fixture with its exact message."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml

from misquiz.core.problems import ProblemsError
from misquiz.files.bank import check_bank, hedge_in, load_bank, negation_in, shipped_bank_path
from misquiz.files.schema import json_schema

LIST_HINT = "(probably a list in [brackets] that is not closed, or a comma missing)"
DATA = Path(__file__).resolve().parent.parent / "data"
ROOT = Path(__file__).resolve().parent.parent.parent

ARTICLE_ORDER = [
    "side-issue",
    "no-plan",
    "sales-goal",
    "every-platform",
    "marketing-job",
    "more-posts",
    "no-interest",
    "costs-too-much",
    "just-a-fad",
]


def test_shipped_bank_is_valid_without_warnings():
    result = check_bank(strict=True)
    assert result.ok, [str(p) for p in result.errors]
    assert (result.myths, result.statements, result.languages) == (9, 36, ["nl", "en", "fr"])


def test_shipped_bank_follows_the_article(bank):
    assert [m.id for m in bank.myths] == ARTICLE_ORDER
    for myth in bank.myths:
        assert sorted(s.keyed for s in myth.statements) == ["fact", "fact", "myth", "myth"]
        assert 2 <= len(myth.actions) <= 3
        assert set(myth.advice) == {b.id for b in bank.bands}
        for lang in bank.languages:
            assert 60 <= len(myth.explanation[lang].split()) <= 150, (myth.id, lang)
        for st in myth.statements:
            if st.keyed == "fact":
                for lang in bank.languages:
                    assert negation_in(st.text[lang], lang) is None, (st.id, lang)
                    assert hedge_in(st.text[lang], lang) is None, (st.id, lang)
    assert len(bank.profiles) >= 3
    assert len(bank.scale) == 5 and all(bank.no_opinion[lang] for lang in ("nl", "en", "fr"))
    assert bank.article is not None and bank.article.date == "2018-06-29" and bank.undecided is not None


def test_shipped_bank_points_editors_at_the_schema():
    first = shipped_bank_path().read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=misconceptions.schema.json"


def test_shipped_schema_is_generated_from_the_code_and_accepts_the_bank():
    shipped = json.loads((ROOT / "data" / "misconceptions.schema.json").read_text(encoding="utf-8"))
    assert shipped == json_schema(), "run `misquiz schema > data/misconceptions.schema.json`"
    data = yaml.safe_load(shipped_bank_path().read_text(encoding="utf-8"))
    jsonschema.validate(data, shipped)


def test_schema_rejects_what_the_loader_rejects():
    data = yaml.safe_load((DATA / "bad-unknown-key.yaml").read_text(encoding="utf-8"))
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, json_schema())


BAD = {
    "unknown-key": ["48:5: myths[0].titel: unknown key 'titel' (did you mean 'title'?)"],
    "missing-key": ["3:3: bank: missing key 'version'"],
    "wrong-type": ["25:10: bands[1].min: expected a number, found text"],
    "duplicate-id": ["92:13: myths[1].statements[2].id: duplicate statement id 'a2' (first at line 61)"],
    "duplicate-key": ["4:3: bank.id: duplicate key 'id' (first at line 3)"],
    "missing-language": ["94:15: myths[1].statements[2].text: missing the 'nl' text"],
    "empty-text": ["94:37: myths[1].statements[2].text.nl: empty text"],
    "band-gap": ["30:10: bands[2].min: gap: no range holds a myth score between 66 and 70"],
    "band-overlap": ["25:10: bands[1].min: overlap: myth scores from 30 to 33 fall in two ranges"],
    "one-keying": ["58:7: myths[0].statements: needs at least one statement with keyed: fact"],
    "profile-gap": ["41:10: profiles[1].min: gap: no range holds a mean score between 50 and 60"],
    "bad-keyed": ["65:16: myths[0].statements[2].keyed: expected one of myth, fact, found true/false"],
    "unknown-language": ["94:50: myths[1].statements[2].text.de: unknown language 'de' (the bank declares en, nl)"],
    "python-tag": ["4:12: bank.version: the tag !!python/object/apply:os.system is not allowed"],
    "advice-band": [
        "68:7: myths[0].advice: missing advice for the band 'clear'",
        "68:7: myths[0].advice.clean: 'clean' is not a band id",
    ],
    "syntax": ["6:19: not valid YAML: did not find expected ',' or ']' " + LIST_HINT],
    "not-utf8": ["75:28: is not UTF-8 text (byte 0xe8 cannot be decoded)"],
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_bank_reports_exact_message_and_place(name):
    path = DATA / f"bad-{name}.yaml"
    result = check_bank(path)
    assert not result.ok
    assert [str(p) for p in result.errors] == [f"{path}:{line}" for line in BAD[name]]
    with pytest.raises(ProblemsError):
        load_bank(path)


def test_every_bad_bank_fixture_is_covered():
    fixtures = {p.stem.removeprefix("bad-") for p in DATA.glob("bad-*.yaml")}
    assert fixtures - {"lint", "hedge"} == set(BAD)


def test_all_problems_are_reported_at_once(tmp_path):
    text = (DATA / "minimal.yaml").read_text(encoding="utf-8")
    text = text.replace('  version: "1"\n', "").replace("    min: 66\n", "    min: 70\n")
    text = text.replace("keyed: fact", "keyed: fakt", 1).replace("  id: tiny\n", "  id: tiny\n  id: x\n")
    path = tmp_path / "many.yaml"
    path.write_text(text, encoding="utf-8")
    messages = [p.message for p in check_bank(path).errors]
    assert len(messages) == 4, messages
    assert any("duplicate key" in m for m in messages)
    assert any("missing key 'version'" in m for m in messages)
    assert any(m.startswith("gap:") for m in messages)
    assert any("found 'fakt'" in m for m in messages)


def test_lint_warnings_become_errors_only_when_strict():
    path = DATA / "bad-lint.yaml"
    relaxed = check_bank(path)
    assert relaxed.ok and len(relaxed.warnings) == 2
    assert "negation 'not'" in relaxed.warnings[0].message
    assert "negation 'niet'" in relaxed.warnings[1].message
    strict = check_bank(path, strict=True)
    assert not strict.ok and len(strict.errors) == 2 and not strict.warnings


def test_a_hedged_fact_statement_is_located_and_an_error_when_strict():
    path = DATA / "bad-hedge.yaml"
    hint = "state the sound view plainly, or holders of the myth agree too"
    relaxed = check_bank(path)
    assert relaxed.ok and not relaxed.errors
    assert [str(w) for w in relaxed.warnings] == [
        f"{path}:92:40: myths[1].statements[1].text.nl: warning: a fact statement hedged with 'kan'; {hint}",
        f"{path}:95:20: myths[1].statements[2].text.en: warning: a fact statement hedged with 'might'; {hint}",
    ]
    strict = check_bank(path, strict=True)
    assert not strict.ok and not strict.warnings
    assert [str(e) for e in strict.errors] == [
        f"{path}:92:40: myths[1].statements[1].text.nl: a fact statement hedged with 'kan'; {hint}",
        f"{path}:95:20: myths[1].statements[2].text.en: a fact statement hedged with 'might'; {hint}",
    ]


@pytest.mark.parametrize(
    ("text", "lang", "found"),
    [
        ("Het kan lonen.", "nl", "kan"),
        ("Dat zouden we merken.", "nl", "zouden"),
        ("Misschien loont het.", "nl", "misschien"),
        ("Mogelijk loont het.", "nl", "mogelijk"),
        ("Mogelijke klanten kijken mee.", "nl", None),
        ("It Could pay.", "en", "could"),
        ("It may pay.", "en", "may"),
        ("Candid posts pay.", "en", None),
        ("Cela peut rapporter.", "fr", "peut"),
        ("Cela pourraient rapporter.", "fr", "pourraient"),
        ("Cela rapporte peut-être.", "fr", "peut-être"),
        ("Cela rapporte.", "fr", None),
    ],
)
def test_hedges_are_whole_words_in_each_language(text, lang, found):
    assert hedge_in(text, lang) == found


def test_lint_long_statement_and_lopsided_keying(tmp_path):
    text = (DATA / "minimal.yaml").read_text(encoding="utf-8")
    long = "word " * 40
    text = text.replace("text: {en: Alpha holds., nl: Alfa geldt.}", f"text: {{en: {long.strip()}, nl: Alfa geldt.}}")
    extra = "\n".join(
        f"      - id: a{n}\n        keyed: myth\n        text: {{en: More {n}., nl: Meer {n}.}}" for n in (4, 5)
    )
    text = text.replace("    advice:\n", extra + "\n    advice:\n", 1)
    path = tmp_path / "lint.yaml"
    path.write_text(text, encoding="utf-8")
    messages = [p.message for p in check_bank(path).warnings]
    assert any(re.match(r"199 characters; keep statements under 160", m) for m in messages), messages
    assert any(m.startswith("keying is 4 myth : 1 fact; balance it") for m in messages), messages


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "file is empty"),
        (b"   \n\n", "file is empty"),
        (b"- just\n- a list\n", "expected a mapping, found a list"),
        (b"a: 1\n---\nb: 2\n", "not valid YAML: expected a single document in the stream, but found another document"),
    ],
)
def test_unusable_files_give_one_clear_message(tmp_path, content, message):
    path = tmp_path / "bank.yaml"
    path.write_bytes(content)
    errors = check_bank(path).errors
    assert errors[0].message == message


def test_missing_file_directory_and_huge_file(tmp_path):
    assert [p.message for p in check_bank(tmp_path / "nope.yaml").errors] == ["no such file"]
    assert [p.message for p in check_bank(tmp_path).errors] == ["is a directory, not a file"]
    huge = tmp_path / "huge.yaml"
    with huge.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)
    [problem] = check_bank(huge).errors
    assert problem.message.startswith("file is too large (50.0 MB")


def test_alias_bomb_is_refused_quickly(tmp_path):
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    path = tmp_path / "bomb.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    messages = [p.message for p in check_bank(path).errors]
    assert "anchors and aliases (&name / *name) are not allowed here" in messages
    assert len(messages) < 20


def test_the_quiz_reuses_a_checked_bank_until_the_file_changes(tmp_path, monkeypatch):
    import os

    from misquiz.files import bank_cache

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    path = tmp_path / "bank.yaml"
    path.write_text((DATA / "minimal.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    first = bank_cache.load_bank_for_quiz(path)
    assert list((tmp_path / "cache" / "misquiz").glob("bank-*.json"))
    calls = []
    monkeypatch.setattr("misquiz.files.bank.check_bank", lambda *a, **k: calls.append(a) or pytest.fail("not cached"))
    assert bank_cache.load_bank_for_quiz(path) == first
    monkeypatch.undo()
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    # An edit (new size and time) is checked again, and a broken edit is refused.
    path.write_text(path.read_text(encoding="utf-8").replace('  version: "1"\n', ""), encoding="utf-8")
    os.utime(path, ns=(1, 1))
    with pytest.raises(ProblemsError) as caught:
        bank_cache.load_bank_for_quiz(path)
    assert "missing key 'version'" in str(caught.value)


def test_a_damaged_cache_is_ignored(tmp_path, monkeypatch):
    from misquiz.files import bank_cache

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    path = DATA / "minimal.yaml"
    bank_cache.load_bank_for_quiz(path)
    for cached in (tmp_path / "cache" / "misquiz").glob("bank-*.json"):
        cached.write_text('{"key": "nonsense", "data": [', encoding="utf-8")
    assert bank_cache.load_bank_for_quiz(path).id == "tiny"


@pytest.mark.parametrize("key", ["bands", "profiles"])
def test_an_empty_list_of_ranges_is_an_error_not_a_crash(tmp_path, key):
    # found by the fuzzer: `profiles: []` once crashed the range check
    data = yaml.safe_load((DATA / "minimal.yaml").read_text(encoding="utf-8"))
    data[key] = []
    path = tmp_path / "empty.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    [problem] = check_bank(path).errors
    assert problem.path == key and problem.message.startswith("needs at least")


@pytest.mark.parametrize(
    ("keyed", "text", "message"),
    [
        ("fact", {"en": "We post without a plan.", "nl": "We posten met een plan."}, "the negation 'without'"),
        ("fact", {"en": "We post with a plan.", "nl": "We posten nauwelijks."}, "the negation 'nauwelijks'"),
        ("myth", {"en": "We always post.", "nl": "We posten vaak."}, "the absolute word 'always'"),
        ("myth", {"en": "We post often.", "nl": "We posten vaak en reageren snel."}, "'en' may join two claims"),
        ("myth", {"en": "We post.", "nl": "We posten berichten op heel veel verschillende plaatsen."}, "times as long"),
    ],
)
def test_lint_knows_the_writing_rules(tmp_path, keyed, text, message):
    source = (DATA / "minimal.yaml").read_text(encoding="utf-8")
    flow = "{" + ", ".join(f"{lang}: {value}" for lang, value in text.items()) + "}"
    source = source.replace(
        "      - id: a3\n        keyed: myth\n        text: {en: Alpha holds., nl: Alfa geldt.}",
        f"      - id: a3\n        keyed: {keyed}\n        text: {flow}",
    )
    path = tmp_path / "lint.yaml"
    path.write_text(source, encoding="utf-8")
    relaxed, strict = check_bank(path), check_bank(path, strict=True)
    assert relaxed.ok and any(message in w.message for w in relaxed.warnings), [w.message for w in relaxed.warnings]
    assert not strict.ok and any(message in e.message for e in strict.errors)


def test_french_negations_and_elisions_are_found():
    assert negation_in("Nous n’avons un plan.", "fr") == "n’avons"
    assert negation_in("Nous publions sans plan.", "fr") == "sans"
    assert negation_in("Nous publions avec un plan.", "fr") is None
    assert negation_in("We don't plan.", "en") == "don't"


def _peak_of(work):
    """What `work()` returns, its peak of Python memory in MB, and its seconds."""
    import time
    import tracemalloc

    tracemalloc.start()
    start = time.perf_counter()
    try:
        found = work()
        seconds = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1] / 1024 / 1024
    finally:
        tracemalloc.stop()
    return found, peak, seconds


def test_a_flow_map_of_one_character_keys_is_refused_quickly_in_little_memory(tmp_path):
    # A value per character (the old shortcut assumed two): it built 229 MB and printed 250,000 problems.
    path = tmp_path / "bomb.yaml"
    path.write_text("{" + ",".join(["a"] * 249_000) + "}", encoding="utf-8")
    assert path.stat().st_size < 1024 * 1024  # far within the byte cap
    result, peak, seconds = _peak_of(lambda: check_bank(path))
    assert [str(p) for p in result.errors] == [f"{path}:1:100001: too many values (more than 100,000)"]
    assert peak < 20, peak  # MB (10 measured; 229 before): the events are counted one at a time, nothing is built
    assert seconds < 5


def test_a_bank_just_within_the_limits_builds_in_bounded_memory(tmp_path):
    path = tmp_path / "many.yaml"
    path.write_text("{" + ",".join(["a"] * 49_900) + "}", encoding="utf-8")  # 99,800 values: under the cap
    result, peak, _seconds = _peak_of(lambda: check_bank(path))
    assert sum("duplicate key 'a'" in p.message for p in result.errors) == 49_899
    assert peak < 100, peak


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a: &x 1\nb: [" + ", ".join(["*x"] * 101) + "]\n", "are not allowed here (more than 100 aliases)"),
        ("a: " + "[" * 33 + "]" * 33 + "\n", "nested too deeply (more than 32 levels)"),
        ("a: [" + ",".join(["[]"] * 100_001) + "]\n", "too many values (more than 100,000)"),
    ],
    ids=["aliases", "depth", "values"],
)
def test_aliases_depth_and_values_are_capped_before_anything_is_built(tmp_path, text, message):
    path = tmp_path / "bank.yaml"
    path.write_text(text, encoding="utf-8")
    [problem] = check_bank(path).errors
    assert message in problem.message and problem.file == str(path)


@pytest.mark.parametrize(
    ("lang", "more"),
    [("en", "… and 156 more problems"), ("nl", "… en nog 156 problemen"), ("fr", "… et 156 autres problèmes")],
)
def test_validate_prints_at_most_100_problems_then_how_many_more(tmp_path, lang, more):
    from click.testing import CliRunner

    from misquiz.cli import main

    path = tmp_path / "bank.yaml"
    path.write_text("{" + ",".join(["a"] * 251) + "}", encoding="utf-8")  # 250 duplicate keys
    assert len(check_bank(path).errors) == 256  # and 6 missing or unknown keys
    done = CliRunner().invoke(main, ["validate", str(path), "--lang", lang])
    assert done.exit_code == 1
    lines = done.output.splitlines()
    assert len(lines) == 102
    assert all(line.startswith(f"{path}:1:") for line in lines[:100])
    assert lines[100] == more
    assert "256" in lines[101]  # the counts still count every problem
    as_json = json.loads(CliRunner().invoke(main, ["validate", str(path), "--json"]).output)
    assert (len(as_json["errors"]), as_json["more"]) == (100, 156)


def test_validate_prints_every_problem_up_to_100(tmp_path):
    from click.testing import CliRunner

    from misquiz.cli import main

    path = tmp_path / "bank.yaml"
    path.write_text("{" + ",".join(["a"] * 95) + "}", encoding="utf-8")  # 94 duplicate keys, 6 missing or unknown
    assert len(check_bank(path).errors) == 100
    lines = CliRunner().invoke(main, ["validate", str(path)]).output.splitlines()
    assert len(lines) == 101 and "more problems" not in lines[-1]

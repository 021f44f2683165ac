"""The interface's words: one catalogue file per language, complete, and every key in use."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import misquiz
from misquiz.core import catalogue

SRC = Path(misquiz.__file__).resolve().parent
# Keys built at run time rather than written out whole in the source.
DYNAMIC = {"round_before", "round_after", "round_none"}  # (month names come from CLDR through Babel)
DYNAMIC |= {"shift_worse", "shift_worse_people", "shift_worse_score", "shift_better", "shift_same"}  # shift_line


def test_catalogues_are_data_files_in_the_package():
    assert set(catalogue.languages()) >= {"en", "nl"}
    for lang in catalogue.languages():
        table = json.loads((catalogue.FOLDER / f"{lang}.json").read_text(encoding="utf-8"))
        assert all(isinstance(k, str) and isinstance(v, str) and v for k, v in table.items())


@pytest.mark.parametrize("lang", catalogue.languages())
def test_every_language_has_every_key_with_the_same_placeholders(lang):
    english, other = catalogue.strings("en"), catalogue.strings(lang)
    assert sorted(set(english) - set(other)) == [], f"missing in {lang}"
    assert sorted(set(other) - set(english)) == [], f"only in {lang}"
    for key, text in english.items():
        assert set(re.findall(r"{(\w+)}", other[key])) == set(re.findall(r"{(\w+)}", text)), key
        # a word chosen by a count ({count:attempt|attempts}) counts something the English sentence has
        counted = {m[0] for m in catalogue.PLURAL.findall(other[key])} | {m[0] for m in catalogue.PLURAL.findall(text)}
        assert counted <= set(re.findall(r"{(\w+)[:}]", text)), key


@pytest.mark.parametrize(
    ("lang", "count", "expected"),
    [
        ("en", 1, "Deleted 1 result."),
        ("en", 0, "Deleted 0 results."),
        ("en", 4, "Deleted 4 results."),
        ("nl", 1, "1 deelname verwijderd."),
        ("nl", 0, "0 deelnames verwijderd."),
        ("fr", 0, "0 participation supprimée."),
        ("fr", 1, "1 participation supprimée."),
        ("fr", 2, "2 participations supprimées."),
    ],
)
def test_a_count_chooses_its_word_as_the_language_counts(lang, count, expected):
    """No sentence says "attempt(s)": French counts 0 as one (CLDR), English and Dutch only 1."""
    assert catalogue.t(lang, "cli_deleted", count=count) == expected


def test_no_catalogue_sentence_leaves_the_plural_to_the_reader():
    for lang in catalogue.languages():
        for key, text in catalogue.strings(lang).items():
            assert not re.search(r"\w\((s|en|e|es|x)\)", text), (lang, key, text)


def test_every_key_is_used_somewhere():
    source = "\n".join(p.read_text(encoding="utf-8") for p in SRC.rglob("*.py"))
    source += "\n".join(p.read_text(encoding="utf-8") for p in SRC.rglob("*.html"))
    quoted = set(re.findall(r"""["']([a-z][a-z_0-9]*)["']""", source))
    unused = [key for key in catalogue.strings("en") if key not in DYNAMIC and key not in quoted]
    assert unused == []


def test_a_missing_language_falls_back_to_english():
    assert catalogue.t("xx", "start") == catalogue.t("en", "start")
    assert catalogue.language_for_locale({"LANG": "nl_BE.UTF-8"}) == "nl"
    assert catalogue.language_for_locale({"LANG": "de_DE.UTF-8"}) == "en"


def test_a_sentence_asked_for_without_its_count_says_the_form_for_many_never_the_pattern():
    for lang in catalogue.languages():
        for key in catalogue.strings(lang):
            assert not catalogue.PLURAL.search(catalogue.t(lang, key)), (lang, key)

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
DYNAMIC |= {"shift_worse", "shift_better", "shift_same"}  # core.report.shift_line: f"shift_{direction}"


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

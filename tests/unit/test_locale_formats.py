"""Numbers and dates by the locale (issue 23, point 2): Unicode CLDR through Babel, never on the quiz's start-up."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from misquiz.core import catalogue
from misquiz.core.catalogue import format_date, format_number, format_percent


@pytest.mark.parametrize(
    ("lang", "date", "number", "percent"),
    [
        ("nl", "3 maart 2026", "-0,62", "9%"),
        ("fr", "3 mars 2026", "-0,62", "9\xa0%"),
        ("en", "3 March 2026", "-0.62", "9%"),
    ],
)
def test_each_language_writes_dates_and_numbers_its_own_way(lang, date, number, percent):
    assert format_date("2026-03-03T10:00:00+00:00", lang) == date
    assert format_number(-0.6249, 2, lang) == number
    assert format_percent(0.094, lang) == percent
    assert format_date("2026-12-31", lang).endswith("2026")


def test_a_language_babel_does_not_know_falls_back_to_english():
    assert format_date("2026-03-03", "xx-unknown") == "3 March 2026"
    assert format_number(2.4, 2, "xx-unknown") == "2.40"


def test_month_names_are_no_longer_written_by_hand():
    for lang in catalogue.languages():
        table = json.loads((catalogue.FOLDER / f"{lang}.json").read_text(encoding="utf-8"))
        assert not [key for key in table if key.startswith("month_")], lang


def test_the_items_table_in_french_has_decimal_commas(bank):
    from misquiz.core.items import ItemReport  # noqa: F401  (the report's type, for the reader)
    from misquiz.render.items import _local

    assert _local(2.4, "fr") == "2,40" and _local(None, "fr") == "–" and _local(2.4, "en") == "2.40"


def test_babel_stays_off_the_quizs_way_to_its_first_screen():
    script = (
        "import sys\n"
        "from misquiz.tui.launch import quick_options\n"
        "from misquiz.files.bank_cache import load_bank_for_quiz\n"
        "from misquiz.core.quiz import QuizOptions, QuizSession\n"
        "from misquiz.tui.app import build_app\n"
        "quick_options(['--lang', 'fr'])\n"
        "build_app(load_bank_for_quiz(None), QuizOptions('fr', 1))\n"
        "assert 'babel' not in sys.modules, 'babel was imported'\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


def test_french_writes_the_first_of_the_month_as_an_ordinal():
    from misquiz.core.catalogue import format_date

    assert format_date("2026-09-01T09:00:00+00:00", "fr") == "1er septembre 2026"
    assert format_date("2026-09-02T09:00:00+00:00", "fr") == "2 septembre 2026"
    assert format_date("2026-09-01T09:00:00+00:00", "en") == "1 September 2026"

"""The check-back in the calendar (issue 24, point 3): an RFC 5545 file with one all-day event, read back by
icalendar and by vobject, hostile text folded and escaped, nothing personal beyond what the person typed."""

from __future__ import annotations

import sys
from datetime import date

import icalendar
import pytest
import vobject
from click.testing import CliRunner

from misquiz.cli import main
from misquiz.core.advice import plan_of_answers
from misquiz.core.commitments import Commitment, choose
from misquiz.core.quiz import QuizOptions
from misquiz.core.scoring import score_attempt
from misquiz.render.calendar import calendar_file, calendar_file_name
from misquiz.storage.sqlite import SQLiteStore
from support.quiz import answers_holding, stored_attempt

TAKEN = "2026-06-03T09:00:00+00:00"
HOSTILE = 'Bel 3 klanten, vraag: waarom; \\ "quote" <b>x</b> é€😀 \x1b[2J\u202e' + "long " * 20


def plan(bank, lang="en", own=HOSTILE, name="Anna Secret"):
    answers = answers_holding(bank, {"sales-goal": (5, 1)})
    mine = choose(bank, score_attempt(bank, answers), ["sales-goal.1"], own[:120])
    return plan_of_answers(bank, answers, lang, name=name, taken_at=TAKEN, progress=None, commitments=mine)


@pytest.mark.parametrize("lang", ["en", "nl", "fr"])
def test_one_all_day_event_on_the_check_back_date_read_back_by_two_libraries(bank, lang):
    the_plan = plan(bank, lang)
    data = calendar_file(the_plan)
    assert data.startswith(b"BEGIN:VCALENDAR\r\n") and data.endswith(b"END:VCALENDAR\r\n")
    assert all(len(line) <= 75 for line in data.split(b"\r\n")), "folded at 75 octets"
    cal = icalendar.Calendar.from_ical(data)
    (event,) = cal.walk("VEVENT")
    assert event.decoded("dtstart") == date(2026, 9, 1) and event.decoded("dtend") == date(2026, 9, 2)
    description = str(event["description"])
    assert the_plan.commitments[1] in description  # the own line, word for word after cleaning
    assert the_plan.commitments[0] in description
    assert "misquiz" in description
    parsed = vobject.readOne(data.decode("utf-8"))
    (vevent,) = parsed.vevent_list
    assert vevent.dtstart.value == date(2026, 9, 1)
    assert vevent.description.value == description
    assert vevent.summary.value == str(event["summary"])


def test_hostile_text_is_escaped_and_nothing_personal_is_in_it(bank):
    data = calendar_file(plan(bank))
    raw = data.decode("utf-8")
    unfolded = raw.replace("\r\n ", "")
    assert "\x1b" not in raw and "\u202e" not in raw
    assert "vraag\\: " not in unfolded and "vraag: waarom\\;" in unfolded  # ; and , escaped, : kept
    assert "Anna" not in raw and "Secret" not in raw  # the name is not in it
    assert "/100" not in raw  # nor a score
    event = icalendar.Calendar.from_ical(data).walk("VEVENT")[0]
    assert "\\x1b[2J" in str(event["description"])


def test_a_workshop_calendar_gives_the_address_to_retake(bank):
    data = calendar_file(plan(bank, own=""), "http://192.168.1.5:8080/w/ACME")
    event = icalendar.Calendar.from_ical(data).walk("VEVENT")[0]
    assert "http://192.168.1.5:8080/w/ACME" in str(event["description"])
    assert str(event["url"]) == "http://192.168.1.5:8080/w/ACME"
    assert "type misquiz" not in str(event["description"])


def test_no_commitments_still_a_check_back(bank):
    answers = answers_holding(bank, {})
    empty = plan_of_answers(bank, answers, "en", name="", taken_at=TAKEN, progress=None)
    event = icalendar.Calendar.from_ical(calendar_file(empty)).walk("VEVENT")[0]
    assert "did not choose" in str(event["description"])
    assert calendar_file_name(empty) == "misquiz-check-back-2026-09-01.ics"


def test_export_format_ics_with_the_stored_commitments(bank, tmp_path):
    db = tmp_path / "m.db"
    store = SQLiteStore(db)
    session = stored_attempt(store, bank, QuizOptions("en", 1, "Anna", None, None, None), 5)
    store.set_commitments(session.attempt_id, (Commitment(None, None, "Post once a week, on Tuesday"),))
    store.close()
    result = CliRunner().invoke(main, ["export", "--format", "ics", "--db", str(db)])
    assert result.exit_code == 0, result.output
    event = icalendar.Calendar.from_ical(result.stdout.encode()).walk("VEVENT")[0]
    assert "Post once a week, on Tuesday" in str(event["description"])
    out = tmp_path / "c.ics"
    assert CliRunner().invoke(main, ["export", "--format", "ics", "--db", str(db), "-o", str(out)]).exit_code == 0
    assert out.read_bytes().count(b"\r\n") > 10 and b"\r\r\n" not in out.read_bytes()


def test_icalendar_is_not_imported_at_start():
    import subprocess

    code = (
        "import misquiz.cli, misquiz.render.report, misquiz.storage.recording, sys; print('icalendar' in sys.modules)"
    )
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() == "False"


def test_the_calendar_file_is_named_in_the_persons_language(bank):
    """Third native readings: "misquiz-check-back-…" was English in a Dutch or French person's folder."""
    answers = answers_holding(bank, {})
    names = {
        lang: calendar_file_name(plan_of_answers(bank, answers, lang, name="", taken_at=TAKEN, progress=None))
        for lang in ("en", "nl", "fr")
    }
    assert names == {
        "en": "misquiz-check-back-2026-09-01.ics",
        "nl": "misquiz-terugblik-2026-09-01.ics",
        "fr": "misquiz-point-d-etape-2026-09-01.ics",
    }

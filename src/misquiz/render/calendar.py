"""The check-back as a calendar file (iCalendar, RFC 5545): one all-day event on the plan's check-back date.

It carries the commitments and the way to retake, and nothing personal beyond what the person typed: no
name, no scores, no database. Written by the `icalendar` library (folding, escaping), imported only here.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime, timedelta

from misquiz.core.advice import CHECK_BACK_DAYS, AdvicePlan
from misquiz.core.catalogue import t
from misquiz.core.text import one_line, plain

PRODID = "-//misquiz//check-back//EN"


def check_back_day(plan: AdvicePlan) -> date:
    if plan.check_back_on:
        return date.fromisoformat(plan.check_back_on)
    return (datetime.fromisoformat(plan.taken_at) + timedelta(days=CHECK_BACK_DAYS)).date()


def calendar_description(plan: AdvicePlan, retake_url: str | None) -> str:
    lang = plan.lang
    lines = [t(lang, "ics_intro"), *(f"- {c}" for c in plan.commitments)] if plan.commitments else [t(lang, "ics_none")]
    lines += ["", t(lang, "ics_retake_web", url=retake_url) if retake_url else t(lang, "ics_retake_command")]
    return "\n".join(plain(one_line(line)) for line in lines)


def calendar_file(plan: AdvicePlan, retake_url: str | None = None) -> bytes:
    """The .ics file of a plan's check-back: `retake_url` for a workshop, else the command `misquiz`."""
    import icalendar  # a second or so of start-up saved for everyone who never asks for a calendar

    day = check_back_day(plan)
    stamp = datetime.fromisoformat(plan.taken_at)
    description = calendar_description(plan, retake_url)
    # the same plan gives the same event, so a second import updates it instead of doubling it
    uid = hashlib.sha256(f"{plan.taken_at}|{plan.bank_title}|{day}".encode()).hexdigest()[:32]
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    event = icalendar.Event()
    event.add("uid", f"{uid}@misquiz")
    event.add("dtstamp", stamp)
    event.add("dtstart", day)
    event.add("dtend", day + timedelta(days=1))
    event.add("summary", t(plan.lang, "ics_summary"))
    event.add("description", description)
    event.add("transp", "TRANSPARENT")
    if retake_url:
        event.add("url", retake_url)
    cal.add_component(event)
    return bytes(cal.to_ical())


def calendar_file_name(plan: AdvicePlan) -> str:
    """misquiz-check-back-2027-03-07.ics in the plan's language (terugblik, point-d-etape): a word a person keeps."""
    return f"misquiz-{t(plan.lang, 'plain_calendar_file')}-{check_back_day(plan).isoformat()}.ics"

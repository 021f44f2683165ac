"""The group report: its view-model, its three formats in every language, the CLI, and two printed A4 pages."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import datetime

import pytest
from click.testing import CliRunner

from misquiz.cli import main
from misquiz.core.report import group_report
from misquiz.core.scoring import score_attempt
from misquiz.render.room import csv_columns, report_html, report_markdown, room_csv, write_group_report
from misquiz.storage import read_room
from misquiz.storage.reading import read_group_report
from misquiz.storage.sqlite import SQLiteStore
from support.printing import printed_pages
from support.quiz import answers_holding

NOW = datetime(2026, 3, 3, 10, 0)
LANGS = ("en", "nl", "fr")


def add(store, bank, answers, round_, workshop="ws"):
    attempt = store.start_attempt(
        bank_id=bank.id, bank_version=bank.version, bank_hash=bank.content_hash, language="en", seed=1,
        order=[s.id for s in bank.statements], name="Secret Name", workshop=workshop, round=round_,
    )  # fmt: skip
    for sid, value in answers.items():
        store.save_answer(attempt, sid, value)
    store.finish_attempt(attempt, score_attempt(bank, answers).record())


@pytest.fixture
def workshop(tmp_path, bank):
    store = SQLiteStore(tmp_path / "report.db")
    before = [
        {"sales-goal": (5, 1), "more-posts": (5, 1)},
        {"sales-goal": (5, 1), "more-posts": (1, 5)},
        {"sales-goal": (4, 2), "no-plan": (3, 3)},
        {"sales-goal": (5, 1)},
    ]
    after = [{"sales-goal": (3, 3), "more-posts": (5, 1)}, {"more-posts": (4, 2)}, {}]
    for held in before:
        add(store, bank, answers_holding(bank, held), "before")
    for held in after:
        add(store, bank, answers_holding(bank, held), "after")
    return store


def test_the_view_model_compares_rounds_in_the_after_order(workshop, bank):
    room = read_room(workshop, bank, "ws")
    report = group_report(room, bank, "en", NOW, title="Acme", by="Jo")
    assert (report.title, report.by, report.date, report.workshop) == ("Acme", "Jo", "3 March 2026", "ws")
    assert [(p.name, p.finished) for p in report.rounds] == [("before", 4), ("after", 3)]
    # the debrief of an after round walks the after round's discussion order
    assert [r.myth_id for r in report.rows][: len(room.order())] == list(room.rounds["after"].discussion_order)
    assert report.rows[0].myth_id == "more-posts" and report.rows[0].rank == 1
    sales = next(r for r in report.rows if r.myth_id == "sales-goal")
    assert [c.score for c in sales.cells] == [94, 17] and sales.shift == 17 - 94
    assert sales.change is not None and sales.change.points == sales.shift == room.shift("sales-goal")
    closed = group_report(room, bank, "en", NOW, closed=frozenset({"after"}))
    assert closed.rounds[1].title == "After the workshop (closed)" or "closed" in closed.rounds[1].title
    assert report.shifts[0].myth_id == "sales-goal"  # largest first
    assert [abs(r.shift or 0) for r in report.shifts] == sorted(
        (abs(r.shift or 0) for r in report.shifts), reverse=True
    )
    # what to discuss next comes from the after round: more-posts is held by two of three there
    assert report.next_steps[0].title == bank.myths_by_id["more-posts"].title["en"]
    assert len(report.legend) == 3 and "0–33" in report.legend[1]


def test_below_the_minimum_group_only_counts(workshop, bank):
    room = read_room(workshop, bank, "ws", min_group=4)
    report = group_report(room, bank, "en", NOW)
    assert [c.shown for c in report.rounds] == [True, False]
    assert len(report.columns) == 1 and all(r.shift is None for r in report.rows)
    assert "Too few people" in " ".join(report.legend)
    hidden = group_report(read_room(workshop, bank, "ws", min_group=10), bank, "en", NOW)
    assert hidden.rows == () and hidden.hidden
    for text in (report_markdown(hidden), report_html(hidden)):
        assert "joined 3" in text and "Sales" not in text


@pytest.mark.parametrize("lang", LANGS)
def test_every_heading_is_in_the_reports_language(workshop, bank, lang):
    from misquiz.core.catalogue import t

    report = group_report(read_room(workshop, bank, "ws"), bank, lang, NOW, by="Jo")
    md, page = report_markdown(report), report_html(report)
    for key in ("report_next", "report_legend", "room_shift_title", "round_before", "round_after"):
        assert t(lang, key) in md and t(lang, key).replace("'", "&#x27;") in page
    assert bank.myths_by_id["sales-goal"].title[lang] in md
    if lang != "en":
        for english in ("What to discuss next", "How to read", "Prepared by", "Before"):
            assert english not in md
    assert f'lang="{lang}"' in page and "Secret Name" not in md + page
    assert "\\." not in md and "\\(" not in md  # nothing escaped that Markdown does not need


def test_html_is_self_contained(workshop, bank):
    page = report_html(group_report(read_room(workshop, bank, "ws"), bank, "en", NOW))
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    assert not re.search(r"(src|href)=|@import|url\(|<script", page)
    assert "break-inside: avoid" in page and "@page" in page


def test_csv_for_spreadsheets(workshop, bank):
    text = room_csv(read_room(workshop, bank, "ws"), bank, "en")
    rows = list(csv.reader(io.StringIO(text)))
    header = rows[0]
    assert header == csv_columns(bank) and len(set(header)) == len(header)
    assert len(rows) == 1 + 2 * len(bank.myths)
    data = [dict(zip(header, r, strict=True)) for r in rows[1:]]
    sales = [d for d in data if d["myth"] == "sales-goal"]
    assert [d["round"] for d in sales] == ["before", "after"]
    assert sales[0]["mean_score"] == "93.8" and sales[0]["count_myth"] == "4" and sales[0]["share_myth"] == "1.000"
    assert int(sales[1]["shift"]) == 17 - 94  # whole points, the same number as every other view
    assert '"' not in text.splitlines()[1].split(",Social")[0]  # numbers are not quoted


def test_cli_exports_every_format_with_title_and_by(workshop, bank, tmp_path):
    db = str(workshop.path)
    for suffix in ("html", "md", "csv"):
        out = tmp_path / f"report.{suffix}"
        args = ["room", "ws", "--export", str(out), "--db", db, "--lang", "nl", "--title", "Acme", "--by", "Jo"]
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 0, result.output
    assert "Opgesteld door: Jo" in (tmp_path / "report.md").read_text(encoding="utf-8")
    items = tmp_path / "items.csv"
    assert CliRunner().invoke(main, ["room", "ws", "--export", str(items), "--items", "--db", db]).exit_code == 0
    rows = list(csv.DictReader(io.StringIO(items.read_text(encoding="utf-8"))))
    # one round, as `misquiz items ws` reads it: the latest, never the same people before and after together
    assert len(rows) == len(bank.statements) and rows[0]["n"] == "3" and rows[0]["round"] == "after"
    wrong = CliRunner().invoke(main, ["room", "ws", "--export", str(tmp_path / "r.md"), "--items", "--db", db])
    assert wrong.exit_code == 2
    wrong = CliRunner().invoke(main, ["room", "ws", "--export", str(tmp_path / "r.csv"), "--appendix", "--db", db])
    assert wrong.exit_code == 2 and "--appendix" in wrong.output


@pytest.mark.parametrize("lang", LANGS)
def test_the_clients_report_has_no_statement_appendix_unless_asked(workshop, bank, tmp_path, lang):
    from misquiz.core.catalogue import t

    db = str(workshop.path)
    heading = t(lang, "report_flags")
    for suffix in ("md", "html"):
        plain, asked = tmp_path / f"plain.{suffix}", tmp_path / f"asked.{suffix}"
        base = ["room", "ws", "--db", db, "--lang", lang, "--export"]
        assert CliRunner().invoke(main, [*base, str(plain)]).exit_code == 0
        assert CliRunner().invoke(main, [*base, str(asked), "--appendix"]).exit_code == 0
        # (words only: Markdown's text is laid out with plain spaces where the catalogue has no-break ones)
        without, with_it = (
            " ".join(f.read_text(encoding="utf-8").replace("&#x27;", "'").split()) for f in (plain, asked)
        )
        assert " ".join(heading.split()) not in without and "sales-goal-1" not in without
        assert " ".join(heading.split()) in with_it
        # the before round's four people: too few, said once in words
        assert " ".join(t(lang, "report_flags_too_few", n=4, least=30).split()) in with_it
    # decided once, in the view-model: statistics handed in do not make an appendix by themselves
    from misquiz.storage.reading import read_items

    stats = read_items(workshop, bank, "ws", "before")
    room = read_room(workshop, bank, "ws")
    assert not group_report(room, bank, lang, NOW, items=stats).appendix
    asked_for = group_report(room, bank, lang, NOW, items=stats, appendix=True)
    assert asked_for.appendix and asked_for.flags == () and asked_for.flags_note


def test_cli_items_table_json_and_csv(workshop, bank, tmp_path):
    db = str(workshop.path)
    table = CliRunner().invoke(main, ["items", "ws", "--db", db, "--lang", "en"])
    assert table.exit_code == 0 and "item–rest" in table.output and "sales-goal-1" in table.output
    data = json.loads(CliRunner().invoke(main, ["items", "--db", db, "--json", "--round", "before"]).output)
    assert data["attempts"] == 4 and data["round"] == "before" and len(data["myths"]) == len(bank.myths)
    first = data["myths"][0]["statements"][0]
    assert set(first) >= {"n", "no_opinion", "shares", "mean", "sd", "item_rest", "flags"}
    out = tmp_path / "items.csv"
    assert CliRunner().invoke(main, ["items", "ws", "--db", db, "--csv", str(out)]).exit_code == 0
    assert out.read_text(encoding="utf-8").startswith("workshop,round,myth,statement")
    few = CliRunner().invoke(main, ["items", "ws", "--db", db, "--round", "after", "--min-group", "5"])
    assert (
        few.exit_code == 0 and "at least" not in few.output and "5" in few.output and "sales-goal-1" not in few.output
    )


@pytest.mark.parametrize("lang", LANGS)
def test_the_html_report_prints_on_at_most_two_a4_pages(tmp_path, bank, lang):
    store = SQLiteStore(tmp_path / "big.db")
    import random

    rng = random.Random(7)
    for round_ in ("before", "after"):  # random answers: many flagged statements, the longest appendix
        for _ in range(30):
            add(store, bank, {s.id: rng.choice([1, 2, 3, 4, 5, None]) for s in bank.statements}, round_)
    page = tmp_path / "report.html"
    read = read_group_report(store, bank, "ws", appendix=True)
    write_group_report(page, bank, lang=lang, now=NOW, title="Workshop Acme", by="Trainer Jo", **read)
    assert 1 <= printed_pages(page) <= 2


def test_a_small_room_gets_no_statement_flags_and_is_told_why(tmp_path, bank):
    """Found by a trainer's trial run: four people flagged 30 of 36 statements, in the report for the client."""
    store = SQLiteStore(tmp_path / "small.db")
    for held in ({"sales-goal": (5, 1)}, {"more-posts": (5, 1)}, {}, {"no-plan": (4, 2)}):
        add(store, bank, answers_holding(bank, held), "before")
    page = tmp_path / "report.md"
    write_group_report(page, bank, lang="en", now=NOW, **read_group_report(store, bank, "ws", appendix=True))
    text = page.read_text()
    assert "Too few completed quizzes (4) to judge statements" in text and "gave the same extreme" not in text
    items = CliRunner().invoke(main, ["items", "ws", "--db", str(tmp_path / "small.db"), "--lang", "nl"])
    assert items.exit_code == 0 and "om uitspraken te beoordelen" in items.stdout
    assert "⚑" not in items.stdout.split("\n\n")[-1]


def test_the_appendix_judges_one_round_and_names_the_myths_with_too_little_spread(tmp_path, bank):
    """Found by a trainer: with 11 people, a myth everyone saw clearly had all its statements "keyed the wrong way"."""
    import random

    store = SQLiteStore(tmp_path / "big.db")
    rng = random.Random(3)
    for _ in range(32):  # every myth but one spread over the bands; one that everyone sees clearly
        held = {m.id: rng.choice([(1, 5), (2, 4), (3, 3), (4, 2), (5, 1)]) for m in bank.myths[1:]}
        add(store, bank, answers_holding(bank, held), "before")
    for _ in range(31):  # the same people after: not counted again in the appendix
        add(store, bank, answers_holding(bank, {}), "after")
    page = tmp_path / "report.md"
    write_group_report(page, bank, lang="en", now=NOW, **read_group_report(store, bank, "ws", appendix=True))
    text = page.read_text(encoding="utf-8")
    appendix = text.split("## Appendix: statements to review")[1]
    assert "Completed quizzes in the “Before” round of this workshop: 32." in appendix or (
        "No statement was flagged in the “Before” round of this workshop." in appendix
    )
    clear = bank.myths[0]
    assert "Too little spread to judge the statements of these misconceptions" in appendix
    assert f"- {clear.title['en']}" in appendix
    assert not any(f"**{s.id}**" in appendix for s in clear.statements)


@pytest.mark.parametrize(
    ("points", "before", "after", "wording", "en"),
    [
        (12, 2, 5, "worse", "▲ +12, worse (held by 2 → 5)"),
        (-6, 0, 1, "worse_people", "▲ worse (held by 0 → 1; score −6)"),
        (6, 1, 0, "worse_score", "▲ +6, worse (held by fewer: 1 → 0)"),
        (-9, 4, 1, "better", "▼ −9, better (held by 4 → 1)"),
        (0, 2, 2, "same", "= no change (held by 2 → 2)"),
    ],
)
def test_a_shift_whose_score_and_people_disagree_says_which_made_it_worse(points, before, after, wording, en):
    """Third Dutch reading: "▲ −6, worse: 0 → 1" read as a contradiction; a worsening (PRODUCT.md: more people
    hold it, or the score rose) now says which of the two it was when the other points the other way."""
    from misquiz.core.report import shift_line
    from misquiz.core.session import Shift

    change = Shift(points, before, after)
    assert change.wording == wording
    assert shift_line("en", change) == en
    for lang in ("nl", "fr"):
        told = shift_line(lang, change)
        assert change.arrow in told and "{" not in told
        assert (change.signed in told) == (wording != "same")
    assert (change.signed in shift_line("en", change)) == (wording != "same")

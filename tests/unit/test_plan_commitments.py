"""The plan leads with what the person will do (issue 24, point 2): in every way of saving it, before the
profile; what they did of last time's commitments beside the progress; hostile own lines through every sink;
the printed page still one A4 sheet."""

from __future__ import annotations

import html

import pytest
from markdown_it import MarkdownIt

from misquiz.core.advice import Progress, plan_of_answers
from misquiz.core.commitments import DONE, MAX_OWN, NOT_YET, STARTED, Commitment, choose, follow_up
from misquiz.core.scoring import score_attempt
from misquiz.render.report import html_page, markdown
from misquiz.render.text import plan_text
from support.printing import printed_pages
from support.quiz import answers_holding

LANGS = ("en", "nl", "fr")
TAKEN = "2026-06-03T09:00:00+00:00"
SINCE = "2026-03-03T09:00:00+00:00"
HELD = {"sales-goal": (5, 1), "more-posts": (5, 2), "no-plan": (4, 2), "every-platform": (3, 3), "just-a-fad": (5, 5)}
HOSTILE = "<script>alert(1)</script> [bold]x[/bold] **b** [l](javascript:x) # h \x1b[2J & AT&T"


def plan_with(bank, lang, own="Call two customers and ask why they follow us", followed=True):
    answers = answers_holding(bank, HELD)
    result = score_attempt(bank, answers)
    mine = choose(bank, result, ["sales-goal.1", "no-plan.2"], own)
    before = score_attempt(bank, answers_holding(bank, {"sales-goal": (3, 3)}))
    last = follow_up((Commitment("sales-goal", 1), Commitment("no-plan", 1), Commitment(None, None, own)),
                     {1: DONE, 2: STARTED, 3: NOT_YET})  # fmt: skip
    return plan_of_answers(
        bank, answers, lang, name="Anna", taken_at=TAKEN,
        progress=Progress(SINCE, {m.myth.id: m.score for m in before.myths}),
        commitments=mine, followed=last if followed else (),
    )  # fmt: skip


@pytest.mark.parametrize("lang", LANGS)
def test_every_saved_plan_leads_with_what_i_will_do(bank, lang):
    plan = plan_with(bank, lang)
    action = bank.myths[[m.id for m in bank.myths].index("sales-goal")].actions[0][lang]
    assert plan.commitments_title and len(plan.commitments) == 3 and plan.check_back_on == "2026-09-01"
    assert "2026" in (plan.commitments_by or "")
    text, page, md_text = plan_text(plan, width=200), html_page(plan), markdown(plan)
    for out in (text, page, md_text):
        first = out.index(html.escape(plan.commitments_title) if out is page else plan.commitments_title)
        assert first < out.index(html.escape(plan.profile_title or "") if out is page else plan.profile_title or "")
    assert action in text and html.escape(action) in page
    assert "Call two customers" in md_text
    # what was done last time: beside the progress, after the bars and before the priorities
    assert plan.follow_up_title and len(plan.follow_up) == 3
    for out in (text, md_text):
        assert out.index(plan.labels["per_myth"]) < out.index(plan.follow_up_title) < out.index(plan.sections[0].title)


def test_no_commitments_no_heading_and_no_follow_up_without_answers(bank):
    answers = answers_holding(bank, HELD)
    plan = plan_of_answers(bank, answers, "en", name="", taken_at=TAKEN, progress=None,
                           followed=(Commitment("sales-goal", 1),))  # fmt: skip
    assert plan.commitments_title is None and plan.follow_up_title is None
    assert "What you will do" not in plan_text(plan) and "What you will do" not in markdown(plan)


def test_a_hostile_own_line_is_text_in_every_sink(bank):
    plan = plan_with(bank, "en", own=HOSTILE)
    text, page, md_text = plan_text(plan, width=300), html_page(plan), markdown(plan)
    assert "\x1b" not in text and "\\x1b[2J" in text
    assert "<script>" not in page and "&lt;script&gt;" in page
    rendered = MarkdownIt("commonmark").render(md_text)
    assert "<script>" not in rendered and "javascript:" not in rendered.split('href="')[-1][:12]
    assert "<strong>b</strong>" not in rendered and "**b**" in rendered  # shown as typed
    assert rendered.count("<h1") == 1  # "# h" stays inside its line


@pytest.mark.parametrize("lang", LANGS)
def test_the_printed_plan_with_commitments_and_follow_up_is_one_a4_page(bank, lang, tmp_path):
    plan = plan_with(bank, lang, own="x" * (MAX_OWN - 20) + " long line")
    assert len(plan.commitments) == 3
    page = tmp_path / "plan.html"
    page.write_text(html_page(plan), encoding="utf-8")
    assert printed_pages(page) == 1

"""The personal reports: Markdown that reads cleanly in an editor, progress with a legend, one A4 page."""

from __future__ import annotations

import html

import pytest
from markdown_it import MarkdownIt

from misquiz.core.advice import Progress, plan_of_answers
from misquiz.core.scoring import score_attempt
from misquiz.render.report import html_page, markdown, md
from support.printing import printed_pages
from support.quiz import answers_holding

LANGS = ("en", "nl", "fr")
TAKEN = "2026-06-03T09:00:00+00:00"
SINCE = "2026-03-03T09:00:00+00:00"
HELD = {"sales-goal": (5, 1), "more-posts": (5, 2), "no-plan": (4, 2), "every-platform": (3, 3), "just-a-fad": (5, 5)}

RENDER = MarkdownIt("commonmark").enable(["strikethrough", "table"])


def realistic(bank, lang, progress=True):
    """Priorities with actions, a second look, clear ones, a mixed signal, and progress since March."""
    answers = answers_holding(bank, HELD)
    before = score_attempt(bank, answers_holding(bank, {"sales-goal": (3, 3), "no-interest": (5, 1)}))
    prior = Progress(SINCE, {m.myth.id: m.score for m in before.myths})
    return plan_of_answers(bank, answers, lang, name="Anna", taken_at=TAKEN, progress=prior if progress else None)


LITERAL = [
    "budget [in EUR] [/] [bold]b[/bold]",
    "[x](javascript:alert(1))",
    "![i](https://evil.example/i.png)",
    "[ref]: https://evil.example",
    "[a][b] and [c]",
    "snake_case, _em_ and __strong__",
    "5 * 3 and `code`",
    "<script>x</script> <https://evil.example> <!-- c --> a < b",
    "~~gone~~ and ~one~",
    "&copy; &#65; & AT&T",
    "a\\*b and a trailing \\",
    "# heading",
    "1. item",
    "- item",
    "Title #",
]


@pytest.mark.parametrize("text", LITERAL)
def test_markdown_shows_text_as_written(text):
    rendered = RENDER.render(md(text)).strip()
    assert rendered == f"<p>{html.escape(text, quote=False)}</p>"


def test_markdown_escapes_only_what_markdown_needs():
    plain_text = "It's 3.5 (really) - fine! Q? a/b x.y 50% snake_case a < b a|b"
    assert md(plain_text) == plain_text  # nothing here could format: nothing escaped
    assert md("[x](y)") == "\\[x\\](y)"
    assert md("a [b") == "a [b"


def test_progress_shows_arrows_and_a_legend(bank):
    plan = realistic(bank, "en")
    text = markdown(plan)
    assert "Change since 3 March 2026, in points: ▲ a stronger hold, ▼ a weaker one" in text
    assert any(row.change for row in plan.rows)
    for row in plan.rows:
        if row.change:
            assert f"{'▲' if row.change > 0 else '▼'} {abs(row.change)}" in text
    assert "(+" not in text and "(-" not in text
    assert "▲ " in html_page(plan) or "▼ " in html_page(plan)


def test_the_flag_legend_only_with_a_flag(bank):
    flagged = realistic(bank, "en")
    assert any(r.mixed for r in flagged.rows)
    assert "⚑ Mixed signals" in markdown(flagged) and "⚑ Mixed signals" in html_page(flagged)
    calm = plan_of_answers(
        bank, answers_holding(bank, {"sales-goal": (5, 1)}), "en", name="", taken_at=TAKEN, progress=None
    )
    assert not any(r.mixed for r in calm.rows)
    assert "⚑" not in markdown(calm) and "⚑" not in html_page(calm)


@pytest.mark.parametrize("lang", LANGS)
def test_the_personal_html_prints_on_one_a4_page(tmp_path, bank, lang):
    plan = realistic(bank, lang)._replace(name="Anna Verhoeven-Lambrechts")
    keys = [s.key for s in plan.sections if s.items]
    assert len(keys) >= 3, keys  # priorities, a second look and clear: the longest realistic page
    page = tmp_path / "plan.html"
    page.write_text(html_page(plan), encoding="utf-8")
    assert printed_pages(page) == 1

"""Bank text is content, never markup: brackets show exactly as written on every screen and in every report."""

from __future__ import annotations

import html
import os
import subprocess
import sys

import yaml
from markdown_it import MarkdownIt

from misquiz.core.advice import advice_plan
from misquiz.core.scoring import score_attempt
from misquiz.files.bank import load_bank
from misquiz.render.report import html_page, markdown
from misquiz.render.text import plan_text
from misquiz.tui.screens.myth import MythScreen
from misquiz.tui.screens.results import ResultsScreen
from support import DATA
from support.quiz import quiz_app

TRICKS = "budget [in EUR] [/] [bold]b[/bold] [link=https://x.invalid]x[/link] [@click=app.quit]q[/] $accent"


def hostile_bank(tmp_path):
    data = yaml.safe_load((DATA / "minimal.yaml").read_text(encoding="utf-8"))

    def spike(node):
        if isinstance(node, dict):
            if set(node) == {"en", "nl"}:
                return {lang: f"{text} {TRICKS}" for lang, text in node.items()}
            return {k: spike(v) for k, v in node.items()}
        if isinstance(node, list):
            return [spike(v) for v in node]
        return node

    path = tmp_path / "tricky.yaml"
    path.write_text(yaml.safe_dump(spike(data), allow_unicode=True), encoding="utf-8")
    return load_bank(path)


def visible(screen) -> str:
    return "\n".join(str(w.render()) for w in screen.query("Static, Button, MythRow"))


async def test_every_screen_shows_markup_like_text_as_written(tmp_path):
    bank = hostile_bank(tmp_path)
    app = quiz_app(bank, lang="en", seed=1, name="[b]Eve[/b]")
    async with app.run_test(size=(100, 50)) as pilot:
        assert TRICKS in visible(app.screen)  # welcome: the title and intro
        await pilot.press("enter")
        assert TRICKS in visible(app.screen)  # a statement and its scale labels
        while not isinstance(app.screen, ResultsScreen):
            await pilot.press("5")
        await pilot.pause()
        shown = visible(app.screen)
        assert TRICKS in shown and "[b]Eve[/b]" in shown  # profile, titles, advice, actions, the name
        await pilot.press("enter")
        assert isinstance(app.screen, MythScreen) and TRICKS in visible(app.screen)
        assert app.is_running  # "[@click=app.quit]" ran nothing


def test_every_report_and_plain_mode_show_it_as_written(tmp_path):
    bank = hostile_bank(tmp_path)
    answers = {s.id: 5 for s in bank.statements}
    plan = advice_plan(
        bank, score_attempt(bank, answers), "en", name="", progress=None, taken_at="2026-01-01T00:00:00+00:00"
    )
    assert TRICKS in plan_text(plan)
    text = markdown(plan)
    assert "budget \\[in EUR] \\[/] \\[bold]b\\[/bold] \\[link=https://x.invalid]x\\[/link]" in text  # escaped once
    rendered = MarkdownIt("commonmark").enable("strikethrough").render(text)
    assert "<a " not in rendered and "<bold>" not in rendered  # no link and no tag survives a renderer
    assert html.escape(TRICKS, quote=False) in rendered  # and the reader sees it as written
    assert "budget [in EUR] [/] [bold]b[/bold]" in html_page(plan) and "<bold>" not in html_page(plan)
    env = {**os.environ, "MISQUIZ_DB": str(tmp_path / "p.db"), "XDG_CACHE_HOME": str(tmp_path / "c")}
    proc = subprocess.run(
        [sys.executable, "-m", "misquiz", "take", "--plain", "--bank", str(bank.source), "--lang", "en"],
        input="\n".join(["5"] * len(bank.statements)) + "\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert TRICKS in proc.stdout

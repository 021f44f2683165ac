"""One plan, every way of saving it (PRODUCT.md, "Advice summary"): the quiz's m and h, plain mode's
summary, `export --format md|html` and the web page's two downloads render the same plan of the core,
with the profile, priorities each with their "why", a second look, the clear ones, what was not
assessed, the progress since the same person's previous result, and the check-back date."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from datetime import UTC, datetime

from click.testing import CliRunner
from test_web import CONFIG, cookie_of, serving, visitor

from misquiz.cli import main
from misquiz.core.advice import PRIORITIES, AdvicePlan
from misquiz.core.quiz import QuizOptions
from misquiz.lines.plain import run_plain
from misquiz.storage.recording import attempt_plan
from misquiz.storage.sqlite import SQLiteStore
from misquiz.web.pages import COOKIE
from support.quiz import answer_all, answers_holding, quiz_app, stored_attempt

FIRST, SECOND = datetime(2026, 3, 3, 9, tzinfo=UTC), datetime(2026, 6, 3, 9, tzinfo=UTC)


def answers_for_every_section(bank) -> dict[str, int | None]:
    """Priorities, a second look, clear ones, a mixed signal and one myth not assessed."""
    answers: dict[str, int | None] = dict(
        answers_holding(bank, {"sales-goal": (5, 1), "more-posts": (5, 2), "every-platform": (3, 3)})
    )
    fad = bank.myths_by_id["just-a-fad"].statements
    answers |= {s.id: 5 if s.keyed == "myth" else 4 for s in fad}  # held, with a mixed signal
    for s in bank.myths_by_id["no-interest"].statements:
        answers[s.id] = None  # not assessed
    return answers


def store_at(db, when: list[datetime]) -> SQLiteStore:
    return SQLiteStore(db, clock=lambda: when[0])


def earlier_result(db, bank, name: str) -> None:
    """The same person's first attempt, three months before."""
    store = store_at(db, [FIRST])
    stored_attempt(store, bank, QuizOptions("en", 1, name), 4, name=name)
    store.close()


def parts_of(plan: AdvicePlan) -> list[str]:
    """What every rendering must carry, in the plan's own words."""
    parts = [plan.profile_title or "", plan.progress_note or "", plan.check_back or ""]
    for section in plan.sections:
        parts.append(section.title)
        for item in section.items:
            parts.append(item.title)
            if section.key == PRIORITIES:
                assert item.why and item.actions, "every priority carries its why and its actions"
                parts += [item.why, *item.actions]
    return [p for p in parts if p]


def flat(text: str) -> str:
    """A rendering as running text: markup, escapes and line breaks out of the way."""
    text = re.sub(r"<[^>]+>", " ", text).replace("&#x27;", "'").replace("&quot;", '"').replace("&amp;", "&")
    text = re.sub(r"\\(.)", r"\1", text)
    return " ".join(text.split())


def assert_carries(text: str, plan: AdvicePlan, where: str) -> None:
    body = flat(text)
    for part in parts_of(plan):
        assert " ".join(part.split()) in body, f"{where} lacks: {part[:80]}"


def export(db, fmt: str, attempt: str = "latest") -> str:
    result = CliRunner().invoke(main, ["export", attempt, "--format", fmt, "--db", str(db)])
    assert result.exit_code == 0, result.output
    return result.stdout


async def test_the_quiz_keys_plain_mode_and_export_give_one_plan(tmp_path, bank, monkeypatch):
    monkeypatch.chdir(tmp_path)
    answers = answers_for_every_section(bank)
    # The quiz: m and h, with Anna's earlier result for progress.
    tui_db = tmp_path / "tui.db"
    earlier_result(tui_db, bank, "Anna")
    app = quiz_app(bank, lang="en", seed=3, name="Anna", store=store_at(tui_db, [SECOND]), export_dir=tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("enter")
        await answer_all(pilot, answers)
        await pilot.press("m", "h")
        await pilot.pause()
        attempt_id = app.session.attempt_id
    store = SQLiteStore(tui_db)
    plan = attempt_plan(store, bank, store.attempt(attempt_id))
    store.close()
    assert {s.key for s in plan.sections} == {"priorities", "second_look", "clear", "not_assessed"}
    assert plan.progress_note and plan.check_back and "1 September 2026" in plan.check_back
    saved = {p.suffix: p.read_text(encoding="utf-8") for p in tmp_path.glob("misquiz-*.*")}
    assert set(saved) == {".md", ".html"}
    # export gives the very same files
    assert export(tui_db, "md") == saved[".md"] + "\n"
    assert export(tui_db, "html") == saved[".html"] + "\n"
    for kind, text in saved.items():
        assert_carries(text, plan, f"the quiz's {kind}")
    # Plain mode, from a pipe, over the same earlier result: the same plan as its export.
    plain_db = tmp_path / "plain.db"
    earlier_result(plain_db, bank, "Anna")
    store = store_at(plain_db, [SECOND])
    lines = [("0" if (v := answers[sid]) is None else str(v)) for sid in app.session.order]
    out = io.StringIO()
    code = run_plain(bank, QuizOptions("en", 3, "Anna"), store, stdin=io.StringIO("\n".join(lines) + "\n"), stdout=out)
    store.close()
    assert code == 0
    assert_carries(out.getvalue(), plan, "plain mode's summary")
    assert export(plain_db, "md") == saved[".md"] + "\n"


async def test_the_web_pages_downloads_are_the_plan_export_gives(tmp_path, bank):
    db = tmp_path / "w.db"
    async with serving(bank, db) as (client, _):
        person = visitor(client)
        await person.start("Ann")
        await person.finish(2)
        token = cookie_of(client)
    async with serving(bank, db, replace(CONFIG, round="after")) as (client, _):
        client.session.cookie_jar.update_cookies({COOKIE: token})
        person = visitor(client)
        await person.start("Ann")
        await person.finish(4)
        downloads = {kind: await (await client.get(f"/results/{name}")).text() for kind, name in
                     (("md", "plan.md"), ("html", "report.html"))}  # fmt: skip
    store = SQLiteStore(db)
    after = max(row["id"] for row in store.history())
    plan = attempt_plan(store, bank, store.attempt(after))
    store.close()
    assert plan.progress_note, "the after round compares with the same participant's before round"
    for kind, text in downloads.items():
        assert text + "\n" == export(db, kind, str(after))
        assert_carries(text, plan, f"the web page's {kind}")

"""Every face in French (issue 23, point 1): sentences come from the catalogue's patterns, never from strings
joined in code.

Each screen, page, plan and report is rendered in French and read as a French reader would: no `x:` (nor
`x ;`, `x ?`, `x !`) without the no-break space French typography asks for, no « » without one inside, no
`{placeholder}` left unreplaced, and no English word from the list below.
"""

from __future__ import annotations

import html
import io
import json
import re
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import datetime

import pytest
from aiohttp.test_utils import TestClient, TestServer

from misquiz.core.advice import Progress, plan_of_answers
from misquiz.core.catalogue import FOLDER
from misquiz.core.commitments import Commitment
from misquiz.core.quiz import QuizOptions, shuffled_order
from misquiz.core.scoring import score_attempt
from misquiz.lines.plain import run_plain
from misquiz.render.items import items_table
from misquiz.render.report import html_page, markdown
from misquiz.render.room import group_report_file
from misquiz.render.text import plan_text
from misquiz.storage.reading import read_group_report, read_items
from misquiz.storage.sqlite import SQLiteStore
from misquiz.tui.room_app import RoomApp
from misquiz.tui.screens.confirm import ConfirmScreen
from misquiz.tui.screens.discuss import DiscussScreen
from misquiz.tui.screens.help import HelpScreen
from misquiz.tui.screens.myth import MythScreen
from misquiz.tui.screens.results import ResultsScreen
from misquiz.tui.screens.resume import ResumeScreen
from misquiz.web.app import build_app
from misquiz.web.pages import WORKSHOP
from misquiz.web.workshop import WorkshopConfig
from support.quiz import answer_all, answers_holding, quiz_app
from support.serving import Visitor

NOW = datetime(2026, 3, 3, 10, 0)
TAKEN = "2026-06-03T09:00:00+00:00"

# Words of five letters or more that the English catalogue uses and the French one does not, read one by one:
# left out are those French writes the same way (chance, change, content, large, report, session, stands, email,
# import: the word splitter reads « importés » as import + s)
# and those of names (the article's Dutch title says "Social Media"). Codes (every-platform-4, dull.be) are
# skipped. A word here is English wherever it shows in a French text.
_ENGLISH_WORDS = """
    about answer answers appendix backspace based calendar cancel carry check choose close commitments could
    discuss enter every flags hidden higher language leave light misconception misconceptions mixed nobody
    nothing overall people plain please prepared previous print projector reopen results reveal revealed saved
    scroll search select something start statement switch there waiting welcome which without worth
    address afresh again against agree agreed alone already anonymous another answered anything apart
    around assessed barely beginning below beside better between
    cannot chosen choices clearly closed commitment computer connection control counted
    covers differ disagree disagreed discussing editor either ended enough everyone extreme fewer
    figures finish flagged follows fresh given giving group hardly holds input judge keeping
    keeps keyboard keyed later leaves lists little marked means measure minus moved moves nearly
    needs negative neutral never number numbers optional order other paste person press
    priorities proof questionable readable really recognised refused reliability reload request
    requests reread result review right rounds screen selected separated server shown shows signals
    since skips small someone spaces split spread started statistics still stored stronger
    strongly taken tells their theme these thing those three through together trainer
    unclear understand unfinished until valid views warning website where worse would write wrong yours
"""
ENGLISH = frozenset(_ENGLISH_WORDS.split())

_COLON = re.compile(r"[^\W_][ ]?[:;?!]|[)*»][ ]?[:;?!]")
_GUILLEMETS = re.compile(r"«(?![\u00a0\u202f])|(?<![\u00a0\u202f])»")
_PLACEHOLDER = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*[}:]")  # a placeholder, or the count field of a plural
_URL = re.compile(r"(?:https?://|www\.)\S+|(?<![\w])/[\w./-]*(?:\?[\w=&%.-]*)?")
_TIME = re.compile(r"\b\d{1,2}:\d{2}\b")
_WORD = re.compile(r"[A-Za-z]+")
_CODE = re.compile(r"\b\w+(?:[-.]\w+)+\b")


def html_text(page: str) -> str:
    """What a reader sees of an HTML page: no scripts, styles, tags or attributes; entities read."""
    page = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", page)
    page = re.sub(r"(?s)<!--.*?-->", " ", page)
    page = re.sub(r"(?s)<[^>]*>", " ", page)
    return html.unescape(page)


def faults(text: str) -> list[str]:
    """What a French reader would correct in the text: typography, placeholders, English words."""
    text = _TIME.sub(" ", _URL.sub(" ", text))
    found = [f"no no-break space: …{text[max(0, m.start() - 30) : m.end() + 10]!r}" for m in _COLON.finditer(text)]
    found += [f"« » without a no-break space: …{text[max(0, m.start() - 30) : m.end() + 30]!r}"
              for m in _GUILLEMETS.finditer(text)]  # fmt: skip
    found += [f"placeholder left: {m.group()}" for m in _PLACEHOLDER.finditer(text)]
    words = _WORD.findall(_CODE.sub(" ", text))
    found += [f"English: {w!r}" for w in sorted({w for w in words if w.lower() in ENGLISH})]
    return found


def check(face: str, text: str) -> None:
    assert text.strip(), f"{face}: nothing rendered"
    found = faults(text)
    assert not found, f"{face} in French:\n" + "\n".join(found)


def test_the_list_of_english_words_is_the_catalogues():
    """Every word of the list is in the English catalogue and in none of the French one's texts."""
    en = json.loads((FOLDER / "en.json").read_text(encoding="utf-8"))
    fr = json.loads((FOLDER / "fr.json").read_text(encoding="utf-8"))
    english = {w.lower() for value in en.values() for w in _WORD.findall(_PLACEHOLDER.sub(" ", value))}
    french = {w.lower() for value in fr.values() for w in _WORD.findall(_PLACEHOLDER.sub(" ", value))}
    assert english >= ENGLISH, sorted(ENGLISH - english)
    assert not ENGLISH & french, sorted(ENGLISH & french)


def test_the_checks_find_what_they_look_for():
    assert faults("Vue d'ensemble: bien") and faults("(63/100): x") and faults("Prêt ?") and faults("«Bonjour »")
    assert faults("Bonjour {name}") and faults("Press Enter")
    assert not faults("Vue d'ensemble\u00a0: bien (63/100)\u00a0: x à 10:30, https://x.be/a?b=1 «\u00a0oui\u00a0»")


# -- the plan and the reports ---------------------------------------------------------------


def personal_plan(bank):
    held = {"sales-goal": (5, 1), "more-posts": (5, 2), "no-plan": (4, 2), "every-platform": (3, 3),
            "just-a-fad": (5, 5)}  # fmt: skip
    before = score_attempt(bank, answers_holding(bank, {"sales-goal": (3, 3), "no-interest": (5, 1)}))
    progress = Progress("2026-03-03T09:00:00+00:00", {m.myth.id: m.score for m in before.myths})
    return plan_of_answers(bank, answers_holding(bank, held), "fr", name="Anna", taken_at=TAKEN, progress=progress)


def test_the_personal_plan_in_every_format(bank):
    plan = personal_plan(bank)
    check("plan_text", plan_text(plan))
    check("markdown", markdown(plan))
    check("html_page", html_text(html_page(plan)))


@pytest.fixture(scope="module")
def workshop_db(tmp_path_factory, bank):
    store = SQLiteStore(tmp_path_factory.mktemp("fr") / "room.db")
    rounds = {
        "before": [
            {"sales-goal": (5, 1), "more-posts": (5, 1)},
            {"sales-goal": (5, 1), "more-posts": (1, 5)},
            {"sales-goal": (4, 2), "no-plan": (3, 3)},
            {"sales-goal": (5, 1), "just-a-fad": (5, 5)},
        ]
        * 8,  # 32 people: enough for statement flags (core.items.FLAG_PEOPLE), in the items table and the appendix
        "after": [{"sales-goal": (3, 3), "more-posts": (5, 1)}, {"more-posts": (4, 2)}, {}],
    }
    chosen = [(Commitment("sales-goal", 1, status="done"), Commitment("more-posts", 2, status="not_yet")), ()]
    for round_, people in rounds.items():
        for n, held in enumerate(people):
            answers = answers_holding(bank, held)
            attempt = store.start_attempt(
                bank_id=bank.id, bank_version=bank.version, bank_hash=bank.content_hash, language="fr", seed=1,
                order=[s.id for s in bank.statements], name="", workshop="acme", round=round_,
            )  # fmt: skip
            for sid, value in answers.items():
                store.save_answer(attempt, sid, value)
            store.finish_attempt(attempt, score_attempt(bank, answers).record())
            mine = chosen[n % len(chosen)]
            store.set_commitments(attempt, mine if round_ == "before" else tuple(c._replace(status=None) for c in mine))
    yield store
    store.close()


@pytest.mark.parametrize("round_", [None, "before"], ids=["rounds", "flagged-statements"])
@pytest.mark.parametrize("name", ["group.md", "group.html"])
def test_the_group_report(bank, workshop_db, name, round_):
    read = read_group_report(workshop_db, bank, "acme", round=round_, appendix=True)
    text = group_report_file(name, bank, lang="fr", now=NOW, title="Atelier Acme", by="Formatrice Jo", **read)
    if round_ == "before":
        assert re.search(r"\b[a-z-]+-\d\b", text)  # the appendix names flagged statements, with the myth of each
    check(name, html_text(text) if name.endswith(".html") else text)


def test_the_items_table(bank, workshop_db):
    report = read_items(workshop_db, bank, "acme", round="before", min_group=3)
    text = items_table(report, bank, "fr", 3)
    assert "⚑" in text  # flagged statements, each with its reason
    check("items_table", text)


def test_plain_mode_from_start_to_plan(bank, tmp_path):
    order = shuffled_order(bank, 3)
    keyed = {s.id: s.keyed for s in bank.statements}
    answers = ["5" if keyed[sid] == "myth" else "1" for sid in order]
    out = io.StringIO()
    store = SQLiteStore(tmp_path / "plain.db")
    try:
        run_plain(
            bank, QuizOptions("fr", 3, "Anna"), store, stdin=io.StringIO("\n".join(answers) + "\n"), stdout=out,
            reason="plain_reason_output",
        )  # fmt: skip
    finally:
        store.close()
    check("plain mode", out.getvalue())


# -- the full-screen quiz and the room view -------------------------------------------------------


def screen_text(app) -> str:
    """The text of every widget on the screen (and of the screens below it: a dialog shows over them)."""
    parts = []
    for screen in app.screen_stack:
        for widget in screen.walk_children(with_self=False):
            try:
                shown = widget.render()
            except Exception:  # a container draws nothing of its own
                continue
            parts.append(getattr(shown, "plain", shown if isinstance(shown, str) else ""))
    return "\n".join(parts)


async def test_the_full_screen_quiz(bank):
    app = quiz_app(bank, lang="fr", seed=1, name="Anna")
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        check("welcome", screen_text(app))
        await pilot.press("enter")
        await pilot.pause()
        check("statement", screen_text(app))
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        check("help", screen_text(app))
        await pilot.press("escape")
        await answer_all(pilot, answers_holding(bank, {"sales-goal": (5, 1), "more-posts": (4, 2)}))
        assert isinstance(app.screen, ResultsScreen)
        check("results", screen_text(app))
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, MythScreen)
        check("a myth's detail", screen_text(app))
        await pilot.press("escape")
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        check("the quit question", screen_text(app))


async def test_the_question_to_resume(bank, tmp_path):
    store = SQLiteStore(tmp_path / "r.db")
    try:
        async with quiz_app(bank, lang="fr", seed=9, store=store).run_test(size=(100, 40)) as pilot:
            await pilot.press("enter", "4", "2")
        app = quiz_app(bank, lang="fr", seed=2, store=store)
        async with app.run_test(size=(100, 40)) as pilot:
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, ResumeScreen)
            check("the question to resume", screen_text(app))
    finally:
        store.close()


async def test_the_room_view(bank, workshop_db):
    app = RoomApp(workshop_db, bank, "acme", lang="fr", round=None, min_group=3, join="http://10.0.0.5:8000/")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        check("room view", screen_text(app))
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, DiscussScreen)
        await pilot.press("r")
        await pilot.pause()
        check("discuss", screen_text(app))


# -- the workshop's web pages ---------------------------------------------------------------------


@asynccontextmanager
async def serving(bank, db, config: WorkshopConfig):
    store = SQLiteStore(db)
    client = TestClient(TestServer(build_app(bank, store, config)))
    await client.start_server()
    try:
        yield client, client.server.app[WORKSHOP], store
    finally:
        await client.close()
        store.close()


async def test_the_web_pages(bank, tmp_path):
    config = WorkshopConfig("ws", "before", min_group=1, max_participants=1)
    async with serving(bank, tmp_path / "w.db", config) as (client, workshop, _):
        origin = f"http://127.0.0.1:{client.server.port}"
        check("web welcome", html_text(await (await client.get("/?lang=fr")).text()))
        person = Visitor(client, origin)
        check("web statement", html_text(await person.start("Anna", lang="fr")))
        check("web results", html_text(await person.finish(5)))
        projector = workshop.projector
        page = await client.get(f"/projector/{projector.token}?lang=fr")
        check("projector", html_text(await page.text()))
        await client.post(
            f"/projector/{projector.token}", data={"csrf": projector.csrf, "do": "reveal_all", "lang": "fr"},
            headers={"Origin": origin}, allow_redirects=False,
        )  # fmt: skip
        check("projector revealed", html_text(await (await client.get(f"/projector/{projector.token}?lang=fr")).text()))
        client.session.cookie_jar.clear()
        full = await client.get("/", headers={"Accept-Language": "fr"})
        assert full.status == 503
        check("web full", html_text(await full.text()))
        missing = await client.get("/nowhere", headers={"Accept-Language": "fr"})
        assert missing.status == 404
        check("web error", html_text(await missing.text()))
    config = replace(config, max_participants=200)
    async with serving(bank, tmp_path / "c.db", config) as (client, workshop, _):
        origin = f"http://127.0.0.1:{client.server.port}"
        person = Visitor(client, origin)
        await person.start(lang="fr")
        for _ in range(20):
            await person.answer(5)
        projector = workshop.projector
        await client.post(
            f"/projector/{projector.token}", data={"csrf": projector.csrf, "do": "close", "lang": "fr"},
            headers={"Origin": origin}, allow_redirects=False,
        )  # fmt: skip
        await person.answer(5)
        assert person.status == 409
        check("web closed", html_text(person.page))

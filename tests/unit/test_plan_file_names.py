"""Words a participant knows (issue 23, point 6): plain words for the two ways of saving a plan, and file
names that carry the person's name, safe on every file system, made once for the quiz and the web page."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from misquiz.core.advice import advice_plan
from misquiz.core.catalogue import languages, t
from misquiz.core.scoring import score_attempt
from misquiz.render.report import NAME_BYTES, ascii_file_name, report_file_name, safe_name_part, write_report

TAKEN = "2026-03-03T10:00:00+00:00"
RESERVED = {"CON", "PRN", "AUX", "NUL"} | {f"{d}{n}" for d in ("COM", "LPT") for n in "123456789"}


def plan_of(bank, name: str):
    result = score_attempt(bank, {s.id: 3 for s in bank.statements})
    return advice_plan(bank, result, "fr", name=name, progress=None, taken_at=TAKEN)


@pytest.fixture
def plan(bank):
    return plan_of(bank, "Zoë Dupré")


def test_the_name_and_the_date_or_the_date_alone(plan, bank):
    assert report_file_name(plan, "html") == "misquiz-Zoë-Dupré-2026-03-03.html"
    assert report_file_name(plan_of(bank, ""), "md") == "misquiz-2026-03-03.md"
    assert report_file_name(plan_of(bank, " /\\.. "), "md") == "misquiz-2026-03-03.md"  # nothing left of it


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("../../etc/passwd", "etc-passwd"),
        ("C:\\Windows\\win.ini", "C-Windows-win.ini"),
        ("a\x00b\x1b[31mc\x7f", "a-b-[31mc"),
        ("  .hidden. ", "hidden"),
        ("CON", "CON_"),
        ("nul.txt", "nul_.txt"),
        ('what?<is>"this"|*', "what-is-this"),
        ("\u202egnp.exe", "gnp.exe"),  # a right-to-left override is a format character
        ("Anna\tPeeters\nvan Dijk", "Anna-Peeters-van-Dijk"),
    ],
)
def test_unsafe_names_are_made_safe(name, safe):
    assert safe_name_part(name) == safe


@given(st.text(max_size=400))
def test_every_name_gives_a_file_name_safe_everywhere(name):
    part = safe_name_part(name)
    assert len(part.encode("utf-8")) <= NAME_BYTES
    assert not re.search(r'[/\\<>:"|?*\x00-\x1f\x7f]', part)
    assert part == part.strip(".- ")
    assert part.partition(".")[0].upper() not in RESERVED
    assert all(ch.isprintable() and not ch.isspace() for ch in part)
    assert ascii_file_name(f"misquiz-{part}.md").isascii()


def test_the_quiz_saves_under_that_name_and_never_overwrites(plan, bank, tmp_path):
    first = write_report(plan, "md", tmp_path)
    second = write_report(plan, "md", tmp_path)
    assert first.name == "misquiz-Zoë-Dupré-2026-03-03.md" and second.name == "misquiz-Zoë-Dupré-2026-03-03-2.md"
    hostile = write_report(plan_of(bank, "../../x"), "html", tmp_path)
    assert hostile.parent == tmp_path.resolve() and hostile.name == "misquiz-x-2026-03-03.html"


@pytest.mark.parametrize("lang", languages())
def test_the_ways_of_saving_are_in_plain_words(lang):
    words = " ".join(
        t(lang, key) for key in ("export_md", "export_html", "export_md_help", "export_html_help", "key_save_text")
    )
    assert "Markdown" not in words and "HTML" not in words
    assert "pdf" in t(lang, "export_html_help").lower()  # the key bar's word is short; its help says PDF


@pytest.mark.parametrize(("name", "expected"), [("Zoë Dupré", "misquiz-Zoë-Dupré-"), ("", "misquiz-2")])
async def test_the_web_download_carries_the_same_name(bank, tmp_path, name, expected):
    from urllib.parse import unquote

    from aiohttp.test_utils import TestClient, TestServer

    from misquiz.storage.sqlite import SQLiteStore
    from misquiz.web.app import build_app
    from misquiz.web.workshop import WorkshopConfig
    from support.serving import Visitor

    store = SQLiteStore(tmp_path / "w.db")
    client = TestClient(TestServer(build_app(bank, store, WorkshopConfig("ws", "before"))))
    await client.start_server()
    try:
        person = Visitor(client, f"http://127.0.0.1:{client.server.port}")
        await person.start(name, lang="fr")
        page = await person.finish(2)
        assert t("fr", "export_html") in page and "Markdown" not in page
        assert page.index("/results/report.html") < page.index("/results/plan.md")  # the page to print first
        for file, kind in (("plan.md", "md"), ("report.html", "html")):
            response = await client.get(f"/results/{file}")
            disposition = response.headers["Content-Disposition"]
            plain_name = re.search(r'filename="([^"]+)"', disposition)
            utf8_name = re.search(r"filename\*=UTF-8''(\S+)", disposition)
            assert plain_name and utf8_name and plain_name.group(1).isascii()
            full = unquote(utf8_name.group(1))
            assert full.startswith(expected) and full.endswith(f".{kind}")
    finally:
        await client.close()
        store.close()

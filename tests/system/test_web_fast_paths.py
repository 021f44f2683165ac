"""The busy paths give what the general ones give: a statement page joined from its stencil is, byte
for byte, the page its template renders; the participant's cookie read at a glance is the one
aiohttp's full cookie parser finds."""

from __future__ import annotations

import itertools

import pytest
from aiohttp.test_utils import make_mocked_request
from hypothesis import given
from hypothesis import strategies as st

from misquiz.storage.sqlite import SQLiteStore
from misquiz.web.app import build_app
from misquiz.web.pages import COOKIE, STENCILS, Stencil, render, token_of
from misquiz.web.views.statement import VARY, options_of
from misquiz.web.workshop import WorkshopConfig, valid_token

TOKEN = "A" * 32


def test_a_stencil_escapes_each_value_as_autoescaping_would():
    stencil = Stencil("<p>\x00text\x00</p><a href='\x00here\x00'>", {"text", "here"})
    assert stencil.fill({"text": "<b>&\"'", "here": "/quiz/2"}) == (
        b"<p>&lt;b&gt;&amp;&#34;&#39;</p><a href='/quiz/2'>"
    )


def test_a_template_that_changes_a_varying_value_gets_no_stencil():
    with pytest.raises(ValueError):
        Stencil("<p>\x00TEXT\x00</p>", {"text"})  # |upper, say
    with pytest.raises(ValueError):
        Stencil("<p>\x00text</p>", {"text"})  # |truncate, say


def test_every_shape_of_a_statement_page_and_the_welcome_is_the_page_rendered_in_full(bank, tmp_path):
    store = SQLiteStore(tmp_path / "s.db")
    app = build_app(bank, store, WorkshopConfig("ws", "before"))
    try:
        statement = bank.statements[3]
        for lang, chosen, back, forward in itertools.product(
            bank.languages, [None, 0, 1, 2, 3, 4, 5], [None, "/quiz/4"], [None, "/quiz/6"]
        ):
            for text in (statement.text[lang], "A <b>\"quoted\"</b> & 'odd' text"):
                context = {
                    "n": 5,
                    "total": 36,
                    "statement_id": statement.id,
                    "text": text,
                    "options": options_of(bank, lang),
                    "chosen": chosen,
                    "answered": 4,
                    "back": back,
                    "forward": forward,
                }
                request = make_mocked_request("GET", "/quiz/5?x=<y>", app=app)
                joined = render(request, "statement.html", lang, context, token=TOKEN, vary=VARY)
                full = render(request, "statement.html", lang, context, token=TOKEN)
                assert isinstance(full.body, bytes)
                assert joined.body == full.body
                assert joined.content_type == full.content_type == "text/html"
                assert joined.charset == full.charset == "utf-8"
        assert all(stencil is not None for stencil in app[STENCILS].values())
        assert len(app[STENCILS]) == len(bank.languages) * 7 * 2 * 2
        for lang, round in itertools.product(bank.languages, [None, "after"]):
            context = {"intro": bank.intro[lang], "minutes": bank.minutes, "count": 36, "round": round}
            request = make_mocked_request("GET", "/", app=app)
            joined = render(request, "welcome.html", lang, context, token=TOKEN, vary=())
            full = render(request, "welcome.html", lang, context, token=TOKEN)
            assert joined.body == full.body and joined.content_type == full.content_type
        assert all(stencil is not None for stencil in app[STENCILS].values())
    finally:
        store.close()


ALPHABET = "abcXYZ019_-"
TOKENS = st.one_of(st.text(ALPHABET, min_size=32, max_size=32), st.text(ALPHABET, min_size=30, max_size=34))
NAMES = st.sampled_from([COOKIE, COOKIE, "x" + COOKIE, COOKIE + "x", "other"])
VALUES = st.one_of(
    TOKENS,
    TOKENS.map(lambda v: f'"{v}"'),  # quoted
    TOKENS.map(lambda v: f'"a;{COOKIE}={v};b"'),  # our cookie inside another's quoted value
    st.text(alphabet='ab=;" \t', max_size=6),
)
SEPARATORS = st.sampled_from([";", "; ", ";  ", " ;", ";\t"])


@given(st.lists(st.tuples(NAMES, VALUES), max_size=4), SEPARATORS, st.sampled_from(["", " ", "\t"]))
def test_the_token_read_at_a_glance_is_the_one_the_cookie_parser_finds(cookies, separator, space):
    header = separator.join(f"{name}={space}{value}{space}" for name, value in cookies)
    request = make_mocked_request("GET", "/", headers={"Cookie": header})
    assert token_of(request, COOKIE) == valid_token(request.cookies.get(COOKIE))

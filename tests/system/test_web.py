"""The workshop's pages through aiohttp's test client: every page, every refusal, nothing claimed that is not so."""

from __future__ import annotations

import errno
import re
import sqlite3
from contextlib import asynccontextmanager
from dataclasses import replace

import pytest
from aiohttp.test_utils import TestClient, TestServer
from markupsafe import escape

from misquiz.core import catalogue
from misquiz.storage import StoreError
from misquiz.storage.sqlite import SQLiteStore
from misquiz.web.app import build_app
from misquiz.web.pages import COOKIE, WORKSHOP
from misquiz.web.workshop import WorkshopConfig
from support.serving import Visitor

CONFIG = WorkshopConfig("ws", "before")


@asynccontextmanager
async def serving(bank, db, config: WorkshopConfig = CONFIG):
    store = SQLiteStore(db)
    app = build_app(bank, store, config)
    client = TestClient(TestServer(app))
    await client.start_server()
    try:
        yield client, app[WORKSHOP]
    finally:
        await client.close()
        store.close()


def visitor(client: TestClient) -> Visitor:
    return Visitor(client, f"http://127.0.0.1:{client.server.port}")


def rows(db, sql: str, *args):
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, args).fetchall()


def answers_stored(db) -> int:
    return rows(db, "SELECT COUNT(*) FROM answers")[0][0]


def cookie_of(client: TestClient) -> str:
    return client.session.cookie_jar.filter_cookies(client.make_url("/"))[COOKIE].value


# -- pages -------------------------------------------------------------------------------


async def test_the_welcome_page_sets_a_private_cookie_and_safe_headers(bank, tmp_path):
    async with serving(bank, tmp_path / "w.db") as (client, _):
        response = await client.get("/")
        page = await response.text()
        assert response.status == 200
        cookie = response.headers["Set-Cookie"]
        assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Secure" not in cookie
        assert response.headers["Content-Security-Policy"] == "default-src 'self'; frame-ancestors 'none'"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "same-origin"
        assert '<html lang="en">' in page and 'name="viewport" content="width=device-width, initial-scale=1"' in page
        assert str(escape(" ".join(bank.intro["en"].split()))) in page
        assert "<script>" not in page and "style=" not in page  # nothing inline: the CSP allows none
        assert not re.search(r'(src|href|action)="(https?:)?//', page), "the page loads nothing from elsewhere"
        assert rows(tmp_path / "w.db", "SELECT COUNT(*) FROM attempts") == [(0,)]  # a visit holds no seat


async def test_the_welcome_speaks_the_browsers_language_or_the_one_chosen(bank, tmp_path):
    async with serving(bank, tmp_path / "w.db") as (client, _):
        page = await (await client.get("/", headers={"Accept-Language": "nl-BE,nl;q=0.9"})).text()
        assert '<html lang="nl">' in page and catalogue.t("nl", "start") in page
        page = await (await client.get("/?lang=fr")).text()
        assert '<html lang="fr">' in page and catalogue.t("fr", "start") in page
        page = await (await client.get("/?lang=xx")).text()
        assert '<html lang="en">' in page


async def test_the_cookie_is_secure_when_the_public_url_is_https(bank, tmp_path):
    config = replace(CONFIG, public_url="https://quiz.example.org", hosts=frozenset({"127.0.0.1"}))
    async with serving(bank, tmp_path / "w.db", config) as (client, _):
        response = await client.get("/")
        assert "Secure" in response.headers["Set-Cookie"]


async def test_a_statement_page_is_a_form_of_real_buttons_with_progress_and_a_way_back(bank, tmp_path):
    async with serving(bank, tmp_path / "w.db") as (client, _):
        person = visitor(client)
        page = await person.start("Ann")
        assert person.url.endswith("/quiz/1")
        assert "1 / 36" in page and '<progress max="36" value="1"' in page
        buttons = re.findall(r'<button type="submit" name="answer" value="(\d)"', page)
        assert buttons == ["1", "2", "3", "4", "5", "0"]
        for option in bank.scale:
            assert option.label["en"] in page
        assert bank.no_opinion["en"] in page
        assert 'class="back"' not in page  # nothing before the first statement
        page = await person.answer(4)
        assert person.url.endswith("/quiz/2") and "2 / 36" in page and 'href="/quiz/1"' in page
        page = await person.get("/quiz/1")  # the back link: the earlier answer is shown
        assert re.search(r'value="4"[^>]*\n?[^>]*aria-current="true"', page)
        assert "✓" in page


async def test_finishing_by_forms_shows_the_whole_plan_and_stores_every_answer_by_token(bank, tmp_path):
    db = tmp_path / "w.db"
    async with serving(bank, db) as (client, workshop):
        person = visitor(client)
        await person.start("Ann")
        page = await person.finish(5)
        assert person.url.endswith("/results")
        for myth in bank.myths:
            assert str(escape(myth.title["en"])) in page  # full titles, never cut
        assert page.count("<details>") == len(bank.myths)
        assert 'href="/results/plan.md" download' in page and 'href="/results/report.html" download' in page
        assert catalogue.t("en", "priorities") in page
        assert (workshop.joined, workshop.finished) == (1, 1)
        token = cookie_of(client)
    assert answers_stored(db) == 36
    assert rows(db, "SELECT person, workshop, round, name, finished_at IS NOT NULL FROM attempts") == [
        (token, "ws", "before", "Ann", 1)
    ]


async def test_the_results_show_bands_and_mixed_signals_in_words_not_only_colour(bank, tmp_path):
    async with serving(bank, tmp_path / "w.db") as (client, _):
        person = visitor(client)
        await person.start()
        page = await person.finish(5)  # agreeing with myth and fact items: mixed signals everywhere
        assert "⚑ " + catalogue.t("en", "mixed") in page
        assert bank.bands[1].label["en"] in page


async def test_the_downloads_are_the_plan_and_the_report(bank, tmp_path):
    async with serving(bank, tmp_path / "w.db") as (client, _):
        person = visitor(client)
        await person.start("Ann")
        assert (await client.get("/results/plan.md", allow_redirects=False)).status == 303  # not finished yet
        await person.finish(1)
        md = await client.get("/results/plan.md")
        assert md.headers["Content-Type"] == "text/markdown; charset=utf-8"
        assert md.headers["Content-Disposition"].startswith('attachment; filename="misquiz-')
        assert (await md.text()).startswith(f"# {catalogue.t('en', 'plan_title')} — Ann")
        page = await client.get("/results/report.html")
        assert page.headers["Content-Type"] == "text/html; charset=utf-8"
        assert "<!DOCTYPE html>" in await page.text()
        assert (await client.get("/results/other.txt")).status == 404


async def test_a_name_is_shown_as_text(bank, tmp_path):
    async with serving(bank, tmp_path / "w.db") as (client, _):
        person = visitor(client)
        await person.start("<script>alert(1)</script>")
        page = await person.finish(3)
        assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


async def test_the_language_switch_keeps_every_answer(bank, tmp_path):
    db = tmp_path / "w.db"
    async with serving(bank, db) as (client, _):
        person = visitor(client)
        await person.start()
        await person.answer(2)
        page = await person.post("/language", {"csrf": person.csrf, "lang": "nl", "back": "/quiz/2"})
        assert person.url.endswith("/quiz/2") and '<html lang="nl">' in page
        assert rows(db, "SELECT language FROM attempts") == [("nl",)] and answers_stored(db) == 1
        await person.post("/language", {"csrf": person.csrf, "lang": "fr", "back": "https://evil.example/"})
        assert person.url.endswith("/") or person.url.endswith("/quiz/2")  # never sent elsewhere
        assert person.status == 200


# -- resuming ------------------------------------------------------------------------------


async def test_a_reload_a_second_tab_and_a_restart_all_go_on_at_the_same_statement(bank, tmp_path):
    db = tmp_path / "w.db"
    async with serving(bank, db) as (client, _):
        person = visitor(client)
        await person.start()
        for value in (1, 2, 3):
            await person.answer(value)
        assert (await person.get("/")) and person.url.endswith("/quiz/4")
        await person.post("/start", {"csrf": person.csrf, "lang": "en"})  # a second tab presses Start
        assert person.url.endswith("/quiz/4")
        token, csrf = cookie_of(client), person.csrf
    assert rows(db, "SELECT COUNT(*) FROM attempts") == [(1,)]
    async with serving(bank, db) as (client, workshop):  # the server restarted
        client.session.cookie_jar.update_cookies({COOKIE: token})
        person = visitor(client)
        await person.get("/")
        assert person.url.endswith("/quiz/4") and person.csrf == csrf  # the form token survives a restart
        await person.get("/quiz/3")
        assert re.search(r'value="3"[^>]*\n?[^>]*aria-current="true"', person.page)
        await person.get("/quiz/4")
        await person.answer(4)
        assert person.url.endswith("/quiz/5") and answers_stored(db) == 4
        assert workshop.joined == 1


async def test_a_statement_not_reached_yet_leads_back_to_where_you_are(bank, tmp_path):
    async with serving(bank, tmp_path / "w.db") as (client, _):
        person = visitor(client)
        assert (await client.get("/quiz/1", allow_redirects=False)).headers["Location"] == "/"
        await person.start()
        for path in ("/quiz/9", "/quiz/0", "/quiz/x", "/quiz/99999"):
            await person.get(path)
            assert person.url.endswith("/quiz/1"), path
        assert (await client.get("/results", allow_redirects=False)).headers["Location"] == "/quiz/1"


async def test_an_unknown_or_tampered_token_starts_a_fresh_participant(bank, tmp_path):
    """Issue 25, point 8: only tokens the server issued are taken; a well-formed one planted by a page on
    another port (session fixation) is replaced, never adopted, even when a form is signed for it."""
    db = tmp_path / "w.db"
    async with serving(bank, db) as (client, workshop):
        real = workshop.new_token()
        tampered = real[:-1] + ("A" if real[-1] != "A" else "B")
        for forged in ("A" * 32, "not a token", "x" * 500, tampered, real[:22] + "A" * 10):
            client.session.cookie_jar.clear()
            client.session.cookie_jar.update_cookies({COOKIE: forged})
            response = await client.get("/")
            assert response.status == 200 and "/start" in await response.text()
            given = cookie_of(client)
            assert given != forged and workshop.issued(given), forged
            client.session.cookie_jar.update_cookies({COOKIE: forged})
            start = await client.post(
                "/start",
                data={"csrf": workshop.csrf(forged), "lang": "en"},
                headers={"Origin": f"http://127.0.0.1:{client.server.port}"},
                allow_redirects=False,
            )
            assert start.status == 403, forged
        assert rows(db, "SELECT COUNT(*) FROM attempts") == [(0,)]
        client.session.cookie_jar.clear()
        person = visitor(client)
        await person.start()
        assert workshop.issued(cookie_of(client)) and rows(db, "SELECT COUNT(*) FROM attempts") == [(1,)]


async def test_a_participant_from_before_sealed_tokens_goes_on(bank, tmp_path):
    """A token issued before tokens were sealed, already in the store, keeps its attempt."""
    db = tmp_path / "w.db"
    async with serving(bank, db) as (client, workshop):
        person = visitor(client)
        await person.start()
        await person.answer(3)
        token = cookie_of(client)
    old = "B" * 32
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE attempts SET person = ? WHERE person = ?", (old, token))
    async with serving(bank, db) as (client, workshop):
        assert not workshop.issued(old)
        client.session.cookie_jar.update_cookies({COOKIE: old})
        response = await client.get("/")
        assert response.url.path == "/quiz/2"


async def test_the_cookie_is_host_prefixed_under_https(bank, tmp_path):
    """With --public-url https://...: __Host-misquiz, Secure, Path=/, no Domain: no other origin can set it;
    a plain `misquiz` cookie (planted over http, or by another port) is not read."""
    config = replace(CONFIG, public_url="https://quiz.example")
    async with serving(bank, tmp_path / "w.db", config) as (client, workshop):
        response = await client.get("/")
        cookie = response.headers["Set-Cookie"]
        assert cookie.startswith("__Host-misquiz=") and "Secure" in cookie and "Path=/" in cookie
        assert "Domain" not in cookie and "HttpOnly" in cookie
        real = workshop.new_token()
        response = await client.get("/", headers={"Cookie": f"misquiz={real}"})
        assert real not in response.headers["Set-Cookie"]  # not read: a fresh one
        response = await client.get("/", headers={"Cookie": f"__Host-misquiz={real}"})
        assert "Set-Cookie" not in response.headers  # read: kept as it is


async def test_progress_since_the_before_round_for_the_same_token_only(bank, tmp_path):
    db = tmp_path / "w.db"
    async with serving(bank, db) as (client, _):
        person = visitor(client)
        await person.start()
        keyed = {s.id: s.keyed for s in bank.statements}
        for _ in range(36):
            await person.answer(5 if keyed[person.statement] == "myth" else 1)  # holding every myth
        token = cookie_of(client)
    async with serving(bank, db, replace(CONFIG, round="after")) as (client, _):
        client.session.cookie_jar.update_cookies({COOKIE: token})
        person = visitor(client)
        await person.start()
        page = await person.finish(3)
        assert "▼ a weaker one" in page and "▼ 50" in page  # change since the before round
        client.session.cookie_jar.clear()
        stranger = visitor(client)
        await stranger.start()
        assert "▼ a weaker one" not in await stranger.finish(1)


# -- refusals --------------------------------------------------------------------------------


async def test_a_stale_or_missing_form_token_changes_nothing(bank, tmp_path):
    db = tmp_path / "w.db"
    async with serving(bank, db) as (client, _):
        person = visitor(client)
        await person.start()
        statement = person.statement
        for csrf in ("", "0" * 40, "deadbeef"):
            await person.post("/quiz/1", {"csrf": csrf, "statement": statement, "answer": "3"})
            assert person.status == 403 and catalogue.t("en", "web_stale") in person.page
        assert answers_stored(db) == 0
        client.session.cookie_jar.clear()
        await client.get("/")  # a new token: the old form token no longer fits
        await person.post("/start", {"csrf": person.csrf})
        assert person.status == 403
        assert rows(db, "SELECT COUNT(*) FROM attempts") == [(1,)]


async def test_a_second_submit_of_the_same_answer_changes_nothing(bank, tmp_path):
    db = tmp_path / "w.db"
    async with serving(bank, db) as (client, _):
        person = visitor(client)
        await person.start()
        form = {"csrf": person.csrf, "statement": person.statement, "answer": "4"}
        await person.post("/quiz/1", form)
        before = rows(db, "SELECT statement_id, value, answered_at FROM answers")
        await person.post("/quiz/1", form)
        assert person.url.endswith("/quiz/2")
        assert rows(db, "SELECT statement_id, value, answered_at FROM answers") == before
        await person.finish(3, total=35)
        finished = rows(db, "SELECT finished_at, result FROM attempts")
        last = {"csrf": person.csrf, "statement": "whatever", "answer": "1"}
        await person.post("/quiz/36", last)  # after the end: the result never changes
        assert person.url.endswith("/results") and rows(db, "SELECT finished_at, result FROM attempts") == finished


@pytest.mark.parametrize("value", ["6", "-1", "x", "", "3.0", "10"])
async def test_an_answer_out_of_range_is_refused(bank, tmp_path, value):
    db = tmp_path / "w.db"
    async with serving(bank, db) as (client, _):
        person = visitor(client)
        await person.start()
        await person.post("/quiz/1", {"csrf": person.csrf, "statement": person.statement, "answer": value})
        assert person.status == 400 and catalogue.t("en", "web_bad_answer") in person.page
        assert "Traceback" not in person.page and answers_stored(db) == 0


async def test_a_statement_from_another_bank_or_place_is_refused(bank, tmp_path):
    db = tmp_path / "w.db"
    async with serving(bank, db) as (client, _):
        person = visitor(client)
        await person.start()
        first = person.statement
        await person.post("/quiz/1", {"csrf": person.csrf, "statement": "other-bank-s1", "answer": "3"})
        assert person.status == 400 and catalogue.t("en", "web_bad_statement") in person.page
        await person.get("/quiz/1")
        await person.answer(3)
        await person.post("/quiz/2", {"csrf": person.csrf, "statement": first, "answer": "3"})  # not statement 2
        assert person.status == 400
        assert answers_stored(db) == 1


async def test_a_form_from_another_origin_is_refused(bank, tmp_path):
    db = tmp_path / "w.db"
    async with serving(bank, db) as (client, _):
        person = visitor(client)
        await person.start()
        form = {"csrf": person.csrf, "statement": person.statement, "answer": "5"}
        for headers in (
            {"Origin": "https://evil.example"},
            {"Origin": "null"},
            {"Origin": f"http://127.0.0.1:{client.server.port + 1}"},
            {"Sec-Fetch-Site": "cross-site"},
            {},
        ):
            await person.post("/quiz/1", form, headers=headers)
            assert person.status == 403 and catalogue.t("en", "web_other_origin") in person.page, headers
        assert answers_stored(db) == 0
        await person.post("/quiz/1", form, headers={"Sec-Fetch-Site": "same-origin"})  # a browser that sends no Origin
        assert person.url.endswith("/quiz/2") and answers_stored(db) == 1


async def test_an_origin_is_compared_by_scheme_host_and_port(bank, tmp_path):
    """Issue 25, point 8: another port or scheme on the same host is another origin."""
    port = 8000
    config = replace(CONFIG, public_url="http://quiz.example")  # over https the test client's cookie is not sent
    async with serving(bank, tmp_path / "w.db", config) as (client, _):
        person = visitor(client)
        await person.start()
        form = {"csrf": person.csrf, "statement": person.statement, "answer": "5"}
        host = {"Host": f"127.0.0.1:{port}"}
        for origin in (
            f"http://127.0.0.1:{port + 1}",
            f"https://127.0.0.1:{port}",
            "http://127.0.0.1",
            f"http://user@127.0.0.1:{port}",
            f"http://127.0.0.1:{port}:1",
            "https://quiz.example",
            "http://quiz.example:8080",
            "http://quiz.example.evil",
        ):
            await person.post("/quiz/1", form, headers={**host, "Origin": origin})
            assert person.status == 403 and catalogue.t("en", "web_other_origin") in person.page, origin
        assert answers_stored(tmp_path / "w.db") == 0
        for n, origin in enumerate((f"HTTP://127.0.0.1:{port}", "http://QUIZ.example:80"), start=1):
            await person.post(f"/quiz/{n}", form, headers={**host, "Origin": origin})
            assert person.status == 200 and answers_stored(tmp_path / "w.db") == n, origin
            form["statement"] = person.statement


async def test_a_host_that_does_not_name_this_server_is_refused(bank, tmp_path):
    async with serving(bank, tmp_path / "w.db") as (client, _):
        response = await client.get("/", headers={"Host": "rebound.example:8000"})
        assert response.status == 421 and catalogue.t("en", "web_wrong_host") in await response.text()
        assert (await client.get("/", headers={"Host": "localhost:8000"})).status == 200
        assert (await client.get("/", headers={"Host": ""})).status == 421


async def test_joins_and_answers_are_rate_limited_per_client(bank, tmp_path):
    config = replace(CONFIG, joins_per_client=(2, 0.001), answers_per_participant=(3, 0.001))
    db = tmp_path / "w.db"
    async with serving(bank, db, config) as (client, _):
        for _ in range(2):
            client.session.cookie_jar.clear()
            await visitor(client).start()
        client.session.cookie_jar.clear()
        third = visitor(client)
        await third.start()
        assert third.status == 429 and catalogue.t("en", "web_slow_down") in third.page
        assert rows(db, "SELECT COUNT(*) FROM attempts") == [(2,)]
    async with serving(bank, tmp_path / "a.db", replace(config, joins_per_client=(9, 1))) as (client, _):
        person = visitor(client)
        await person.start()
        for _ in range(3):
            await person.answer(2)
        await person.answer(2)
        assert person.status == 429 and answers_stored(tmp_path / "a.db") == 3


async def test_behind_a_trusted_proxy_the_join_limit_counts_the_forwarded_client(bank, tmp_path):
    """Behind nginx every participant arrives from the proxy's address; one shared limit would turn a room away."""

    async def join(client, forwarded: str) -> int:
        client.session.cookie_jar.clear()
        person = visitor(client)
        await person.get("/")
        await person.post(
            "/start",
            {"csrf": person.csrf, "lang": "en", "name": ""},
            headers={**person.headers, "X-Forwarded-For": forwarded},
        )
        return person.status

    config = replace(CONFIG, joins_per_client=(2, 0.001), trusted_proxies=frozenset({"127.0.0.1"}))
    async with serving(bank, tmp_path / "p.db", config) as (client, _):
        statuses = [await join(client, f"203.0.113.{n}") for n in range(1, 6)]
        assert statuses == [200] * 5  # five people behind one proxy: five clients
        # the nearest address the proxy did not add is the client; what a client claims before it is not
        assert [await join(client, f"198.51.100.{n}, 203.0.113.9") for n in range(3)] == [200, 200, 429]
    async with serving(bank, tmp_path / "q.db", replace(config, trusted_proxies=frozenset())) as (client, _):
        # no trusted proxy: a forged X-Forwarded-For changes nothing, the peer is the client
        assert [await join(client, f"203.0.113.{n}") for n in range(3)] == [200, 200, 429]


def test_the_client_behind_a_chain_of_trusted_proxies():
    config = replace(CONFIG, trusted_proxies=frozenset({"10.0.0.1", "10.0.0.2"}))
    assert config.client("10.0.0.1", ["6.6.6.6, 192.0.2.7, 10.0.0.2"]) == "192.0.2.7"
    assert config.client("10.0.0.1", ["192.0.2.7", "10.0.0.2"]) == "192.0.2.7"  # the header given twice
    assert config.client("10.0.0.1", []) == "10.0.0.1"
    assert config.client("192.0.2.50", ["10.0.0.2"]) == "192.0.2.50"  # not from a proxy: the peer


async def test_the_room_is_full_after_max_participants_joined_and_says_so_in_their_language(bank, tmp_path):
    db = tmp_path / "w.db"
    async with serving(bank, db, replace(CONFIG, max_participants=2)) as (client, workshop):
        people = []
        for _ in range(2):
            client.session.cookie_jar.clear()
            person = visitor(client)
            await person.start()
            await person.answer(3)  # a seat is taken by a first answer (issue 25), not by Start
            people.append(cookie_of(client))
        client.session.cookie_jar.clear()
        late = await client.get("/", headers={"Accept-Language": "nl"})
        text = await late.text()
        assert late.status == 503 and catalogue.t("nl", "web_full_title") in text and "/start" not in text
        # someone who opened the welcome before the room filled up gets the same page, never a thank-you
        client.session.cookie_jar.clear()
        opened = workshop.new_token()  # the welcome page gave it
        client.session.cookie_jar.update_cookies({COOKIE: opened})
        csrf = workshop.csrf(opened)
        response = await client.post(
            "/start", data={"csrf": csrf, "lang": "fr"}, headers={"Origin": f"http://127.0.0.1:{client.server.port}"}
        )
        assert response.status == 503 and catalogue.t("fr", "web_full_title") in await response.text()
        assert workshop.refused == 2  # the late welcome page, and the Start pressed on an older one
        # those who joined go on as before
        client.session.cookie_jar.clear()
        client.session.cookie_jar.update_cookies({COOKIE: people[0]})
        assert (await client.get("/")).url.path == "/quiz/2"
    assert rows(db, "SELECT COUNT(*) FROM attempts") == [(2,)]


async def test_the_seats_taken_before_a_restart_still_count(bank, tmp_path):
    db = tmp_path / "w.db"
    async with serving(bank, db, replace(CONFIG, max_participants=1)) as (client, _):
        person = visitor(client)
        await person.start()
        await person.answer(3)  # the seat: a first answer
    async with serving(bank, db, replace(CONFIG, max_participants=1)) as (client, workshop):
        assert workshop.joined == 1
        assert (await client.get("/")).status == 503


async def test_a_request_body_is_capped(bank, tmp_path):
    async with serving(bank, tmp_path / "w.db") as (client, _):
        person = visitor(client)
        await person.start()
        await person.post("/quiz/1", {"csrf": person.csrf, "statement": person.statement, "answer": "1" * 100_000})
        assert person.status == 413 and catalogue.t("en", "web_too_large") in person.page


async def test_static_files_have_their_types_and_nothing_else_is_served(bank, tmp_path):
    async with serving(bank, tmp_path / "w.db") as (client, _):
        css = await client.get("/static/misquiz.css")
        assert css.status == 200 and css.headers["Content-Type"] == "text/css; charset=utf-8"
        js = await client.get("/static/misquiz.js")
        assert js.headers["Content-Type"] == "text/javascript; charset=utf-8"
        assert (await client.get("/static/misquiz.css", headers={"If-None-Match": css.headers["ETag"]})).status == 304
        icon = await client.get("/static/favicon.svg")  # named by every page: no request for /favicon.ico, no 404
        assert icon.headers["Content-Type"].startswith("image/svg+xml") and (await icon.text()).startswith("<svg")
        welcome = await (await client.get("/")).text()
        assert '<link rel="icon" href="/static/favicon.svg?v=' in welcome
        # a page names each file with its content's hash, which a browser may keep: no request per page
        for name in ("misquiz.css", "misquiz.js", "favicon.svg"):
            address = re.search(rf'"(/static/{re.escape(name)}\?v=[0-9a-f]{{16}})"', welcome)
            assert address is not None, name
            kept = await client.get(address.group(1))
            assert kept.status == 200 and "immutable" in kept.headers["Cache-Control"], name
        assert css.headers["Cache-Control"] == "no-cache"  # by its bare name: checked each time
        stale = await client.get("/static/misquiz.css?v=0000000000000000")
        assert stale.headers["Cache-Control"] == "no-cache"
        for path in ("/static/", "/static", "/static/..%2fapp.py", "/static/../app.py", "/templates/base.html"):
            response = await client.get(path)
            assert response.status == 404, path
            assert "Index of" not in await response.text()


async def test_errors_are_pages_never_tracebacks(bank, tmp_path, monkeypatch):
    db = tmp_path / "w.db"
    async with serving(bank, db) as (client, workshop):
        response = await client.get("/start")
        assert response.status == 405 and "<h1>" in await response.text()
        person = visitor(client)
        await person.start()

        def broken(*args):
            raise StoreError("disk full")

        monkeypatch.setattr(workshop.store, "save_answer", broken)
        await person.answer(3)
        assert person.status == 503 and catalogue.t("en", "web_not_saved") in person.page
        monkeypatch.undo()
        page = await person.get("/quiz/1")
        assert "✓" not in page  # never shown as given when it was not stored
        assert "0 of 36 answers saved" in page

        def out_of_descriptors(*args):
            raise OSError(errno.EMFILE, "Too many open files")

        monkeypatch.setattr(workshop.store, "participant_attempt", out_of_descriptors)
        workshop.participants.clear()
        response = await client.get("/")
        assert response.status == 503 and catalogue.t("en", "web_busy") in await response.text()
        monkeypatch.undo()
        assert (await client.get("/")).status == 200  # and the server goes on

        def bug(*args):
            raise RuntimeError("a bug")

        monkeypatch.setattr(workshop.store, "participant_attempt", bug)
        workshop.participants.clear()
        response = await client.get("/")
        text = await response.text()
        assert response.status == 500 and "Traceback" not in text and "a bug" not in text


async def test_when_descriptors_run_short_new_requests_get_503(bank, tmp_path):
    async with serving(bank, tmp_path / "w.db") as (client, workshop):
        workshop.crowded = lambda: True
        response = await client.get("/")
        assert response.status == 503 and catalogue.t("en", "web_busy") in await response.text()
        workshop.crowded = lambda: False
        assert (await client.get("/")).status == 200


async def test_an_unknown_page_is_a_404_page(bank, tmp_path):
    async with serving(bank, tmp_path / "w.db") as (client, _):
        response = await client.get("/admin")
        assert response.status == 404 and catalogue.t("en", "web_not_found") in await response.text()
        assert response.headers["Content-Security-Policy"].startswith("default-src 'self'")

"""Fuzzed doors of the workshop server: random fields, values, orders and methods on every form and the projector.

Every response must be a page (200, a redirect or a 4xx in HTML), never a 5xx, and nothing may
reach the server's log as an error or a traceback. One server serves every case, through
aiohttp's test client in this process; MISQUIZ_FUZZ_CASES sets the number of cases.
"""

from __future__ import annotations

import asyncio
import io
import logging
import os
from dataclasses import replace
from urllib.parse import urlencode

import aiohttp
from aiohttp.http_exceptions import HttpProcessingError
from aiohttp.test_utils import TestClient, TestServer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from misquiz.storage.sqlite import SQLiteStore
from misquiz.web.app import build_app
from misquiz.web.pages import COOKIE, WORKSHOP
from misquiz.web.server import StatusLine, _AboveStatus
from misquiz.web.workshop import WorkshopConfig
from support.fuzzing import DIGIT_TRAPS, digit_trap

CASES = int(os.environ.get("MISQUIZ_FUZZ_CASES", "300"))
SETTINGS = settings(max_examples=CASES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
CONFIG = WorkshopConfig(
    "ws",
    "before",
    max_participants=1_000_000,
    joins_per_client=(1e9, 1e9),  # no rate limit: the fuzzer should reach what lies behind it
    answers_per_participant=(1e9, 1e9),
    min_group=1,
)
METHODS = ("GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS")
FIELDS = ("csrf", "lang", "name", "answer", "statement", "back", "do", "myth")

odd_text = st.one_of(
    digit_trap,  # ², ١, ๓, ３: isdigit() says yes, int() may not
    st.text(max_size=40),
    st.text(st.characters(codec="utf-8"), max_size=40),
    st.text(st.characters(max_codepoint=0x9F), max_size=20),  # C0, C1 and DEL among them
    st.sampled_from(["", "0", "5", "-1", "6", "3.0", "１", "\x00", "\u202e", "en", "nl", "xx", "../..", "%00"]),
    st.sampled_from(["reveal_all", "reveal", "discuss", "leave", "next", "back", "sales-goal", "/quiz/1"]),
    st.integers(min_value=1, max_value=40_000).map(lambda n: "x" * n),  # past the 16 KB body limit too
)


@st.composite
def cases(draw):  # type: ignore[no-untyped-def]
    who = draw(st.sampled_from(["nobody", "started", "garbage"]))
    route = draw(
        st.sampled_from(
            ["/start", "/quiz/{n}", "/language", "/projector/{token}", "/projector/{other}", "/", "/results"]
        )
    )
    n = draw(
        st.one_of(
            st.integers(min_value=0, max_value=40),
            st.sampled_from(["00001", "99999", "x", "1e3", "-1"]),
            digit_trap,
            digit_trap.map(lambda trap: f"1{trap}"),
        )
    )
    method = draw(st.sampled_from(METHODS)) if draw(st.integers(0, 4)) == 0 else "POST"
    keep = draw(st.lists(st.sampled_from(FIELDS), max_size=8))  # missing, duplicated, reordered
    good = draw(st.lists(st.booleans(), min_size=len(keep), max_size=len(keep)))
    values = draw(st.lists(odd_text, min_size=len(keep), max_size=len(keep)))
    extra = draw(st.lists(st.tuples(st.text(max_size=20), odd_text), max_size=4))
    order = draw(st.permutations(range(len(keep) + len(extra))))
    body = draw(st.sampled_from(["form", "form", "multipart", "raw", "none"]))
    raw = draw(st.binary(max_size=300))
    origin = draw(st.sampled_from(["ours", "ours", "ours", "none", "other", "null"]))
    fetch = draw(st.booleans())
    query = draw(st.one_of(st.none(), odd_text))
    return {
        "who": who,
        "route": route,
        "n": n,
        "method": method,
        "fields": [(keep, good, values, extra, order)],
        "body": body,
        "raw": raw,
        "origin": origin,
        "fetch": fetch,
        "query": query,
    }


def form_of(case, valid: dict[str, str]) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    keep, good, values, extra, order = case["fields"][0]
    pairs = [(k, valid.get(k, v) if g else v) for k, g, v in zip(keep, good, values, strict=True)]
    pairs += extra
    return [pairs[i] for i in order]


class Errors(logging.Handler):
    """What `misquiz serve` would print on the trainer's console: a traceback there, or an error of ours, is bad."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.bad: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        console = io.StringIO()
        _AboveStatus(StatusLine(console)).emit(record)
        malformed = record.exc_info is not None and isinstance(record.exc_info[1], HttpProcessingError)
        if (
            "Traceback" in console.getvalue()
            or (record.exc_info is not None and not malformed)
            or (record.name.startswith(("misquiz", "aiohttp")) and record.levelno >= logging.ERROR and not malformed)
        ):
            self.bad.append(console.getvalue())


def test_fuzzed_forms_get_pages_never_5xx_or_tracebacks(bank, tmp_path):
    errors = Errors()
    logging.getLogger().addHandler(errors)
    loop = asyncio.new_event_loop()
    store = SQLiteStore(tmp_path / "fuzz.db")

    async def serve() -> TestClient:
        client = TestClient(TestServer(build_app(bank, store, CONFIG)), cookie_jar=aiohttp.DummyCookieJar())
        await client.start_server()
        return client

    client = loop.run_until_complete(serve())
    workshop = client.server.app[WORKSHOP]
    projector = workshop.projector
    ours = f"http://127.0.0.1:{client.server.port}"
    seen: dict[int, int] = {}

    async def started() -> str:
        token = workshop.new_token()
        response = await client.post(
            "/start",
            data={"csrf": workshop.csrf(token), "lang": "en"},
            headers={"Origin": ours, "Cookie": f"{COOKIE}={token}"},
            allow_redirects=False,
        )
        assert response.status == 303, await response.text()
        return token

    async def one(case) -> None:  # type: ignore[no-untyped-def]
        token = {"nobody": None, "garbage": "x" * 32 + "\u00e9", "started": await started()}[case["who"]]
        path = case["route"].format(n=case["n"], token=projector.token, other=workshop.new_token() + "abcdefghijk")
        participant = workshop.participant(token) if case["who"] == "started" else None
        statement = ""
        if participant is not None:
            session = participant.session
            statement = session.order[min(session.resume_position(), session.total - 1)]
        valid = {
            "csrf": projector.csrf if path.startswith("/projector") else workshop.csrf(token) if token else "",
            "lang": "en",
            "statement": statement,
            "answer": "3",
            "do": "reveal",
            "myth": bank.myths[0].id,
            "back": "/",
        }
        headers = {}
        if token is not None:
            headers["Cookie"] = f"{COOKIE}={token}"
        headers.update(
            {
                "ours": {"Origin": ours},
                "none": {},
                "other": {"Origin": "https://evil.example"},
                "null": {"Origin": "null"},
            }[case["origin"]]
        )
        if case["fetch"]:
            headers["X-Misquiz-Fetch"] = "1"
        params = {"lang": case["query"]} if case["query"] is not None else None
        form = form_of(case, valid)
        kwargs: dict[str, object] = {}
        if case["body"] == "form":  # encoded here: aiohttp's client refuses control characters in field names
            kwargs["data"] = urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        elif case["body"] == "multipart":
            data = aiohttp.FormData()
            for key, value in form:  # the client itself only sends printable ASCII names of parts
                data.add_field("".join(c for c in key if " " <= c <= "~" and c != '"') or "_", value)
            data.add_field("file", b"\xff\xfe", filename="a.bin")
            kwargs["data"] = data
        elif case["body"] == "raw":
            kwargs["data"] = case["raw"]
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        response = await client.request(
            case["method"], path, headers=headers, params=params, allow_redirects=False, **kwargs
        )
        text = await response.text(errors="replace")
        seen[response.status] = seen.get(response.status, 0) + 1
        where = f"{case['method']} {path} -> {response.status}\n{text[:500]}"
        assert response.status == 200 or 300 <= response.status < 500, where
        if len(response.url.raw_path_qs) > 8190:  # past aiohttp's URL limit: its own 400, before any page of ours
            assert response.status == 400, where
        elif response.status not in (303, 304):
            kind = response.headers.get("Content-Type", "")
            json_ok = kind.startswith("application/json") and path.startswith("/projector") and case["fetch"]
            assert kind.startswith("text/html") or json_ok, where
            if kind.startswith("text/html") and case["method"] != "HEAD":
                assert "</html>" in text and "Traceback" not in text, where

    @SETTINGS
    @given(cases())
    def check(case) -> None:  # type: ignore[no-untyped-def]
        errors.bad.clear()
        loop.run_until_complete(one(case))
        assert not errors.bad, errors.bad[0]

    try:
        check()
    finally:
        loop.run_until_complete(client.close())
        store.close()
        loop.close()
        logging.getLogger().removeHandler(errors)
    assert len(seen) > 3, seen  # the cases reached more than one kind of answer


def test_the_event_stream_with_fuzzed_addresses_and_methods_is_a_page(bank, tmp_path):
    async def run() -> None:
        store = SQLiteStore(tmp_path / "e.db")
        client = TestClient(TestServer(build_app(bank, store, replace(CONFIG))))
        await client.start_server()
        try:
            token = client.server.app[WORKSHOP].projector.token
            for method in METHODS:
                for path in (f"/projector/{token}x/events", f"/projector/{token}/events/x", "/projector//events"):
                    response = await client.request(method, path, allow_redirects=False)
                    assert 400 <= response.status < 500, (method, path, response.status)
                    assert response.headers["Content-Type"].startswith("text/html")
                if method != "GET":
                    response = await client.request(method, f"/projector/{token}/events", allow_redirects=False)
                    assert response.status in (403, 405) and "</html>" in await response.text()
        finally:
            await client.close()
            store.close()

    asyncio.run(run())


async def test_a_request_line_too_long_is_refused_in_one_console_line_without_a_traceback(bank, tmp_path):
    """Found by the fuzzer: aiohttp logs the parser's exception, and `serve` printed its traceback."""
    store = SQLiteStore(tmp_path / "l.db")
    client = TestClient(TestServer(build_app(bank, store, CONFIG)))
    await client.start_server()
    console = io.StringIO()
    handler = _AboveStatus(StatusLine(console))
    server_log = logging.getLogger("aiohttp.server")
    server_log.addHandler(handler)
    try:
        response = await client.get("/?lang=" + "x" * 9000)
        assert response.status == 400
    finally:
        server_log.removeHandler(handler)
        await client.close()
        store.close()
    printed = console.getvalue()
    assert "Traceback" not in printed and printed.count("\n") == 1 and "400" in printed, printed


async def test_a_form_that_is_not_utf8_is_a_400_page_not_a_500(bank, tmp_path, caplog):
    """Found by the fuzzer: request.post() raised UnicodeDecodeError, which became a 500 and a traceback."""
    store = SQLiteStore(tmp_path / "u.db")
    client = TestClient(TestServer(build_app(bank, store, CONFIG)))
    await client.start_server()
    try:
        for path in ("/start", "/quiz/1", "/language", f"/projector/{client.server.app[WORKSHOP].projector.token}"):
            response = await client.post(
                path,
                data=b"csrf=\x80\xff",
                headers={
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Origin": f"http://127.0.0.1:{client.server.port}",
                },
                allow_redirects=False,
            )
            assert response.status == 400 and "</html>" in await response.text(), (path, response.status)
    finally:
        await client.close()
        store.close()
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]


async def test_a_form_token_with_non_ascii_characters_is_refused_not_a_500(bank, tmp_path, caplog):
    """Found by the fuzzer: hmac.compare_digest raised TypeError on a csrf field such as "\\x80"."""
    store = SQLiteStore(tmp_path / "c.db")
    client = TestClient(TestServer(build_app(bank, store, CONFIG)), cookie_jar=aiohttp.DummyCookieJar())
    await client.start_server()
    token = client.server.app[WORKSHOP].new_token()
    headers = {"Origin": f"http://127.0.0.1:{client.server.port}", "Cookie": f"{COOKIE}={token}"}
    try:
        for path in ("/start", "/quiz/1", "/language", f"/projector/{client.server.app[WORKSHOP].projector.token}"):
            response = await client.post(path, data={"csrf": "é\x80"}, headers=headers, allow_redirects=False)
            assert response.status == 403 and "</html>" in await response.text(), (path, response.status)
    finally:
        await client.close()
        store.close()
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]


async def test_unicode_digits_in_a_path_are_not_numbers_and_never_a_500(bank, tmp_path, caplog):
    """Found by probing (issue 25): /quiz/² passed isdigit(), then int() raised: a 500 and a traceback per request."""
    store = SQLiteStore(tmp_path / "d.db")
    client = TestClient(TestServer(build_app(bank, store, CONFIG)), cookie_jar=aiohttp.DummyCookieJar())
    await client.start_server()
    workshop = client.server.app[WORKSHOP]
    token = workshop.new_token()
    headers = {"Origin": f"http://127.0.0.1:{client.server.port}", "Cookie": f"{COOKIE}={token}"}
    try:
        started = await client.post(
            "/start", data={"csrf": workshop.csrf(token), "lang": "en"}, headers=headers, allow_redirects=False
        )
        assert started.status == 303
        statement = workshop.participant(token).session.order[0]
        for trap in DIGIT_TRAPS:
            shown = await client.get(f"/quiz/{trap}", headers=headers, allow_redirects=False)
            assert shown.status == 303 and shown.headers["Location"] == "/quiz/1", (trap, shown.status)
            form = {"csrf": workshop.csrf(token), "statement": statement, "answer": "3"}
            answered = await client.post(f"/quiz/{trap}", data=form, headers=headers, allow_redirects=False)
            assert answered.status == 400 and "</html>" in await answered.text(), (trap, answered.status)
            form["answer"] = trap
            answered = await client.post("/quiz/1", data=form, headers=headers, allow_redirects=False)
            assert answered.status == 400, (trap, answered.status)
    finally:
        await client.close()
        store.close()
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]


async def test_an_unexpected_error_is_one_console_line_rate_limited_and_an_error_page(bank, tmp_path):
    """A fault we did not foresee, hit 300 times in a burst: 300 error pages, a handful of one-line reports."""
    store = SQLiteStore(tmp_path / "f.db")
    client = TestClient(TestServer(build_app(bank, store, CONFIG)), cookie_jar=aiohttp.DummyCookieJar())
    await client.start_server()
    workshop = client.server.app[WORKSHOP]

    async def broken(token: str | None) -> None:
        raise RuntimeError("a fault\nover two lines")

    workshop.find = broken  # type: ignore[method-assign]
    console = io.StringIO()
    handler = _AboveStatus(StatusLine(console))
    web_log = logging.getLogger("misquiz.web")
    web_log.addHandler(handler)
    try:
        statuses = []
        for _ in range(300):
            response = await client.get("/", headers={"Cookie": f"{COOKIE}={client.server.app[WORKSHOP].new_token()}"})
            statuses.append(response.status)
            assert "</html>" in await response.text()
    finally:
        web_log.removeHandler(handler)
        await client.close()
        store.close()
    assert set(statuses) == {500}
    lines = console.getvalue().splitlines()
    assert 1 <= len(lines) <= 8, lines  # burst of 5, then one a second
    assert "Traceback" not in console.getvalue()
    assert all(
        line.startswith("failed: GET /: RuntimeError: a fault over two lines") or "not shown" in line for line in lines
    )

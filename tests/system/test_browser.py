"""Three participants in real browser pages against `misquiz serve`, then the room, then SIGTERM.

Uses Debian's chromium through Playwright. On CI it is never skipped: a missing browser fails.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from misquiz.core.scoring import score_attempt
from misquiz.files.bank import load_bank
from support.quiz import quiz_app
from support.serving import children_of, free_port, start_server

CHROMIUM = "/usr/bin/chromium"
ON_CI = os.environ.get("CI") == "true"
BROWSER_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

if not ON_CI:
    if not Path(CHROMIUM).exists():
        pytest.skip("chromium is not installed (apt-get install chromium)", allow_module_level=True)
    pytest.importorskip("playwright")


def count(db: Path, table: str) -> int:
    try:
        with sqlite3.connect(db, timeout=5) as conn:
            return conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
    except sqlite3.Error:
        return 0


def answered(db: Path) -> int:
    return count(db, "answers")


async def start_quiz(db: Path, participants: int, press) -> None:
    """Press Start until the attempt is stored: the page may take a moment to pass keys on."""
    for _ in range(20):
        await press()
        for _ in range(10):
            if count(db, "attempts") >= participants:
                return
            await asyncio.sleep(0.1)
    raise AssertionError("the quiz never started")


async def wait_for_answers(db: Path, count: int, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while answered(db) < count:
        if time.monotonic() > deadline:
            raise AssertionError(f"expected {count} answers stored, found {answered(db)}")
        await asyncio.sleep(0.05)


async def layout(cols: int, rows: int) -> dict[str, tuple[float, float]]:
    """Where the tappable controls are at this terminal size, in cells (the same app, headless)."""
    app = quiz_app(load_bank(), lang="en", seed=1)
    spots: dict[str, tuple[float, float]] = {}
    async with app.run_test(size=(cols, rows)) as pilot:
        start = app.screen.query_one("#start").region
        spots["start"] = (start.x + start.width / 2, start.y + start.height / 2)
        await pilot.press("enter")
        for value in range(6):
            region = app.screen.query_one(f"#answer-{value}").region
            spots[str(value)] = (region.x + region.width / 2, region.y + region.height / 2)
    return spots


async def run_room(port: int, db: Path) -> None:
    from playwright.async_api import async_playwright

    url = f"http://127.0.0.1:{port}/"
    hosts: set[str] = set()
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        stored = 0

        async def keyboard_participant(key: str) -> None:
            nonlocal stored
            page = await browser.new_page(viewport={"width": 1000, "height": 700})
            page.on("request", lambda request: hosts.add(request.url.split("/")[2]))
            await page.goto(url)
            await page.wait_for_selector("body.-first-byte", timeout=30000)
            await page.click("#terminal")  # keys reach the terminal only after a click
            await start_quiz(db, stored // 36 + 1, lambda: page.keyboard.press("Enter"))
            for _ in range(36):
                await page.keyboard.press(key)
                stored += 1
                await wait_for_answers(db, stored)
            await page.close()

        async def phone_participant(value: str) -> None:
            nonlocal stored
            context = await browser.new_context(
                viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True, device_scale_factor=2
            )
            page = await context.new_page()
            page.on("request", lambda request: hosts.add(request.url.split("/")[2]))
            sizes: list[dict[str, int]] = []

            def frame(payload: str | bytes) -> None:
                if isinstance(payload, str) and payload.startswith('["resize"'):
                    sizes.append(json.loads(payload)[1])

            page.on("websocket", lambda ws: ws.on("framesent", frame))
            await page.goto(url)
            await page.wait_for_selector("body.-first-byte", timeout=30000)
            await asyncio.sleep(1.0)
            box = await page.locator("#terminal").bounding_box()
            assert box is not None
            size = sizes[-1] if sizes else None
            assert size is not None, "the page never told the server its size"
            cols, rows = size["width"], size["height"]
            assert cols >= 40, f"a phone page should give the quiz about 45 columns, not {cols}"
            cell_w, cell_h = box["width"] / cols, box["height"] / rows
            spots = await layout(cols, rows)

            async def tap(name: str) -> None:
                x, y = spots[name]
                await page.touchscreen.tap(box["x"] + x * cell_w, box["y"] + y * cell_h)

            await start_quiz(db, stored // 36 + 1, lambda: tap("start"))
            for _ in range(36):
                await asyncio.sleep(0.3)
                await tap(value)
                stored += 1
                try:
                    await wait_for_answers(db, stored)
                except AssertionError:
                    await page.screenshot(path=str(db.parent / "phone.png"))
                    raise
            await context.close()

        # One at a time, so that the answers counted in the database tell who is where.
        await keyboard_participant("5")
        await keyboard_participant("1")
        await phone_participant("4")
        await browser.close()
    assert hosts == {f"127.0.0.1:{port}"}, f"the page asked other hosts: {hosts}"


def test_three_participants_then_the_room_then_sigterm(tmp_path):
    if ON_CI:
        assert Path(CHROMIUM).exists(), "CI must install chromium (apt-get install chromium)"
    db = tmp_path / "room.db"
    port = free_port()
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache"), "LANG": "C.UTF-8"}
    server = start_server(
        port,
        "--workshop",
        "ws-test",
        "--db",
        str(db),
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        asyncio.run(run_room(port, db))
        seen_children = children_of(server.pid)
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            output = server.communicate(timeout=5)[0]  # the server and every participant end within 5 s
        except subprocess.TimeoutExpired:
            server.kill()
            raise AssertionError("the server did not end within 5 seconds of SIGTERM") from None
    assert server.returncode is not None
    assert "Join at http://127.0.0.1:" in output
    time.sleep(0.5)
    assert not [pid for pid in seen_children if Path(f"/proc/{pid}").exists()], "a participant outlived the server"

    room = subprocess.run(
        [sys.executable, "-m", "misquiz", "room", "ws-test", "--json", "--db", str(db)],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    data = json.loads(room.stdout)
    assert (data["workshop"], data["joined"], data["finished"]) == ("ws-test", 3, 3)
    bank = load_bank()
    expected = {m.id: dict.fromkeys((b.id for b in bank.bands), 0) for m in bank.myths}
    for value in (5, 1, 4):
        for m in score_attempt(bank, {s.id: value for s in bank.statements}).myths:
            expected[m.myth.id][m.band.id] += 1
    assert {m["id"]: m["counts"] for m in data["myths"]} == expected


def test_the_stock_web_font_is_not_linked():
    from misquiz.web.serve import TEMPLATES

    page = (TEMPLATES / "app_index.html").read_text(encoding="utf-8")
    assert "fonts.googleapis" not in page and "https://" not in page and "http://" not in page

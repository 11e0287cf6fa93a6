"""Demo mode in a real browser: headless Chromium over the DevTools Protocol (tests/browser.py).

The visitor's path: open the page, send /start as the resident, see that hostile text stays
text, forward a scam as the volunteer with one click, decide it as the officer on the card in
the review chat, and see the verdict. Skips only where Chromium is not installed.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.config import config_from_mapping
from bot.demo import NEIGHBOURHOOD, REVIEW, VOLUNTEER, Demo
from tests.browser import Browser, find_chromium
from tests.helpers import ROOT

CHROMIUM = find_chromium()
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="Chromium is not installed (Debian: apt-get install -y chromium); "
    "the demo's browser test needs it")
README_SHOT = ROOT / "docs" / "demo.png"
HOSTILE = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script><b>x</b>'


def has_cjk_font() -> bool:
    """Only a screenshot with Chinese glyphs is worth putting in the README."""
    if shutil.which("fc-list") is None:
        return False
    found = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True, check=False)
    return bool(found.stdout.strip())


@pytest.fixture
async def demo(tmp_path: Path) -> AsyncIterator[Demo]:
    base = config_from_mapping({"content_dir": str(ROOT / "content")},
                               source=str(tmp_path / "config.yaml"), env={})
    running = Demo(base, port=0, workdir=tmp_path / "demo")
    (tmp_path / "demo").mkdir()
    await running.start()
    try:
        yield running
    finally:
        await running.stop()


@pytest.fixture
async def page(demo: Demo, tmp_path: Path) -> AsyncIterator[Browser]:
    assert CHROMIUM is not None
    async with Browser(CHROMIUM, tmp_path / "chromium-profile") as browser:
        await browser.navigate(demo.url)
        await browser.wait_for("document.body.dataset.ready === '1'", what="the demo page")
        yield browser


def js(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


async def click(page: Browser, selector: str, text: str = "", what: str = "") -> None:
    """Click the first element matching selector (and containing text) once it exists."""
    await page.wait_for(f"""(() => {{
        const hit = [...document.querySelectorAll({js(selector)})]
            .find((e) => e.textContent.includes({js(text)}) && !e.disabled);
        if (hit) hit.click();
        return Boolean(hit);
    }})()""", what=what or f"{selector} {text}")


async def write(page: Browser, text: str) -> None:
    """Type into the composer and press Enter, as a person would."""
    await page.evaluate("document.getElementById('text').focus()")
    await page.send("Input.insertText", text=text)
    for kind in ("keyDown", "keyUp"):
        await page.send("Input.dispatchKeyEvent", type=kind, key="Enter", code="Enter",
                        windowsVirtualKeyCode=13, **({"text": "\r"} if kind == "keyDown" else {}))


async def open_chat(page: Browser, persona: str, chat: int) -> None:
    await click(page, f"[data-persona={persona}]", what=f"persona {persona}")
    await page.wait_for(f"document.querySelector('[data-persona={persona}]')"
                        ".classList.contains('active')")
    await click(page, f'#chats [data-chat="{chat}"]', what=f"chat {chat}")
    await page.wait_for(f"document.getElementById('messages').dataset.chat === '{chat}'")


async def shown(page: Browser, text: str, selector: str = "#messages .msg") -> None:
    await page.wait_for(f"[...document.querySelectorAll({js(selector)})]"
                        f".some((e) => e.textContent.includes({js(text)}))", what=text)


async def test_resident_starts_the_bot_and_hostile_text_stays_text(page, tmp_path):
    assert await page.evaluate("document.getElementById('messages').dataset.chat") == "2001"
    await write(page, "/start")
    await shown(page, "张阿姨", "#messages .msg.from-bot")  # the bot's welcome, by name
    assert await page.evaluate(
        "[...document.querySelectorAll('#messages .from-bot b')].length > 0")  # <b> rendered
    await write(page, HOSTILE)
    await shown(page, '<img src=x onerror="window.__xss=1">', "#messages .msg.mine")
    assert await page.evaluate("window.__xss === undefined")
    assert await page.evaluate("document.querySelectorAll('#messages img, #messages script')"
                               ".length") == 0
    # every UI string comes from the texts: switching language leaves no key behind
    await click(page, "#lang", what="the language switch")
    await page.wait_for("document.documentElement.lang === 'en'")
    await shown(page, "Acting as", "#top")
    raw = await page.evaluate(r"""[...document.querySelectorAll('body *')]
        .filter((e) => e.children.length === 0 && e.id !== 'messages')
        .map((e) => e.textContent.trim() || e.getAttribute('placeholder') || '')
        .filter((t) => /^[a-z_]+(\.[a-z_0-9]+)+$/.test(t))""")
    assert raw == []
    await page.screenshot(tmp_path / "resident.png")
    assert page.errors == []


async def test_volunteer_reports_a_scam_and_the_officer_confirms_it(page, demo, tmp_path):
    # the volunteer sees the suspicious post in the neighbourhood group: one click reports it
    await open_chat(page, "volunteer", NEIGHBOURHOOD)
    await page.wait_for("""(() => {
        const msg = [...document.querySelectorAll('#messages .msg')]
            .find((e) => e.textContent.includes('xk8899'));
        const button = msg && msg.querySelector('button.report');
        if (button) button.click();
        return Boolean(button);
    })()""", what="the report button of the scam")
    await page.wait_for(f"document.getElementById('messages').dataset.chat === '{VOLUNTEER}'")
    await shown(page, "xk8899", "#messages .msg.mine")  # the forward
    await shown(page, "#", "#messages .msg.from-bot")  # the bot's answer with a case number

    # the officer decides it on the card in the review chat: 确认诈骗, then the fraud type
    await open_chat(page, "officer", REVIEW)
    await click(page, "#messages .keyboard button", "确认诈骗")
    await click(page, "#messages .keyboard button", "✅")  # the suggested type
    await shown(page, "已确认诈骗")
    for label in ("非诈骗", "需补充", "确认并预警"):  # the decided card has no verdict buttons
        assert not await page.evaluate(
            f"[...document.querySelectorAll('#messages .keyboard button')]"
            f".some((b) => b.textContent === {js(label)})")
    await page.screenshot(tmp_path / "officer.png")

    # the reporter hears the verdict
    await open_chat(page, "volunteer", VOLUNTEER)
    await shown(page, "确认是诈骗", "#messages .msg.from-bot")

    # back to the officer's card for the picture in the README
    await open_chat(page, "officer", REVIEW)
    await shown(page, "已确认诈骗")
    # The README's picture is refreshed only on request (UPDATE_SCREENSHOT=1), so running the
    # tests never changes the working tree.
    refresh = os.environ.get("UPDATE_SCREENSHOT") == "1" and has_cjk_font()
    shots = [tmp_path / "demo.png"] + ([README_SHOT] if refresh else [])
    await page.screenshot(*shots)
    assert (tmp_path / "demo.png").stat().st_size > 10_000
    assert page.errors == []

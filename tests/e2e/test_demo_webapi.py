"""Demo mode's web API: the real bot and scene (bot/demo.py) behind /demo/api/… and /demo/events.

A test acts as a visitor of the web chat would: as a persona it writes, presses buttons, votes
and forwards, and reads what the page would show — JSON views and the server-sent events.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import aiohttp
import pytest

from bot.config import config_from_mapping
from bot.demo import ADMIN, NEIGHBOURHOOD, OFFICER, PARENTS, RESIDENT, REVIEW, VOLUNTEER, Demo
from bot.demo_tour import button_data
from tests.helpers import ROOT

WEB = ROOT / "bot" / "simulator" / "web"
HOSTILE = '<script>window.__xss=1</script><img src=x onerror="window.__xss=2"> & <b>not bold</b>'


@pytest.fixture
async def demo(tmp_path: Path) -> AsyncIterator[Demo]:
    base = config_from_mapping({"content_dir": str(ROOT / "content")},
                               source=str(tmp_path / "config.yaml"), env={})
    running = Demo(base, port=0, workdir=tmp_path)
    await running.start()
    try:
        yield running
    finally:
        await running.stop()


@pytest.fixture
async def http(demo: Demo) -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(base_url=demo.sim.server.origin) as session:
        yield session


async def get(http: aiohttp.ClientSession, path: str, status: int = 200) -> dict:
    async with http.get(path) as r:
        assert r.status == status, await r.text()
        return await r.json()


async def post(http: aiohttp.ClientSession, path: str, body: dict, status: int = 200,
               **kwargs) -> dict:
    async with http.post(path, json=body, **kwargs) as r:
        assert r.status == status, await r.text()
        return await r.json()


class Events:
    """The page's event stream, read line by line."""

    def __init__(self, response: aiohttp.ClientResponse):
        self.response = response

    async def next(self, predicate: Callable[[dict], bool], timeout: float = 5.0) -> dict:
        async def read() -> dict:
            while True:
                line = (await self.response.content.readline()).decode()
                if line.startswith("data: "):
                    event = json.loads(line[6:])
                    if predicate(event):
                        return event

        return await asyncio.wait_for(read(), timeout)


async def messages(http: aiohttp.ClientSession, persona: str, chat: int) -> list[dict]:
    return (await get(http, f"/demo/api/messages?persona={persona}&chat={chat}"))["messages"]


async def bot_says(http, persona: str, chat: int, predicate: Callable[[dict], bool],
                   timeout: float = 5.0) -> dict:
    """Poll the messages API until a message from the bot matches."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        for m in reversed(await messages(http, persona, chat)):
            if m["from"]["is_bot"] and predicate(m):
                return m
        assert loop.time() < deadline, f"no such message from the bot in {chat}"
        await asyncio.sleep(0.05)


async def test_state_personas_chats_and_texts_of_the_scene(http):
    state = await get(http, "/demo/api/state")
    assert [p["key"] for p in state["personas"]] == ["resident", "admin", "volunteer", "officer"]
    assert state["tour"] == ["daily", "quiz", "report", "decide", "warning"]
    assert state["review_chat"] == REVIEW and state["notes"]
    texts = (await get(http, "/demo/api/texts"))["texts"]
    assert set(texts) == {"zh-CN", "en"} and set(texts["zh-CN"]) == set(texts["en"])
    assert all(key.startswith("demo.") for key in texts["en"])
    assert all(note in texts["en"] for note in state["notes"])
    assert (await get(http, "/demo/api/personas"))["personas"] == state["personas"]

    resident = (await get(http, "/demo/api/chats?persona=resident"))["chats"]
    assert [c["id"] for c in resident] == [RESIDENT, NEIGHBOURHOOD, PARENTS]
    officer = [c["id"] for c in (await get(http, "/demo/api/chats?persona=officer"))["chats"]]
    assert officer[:2] == [OFFICER, REVIEW] and NEIGHBOURHOOD in officer
    # the scene was seeded through real updates: registered groups, a volunteer
    history = await messages(http, "admin", NEIGHBOURHOOD)
    assert any(m["from"]["is_bot"] and m["text"].startswith("✅") for m in history)
    assert any(m["from"]["id"] == ADMIN and m["text"].startswith("/register") for m in history)


async def test_send_as_a_persona_reaches_the_bot_and_the_event_stream(http):
    async with http.get("/demo/events") as stream:
        assert stream.headers["Content-Type"].startswith("text/event-stream")
        events = Events(stream)
        await events.next(lambda e: e["type"] == "hello")
        sent = await post(http, "/demo/api/send", {"persona": "resident", "chat": RESIDENT,
                                                   "text": "/start"})
        assert sent["message"]["from"]["id"] == RESIDENT
        mine = await events.next(lambda e: e["type"] == "message" and e["chat_id"] == RESIDENT)
        assert mine["message"]["text"] == "/start"
        answer = await events.next(lambda e: e["type"] == "message"
                                   and e["message"]["from"]["is_bot"])
    view = answer["message"]
    assert view["chat_id"] == RESIDENT and "张阿姨" in view["text"]
    # formatting travels as entities over plain text, never as HTML
    assert "<b>" not in view["text"] and any(e["type"] == "bold" for e in view["entities"])


async def test_press_a_button_as_the_officer(http, demo):
    alert = "/alert yellow 近期有冒充客服退款的电话，请勿转账"
    await post(http, "/demo/api/send", {"persona": "officer", "chat": OFFICER, "text": alert})
    preview = await bot_says(http, "officer", OFFICER, lambda m: bool(m["buttons"]))
    data = preview["buttons"][0][0]["data"]
    mark = demo.sim.mark()
    pressed = await post(http, "/demo/api/press", {"persona": "officer", "chat": OFFICER,
                                                   "message_id": preview["id"], "data": data})
    assert pressed["query_id"] and pressed["answer"] is not None  # the bot answered the press
    posted = await demo.sim.wait_for_message(chat_id=NEIGHBOURHOOD, after=mark)
    assert "冒充客服退款" in posted.text
    # a resident may not press the officer's buttons in the officer's private chat
    await post(http, "/demo/api/press", {"persona": "resident", "chat": OFFICER,
                                         "message_id": preview["id"], "data": data}, 403)
    await post(http, "/demo/api/press", {"persona": "officer", "chat": OFFICER,
                                         "message_id": preview["id"], "data": "nope"}, 400)


async def test_vote_in_a_group_quiz(http, demo):
    await post(http, "/demo/api/send", {"persona": "admin", "chat": PARENTS, "text": "/quiz"})
    quiz = await bot_says(http, "resident", PARENTS, lambda m: m["kind"] == "poll")
    assert quiz["poll"]["type"] == "quiz" and quiz["poll"]["total_voter_count"] == 0
    voted = await post(http, "/demo/api/vote", {"persona": "resident", "chat": PARENTS,
                                                "message_id": quiz["id"], "options": [0]})
    assert voted["poll"]["votes"] == {str(RESIDENT): [0]}
    assert voted["poll"]["total_voter_count"] == 1
    [again] = [m for m in await messages(http, "admin", PARENTS) if m["id"] == quiz["id"]]
    assert again["poll"]["options"][0]["voter_count"] == 1
    # the bot got the vote (poll_answer) and counted it
    await asyncio.sleep(0.3)
    await post(http, "/demo/api/send", {"persona": "resident", "chat": RESIDENT,
                                        "text": "/myscore"})
    score = await bot_says(http, "resident", RESIDENT, lambda m: "总积分" in m["text"])
    assert "答题 1 道" in score["text"]
    await post(http, "/demo/api/vote", {"persona": "resident", "chat": PARENTS,
                                        "message_id": quiz["id"], "options": [1]}, 400)
    await post(http, "/demo/api/vote", {"persona": "volunteer", "chat": PARENTS,
                                        "message_id": quiz["id"], "options": [9]}, 400)


async def test_forward_a_group_message_to_the_bot(http, demo):
    [scam] = [m for m in await messages(http, "volunteer", NEIGHBOURHOOD)
              if "xk8899" in m["text"]]
    mark = demo.sim.mark()
    forwarded = await post(http, "/demo/api/forward", {"persona": "volunteer",
                                                       "chat": NEIGHBOURHOOD,
                                                       "message_id": scam["id"]})
    assert forwarded["chat_id"] == VOLUNTEER
    view = forwarded["message"]
    assert view["text"] == scam["text"] and view["forwarded_from"] == scam["from"]["name"]
    answer = await demo.sim.wait_for_message(chat_id=VOLUNTEER, after=mark)
    assert answer.text  # the bot answered the volunteer privately
    # only from a chat the persona is in, and only group messages
    await post(http, "/demo/api/forward", {"persona": "admin", "chat": REVIEW,
                                           "message_id": 1}, 403)
    await post(http, "/demo/api/forward", {"persona": "volunteer", "chat": VOLUNTEER,
                                           "message_id": view["id"]}, 400)


async def test_user_text_and_bot_html_are_never_sent_as_markup(http):
    sent = await post(http, "/demo/api/send", {"persona": "resident", "chat": NEIGHBOURHOOD,
                                               "text": HOSTILE})
    assert sent["message"]["text"] == HOSTILE and sent["message"]["entities"] == []
    [stored] = [m for m in await messages(http, "admin", NEIGHBOURHOOD)
                if m["id"] == sent["message"]["id"]]
    assert stored["text"] == HOSTILE
    for m in await messages(http, "admin", NEIGHBOURHOOD):
        if m["from"]["is_bot"]:
            assert "<b>" not in m["text"] and "<code>" not in m["text"]
    async with http.get("/demo/") as page:
        csp = page.headers["Content-Security-Policy"]
        html = await page.text()
    assert "script-src 'self'" in csp and "<script>" not in html.replace(" ", "")
    # the page builds DOM nodes only: no HTML sinks anywhere in its script
    script = (WEB / "demo.js").read_text(encoding="utf-8")
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(",
                 "new Function"):
        assert sink not in script, sink
    assert not re.search(r"[\u4e00-\u9fff]", script)  # UI strings come from the texts


async def test_requests_that_are_refused(http, demo):
    await get(http, "/demo/api/chats?persona=mallory", 400)
    await get(http, f"/demo/api/messages?persona=resident&chat={REVIEW}", 403)
    await get(http, f"/demo/api/messages?persona=resident&chat={VOLUNTEER}", 403)
    await post(http, "/demo/api/send", {"persona": "resident", "chat": RESIDENT, "text": " "},
               400)
    async with http.post("/demo/api/send", data="persona=resident&text=hi") as r:
        assert r.status == 415  # forms from other sites cannot post here
    await post(http, "/demo/api/send", {"persona": "resident", "chat": RESIDENT, "text": "hi"},
               403, headers={"Origin": "https://evil.example"})
    await get(http, "/demo/api/state", 200)
    async with http.get("/demo/api/state", headers={"Host": "evil.example"}) as r:
        assert r.status == 403  # DNS rebinding
    await post(http, "/demo/api/tour/nope", {}, 404)
    async with http.get("/demo/static/../demo.py") as r:
        assert r.status == 404
    # the Bot API routes are unaffected by the web chat
    async with http.get(f"/bot{demo.sim.token}/getMe") as r:
        assert (await r.json())["result"]["username"] == "antifraud_demo_bot"


async def test_the_tour_walks_through_the_three_loops(http, demo):
    results = {}
    for step in ("daily", "quiz", "report", "decide", "warning"):
        results[step] = await post(http, f"/demo/api/tour/{step}", {})
    assert {s: r["note"].rsplit(".", 1)[1] for s, r in results.items()} == {
        "daily": "daily_done", "quiz": "quiz_done", "report": "report_done",
        "decide": "decide_done", "warning": "warning_done"}
    assert all(r["ok"] for r in results.values())
    assert results["warning"]["persona"] == "resident"
    assert results["warning"]["chat"] == NEIGHBOURHOOD
    verdict = await bot_says(http, "volunteer", VOLUNTEER, lambda m: "确认是诈骗" in m["text"])
    assert "#" in verdict["text"]
    card = [m for m in await messages(http, "officer", REVIEW) if "已确认诈骗" in m["text"]]
    assert card and any(d.startswith("case:wa:") for d in button_data(
        demo.sim.message(REVIEW, card[-1]["id"])))
    # a second decide has nothing left to decide, and says so
    again = await post(http, "/demo/api/tour/decide", {})
    assert not again["ok"] and again["note"].endswith("decide_no_card")


async def test_tour_steps_of_features_not_in_the_build_say_so(http, monkeypatch):
    import bot.demo_tour

    monkeypatch.setattr(bot.demo_tour, "has_callback", lambda app, data: False)
    monkeypatch.setattr(bot.demo_tour, "has_command", lambda app, name: False)
    for step, note in (("quiz", "quiz_not_wired"), ("report", "reports_not_wired"),
                       ("decide", "reports_not_wired"), ("warning", "reports_not_wired")):
        result = await post(http, f"/demo/api/tour/{step}", {})
        assert not result["ok"] and result["note"] == f"demo.tour.note.{note}", step
    texts = (await get(http, "/demo/api/texts"))["texts"]
    assert "demo.tour.note.reports_not_wired" in texts["en"]
    # the forward itself still happened, as the visitor was told
    assert any(m.get("forwarded_from") for m in await messages(http, "volunteer", VOLUNTEER))

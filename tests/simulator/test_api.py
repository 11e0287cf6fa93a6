"""The simulator over real HTTP: routing, parameter encodings, updates and long polling."""

import asyncio
import json
import time

import aiohttp
import pytest
import telegram
from telegram.error import Conflict

from bot.simulator import FloodLimits, Simulator
from bot.simulator.testing import ptb_bot, running_simulator

USER, OTHER, ADMIN = 1001, 1002, 1003
GROUP = -100100


@pytest.fixture
async def sim():
    async with running_simulator(limits=FloodLimits(per_second=30, group_per_minute=20)) as s:
        s.add_user(USER, "张三", username="zhangsan")
        s.add_user(OTHER, "李四")
        s.add_user(ADMIN, "王群主")
        s.add_group(GROUP, "幸福里业主群", members={ADMIN: "creator", USER: "member"})
        yield s


@pytest.fixture
async def http():
    async with aiohttp.ClientSession() as session:
        yield session


def api(sim: Simulator, method: str) -> str:
    return f"{sim.base_url}{sim.token}/{method}"


async def test_get_me(bot: telegram.Bot, sim: Simulator) -> None:
    me = await bot.get_me()
    assert me.id == 123456 and me.is_bot
    assert me.username == "antifraud_test_bot" and me.first_name == "反诈助手"
    assert me.can_join_groups and me.can_read_all_group_messages is False
    assert sim.base_url.startswith("http://127.0.0.1:")


async def test_wrong_token_and_unknown_method(sim: Simulator, http: aiohttp.ClientSession):
    async with http.post(f"{sim.base_url}999:WRONG/getMe") as resp:
        assert resp.status == 401
        assert await resp.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}
    async with http.post(api(sim, "noSuchMethod")) as resp:
        assert resp.status == 404
        assert (await resp.json())["description"] == "Not Found"
    assert [(c.method, c.error_code) for c in sim.calls] == [("getMe", 401), ("noSuchMethod", 404)]


async def test_only_loopback() -> None:
    with pytest.raises(ValueError, match="loopback"):
        await Simulator().start(host="0.0.0.0")


async def test_json_query_and_form_bodies(sim: Simulator, http: aiohttp.ClientSession) -> None:
    sim.user_sends(USER, USER, "hi")
    markup = {"inline_keyboard": [[{"text": "好", "callback_data": "ok"}]]}
    # JSON body, method name in another case
    async with http.post(
        api(sim, "SENDMESSAGE"), json={"chat_id": USER, "text": "json", "reply_markup": markup}
    ) as resp:
        body = await resp.json()
    assert body["ok"] and body["result"]["reply_markup"] == markup
    # query string on GET
    async with http.get(api(sim, "sendMessage"), params={"chat_id": USER, "text": "q"}) as resp:
        assert (await resp.json())["result"]["text"] == "q"
    # form body with JSON-encoded complex values, as PTB sends them
    form = {"chat_id": str(USER), "text": "123", "reply_markup": json.dumps(markup)}
    async with http.post(api(sim, "sendMessage"), data=form) as resp:
        result = (await resp.json())["result"]
    assert result["text"] == "123" and result["reply_markup"] == markup
    assert [s.text for s in sim.sent(USER)] == ["json", "q", "123"]
    assert sim.calls[-1].params["chat_id"] == USER
    # a broken JSON value is reported like Telegram does
    form["reply_markup"] = "{not json"
    async with http.post(api(sim, "sendMessage"), data=form) as resp:
        assert resp.status == 400
        assert "can't parse reply markup JSON object" in (await resp.json())["description"]


async def test_user_message_arrives_with_entities(bot: telegram.Bot, sim: Simulator) -> None:
    sent = sim.user_sends(USER, USER, "😀 /start@antifraud_test_bot 看 example.com/x")
    [update] = await bot.get_updates()
    msg = update.message
    assert msg.message_id == sent["message_id"] and msg.from_user.id == USER
    assert msg.chat.type == "private" and msg.chat.first_name == "张三"
    kinds = {e.type: msg.parse_entity(e) for e in msg.entities}
    assert kinds == {"bot_command": "/start@antifraud_test_bot", "url": "example.com/x"}
    assert msg.entities[0].offset == 3  # UTF-16: the emoji counts twice


async def test_offset_confirms_updates(bot: telegram.Bot, sim: Simulator) -> None:
    sim.user_sends(USER, USER, "one")
    sim.user_sends(USER, USER, "two")
    first = await bot.get_updates()
    assert [u.message.text for u in first] == ["one", "two"]
    assert first[1].update_id == first[0].update_id + 1
    assert [u.message.text for u in await bot.get_updates(limit=1)] == ["one"]
    assert await bot.get_updates(offset=first[-1].update_id + 1) == ()
    assert sim.updates == []


async def test_long_poll_returns_as_soon_as_an_update_arrives(bot: telegram.Bot, sim: Simulator):
    started = time.monotonic()
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.2)
    sim.user_sends(USER, USER, "来了")
    updates = await poll
    assert [u.message.text for u in updates] == ["来了"]
    assert time.monotonic() - started < 2


async def test_long_poll_times_out_empty(bot: telegram.Bot) -> None:
    started = time.monotonic()
    assert await bot.get_updates(timeout=1) == ()
    assert 0.9 < time.monotonic() - started < 3


async def test_allowed_updates_filter_and_are_remembered(bot: telegram.Bot, sim: Simulator):
    sim.user_sends(USER, USER, "/start")
    msg = await bot.send_message(
        USER,
        "按钮",
        reply_markup=telegram.InlineKeyboardMarkup(
            [[telegram.InlineKeyboardButton("A", callback_data="a")]]
        ),
    )
    sim.press_button(USER, (USER, msg.message_id), "a")
    updates = await bot.get_updates(allowed_updates=["callback_query"])
    assert [u.callback_query.data for u in updates] == ["a"]
    sim.user_sends(USER, USER, "not wanted")
    assert await bot.get_updates(offset=updates[-1].update_id + 1) == ()  # setting remembered
    sim.user_sends(USER, USER, "wanted again")
    again = await bot.get_updates(allowed_updates=[])  # [] = default set
    assert [u.message.text for u in again] == ["wanted again"]


async def test_second_poller_terminates_the_first(bot: telegram.Bot, sim: Simulator) -> None:
    first = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.2)
    async with ptb_bot(sim) as other:
        assert await other.get_updates(timeout=0) == ()
    with pytest.raises(Conflict, match="terminated by other getUpdates request"):
        await first


async def test_events_are_published(bot: telegram.Bot, sim: Simulator) -> None:
    queue, unsubscribe = sim.world.subscribe_queue()
    sim.user_sends(USER, USER, "hello")
    await bot.send_message(USER, "reply")
    kinds = []
    while not queue.empty():
        event = queue.get_nowait()
        kinds.append((event.kind, event.chat_id))
    assert ("message", USER) in kinds and ("update", USER) in kinds
    assert kinds.count(("message", USER)) == 2 and ("api_call", None) in kinds
    unsubscribe()
    sim.user_sends(USER, USER, "unseen")
    assert queue.empty()


async def test_documents_upload_get_file_and_download(bot: telegram.Bot, sim: Simulator):
    sim.user_sends(USER, USER, "/start")
    content = "可疑链接清单\nhttp://t.cn/abc\n".encode()
    msg = await bot.send_document(
        USER, content, filename="清单.txt", caption="<b>附件</b>", parse_mode="HTML"
    )
    assert msg.document.file_name == "清单.txt" and msg.document.mime_type == "text/plain"
    [sent] = sim.sent(USER, kind="document")
    assert sent.text == "附件" and sent.entities == [{"type": "bold", "offset": 0, "length": 2}]
    file = await bot.get_file(msg.document.file_id)
    assert file.file_size == len(content)
    assert bytes(await file.download_as_bytearray()) == content
    # a document from a user, and re-sending by file_id
    user_doc = sim.user_sends_document(USER, USER, "scam.pdf", b"%PDF-1.4 fake")
    file = await bot.get_file(user_doc["document"]["file_id"])
    assert bytes(await file.download_as_bytearray()) == b"%PDF-1.4 fake"
    again = await bot.send_document(USER, user_doc["document"]["file_id"])
    assert again.document.file_name == "scam.pdf"


async def test_chat_info_shapes_parse_in_ptb(bot: telegram.Bot, sim: Simulator) -> None:
    sim.add_bot_to_group(GROUP, ADMIN)
    sim.promote_bot(GROUP)
    chat = await bot.get_chat(GROUP)
    assert isinstance(chat, telegram.ChatFullInfo) and chat.title == "幸福里业主群"
    assert chat.type == "supergroup" and chat.max_reaction_count == 11
    owner = await bot.get_chat_member(GROUP, ADMIN)
    assert isinstance(owner, telegram.ChatMemberOwner)
    assert isinstance(await bot.get_chat_member(GROUP, OTHER), telegram.ChatMemberLeft)
    admins = await bot.get_chat_administrators(GROUP)
    assert {type(a) for a in admins} == {
        telegram.ChatMemberOwner,
        telegram.ChatMemberAdministrator,
    }
    me = next(a for a in admins if a.user.id == sim.bot_id)
    assert me.can_pin_messages and me.can_delete_messages
    assert await bot.get_chat_member_count(GROUP) == 3  # admin, user and the bot
    sim.user_sends(USER, USER, "hi")
    private = await bot.get_chat(USER)
    assert private.type == "private" and private.first_name == "张三"


async def test_commands_per_scope_and_language(bot: telegram.Bot, sim: Simulator) -> None:
    await bot.set_my_commands([("start", "开始"), ("help", "帮助")])
    await bot.set_my_commands(
        [("report", "Report")], scope=telegram.BotCommandScopeAllGroupChats(), language_code="en"
    )
    assert sim.commands[('{"type":"default"}', "")][0] == {
        "command": "start",
        "description": "开始",
    }
    assert sim.commands[('{"type":"all_group_chats"}', "en")] == [
        {"command": "report", "description": "Report"}
    ]
    assert [c.command for c in await bot.get_my_commands()] == ["start", "help"]
    assert await bot.get_my_commands(language_code="fr") == ()
    await bot.delete_my_commands()
    assert ('{"type":"default"}', "") not in sim.commands
    with pytest.raises(telegram.error.BadRequest, match=r"(?i)bot_command_invalid"):
        await bot.set_my_commands([("Bad-Name", "x")])

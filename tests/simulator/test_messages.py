"""Sending, editing, deleting, pinning, copying and forwarding, with Telegram's checks."""

import pytest
import telegram
from telegram.error import BadRequest, Forbidden

from bot.simulator import FloodLimits, Simulator
from bot.simulator.testing import running_simulator

USER, OTHER, ADMIN, STRANGER = 1001, 1002, 1003, 1004
GROUP = -100100


@pytest.fixture
async def sim():
    async with running_simulator(limits=FloodLimits(per_second=1000, group_per_minute=1000)) as s:
        s.add_user(USER, "张三", username="zhangsan")
        s.add_user(OTHER, "李四", last_name="四")
        s.add_user(ADMIN, "王群主")
        s.add_user(STRANGER, "陌生人")
        s.add_group(
            GROUP, "幸福里业主群", members={ADMIN: "creator", USER: "member", OTHER: "member"}
        )
        s.add_bot_to_group(GROUP, ADMIN)
        s.user_sends(USER, USER, "/start")
        s.user_sends(OTHER, OTHER, "/start")
        s.updates.clear()
        yield s


def keyboard(*pairs: tuple[str, str]) -> telegram.InlineKeyboardMarkup:
    buttons = [telegram.InlineKeyboardButton(t, callback_data=d) for t, d in pairs]
    return telegram.InlineKeyboardMarkup([buttons])


async def test_html_is_parsed_into_text_and_entities(bot: telegram.Bot, sim: Simulator) -> None:
    html = '⚠️ <b>警惕</b>冒充客服 <a href="https://example.com">详情</a> @zhangsan'
    msg = await bot.send_message(GROUP, html, parse_mode="HTML")
    [sent] = sim.sent(GROUP)
    assert sent.text == msg.text == "⚠️ 警惕冒充客服 详情 @zhangsan"
    assert sent.html == html and sent.kind == "text" and sent.edits == 0
    assert {(e["type"], e["offset"], e["length"]) for e in sent.entities} == {
        ("bold", 3, 2),
        ("text_link", 10, 2),
        ("mention", 13, 9),
    }
    assert msg.parse_entities()[msg.entities[0]] == "警惕"


async def test_bad_html_is_rejected(bot: telegram.Bot, sim: Simulator) -> None:
    with pytest.raises(
        BadRequest, match=r'(?i)can\'t parse entities: unsupported start tag "div"'
    ):
        await bot.send_message(USER, "你好<div>x</div>", parse_mode="HTML")
    with pytest.raises(BadRequest, match=r"(?i)can't find end tag"):
        await bot.send_message(USER, "<b>未闭合", parse_mode="HTML")
    assert sim.sent() == []
    assert sim.calls[-1].error_code == 400


async def test_text_length_limits_count_utf16(bot: telegram.Bot, sim: Simulator) -> None:
    await bot.send_message(USER, "字" * 4096)
    with pytest.raises(BadRequest, match=r"(?i)message is too long"):
        await bot.send_message(USER, "字" * 4097)
    with pytest.raises(BadRequest, match=r"(?i)message is too long"):
        await bot.send_message(USER, "😀" * 2049)  # 4098 UTF-16 units
    # markup does not count, only the resulting text
    await bot.send_message(USER, "<b>" + "a" * 4096 + "</b>", parse_mode="HTML")
    with pytest.raises(BadRequest, match=r"(?i)message text is empty"):
        await bot.send_message(USER, "  \n ")
    with pytest.raises(BadRequest, match=r"(?i)message text is empty"):
        await bot.send_message(USER, "<b></b>", parse_mode="HTML")


async def test_callback_data_limit(bot: telegram.Bot, sim: Simulator) -> None:
    await bot.send_message(USER, "ok", reply_markup=keyboard(("A", "字" * 21)))  # 63 bytes
    with pytest.raises(BadRequest, match=r"(?i)button_data_invalid"):
        await bot.send_message(USER, "x", reply_markup=keyboard(("A", "a" * 65)))
    [sent] = sim.sent(USER)
    assert sent.buttons == [[("A", "字" * 21)]] and sent.button_data("A") == "字" * 21


async def test_replies(bot: telegram.Bot, sim: Simulator) -> None:
    question = sim.user_sends(USER, GROUP, "/ask@antifraud_test_bot 这是诈骗吗")
    reply = await bot.send_message(GROUP, "是的", reply_to_message_id=question["message_id"])
    assert reply.reply_to_message.text == question["text"]
    with pytest.raises(BadRequest, match=r"(?i)message to be replied not found"):
        await bot.send_message(GROUP, "x", reply_to_message_id=999)
    ok = await bot.send_message(
        GROUP,
        "y",
        reply_parameters=telegram.ReplyParameters(999, allow_sending_without_reply=True),
    )
    assert ok.reply_to_message is None


async def test_who_the_bot_may_write_to(bot: telegram.Bot, sim: Simulator) -> None:
    with pytest.raises(Forbidden, match=r"(?i)bot can't initiate conversation with a user"):
        await bot.send_message(STRANGER, "hi")
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.send_message(-100999, "hi")
    sim.add_group(-100200, "别的群", members={ADMIN: "creator"})
    with pytest.raises(Forbidden, match=r"(?i)bot is not a member of the supergroup chat"):
        await bot.send_message(-100200, "hi")
    sim.add_group(-200, "小群", type="group", members={ADMIN: "creator"})
    with pytest.raises(Forbidden, match=r"(?i)bot is not a member of the group chat"):
        await bot.send_message(-200, "hi")


async def test_edits(bot: telegram.Bot, sim: Simulator) -> None:
    msg = await bot.send_message(
        USER, "<b>v1</b>", parse_mode="HTML", reply_markup=keyboard(("A", "a"))
    )
    edited = await bot.edit_message_text(
        "<i>v2</i>", USER, msg.message_id, parse_mode="HTML", reply_markup=keyboard(("A", "a"))
    )
    assert edited.text == "v2" and edited.edit_date is not None
    [sent] = sim.sent(USER)
    assert (sent.text, sent.html, sent.edits) == ("v2", "<i>v2</i>", 1)
    assert sent.entities == [{"type": "italic", "offset": 0, "length": 2}]
    assert sent.raw["text"] == "v2" and sent.buttons == [[("A", "a")]]
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_text(
            "<i>v2</i>", USER, msg.message_id, parse_mode="HTML", reply_markup=keyboard(("A", "a"))
        )
    # as on Telegram, an edit without reply_markup removes the inline keyboard
    await bot.edit_message_text("v3", USER, msg.message_id)
    assert sent.buttons == [] and sent.edits == 2
    await bot.edit_message_reply_markup(USER, msg.message_id, reply_markup=keyboard(("B", "b")))
    assert sent.button_data("B") == "b"
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_text("x", USER, 999)
    user_msg = sim.user_sends(USER, USER, "mine")
    with pytest.raises(BadRequest, match=r"(?i)message can't be edited"):
        await bot.edit_message_text("x", USER, user_msg["message_id"])


async def test_delete(bot: telegram.Bot, sim: Simulator) -> None:
    msg = await bot.send_message(GROUP, "临时")
    assert await bot.delete_message(GROUP, msg.message_id)
    assert sim.sent(GROUP)[0].deleted and sim.message(GROUP, msg.message_id) is None
    with pytest.raises(BadRequest, match=r"(?i)message to delete not found"):
        await bot.delete_message(GROUP, msg.message_id)
    spam = sim.user_sends(USER, GROUP, "/x@antifraud_test_bot 加我领红包")
    with pytest.raises(BadRequest, match=r"(?i)message can't be deleted"):
        await bot.delete_message(GROUP, spam["message_id"])
    sim.promote_bot(GROUP)
    assert await bot.delete_message(GROUP, spam["message_id"])
    private = sim.user_sends(USER, USER, "私聊")
    assert await bot.delete_message(USER, private["message_id"])


async def test_pinning_needs_rights_in_groups(bot: telegram.Bot, sim: Simulator) -> None:
    msg = await bot.send_message(GROUP, "置顶")
    with pytest.raises(BadRequest, match=r"(?i)not enough rights to manage pinned messages"):
        await bot.pin_chat_message(GROUP, msg.message_id)
    sim.promote_bot(GROUP, can_pin_messages=False)
    with pytest.raises(BadRequest, match=r"(?i)not enough rights"):
        await bot.pin_chat_message(GROUP, msg.message_id)
    sim.promote_bot(GROUP, can_pin_messages=True)
    assert await bot.pin_chat_message(GROUP, msg.message_id)
    assert sim.pinned(GROUP) == [msg.message_id] and sim.sent(GROUP)[0].pinned
    assert (await bot.get_chat(GROUP)).pinned_message.message_id == msg.message_id
    await bot.unpin_chat_message(GROUP)
    assert sim.pinned(GROUP) == [] and not sim.sent(GROUP)[0].pinned
    private = await bot.send_message(USER, "私聊置顶")
    assert await bot.pin_chat_message(USER, private.message_id)
    await bot.unpin_all_chat_messages(USER)
    assert sim.pinned(USER) == []


async def test_photos(bot: telegram.Bot, sim: Simulator) -> None:
    msg = await bot.send_photo(USER, b"\x89PNG fake", caption="<b>海报</b>", parse_mode="HTML")
    assert msg.photo and msg.caption == "海报"
    [sent] = sim.sent(USER, kind="photo")
    assert sent.text == "海报" and sent.html == "<b>海报</b>"
    file = await bot.get_file(msg.photo[-1].file_id)
    assert bytes(await file.download_as_bytearray()) == b"\x89PNG fake"
    with pytest.raises(BadRequest, match=r"(?i)message caption is too long"):
        await bot.send_photo(USER, msg.photo[-1].file_id, caption="字" * 1025)
    with pytest.raises(BadRequest, match=r"(?i)wrong file identifier"):
        await bot.send_photo(USER, "no-such-file")


async def test_copy_and_forward(bot: telegram.Bot, sim: Simulator) -> None:
    original = sim.user_sends(USER, USER, "请看 t.cn/abc")
    copied = await bot.copy_message(GROUP, USER, original["message_id"])
    [sent] = sim.sent(GROUP)
    assert sent.message_id == copied.message_id and sent.text == "请看 t.cn/abc"
    assert "forward_origin" not in sent.raw
    forwarded = await bot.forward_message(GROUP, USER, original["message_id"])
    assert isinstance(forwarded.forward_origin, telegram.MessageOriginUser)
    assert forwarded.forward_origin.sender_user.id == USER
    with pytest.raises(BadRequest, match=r"(?i)message to copy not found"):
        await bot.copy_message(GROUP, USER, 999)


async def test_users_forward_into_the_private_chat(bot: telegram.Bot, sim: Simulator) -> None:
    group_msg = sim.user_sends(OTHER, GROUP, "/x@antifraud_test_bot 转账到安全账户")
    sim.user_forwards(USER, group_msg)
    sim.set_forward_privacy(OTHER, True)
    sim.user_forwards(USER, group_msg)
    anon = sim.user_sends(ADMIN, GROUP, "/y@antifraud_test_bot 公告", anonymous=True)
    sim.user_forwards(USER, anon)
    sim.add_channel(-100777, "反诈中心", username="fzzx")
    sim.user_forwards(USER, sim.channel_post(-100777, "官方提醒"))
    bot_msg = await bot.send_message(GROUP, "机器人说")
    sim.user_forwards(USER, bot_msg.to_dict())
    sim.user_forwards_text(USER, "你中奖了 example.com/prize", origin_name="客服小美")
    updates = [u.message for u in await bot.get_updates() if u.message.chat.id == USER]
    origins = [m.forward_origin for m in updates]
    assert isinstance(origins[0], telegram.MessageOriginUser)
    assert origins[0].sender_user.id == OTHER
    assert isinstance(origins[1], telegram.MessageOriginHiddenUser)
    assert origins[1].sender_user_name == "李四 四"
    assert isinstance(origins[2], telegram.MessageOriginChat)
    assert origins[2].sender_chat.id == GROUP
    assert isinstance(origins[3], telegram.MessageOriginChannel)
    assert origins[3].chat.username == "fzzx"
    assert isinstance(origins[4], telegram.MessageOriginUser) and origins[4].sender_user.is_bot
    assert isinstance(origins[5], telegram.MessageOriginHiddenUser)
    assert updates[5].text == "你中奖了 example.com/prize"
    assert [e.type for e in updates[5].entities] == ["url"]


async def test_privacy_mode_in_groups(bot: telegram.Bot, sim: Simulator) -> None:
    bot_msg = await bot.send_message(GROUP, "大家好")
    sim.user_sends(USER, GROUP, "普通聊天")
    sim.user_sends(USER, GROUP, "/help@other_bot")
    sim.user_sends(USER, GROUP, "/help")
    sim.user_sends(USER, GROUP, "/help@AntiFraud_Test_Bot")
    sim.user_sends(USER, GROUP, "回复机器人", reply_to=bot_msg.message_id)
    seen = [u.message.text for u in await bot.get_updates()]
    assert seen == ["/help", "/help@AntiFraud_Test_Bot", "回复机器人"]
    sim.promote_bot(GROUP)
    sim.user_sends(USER, GROUP, "现在都能看到")
    seen = [u.message.text for u in await bot.get_updates() if u.message]
    assert seen[-1] == "现在都能看到"


async def test_media_from_users_parse_in_ptb(bot: telegram.Bot, sim: Simulator) -> None:
    sim.user_sends_photo(USER, USER, caption="截图 t.cn/x")
    sim.user_sends_sticker(USER, USER)
    photo, sticker = [u.message for u in await bot.get_updates()]
    assert len(photo.photo) == 2 and photo.caption_entities[0].type == "url"
    assert sticker.sticker.emoji == "👍"
    file = await bot.get_file(photo.photo[-1].file_id)
    assert (await file.download_as_bytearray()).startswith(b"\x89PNG")


async def test_join_and_leave_are_service_messages(bot: telegram.Bot, sim: Simulator) -> None:
    events = []
    unsubscribe = sim.subscribe(lambda event: events.append(event.kind))
    sim.user_joins(STRANGER, GROUP)
    sim.user_leaves(OTHER, GROUP)
    unsubscribe()
    joined, left = [u.message for u in await bot.get_updates()]
    assert [u.id for u in joined.new_chat_members] == [STRANGER]
    assert left.left_chat_member.id == OTHER
    assert isinstance(await bot.get_chat_member(GROUP, STRANGER), telegram.ChatMemberMember)
    assert events.count("member") == 2 and events.count("update") == 2

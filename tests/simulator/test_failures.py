"""Flood control, injected faults, and the errors of kicked, migrated and blocked chats."""

import asyncio
import datetime as dt

import pytest
import telegram
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TimedOut,
)

from bot.simulator import FloodLimits, Simulator
from bot.simulator.testing import ptb_bot, running_simulator

ADMIN = 1000
USERS = list(range(1001, 1011))
GROUP, OTHER_GROUP, BASIC = -100100, -100200, -300


@pytest.fixture(autouse=True)
def timedelta_retry_after(monkeypatch: pytest.MonkeyPatch) -> None:
    # PTB 22 warns (an error here) when RetryAfter.retry_after is read as an int
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


@pytest.fixture
async def sim():
    async with running_simulator(limits=FloodLimits(per_second=30, group_per_minute=20)) as s:
        s.add_user(ADMIN, "王群主")
        for user_id in USERS:
            s.add_user(user_id, f"用户{user_id}")
            s.user_sends(user_id, user_id, "/start")
        for chat_id, kind in (
            (GROUP, "supergroup"),
            (OTHER_GROUP, "supergroup"),
            (BASIC, "group"),
        ):
            s.add_group(chat_id, "群", type=kind, members={ADMIN: "creator", USERS[0]: "member"})
            s.add_bot_to_group(chat_id, ADMIN)
        s.updates.clear()
        yield s


async def test_group_flood_limit(bot: telegram.Bot, sim: Simulator) -> None:
    results = []
    for i in range(25):
        try:
            await bot.send_message(GROUP, f"第{i}条")
            results.append("ok")
        except RetryAfter as exc:
            results.append(exc.retry_after)
    assert results[:20] == ["ok"] * 20
    assert all(isinstance(r, dt.timedelta) for r in results[20:])
    assert all(dt.timedelta(seconds=55) <= r <= dt.timedelta(seconds=60) for r in results[20:])
    assert len(sim.sent(GROUP)) == 20 and sim.stats.messages_sent == 20
    assert sim.stats.flood_429 == 5 and sim.stats.fault_429 == 0
    assert sim.calls[-1].description.startswith("Too Many Requests: retry after ")
    # other groups have their own window; edits and callbacks do not count
    await bot.send_message(OTHER_GROUP, "另一个群")
    await bot.edit_message_text("改", GROUP, sim.sent(GROUP)[0].message_id)


async def test_global_per_second_limit(bot: telegram.Bot, sim: Simulator) -> None:
    sim.limits.per_second = 5
    for user_id in USERS[:5]:
        await bot.send_message(user_id, "hi")
    with pytest.raises(RetryAfter) as info:
        await bot.send_message(USERS[5], "hi")
    assert info.value.retry_after == dt.timedelta(seconds=1)
    await asyncio.sleep(1.05)
    await bot.send_message(USERS[5], "hi")  # the window has moved on
    assert len(sim.sent()) == 6
    sim.limits.enabled = False
    for user_id in USERS:
        await bot.send_message(user_id, "no limit")


async def test_injected_429_is_counted_apart(bot: telegram.Bot, sim: Simulator) -> None:
    sim.faults.add("429", method="sendMessage", retry_after=3)
    with pytest.raises(RetryAfter) as info:
        await bot.send_message(USERS[0], "x")
    assert info.value.retry_after == dt.timedelta(seconds=3)
    assert sim.sent() == [] and sim.stats.fault_429 == 1 and sim.stats.flood_429 == 0
    await bot.send_message(USERS[0], "x")
    assert len(sim.sent()) == 1 and len(sim.faults) == 0


async def test_injected_server_errors(bot: telegram.Bot, sim: Simulator) -> None:
    sim.faults.add("500", method="sendMessage", chat_id=USERS[1])
    sim.faults.add("502", method="sendmessage", count=2)
    sim.faults.add("forbidden", method="sendPhoto")
    with pytest.raises(NetworkError, match="Internal Server Error"):
        await bot.send_message(USERS[1], "a")
    for _ in range(2):
        with pytest.raises(NetworkError, match="Bad Gateway"):
            await bot.send_message(USERS[0], "b")
    with pytest.raises(Forbidden, match=r"(?i)blocked"):
        await bot.send_photo(USERS[0], b"png")
    await bot.send_message(USERS[0], "c")
    assert [s.text for s in sim.sent()] == ["c"]
    assert sim.stats.faults_injected == 4


async def test_timeout_fault_does_not_perform_the_call(sim: Simulator) -> None:
    sim.faults.add("timeout", method="sendMessage")
    async with ptb_bot(sim, read_timeout=0.3) as bot:
        with pytest.raises(TimedOut):
            await bot.send_message(USERS[0], "maybe")
        assert sim.sent() == []  # so retrying is safe
        await bot.send_message(USERS[0], "retry")
    assert [s.text for s in sim.sent()] == ["retry"]
    assert sim.calls_to("sendMessage")[0].description.startswith("held open")


async def test_kicked_bot(bot: telegram.Bot, sim: Simulator) -> None:
    sim.kick_bot(GROUP, ADMIN)
    with pytest.raises(Forbidden, match=r"(?i)bot was kicked from the supergroup chat"):
        await bot.send_message(GROUP, "还在吗")
    [update] = await bot.get_updates()
    change = update.my_chat_member
    assert change.chat.id == GROUP and change.from_user.id == ADMIN
    assert isinstance(change.old_chat_member, telegram.ChatMemberMember)
    assert isinstance(change.new_chat_member, telegram.ChatMemberBanned)
    assert change.new_chat_member.until_date is not None


async def test_bot_leaves_a_group(bot: telegram.Bot, sim: Simulator) -> None:
    assert await bot.leave_chat(GROUP)
    [update] = await bot.get_updates()
    assert isinstance(update.my_chat_member.new_chat_member, telegram.ChatMemberLeft)
    with pytest.raises(Forbidden, match=r"(?i)bot is not a member of the supergroup chat"):
        await bot.send_message(GROUP, "x")


async def test_promotion_update_has_full_admin_rights(bot: telegram.Bot, sim: Simulator) -> None:
    sim.promote_bot(GROUP, can_pin_messages=False)
    [update] = await bot.get_updates()
    new = update.my_chat_member.new_chat_member
    assert isinstance(new, telegram.ChatMemberAdministrator)
    assert new.can_pin_messages is False and new.can_delete_messages is True


async def test_migrated_group(bot: telegram.Bot, sim: Simulator) -> None:
    sim.migrate_group(BASIC, -100300)
    with pytest.raises(ChatMigrated) as info:
        await bot.send_message(BASIC, "旧群")
    assert info.value.new_chat_id == -100300
    updates = await bot.get_updates()
    by_chat = {u.message.chat.id: u.message for u in updates}
    assert by_chat[BASIC].migrate_to_chat_id == -100300
    assert by_chat[-100300].migrate_from_chat_id == BASIC
    assert by_chat[-100300].chat.type == "supergroup"
    await bot.send_message(-100300, "新群")
    assert sim.sent(-100300)[0].text == "新群"


async def test_blocked_and_unblocked(bot: telegram.Bot, sim: Simulator) -> None:
    user = USERS[2]
    sim.user_blocks_bot(user)
    with pytest.raises(Forbidden, match=r"(?i)bot was blocked by the user"):
        await bot.send_message(user, "hi")
    sim.user_sends(user, user, "/start")  # writing again unblocks
    await bot.send_message(user, "welcome back")
    updates = await bot.get_updates()
    statuses = [
        (u.my_chat_member.old_chat_member.status, u.my_chat_member.new_chat_member.status)
        for u in updates
        if u.my_chat_member
    ]
    assert statuses == [("member", "kicked"), ("kicked", "member")]
    assert updates[-1].message.text == "/start"


async def test_bad_parameters(sim: Simulator, bot: telegram.Bot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.send_message("@nobody", "x")
    with pytest.raises(BadRequest, match=r"(?i)invalid file_id"):
        await bot.get_file("nope")

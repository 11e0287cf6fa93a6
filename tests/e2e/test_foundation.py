"""The foundation, end to end: the real Application over HTTP against the simulator."""

from __future__ import annotations

from tests.helpers import (
    ADMIN,
    OFFICER,
    RESIDENT,
    REVIEW_CHAT,
    add_group,
    group_inactive,
    make_config,
    register_group,
    running_bot,
    says,
    services,
    wait_until,
)

GROUP = -100201


async def test_start_in_private_shows_the_commands_of_each_role(sim, tmp_path):
    async with running_bot(make_config(tmp_path, sim)):
        msg = await says(sim, RESIDENT, "/start")
        assert "群众" in msg.text and "/tip" in msg.text
        assert "/alert" not in msg.text  # residents do not see officer commands

        msg = await says(sim, OFFICER, "/start")
        assert "民警" in msg.text and "/alert" in msg.text and "/newtip" in msg.text


async def test_english_users_get_english(sim, tmp_path):
    sim.add_user(3001, "Alice", language_code="en")
    async with running_bot(make_config(tmp_path, sim)):
        msg = await says(sim, 3001, "/help")
        assert "resident" in msg.text and "/tip" in msg.text


async def test_command_menus_are_set_per_scope_and_language(sim, tmp_path):
    async with running_bot(make_config(tmp_path, sim)):
        scopes = {scope for scope, _ in sim.commands}
        langs = {lang for _, lang in sim.commands}
        assert {"en", "zh"} <= langs
        assert any("all_private_chats" in s for s in scopes)
        assert any("all_group_chats" in s for s in scopes)
        assert any("all_chat_administrators" in s for s in scopes)
        assert any(str(REVIEW_CHAT) in s for s in scopes)


async def test_added_to_group_greets_and_admin_registers(sim, tmp_path):
    async with running_bot(make_config(tmp_path, sim)) as app:
        add_group(sim, GROUP, "幸福里业主群")
        mark = sim.mark()
        sim.add_bot_to_group(GROUP, ADMIN)
        hello = await sim.wait_for_message(chat_id=GROUP, after=mark)
        assert "/register" in hello.text

        refused = await says(sim, RESIDENT, "/register neighbourhood 幸福里", chat=GROUP)
        assert "管理员" in refused.text
        assert not (await services(app).groups.get(GROUP)).registered

        usage = await says(sim, ADMIN, "/register spaceship", chat=GROUP)
        assert "neighbourhood" in usage.text and "用法" in usage.text

        done = await says(sim, ADMIN, "/register neighbourhood 幸福里社区", chat=GROUP)
        assert "✅" in done.text and "小区业主群" in done.text and "幸福里社区" in done.text
        group = await services(app).groups.get(GROUP)
        assert group.group_type == "neighbourhood" and group.area == "幸福里社区"
        assert any(j.name == f"daily-tip:{GROUP}:0" for j in app.job_queue.jobs())

        profile = await says(sim, RESIDENT, "/settings", chat=GROUP)
        assert "幸福里业主群" in profile.text and "08:30" in profile.text


async def test_registration_survives_restart(sim, tmp_path):
    config = make_config(tmp_path, sim)
    async with running_bot(config):
        await register_group(sim, GROUP, "实验小学家长群", "parents", "三年级")
    async with running_bot(config) as app:
        group = await services(app).groups.get(GROUP)
        assert group.group_type == "parents" and group.area == "三年级" and group.active
        assert any(j.name == f"daily-tip:{GROUP}:0" for j in app.job_queue.jobs())


async def test_kicked_marks_group_inactive_and_readding_restores(sim, tmp_path):
    async with running_bot(make_config(tmp_path, sim)) as app:
        await register_group(sim, GROUP, "村组信息群", "village")
        sim.kick_bot(GROUP, ADMIN)
        await wait_until(lambda: group_inactive(app, GROUP))
        assert not any(j.name.startswith(f"daily-tip:{GROUP}:") for j in app.job_queue.jobs())
        mark = sim.mark()
        sim.add_bot_to_group(GROUP, ADMIN)
        back = await sim.wait_for_message(chat_id=GROUP, after=mark)
        assert "登记信息仍然有效" in back.text
        assert (await services(app).groups.get(GROUP)).active


async def test_group_migration_moves_everything(sim, tmp_path):
    basic, upgraded = -4001, -1004001
    async with running_bot(make_config(tmp_path, sim)) as app:
        sim.add_group(basic, "单位工作群", type="group", members={ADMIN: "creator"})
        mark = sim.mark()
        sim.add_bot_to_group(basic, ADMIN)
        await sim.wait_for_message(chat_id=basic, after=mark)
        mark = sim.mark()
        sim.user_sends(ADMIN, basic, "/register workplace 开发区")
        await sim.wait_for_message(chat_id=basic, after=mark)
        sim.migrate_group(basic, upgraded)
        await wait_until(lambda: _exists(app, upgraded))
        group = await services(app).groups.get(upgraded)
        assert group.group_type == "workplace" and group.area == "开发区"
        assert await services(app).groups.get(basic) is None
        assert any(j.name == f"daily-tip:{upgraded}:0" for j in app.job_queue.jobs())


async def test_officers_list_groups_and_residents_cannot(sim, tmp_path):
    async with running_bot(make_config(tmp_path, sim)):
        await register_group(sim, GROUP, "幸福里业主群", "neighbourhood", "幸福里")
        await register_group(sim, -100202, "实验小学家长群", "parents", "城东")
        no = await says(sim, RESIDENT, "/groups")
        assert "仅限民警" in no.text
        listing = await says(sim, OFFICER, "/groups")
        assert "小区业主群 · 幸福里：1" in listing.text and "家长群 · 城东：1" in listing.text


async def test_unknown_command_and_odd_messages_get_an_answer(sim, tmp_path):
    async with running_bot(make_config(tmp_path, sim)):
        msg = await says(sim, RESIDENT, "/frobnicate")
        assert "/help" in msg.text
        mark = sim.mark()
        sim.user_sends_sticker(RESIDENT, RESIDENT)
        await sim.wait_for_message(chat_id=RESIDENT, after=mark)


async def _exists(app, chat_id) -> bool:
    return await services(app).groups.get(chat_id) is not None



async def test_an_edited_command_does_not_run_again(sim, tmp_path):
    async with running_bot(make_config(tmp_path, sim)):
        first = sim.user_sends(RESIDENT, RESIDENT, "/help")
        await sim.wait_for_message(chat_id=RESIDENT)
        mark = sim.mark()
        sim.user_edits(RESIDENT, RESIDENT, first["message_id"], "/start")
        sim.user_sends(RESIDENT, RESIDENT, "/frobnicate")  # updates are handled in order
        await sim.wait_for_message(lambda m: "不认识" in m.text, chat_id=RESIDENT, after=mark)
        after_edit = [m.text for m in sim.sent()[mark:] if m.chat_id == RESIDENT]
        assert len(after_edit) == 1 and "不认识" in after_edit[0]  # no welcome for the edit

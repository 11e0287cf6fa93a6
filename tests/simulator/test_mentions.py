"""Privacy mode delivers @mentions of the bot (BotFather: "start with '/' or mention the bot")."""

import telegram

from bot.simulator.testing import ptb_bot, running_simulator

USER, GROUP = 1001, -100100


async def test_privacy_mode_delivers_mentions_of_this_bot_only() -> None:
    async with running_simulator(bot_username="AntiFraud_Test_Bot") as sim:
        sim.add_user(USER, "张三")
        sim.add_group(GROUP, "幸福里业主群", members={USER: "creator"})
        sim.add_bot_to_group(GROUP, USER)
        sim.updates.clear()
        sim.user_sends(USER, GROUP, "🛡️ @antifraud_test_bot 验证码能给别人吗")
        sim.user_sends(USER, GROUP, "@other_bot 你好")
        sim.user_sends(USER, GROUP, "邮件发到 a@antifraud_test_bot.cn 了")
        async with ptb_bot(sim) as bot:
            seen = [u.message.text for u in await bot.get_updates()
                    if isinstance(u.message, telegram.Message)]
    assert seen == ["🛡️ @antifraud_test_bot 验证码能给别人吗"]

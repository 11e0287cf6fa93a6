"""A real PTB Application polling the simulator: commands, buttons, edits, shutdown."""

import pytest
import telegram
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes

from bot.simulator import FloodLimits, Simulator
from bot.simulator.testing import ptb_application_builder, running_simulator

USER = 1001


@pytest.fixture
async def sim():
    async with running_simulator(limits=FloodLimits()) as s:
        s.add_user(USER, "张三")
        yield s


async def start(update: telegram.Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    markup = telegram.InlineKeyboardMarkup(
        [[telegram.InlineKeyboardButton("看看防骗知识", callback_data="tip")]]
    )
    await update.effective_message.reply_html("<b>你好</b>，我是反诈助手", reply_markup=markup)


async def tip(update: telegram.Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.callback_query.answer("好的")
    await update.callback_query.edit_message_text("凡是让你转账到“安全账户”的都是诈骗")


async def test_application_round_trip(sim: Simulator) -> None:
    app: Application = ptb_application_builder(sim).build()
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CallbackQueryHandler(tip))
    await app.initialize()
    await app.updater.start_polling(poll_interval=0, timeout=1)
    await app.start()
    try:
        mark = sim.mark()
        sim.user_sends(USER, USER, "/start")
        hello = await sim.wait_for_message(chat_id=USER, after=mark)
        assert hello.text == "你好，我是反诈助手" and hello.html.startswith("<b>")
        query_id = sim.press_button(USER, hello.raw, hello.button_data("看看防骗知识"))
        await sim.wait_until(lambda: hello.edits == 1, what="the edit")
        assert hello.edits == 1 and "安全账户" in hello.text and hello.buttons == []
        assert sim.callback_answers[query_id] == {"text": "好的"}
        with pytest.raises(AssertionError, match="no matching message"):
            await sim.wait_for_message(lambda m: "never" in m.text, timeout=0.2)
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()
    assert sim.updates == []  # the updater confirmed everything on shutdown
    methods = {c.method for c in sim.calls}
    assert {"getMe", "deleteWebhook", "getUpdates", "sendMessage"} <= methods

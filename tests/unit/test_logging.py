"""The token never reaches the log, whatever a library prints."""

import logging

from bot.__main__ import RedactToken, setup_logging

TOKEN = "987654:SECRET-token-value"


def test_token_is_redacted_from_every_record(caplog):
    caplog.set_level(logging.INFO)
    setup_logging(TOKEN)
    try:
        logging.getLogger("telegram.ext.Updater").error(
            "POST https://api.telegram.org/bot%s/getUpdates failed", TOKEN)
        logging.getLogger("bot").info("token was %s", TOKEN)
        assert TOKEN not in caplog.text
        assert "bot<token>/getUpdates" in caplog.text
        assert logging.getLogger("httpx").getEffectiveLevel() == logging.WARNING
    finally:
        for handler in logging.getLogger().handlers:
            for f in [f for f in handler.filters if isinstance(f, RedactToken)]:
                handler.removeFilter(f)

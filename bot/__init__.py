"""Community anti-fraud publicity bot (反诈宣传机器人) for Telegram groups."""

import os

__version__ = "0.1.0"

# Opt in to python-telegram-bot's timedelta durations now (RetryAfter.retry_after etc.) instead
# of the int form it deprecates; our code reads both.
os.environ.setdefault("PTB_TIMEDELTA", "1")

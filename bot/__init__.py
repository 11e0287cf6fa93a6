"""Community anti-fraud publicity bot (反诈宣传机器人) for Telegram groups."""

__version__ = "0.1.0"

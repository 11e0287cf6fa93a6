"""Command line: python -m bot run | check | --version."""

from __future__ import annotations

import argparse
import logging
import sys

from bot import __version__
from bot.config import Config, ConfigError, load_config

log = logging.getLogger("bot")

NO_TOKEN = """No bot token configured.

1. In Telegram, open @BotFather, send /newbot and follow the steps; it replies with a token
   like 123456789:AAH...
2. Start the bot with it:   BOT_TOKEN=123456789:AAH... make run
   (or put it under telegram.token in config.yaml — keep that file private).
3. Add the bot to a group and have an admin send /register <type> [area] there.
"""


class RedactToken(logging.Filter):
    """Belt and braces: whatever a library logs, the token never reaches the log."""

    def __init__(self, token: str):
        super().__init__()
        self.token = token

    def filter(self, record: logging.LogRecord) -> bool:
        if self.token and self.token in record.getMessage():
            record.msg = record.getMessage().replace(self.token, "<token>")
            record.args = None
        return True


def setup_logging(token: str = "", level: int = logging.INFO) -> None:
    logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s", level=level)
    for noisy in ("httpx", "httpcore", "apscheduler"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    if token:
        for handler in logging.getLogger().handlers:
            handler.addFilter(RedactToken(token))


def _load(path: str | None) -> Config:
    try:
        return load_config(path)
    except ConfigError as exc:
        print("Configuration problems:", file=sys.stderr)
        for problem in exc.problems:
            print(f"  - {problem}", file=sys.stderr)
        raise SystemExit(1) from None


def cmd_run(args: argparse.Namespace) -> int:
    config = _load(args.config)
    if not config.telegram.token:
        print(NO_TOKEN, file=sys.stderr)
        return 2
    setup_logging(config.telegram.token)
    from bot.app import ALLOWED_UPDATES, build_application

    app = build_application(config)
    log.info("Starting the bot (polling %s)", config.telegram.base_url)
    app.run_polling(allowed_updates=ALLOWED_UPDATES, timeout=config.telegram.poll_timeout)
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from bot.check import run_check

    return run_check(args.config)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description=(
        "Community anti-fraud publicity bot for Telegram (反诈宣传机器人)."))
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run the bot (long polling)")
    run.add_argument("--config", help="config file (default: $BOT_CONFIG or config.yaml)")
    run.set_defaults(func=cmd_run)
    check = sub.add_parser("check", help="validate the config and all content")
    check.add_argument("--config", help="config file (default: $BOT_CONFIG or config.yaml)")
    check.set_defaults(func=cmd_check)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())

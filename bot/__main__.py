"""Command line: python -m bot run | demo | check | eval | stats | --version."""

from __future__ import annotations

import argparse
import logging
import sys

from bot import __version__
from bot.config import Config, ConfigError, load_config

log = logging.getLogger("bot")
DEMO_PORT = 8080

NO_TOKEN = """No bot token configured, so this starts the DEMO: the real bot against a simulated
Telegram on this computer, with a web chat to try it (nothing is sent anywhere).

For real use, get a token:
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
        return _run_demo(config, DEMO_PORT)
    setup_logging(config.telegram.token)
    from bot.app import ALLOWED_UPDATES, build_application

    app = build_application(config)
    log.info("Starting the bot (polling %s)", config.telegram.base_url)
    app.run_polling(allowed_updates=ALLOWED_UPDATES, timeout=config.telegram.poll_timeout)
    return 0


def _run_demo(config: Config, port: int, lang: str | None = None) -> int:
    import asyncio

    from bot.demo import run_demo

    setup_logging()
    print(f"Starting the demo on http://127.0.0.1:{port}/demo/ …", file=sys.stderr, flush=True)
    try:
        return asyncio.run(run_demo(config, port=port, lang=lang))
    except OSError as exc:  # e.g. the port is taken
        print(f"demo: cannot listen on 127.0.0.1:{port} ({exc}); try --port {port + 1}",
              file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def cmd_demo(args: argparse.Namespace) -> int:
    return _run_demo(_load(args.config), args.port, args.lang)


def cmd_check(args: argparse.Namespace) -> int:
    from bot.check import run_check

    return run_check(args.config)


def cmd_stats(args: argparse.Namespace) -> int:
    import asyncio

    config = _load(args.config)
    path = config.resolve(config.database)
    if not path.exists():
        print(f"stats: no database at {path} (config key database); run the bot first",
              file=sys.stderr)
        return 1
    print(asyncio.run(_stats_text(config, args.period, args.area)))
    return 0


async def _stats_text(config: Config, period_name: str, area: str | None) -> str:
    """The /stats scorecard from the database, as plain text."""
    import datetime as dt

    from bot.domain.stats import period_bounds
    from bot.i18n import Texts
    from bot.statistics import scorecard_text
    from bot.store.db import Database
    from bot.tghtml import parse_html

    db = await Database(config.resolve(config.database)).connect()
    try:
        period = period_bounds(period_name, dt.datetime.now(config.tz))
        html = await scorecard_text(db, Texts.load(config.locale), config.locale, period, area)
    finally:
        await db.close()
    return parse_html(html)[0]


def cmd_eval(args: argparse.Namespace) -> int:
    from bot.detect.evaluate import main as evaluate

    try:
        return evaluate([*args.files, *(["--errors"] if args.errors else [])])
    except (OSError, ValueError) as exc:  # a missing file, or a bad line (named in the error)
        print(f"eval: {exc}", file=sys.stderr)
        return 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description=(
        "Community anti-fraud publicity bot for Telegram (反诈宣传机器人)."))
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run the bot (long polling)")
    run.add_argument("--config", help="config file (default: $BOT_CONFIG or config.yaml)")
    run.set_defaults(func=cmd_run)
    demo = sub.add_parser("demo", help="try the bot without a token: the simulator and a web chat "
                          f"on http://127.0.0.1:{DEMO_PORT}/demo/")
    demo.add_argument("--port", type=int, default=DEMO_PORT, help="port on 127.0.0.1")
    demo.add_argument("--lang", choices=("zh-CN", "en"), help="language of the demo people "
                      "and page (default: the config's locale)")
    demo.add_argument("--config", help="config file (default: $BOT_CONFIG or config.yaml)")
    demo.set_defaults(func=cmd_demo)
    check = sub.add_parser("check", help="validate the config and all content")
    check.add_argument("--config", help="config file (default: $BOT_CONFIG or config.yaml)")
    check.set_defaults(func=cmd_check)
    ev = sub.add_parser("eval", help="score the scam analyzer on labelled JSONL files "
                        "(default: tests/data/eval_dev.jsonl and eval_holdout.jsonl)")
    ev.add_argument("files", nargs="*", metavar="FILE",
                    help='JSONL, one {"text": ..., "label": <fraud type or none>} per line')
    ev.add_argument("--errors", action="store_true", help="list every misclassified message")
    ev.set_defaults(func=cmd_eval)
    st = sub.add_parser("stats", help="print the officers' scorecard from the database")
    st.add_argument("--config", help="config file (default: $BOT_CONFIG or config.yaml)")
    st.add_argument("--period", choices=("week", "month", "all"), default="week")
    st.add_argument("--area", help="only groups of this area")
    st.set_defaults(func=cmd_stats)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())

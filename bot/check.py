"""`python -m bot check`: validate the config, the texts and all content; list every problem."""

from __future__ import annotations

import sys

from bot.config import ConfigError, load_config
from bot.content import load_content
from bot.domain.bulletin import render_daily
from bot.i18n import Texts
from bot.tghtml import TgHtmlError, parse_html, utf16_len

MAX_MESSAGE = 4096


def rendered_problems(content, texts: Texts) -> list[str]:
    """Every tip must render to valid Telegram HTML within the message limit, in each locale."""
    import datetime as dt

    out = []
    day = dt.date(2026, 1, 1)
    for tip in content.tips.values():
        for lang in texts.tables:
            html = render_daily(texts, lang, tip, day)
            try:
                text, _ = parse_html(html)
            except TgHtmlError as exc:
                out.append(f"tip {tip.id}: rendered post is not valid Telegram HTML ({exc})")
                continue
            if utf16_len(text) > MAX_MESSAGE:
                out.append(f"tip {tip.id}: rendered post is longer than {MAX_MESSAGE}")
    return out


def run_check(config_path: str | None) -> int:
    problems: list[str] = []
    try:
        config = load_config(config_path)
    except ConfigError as exc:
        for p in exc.problems:
            print(f"  - {p}")
        print(f"check: {len(exc.problems)} problem(s) in the config", file=sys.stderr)
        return 1
    texts = Texts.load(config.locale)
    problems += texts.problems()
    content = load_content(config.resolve(config.content_dir))
    problems += content.problems
    problems += rendered_problems(content, texts)
    print(f"config: {config.source} OK (timezone {config.timezone}, locale {config.locale}, "
          f"{len(config.officers)} officers)")
    print(f"texts: {len(texts.tables['zh-CN'])} strings in zh-CN and en")
    for line in content.summary():
        print(line)
    if problems:
        for p in problems:
            print(f"  - {p}")
        print(f"check: {len(problems)} problem(s)", file=sys.stderr)
        return 1
    print("check: OK")
    return 0

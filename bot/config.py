"""config.yaml -> frozen dataclasses, validated once at start with errors that name the key."""

from __future__ import annotations

import dataclasses
import os
import types
import typing
import zoneinfo
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.domain.schedule import ScheduleError, Slot, parse_slot

DEFAULT_CONFIG = "config.yaml"
LOCALES = ("zh-CN", "en")


class ConfigError(Exception):
    """Invalid configuration; holds every problem found, each naming file, key, value and fix."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


def _setting(default: Any = None, help: str = "", check=None, factory=None) -> Any:
    meta = {"help": help, "check": check}
    if factory is not None:
        return field(default_factory=factory, metadata=meta)
    return field(default=default, metadata=meta)


def _check_slots(value: tuple[str, ...]) -> str | None:
    for entry in value:
        try:
            parse_slot(str(entry))
        except ScheduleError as exc:
            return str(exc)
    return None


def _positive(value: float) -> str | None:
    return None if value > 0 else "must be greater than 0"


def _non_negative(value: float) -> str | None:
    return None if value >= 0 else "must be 0 or more"


def _timezone(value: str) -> str | None:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return "is not an IANA time zone; use e.g. Asia/Shanghai"
    return None


def _locale(value: str) -> str | None:
    return None if value in LOCALES else f"must be one of {', '.join(LOCALES)}"


def _base_url(value: str) -> str | None:
    if not value.startswith(("http://", "https://")):
        return 'must start with http:// or https://, e.g. "https://api.telegram.org/bot"'
    return None


def _weekday_time(value: str) -> str | None:
    try:
        parse_slot(value)
    except ScheduleError as exc:
        return str(exc)
    return None


@dataclass(frozen=True)
class TelegramConfig:
    token: str = _setting("", "bot token from @BotFather; env BOT_TOKEN wins over this")
    base_url: str = _setting(
        "https://api.telegram.org/bot", "Bot API endpoint; the token is appended", _base_url
    )
    base_file_url: str = _setting("", "file download endpoint; derived from base_url if empty")
    poll_timeout: int = _setting(30, "long-polling timeout in seconds", _positive)
    request_timeout: float = _setting(15.0, "seconds to wait for any other Bot API answer",
                                      _positive)

    @property
    def file_url(self) -> str:
        """The file endpoint: explicit, or base_url with /bot replaced by /file/bot."""
        if self.base_file_url:
            return self.base_file_url
        head, sep, _ = self.base_url.rpartition("/bot")
        return f"{head}/file/bot" if sep else self.base_url.rstrip("/") + "/file/bot"


@dataclass(frozen=True)
class ScheduleConfig:
    daily_tip: tuple[str, ...] = _setting(
        help="local times of the daily bulletin", check=_check_slots, factory=lambda: ("08:30",))
    quiz: tuple[str, ...] = _setting(help="local times of group quizzes", check=_check_slots,
                               factory=lambda: ("fri 19:30",))
    weekly_winners: str = _setting("sun 20:00", "when 本周反诈达人 is announced", _weekday_time)
    missed_grace_minutes: int = _setting(
        120, "a post missed while the bot was down is sent on start within this window",
        _non_negative)

    @property
    def daily_slots(self) -> tuple[Slot, ...]:
        return tuple(parse_slot(s) for s in self.daily_tip)

    @property
    def quiz_slots(self) -> tuple[Slot, ...]:
        return tuple(parse_slot(s) for s in self.quiz)


@dataclass(frozen=True)
class DeliveryConfig:
    per_second: float = _setting(30.0, "bot-wide message rate limit (Telegram: 30/s)", _positive)
    group_per_minute: float = _setting(20.0, "per-group limit (Telegram: 20/min)", _positive)
    safety_margin: float = _setting(
        0.99, "fraction of the limits actually used (headroom for the server's clock)",
        lambda v: None if 0 < v <= 1 else "must be in (0, 1]")
    max_attempts: int = _setting(10, "attempts before a delivery is recorded as failed",
                                 _positive)
    concurrency: int = _setting(64, "sends in flight at once", _positive)


@dataclass(frozen=True)
class TipsConfig:
    no_repeat_days: int = _setting(60, "a tip is not repeated in a group within this many days",
                                   _non_negative)
    four_eyes: bool = _setting(False, "the author of a draft may not approve it")


@dataclass(frozen=True)
class AlertsConfig:
    red_unpin_after_hours: float = _setting(24.0, "red alerts are unpinned after this time",
                                            _non_negative)


@dataclass(frozen=True)
class StatsConfig:
    weekly_report: str = _setting("mon 09:00", "when the weekly scorecard goes to the review chat",
                                  _weekday_time)
    member_count_hours: float = _setting(
        24.0, "group member counts (getChatMemberCount) are refreshed after this", _positive)


def _private_questions(value: int) -> str | None:
    return None if 1 <= value <= 20 else "must be between 1 and 20"


@dataclass(frozen=True)
class QuizConfig:
    cooldown_minutes: float = _setting(
        30.0, "a group waits this long after a quiz before /quiz posts another", _non_negative)
    private_questions: int = _setting(5, "questions in one private quiz (/quiz in private)",
                                      _private_questions)
    points_correct: int = _setting(10, "points for a correct first answer", _positive)
    streak_bonus: int = _setting(
        2, "bonus per day of a streak of days with a correct answer (once a day)", _non_negative)
    streak_cap: int = _setting(10, "the streak bonus never exceeds this", _non_negative)
    no_repeat_days: int = _setting(30, "a question is not asked again in a group within this",
                                   _non_negative)
    top_size: int = _setting(10, "players listed by /top", _positive)
    weekly_top: int = _setting(3, "players named in the weekly 本周反诈达人 post", _positive)
    allow_revoting: bool = _setting(
        False, "let voters change a group quiz answer (only the first answer ever scores)")


def _share(value: float) -> str | None:
    return None if 0 < value <= 1 else "must be in (0, 1]"


@dataclass(frozen=True)
class ReportsConfig:
    daily_limit_per_user: int = _setting(
        5, "a resident's reports checked by officers per day (volunteers: no limit)",
        _non_negative)
    per_minute: int = _setting(
        10, "reports one person may send a minute; more are stored but neither answered one by "
        "one nor sent to officers (0 = no limit)", _non_negative)
    pending_reminder_minutes: float = _setting(
        60.0, "undecided cases are re-announced in the review chat after this (0 = never)",
        _non_negative)
    invite_days: float = _setting(7.0, "a volunteer invite link expires after this many days",
                                  _positive)
    similarity: float = _setting(
        0.6, "text similarity (0..1) at which a report joins a known case", _share)
    card_text_chars: int = _setting(
        800, "characters of the reported text shown on an officer's card",
        lambda v: None if 50 <= v <= 3000 else "must be between 50 and 3000")
    delete_group_command: bool = _setting(
        True, "delete a volunteer's /report command in a group (needs the delete right) so the "
        "group does not see who reported")


@dataclass(frozen=True)
class Config:
    telegram: TelegramConfig = _setting(factory=TelegramConfig)
    timezone: str = _setting("Asia/Shanghai", "IANA time zone for schedules", _timezone)
    locale: str = _setting("zh-CN", "default UI language", _locale)
    database: str = _setting("data/bot.sqlite3", "SQLite file (created if missing)")
    content_dir: str = _setting("content", "folder with tips/, quizzes/, faq.yaml, patterns.yaml")
    officers: tuple[int, ...] = _setting(help="Telegram user ids of officers", factory=tuple)
    review_chat_id: int | None = _setting(None, "officers' group for approvals and report cards")
    schedule: ScheduleConfig = _setting(factory=ScheduleConfig)
    delivery: DeliveryConfig = _setting(factory=DeliveryConfig)
    tips: TipsConfig = _setting(factory=TipsConfig)
    alerts: AlertsConfig = _setting(factory=AlertsConfig)
    quiz: QuizConfig = _setting(factory=QuizConfig)
    reports: ReportsConfig = _setting(factory=ReportsConfig)
    stats: StatsConfig = _setting(factory=StatsConfig)
    source: str = field(default="<defaults>", compare=False)

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    def is_officer(self, user_id: int | None) -> bool:
        """The server-side officer check: config is the only source of officer rights."""
        return user_id is not None and user_id in self.officers

    def resolve(self, path: str) -> Path:
        """A path from the config, relative to the config file's folder."""
        p = Path(path)
        if p.is_absolute() or self.source == "<defaults>":
            return p
        return Path(self.source).resolve().parent / p


def _type_name(tp: Any) -> str:
    origin = typing.get_origin(tp)
    if origin is tuple:
        return f"a list of {_type_name(typing.get_args(tp)[0])}s"
    if origin in (typing.Union, types.UnionType):
        return " or ".join(_type_name(a) for a in typing.get_args(tp))
    return {int: "whole number", float: "number", str: "string", bool: "true/false",
            type(None): "null"}.get(tp, getattr(tp, "__name__", str(tp)))


def _coerce(tp: Any, value: Any) -> tuple[bool, Any]:
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        for arg in typing.get_args(tp):
            ok, out = _coerce(arg, value)
            if ok:
                return True, out
        return False, None
    if origin is tuple:
        inner = typing.get_args(tp)[0]
        if not isinstance(value, list):
            return False, None
        items = [_coerce(inner, v) for v in value]
        return all(ok for ok, _ in items), tuple(v for _, v in items)
    if tp is type(None):
        return value is None, None
    if tp is bool:
        return isinstance(value, bool), value
    if tp is int:
        return isinstance(value, int) and not isinstance(value, bool), value
    if tp is float:
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        return ok, float(value) if ok else None
    if tp is str:
        return isinstance(value, str), value
    return False, None


def _build(cls: type, data: Any, prefix: str, src: str, problems: list[str]) -> Any:
    if data is None:
        data = {}
    if not isinstance(data, dict):
        problems.append(f"{src}: {prefix or 'top level'}: expected a mapping of settings")
        return cls()
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls) if f.name != "source"}
    for key in data:
        if key not in fields:
            near = ", ".join(sorted(fields))
            problems.append(f"{src}: {prefix}{key}: unknown key; valid keys here are: {near}")
    kwargs: dict[str, Any] = {}
    for name, f in fields.items():
        if name not in data:
            continue
        key, tp, value = f"{prefix}{name}", hints[name], data[name]
        if dataclasses.is_dataclass(tp):
            kwargs[name] = _build(tp, value, f"{key}.", src, problems)
            continue
        ok, coerced = _coerce(tp, value)
        if not ok:
            problems.append(
                f"{src}: {key}: {value!r} is not {_type_name(tp)} ({f.metadata['help']})")
            continue
        check = f.metadata.get("check")
        error = check(coerced) if check and coerced is not None else None
        if error:
            problems.append(f"{src}: {key}: {value!r} {error}")
            continue
        kwargs[name] = coerced
    return cls(**kwargs)


def validate(config: Config) -> list[str]:
    """Cross-field rules that no single setting can check."""
    problems = []
    src = config.source
    if config.review_chat_id is not None and config.review_chat_id > 0:
        problems.append(f"{src}: review_chat_id: {config.review_chat_id} is a user id; "
                        "use the officers' group id (negative, e.g. -1001234567890)")
    if len(set(config.officers)) != len(config.officers):
        problems.append(f"{src}: officers: a user id is listed twice")
    if not config.schedule.daily_tip:
        problems.append(f"{src}: schedule.daily_tip: empty; give at least one time like \"08:30\"")
    return problems


def load_config(path: str | os.PathLike[str] | None = None, *, env=None) -> Config:
    """Load and validate the config; raises ConfigError listing every problem."""
    env = os.environ if env is None else env
    path = Path(path or env.get("BOT_CONFIG") or DEFAULT_CONFIG)
    src = str(path)
    if not path.exists():
        raise ConfigError([f"{src}: file not found; pass --config PATH or set BOT_CONFIG"])
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        problem = getattr(exc, "problem", exc)
        raise ConfigError([f"{src}: not valid YAML{where}: {problem}"]) from None
    return config_from_mapping(data, source=src, env=env)


def config_from_mapping(data: Any, *, source: str = "<mapping>", env=None) -> Config:
    """Build a Config from parsed YAML (used by load_config and by tests)."""
    env = os.environ if env is None else env
    problems: list[str] = []
    config = _build(Config, data, "", source, problems)
    config = dataclasses.replace(config, source=source)
    token = env.get("BOT_TOKEN")
    if token:
        config = dataclasses.replace(
            config, telegram=dataclasses.replace(config.telegram, token=token.strip()))
    problems += validate(config)
    if problems:
        raise ConfigError(problems)
    return config


def describe() -> list[tuple[str, str, str]]:
    """(key, default, help) for every setting: the configuration reference."""
    rows: list[tuple[str, str, str]] = []

    def walk(cls: type, prefix: str) -> None:
        for f in dataclasses.fields(cls):
            if f.name == "source":
                continue
            tp = typing.get_type_hints(cls)[f.name]
            if dataclasses.is_dataclass(tp):
                walk(tp, f"{prefix}{f.name}.")
                continue
            default = f.default if f.default is not dataclasses.MISSING else f.default_factory()
            rows.append((f"{prefix}{f.name}", repr(default), f.metadata.get("help", "")))

    walk(Config, "")
    return rows

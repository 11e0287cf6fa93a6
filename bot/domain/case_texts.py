"""What reporters, officers and groups read about a case, as Telegram HTML. Pure.

Every piece of user text is escaped here. Group warnings are built from the case's type and
signs only: they never carry the reported text, the reporter or the sender.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape

from bot.domain.cases import DECIDED, NEED_INFO, NOT_SCAM, SCAM, Case, trim
from bot.i18n import Texts

MAX_SIGNS = 6


def type_label(texts: Texts, lang: str, fraud_type: str | None) -> str:
    if not fraud_type:
        return texts.t("reports.type_unknown", lang)
    return texts.t(f"fraud_type.{fraud_type}", lang)


def risk_label(texts: Texts, lang: str, risk: str) -> str:
    return texts.t(f"reports.risk.{risk if risk in ('red', 'orange', 'yellow') else 'none'}",
                   lang)


def signs(texts: Texts, lang: str, signals: Sequence[str], limit: int = MAX_SIGNS) -> list[str]:
    """Plain-words names of the signs found (the informational 'reminder' left out)."""
    out = []
    for name in signals:
        if name == "reminder":
            continue
        key = f"reports.signal.{name}"
        out.append(texts.t(key, lang) if texts.has(key) else escape(name))
    return out[:limit]


def advice(texts: Texts, lang: str, fraud_type: str | None, risk: str) -> str:
    if risk == "none" or not fraud_type:
        return texts.t("reports.advice.none" if risk == "none" else "reports.advice.other", lang)
    key = f"reports.advice.{fraud_type}"
    return texts.t(key if texts.has(key) else "reports.advice.other", lang)


# ---- the reporter's answer -------------------------------------------------------------------

@dataclass(frozen=True)
class Answer:
    """Everything the reporter is told about a new report."""

    case_id: int
    fraud_type: str | None
    risk: str
    signals: tuple[str, ...]
    has_text: bool
    has_media: bool
    route: str                        # a routing outcome from bot.domain.cases
    verdict: str | None = None        # a known verdict of the case the report joined
    verdict_type: str | None = None
    others: int = 0                   # other people who reported the same case
    daily_limit: int = 0
    group_title: str | None = None    # a report made in a group


def _section(texts: Texts, lang: str, prefix: str):
    """t() for the keys under one prefix, e.g. reports.card.*."""
    def tx(key: str, **kw: object) -> str:
        return texts.t(f"{prefix}.{key}", lang, **kw)
    return tx


def render_answer(texts: Texts, lang: str, a: Answer) -> str:
    """Case number, assessment in plain words, what to do, known verdict, where it went."""
    tx = _section(texts, lang, "reports.answer")
    lines = [tx("received", case=a.case_id)]
    if a.group_title:
        lines.append(tx("from_group", group=escape(a.group_title)))
    if not a.has_text:
        lines.append(tx("no_text_media" if a.has_media else "no_text"))
    elif a.risk == "none":
        lines.append(tx("assessment_none"))
    else:
        lines.append(tx("assessment", type=type_label(texts, lang, a.fraud_type),
                        risk=risk_label(texts, lang, a.risk)))
    found = signs(texts, lang, a.signals)
    if found:
        lines.append(tx("signs", signs="；".join(found) if lang == "zh-CN" else "; ".join(found)))
    if a.verdict == SCAM:
        lines.append(tx("known_scam", type=type_label(texts, lang, a.verdict_type)))
        lines.append(tx("todo", advice=advice(texts, lang, a.verdict_type or "other", "red")))
    elif a.verdict == NOT_SCAM:
        lines.append(tx("known_not_scam"))
    else:
        lines.append(tx("todo", advice=advice(texts, lang, a.fraud_type, a.risk)))
    if a.verdict is None:  # a known verdict needs no officer, and nothing is left to withdraw
        route = "officers" if a.route == "already" and not a.others else a.route
        lines.append(tx(f"route_{route}", others=a.others, limit=a.daily_limit))
        if a.route != "blocked":
            lines.append(tx("privacy"))
    return "\n".join(lines)


# ---- the officers' card ----------------------------------------------------------------------

@dataclass(frozen=True)
class Person:
    user_id: int
    name: str
    role: str


@dataclass(frozen=True)
class Similar:
    case_id: int
    similarity: float
    status: str
    verdict: str | None


@dataclass(frozen=True)
class CardView:
    """A case as the officers see it."""

    case: Case
    reports: int
    reporters: Sequence[Person]
    sources: Sequence[str]            # group titles the message was seen in
    origins: Sequence[dict]           # forward origins / group senders
    media: Sequence[str] = ()         # media types attached
    similar: Sequence[Similar] = ()
    decided_by: str = ""              # officer's name
    decided_at: str = ""              # local time, formatted
    info_by: str = ""
    waiting_minutes: int | None = None  # a re-announcement of a case left waiting
    text_limit: int = 800
    extra: Sequence[str] = field(default_factory=tuple)


def describe_origin(texts: Texts, lang: str, origin: dict) -> str:
    kind = origin.get("type", "")
    name = escape(str(origin.get("name") or origin.get("title") or "?"))
    if kind == "user":
        uid = origin.get("id")
        user = f"@{escape(origin['username'])}" if origin.get("username") else ""
        return texts.t("reports.origin.user", lang, name=name, id=uid or "?",
                       username=user).rstrip()
    if kind in ("hidden_user", "chat", "channel", "group_member"):
        return texts.t(f"reports.origin.{kind}", lang, name=name, id=origin.get("id") or "?")
    return texts.t("reports.origin.direct", lang)


def render_card(texts: Texts, lang: str, v: CardView) -> str:
    c = v.case
    tx = _section(texts, lang, "reports.card")
    lines = []
    if v.waiting_minutes is not None:
        lines.append(tx("waiting", minutes=v.waiting_minutes))
    lines.append(tx("header", case=c.id, risk=risk_label(texts, lang, c.risk),
                    type=type_label(texts, lang, c.fraud_type), score=f"{c.score:.2f}"))
    found = signs(texts, lang, c.signals, limit=10)
    if found:
        lines.append(tx("signs", signs=", ".join(found)))
    lines.append(tx("source", source=", ".join(escape(s) for s in v.sources)
                    if v.sources else tx("source_private")))
    origins = list(dict.fromkeys(describe_origin(texts, lang, o) for o in v.origins if o))
    if origins:
        lines.append(tx("origin", origin="; ".join(origins[:3])))
    people = [tx("person", name=escape(p.name), role=texts.t(f"role.{p.role}", lang),
                 id=p.user_id) for p in v.reporters[:3]]
    more = len(v.reporters) - len(people)
    lines.append(tx("reporters", people=", ".join(people) + (tx("more", count=more)
                                                               if more > 0 else "")))
    lines.append(tx("count", count=v.reports))
    if v.similar:
        lines.append(tx("similar", cases=", ".join(
            tx("similar_one", case=s.case_id, percent=round(s.similarity * 100),
               status=texts.t(f"reports.status.{s.verdict or s.status}", lang))
            for s in v.similar)))
    if c.text:
        lines += ["", f"<blockquote>{escape(trim(c.text, v.text_limit))}</blockquote>"]
    if v.media:
        lines.append(tx("media", media=", ".join(
            texts.t(f"reports.media.{m}", lang) if texts.has(f"reports.media.{m}") else m
            for m in v.media)))
    lines += list(v.extra)
    if c.status == NEED_INFO:
        lines += ["", tx("need_info", officer=escape(v.info_by))]
    if c.status == DECIDED:
        key = "decided_scam" if c.verdict == SCAM else "decided_not_scam"
        lines += ["", tx(key, type=type_label(texts, lang, c.fraud_type),
                         officer=escape(v.decided_by), time=v.decided_at)]
    elif c.status == "withdrawn":
        lines += ["", tx("withdrawn")]
    return "\n".join(lines)


# ---- verdicts and warnings -------------------------------------------------------------------

def render_verdict(texts: Texts, lang: str, case_id: int, verdict: str,
                   fraud_type: str | None) -> str:
    """What every reporter of a case is told when an officer decides it."""
    if verdict == SCAM:
        return texts.t("reports.verdict.scam", lang, case=case_id,
                       type=type_label(texts, lang, fraud_type),
                       advice=advice(texts, lang, fraud_type or "other", "red"))
    return texts.t("reports.verdict.not_scam", lang, case=case_id)


def render_info_request(texts: Texts, lang: str, case_id: int) -> str:
    return texts.t("reports.verdict.need_info", lang, case=case_id)


def render_warning(texts: Texts, lang: str, fraud_type: str | None,
                   signals: Sequence[str]) -> str:
    """The group warning: the scam's type, its signs and what to do — nobody's name, no text."""
    found = signs(texts, lang, signals)
    lines = [texts.t("reports.warning.header", lang),
             texts.t("reports.warning.intro", lang, type=type_label(texts, lang, fraud_type))]
    if found:
        lines.append(texts.t("reports.warning.signs", lang))
        lines += [f"• {s}" for s in found]
    lines += ["", texts.t("reports.warning.todo", lang,
                          advice=advice(texts, lang, fraud_type or "other", "red")),
              "", texts.t("bulletin.reminder", lang)]
    return "\n".join(lines)

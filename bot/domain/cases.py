"""Case rules: who gets a report routed to officers, how a case moves, how a match is chosen.

Pure Python: no Telegram, no database. The handlers and bot/casework.py ask these functions and
do what they say.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from bot.domain.taxonomy import FRAUD_TYPES

# Case states. open: stored, not (yet) in front of officers; pending / need_info: waiting for a
# decision; decided: verdict given; withdrawn: every report of it was withdrawn.
OPEN, PENDING, NEED_INFO, DECIDED, WITHDRAWN = (
    "open", "pending", "need_info", "decided", "withdrawn")
UNDECIDED = (PENDING, NEED_INFO)
SCAM, NOT_SCAM = "scam", "not_scam"
VERDICTS = (SCAM, NOT_SCAM)

RESIDENT, VOLUNTEER, OFFICER = "resident", "volunteer", "officer"
RISK_ORDER = {"none": 0, "yellow": 1, "orange": 2, "red": 3}

# Routing outcomes for one new report.
TO_OFFICERS = "officers"          # a new card goes to the officers
ALREADY_ROUTED = "already"        # its case is already in front of the officers (or decided)
NOT_NEEDED = "not_needed"         # a resident's low-risk report: stored, officers on request
LIMIT_REACHED = "limit"           # a resident's daily quota of officer checks is used up
BLOCKED = "blocked"               # an officer blocked this reporter: stored, never routed
THROTTLED = "throttled"           # over the per-minute limit: stored, not answered one by one


def risk_at_least(risk: str | None, floor: str) -> bool:
    """red ≥ orange ≥ yellow ≥ none."""
    return RISK_ORDER.get(risk or "none", 0) >= RISK_ORDER[floor]


@dataclass(frozen=True)
class RouteInput:
    """What routing looks at for one report."""

    role: str                 # resident | volunteer | officer
    risk: str                 # the analyzer's risk of the report (or of its case)
    case_status: str          # status of the case the report belongs to
    requested: bool = False   # the reporter asked for an officer ("请民警核实")
    blocked: bool = False
    routed_today: int = 0     # the reporter's reports that sent a case to officers today
    daily_limit: int = 5      # 0 = no officer checks on request for residents
    recent: int = 0           # the reporter's reports in the last minute (before this one)
    per_minute: int = 10      # 0 = no per-minute limit


def route(r: RouteInput) -> str:
    """Where a report goes: to officers, nowhere yet, or held back — and why."""
    if r.per_minute and r.recent >= r.per_minute:
        return THROTTLED
    if r.blocked:
        return BLOCKED
    if r.case_status != OPEN:
        return ALREADY_ROUTED
    if r.role in (VOLUNTEER, OFFICER):
        return TO_OFFICERS
    if not (r.requested or risk_at_least(r.risk, "yellow")):
        return NOT_NEEDED
    if r.routed_today >= r.daily_limit:
        return LIMIT_REACHED
    return TO_OFFICERS


def can_withdraw(case_status: str, withdrawn: bool) -> bool:
    """A report can be withdrawn until its case is decided."""
    return not withdrawn and case_status in (OPEN, PENDING, NEED_INFO)


# ---- officer actions on a card ---------------------------------------------------------------

# Callback actions: scam/warn show the fraud-type row; ok/okw decide (okw also warns); no is
# "not a scam"; info asks the reporters for more; back restores the first row; wa widens a
# warning of a decided case to src | area | all.
CARD_ACTIONS = ("scam", "warn", "ok", "okw", "no", "info", "back", "wa")
WARN_SCOPES = ("src", "area", "all")


@dataclass(frozen=True)
class CardAction:
    action: str
    case_id: int
    value: str = ""


def parse_card_action(arg: str, action: str) -> CardAction | None:
    """Validate "<case id>[:<value>]" for an action; None for anything forged or malformed."""
    case, _, value = arg.partition(":")
    if not re.fullmatch(r"[1-9]\d{0,11}", case):
        return None
    if action in ("ok", "okw"):
        if value not in FRAUD_TYPES:
            return None
    elif action == "wa":
        if value not in WARN_SCOPES:
            return None
    elif value:
        return None
    return CardAction(action, int(case), value)


def check_action(status: str, action: str) -> str | None:
    """None when the action may run on a case in this status, else why not.

    "decided": someone already decided (the first decision wins); "not_routed": the case never
    reached the officers (forged data); "withdrawn"; "not_decided": widening a warning needs a
    verdict first; "already_info": more information was already asked for.
    """
    if status == WITHDRAWN:
        return "withdrawn"
    if action == "wa":
        return None if status == DECIDED else "not_decided"
    if status == DECIDED:
        return "decided"
    if status == OPEN:
        return "not_routed"
    if action == "info" and status == NEED_INFO:
        return "already_info"
    return None


def decision_of(action: str) -> tuple[str, bool] | None:
    """(verdict, warn the group) for a deciding action; None for a non-deciding one."""
    return {"ok": (SCAM, False), "okw": (SCAM, True), "no": (NOT_SCAM, False)}.get(action)


# ---- matching known cases --------------------------------------------------------------------

@dataclass(frozen=True)
class Candidate:
    """A known case the index found: how similar, and whether it shares a confirmed indicator."""

    case_id: int
    similarity: float
    shared: tuple[str, ...] = ()


def choose_link(candidates: Iterable[Candidate], statuses: Mapping[int, str], *,
                threshold: float) -> Candidate | None:
    """The case a new report joins: a near-duplicate, or a case sharing a confirmed indicator.

    Decided cases win over undecided ones (their verdict can be given at once), then the more
    similar text. Withdrawn and unknown cases are never joined.
    """
    usable = [c for c in candidates
              if statuses.get(c.case_id) not in (None, WITHDRAWN)
              and (c.similarity >= threshold or c.shared)]
    if not usable:
        return None
    return max(usable, key=lambda c: (statuses[c.case_id] == DECIDED, c.similarity,
                                      bool(c.shared), -c.case_id))


def similar_to_show(candidates: Iterable[Candidate], linked: int | None, *, floor: float,
                    limit: int = 3) -> list[Candidate]:
    """Other cases worth showing an officer on a card (not the one the report joined)."""
    out = [c for c in candidates if c.case_id != linked and (c.similarity >= floor or c.shared)]
    return sorted(out, key=lambda c: (-c.similarity, c.case_id))[:limit]


# ---- /warn ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class WarnRequest:
    case_id: int
    scope: str      # src | area | all
    area: str = ""


def parse_warn_args(args: list[str]) -> WarnRequest | None:
    """`/warn <case> [area=…|all]` → WarnRequest; None when malformed."""
    if not args or len(args) > 2:
        return None
    case = args[0].lstrip("#")
    if not re.fullmatch(r"[1-9]\d{0,11}", case):
        return None
    if len(args) == 1:
        return WarnRequest(int(case), "src")
    scope = args[1].strip()
    if scope.lower() == "all":
        return WarnRequest(int(case), "all")
    if scope.lower().startswith("area=") and scope[5:].strip():
        return WarnRequest(int(case), "area", scope[5:].strip()[:64])
    return None


def parse_user_id(args: list[str]) -> int | None:
    """The one numeric Telegram user id of /revoke, /block, /unblock."""
    if len(args) != 1 or not re.fullmatch(r"[1-9]\d{0,15}", args[0]):
        return None
    return int(args[0])


def merge_indicators(a: Mapping[str, list[str]], b: Mapping[str, list[str]]
                     ) -> dict[str, list[str]]:
    """Union of two indicator dicts (to_dict() form), order kept, duplicates dropped."""
    out: dict[str, list[str]] = {}
    for key in (*a.keys(), *b.keys()):
        out[key] = list(dict.fromkeys([*(a.get(key) or []), *(b.get(key) or [])]))
    return out


def trim(text: str, limit: int) -> str:
    """At most `limit` characters, with an ellipsis when cut."""
    text = text.strip()
    return text if len(text) <= limit else text[: max(0, limit - 1)].rstrip() + "…"


# ---- the records ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Case:
    """One distinct suspicious message, however many people reported it."""

    id: int
    status: str
    verdict: str | None
    fraud_type: str | None
    risk: str
    score: float
    signals: tuple[str, ...]
    indicators: dict[str, list[str]]
    fingerprint: str
    text: str
    has_media: bool
    created_at: float
    routed_at: float | None = None
    reminded_at: float | None = None
    decided_by: int | None = None
    decided_at: float | None = None
    info_by: int | None = None
    warned_at: float | None = None
    warn_scope: str | None = None

    @property
    def undecided(self) -> bool:
        return self.status in UNDECIDED


@dataclass(frozen=True)
class Report:
    """One person's report of a message (a forward, /report text, a group /report)."""

    id: int
    case_id: int | None
    reporter_id: int
    reporter_role: str
    kind: str                       # forward | command | group | supplement
    chat_id: int
    message_id: int | None
    source_chat_id: int | None
    text: str
    media: tuple[dict, ...]
    origin: dict
    routed: bool
    throttled: bool
    withdrawn: bool
    notified: str | None
    created_at: float

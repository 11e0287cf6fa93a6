"""Quiz questions: the data model, validation against Telegram's poll limits, and selection. Pure.

Limits are Telegram's for quiz polls (question 300, options 2-6 of at most 100, explanation 200
characters, counted in UTF-16 code units as Telegram does).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.domain.taxonomy import AUDIENCES, FRAUD_TYPES

ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{1,47}$")
QUESTION_MAX, OPTION_MAX, EXPLANATION_MAX = 300, 100, 200
OPTIONS_MIN, OPTIONS_MAX = 2, 6
DIFFICULTIES = (1, 2, 3)
MIN_PER_TYPE = 5
RECENT_TYPES = 3  # a group's next question avoids the fraud types of its last three
_KEYS = {"id", "question", "options", "correct", "explanation", "fraud_type", "audiences",
         "difficulty"}


def utf16_len(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


@dataclass(frozen=True)
class Question:
    id: str
    question: str
    options: tuple[str, ...]
    correct: tuple[int, ...]
    explanation: str
    fraud_type: str
    audiences: tuple[str, ...]
    difficulty: int = 1

    @property
    def single(self) -> bool:
        """One correct option (private quizzes answer with one button press)."""
        return len(self.correct) == 1


def _text(raw: dict, key: str, limit: int, where: str, p: list[str]) -> str | None:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        p.append(f"{where}.{key}: missing or empty")
        return None
    if utf16_len(value.strip()) > limit:
        p.append(f"{where}.{key}: too long ({utf16_len(value.strip())} > {limit}, "
                 "Telegram's limit)")
    return value.strip()


def _options(raw: dict, where: str, p: list[str]) -> tuple[str, ...]:
    options = raw.get("options")
    if not isinstance(options, list) or not OPTIONS_MIN <= len(options) <= OPTIONS_MAX:
        p.append(f"{where}.options: want a list of {OPTIONS_MIN}-{OPTIONS_MAX} options")
        return ()
    out = []
    for i, option in enumerate(options):
        if not isinstance(option, str | int | float) or not str(option).strip():
            p.append(f"{where}.options[{i}]: missing or empty")
            continue
        text = str(option).strip()
        if utf16_len(text) > OPTION_MAX:
            p.append(f"{where}.options[{i}]: too long ({utf16_len(text)} > {OPTION_MAX})")
        out.append(text)
    if len(set(out)) != len(out):
        p.append(f"{where}.options: two options are the same")
    return tuple(out)


def _correct(raw: dict, n_options: int, where: str, p: list[str]) -> tuple[int, ...]:
    correct = raw.get("correct")
    if isinstance(correct, int) and not isinstance(correct, bool):
        correct = [correct]
    if (not isinstance(correct, list) or not correct
            or not all(isinstance(i, int) and not isinstance(i, bool) for i in correct)):
        p.append(f"{where}.correct: want a list of option indices from 0, e.g. [2]")
        return ()
    if len(set(correct)) != len(correct):
        p.append(f"{where}.correct: an index is listed twice")
    if n_options:
        bad = [i for i in correct if not 0 <= i < n_options]
        if bad:
            p.append(f"{where}.correct: {bad} out of range (0-{n_options - 1})")
        elif len(correct) >= n_options:
            p.append(f"{where}.correct: every option is correct; leave one wrong at least")
    return tuple(sorted(set(correct)))


def parse_question(raw: object, where: str) -> tuple[Question | None, list[str]]:
    """Validate one question mapping; returns the Question (None if unusable) and problems."""
    if not isinstance(raw, dict):
        return None, [f"{where}: expected a mapping with id, question, options, correct, "
                      "explanation, fraud_type, audiences, difficulty"]
    p: list[str] = [f"{where}.{k}: unknown key" for k in sorted(set(raw) - _KEYS, key=str)]
    qid = raw.get("id")
    if not isinstance(qid, str) or not ID_RE.match(qid):
        p.append(f"{where}.id: {qid!r} must be lowercase letters, digits and '-' (2-48)")
    question = _text(raw, "question", QUESTION_MAX, where, p)
    options = _options(raw, where, p)
    correct = _correct(raw, len(options), where, p)
    explanation = _text(raw, "explanation", EXPLANATION_MAX, where, p)
    if raw.get("fraud_type") not in FRAUD_TYPES:
        p.append(f"{where}.fraud_type: {raw.get('fraud_type')!r} is not one of "
                 f"{', '.join(FRAUD_TYPES)}")
    audiences = raw.get("audiences")
    if (not isinstance(audiences, list) or not audiences
            or not all(isinstance(a, str) for a in audiences)):
        p.append(f"{where}.audiences: give a non-empty list from {', '.join(AUDIENCES)}")
        audiences = []
    p += [f"{where}.audiences: unknown audience {a!r} (use {', '.join(AUDIENCES)})"
          for a in audiences if a not in AUDIENCES]
    difficulty = raw.get("difficulty", 1)
    if difficulty not in DIFFICULTIES or isinstance(difficulty, bool):
        p.append(f"{where}.difficulty: {difficulty!r} must be 1, 2 or 3")
    if p:
        return None, p
    return Question(id=qid, question=question, options=options, correct=correct,
                    explanation=explanation, fraud_type=raw["fraud_type"],
                    audiences=tuple(audiences), difficulty=difficulty), []


def parse_questions(data: object, src: str) -> tuple[list[Question], list[str]]:
    """One quiz file ({questions: [...]}) -> its questions and every problem, named by key."""
    items = data.get("questions") if isinstance(data, dict) else None
    if not isinstance(items, list):
        return [], [f"{src}: questions: expected a list under the key 'questions'"]
    out, problems = [], []
    for i, raw in enumerate(items):
        question, errs = parse_question(raw, f"{src}: questions[{i}]")
        problems += errs
        if question is not None:
            out.append(question)
    return out, problems


def coverage_problems(questions: Iterable[Question], src: str) -> list[str]:
    """Every fraud type needs at least MIN_PER_TYPE questions."""
    by_type = Counter(q.fraud_type for q in questions)
    return [f"{src}: fraud_type {ft}: {by_type[ft]} questions, need at least {MIN_PER_TYPE}"
            for ft in FRAUD_TYPES if by_type[ft] < MIN_PER_TYPE]


# ---- selection -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Asked:
    """A question a group was given, and when."""

    question_id: str
    fraud_type: str
    at: dt.datetime


def _order(salt: object, day: dt.date, qid: str) -> bytes:
    return hashlib.sha256(f"{salt}:{day}:{qid}".encode()).digest()


def pick_for_group(bank: Iterable[Question], audiences: Sequence[str], history: Sequence[Asked],
                   now: dt.datetime, *, no_repeat_days: int, salt: object = 0
                   ) -> Question | None:
    """The next question for a group: its audience, not asked recently, a fresh fraud type.

    Questions not asked within no_repeat_days come first (never asked before the rest); when
    the group has had them all, the least recently asked. Among those, fraud types of the last
    few questions wait. The choice is deterministic for a group, a day and a history.
    """
    bank = list(bank)
    eligible = [q for q in bank if set(q.audiences) & set(audiences)] or bank
    if not eligible:
        return None
    last: dict[str, dt.datetime] = {}
    for asked in history:
        if asked.question_id not in last or asked.at > last[asked.question_id]:
            last[asked.question_id] = asked.at
    window = dt.timedelta(days=no_repeat_days)
    pool = [q for q in eligible if q.id not in last or now - last[q.id] >= window]
    if not pool:
        oldest = min(last[q.id] for q in eligible)
        pool = [q for q in eligible if last[q.id] == oldest]
    recent = [a.fraud_type for a in sorted(history, key=lambda a: a.at, reverse=True)]
    pool = [q for q in pool if q.fraud_type not in recent[:RECENT_TYPES]] or pool
    pool = [q for q in pool if q.id not in last] or pool
    return min(pool, key=lambda q: _order(salt, now.date(), q.id))


def _spread(pool: list[Question], n: int, rng: random.Random) -> list[Question]:
    """n questions from pool, as many different fraud types as possible, in random order."""
    pool = pool[:]
    rng.shuffle(pool)
    picked: list[Question] = []
    types: set[str] = set()
    for q in pool:
        if len(picked) < n and q.fraud_type not in types:
            picked.append(q)
            types.add(q.fraud_type)
    picked += [q for q in pool if q not in picked][:n - len(picked)]
    rng.shuffle(picked)
    return picked


def pick_for_user(bank: Iterable[Question], seen: set[str], n: int, rng: random.Random
                  ) -> tuple[list[Question], bool]:
    """n questions for a private quiz that the user has not seen in this round of the bank.

    Returns (questions, reset): reset is True when the bank was used up, so a new round starts
    and the caller forgets what the user has seen (the questions picked now open the new round).
    """
    eligible = [q for q in bank if q.single]
    unseen = [q for q in eligible if q.id not in seen]
    if len(unseen) >= n:
        return _spread(unseen, n, rng), False
    picked = _spread(unseen, n, rng)
    picked += _spread([q for q in eligible if q not in picked], n - len(picked), rng)
    return picked, True

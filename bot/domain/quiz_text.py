"""Quiz, leaderboard and FAQ messages, rendered as Telegram HTML. Pure.

Every piece of content or user text is escaped here; the templates come from the locale files.
"""

from __future__ import annotations

from html import escape

from bot.domain.faq import FaqEntry
from bot.domain.quiz import Question
from bot.domain.scoring import Standing
from bot.i18n import Texts

LETTERS = "ABCDEFGHIJKL"
MEDALS = ("🥇", "🥈", "🥉")


def poll_payload(question: Question, *, allow_revoting: bool = False) -> dict:
    """sendPoll arguments of a group quiz (without chat_id), JSON-safe for the outbox.

    The bot's default parse mode (HTML) applies to question, options and explanation, so all
    three are escaped. is_anonymous=False: Telegram then sends poll_answer updates to score.
    """
    payload = {
        "question": escape(question.question),
        "options": [escape(o) for o in question.options],
        "type": "quiz",
        "is_anonymous": False,
        "correct_option_ids": list(question.correct),
        "explanation": escape(question.explanation),
    }
    if len(question.correct) > 1:
        payload["allows_multiple_answers"] = True
    if allow_revoting:
        payload["allows_revoting"] = True
    return payload


def letters(indices: tuple[int, ...] | list[int]) -> str:
    return "、".join(LETTERS[i] for i in indices)


def render_question(texts: Texts, lang: str, question: Question, n: int, total: int) -> str:
    """A private quiz question: number, fraud type, text and lettered options."""
    options = "\n".join(f"{LETTERS[i]}. {escape(o)}" for i, o in enumerate(question.options))
    return texts.t("quiz.question", lang, n=n, total=total,
                   type=texts.t(f"fraud_type.{question.fraud_type}", lang),
                   question=escape(question.question), options=options)


def render_verdict(texts: Texts, lang: str, question: Question, correct: bool, points: int,
                   bonus: int) -> str:
    """Right or wrong, the points, and the explanation."""
    if correct:
        key = "quiz.right_bonus" if bonus else "quiz.right"
        verdict = texts.t(key, lang, points=points, bonus=bonus)
    else:
        verdict = texts.t("quiz.wrong", lang, answer=letters(question.correct))
    return verdict + "\n" + texts.t("quiz.explanation", lang,
                                    explanation=escape(question.explanation))


def render_board(texts: Texts, lang: str, ranked: list[tuple[int, Standing]],
                 names: dict[int, str]) -> str:
    """Leaderboard rows: medal or place, escaped name, points, correct/answered."""
    if not ranked:
        return texts.t("quiz.top_empty", lang)
    rows = []
    for place, s in ranked:
        medal = MEDALS[place - 1] if place <= len(MEDALS) else f"{place}."
        rows.append(texts.t("quiz.top_row", lang, medal=medal,
                            name=escape(names.get(s.user_id, str(s.user_id))),
                            points=s.points, correct=s.correct, answered=s.answered))
    return "\n".join(rows)


def render_faq(texts: Texts, lang: str, entry: FaqEntry) -> str:
    """An FAQ answer: the question in bold, then the plain-text answer, escaped."""
    return texts.t("faq.answer", lang, question=escape(entry.question),
                   answer=escape(entry.answer))


def button_label(text: str, limit: int = 30) -> str:
    """A short button label (buttons are plain text: no escaping)."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"

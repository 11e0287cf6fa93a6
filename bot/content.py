"""Content (tips, seasons, quizzes, FAQ, patterns): loaded once at start, validated by `check`."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.detect import Patterns, load_patterns, validate_patterns
from bot.domain.faq import FaqIndex, load_faq, validate_faq
from bot.domain.quiz import Question, coverage_problems, parse_questions
from bot.domain.taxonomy import AUDIENCES, FRAUD_TYPES
from bot.domain.tips import Season, Tip, parse_seasons, parse_tip

log = logging.getLogger(__name__)

MIN_TIPS_PER_TYPE = 6
MIN_TIPS_PER_AUDIENCE = 15


@dataclass
class Content:
    """Everything under content_dir, parsed; `problems` lists what was wrong with it."""

    folder: Path
    tips: dict[str, Tip] = field(default_factory=dict)
    seasons: dict[str, Season] = field(default_factory=dict)
    quizzes: dict[str, Question] = field(default_factory=dict)
    faq: FaqIndex = field(default_factory=lambda: FaqIndex([]))
    patterns: Patterns | None = None  # None: the analyzer's shipped patterns.yaml
    problems: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    def summary(self) -> list[str]:
        by_type = Counter(t.fraud_type for t in self.tips.values())
        lines = [f"tips: {len(self.tips)} in {len(by_type)} fraud types, "
                 f"{len(self.seasons)} seasons"]
        quiz_types = Counter(q.fraud_type for q in self.quizzes.values())
        lines.append(f"quizzes: {len(self.quizzes)} questions in {len(quiz_types)} fraud types")
        lines.append(f"faq: {len(self.faq.entries)} entries")
        if self.patterns is not None:
            lines.append(f"patterns: {len(self.patterns.types)} fraud types, "
                         f"{len(self.patterns.signals)} signals")
        return lines


def read_yaml(path: Path, problems: list[str]) -> Any:
    """Parse one YAML file; a problem (not an exception) when it is unreadable."""
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        problems.append(f"{path}: missing")
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark else ""
        problems.append(f"{path}:{where} not valid YAML: {getattr(exc, 'problem', exc)}")
    return None


def yaml_files(folder: Path, problems: list[str]) -> Iterator[tuple[Path, Any]]:
    """(path, parsed data) of every readable *.yaml in a content sub-folder; none is a problem."""
    files = sorted(folder.glob("*.yaml"))
    if not files:
        problems.append(f"{folder}: no content files (*.yaml)")
    for path in files:
        data = read_yaml(path, problems)
        if data is not None:
            yield path, data


def load_tips(folder: Path, seasons: dict[str, Season], problems: list[str]) -> dict[str, Tip]:
    """Every tips/*.yaml file; duplicate ids and bad fields become problems."""
    tips: dict[str, Tip] = {}
    for path, data in yaml_files(folder / "tips", problems):
        items = data.get("tips") if isinstance(data, dict) else None
        if not isinstance(items, list):
            problems.append(f"{path}: tips: expected a list under the key 'tips'")
            continue
        for i, raw in enumerate(items):
            tip, errs = parse_tip(raw, f"{path}: tips[{i}]", seasons)
            problems.extend(errs)
            if tip is None:
                continue
            if tip.id in tips:
                problems.append(f"{path}: tips[{i}].id: duplicate id {tip.id!r}")
                continue
            tips[tip.id] = tip
    return tips


def tip_coverage_problems(tips: dict[str, Tip], folder: Path) -> list[str]:
    """The library must cover every fraud type and audience well enough to rotate."""
    out = []
    by_type = Counter(t.fraud_type for t in tips.values())
    by_audience = Counter(a for t in tips.values() for a in t.audiences)
    for ft in FRAUD_TYPES:
        if by_type[ft] < MIN_TIPS_PER_TYPE:
            out.append(f"{folder / 'tips'}: fraud_type {ft}: {by_type[ft]} tips, "
                       f"need at least {MIN_TIPS_PER_TYPE}")
    for aud in AUDIENCES:
        if by_audience[aud] < MIN_TIPS_PER_AUDIENCE:
            out.append(f"{folder / 'tips'}: audience {aud}: {by_audience[aud]} tips, "
                       f"need at least {MIN_TIPS_PER_AUDIENCE}")
    return out


def load_quizzes(folder: Path, problems: list[str]) -> dict[str, Question]:
    """Every quizzes/*.yaml file: Telegram's poll limits, unique ids, >= 5 per fraud type."""
    questions: dict[str, Question] = {}
    for path, data in yaml_files(folder / "quizzes", problems):
        parsed, errs = parse_questions(data, str(path))
        problems.extend(errs)
        for i, question in enumerate(parsed):
            if question.id in questions:
                problems.append(f"{path}: questions[{i}].id: duplicate id {question.id!r}")
                continue
            questions[question.id] = question
    if any((folder / "quizzes").glob("*.yaml")):  # an empty folder is reported once, above
        problems.extend(coverage_problems(questions.values(), str(folder / "quizzes")))
    return questions


def load_faq_index(folder: Path, problems: list[str]) -> FaqIndex:
    """faq.yaml, validated entry by entry; an empty index when it is unusable."""
    path = folder / "faq.yaml"
    data = read_yaml(path, problems)
    if data is None:
        return FaqIndex([])
    errs = validate_faq(data)
    if errs:
        problems.extend(str(path) + e.removeprefix("faq.yaml") for e in errs)
        return FaqIndex([])
    return FaqIndex(load_faq(data))


def load_patterns_file(folder: Path, problems: list[str]) -> Patterns | None:
    """patterns.yaml (the analyzer's rules), validated; None when it is unusable."""
    path = folder / "patterns.yaml"
    data = read_yaml(path, problems)
    if data is None:
        return None
    errs = validate_patterns(data)
    if errs:
        problems.extend(str(path) + e.removeprefix("patterns.yaml") for e in errs)
        return None
    return load_patterns(data)


def load_content(folder: str | Path) -> Content:
    """Load and validate all content; never raises for bad content (see .problems)."""
    folder = Path(folder)
    content = Content(folder=folder)
    if not folder.is_dir():
        content.problems.append(f"{folder}: content folder not found (config key content_dir)")
        return content
    seasons_data = read_yaml(folder / "seasons.yaml", content.problems)
    if seasons_data is not None:
        content.seasons, errs = parse_seasons(seasons_data, str(folder / "seasons.yaml"))
        content.problems += errs
    content.tips = load_tips(folder, content.seasons, content.problems)
    content.problems += tip_coverage_problems(content.tips, folder)
    content.quizzes = load_quizzes(folder, content.problems)
    content.faq = load_faq_index(folder, content.problems)
    content.patterns = load_patterns_file(folder, content.problems)
    return content

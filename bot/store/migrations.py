"""Schema migrations: bot/store/schema/NNN_name.sql, applied in order at start.

PRAGMA user_version records how many have been applied. Never edit a shipped migration: add the
next number. One file per feature keeps parallel work from colliding.
"""

from __future__ import annotations

import re
from pathlib import Path

SCHEMA_DIR = Path(__file__).parent / "schema"
_NAME = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")


def load_migrations(folder: Path = SCHEMA_DIR) -> list[str]:
    """The migration scripts in order; their numbers must run 1, 2, 3 … without gaps."""
    files = sorted(p for p in folder.iterdir() if _NAME.match(p.name))
    for expected, path in enumerate(files, start=1):
        if int(_NAME.match(path.name)[1]) != expected:
            raise RuntimeError(f"{path}: expected migration number {expected:03d}")
    return [p.read_text(encoding="utf-8") for p in files]


MIGRATIONS: list[str] = load_migrations()

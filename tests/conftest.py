"""Shared fixtures: a real SQLite database on a temporary path; the simulator and the bot."""

from __future__ import annotations

import pytest

from bot.store.db import Database

pytest_plugins = ["tests.helpers"]


@pytest.fixture
async def db(tmp_path):
    database = await Database(tmp_path / "test.sqlite3").connect()
    yield database
    await database.close()

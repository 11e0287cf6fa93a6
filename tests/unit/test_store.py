"""Storage on real SQLite: migrations, groups, users, tips, the outbox."""

import datetime as dt

from bot.domain.tips import Tip
from bot.store.db import Database
from bot.store.groups import GroupRepo
from bot.store.migrations import MIGRATIONS
from bot.store.outbox import OutboxItem, OutboxRepo
from bot.store.tips import TipRepo
from bot.store.users import KV, UserRepo


async def test_migrations_apply_once_and_survive_reopen(tmp_path):
    path = tmp_path / "x.sqlite3"
    db = await Database(path).connect()
    assert await db.version() == len(MIGRATIONS)
    assert await db.fetchval("PRAGMA journal_mode") == "wal"
    await GroupRepo(db).register(-100, "楼群", "supergroup", "neighbourhood", "幸福里", 1)
    await db.close()
    db = await Database(path).connect()  # reopening applies nothing twice and keeps data
    assert await db.version() == len(MIGRATIONS)
    group = await GroupRepo(db).get(-100)
    assert group.group_type == "neighbourhood" and group.area == "幸福里"
    await db.close()


async def test_group_lifecycle_and_migration(db):
    groups, tips, outbox = GroupRepo(db), TipRepo(db), OutboxRepo(db)
    await groups.joined(-1, "家长群", "group", can_pin=False)
    assert not (await groups.get(-1)).registered
    await groups.register(-1, "家长群", "group", "parents", "三年级", 7)
    await groups.update_settings(-1, daily_times=["07:45:00"], daily_days="mon-fri")
    tip = Tip("t1", "T", "B", "other", ("general",))
    await tips.sync_content([tip])
    await tips.record_post(-1, dt.date(2026, 1, 1), tip, 1)
    await outbox.enqueue([OutboxItem(-1, "daily", "send_message", {"text": "x"}, "k1")])
    await groups.migrate(-1, -1001)
    assert await groups.get(-1) is None
    moved = await groups.get(-1001)
    assert moved.group_type == "parents" and moved.daily_times == ("07:45:00",)
    assert moved.chat_type == "supergroup" and moved.daily_days == "mon-fri"
    assert await tips.posted_on(-1001, dt.date(2026, 1, 1)) == "t1"
    assert (await outbox.claim_due(10))[0].chat_id == -1001
    assert await groups.left(-1001) is True
    assert await groups.left(-1001) is False
    assert await groups.active_registered() == []
    await groups.joined(-1001, "家长群", "supergroup", can_pin=True)
    again = await groups.get(-1001)
    assert again.active and again.registered and again.bot_can_pin


async def test_users_and_kv(db):
    users, kv = UserRepo(db), KV(db)
    await users.seen(5, "小王", None, "xw", "zh-hans", private=False)
    await users.seen(5, "小王", "Li", "xw", None, private=True)
    user = await users.get(5)
    assert user.started and user.language_code == "zh-hans" and user.display_name == "小王 Li"
    await users.seen(5, "小王", None, "xw", "en", private=False)
    assert (await users.get(5)).started  # once started, stays started
    await kv.set("a", "1")
    await kv.set("a", "2")
    assert await kv.get("a") == "2" and await kv.get("b", "d") == "d"


async def test_shipped_tips_sync_keeps_retired_and_officer_tips(db):
    tips = TipRepo(db)
    a, b = Tip("a", "A", "x", "other", ("general",)), Tip("b", "B", "y", "romance", ("elderly",))
    await tips.sync_content([a, b])
    assert await tips.retire("a", 9)
    await tips.sync_content([a, b])
    assert [t.id for t in await tips.approved()] == ["b"]
    await tips.add_draft(Tip("o-1", "O", "z", "other", ("general",)), author_id=3)
    assert await tips.review("o-1", "approved", 9) is True
    assert await tips.review("o-1", "rejected", 10) is False  # the first decision wins
    record = await tips.get("o-1")
    assert record.status == "approved" and record.reviewed_by == 9


async def test_outbox_dedupes_claims_and_resumes(db):
    outbox = OutboxRepo(db)
    items = [OutboxItem(-i, "daily", "send_message", {"text": "t"}, f"daily:{-i}:2026-01-01")
             for i in range(1, 4)]
    bid, ids = await outbox.enqueue(items, broadcast={"kind": "daily", "created_by": 1})
    assert all(ids)
    _, again = await outbox.enqueue(items)
    assert again == [None, None, None]  # the same day's post is never queued twice
    claimed = await outbox.claim_due(2)
    assert len(claimed) == 2 and await outbox.claim_due(0) == []
    assert await outbox.reset_inflight() == 2  # a crash left two 'sending'
    claimed = await outbox.claim_due(10)
    assert len(claimed) == 3
    await outbox.mark_sent(claimed[0].id, 11, None)
    await outbox.mark_failed(claimed[1].id, "forbidden: kicked")
    assert not await outbox.claim_report(bid)  # one still in flight
    await outbox.mark_sent(claimed[2].id, 12, None)
    assert await outbox.claim_report(bid) and not await outbox.claim_report(bid)
    status = await outbox.broadcast_status(bid)
    assert (status.total, status.sent, status.failed) == (3, 2, 1)
    assert status.failures == [(claimed[1].chat_id, "forbidden: kicked")]

"""Schema migrations, applied in order at start; PRAGMA user_version records how far we got.

Never edit a shipped migration: append a new one.
"""

MIGRATIONS: list[str] = [
    # 1 — foundation: groups, users, key/value state
    """
    CREATE TABLE groups (
        chat_id        INTEGER PRIMARY KEY,
        title          TEXT NOT NULL DEFAULT '',
        chat_type      TEXT NOT NULL DEFAULT 'group',      -- Telegram: group | supergroup
        group_type     TEXT,                              -- audience type; NULL = unregistered
        area           TEXT NOT NULL DEFAULT '',
        active         INTEGER NOT NULL DEFAULT 1,         -- the bot is a member
        registered_by  INTEGER,
        registered_at  REAL,
        joined_at      REAL,
        left_at        REAL,
        daily_times    TEXT,                              -- JSON list of times; NULL = config
        daily_days     TEXT,                              -- "mon-fri" etc., NULL = every day
        daily_enabled  INTEGER NOT NULL DEFAULT 1,
        quiz_times     TEXT,                              -- JSON list of slots; NULL = config
        quiz_enabled   INTEGER NOT NULL DEFAULT 1,
        bot_can_pin    INTEGER NOT NULL DEFAULT 0,
        member_count   INTEGER,
        member_count_at REAL,
        migrated_from  INTEGER,
        updated_at     REAL
    );
    CREATE INDEX groups_type_area ON groups (group_type, area);

    CREATE TABLE users (
        user_id        INTEGER PRIMARY KEY,
        first_name     TEXT NOT NULL DEFAULT '',
        last_name      TEXT NOT NULL DEFAULT '',
        username       TEXT,
        language_code  TEXT,
        role           TEXT NOT NULL DEFAULT 'resident',   -- resident | volunteer
        area           TEXT NOT NULL DEFAULT '',
        started        INTEGER NOT NULL DEFAULT 0,         -- has a private chat with the bot
        blocked        INTEGER NOT NULL DEFAULT 0,         -- blocked by an officer from reporting
        hide_from_top  INTEGER NOT NULL DEFAULT 0,
        created_at     REAL NOT NULL,
        last_seen_at   REAL NOT NULL
    );

    CREATE TABLE kv (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    """,
    # 2 — tips, their approval trail, per-group history; the outbox that carries every group post
    """
    CREATE TABLE tips (
        id           TEXT PRIMARY KEY,
        title        TEXT NOT NULL,
        body         TEXT NOT NULL,
        fraud_type   TEXT NOT NULL,
        audiences    TEXT NOT NULL,                        -- JSON list
        tags         TEXT NOT NULL DEFAULT '[]',           -- JSON list
        season       TEXT,
        advice       TEXT,
        source       TEXT NOT NULL,                        -- content | officer
        status       TEXT NOT NULL,                        -- draft | approved | rejected | retired
        author_id    INTEGER,
        reviewed_by  INTEGER,
        reviewed_at  REAL,
        review_note  TEXT,
        created_at   REAL NOT NULL,
        updated_at   REAL NOT NULL
    );
    CREATE INDEX tips_status ON tips (status);

    CREATE TABLE tip_history (
        chat_id     INTEGER NOT NULL,
        day         TEXT NOT NULL,                         -- local date YYYY-MM-DD
        tip_id      TEXT NOT NULL,
        fraud_type  TEXT NOT NULL,
        outbox_id   INTEGER,
        PRIMARY KEY (chat_id, day)
    );
    CREATE INDEX tip_history_tip ON tip_history (chat_id, tip_id);

    CREATE TABLE pinned_tips (
        day     TEXT PRIMARY KEY,
        tip_id  TEXT NOT NULL,
        set_by  INTEGER NOT NULL,
        set_at  REAL NOT NULL
    );

    CREATE TABLE broadcasts (
        id          INTEGER PRIMARY KEY,
        kind        TEXT NOT NULL,                         -- daily | alert | quiz | warning
        created_by  INTEGER,
        created_at  REAL NOT NULL,
        summary     TEXT NOT NULL DEFAULT '',
        meta        TEXT NOT NULL DEFAULT '{}',            -- JSON: level, filters, report chat …
        total       INTEGER NOT NULL DEFAULT 0,
        reported_at REAL                                   -- when the delivery report went out
    );

    CREATE TABLE alerts (
        id           INTEGER PRIMARY KEY,
        level        TEXT NOT NULL,                        -- red | orange | yellow
        text         TEXT NOT NULL,
        area         TEXT,
        group_type   TEXT,
        created_by   INTEGER NOT NULL,
        created_at   REAL NOT NULL,
        status       TEXT NOT NULL DEFAULT 'draft',        -- draft | sent | cancelled
        decided_at   REAL,
        broadcast_id INTEGER
    );

    CREATE TABLE outbox (
        id            INTEGER PRIMARY KEY,
        broadcast_id  INTEGER REFERENCES broadcasts (id),
        kind          TEXT NOT NULL,
        chat_id       INTEGER NOT NULL,
        method        TEXT NOT NULL,                       -- send_message | send_poll | …
        payload       TEXT NOT NULL,                       -- JSON keyword arguments
        dedupe_key    TEXT UNIQUE,                         -- e.g. daily:<chat>:<date>
        status        TEXT NOT NULL DEFAULT 'pending',     -- pending | sending | sent | failed
        attempts      INTEGER NOT NULL DEFAULT 0,
        not_before    REAL NOT NULL,
        created_at    REAL NOT NULL,
        sent_at       REAL,
        message_id    INTEGER,
        error         TEXT,
        pin           INTEGER NOT NULL DEFAULT 0,          -- pin after sending (red alerts)
        unpin_at      REAL,
        unpinned      INTEGER NOT NULL DEFAULT 0,
        result        TEXT                                 -- JSON of interest (e.g. the poll id)
    );
    CREATE INDEX outbox_due ON outbox (status, not_before);
    CREATE INDEX outbox_broadcast ON outbox (broadcast_id, status);
    CREATE INDEX outbox_chat ON outbox (chat_id, kind, sent_at);
    CREATE INDEX outbox_unpin ON outbox (unpinned, unpin_at) WHERE pin = 1;
    """,
]

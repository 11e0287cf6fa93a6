-- 2: tips, their approval trail, per-group history, alerts; the outbox for every group post
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

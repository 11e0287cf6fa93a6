-- 1: foundation: groups, users, key/value state
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

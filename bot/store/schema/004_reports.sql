-- 4: suspicious-message reports: cases (one per distinct scam), the reports that make them up,
-- the officers' review cards, volunteer invites
CREATE TABLE cases (
    id              INTEGER PRIMARY KEY,
    status          TEXT NOT NULL DEFAULT 'open',      -- open | pending | need_info | decided | withdrawn
    verdict         TEXT,                              -- scam | not_scam (when decided)
    fraud_type      TEXT,                              -- the analyzer's guess, then the officer's
    risk            TEXT NOT NULL DEFAULT 'none',      -- red | orange | yellow | none
    score           REAL NOT NULL DEFAULT 0,
    signals         TEXT NOT NULL DEFAULT '[]',        -- JSON list of signal names
    indicators      TEXT NOT NULL DEFAULT '{}',        -- JSON: urls, domains, phones … (all reports)
    fingerprint     TEXT NOT NULL DEFAULT '',          -- normalised text for near-duplicates
    signature       BLOB,                              -- MinHash of the fingerprint
    text            TEXT NOT NULL DEFAULT '',          -- the first report's text
    has_media       INTEGER NOT NULL DEFAULT 0,
    created_at      REAL NOT NULL,
    routed_at       REAL,                              -- sent to officers
    reminded_at     REAL,                              -- last re-announcement
    decided_by      INTEGER,
    decided_at      REAL,
    info_by         INTEGER,                           -- who asked for more information
    warned_at       REAL,
    warn_scope      TEXT
);
CREATE INDEX cases_status ON cases (status, routed_at);

CREATE TABLE reports (
    id              INTEGER PRIMARY KEY,
    case_id         INTEGER REFERENCES cases (id),     -- NULL only until the case is known
    reporter_id     INTEGER NOT NULL,
    reporter_role   TEXT NOT NULL,                     -- resident | volunteer | officer
    kind            TEXT NOT NULL,                     -- forward | command | group | supplement
    chat_id         INTEGER NOT NULL,                  -- where the report was made
    message_id      INTEGER,                           -- the reported message in that chat
    source_chat_id  INTEGER,                           -- the group the message was seen in
    text            TEXT NOT NULL DEFAULT '',
    media           TEXT NOT NULL DEFAULT '[]',        -- JSON list of {type, file_id}
    origin          TEXT NOT NULL DEFAULT '{}',        -- JSON forward origin / group sender
    routed          INTEGER NOT NULL DEFAULT 0,        -- this report sent its case to officers
    throttled       INTEGER NOT NULL DEFAULT 0,        -- over the per-minute limit: stored only
    withdrawn       INTEGER NOT NULL DEFAULT 0,
    notified        TEXT,                              -- the verdict this reporter was told
    created_at      REAL NOT NULL
);
CREATE INDEX reports_case ON reports (case_id);
CREATE INDEX reports_reporter ON reports (reporter_id, created_at);
CREATE INDEX reports_source ON reports (source_chat_id);

CREATE TABLE case_cards (
    chat_id     INTEGER NOT NULL,
    message_id  INTEGER NOT NULL,
    case_id     INTEGER NOT NULL REFERENCES cases (id),
    created_at  REAL NOT NULL,
    PRIMARY KEY (chat_id, message_id)
);
CREATE INDEX case_cards_case ON case_cards (case_id);

CREATE TABLE invites (
    code        TEXT PRIMARY KEY,
    created_by  INTEGER NOT NULL,
    area        TEXT NOT NULL DEFAULT '',
    note        TEXT NOT NULL DEFAULT '',
    created_at  REAL NOT NULL,
    expires_at  REAL NOT NULL,
    used_by     INTEGER,
    used_at     REAL
);

-- 3: quizzes: group quiz polls, every answer (group polls and private questions), streaks,
--    private quiz sessions and the questions each user has seen in the current round
CREATE TABLE quiz_posts (
    id           INTEGER PRIMARY KEY,
    chat_id      INTEGER NOT NULL,
    slot         TEXT NOT NULL,                        -- 2026-11-20T19:30:00 | now:<unix time>
    question_id  TEXT NOT NULL,
    fraud_type   TEXT NOT NULL,
    correct      TEXT NOT NULL,                        -- JSON list of option indices
    created_by   INTEGER,                              -- who sent /quiz; NULL = the schedule
    created_at   REAL NOT NULL,
    outbox_id    INTEGER,
    poll_id      TEXT UNIQUE,                          -- set once delivered (delivery.on_sent)
    message_id   INTEGER,
    sent_at      REAL,
    UNIQUE (chat_id, slot)
);
CREATE INDEX quiz_posts_chat ON quiz_posts (chat_id, created_at);
CREATE INDEX quiz_posts_outbox ON quiz_posts (outbox_id);

CREATE TABLE quiz_answers (
    key          TEXT NOT NULL,                        -- poll id, or s<session>:<n> in private
    user_id      INTEGER NOT NULL,
    chat_id      INTEGER NOT NULL,                     -- the group, or the private chat
    source       TEXT NOT NULL,                        -- group | private
    question_id  TEXT NOT NULL,
    fraud_type   TEXT NOT NULL,
    option_ids   TEXT NOT NULL,                        -- JSON list: the first answer, which counts
    correct      INTEGER NOT NULL,
    points       INTEGER NOT NULL,
    day          TEXT NOT NULL,                        -- local date YYYY-MM-DD
    answered_at  REAL NOT NULL,
    changes      INTEGER NOT NULL DEFAULT 0,           -- later changed/retracted votes, unscored
    PRIMARY KEY (key, user_id)
);
CREATE INDEX quiz_answers_chat ON quiz_answers (chat_id, answered_at);
CREATE INDEX quiz_answers_user ON quiz_answers (user_id, answered_at);

CREATE TABLE quiz_players (
    user_id      INTEGER PRIMARY KEY,
    streak_day   TEXT,                                 -- last local day with a correct answer
    streak       INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE quiz_sessions (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL,
    questions    TEXT NOT NULL,                        -- JSON list of question ids
    position     INTEGER NOT NULL DEFAULT 0,           -- index of the question being asked
    correct      INTEGER NOT NULL DEFAULT 0,
    points       INTEGER NOT NULL DEFAULT 0,
    status       TEXT NOT NULL DEFAULT 'active',       -- active | done
    created_at   REAL NOT NULL,
    updated_at   REAL NOT NULL
);
CREATE INDEX quiz_sessions_user ON quiz_sessions (user_id, status);

CREATE TABLE quiz_seen (
    user_id      INTEGER NOT NULL,
    question_id  TEXT NOT NULL,
    PRIMARY KEY (user_id, question_id)
);

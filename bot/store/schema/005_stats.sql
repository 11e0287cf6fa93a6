-- 5: indexes for the officers' scorecard (/stats, weekly report, export): every figure is a
-- range query on a time column
CREATE INDEX outbox_created ON outbox (created_at, kind, status);
CREATE INDEX quiz_answers_time ON quiz_answers (answered_at);
CREATE INDEX reports_time ON reports (created_at);
CREATE INDEX cases_decided ON cases (decided_at);
CREATE INDEX cases_created ON cases (created_at);

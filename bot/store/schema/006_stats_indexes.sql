-- 6: better scorecard indexes (replacing 5's): each starts with what the figures filter on
-- and covers the columns they read, so a period's figures read only that period's entries.
DROP INDEX IF EXISTS outbox_created;
DROP INDEX IF EXISTS quiz_answers_time;
DROP INDEX IF EXISTS reports_time;
DROP INDEX IF EXISTS cases_decided;
DROP INDEX IF EXISTS cases_created;
-- outbox: by kind and status first, so counting per kind and status needs no sort: each
-- (kind, status) pair is one range of created_at.
CREATE INDEX stats_outbox ON outbox (kind, status, created_at, chat_id);
CREATE INDEX stats_quiz_answers ON quiz_answers (answered_at, source, chat_id, user_id, correct,
                                                 fraud_type);
CREATE INDEX stats_reports ON reports (created_at, kind, case_id, reporter_role, reporter_id,
                                       source_chat_id);
CREATE INDEX stats_cases_decided ON cases (decided_at, verdict, created_at);
CREATE INDEX stats_cases_created ON cases (created_at, info_by);
CREATE INDEX stats_alerts ON alerts (decided_at, status, level, area);
-- the area filter, volunteers, and groups that became supergroups
CREATE INDEX stats_groups_area ON groups (area, chat_id);
CREATE INDEX stats_groups_migrated ON groups (migrated_from) WHERE migrated_from IS NOT NULL;
CREATE INDEX stats_users_role ON users (role, area);

DROP TRIGGER audit_events_append_only_delete;
DROP TRIGGER audit_events_append_only_update;
DROP INDEX audit_events_sequence;
ALTER TABLE audit_events DROP COLUMN sequence;
DROP INDEX applications_supersedes;
ALTER TABLE applications DROP COLUMN supersedes;
ALTER TABLE applications DROP COLUMN revision;

DROP TRIGGER audit_events_append_only_delete ON audit_events;
DROP TRIGGER audit_events_append_only_update ON audit_events;
DROP FUNCTION audit_events_refuse_change();
DROP INDEX audit_events_sequence;
ALTER TABLE audit_events DROP COLUMN sequence;
DROP INDEX applications_supersedes;
ALTER TABLE applications DROP COLUMN supersedes;
ALTER TABLE applications DROP COLUMN revision;

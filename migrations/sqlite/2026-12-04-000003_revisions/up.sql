-- A rejected application is corrected in a new revision, never rewritten: the new row names the
-- one it supersedes, and each application can be superseded once.
ALTER TABLE applications ADD COLUMN revision BIGINT NOT NULL DEFAULT 1;
ALTER TABLE applications ADD COLUMN supersedes TEXT REFERENCES applications (id);
CREATE UNIQUE INDEX applications_supersedes ON applications (supersedes);

-- Audit records in the order they were written: times are whole seconds, and one request can
-- write several records in the same second.
ALTER TABLE audit_events ADD COLUMN sequence BIGINT NOT NULL DEFAULT 0;
CREATE INDEX audit_events_sequence ON audit_events (sequence);

-- The audit trail is append-only: the database refuses to change or remove a record.
-- (migrations/postgres: the same two refusals through a trigger function.)
CREATE TRIGGER audit_events_append_only_update BEFORE UPDATE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only');
END;
CREATE TRIGGER audit_events_append_only_delete BEFORE DELETE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only');
END;

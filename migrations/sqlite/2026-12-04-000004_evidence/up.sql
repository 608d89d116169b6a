-- Files a farmer attaches to an application as evidence (invoices, meter readings, soil lab
-- reports), with their SHA-256. BLOB here; BYTEA on PostgreSQL.
CREATE TABLE evidence (
    id TEXT PRIMARY KEY NOT NULL,
    application_id TEXT NOT NULL REFERENCES applications (id),
    kind TEXT NOT NULL CHECK (kind IN ('invoice', 'meter_reading', 'soil_lab_report', 'other')),
    file_name TEXT NOT NULL,
    media_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    content BLOB NOT NULL,
    uploaded_by TEXT NOT NULL REFERENCES users (id),
    uploaded_at TIMESTAMP NOT NULL
);

CREATE INDEX evidence_application ON evidence (application_id);

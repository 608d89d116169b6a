-- PostgreSQL twin of migrations/sqlite, name for name and table for table: ids are UUID text,
-- timestamps are UTC without zone (diesel Timestamp), footprint inputs and results JSON text.

CREATE TABLE farms (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL UNIQUE,
    village TEXT NOT NULL,
    region TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE users (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('farmer', 'auditor', 'admin')),
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE farm_members (
    farm_id TEXT NOT NULL REFERENCES farms (id),
    user_id TEXT NOT NULL REFERENCES users (id),
    PRIMARY KEY (farm_id, user_id)
);

CREATE TABLE api_tokens (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id),
    token_sha256 TEXT NOT NULL UNIQUE,
    prefix TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP,
    revoked_at TIMESTAMP
);

CREATE TABLE issuer_keys (
    id TEXT PRIMARY KEY NOT NULL,
    public_key_multibase TEXT NOT NULL UNIQUE,
    valid_from TIMESTAMP NOT NULL,
    valid_until TIMESTAMP,
    compromised_at TIMESTAMP
);

CREATE TABLE applications (
    id TEXT PRIMARY KEY NOT NULL,
    farm_id TEXT NOT NULL REFERENCES farms (id),
    created_by TEXT NOT NULL REFERENCES users (id),
    status TEXT NOT NULL CHECK (status IN ('draft', 'submitted', 'approved', 'rejected')),
    product_name TEXT NOT NULL,
    crop TEXT NOT NULL,
    gtin TEXT,
    lot TEXT,
    harvest_start DATE NOT NULL,
    harvest_end DATE NOT NULL,
    activity_json TEXT NOT NULL,
    result_json TEXT NOT NULL,
    method_id TEXT NOT NULL,
    factor_set_id TEXT NOT NULL,
    input_sha256 TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    submitted_at TIMESTAMP,
    decided_at TIMESTAMP,
    decided_by TEXT REFERENCES users (id),
    decision_reason TEXT
);

CREATE INDEX applications_farm_status ON applications (farm_id, status);
CREATE INDEX applications_status ON applications (status);

CREATE TABLE certificates (
    id TEXT PRIMARY KEY NOT NULL,
    code TEXT NOT NULL UNIQUE,
    application_id TEXT NOT NULL UNIQUE REFERENCES applications (id),
    document TEXT NOT NULL,
    document_sha256 TEXT NOT NULL,
    verification_method TEXT NOT NULL,
    valid_from TIMESTAMP NOT NULL,
    valid_until TIMESTAMP NOT NULL,
    issued_at TIMESTAMP NOT NULL
);

CREATE TABLE revocations (
    certificate_id TEXT PRIMARY KEY NOT NULL REFERENCES certificates (id),
    reason TEXT NOT NULL,
    revoked_by TEXT NOT NULL REFERENCES users (id),
    revoked_at TIMESTAMP NOT NULL
);

CREATE TABLE audit_events (
    id TEXT PRIMARY KEY NOT NULL,
    application_id TEXT REFERENCES applications (id),
    certificate_id TEXT REFERENCES certificates (id),
    actor_id TEXT NOT NULL REFERENCES users (id),
    action TEXT NOT NULL,
    detail TEXT,
    occurred_at TIMESTAMP NOT NULL
);

CREATE INDEX audit_events_application ON audit_events (application_id, occurred_at);

-- Revocation status list entries and the transparency log. Append-only, like certificates.

CREATE TABLE certificate_status (
    certificate_id TEXT PRIMARY KEY NOT NULL REFERENCES certificates (id),
    list_id BIGINT NOT NULL,
    list_index BIGINT NOT NULL,
    UNIQUE (list_id, list_index)
);

-- One row per log leaf: the exact bytes whose RFC 6962 hash is the leaf (the service writes
-- canonical JSON; bytes rather than text so that any leaf, NUL included, is kept exactly).
CREATE TABLE log_entries (
    leaf_index BIGINT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL,
    data BYTEA NOT NULL,
    certificate_id TEXT REFERENCES certificates (id),
    appended_at TIMESTAMP NOT NULL
);

CREATE INDEX log_entries_certificate ON log_entries (certificate_id, kind);

-- Hashes of the log's perfect subtrees (level 0: leaf hashes), hex. They never change once
-- complete, so proofs for any past tree size read only O(log n) rows.
CREATE TABLE log_subtrees (
    level INTEGER NOT NULL,
    subtree_index BIGINT NOT NULL,
    hash TEXT NOT NULL,
    PRIMARY KEY (level, subtree_index)
);

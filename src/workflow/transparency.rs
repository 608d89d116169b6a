//! The transparency log in the database: appending a leaf in the caller's transaction, reading
//! proofs, and signing checkpoints.

use std::cell::RefCell;
use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;

use super::WorkflowError;
pub use crate::certificate::LeafEvent;
use crate::db::transparency::{self as rows, LogEntryRow, SubtreeRow};
use crate::db::{DbConnection, StorageError};
use crate::keys::IssuerKey;
use crate::tlog::{
    self, CompactRange, ConsistencyProof, Hash, InclusionProof, SubtreeId, SubtreeStore,
};

/// Reads subtree hashes through a borrowed connection.
struct StoredSubtrees<'c> {
    conn: RefCell<&'c mut DbConnection>,
}

impl SubtreeStore for StoredSubtrees<'_> {
    type Error = StorageError;

    fn subtree(&self, level: u8, index: u64) -> Result<Option<Hash>, StorageError> {
        let index = i64::try_from(index).map_err(|_| StorageError::Corrupt("index".into()))?;
        let mut conn = self.conn.borrow_mut();
        let stored = rows::subtree(&mut conn, i32::from(level), index)?;
        stored.map(|text| decode_hash(&text)).transpose()
    }

    /// One query for the whole proof or root, instead of one per hash: on PostgreSQL each
    /// query is a round trip.
    fn subtrees(&self, ids: &[SubtreeId]) -> Result<Vec<Option<Hash>>, StorageError> {
        let keys = ids
            .iter()
            .map(|id| {
                let index =
                    i64::try_from(id.index).map_err(|_| StorageError::Corrupt("index".into()))?;
                Ok((i32::from(id.level), index))
            })
            .collect::<Result<Vec<_>, StorageError>>()?;
        let mut conn = self.conn.borrow_mut();
        let mut found = HashMap::new();
        for row in rows::subtrees(&mut conn, &keys)? {
            found.insert((row.level, row.subtree_index), decode_hash(&row.hash)?);
        }
        Ok(keys.iter().map(|key| found.get(key).copied()).collect())
    }
}

fn decode_hash(text: &str) -> Result<Hash, StorageError> {
    let bytes = hex::decode(text).map_err(|_| StorageError::Corrupt("log hash".into()))?;
    bytes
        .try_into()
        .map_err(|_| StorageError::Corrupt("log hash length".into()))
}

fn tree_error<E: std::fmt::Display>(error: E) -> WorkflowError {
    WorkflowError::Storage(StorageError::Corrupt(format!("transparency log: {error}")))
}

/// Appends a leaf for `event`; call inside the transaction that records the event itself, so
/// the event and its leaf are stored together or not at all. Returns the leaf index.
pub fn append_leaf(
    conn: &mut DbConnection,
    event: &LeafEvent<'_>,
    certificate_id: Option<&str>,
    now: DateTime<Utc>,
) -> Result<u64, WorkflowError> {
    let data = event.leaf_bytes().map_err(tree_error)?;
    append_leaf_bytes(conn, event.kind(), &data, certificate_id, now)
}

/// Appends `data` as the next leaf. [`append_leaf`] is the way events get in; this
/// lower step exists so the stored tree can be checked against reference vectors.
pub fn append_leaf_bytes(
    conn: &mut DbConnection,
    kind: &str,
    data: &[u8],
    certificate_id: Option<&str>,
    now: DateTime<Utc>,
) -> Result<u64, WorkflowError> {
    let size = rows::log_size(conn)?;
    let range = {
        let store = StoredSubtrees {
            conn: RefCell::new(&mut *conn),
        };
        CompactRange::from_store(size, &store).map_err(tree_error)?
    };
    let appended = tlog::append(&range, tlog::leaf_hash(data)).map_err(tree_error)?;

    let entry = LogEntryRow {
        leaf_index: to_i64(appended.leaf_index)?,
        kind: kind.to_owned(),
        data: data.to_vec(),
        certificate_id: certificate_id.map(str::to_owned),
        appended_at: now.naive_utc(),
    };
    let subtrees = appended
        .completed
        .iter()
        .map(|done| {
            Ok(SubtreeRow {
                level: i32::from(done.id.level),
                subtree_index: to_i64(done.id.index)?,
                hash: hex::encode(done.hash),
            })
        })
        .collect::<Result<Vec<_>, WorkflowError>>()?;
    rows::insert_entry(conn, &entry, &subtrees)?;
    Ok(appended.leaf_index)
}

fn to_i64(value: u64) -> Result<i64, WorkflowError> {
    i64::try_from(value).map_err(tree_error)
}

/// The log's current size and root.
pub fn current_head(conn: &mut DbConnection) -> Result<(u64, Hash), WorkflowError> {
    let size = rows::log_size(conn)?;
    let store = StoredSubtrees {
        conn: RefCell::new(conn),
    };
    let root = tlog::root(size, &store).map_err(tree_error)?;
    Ok((size, root))
}

/// The origin line of this log's checkpoints: the host and path of the public base URL,
/// followed by `/log`.
pub fn origin(public_base_url: &str) -> String {
    let host = public_base_url
        .split("://")
        .nth(1)
        .unwrap_or(public_base_url);
    format!("{}/log", host.trim_end_matches('/'))
}

/// A signed checkpoint of the current tree, as a C2SP signed note.
pub fn signed_checkpoint(
    conn: &mut DbConnection,
    key: &IssuerKey,
    origin: &str,
) -> Result<String, WorkflowError> {
    let (size, root) = current_head(conn)?;
    sign_checkpoint(key, origin, size, &root)
}

/// Signs the checkpoint of the tree of `size` leaves with root `root`.
pub fn sign_checkpoint(
    key: &IssuerKey,
    origin: &str,
    size: u64,
    root: &Hash,
) -> Result<String, WorkflowError> {
    let body = tlog::checkpoint_body(origin, size, root).map_err(tree_error)?;
    tlog::sign_note(&body, origin, key.signing_key()).map_err(tree_error)
}

/// The note verifier key for checkpoints signed by `key`.
pub fn note_verifier_key(key: &IssuerKey, origin: &str) -> Result<String, WorkflowError> {
    tlog::verifier_key(origin, &key.signing_key().verifying_key()).map_err(tree_error)
}

/// Proof that leaf `index` is in the tree of `size` leaves.
pub fn inclusion(
    conn: &mut DbConnection,
    index: u64,
    size: u64,
) -> Result<InclusionProof, WorkflowError> {
    check_size(conn, size, "tree_size")?;
    inclusion_in_reached_size(conn, index, size)
}

/// Proof that leaf `index` is in the tree of `size` leaves, where `size` is one the log is
/// known to have reached (that of a signed checkpoint), so the log's size is not read again.
pub(crate) fn inclusion_in_reached_size(
    conn: &mut DbConnection,
    index: u64,
    size: u64,
) -> Result<InclusionProof, WorkflowError> {
    if index >= size {
        let detail = format!("leaf_index {index} is not below tree_size {size}");
        return Err(WorkflowError::OutOfRange {
            field: "leaf_index",
            detail,
        });
    }
    let store = StoredSubtrees {
        conn: RefCell::new(conn),
    };
    let hashes = tlog::inclusion_proof(index, size, &store).map_err(tree_error)?;
    Ok(InclusionProof {
        leaf_index: index,
        tree_size: size,
        hashes,
    })
}

/// Proof that the tree of `to` leaves extends the tree of `from` leaves.
pub fn consistency(
    conn: &mut DbConnection,
    from: u64,
    to: u64,
) -> Result<ConsistencyProof, WorkflowError> {
    check_size(conn, to, "to")?;
    if from > to {
        let detail = format!("from {from} is larger than to {to}");
        return Err(WorkflowError::OutOfRange {
            field: "from",
            detail,
        });
    }
    let store = StoredSubtrees {
        conn: RefCell::new(conn),
    };
    let hashes = tlog::consistency_proof(from, to, &store).map_err(tree_error)?;
    Ok(ConsistencyProof {
        from_size: from,
        to_size: to,
        hashes,
    })
}

fn check_size(
    conn: &mut DbConnection,
    size: u64,
    field: &'static str,
) -> Result<(), WorkflowError> {
    let current = rows::log_size(conn)?;
    if size > current {
        let detail = format!("{field} {size} is larger than the log, which has {current} leaves");
        return Err(WorkflowError::OutOfRange { field, detail });
    }
    Ok(())
}

/// What a verification result carries about the log, so a caller can re-check it alone.
#[derive(Debug, Clone, Serialize)]
pub struct LogEvidence {
    /// The leaf's canonical JSON.
    pub leaf: Value,
    /// The inclusion proof up to the checkpoint's size.
    pub inclusion_proof: InclusionProof,
    /// The signed checkpoint (C2SP signed note).
    pub checkpoint: String,
}

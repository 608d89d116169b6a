//! The issuer's key list: which key signs now, rotation, and marking a key compromised.
//! Every change is recorded in the transparency log in the same transaction.

use std::path::Path;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{WorkflowError, utc};
use crate::certificate::TrustedKey;
use crate::db::issuer_keys::{self, IssuerKeyRow};
use crate::db::{self, DbConnection};
use crate::keys::{self, IssuerKey, KeyRing};
use crate::workflow::transparency::{LeafEvent, append_leaf};

/// Makes the newest key file in `dir` the active key if the database does not know it yet
/// (first start, or a key file put there by hand), creating a first key if there is none.
pub fn adopt_newest_key(
    conn: &mut DbConnection,
    dir: &Path,
    now: DateTime<Utc>,
) -> Result<KeyRing, WorkflowError> {
    let newest = keys::load_or_create_active_key(dir, now).map_err(key_error)?;
    let ring = KeyRing::load(dir).map_err(key_error)?;
    db::write_transaction(conn, |conn| activate(conn, &newest, now))?;
    Ok(ring)
}

/// Creates a new key and makes it the active one; the previous key keeps verifying the
/// certificates it signed, its window closing now.
pub fn rotate_key(
    conn: &mut DbConnection,
    dir: &Path,
    now: DateTime<Utc>,
) -> Result<IssuerKey, WorkflowError> {
    let key = keys::create_key_file(dir, now).map_err(key_error)?;
    db::write_transaction(conn, |conn| activate(conn, &key, now))?;
    Ok(key)
}

fn activate(
    conn: &mut DbConnection,
    key: &IssuerKey,
    now: DateTime<Utc>,
) -> Result<(), WorkflowError> {
    let row = IssuerKeyRow {
        id: Uuid::new_v4().to_string(),
        public_key_multibase: key.public_key_multibase.clone(),
        valid_from: now.naive_utc(),
        valid_until: None,
        compromised_at: None,
    };
    if issuer_keys::activate_key_if_new(conn, &row)? {
        let event = LeafEvent::KeyAdded {
            public_key_multibase: &row.public_key_multibase,
            at: now,
        };
        append_leaf(conn, &event, None, now)?;
    }
    Ok(())
}

/// Marks a key compromised from `since`: certificates it signed at or after that time verify as
/// `key_not_trusted`. Without `public_key_multibase`, the active key is meant.
pub fn compromise_key(
    conn: &mut DbConnection,
    public_key_multibase: Option<&str>,
    since: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<String, WorkflowError> {
    if since > now {
        return Err(WorkflowError::OutOfRange {
            field: "since",
            detail: format!(
                "--since {} is in the future: a compromise is dated when it happened, and a \
                 future date would leave the key trusted until then",
                since.to_rfc3339()
            ),
        });
    }
    db::write_transaction(conn, |conn| {
        let key = match public_key_multibase {
            Some(multibase) => issuer_keys::find_key(conn, multibase)?,
            None => issuer_keys::active_key(conn)?,
        }
        .ok_or(WorkflowError::NotFound("issuer key"))?;
        issuer_keys::mark_compromised(conn, &key.public_key_multibase, since.naive_utc())?;
        let event = LeafEvent::KeyCompromised {
            public_key_multibase: &key.public_key_multibase,
            since,
        };
        append_leaf(conn, &event, None, now)?;
        Ok(key.public_key_multibase)
    })
}

/// Every key the issuer has published, oldest first.
pub fn trusted_keys(conn: &mut DbConnection) -> Result<Vec<TrustedKey>, WorkflowError> {
    let keys = issuer_keys::all_keys(conn)?;
    Ok(keys.into_iter().map(trusted_key).collect())
}

fn trusted_key(row: IssuerKeyRow) -> TrustedKey {
    TrustedKey {
        public_key_multibase: row.public_key_multibase,
        valid_from: utc(row.valid_from),
        valid_until: row.valid_until.map(utc),
        compromised_at: row.compromised_at.map(utc),
    }
}

/// The key to sign with now.
pub fn active_signing_key(
    conn: &mut DbConnection,
    ring: &KeyRing,
) -> Result<IssuerKey, WorkflowError> {
    let active = issuer_keys::active_key(conn)?.ok_or_else(|| {
        WorkflowError::Unavailable(
            "no usable signing key: the active key is compromised; run `zerolabel keys rotate`"
                .into(),
        )
    })?;
    ring.get(&active.public_key_multibase).map_err(key_error)
}

fn key_error(error: keys::KeyError) -> WorkflowError {
    WorkflowError::Unavailable(error.to_string())
}

//! What the transparency log records about certificates and keys, as canonical JSON leaves.
//!
//! An issuance leaf can be rebuilt from the certificate alone (its id, the SHA-256 of its
//! canonical form, and its proof's `created` time), so an auditor holding a certificate and an
//! inclusion proof needs nothing else from us to check that the issuance was logged.

use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::document::timestamp;
use crate::credential::{self, CredentialError};

/// Something the log records.
#[derive(Debug, Clone)]
pub enum LeafEvent<'a> {
    /// A certificate was signed.
    Issuance {
        /// Its id (UUID).
        certificate_id: &'a str,
        /// SHA-256 of the signed certificate's RFC 8785 canonical form, hex.
        document_sha256: &'a str,
        /// The proof's `created` time.
        at: DateTime<Utc>,
    },
    /// A certificate was revoked.
    Revocation {
        /// Its id.
        certificate_id: &'a str,
        /// Why.
        reason: &'a str,
        /// When.
        at: DateTime<Utc>,
    },
    /// A key became the active signing key.
    KeyAdded {
        /// `z6Mk...`.
        public_key_multibase: &'a str,
        /// When.
        at: DateTime<Utc>,
    },
    /// A key is not to be trusted from `since`.
    KeyCompromised {
        /// `z6Mk...`.
        public_key_multibase: &'a str,
        /// From when.
        since: DateTime<Utc>,
    },
}

impl LeafEvent<'_> {
    /// The entry kind as stored and listed.
    pub fn kind(&self) -> &'static str {
        match self {
            LeafEvent::Issuance { .. } => "issuance",
            LeafEvent::Revocation { .. } => "revocation",
            LeafEvent::KeyAdded { .. } => "key_added",
            LeafEvent::KeyCompromised { .. } => "key_compromised",
        }
    }

    /// The leaf's JSON.
    pub fn data(&self) -> Value {
        match self {
            LeafEvent::Issuance {
                certificate_id,
                document_sha256,
                at,
            } => json!({
                "type": "issuance", "certificate_id": certificate_id,
                "document_sha256": document_sha256, "at": timestamp(*at),
            }),
            LeafEvent::Revocation {
                certificate_id,
                reason,
                at,
            } => json!({
                "type": "revocation", "certificate_id": certificate_id,
                "reason": reason, "at": timestamp(*at),
            }),
            LeafEvent::KeyAdded {
                public_key_multibase,
                at,
            } => json!({
                "type": "key_added", "public_key_multibase": public_key_multibase,
                "at": timestamp(*at),
            }),
            LeafEvent::KeyCompromised {
                public_key_multibase,
                since,
            } => json!({
                "type": "key_compromised", "public_key_multibase": public_key_multibase,
                "since": timestamp(*since),
            }),
        }
    }

    /// The bytes whose RFC 6962 leaf hash goes into the tree.
    pub fn leaf_bytes(&self) -> Result<Vec<u8>, CredentialError> {
        credential::canonicalize(&self.data())
    }
}

/// SHA-256 (hex) of a signed certificate's canonical form: independent of white space and key
/// order, so a pretty-printed copy hashes the same.
pub fn document_sha256(signed: &Value) -> Result<String, CredentialError> {
    Ok(hex::encode(Sha256::digest(credential::canonicalize(
        signed,
    )?)))
}

/// The issuance leaf bytes of a signed certificate, rebuilt from the certificate itself.
pub fn issuance_leaf_of(signed: &Value) -> Result<Vec<u8>, String> {
    let certificate_id = signed
        .get("id")
        .and_then(Value::as_str)
        .and_then(|id| id.strip_prefix("urn:uuid:"))
        .ok_or("the certificate has no urn:uuid id")?;
    let created = signed
        .pointer("/proof/created")
        .and_then(Value::as_str)
        .and_then(|text| DateTime::parse_from_rfc3339(text).ok())
        .ok_or("the certificate's proof has no created time")?
        .with_timezone(&Utc);
    let sha256 = document_sha256(signed).map_err(|e| e.to_string())?;

    let event = LeafEvent::Issuance {
        certificate_id,
        document_sha256: &sha256,
        at: created,
    };
    event.leaf_bytes().map_err(|e| e.to_string())
}

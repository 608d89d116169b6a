//! Looking up, verifying and revoking issued certificates.

use chrono::{DateTime, Utc};
use diesel::Connection;
use serde::Serialize;
use serde_json::Value;
use uuid::Uuid;

use super::IssuerContext;
use super::keys::active_signing_key;
use super::keys::trusted_keys;
use super::scans::{ScanCache, scan};
use super::transparency::{LeafEvent, LogEvidence, append_leaf};
use super::{Actor, WorkflowError, require_role, utc};
use crate::accounts::Role;
use crate::certificate::{CertificateCode, Verdict, VerificationStatus, evaluate, not_in_log};
use crate::credential;
use crate::db::applications::{self as application_rows, AuditEventRow};
use crate::db::certificates::{self as rows, CertificateRow, RevocationRow};
use crate::db::{self, DbConnection, StorageError, status_lists};
use crate::footprint::{ErrorCode, FieldError, InputErrorKind, InputErrors};
use crate::status::{StatusBitstring, unsigned_status_list_credential};
use crate::workflow::applications::status_list_url;

/// A stored certificate with its revocation, if any.
#[derive(Debug, Clone)]
pub struct StoredCertificate {
    /// The row.
    pub row: CertificateRow,
    /// The signed document, parsed.
    pub document: Value,
    /// Set once revoked.
    pub revocation: Option<RevocationRow>,
}

impl StoredCertificate {
    /// The certificate id.
    pub fn id(&self) -> Result<Uuid, StorageError> {
        db::stored_uuid(&self.row.id)
    }
}

/// The public verification result.
#[derive(Debug, Clone, Serialize)]
pub struct VerificationResult {
    /// `valid`, `expired`, `not_yet_valid`, `revoked`, `signature_invalid` or `unknown`: the
    /// set product.md fixes for buyers' phones and scripts. A signature by a key that was not
    /// trusted when it signed is `signature_invalid` here (the reason says which); the offline
    /// verifier names it `key_not_trusted`.
    pub status: VerificationStatus,
    /// Why, in a sentence.
    pub reason: String,
    /// When the check was made.
    pub checked_at: DateTime<Utc>,
    /// The printed code.
    pub code: String,
    /// The certificate id.
    pub certificate_id: Uuid,
    /// The key that signed, as named in the proof.
    pub verification_method: Option<String>,
    /// Revocation time and reason, when revoked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revocation: Option<RevocationSummary>,
    /// The signed certificate exactly as issued, to re-check independently.
    pub certificate: Value,
    /// The issuance's leaf in the transparency log, its inclusion proof and a signed checkpoint
    /// of the same tree size.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log: Option<LogEvidence>,
}

/// When and why a certificate was revoked.
#[derive(Debug, Clone, Serialize)]
pub struct RevocationSummary {
    /// When.
    pub revoked_at: DateTime<Utc>,
    /// Why.
    pub reason: String,
}

/// Finds a certificate by its id.
pub fn find_certificate(
    conn: &mut DbConnection,
    id: Uuid,
) -> Result<StoredCertificate, WorkflowError> {
    let row = rows::find_certificate(conn, &id.to_string())?
        .ok_or(WorkflowError::NotFound("certificate"))?;
    let document = serde_json::from_str(&row.document)
        .map_err(|e| StorageError::Corrupt(format!("certificate document: {e}")))?;
    let revocation = rows::find_revocation(conn, &row.id)?;
    Ok(StoredCertificate {
        row,
        document,
        revocation,
    })
}

/// Verifies a stored certificate as a buyer's scan does: signature, key, revocation, validity,
/// with the log evidence a caller needs to re-check all of it. Served from `scans` when kept.
pub fn verify_stored(
    conn: &mut DbConnection,
    issuing: &IssuerContext,
    scans: &ScanCache,
    code: CertificateCode,
    now: DateTime<Utc>,
) -> Result<VerificationResult, WorkflowError> {
    Ok(scan(conn, issuing, scans, code)?.result_at(now))
}

/// Verifies a certificate document handed in by a caller, against what this issuer really
/// issued. The one it stored, unchanged, is judged as a scan judges it (with its log evidence).
/// Any other document is at best `unknown`, however well it is signed: a key compromised later
/// can sign with a backdated `created` time, and the transparency log, not the signature, is the
/// record of what was issued.
pub fn verify_document(
    conn: &mut DbConnection,
    issuing: &IssuerContext,
    scans: &ScanCache,
    document: Value,
    now: DateTime<Utc>,
) -> Result<VerificationResult, WorkflowError> {
    let id = certificate_id_of(&document).ok_or_else(not_a_certificate_id)?;
    let code = CertificateCode::from_uuid(id);
    if is_the_stored_document(conn, id, &document)? {
        return verify_stored(conn, issuing, scans, code, now);
    }

    let keys = trusted_keys(conn)?;
    let verdict = evaluate(&document, Some(&keys), false, now);
    let why = "this issuer never issued this exact certificate (its transparency log has no \
               record of it), so its signature alone cannot make it valid";
    Ok(result(not_in_log(verdict, why), code, document, None, now))
}

fn is_the_stored_document(
    conn: &mut DbConnection,
    id: Uuid,
    document: &Value,
) -> Result<bool, WorkflowError> {
    match find_certificate(conn, id) {
        Ok(stored) => Ok(stored.document == *document),
        Err(WorkflowError::NotFound(_)) => Ok(false),
        Err(other) => Err(other),
    }
}

fn not_a_certificate_id() -> WorkflowError {
    let error = FieldError::new(
        "id",
        ErrorCode::MissingField,
        "a certificate has an `id` of the form urn:uuid:<uuid>",
    );
    WorkflowError::Invalid(InputErrors {
        kind: InputErrorKind::Invalid,
        errors: vec![error],
    })
}

/// The UUID in a credential's `urn:uuid:` id.
pub fn certificate_id_of(document: &Value) -> Option<Uuid> {
    let id = document.get("id")?.as_str()?.strip_prefix("urn:uuid:")?;
    Uuid::parse_str(id).ok()
}

fn result(
    verdict: Verdict,
    code: CertificateCode,
    document: Value,
    revocation: Option<RevocationRow>,
    now: DateTime<Utc>,
) -> VerificationResult {
    let status = match verdict.status {
        VerificationStatus::KeyNotTrusted => VerificationStatus::SignatureInvalid,
        other => other,
    };
    VerificationResult {
        status,
        reason: verdict.reason,
        checked_at: now,
        code: code.to_string(),
        certificate_id: code.uuid(),
        verification_method: verdict.verification_method,
        revocation: revocation.map(|r| RevocationSummary {
            revoked_at: utc(r.revoked_at),
            reason: r.reason,
        }),
        certificate: document,
        log: None,
    }
}

/// Revokes a certificate, by an auditor, with a reason. Revoking twice is a conflict.
pub fn revoke_certificate(
    conn: &mut DbConnection,
    actor: &Actor,
    id: Uuid,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<RevocationSummary, WorkflowError> {
    require_role(actor, &[Role::Auditor], "revoking a certificate")?;
    db::write_transaction(conn, |conn| -> Result<_, WorkflowError> {
        let stored = find_certificate(conn, id)?;
        if stored.revocation.is_some() {
            return Err(WorkflowError::Conflict(
                "this certificate is already revoked".into(),
            ));
        }
        let revocation = RevocationRow {
            certificate_id: stored.row.id.clone(),
            reason: reason.to_owned(),
            revoked_by: actor.id.to_string(),
            revoked_at: now.naive_utc(),
        };
        rows::insert_revocation(conn, &revocation)?;
        let event = LeafEvent::Revocation {
            certificate_id: &stored.row.id,
            reason,
            at: now,
        };
        append_leaf(conn, &event, Some(&stored.row.id), now)?;
        application_rows::record_event(conn, &revoked_event(&stored.row, actor, reason, now))?;
        Ok(RevocationSummary {
            revoked_at: now,
            reason: reason.to_owned(),
        })
    })
}

fn revoked_event(
    row: &CertificateRow,
    actor: &Actor,
    reason: &str,
    now: DateTime<Utc>,
) -> AuditEventRow {
    AuditEventRow {
        id: Uuid::new_v4().to_string(),
        application_id: Some(row.application_id.clone()),
        certificate_id: Some(row.id.clone()),
        actor_id: actor.id.to_string(),
        action: "revoked".to_owned(),
        detail: Some(reason.to_owned()),
        occurred_at: now.naive_utc(),
        sequence: 0,
    }
}

/// The signed status list credential of list `list_id`, reflecting every revocation so far.
pub fn status_list_credential(
    conn: &mut DbConnection,
    issuing: &IssuerContext,
    list_id: i64,
    now: DateTime<Utc>,
) -> Result<Value, WorkflowError> {
    conn.transaction(|conn| {
        if !status_lists::list_exists(conn, list_id)? {
            return Err(WorkflowError::NotFound("status list"));
        }
        let revoked = status_lists::revoked_indexes(conn, list_id)?;
        let indexes = revoked
            .into_iter()
            .filter_map(|index| u64::try_from(index).ok());
        let bits = StatusBitstring::from_revoked_indexes(indexes).map_err(status_error)?;

        let url = status_list_url(&issuing.public_base_url, list_id);
        let issuer = serde_json::json!({ "id": issuing.issuer.id, "name": issuing.issuer.name });
        let unsigned = unsigned_status_list_credential(&url, &issuer, now, None, &bits)
            .map_err(status_error)?;
        let key = active_signing_key(conn, &issuing.keys)?;
        credential::add_proof(&unsigned, key.signing_key(), now)
            .map_err(|e| WorkflowError::Signing(e.to_string()))
    })
}

fn status_error(error: crate::status::StatusError) -> WorkflowError {
    WorkflowError::Storage(StorageError::Corrupt(format!("status list: {error}")))
}

//! Verifying a certificate with nothing but files: the issuer's DID document, optionally its
//! status list, and optionally an inclusion proof with a signed checkpoint. This is what
//! `zerolabel verify` and `zerolabel audit` run; it trusts nothing the server says unsigned.

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::log_leaf::issuance_leaf_of;
use super::verification::{Verdict, VerificationStatus, evaluate, not_in_log};
use crate::credential;
use crate::keys::trusted_keys_from_did_document;
use crate::status::revoked_in;
use crate::tlog::{self, InclusionProof};

/// What the caller has besides the certificate.
#[derive(Debug, Default, Clone, Copy)]
pub struct Evidence<'a> {
    /// The issuer's did.json.
    pub did_document: Option<&'a Value>,
    /// The signed status list credential named by the certificate.
    pub status_list: Option<&'a Value>,
    /// An inclusion proof and the signed checkpoint (C2SP note) of the same tree size.
    pub inclusion: Option<(&'a InclusionProof, &'a str)>,
}

/// The outcome: one status, plus what the log check found when a proof was given.
#[derive(Debug, Clone)]
pub struct OfflineReport {
    /// The certificate's status.
    pub verdict: Verdict,
    /// `Ok(tree size)` when the issuance was proven in the log, `Err(why)` when the proof
    /// failed, `None` when no proof was given.
    pub log: Option<Result<u64, String>>,
}

impl OfflineReport {
    /// Valid: a failed log proof has already turned the verdict into `unknown`.
    pub fn is_valid(&self) -> bool {
        self.verdict.status == VerificationStatus::Valid
    }
}

/// Judges `certificate` at `now` with the evidence at hand. A status list that cannot be
/// trusted (bad signature, another list, another issuer) is an error, not a status: the caller
/// learns nothing about revocation from it.
pub fn verify_offline(
    certificate: &Value,
    evidence: Evidence<'_>,
    now: DateTime<Utc>,
) -> Result<OfflineReport, String> {
    let keys = evidence.did_document.map(trusted_keys_from_did_document);
    let revoked = match evidence.status_list {
        Some(list) => revocation_from_list(certificate, list, keys.as_deref())
            .map_err(|reason| format!("the status list cannot be used: {reason}"))?,
        None => false,
    };
    let mut verdict = evaluate(certificate, keys.as_deref(), revoked, now);
    if let Some(did) = evidence.did_document {
        verdict = issued_by(verdict, certificate, did);
    }
    let log = evidence
        .inclusion
        .map(|(proof, note)| check_inclusion(certificate, proof, note, evidence.did_document));
    if let Some(Err(why)) = &log {
        verdict = not_in_log(
            verdict,
            format!("the issuance is not proven in the log: {why}"),
        );
    }
    Ok(OfflineReport { verdict, log })
}

/// `key_not_trusted` unless the certificate names as its issuer the DID whose document lists
/// the keys: a did.json with a copied key list must not vouch for another issuer's labels.
fn issued_by(verdict: Verdict, credential: &Value, did_document: &Value) -> Verdict {
    let named = issuer_id(credential);
    let published = did_document.get("id").and_then(Value::as_str);
    if verdict.status == VerificationStatus::SignatureInvalid || named == published {
        return verdict;
    }
    Verdict {
        status: VerificationStatus::KeyNotTrusted,
        reason: format!(
            "the certificate names issuer {}, but the did.json given is {}",
            named.unwrap_or("(none)"),
            published.unwrap_or("(no id)")
        ),
        ..verdict
    }
}

/// The `issuer` of a credential: a DID string, or an object with an `id`.
fn issuer_id(credential: &Value) -> Option<&str> {
    let issuer = credential.get("issuer")?;
    issuer
        .as_str()
        .or_else(|| issuer.get("id").and_then(Value::as_str))
}

/// Reads the certificate's bit from a status list whose own signature checks out (against the
/// issuer's keys when a DID document is given).
fn revocation_from_list(
    certificate: &Value,
    list: &Value,
    keys: Option<&[super::TrustedKey]>,
) -> Result<bool, String> {
    let proof = credential::verify_proof(list).map_err(|e| format!("its signature: {e}"))?;
    if issuer_id(list) != issuer_id(certificate) {
        return Err("it is published by another issuer than the certificate's".into());
    }
    if let Some(keys) = keys {
        let multikey = credential::multikey(&proof.public_key);
        if !keys.iter().any(|key| key.public_key_multibase == multikey) {
            return Err("it is signed by a key the issuer does not list".into());
        }
    }
    let entry = certificate
        .get("credentialStatus")
        .ok_or("the certificate has no credentialStatus")?;
    revoked_in(list, entry).map_err(|e| e.to_string())
}

/// Checks that the certificate's issuance leaf is in the tree of a checkpoint signed by one of
/// the issuer's note keys.
fn check_inclusion(
    certificate: &Value,
    proof: &InclusionProof,
    note: &str,
    did_document: Option<&Value>,
) -> Result<u64, String> {
    let did = did_document
        .ok_or("a log proof needs the issuer's did.json (--keys) to check the checkpoint")?;
    let service = did
        .pointer("/service/0")
        .ok_or("did.json names no transparency log")?;
    let origin = service
        .get("origin")
        .and_then(Value::as_str)
        .ok_or("the log service has no origin")?;
    let verifier_keys = service
        .get("noteVerifierKeys")
        .and_then(Value::as_array)
        .ok_or("no note keys")?;

    let checkpoint = verifier_keys
        .iter()
        .filter_map(Value::as_str)
        .filter_map(|text| tlog::parse_verifier_key(text).ok())
        .find_map(|verifier| tlog::verify_checkpoint(note, &verifier, origin).ok())
        .ok_or("the checkpoint is not signed by any of the issuer's log keys")?;
    if checkpoint.size != proof.tree_size {
        return Err(format!(
            "the proof is for size {}, the checkpoint for {}",
            proof.tree_size, checkpoint.size
        ));
    }
    let leaf = issuance_leaf_of(certificate)?;
    proof
        .verify(&tlog::leaf_hash(&leaf), &checkpoint.root)
        .map_err(|e| format!("the inclusion proof does not verify: {e}"))?;
    Ok(checkpoint.size)
}

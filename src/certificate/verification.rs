//! Decides the one status a buyer or auditor is shown for a certificate.
//!
//! The same function serves the buyer page, the JSON endpoint and the offline `zerolabel verify`,
//! so a label cannot be judged valid in one place and invalid in another.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;

use crate::credential::{self, ProofError};

/// The verification outcome, in the words of the public contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum VerificationStatus {
    /// Signed by a trusted key, within its validity, not revoked.
    Valid,
    /// Past `validUntil`.
    Expired,
    /// Before `validFrom`.
    NotYetValid,
    /// Revoked by an auditor.
    Revoked,
    /// The signature does not match the document (altered or forged), or the proof is malformed.
    SignatureInvalid,
    /// Signed correctly, but by a key the issuer does not list (or listed as compromised).
    KeyNotTrusted,
    /// No certificate with that code exists.
    Unknown,
}

impl VerificationStatus {
    /// The status word as it appears in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            VerificationStatus::Valid => "valid",
            VerificationStatus::Expired => "expired",
            VerificationStatus::NotYetValid => "not_yet_valid",
            VerificationStatus::Revoked => "revoked",
            VerificationStatus::SignatureInvalid => "signature_invalid",
            VerificationStatus::KeyNotTrusted => "key_not_trusted",
            VerificationStatus::Unknown => "unknown",
        }
    }
}

/// A key the issuer publishes, with the window in which it may sign.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustedKey {
    /// `z6Mk...` multibase public key.
    pub public_key_multibase: String,
    /// First moment it may sign.
    pub valid_from: DateTime<Utc>,
    /// End of its signing window, if it has been retired.
    pub valid_until: Option<DateTime<Utc>>,
    /// From this time on, its signatures are not to be trusted.
    pub compromised_at: Option<DateTime<Utc>>,
}

impl TrustedKey {
    fn could_sign_at(&self, created: DateTime<Utc>) -> bool {
        let started = created >= self.valid_from;
        let not_retired = self.valid_until.is_none_or(|end| created <= end);
        let not_compromised = self.compromised_at.is_none_or(|since| created < since);
        started && not_retired && not_compromised
    }
}

/// The status with the reason behind it.
#[derive(Debug, Clone, Serialize)]
pub struct Verdict {
    /// The one status to show.
    pub status: VerificationStatus,
    /// Why, in a sentence.
    pub reason: String,
    /// The key that signed, when the proof could be read.
    pub verification_method: Option<String>,
}

impl Verdict {
    fn new(status: VerificationStatus, reason: impl Into<String>, method: Option<String>) -> Self {
        Verdict {
            status,
            reason: reason.into(),
            verification_method: method,
        }
    }
}

/// Judges a signed certificate at time `now`.
///
/// `trusted_keys` is the issuer's published key list. `None` means the caller has none at hand
/// (offline use without `--keys`): the signature is still checked, but a certificate is never
/// `valid` without knowing that its key is the issuer's, since anyone can sign a copy with a
/// key of their own. The verdict is then `key_not_trusted`, with a reason that says so.
pub fn evaluate(
    document: &Value,
    trusted_keys: Option<&[TrustedKey]>,
    revoked: bool,
    now: DateTime<Utc>,
) -> Verdict {
    judge(document, trusted_keys, revoked).at(now)
}

/// What can be decided about a certificate without a clock: everything but its validity window.
/// The signature check, the costly part, is done once; [`Judgement::at`] then answers for any
/// moment, which is what lets a scan be served from memory.
#[derive(Debug, Clone)]
pub enum Judgement {
    /// The answer is the same at every moment: a broken signature, an untrusted key, a revocation.
    Settled(Verdict),
    /// Signed by a trusted key and not revoked: the status depends on when it is asked.
    Signed {
        /// The key that signed.
        verification_method: String,
        /// `validFrom`, if readable.
        valid_from: Option<DateTime<Utc>>,
        /// `validUntil`, if readable.
        valid_until: Option<DateTime<Utc>>,
    },
}

impl Judgement {
    /// The verdict at `now`.
    pub fn at(&self, now: DateTime<Utc>) -> Verdict {
        match self {
            Judgement::Settled(verdict) => verdict.clone(),
            Judgement::Signed {
                verification_method,
                valid_from,
                valid_until,
            } => validity_verdict(*valid_from, *valid_until, now, verification_method),
        }
    }
}

/// Checks the signature, the key and the revocation of a certificate; see [`evaluate`].
pub fn judge(document: &Value, trusted_keys: Option<&[TrustedKey]>, revoked: bool) -> Judgement {
    let proof = match credential::verify_proof(document) {
        Ok(proof) => proof,
        Err(error) => return Judgement::Settled(proof_failure(&error)),
    };
    let method = Some(proof.verification_method.clone());
    let settled =
        |status, reason: &str| Judgement::Settled(Verdict::new(status, reason, method.clone()));

    let Some(keys) = trusted_keys else {
        let reason = "the signature is intact, but no issuer key list was given to show the key \
                      is the issuer's (pass the issuer's did.json)";
        return settled(KeyNotTrusted, reason);
    };
    let multikey = credential::multikey(&proof.public_key);
    let listed = keys.iter().find(|key| key.public_key_multibase == multikey);
    match listed {
        None => return settled(KeyNotTrusted, "the issuer does not list this key"),
        Some(key) if !key.could_sign_at(proof.created) => {
            let reason = "the key was outside its signing window or compromised when it signed";
            return settled(KeyNotTrusted, reason);
        }
        Some(_) => {}
    }

    if revoked {
        return settled(Revoked, "an auditor revoked this certificate");
    }
    Judgement::Signed {
        verification_method: proof.verification_method,
        valid_from: document_time(document, "validFrom"),
        valid_until: document_time(document, "validUntil"),
    }
}

/// The verdict on a document the issuer's log does not show as issued: a broken signature or an
/// untrusted key keeps its status, and what would otherwise pass (valid, expired, revoked...)
/// becomes `unknown`, with `why` as the reason. A signature alone cannot make a certificate
/// valid once the log is asked: a key compromised later can sign with a backdated `created`.
pub fn not_in_log(verdict: Verdict, why: impl Into<String>) -> Verdict {
    if matches!(verdict.status, SignatureInvalid | KeyNotTrusted) {
        return verdict;
    }
    Verdict {
        status: Unknown,
        reason: why.into(),
        ..verdict
    }
}

use VerificationStatus::{
    Expired, KeyNotTrusted, NotYetValid, Revoked, SignatureInvalid, Unknown, Valid,
};

fn proof_failure(error: &ProofError) -> Verdict {
    Verdict::new(SignatureInvalid, error.to_string(), None)
}

fn validity_verdict(
    valid_from: Option<DateTime<Utc>>,
    valid_until: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
    method: &str,
) -> Verdict {
    let method = Some(method.to_owned());
    match (valid_from, valid_until) {
        (Some(from), _) if now < from => Verdict::new(NotYetValid, "validity starts later", method),
        (_, Some(until)) if now > until => Verdict::new(Expired, "validity has ended", method),
        (Some(_), Some(_)) => Verdict::new(Valid, "signature, key and validity check out", method),
        _ => Verdict::new(
            SignatureInvalid,
            "validFrom or validUntil is missing",
            method,
        ),
    }
}

fn document_time(document: &Value, field: &str) -> Option<DateTime<Utc>> {
    let text = document.get(field)?.as_str()?;
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|time| time.with_timezone(&Utc))
}

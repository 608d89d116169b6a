//! Data Integrity proofs with the `eddsa-jcs-2022` cryptosuite: adding one and checking one.
//!
//! The algorithms follow W3C "Data Integrity EdDSA Cryptosuites v1.0" (Recommendation, May 2025),
//! section 3.3: the signed bytes are SHA-256(JCS(proof options)) followed by
//! SHA-256(JCS(document without proof)), and the signature is pure Ed25519 over those 64 bytes.
//! Verification here is stricter than the Recommendation in the places marked below; each
//! strictness only ever turns a "valid" into an error, never the reverse.

use chrono::{DateTime, SecondsFormat, Utc};
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use thiserror::Error;

use super::CredentialError;
use super::jcs::canonicalize;
use super::multikey::{key_from_verification_method, verification_method};

/// The Data Integrity proof type this module makes and accepts.
pub const PROOF_TYPE: &str = "DataIntegrityProof";

/// The only cryptosuite this module makes and accepts.
pub const CRYPTOSUITE: &str = "eddsa-jcs-2022";

/// An issuer asserts a credential's claims, so its proofs are for `assertionMethod`.
pub const PROOF_PURPOSE: &str = "assertionMethod";

/// The multibase prefix of `proofValue`: base58btc.
const BASE58BTC_PREFIX: char = 'z';

/// What a successful check tells the caller, who still has to decide whether the key was the
/// issuer's and was inside its signing window at `created`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedProof {
    /// The `did:key:z6Mk...#z6Mk...` text exactly as the proof gave it.
    pub verification_method: String,
    /// The key the signature was checked against.
    pub public_key: VerifyingKey,
    /// When the issuer says it signed; compare it with the key's window and revocation time.
    pub created: DateTime<Utc>,
}

/// Why a secured document did not verify, split so each case can become its own status.
#[derive(Debug, Error)]
pub enum ProofError {
    /// The document carries no `proof` at all: it was never signed.
    #[error("the document has no proof")]
    MissingProof,

    /// A proof field is absent, of the wrong JSON type, or not in the required format.
    #[error("the proof is malformed at {field}: {reason}")]
    MalformedProof {
        /// The proof field at fault, or `document` / `@context` for the secured document.
        field: &'static str,
        /// What was wrong, for logs and the verification report.
        reason: String,
    },

    /// A well-formed proof of a kind this verifier does not handle (type, suite, purpose, sets).
    #[error("unsupported proof: {0}")]
    UnsupportedProof(String),

    /// The verification method does not give a usable key: not did:key, unparseable, or weak.
    #[error("the proof's key cannot be trusted: {0}")]
    UntrustedKey(String),

    /// Everything is well formed but the signature does not match the document and key.
    #[error("the signature does not match the document")]
    SignatureInvalid,
}

/// Signs `document` (a JSON object without `proof`) and returns it with an `eddsa-jcs-2022` proof.
///
/// `created` comes from the caller because this module never reads the clock; it is written to
/// the second, in UTC, with a `Z`. The proof copies the document's `@context` so a verifier can
/// tell which contexts the issuer signed under. The signature is checked strictly before it is
/// returned, so a fault can never put an invalid signature on a label.
pub fn add_proof(
    document: &Value,
    signing_key: &SigningKey,
    created: DateTime<Utc>,
) -> Result<Value, CredentialError> {
    let fields = document
        .as_object()
        .ok_or(CredentialError::DocumentNotObject)?;
    if fields.contains_key("proof") {
        return Err(CredentialError::DocumentAlreadySigned);
    }

    let public_key = signing_key.verifying_key();
    let mut proof = proof_options(fields, &public_key, created);
    let hash_data = proof_hash_data(document, &Value::Object(proof.clone()))?;

    let signature = signing_key.sign(&hash_data);
    public_key
        .verify_strict(&hash_data, &signature)
        .map_err(|_| CredentialError::SelfCheckFailed)?;

    proof.insert(
        "proofValue".into(),
        Value::String(encode_proof_value(&signature)),
    );
    let mut secured = fields.clone();
    secured.insert("proof".into(), Value::Object(proof));
    Ok(Value::Object(secured))
}

/// The 64 bytes that an `eddsa-jcs-2022` signature covers, exposed so each step can be tested
/// against the W3C vectors: SHA-256(JCS(proof options)) followed by SHA-256(JCS(document)).
///
/// `proof_options` is the proof without `proofValue`; `document_without_proof` is the credential
/// without `proof`.
pub fn proof_hash_data(
    document_without_proof: &Value,
    proof_options: &Value,
) -> Result<[u8; 64], CredentialError> {
    let proof_hash = Sha256::digest(canonicalize(proof_options)?);
    let document_hash = Sha256::digest(canonicalize(document_without_proof)?);

    let mut hash_data = [0u8; 64];
    hash_data[..32].copy_from_slice(&proof_hash);
    hash_data[32..].copy_from_slice(&document_hash);
    Ok(hash_data)
}

/// Checks the `eddsa-jcs-2022` proof on a secured document and says which key made it and when.
///
/// Follows the Recommendation's "Verify Proof (eddsa-jcs-2022)" algorithm, with the key taken
/// from a `did:key` verification method and checked with `verify_strict`. Stricter than the
/// Recommendation in that it requires `created`, refuses proof sets and chains, refuses a proof
/// with `expires` (this module has no clock to check it against), and refuses a document whose
/// `@context` has entries after those the proof lists, since the signature would not cover them.
pub fn verify_proof(secured: &Value) -> Result<VerifiedProof, ProofError> {
    let document = secured
        .as_object()
        .ok_or_else(|| malformed("document", "not a JSON object"))?;
    let proof = find_proof(document)?;
    check_proof_kind(proof)?;

    let signature = decode_proof_value(proof)?;
    let created = parse_created(proof)?;
    let verification_method = string_field(proof, "verificationMethod")?.to_owned();
    let public_key = key_from_verification_method(&verification_method)
        .map_err(|error| ProofError::UntrustedKey(error.to_string()))?;

    let (unsecured_document, proof_options) = split_secured_document(document, proof)?;
    let hash_data = proof_hash_data(&unsecured_document, &proof_options)
        .map_err(|error| malformed("document", &error.to_string()))?;

    public_key
        .verify_strict(&hash_data, &signature)
        .map_err(|_| ProofError::SignatureInvalid)?;

    Ok(VerifiedProof {
        verification_method,
        public_key,
        created,
    })
}

/// The proof options (the proof minus `proofValue`) that `add_proof` signs.
fn proof_options(
    document: &Map<String, Value>,
    public_key: &VerifyingKey,
    created: DateTime<Utc>,
) -> Map<String, Value> {
    let mut options = Map::new();
    options.insert("type".into(), PROOF_TYPE.into());
    options.insert("cryptosuite".into(), CRYPTOSUITE.into());
    options.insert(
        "created".into(),
        created.to_rfc3339_opts(SecondsFormat::Secs, true).into(),
    );
    options.insert(
        "verificationMethod".into(),
        verification_method(public_key).into(),
    );
    options.insert("proofPurpose".into(), PROOF_PURPOSE.into());

    if let Some(context) = document.get("@context") {
        options.insert("@context".into(), context.clone());
    }
    options
}

/// `proofValue` is multibase base58btc of the 64 signature bytes.
fn encode_proof_value(signature: &Signature) -> String {
    format!(
        "{BASE58BTC_PREFIX}{}",
        bs58::encode(signature.to_bytes()).into_string()
    )
}

/// Finds the single proof object; a list of proofs is a proof set or chain, which we do not check.
fn find_proof(document: &Map<String, Value>) -> Result<&Map<String, Value>, ProofError> {
    match document.get("proof") {
        None => Err(ProofError::MissingProof),
        Some(Value::Object(proof)) => Ok(proof),
        // Limitation: proof sets and chains (an array of proofs) are refused, not checked one by
        // one; our issuer never makes them.
        Some(Value::Array(_)) => Err(ProofError::UnsupportedProof(
            "proof sets and chains (a list of proofs) are not supported".into(),
        )),
        Some(_) => Err(malformed("proof", "not a JSON object")),
    }
}

/// Refuses proofs of another type, suite or purpose, and features this verifier cannot honour.
fn check_proof_kind(proof: &Map<String, Value>) -> Result<(), ProofError> {
    expect_value(proof, "type", PROOF_TYPE)?;
    expect_value(proof, "cryptosuite", CRYPTOSUITE)?;
    expect_value(proof, "proofPurpose", PROOF_PURPOSE)?;

    // Limitation: `expires` needs the current time, which a pure module does not have, so a proof
    // that sets it is refused rather than accepted unchecked.
    if proof.contains_key("expires") {
        return Err(ProofError::UnsupportedProof(
            "proofs with expires are not supported".into(),
        ));
    }
    if proof.contains_key("previousProof") {
        return Err(ProofError::UnsupportedProof(
            "proof chains are not supported".into(),
        ));
    }
    Ok(())
}

/// A field that must hold one exact string: absent or not a string is malformed, another string
/// is a kind of proof we do not support.
fn expect_value(
    proof: &Map<String, Value>,
    field: &'static str,
    expected: &str,
) -> Result<(), ProofError> {
    let actual = string_field(proof, field)?;

    if actual != expected {
        return Err(ProofError::UnsupportedProof(format!(
            "{field} is {actual:?}, only {expected:?} is supported"
        )));
    }
    Ok(())
}

/// Decodes `proofValue`: multibase base58btc of exactly 64 bytes.
fn decode_proof_value(proof: &Map<String, Value>) -> Result<Signature, ProofError> {
    let text = string_field(proof, "proofValue")?;
    let encoded = text.strip_prefix(BASE58BTC_PREFIX).ok_or_else(|| {
        malformed(
            "proofValue",
            "not multibase base58btc (must start with 'z')",
        )
    })?;

    let bytes = bs58::decode(encoded)
        .into_vec()
        .map_err(|error| malformed("proofValue", &format!("not base58btc: {error}")))?;
    let bytes: [u8; 64] = bytes.try_into().map_err(|bytes: Vec<u8>| {
        malformed(
            "proofValue",
            &format!("a signature has 64 bytes, found {}", bytes.len()),
        )
    })?;

    Ok(Signature::from_bytes(&bytes))
}

/// Reads `created`, which the Recommendation leaves optional but the key-window check needs.
fn parse_created(proof: &Map<String, Value>) -> Result<DateTime<Utc>, ProofError> {
    let text = string_field(proof, "created")?;

    // Limitation: only RFC 3339 date-times with an offset are read; xsd:dateTime also allows a
    // time without a zone, which has no single instant and is refused.
    DateTime::parse_from_rfc3339(text)
        .map(|created| created.with_timezone(&Utc))
        .map_err(|error| malformed("created", &format!("not an RFC 3339 date-time: {error}")))
}

/// Builds the two inputs of the hash: the document without `proof`, and the proof without
/// `proofValue`. When the proof lists contexts, the document's must be exactly those, in order.
fn split_secured_document(
    document: &Map<String, Value>,
    proof: &Map<String, Value>,
) -> Result<(Value, Value), ProofError> {
    let mut unsecured_document = document.clone();
    unsecured_document.remove("proof");
    let mut proof_options = proof.clone();
    proof_options.remove("proofValue");

    if let Some(proof_context) = proof_options.get("@context") {
        check_context_coverage(unsecured_document.get("@context"), proof_context)?;
    }

    Ok((
        Value::Object(unsecured_document),
        Value::Object(proof_options),
    ))
}

/// The Recommendation requires the document's `@context` to start with the proof's, then hashes
/// the document with the proof's `@context` in place of its own. Any entries after those would
/// then be outside the signature, so such a document is refused instead.
fn check_context_coverage(
    document_context: Option<&Value>,
    proof_context: &Value,
) -> Result<(), ProofError> {
    let document_entries = document_context.map(context_entries).unwrap_or_default();
    let proof_entries = context_entries(proof_context);

    if !document_entries.starts_with(proof_entries) {
        return Err(malformed(
            "@context",
            "the document's @context does not start with it",
        ));
    }
    if document_entries.len() > proof_entries.len() {
        return Err(malformed(
            "@context",
            "the document's @context has entries the signature does not cover",
        ));
    }
    Ok(())
}

/// A JSON-LD `@context` is one entry or a list of entries; either way, as a list.
fn context_entries(context: &Value) -> &[Value] {
    match context {
        Value::Array(entries) => entries,
        single => std::slice::from_ref(single),
    }
}

/// A field that must be present and hold a string.
fn string_field<'a>(
    proof: &'a Map<String, Value>,
    field: &'static str,
) -> Result<&'a str, ProofError> {
    match proof.get(field) {
        Some(Value::String(text)) => Ok(text),
        Some(_) => Err(malformed(field, "not a string")),
        None => Err(malformed(field, "missing")),
    }
}

/// Shorthand for the most common error, so each check reads as one line.
fn malformed(field: &'static str, reason: &str) -> ProofError {
    ProofError::MalformedProof {
        field,
        reason: reason.to_owned(),
    }
}

#[cfg(test)]
mod tests;

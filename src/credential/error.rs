//! Errors raised while building the pieces of a certificate: canonical bytes, keys, key files.
//!
//! Checking someone else's certificate has its own error type, [`super::ProofError`], because a
//! caller turns each of its variants into a status that a buyer sees. A `CredentialError` means
//! the input the issuer supplied (a document, a key, a key file) cannot be used as it is.

use thiserror::Error;

/// Why a document, key or key file could not be turned into what was asked for.
#[derive(Debug, Error)]
pub enum CredentialError {
    /// The JCS serialiser refused the JSON, so there are no bytes to hash or sign.
    #[error("the JSON could not be canonicalised with RFC 8785 (JCS)")]
    Canonicalization(#[source] serde_json::Error),

    /// JCS writes every number as an IEEE-754 double, so a larger integer would be rounded and
    /// two different documents would share one signature.
    #[error("the number {0} is outside the I-JSON range that JCS keeps exactly; use a string")]
    NumberOutOfRange(String),

    /// A credential is always a JSON object; anything else cannot carry a `proof`.
    #[error("the document to sign must be a JSON object")]
    DocumentNotObject,

    /// Signing a document that already has a proof would need proof sets, which we do not make.
    #[error("the document already carries a proof; sign the unsigned document")]
    DocumentAlreadySigned,

    /// The text is not a multibase, multicodec Ed25519 public key (`z6Mk...`).
    #[error("not an Ed25519 multikey: {0}")]
    InvalidMultikey(String),

    /// The verification method is not the one `did:key` form we accept.
    #[error("not a did:key verification method of the form did:key:z6Mk...#z6Mk...: {0}")]
    InvalidVerificationMethod(String),

    /// A small-order key lets anyone forge signatures that verify for many messages.
    #[error("the Ed25519 public key is weak (small order): a signature under it proves nothing")]
    WeakKey,

    /// A signature that fails our own strict check must never leave the issuer.
    #[error("the signature just made does not pass a strict verification; it was not emitted")]
    SelfCheckFailed,

    /// The PKCS#8 private key could not be written or read.
    #[error("the PKCS#8 private key could not be encoded or decoded")]
    KeyFile(#[source] ed25519_dalek::pkcs8::Error),

    /// Without the operating system's randomness there is no safe key to generate.
    #[error("the operating system's random number generator failed")]
    Randomness(#[source] getrandom::Error),
}

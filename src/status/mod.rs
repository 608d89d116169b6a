//! Revocation of labels through the W3C Bitstring Status List v1.0.
//!
//! Every certificate points at one bit of a published list: the bit is 0 while the label stands
//! and 1 once it is revoked. A list holds 131 072 bits, so fetching it tells the issuer nothing
//! about which label a buyer is looking at, and the list is itself a signed credential, so an
//! offline verifier can check revocation from a file.
//!
//! This module is pure: no HTTP, no database, no clock. Callers pass in times, the issuer, and
//! the revoked indexes; they sign the unsigned list credential with their own `eddsa-jcs-2022`
//! code, and they check that proof and the list's validity window before asking [`revoked_in`].

mod bitstring;
mod credential;

pub use bitstring::{LIST_SIZE, MAX_DECODED_BYTES, MIN_LIST_BYTES, StatusBitstring};
pub use credential::{
    ENTRY_TYPE, LIST_CREDENTIAL_TYPE, LIST_TYPE, REVOCATION_PURPOSE, revoked_in, status_list_entry,
    unsigned_status_list_credential,
};

/// Why a status list could not be built, read, or consulted.
///
/// Verifiers map every variant except `Compression` to "status unknown": a list that cannot be
/// read must never be taken to mean "not revoked".
#[derive(Debug, thiserror::Error)]
pub enum StatusError {
    /// The index does not name a bit of this list (the spec's RANGE_ERROR).
    #[error("status list index {index} is outside a list of {entry_count} entries")]
    IndexOutOfRange { index: u64, entry_count: u64 },

    /// `encodedList` lacks the multibase prefix `u`, or uses another base.
    #[error("encodedList must start with the multibase prefix `u` (base64url without padding)")]
    UnsupportedMultibase,

    /// The text after the `u` prefix is not base64url without padding.
    #[error("encodedList is not valid base64url without padding")]
    InvalidBase64(#[source] base64::DecodeError),

    /// The decoded bytes are not a complete, intact GZIP stream.
    #[error("encodedList does not hold a valid GZIP stream")]
    InvalidGzip(#[source] std::io::Error),

    /// The list is smaller than the spec's 16 KiB floor, which would weaken herd privacy.
    #[error("status list holds {entry_count} entries, fewer than the required {minimum}")]
    ListTooShort { entry_count: u64, minimum: u64 },

    /// The list expands past our ceiling; refused as a likely decompression bomb.
    #[error("status list expands past {limit_bytes} bytes and is refused")]
    ListTooLarge { limit_bytes: usize },

    /// Writing into the in-memory GZIP encoder failed; not expected in practice.
    #[error("could not GZIP-compress the status list")]
    Compression(#[source] std::io::Error),

    /// A field that the check needs is absent or has the wrong JSON type.
    #[error("`{field}` is missing or is not {expected}")]
    MissingField {
        field: &'static str,
        expected: &'static str,
    },

    /// A `type` value is not the one the spec requires at that place.
    #[error("`{field}` must be or include `{expected}`")]
    WrongType {
        field: &'static str,
        expected: &'static str,
    },

    /// The entry points at a different list from the one supplied.
    #[error("the entry refers to status list `{entry_list}` but the list supplied is `{list_id}`")]
    ListMismatch { entry_list: String, list_id: String },

    /// The entry's purpose is not one this module knows how to answer.
    #[error("status purpose `{purpose}` is not supported; only `revocation` is")]
    UnsupportedPurpose { purpose: String },

    /// The list does not carry the purpose that the entry asks about.
    #[error("the entry's purpose `{entry_purpose}` is not among the list's purposes")]
    PurposeMismatch { entry_purpose: String },

    /// The entry asks for a multi-bit status, which we neither issue nor read.
    #[error("statusSize {status_size} is not supported; only single-bit entries are")]
    UnsupportedStatusSize { status_size: String },

    /// `statusListIndex` is not a base-10 integer that fits in 64 bits.
    #[error("statusListIndex `{value}` is not a decimal integer that fits in 64 bits")]
    InvalidIndex { value: String },

    /// The issuer is neither a URL string nor an object with a string `id`.
    #[error("issuer must be a URL string or an object with a string `id`")]
    InvalidIssuer,

    /// `validUntil` would not fall after `validFrom`, so the list would never be valid.
    #[error("validUntil {valid_until} is not after validFrom {valid_from}")]
    EmptyValidity {
        valid_from: String,
        valid_until: String,
    },
}

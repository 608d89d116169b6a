//! The certificate: what an approved batch claims, in the signed W3C credential format, and how
//! anyone decides whether a certificate in hand is valid.
//!
//! Pure code: times come in as arguments, storage and HTTP live elsewhere.

pub mod code;
pub mod document;
pub mod log_leaf;
pub mod offline;
pub mod verification;

pub use code::{CertificateCode, CodeError};
pub use document::{CertificateClaim, FarmIdentity, Issuer, unsigned_document};
pub use log_leaf::{LeafEvent, document_sha256, issuance_leaf_of};
pub use verification::{
    Judgement, TrustedKey, Verdict, VerificationStatus, evaluate, judge, not_in_log,
};

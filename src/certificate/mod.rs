//! The certificate: what an approved batch claims, in the signed W3C credential format, and how
//! anyone decides whether a certificate in hand is valid.
//!
//! Pure code: times come in as arguments, storage and HTTP live elsewhere.

pub mod code;
pub mod document;
pub mod verification;

pub use code::{CertificateCode, CodeError};
pub use document::{CertificateClaim, FarmIdentity, Issuer, unsigned_document};
pub use verification::{TrustedKey, Verdict, VerificationStatus, evaluate};

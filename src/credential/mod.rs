//! Signing and checking zero-carbon labels as W3C Verifiable Credentials with `eddsa-jcs-2022`.
//!
//! Trust model, in short: a label is a JSON credential whose bytes are fixed by RFC 8785 (JCS)
//! and signed with the issuer's Ed25519 key. The proof names that key in full as a `did:key`, so
//! checking the signature needs nothing from the network and no key id can collide. A valid
//! signature only says "this key signed these bytes at the time it claims": the caller must still
//! check that the key is on the issuer's published key list, was inside its signing window at
//! `created` and was not revoked before it, and that the credential itself is in date and not
//! revoked. Checks are strict (`verify_strict`, weak and non-canonical keys refused) so that no
//! other Ed25519 library can accept a signature that we reject, or the reverse.
//!
//! This module is pure: no HTTP, no database, no clock. Times are passed in, and key files are
//! passed in and out as text.

mod error;
mod jcs;
mod keyfile;
mod multikey;
mod proof;

#[cfg(test)]
mod test_support;

pub use error::CredentialError;
pub use jcs::canonicalize;
pub use keyfile::{generate_signing_key, signing_key_from_pem, signing_key_to_pem};
pub use multikey::{
    did_key, key_from_verification_method, multikey, parse_multikey, verification_method,
};
pub use proof::{
    CRYPTOSUITE, PROOF_PURPOSE, PROOF_TYPE, ProofError, VerifiedProof, add_proof, proof_hash_data,
    verify_proof,
};

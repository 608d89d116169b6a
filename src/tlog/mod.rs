//! The append-only transparency log of every issuance, revocation and key change.
//!
//! Anyone holding a label can ask the log to prove that its issuance was recorded, and an auditor
//! who kept an older checkpoint can ask it to prove that nothing was removed or rewritten since.
//! The tree is hashed as RFC 6962 / RFC 9162 (section 2.1) and its signed tree heads are C2SP
//! checkpoints: Ed25519 signed notes (c2sp.org/signed-note, c2sp.org/tlog-checkpoint).
//!
//! This module is pure: no SQL, no HTTP, no clock. Storage lives behind [`SubtreeStore`].
//!
//! # Storage contract
//!
//! The log stores the hash of every *perfect subtree*: the subtree at `level` and `index` covers
//! leaves `[index * 2^level, (index + 1) * 2^level)`, and level 0 holds the leaf hashes. Such a
//! hash never changes once its last leaf is appended, so one table serves proofs for every past
//! tree size as well as the current one.
//!
//! - Appending leaf `i`: call [`append`] with the current [`CompactRange`]. It returns the new
//!   range and the subtrees this leaf completes: `(0, i)` and, for each trailing one bit of `i`,
//!   one parent above it (`1 + i.trailing_ones()` rows, two per leaf on average). Insert those
//!   rows, the entry itself and the new tree size in one transaction, then keep the new range.
//! - Reading: [`root`], [`inclusion_proof`] and [`consistency_proof`] first work out which
//!   subtrees they need (at most about `2 * log2(size)`) and ask for them in a single
//!   [`SubtreeStore::subtrees`] call, so a database answers with one `WHERE (level, idx) IN ...`
//!   query on the primary key `(level, idx)`.
//! - After a restart: [`CompactRange::from_store`] rebuilds the range from `popcount(size)` rows.
//! - Finding a leaf's index from its hash is the caller's job (an index on the level-0 rows).

mod checkpoint;
mod hash;
mod memory_store;
mod note;
mod proof;
mod serde_base64;
mod tree;
mod verify;

#[cfg(test)]
mod test_support;

use thiserror::Error;

pub use checkpoint::{Checkpoint, checkpoint_body, parse_checkpoint, verify_checkpoint};
pub use hash::{Hash, empty_root, leaf_hash, node_hash};
pub use memory_store::MemoryStore;
pub use note::{NoteVerifier, key_id, parse_verifier_key, sign_note, verifier_key, verify_note};
pub use proof::{ConsistencyProof, InclusionProof};
pub use tree::{
    Appended, CompactRange, CompletedSubtree, SubtreeId, SubtreeStore, append, consistency_proof,
    inclusion_proof, root,
};
pub use verify::{verify_consistency, verify_inclusion};

/// Why a leaf could not be appended.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum AppendError {
    /// Tree sizes are `u64`, so the last possible leaf has been written.
    #[error("the log already holds the largest number of entries a u64 can count")]
    LogFull,
}

/// Why a root or proof could not be computed from the stored subtree hashes.
#[derive(Debug, Error)]
pub enum TreeError<E>
where
    E: std::error::Error + 'static,
{
    /// The leaf asked about is past the end of the tree the proof is for.
    #[error("leaf {index} is not in a tree of {size} leaves")]
    LeafOutOfRange { index: u64, size: u64 },

    /// A log only grows, so an older tree must not be larger than a newer one.
    #[error("cannot prove that a tree of {from} leaves grew into a smaller one of {to} leaves")]
    SizesOutOfOrder { from: u64, to: u64 },

    /// The store lacks a hash the tree size requires: it holds fewer leaves than asked for.
    #[error("the store has no hash for the subtree at level {level}, index {index}")]
    MissingSubtree { level: u8, index: u64 },

    /// A store broke the [`SubtreeStore::subtrees`] contract of one answer per question.
    #[error("the store answered {answered} hashes when asked for {asked}")]
    WrongAnswerCount { asked: usize, answered: usize },

    /// The store itself failed (a database error, for example).
    #[error("reading subtree hashes from the store failed")]
    Store(#[source] E),
}

/// Why an inclusion or consistency proof was rejected (RFC 9162 sections 2.1.3.2 and 2.1.4.2).
#[derive(Debug, Error, PartialEq, Eq)]
pub enum ProofError {
    /// The leaf index is past the end of the tree the proof claims.
    #[error("leaf {index} is not in a tree of {size} leaves")]
    LeafOutOfRange { index: u64, size: u64 },

    /// The older tree is larger than the newer one.
    #[error("a tree of {from} leaves cannot grow into a smaller one of {to} leaves")]
    SizesOutOfOrder { from: u64, to: u64 },

    /// The proof has hashes left over after reaching the root.
    #[error("the proof has more hashes than the tree sizes allow")]
    TooManyHashes,

    /// The proof ran out of hashes before reaching the root.
    #[error("the proof has fewer hashes than the tree sizes need")]
    TooFewHashes,

    /// Equal sizes, or an empty older tree, need no hashes; any hash there is suspicious.
    #[error("the proof should be empty for these tree sizes")]
    ExpectedEmptyProof,

    /// The proof does not lead to the root the caller trusts.
    #[error("the proof does not lead to the expected root")]
    RootMismatch,

    /// The consistency proof does not lead back to the older root.
    #[error("the consistency proof does not lead to the older root")]
    OldRootMismatch,

    /// The consistency proof does not lead to the newer root.
    #[error("the consistency proof does not lead to the newer root")]
    NewRootMismatch,
}

/// Why a checkpoint body could not be built, parsed or trusted.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum CheckpointError {
    /// The origin must be one non-empty line with no control characters (c2sp.org/tlog-checkpoint).
    #[error("the origin must be one non-empty line without control characters")]
    InvalidOrigin,

    /// An extension line must be non-empty and hold no newline or control character.
    #[error("extension lines must be non-empty and without control characters")]
    InvalidExtension,

    /// The body does not end in a newline or has fewer than three lines.
    #[error("a checkpoint body needs origin, size and root lines, each ending in a newline")]
    MissingLines,

    /// The size line is not ASCII decimal without leading zeroes.
    #[error("the tree size {line:?} is not a decimal number without leading zeroes")]
    InvalidSize { line: String },

    /// The root line is not the standard base64 of 32 bytes.
    #[error("the root hash {line:?} is not the base64 of 32 bytes")]
    InvalidRoot { line: String },

    /// A verified checkpoint came from another log than the one expected.
    #[error("the checkpoint is for log {found:?}, not {expected:?}")]
    OriginMismatch { expected: String, found: String },

    /// The signed note around the checkpoint did not verify.
    #[error("the checkpoint's signature did not verify")]
    Note(#[from] NoteError),
}

/// Why a signed note or verifier key was refused (c2sp.org/signed-note).
#[derive(Debug, Error, PartialEq, Eq)]
pub enum NoteError {
    /// Key names must be non-empty and hold no Unicode space and no `+`.
    #[error("the key name {name:?} is empty or holds a space or a '+'")]
    InvalidKeyName { name: String },

    /// Note text must end in a newline and hold no control character other than newline.
    #[error("the note text must end in a newline and hold no other control character")]
    InvalidText,

    /// A signed note needs a blank line between its text and its signature lines.
    #[error("the note has no blank line followed by signature lines")]
    MissingSignatures,

    /// A line after the blank line is not `— <key name> <base64>`.
    #[error("the signature line {line:?} is malformed")]
    MalformedSignatureLine { line: String },

    /// Notes with very many signatures are refused to bound the work they cause.
    #[error("the note has {count} signatures, more than the {limit} accepted")]
    TooManySignatures { count: usize, limit: usize },

    /// The verifier key is not `<name>+<hex key id>+<base64 key>`.
    #[error("the verifier key is malformed: {reason}")]
    MalformedVerifierKey { reason: &'static str },

    /// Only Ed25519 (type byte 0x01) keys are accepted.
    #[error("the verifier key has signature type {found:#04x}, not Ed25519 (0x01)")]
    UnsupportedKeyType { found: u8 },

    /// The key bytes are not a usable Ed25519 public key (not a point, or a weak one).
    #[error("the verifier key does not hold a usable Ed25519 public key")]
    InvalidPublicKey,

    /// The key id written in the verifier key does not match its name and key.
    #[error("the verifier key's id does not match its name and public key")]
    KeyIdMismatch,

    /// A signature that names the trusted key failed: the whole note is refused.
    #[error("the signature by {key_name} does not verify")]
    BadSignature { key_name: String },

    /// No signature in the note comes from the trusted key.
    #[error("the note carries no signature by {key_name}")]
    NoKnownSignature { key_name: String },
}

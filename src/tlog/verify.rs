//! Checking inclusion and consistency proofs, as an auditor or the offline verifier does.
//!
//! Both follow the step lists of RFC 9162 sections 2.1.3.2 and 2.1.4.2 literally, with the
//! RFC's `fn` and `sn` as the two fields of [`PathPosition`]. They need no store: only the
//! proof, the sizes and the roots the caller already trusts (from signed checkpoints).

use super::ProofError;
use super::hash::{Hash, empty_root, node_hash};

/// Checks that `leaf_hash` is leaf `index` of the tree of `size` leaves whose root is `root`
/// (RFC 9162 section 2.1.3.2).
///
/// The size is not bound by the proof itself: take it, with the root, from a verified checkpoint.
pub fn verify_inclusion(
    leaf_hash: &Hash,
    index: u64,
    size: u64,
    proof: &[Hash],
    root: &Hash,
) -> Result<(), ProofError> {
    // Step 1.
    if index >= size {
        return Err(ProofError::LeafOutOfRange { index, size });
    }

    // Steps 2 to 4.
    let mut position = PathPosition {
        node: index,
        last: size - 1,
    };
    let mut hash = *leaf_hash;
    for sibling in proof {
        if position.last == 0 {
            return Err(ProofError::TooManyHashes);
        }
        if position.is_right_or_last() {
            hash = node_hash(sibling, &hash);
            position.climb_while_last_of_left();
        } else {
            hash = node_hash(&hash, sibling);
        }
        position.climb();
    }

    // Step 5.
    if position.last != 0 {
        return Err(ProofError::TooFewHashes);
    }
    if hash != *root {
        return Err(ProofError::RootMismatch);
    }
    Ok(())
}

/// Checks that the tree of `to` leaves with root `to_root` extends, unchanged, the tree of
/// `from` leaves with root `from_root` (RFC 9162 section 2.1.4.2).
///
/// The RFC covers `0 < from < to`. Equal sizes need an empty proof and equal roots; an empty
/// older tree needs an empty proof and the empty root, as every tree extends it.
pub fn verify_consistency(
    from: u64,
    to: u64,
    from_root: &Hash,
    to_root: &Hash,
    proof: &[Hash],
) -> Result<(), ProofError> {
    if from > to {
        return Err(ProofError::SizesOutOfOrder { from, to });
    }
    if from == 0 {
        return expect_no_proof(proof, from_root, &empty_root());
    }
    if from == to {
        return expect_no_proof(proof, from_root, to_root);
    }

    let (old_root, new_root) = walk_consistency_path(from, to, from_root, proof)?;

    // Step 7.
    if old_root != *from_root {
        return Err(ProofError::OldRootMismatch);
    }
    if new_root != *to_root {
        return Err(ProofError::NewRootMismatch);
    }
    Ok(())
}

/// RFC 9162 section 2.1.4.2 steps 1 to 6 and the size check of step 7: the old and new roots
/// the proof leads to.
fn walk_consistency_path(
    from: u64,
    to: u64,
    from_root: &Hash,
    proof: &[Hash],
) -> Result<(Hash, Hash), ProofError> {
    // Steps 1 and 2: a power-of-two old tree is a subtree of the new one, so its root starts
    // the path.
    if proof.is_empty() {
        return Err(ProofError::TooFewHashes);
    }
    let old_root_first = from.is_power_of_two().then_some(from_root);
    let mut path = old_root_first.into_iter().chain(proof);

    // Steps 3 and 4.
    let mut position = PathPosition {
        node: from - 1,
        last: to - 1,
    };
    while position.node & 1 == 1 {
        position.climb();
    }

    // Steps 5 and 6.
    let start = *path.next().ok_or(ProofError::TooFewHashes)?;
    let (mut old_root, mut new_root) = (start, start);
    for hash in path {
        if position.last == 0 {
            return Err(ProofError::TooManyHashes);
        }
        if position.is_right_or_last() {
            old_root = node_hash(hash, &old_root);
            new_root = node_hash(hash, &new_root);
            position.climb_while_last_of_left();
        } else {
            new_root = node_hash(&new_root, hash);
        }
        position.climb();
    }

    // Step 7, first part.
    if position.last != 0 {
        return Err(ProofError::TooFewHashes);
    }
    Ok((old_root, new_root))
}

/// The cases outside the RFC's algorithm: nothing to prove, the roots must simply agree.
fn expect_no_proof(proof: &[Hash], root: &Hash, expected: &Hash) -> Result<(), ProofError> {
    if !proof.is_empty() {
        return Err(ProofError::ExpectedEmptyProof);
    }
    if root != expected {
        return Err(ProofError::RootMismatch);
    }
    Ok(())
}

/// Where the verification walk is: RFC 9162's `fn` (the node on the path, counted within its
/// level) and `sn` (the last node of that level).
struct PathPosition {
    node: u64,
    last: u64,
}

impl PathPosition {
    /// RFC 9162: "If LSB(fn) is set, or if fn is equal to sn": the sibling is on the left.
    fn is_right_or_last(&self) -> bool {
        self.node & 1 == 1 || self.node == self.last
    }

    /// RFC 9162: "If LSB(fn) is not set, then right-shift both fn and sn equally until either
    /// LSB(fn) is set or fn is 0": skip the levels where a last left node has no sibling.
    fn climb_while_last_of_left(&mut self) {
        while self.node & 1 == 0 && self.node != 0 {
            self.climb();
        }
    }

    /// RFC 9162: "right-shift both fn and sn one time".
    fn climb(&mut self) {
        self.node >>= 1;
        self.last >>= 1;
    }
}

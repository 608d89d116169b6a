//! The two hash functions of an RFC 6962 / RFC 9162 Merkle tree (RFC 9162 section 2.1.1).
//!
//! Leaves and interior nodes get different one-byte prefixes so that no leaf can ever be passed
//! off as a node or the reverse (the second-preimage defence the RFC describes).

use sha2::{Digest, Sha256};

/// A SHA-256 output: a leaf hash, a node hash or a tree root.
pub type Hash = [u8; 32];

/// Prefix of a leaf hash input, from RFC 9162 section 2.1.1.
const LEAF_PREFIX: u8 = 0x00;

/// Prefix of an interior node hash input, from RFC 9162 section 2.1.1.
const NODE_PREFIX: u8 = 0x01;

/// The hash that stands for one log entry: `SHA-256(0x00 || data)`.
pub fn leaf_hash(data: &[u8]) -> Hash {
    Sha256::new()
        .chain_update([LEAF_PREFIX])
        .chain_update(data)
        .finalize()
        .into()
}

/// The hash that joins two subtrees: `SHA-256(0x01 || left || right)`.
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    Sha256::new()
        .chain_update([NODE_PREFIX])
        .chain_update(left)
        .chain_update(right)
        .finalize()
        .into()
}

/// The root of a log with no entries, `SHA-256("")`, so an empty log still has a checkpoint.
pub fn empty_root() -> Hash {
    Sha256::digest([]).into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tlog::test_support::{decode_hash, reference_tree};

    #[test]
    fn the_empty_root_matches_the_reference_vector() {
        let tree = reference_tree();

        assert_eq!(empty_root(), decode_hash(&tree["empty_tree_root"]));
    }

    #[test]
    fn the_leaf_hashes_of_the_eight_reference_leaves_match() {
        let tree = reference_tree();
        let expected = tree["leaf_hashes_hex"]
            .as_array()
            .expect("leaf_hashes_hex is a list");

        for (leaf, expected) in crate::tlog::test_support::reference_leaves()
            .iter()
            .zip(expected)
        {
            assert_eq!(leaf_hash(leaf), decode_hash(expected));
        }
        assert_eq!(expected.len(), 8);
    }

    #[test]
    fn a_leaf_and_a_node_over_the_same_bytes_hash_differently() {
        let left = [7u8; 32];
        let right = [9u8; 32];
        let mut joined = left.to_vec();
        joined.extend_from_slice(&right);

        assert_ne!(leaf_hash(&joined), node_hash(&left, &right));
    }
}

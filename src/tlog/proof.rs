//! Proofs as values to hand out and keep: what an endpoint returns and what a verification
//! result carries, so an auditor can store them beside the checkpoint they were checked against.

use serde::{Deserialize, Serialize};

use super::ProofError;
use super::hash::Hash;
use super::verify::{verify_consistency, verify_inclusion};

/// Proof that one leaf is in the tree of a given size (RFC 9162 section 2.1.3).
///
/// In JSON the hashes are standard base64, leaf side first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InclusionProof {
    /// The leaf's position, from 0.
    pub leaf_index: u64,
    /// The size of the tree the path leads to the root of.
    pub tree_size: u64,
    /// The audit path.
    #[serde(with = "super::serde_base64::list")]
    pub hashes: Vec<Hash>,
}

impl InclusionProof {
    /// Checks the proof for `leaf_hash` against the root of a checkpoint of `tree_size` leaves.
    pub fn verify(&self, leaf_hash: &Hash, root: &Hash) -> Result<(), ProofError> {
        verify_inclusion(
            leaf_hash,
            self.leaf_index,
            self.tree_size,
            &self.hashes,
            root,
        )
    }
}

/// Proof that a tree of `to_size` leaves extends the one of `from_size` (RFC 9162 section 2.1.4).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsistencyProof {
    /// The size of the older tree.
    pub from_size: u64,
    /// The size of the newer tree.
    pub to_size: u64,
    /// The consistency path.
    #[serde(with = "super::serde_base64::list")]
    pub hashes: Vec<Hash>,
}

impl ConsistencyProof {
    /// Checks the proof against the roots of the two checkpoints.
    pub fn verify(&self, from_root: &Hash, to_root: &Hash) -> Result<(), ProofError> {
        verify_consistency(
            self.from_size,
            self.to_size,
            from_root,
            to_root,
            &self.hashes,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tlog::{MemoryStore, consistency_proof, inclusion_proof, leaf_hash};

    fn store_of(count: u8) -> MemoryStore {
        let mut store = MemoryStore::new();
        for byte in 0..count {
            store
                .append(leaf_hash(&[byte]))
                .expect("a small log has room");
        }
        store
    }

    #[test]
    fn an_inclusion_proof_survives_a_json_round_trip_and_still_verifies() {
        let store = store_of(7);
        let hashes = inclusion_proof(3, 7, &store).expect("leaf 3 is in the tree");
        let proof = InclusionProof {
            leaf_index: 3,
            tree_size: 7,
            hashes,
        };

        let json = serde_json::to_string(&proof).expect("a proof serializes");
        let parsed: InclusionProof = serde_json::from_str(&json).expect("and parses back");

        assert_eq!(parsed, proof);
        let root = store.compact_range().root();
        assert_eq!(parsed.verify(&leaf_hash(&[3]), &root), Ok(()));
    }

    #[test]
    fn proof_hashes_are_written_as_base64_strings() {
        let store = store_of(2);
        let hashes = consistency_proof(1, 2, &store).expect("sizes are in order");
        let proof = ConsistencyProof {
            from_size: 1,
            to_size: 2,
            hashes,
        };

        let json = serde_json::to_value(&proof).expect("a proof serializes");

        let expected = crate::tlog::serde_base64::encode_hash(&leaf_hash(&[1]));
        assert_eq!(json["hashes"], serde_json::json!([expected]));
    }

    #[test]
    fn a_proof_hash_that_is_not_32_bytes_is_refused_when_parsing() {
        let json = r#"{"leaf_index":0,"tree_size":2,"hashes":["AAAA"]}"#;

        assert!(serde_json::from_str::<InclusionProof>(json).is_err());
    }
}

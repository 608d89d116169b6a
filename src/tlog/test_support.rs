//! Helpers shared by this module's tests: the official vectors, a naive reference tree, and
//! reproducible pseudo-random data.
//!
//! The vectors stay in the project's shared folder (see its README for their origins); the path
//! is built from the crate's manifest folder so it resolves the same from any crate beside it.

use std::collections::HashMap;
use std::hash::{BuildHasher, RandomState};

use ed25519_dalek::SigningKey;
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::hash::{Hash, empty_root, leaf_hash, node_hash};

/// The RFC 6962 reference tree: 8 leaves, their hashes and the roots for sizes 1 to 8.
pub fn reference_tree() -> Value {
    read_json_vector(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/vectors/merkle/rfc6962-reference-tree.json"
    ))
}

/// The C2SP signed-note example with its verifier key, and the checkpoint format sample.
pub fn signed_note_example() -> Value {
    read_json_vector(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/vectors/signed-note/c2sp-signed-note-example.json"
    ))
}

/// The data of the 8 reference leaves.
pub fn reference_leaves() -> Vec<Vec<u8>> {
    let tree = reference_tree();
    let leaves = tree["leaves_hex"].as_array().expect("leaves_hex is a list");

    leaves
        .iter()
        .map(|leaf| hex::decode(text(leaf)).expect("leaves are hex"))
        .collect()
}

/// A 32-byte hash written as hex in a vector.
pub fn decode_hash(value: &Value) -> Hash {
    let bytes = hex::decode(text(value)).expect("hashes are hex");

    bytes.try_into().expect("hashes are 32 bytes")
}

/// A string field of a vector.
pub fn text(value: &Value) -> &str {
    value.as_str().expect("the vector field is a string")
}

fn read_json_vector(path: &str) -> Value {
    let bytes = std::fs::read(path)
        .unwrap_or_else(|error| panic!("cannot read test vector {path}: {error}"));

    serde_json::from_slice(&bytes)
        .unwrap_or_else(|error| panic!("test vector {path} is not JSON: {error}"))
}

/// A signing key never used before: seeded from the process's random hasher keys.
pub fn fresh_signing_key() -> SigningKey {
    let mut seed = Sha256::new();
    for round in 0u8..4 {
        seed.update(RandomState::new().hash_one(round).to_le_bytes());
    }

    SigningKey::from_bytes(&seed.finalize().into())
}

/// A reproducible stream of pseudo-random numbers (SplitMix64), so a failure can be replayed.
pub struct Pseudorandom(u64);

impl Pseudorandom {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut mixed = self.0;
        mixed = (mixed ^ (mixed >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        mixed = (mixed ^ (mixed >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        mixed ^ (mixed >> 31)
    }

    /// Up to 40 random bytes.
    pub fn leaf_data(&mut self) -> Vec<u8> {
        let len = self.next_u64() % 41;

        (0..len).map(|_| self.next_u64().to_le_bytes()[0]).collect()
    }
}

/// RFC 6962 section 2.1 written as directly as possible over the full leaf list, with a cache
/// of subrange hashes so that checking every proof of a 300-leaf tree stays quick.
pub struct NaiveTree {
    leaves: Vec<Hash>,
    cache: HashMap<(usize, usize), Hash>,
}

impl NaiveTree {
    pub fn new(leaf_data: &[Vec<u8>]) -> Self {
        let leaves = leaf_data.iter().map(|data| leaf_hash(data)).collect();

        Self {
            leaves,
            cache: HashMap::new(),
        }
    }

    /// `MTH(D[start:end])`.
    pub fn mth(&mut self, start: usize, end: usize) -> Hash {
        if let Some(hash) = self.cache.get(&(start, end)) {
            return *hash;
        }
        let hash = match end - start {
            0 => empty_root(),
            1 => self.leaves[start],
            n => {
                let k = largest_power_of_two_below(n);
                let left = self.mth(start, start + k);
                node_hash(&left, &self.mth(start + k, end))
            }
        };
        self.cache.insert((start, end), hash);
        hash
    }

    /// `PATH(m, D[start:end])`, RFC 6962 section 2.1.1.
    pub fn path(&mut self, m: usize, start: usize, end: usize) -> Vec<Hash> {
        let n = end - start;
        if n <= 1 {
            return Vec::new();
        }
        let k = largest_power_of_two_below(n);
        if m < k {
            let mut path = self.path(m, start, start + k);
            path.push(self.mth(start + k, end));
            path
        } else {
            let mut path = self.path(m - k, start + k, end);
            path.push(self.mth(start, start + k));
            path
        }
    }

    /// `SUBPROOF(m, D[start:end], b)`, RFC 6962 section 2.1.2.
    pub fn subproof(&mut self, m: usize, start: usize, end: usize, b: bool) -> Vec<Hash> {
        let n = end - start;
        if m == n {
            return if b {
                Vec::new()
            } else {
                vec![self.mth(start, end)]
            };
        }
        let k = largest_power_of_two_below(n);
        if m <= k {
            let mut proof = self.subproof(m, start, start + k, b);
            proof.push(self.mth(start + k, end));
            proof
        } else {
            let mut proof = self.subproof(m - k, start + k, end, false);
            proof.push(self.mth(start, start + k));
            proof
        }
    }
}

fn largest_power_of_two_below(n: usize) -> usize {
    let mut k = 1;
    while k * 2 < n {
        k *= 2;
    }
    k
}

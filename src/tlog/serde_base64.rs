//! Hashes as standard base64 text in serialized forms, the encoding checkpoints already use, so
//! the hashes in a proof read the same as the root in the checkpoint it is checked against.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::de::Error;
use serde::{Deserialize, Deserializer, Serializer};

use super::hash::Hash;

/// Decodes standard, padded base64 of exactly 32 bytes.
pub(crate) fn decode_hash(text: &str) -> Option<Hash> {
    STANDARD.decode(text).ok()?.try_into().ok()
}

/// Encodes a hash as standard, padded base64.
pub(crate) fn encode_hash(hash: &Hash) -> String {
    STANDARD.encode(hash)
}

/// `#[serde(with = ...)]` for one 32-byte hash.
pub(crate) mod one {
    use super::*;

    pub(crate) fn serialize<S: Serializer>(hash: &Hash, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&encode_hash(hash))
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Hash, D::Error> {
        let text = String::deserialize(deserializer)?;

        decode_hash(&text).ok_or_else(|| D::Error::custom("expected the base64 of 32 bytes"))
    }
}

/// `#[serde(with = ...)]` for a list of 32-byte hashes.
pub(crate) mod list {
    use serde::ser::SerializeSeq;

    use super::*;

    pub(crate) fn serialize<S: Serializer>(
        hashes: &[Hash],
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        let mut sequence = serializer.serialize_seq(Some(hashes.len()))?;
        for hash in hashes {
            sequence.serialize_element(&encode_hash(hash))?;
        }
        sequence.end()
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Vec<Hash>, D::Error> {
        let texts = Vec::<String>::deserialize(deserializer)?;

        let decode = |text: &String| {
            decode_hash(text).ok_or_else(|| D::Error::custom("expected the base64 of 32 bytes"))
        };
        texts.iter().map(decode).collect()
    }
}

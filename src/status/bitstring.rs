//! The status bits themselves and their `encodedList` form (GZIP, then multibase base64url).
//!
//! Bit 0 is the most significant bit of the first byte, as the spec requires, so a list written
//! here reads the same in any conforming verifier. Decoding is strict and bounded: anything that
//! is not exactly "u" + base64url + one or more intact GZIP members is refused, and so is a list
//! that would expand past [`MAX_DECODED_BYTES`].

use std::io::{Read, Write};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use flate2::Compression;
use flate2::read::MultiGzDecoder;
use flate2::write::GzEncoder;

use super::StatusError;

/// Entries in every list we issue: the spec's minimum, 16 KiB of bits.
///
/// One size for all lists keeps each list's download identical in shape, so fetching it reveals
/// nothing about which label is being checked.
pub const LIST_SIZE: u64 = 131_072;

/// The smallest uncompressed list a verifier accepts, in bytes (the spec's 16 KiB floor).
pub const MIN_LIST_BYTES: usize = 16 * 1024;

/// The largest uncompressed list we accept, in bytes.
///
/// 16 MiB is 134 million entries, far beyond any honest list; the ceiling stops a small crafted
/// GZIP stream from exhausting memory in the server or the offline verifier.
pub const MAX_DECODED_BYTES: usize = 16 * 1024 * 1024;

/// Bytes in every list we issue.
const LIST_BYTES: usize = (LIST_SIZE / 8) as usize;

/// Multibase prefix for base64url without padding, the only encoding the spec allows.
const MULTIBASE_BASE64URL: char = 'u';

/// A fixed-length list of status bits, where a set bit means "revoked".
///
/// The length never changes after construction, so an index that was valid when a certificate
/// was issued stays valid for the life of the list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusBitstring {
    bytes: Vec<u8>,
}

impl StatusBitstring {
    /// An all-clear list of [`LIST_SIZE`] entries, the starting point for a new list.
    pub fn new() -> Self {
        Self {
            bytes: vec![0; LIST_BYTES],
        }
    }

    /// A list of [`LIST_SIZE`] entries with exactly the given indexes revoked.
    ///
    /// Rebuilding from the stored revocations each time keeps the database the single source of
    /// truth; an index outside the list is an error rather than silently dropped.
    pub fn from_revoked_indexes(
        revoked: impl IntoIterator<Item = u64>,
    ) -> Result<Self, StatusError> {
        let mut bits = Self::new();

        for index in revoked {
            bits.set(index, true)?;
        }

        Ok(bits)
    }

    /// How many entries the list holds (eight per byte).
    pub fn entry_count(&self) -> u64 {
        self.bytes.len() as u64 * 8
    }

    /// Marks an entry revoked (`true`) or clear (`false`).
    pub fn set(&mut self, index: u64, revoked: bool) -> Result<(), StatusError> {
        let (byte, mask) = self.locate(index)?;

        if revoked {
            self.bytes[byte] |= mask;
        } else {
            self.bytes[byte] &= !mask;
        }

        Ok(())
    }

    /// Whether an entry is revoked.
    pub fn get(&self, index: u64) -> Result<bool, StatusError> {
        let (byte, mask) = self.locate(index)?;

        Ok(self.bytes[byte] & mask != 0)
    }

    /// The `encodedList` value: GZIP of the bits, base64url without padding, prefixed with `u`.
    ///
    /// The GZIP header carries no file name and a zero timestamp, so the same bits always give
    /// the same text and re-signing an unchanged list yields the same credential body.
    pub fn encode(&self) -> Result<String, StatusError> {
        let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
        encoder
            .write_all(&self.bytes)
            .map_err(StatusError::Compression)?;
        let compressed = encoder.finish().map_err(StatusError::Compression)?;

        let mut encoded = String::with_capacity(1 + compressed.len().div_ceil(3) * 4);
        encoded.push(MULTIBASE_BASE64URL);
        URL_SAFE_NO_PAD.encode_string(&compressed, &mut encoded);

        Ok(encoded)
    }

    /// Reads an `encodedList` value, as found in any conforming status list credential.
    ///
    /// Refuses a missing or foreign multibase prefix, bad base64url, bad or truncated GZIP, a
    /// list under 16 KiB, and anything that would expand past [`MAX_DECODED_BYTES`]; the last is
    /// detected while inflating, so a decompression bomb never gets its memory.
    pub fn decode(encoded: &str) -> Result<Self, StatusError> {
        let base64_text = encoded
            .strip_prefix(MULTIBASE_BASE64URL)
            .ok_or(StatusError::UnsupportedMultibase)?;
        let compressed = URL_SAFE_NO_PAD
            .decode(base64_text)
            .map_err(StatusError::InvalidBase64)?;

        let bytes = read_at_most(
            MultiGzDecoder::new(compressed.as_slice()),
            MAX_DECODED_BYTES,
        )?;

        if bytes.len() < MIN_LIST_BYTES {
            return Err(StatusError::ListTooShort {
                entry_count: bytes.len() as u64 * 8,
                minimum: LIST_SIZE,
            });
        }

        Ok(Self { bytes })
    }

    /// The byte holding an entry and the mask of its bit, most significant bit first.
    fn locate(&self, index: u64) -> Result<(usize, u8), StatusError> {
        let out_of_range = || StatusError::IndexOutOfRange {
            index,
            entry_count: self.entry_count(),
        };

        let byte = usize::try_from(index / 8).map_err(|_| out_of_range())?;
        if byte >= self.bytes.len() {
            return Err(out_of_range());
        }

        let mask = 0x80 >> (index % 8);
        Ok((byte, mask))
    }
}

impl Default for StatusBitstring {
    fn default() -> Self {
        Self::new()
    }
}

/// Reads a whole stream, failing as soon as it yields more than `limit` bytes.
///
/// Taking one byte past the limit is what tells "exactly at the limit" from "over it", and it
/// caps the memory spent on a hostile stream at `limit + 1` bytes.
fn read_at_most(reader: impl Read, limit: usize) -> Result<Vec<u8>, StatusError> {
    let mut bytes = Vec::new();
    reader
        .take(limit as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(StatusError::InvalidGzip)?;

    if bytes.len() > limit {
        return Err(StatusError::ListTooLarge { limit_bytes: limit });
    }

    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Gzip without the multibase and base64 layers, for building hostile inputs.
    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
        encoder.write_all(data).expect("gzip into memory");
        encoder.finish().expect("finish gzip into memory")
    }

    fn as_encoded_list(compressed: &[u8]) -> String {
        format!("u{}", URL_SAFE_NO_PAD.encode(compressed))
    }

    fn gunzip(compressed: &[u8]) -> Vec<u8> {
        let mut bytes = Vec::new();
        MultiGzDecoder::new(compressed)
            .read_to_end(&mut bytes)
            .expect("valid gzip");
        bytes
    }

    #[test]
    fn a_new_list_has_131_072_clear_entries() {
        let bits = StatusBitstring::new();

        assert_eq!(bits.entry_count(), 131_072);
        assert_eq!(bits.bytes.len(), 16_384);
        assert!(bits.bytes.iter().all(|&byte| byte == 0));
    }

    #[test]
    fn index_0_is_the_most_significant_bit_of_the_first_byte() {
        let mut bits = StatusBitstring::new();

        bits.set(0, true).expect("index 0 is in range");

        assert_eq!(bits.bytes[0], 0x80);
        assert!(bits.bytes[1..].iter().all(|&byte| byte == 0));
    }

    #[test]
    fn index_7_is_the_least_significant_bit_of_the_first_byte() {
        let mut bits = StatusBitstring::new();

        bits.set(7, true).expect("index 7 is in range");

        assert_eq!(bits.bytes[0], 0x01);
        assert!(bits.bytes[1..].iter().all(|&byte| byte == 0));
    }

    #[test]
    fn index_8_is_the_most_significant_bit_of_the_second_byte() {
        let mut bits = StatusBitstring::new();

        bits.set(8, true).expect("index 8 is in range");

        assert_eq!(bits.bytes[0], 0x00);
        assert_eq!(bits.bytes[1], 0x80);
    }

    #[test]
    fn the_last_index_is_the_least_significant_bit_of_the_last_byte() {
        let mut bits = StatusBitstring::new();

        bits.set(LIST_SIZE - 1, true)
            .expect("last index is in range");

        assert_eq!(bits.bytes[16_383], 0x01);
    }

    #[test]
    fn clearing_an_entry_leaves_its_neighbours_alone() {
        let mut bits = StatusBitstring::from_revoked_indexes([8, 9, 10]).expect("in range");

        bits.set(9, false).expect("in range");

        assert_eq!(bits.bytes[1], 0b1010_0000);
        assert!(bits.get(8).expect("in range"));
        assert!(!bits.get(9).expect("in range"));
    }

    #[test]
    fn an_index_past_the_end_is_rejected_by_set_and_get() {
        let mut bits = StatusBitstring::new();

        for index in [LIST_SIZE, LIST_SIZE + 7, u64::MAX] {
            assert!(matches!(
                bits.set(index, true),
                Err(StatusError::IndexOutOfRange {
                    entry_count: LIST_SIZE,
                    ..
                })
            ));
            assert!(matches!(
                bits.get(index),
                Err(StatusError::IndexOutOfRange {
                    entry_count: LIST_SIZE,
                    ..
                })
            ));
        }
    }

    #[test]
    fn from_revoked_indexes_rejects_an_index_past_the_end() {
        let result = StatusBitstring::from_revoked_indexes([3, LIST_SIZE]);

        assert!(matches!(
            result,
            Err(StatusError::IndexOutOfRange {
                index: LIST_SIZE,
                ..
            })
        ));
    }

    #[test]
    fn revoked_indexes_survive_an_encode_decode_round_trip() {
        let revoked = [0, 1, 4_242, LIST_SIZE - 1];
        let bits = StatusBitstring::from_revoked_indexes(revoked).expect("in range");

        let decoded = StatusBitstring::decode(&bits.encode().expect("encode")).expect("decode");

        assert_eq!(decoded, bits);
        for index in revoked {
            assert!(decoded.get(index).expect("in range"), "index {index}");
        }
        for index in [2, 7, 4_241, 4_243, LIST_SIZE - 2] {
            assert!(!decoded.get(index).expect("in range"), "index {index}");
        }
    }

    #[test]
    fn the_empty_list_encodes_as_u_prefixed_gzip_of_16_384_zero_bytes() {
        let encoded = StatusBitstring::new().encode().expect("encode");

        let base64_text = encoded.strip_prefix('u').expect("multibase prefix u");
        assert!(!base64_text.contains('='), "no padding");
        assert!(!base64_text.contains(['+', '/']), "url-safe alphabet");
        let compressed = URL_SAFE_NO_PAD.decode(base64_text).expect("base64url");

        assert_eq!(&compressed[..2], &[0x1f, 0x8b], "gzip magic number");
        assert_eq!(gunzip(&compressed), vec![0_u8; 16_384]);
    }

    #[test]
    fn encoding_is_deterministic() {
        let bits = StatusBitstring::from_revoked_indexes([5, 99]).expect("in range");

        assert_eq!(
            bits.encode().expect("encode"),
            bits.encode().expect("encode")
        );
    }

    /// The `encodedList` of the example BitstringStatusListCredential in the W3C Bitstring
    /// Status List v1.0 specification (an untouched list of 131 072 entries).
    #[test]
    fn the_w3c_spec_example_decodes_to_an_all_clear_list() {
        let spec_example = "uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA";

        let decoded = StatusBitstring::decode(spec_example).expect("spec example decodes");

        assert_eq!(decoded, StatusBitstring::new());
    }

    #[test]
    fn a_longer_list_from_another_issuer_is_accepted_with_its_own_length() {
        let encoded = as_encoded_list(&gzip(&[0_u8; 2 * 16_384]));

        let decoded = StatusBitstring::decode(&encoded).expect("decode");

        assert_eq!(decoded.entry_count(), 2 * LIST_SIZE);
        assert!(!decoded.get(2 * LIST_SIZE - 1).expect("in range"));
    }

    #[test]
    fn decode_rejects_a_missing_or_foreign_multibase_prefix() {
        let valid = StatusBitstring::new().encode().expect("encode");
        let without_prefix = &valid[1..];
        let as_base58 = format!("z{without_prefix}");
        let as_padded_base64url = format!("U{without_prefix}");

        for encoded in ["", without_prefix, &as_base58, &as_padded_base64url] {
            assert!(
                matches!(
                    StatusBitstring::decode(encoded),
                    Err(StatusError::UnsupportedMultibase)
                ),
                "{encoded:.10}"
            );
        }
    }

    #[test]
    fn decode_rejects_bad_base64url() {
        let valid = StatusBitstring::new().encode().expect("encode");
        let padded = format!("{valid}==");
        let standard_alphabet = "uH4sI+/AAAAA";

        for encoded in [padded.as_str(), standard_alphabet, "u!!!!", "u A"] {
            assert!(
                matches!(
                    StatusBitstring::decode(encoded),
                    Err(StatusError::InvalidBase64(_))
                ),
                "{encoded:.10}"
            );
        }
    }

    #[test]
    fn decode_rejects_data_that_is_not_gzip() {
        let encoded = as_encoded_list(&[0_u8; 16_384]);

        assert!(matches!(
            StatusBitstring::decode(&encoded),
            Err(StatusError::InvalidGzip(_))
        ));
    }

    #[test]
    fn decode_rejects_truncated_gzip() {
        let compressed = gzip(&[0_u8; 16_384]);
        let truncated = &compressed[..compressed.len() - 4];

        assert!(matches!(
            StatusBitstring::decode(&as_encoded_list(truncated)),
            Err(StatusError::InvalidGzip(_))
        ));
    }

    #[test]
    fn decode_rejects_gzip_followed_by_garbage() {
        let mut compressed = gzip(&[0_u8; 16_384]);
        compressed.extend_from_slice(b"trailing bytes");

        assert!(matches!(
            StatusBitstring::decode(&as_encoded_list(&compressed)),
            Err(StatusError::InvalidGzip(_))
        ));
    }

    #[test]
    fn decode_rejects_a_list_shorter_than_16_kib() {
        let encoded = as_encoded_list(&gzip(&[0_u8; 16_383]));

        assert!(matches!(
            StatusBitstring::decode(&encoded),
            Err(StatusError::ListTooShort {
                entry_count: 131_064,
                minimum: LIST_SIZE
            })
        ));
    }

    #[test]
    fn decode_refuses_a_gzip_bomb_of_64_mib_of_zeros() {
        let mut encoder = GzEncoder::new(Vec::new(), Compression::fast());
        let one_mib_of_zeros = vec![0_u8; 1024 * 1024];
        for _ in 0..64 {
            encoder
                .write_all(&one_mib_of_zeros)
                .expect("gzip into memory");
        }
        let bomb = encoder.finish().expect("finish gzip into memory");
        assert!(bomb.len() < 1024 * 1024, "the bomb itself is small");

        assert!(matches!(
            StatusBitstring::decode(&as_encoded_list(&bomb)),
            Err(StatusError::ListTooLarge {
                limit_bytes: MAX_DECODED_BYTES
            })
        ));
    }

    /// An endless stream stands in for a bomb of any size: if reading were not bounded, this
    /// test would never finish, so passing shows at most `limit + 1` bytes are ever held.
    #[test]
    fn reading_stops_one_byte_past_the_limit_even_for_an_endless_stream() {
        let result = read_at_most(std::io::repeat(0), 1024);

        assert!(matches!(
            result,
            Err(StatusError::ListTooLarge { limit_bytes: 1024 })
        ));
    }

    #[test]
    fn reading_accepts_a_stream_of_exactly_the_limit() {
        let bytes = read_at_most(&[7_u8; 1024][..], 1024).expect("exactly at the limit");

        assert_eq!(bytes.len(), 1024);
    }
}

//! Drawn QR codes and labels kept in memory: a certificate never changes, so neither does any
//! drawing of it, and a shop full of phones scanning one batch costs one drawing.

use std::sync::Arc;

use qrcode::QrCode;
use quick_cache::Weighter;
use quick_cache::sync::Cache;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::{Artifact, Link};

/// Bytes of drawings kept (the oldest and least used go first).
const DEFAULT_BYTES: u64 = 16 * 1024 * 1024;
/// Encoded QR codes kept (a few kilobytes each).
const DEFAULT_CODES: usize = 4096;

/// A drawing, ready to send, with its entity tag.
#[derive(Debug)]
pub struct Rendered {
    /// The bytes.
    pub bytes: Vec<u8>,
    /// A strong entity tag, quoted: a digest of the bytes.
    pub etag: String,
}

impl Rendered {
    /// Wraps bytes, tagging them with their digest.
    pub fn new(bytes: Vec<u8>) -> Self {
        let etag = entity_tag(&bytes);
        Rendered { bytes, etag }
    }
}

/// A quoted strong entity tag for these bytes: the first 128 bits of their SHA-256, in hex.
pub fn entity_tag(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    format!("\"{}\"", hex::encode(&digest[..16]))
}

#[derive(Clone)]
struct ByteWeight;

impl Weighter<(Uuid, Artifact), Arc<Rendered>> for ByteWeight {
    fn weight(&self, _key: &(Uuid, Artifact), value: &Arc<Rendered>) -> u64 {
        u64::try_from(value.bytes.len()).unwrap_or(u64::MAX).max(1)
    }
}

/// The QR code of each certificate (encoded once) and each drawing made from it.
pub struct LabelCache {
    codes: Cache<(Uuid, Link), Arc<QrCode>>,
    drawings: Cache<(Uuid, Artifact), Arc<Rendered>, ByteWeight>,
}

impl Default for LabelCache {
    fn default() -> Self {
        LabelCache::new(DEFAULT_BYTES)
    }
}

impl LabelCache {
    /// A cache holding up to `max_bytes` of drawings.
    pub fn new(max_bytes: u64) -> Self {
        LabelCache {
            codes: Cache::new(DEFAULT_CODES),
            drawings: Cache::with_weighter(1024, max_bytes, ByteWeight),
        }
    }

    /// A drawing already made, if any.
    pub fn drawing(&self, id: Uuid, artifact: Artifact) -> Option<Arc<Rendered>> {
        self.drawings.get(&(id, artifact))
    }

    /// The drawing of `artifact` for certificate `id`, drawn by `draw` only if not kept yet.
    pub fn drawing_or_draw<E>(
        &self,
        id: Uuid,
        artifact: Artifact,
        draw: impl FnOnce() -> Result<Vec<u8>, E>,
    ) -> Result<Arc<Rendered>, E> {
        self.drawings
            .get_or_insert_with(&(id, artifact), || draw().map(Rendered::new).map(Arc::new))
    }

    /// The QR code carrying `link` for certificate `id`, encoded by `encode` only once.
    pub fn code_or_encode<E>(
        &self,
        id: Uuid,
        link: Link,
        encode: impl FnOnce() -> Result<QrCode, E>,
    ) -> Result<Arc<QrCode>, E> {
        self.codes
            .get_or_insert_with(&(id, link), || encode().map(Arc::new))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    #[test]
    fn each_drawing_and_code_is_made_once_per_certificate_and_kind() {
        let cache = LabelCache::default();
        let id = Uuid::new_v4();
        let drawn = Cell::new(0);
        let draw = || -> Result<Vec<u8>, ()> {
            drawn.set(drawn.get() + 1);
            Ok(vec![1, 2, 3])
        };
        let first = cache.drawing_or_draw(id, Artifact::LabelSvg(Link::Short), draw);
        let again = cache.drawing_or_draw(id, Artifact::LabelSvg(Link::Short), draw);
        assert_eq!(drawn.get(), 1);
        assert_eq!(first.expect("drawn").etag, again.expect("kept").etag);
        let other = cache.drawing_or_draw(id, Artifact::QrPng(Link::Short, 4), draw);
        assert!(other.is_ok());
        assert_eq!(drawn.get(), 2, "another kind is another drawing");

        let encoded = Cell::new(0);
        for _ in 0..3 {
            let code = cache.code_or_encode(id, Link::Short, || {
                encoded.set(encoded.get() + 1);
                QrCode::new(b"HTTP://X/V/1")
            });
            assert!(code.is_ok());
        }
        assert_eq!(encoded.get(), 1);
    }

    #[test]
    fn a_failed_drawing_is_not_kept() {
        let cache = LabelCache::default();
        let id = Uuid::new_v4();
        let failed = cache.drawing_or_draw(id, Artifact::LabelPdf(Link::Gs1), || Err("no"));
        assert!(failed.is_err());
        assert!(cache.drawing(id, Artifact::LabelPdf(Link::Gs1)).is_none());
    }

    #[test]
    fn the_entity_tag_is_a_quoted_digest_of_the_bytes() {
        assert_eq!(entity_tag(b"abc"), "\"ba7816bf8f01cfea414140de5dae2223\"");
        assert_ne!(entity_tag(b"abc"), entity_tag(b"abd"));
    }
}

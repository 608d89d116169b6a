//! Buyer pages kept in memory. A page shows a certificate's status and the minute of the check,
//! so it is kept per certificate, language, status and minute: the next minute, or a status
//! that changed, draws a new page, and the old one ages out of the bounded cache.

use actix_web::web::Bytes;
use quick_cache::Weighter;
use quick_cache::sync::Cache;
use uuid::Uuid;

use super::i18n::Lang;
use crate::certificate::VerificationStatus;

/// What a drawn buyer page depends on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PageKey {
    /// The certificate.
    pub certificate: Uuid,
    /// The page language.
    pub lang: Lang,
    /// The status shown.
    pub status: VerificationStatus,
    /// Minutes since 1970, the precision of the "checked at" line.
    pub minute: i64,
}

#[derive(Clone)]
struct PageWeight;

impl Weighter<PageKey, Bytes> for PageWeight {
    fn weight(&self, _key: &PageKey, html: &Bytes) -> u64 {
        u64::try_from(html.len()).unwrap_or(u64::MAX).max(1)
    }
}

/// Drawn buyer pages, bounded by their bytes.
pub struct PageCache {
    pages: Cache<PageKey, Bytes, PageWeight>,
}

impl PageCache {
    /// A cache keeping up to `max_bytes` of pages (0 keeps none).
    pub fn new(max_bytes: u64) -> Self {
        PageCache {
            pages: Cache::with_weighter(1024, max_bytes, PageWeight),
        }
    }

    /// A page drawn before.
    pub fn get(&self, key: &PageKey) -> Option<Bytes> {
        self.pages.get(key)
    }

    /// Keeps a drawn page.
    pub fn insert(&self, key: PageKey, html: Bytes) {
        self.pages.insert(key, html);
    }
}

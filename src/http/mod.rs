//! The HTTP surface: thin handlers that parse input, call the workflow and shape the response.

pub mod accounts;
pub mod applications;
pub mod auth;
#[cfg(feature = "bench")]
pub mod bench;
pub mod certificates;
pub mod evidence;
pub mod footprints;
pub mod i18n;
pub mod identity;
pub mod labels;
pub mod methodology;
pub mod openapi;
pub mod operations;
pub mod pages;
pub mod pages_cache;
pub mod problem;
pub mod rate_limit;
pub mod transparency;
pub mod verification;

use std::sync::Arc;

use actix_web::http::header;
use actix_web::{guard, middleware, web};

use crate::db::{DbConnection, DbPool};
use crate::label::LabelCache;
use crate::workflow::scans::ScanCache;
use crate::workflow::{IssuerContext, WorkflowError};
use pages_cache::PageCache;
use problem::ApiError;

/// Largest JSON body accepted, in bytes.
pub const MAX_JSON_BODY_BYTES: usize = 256 * 1024;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    /// Database connections.
    pub pool: DbPool,
    /// Key, issuer identity and public base URL.
    pub issuing: IssuerContext,
    /// `sqlite` or `postgres`.
    backend: &'static str,
    /// QR codes and labels drawn so far.
    pub labels: Arc<LabelCache>,
    /// Verification answers judged so far.
    pub scans: Arc<ScanCache>,
    /// Buyer pages drawn so far.
    pub pages: Arc<PageCache>,
}

impl AppState {
    /// Bundles the pool (of the named backend), the issuer, and a cache of verification
    /// answers of up to `scan_cache_bytes`.
    pub fn new(
        pool: DbPool,
        backend: &'static str,
        issuing: IssuerContext,
        scan_cache_bytes: u64,
    ) -> Self {
        AppState {
            pool,
            issuing,
            backend,
            labels: Arc::new(LabelCache::default()),
            scans: Arc::new(ScanCache::new(scan_cache_bytes)),
            pages: Arc::new(PageCache::new(scan_cache_bytes / 4)),
        }
    }

    /// `sqlite` or `postgres`: which database the pool reaches.
    pub fn database_backend(&self) -> &'static str {
        self.backend
    }

    /// The URL buyers reach the service at.
    pub fn base_url(&self) -> &str {
        &self.issuing.public_base_url
    }

    /// Runs blocking database work off the async workers.
    pub async fn run<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConnection) -> Result<T, WorkflowError> + Send + 'static,
    {
        let pool = self.pool.clone();
        let outcome = web::block(move || -> Result<T, WorkflowError> {
            let mut conn = pool.get().map_err(crate::db::StorageError::from)?;
            work(&mut conn)
        })
        .await
        .map_err(|e| ApiError::Internal(format!("blocking task failed: {e}")))?;
        outcome.map_err(ApiError::from)
    }
}

/// A route that answers GET and HEAD alike (actix does not add HEAD by itself).
pub fn get_or_head() -> actix_web::Route {
    web::route().guard(guard::Any(guard::Get()).or(guard::Head()))
}

/// What a resource answers to a method it does not serve: 405 with `Allow` naming the methods
/// it does (RFC 9110 section 15.5.6 requires the header), as a problem document.
pub fn allow(methods: &'static str) -> actix_web::Route {
    web::to(move || async move { problem::method_not_allowed(methods) })
}

/// Headers every response carries, for pages above all: a content security policy that allows
/// only the service's own resources (and the inline style of the page template) and no framing,
/// no MIME sniffing, and no referrer sent to other sites (a buyer page URL names a label).
pub fn security_headers() -> middleware::DefaultHeaders {
    middleware::DefaultHeaders::new()
        .add((
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; \
             form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ))
        .add((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .add((header::REFERRER_POLICY, "no-referrer"))
        .add((header::X_FRAME_OPTIONS, "DENY"))
}

/// Every route of the service.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.app_data(web::PayloadConfig::new(MAX_JSON_BODY_BYTES))
        .configure(pages::routes)
        .configure(methodology::page_routes)
        .configure(identity::routes)
        .configure(operations::routes)
        .configure(openapi::routes)
        .configure(verification::routes)
        .configure(transparency::routes)
        .service(
            web::scope("/api/v1")
                .configure(footprints::routes)
                .configure(methodology::api_routes)
                .configure(accounts::routes)
                .configure(applications::routes)
                .configure(evidence::routes)
                .configure(certificates::routes)
                .configure(labels::routes),
        )
        .default_service(web::to(problem::not_found));
    #[cfg(feature = "bench")]
    cfg.configure(bench::routes);
}

//! Public trust material: revocation status lists and the transparency log.

use actix_web::http::header::{CacheControl, CacheDirective};
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::problem::ApiError;
use super::{AppState, allow, get_or_head};
use crate::db::transparency as log_rows;
use crate::workflow::certificates::status_list_credential;
use crate::workflow::keys::active_signing_key;
use crate::workflow::now_seconds;
use crate::workflow::transparency::{self as log, origin};

/// Most entries one `/log/entries` page returns.
const MAX_ENTRIES_PAGE: i64 = 1_000;

/// `/status/{list}` and `/log/...`.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/status/{list}")
            .route(get_or_head().to(status_list))
            .default_service(allow("GET, HEAD")),
    )
    .service(
        web::resource("/log/checkpoint")
            .route(get_or_head().to(checkpoint))
            .default_service(allow("GET, HEAD")),
    )
    .service(
        web::resource("/log/proof/inclusion")
            .route(get_or_head().to(inclusion))
            .default_service(allow("GET, HEAD")),
    )
    .service(
        web::resource("/log/proof/consistency")
            .route(get_or_head().to(consistency))
            .default_service(allow("GET, HEAD")),
    )
    .service(
        web::resource("/log/entries")
            .route(get_or_head().to(entries))
            .default_service(allow("GET, HEAD")),
    );
}

/// Status can change at any revocation: caches may keep it for five minutes at most, the
/// lifetime verifiers assume for a list without a `ttl`.
fn short_lived() -> CacheControl {
    CacheControl(vec![CacheDirective::Public, CacheDirective::MaxAge(300)])
}

/// The signed W3C Bitstring Status List credential (131 072 entries, GZIP) certificates name.
#[utoipa::path(get,
    operation_id = "transparency_status_list", path = "/status/{list}", tag = "trust",
    params(("list" = String, Path, description = "The list number: 1, 2, ...")),
    responses(
        (status = 200, description = "The status list credential", content_type = "application/vc+json", body = Object),
        (status = 400, response = super::openapi::BadRequest),
        (status = 404, response = super::openapi::NotFound),
        (status = 503, response = super::openapi::ServiceUnavailable),
    ))]
async fn status_list(
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let list_id = path
        .parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(|| ApiError::BadRequest {
            field: "list".into(),
            detail: format!("`{path}` is not a status list number (1, 2, ...)"),
        })?;
    let issuing = state.issuing.clone();
    let credential = state
        .run(move |conn| status_list_credential(conn, &issuing, list_id, now_seconds()))
        .await?;
    Ok(HttpResponse::Ok()
        .content_type("application/vc+json")
        .insert_header(short_lived())
        .json(credential))
}

/// The transparency log's latest C2SP checkpoint, signed with the issuer key.
#[utoipa::path(get,
    operation_id = "transparency_checkpoint", path = "/log/checkpoint", tag = "trust",
    responses(
        (status = 200, description = "A signed note: origin, tree size, base64 root, signatures", content_type = "text/plain", body = String),
        (status = 503, response = super::openapi::ServiceUnavailable),
    ))]
async fn checkpoint(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let issuing = state.issuing.clone();
    let note = state
        .run(move |conn| {
            let key = active_signing_key(conn, &issuing.keys)?;
            log::signed_checkpoint(conn, &key, &origin(&issuing.public_base_url))
        })
        .await?;
    Ok(HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        .insert_header(CacheControl(vec![CacheDirective::NoCache]))
        .body(note))
}

#[derive(Deserialize)]
struct InclusionQuery {
    leaf_index: Option<String>,
    tree_size: Option<String>,
}

/// RFC 6962 inclusion proof of one leaf in the tree of a given size.
#[utoipa::path(get,
    operation_id = "transparency_inclusion", path = "/log/proof/inclusion", tag = "trust",
    params(
        ("leaf_index" = u64, Query, description = "The leaf, from 0"),
        ("tree_size" = u64, Query, description = "A tree size the log has reached"),
    ),
    responses(
        (status = 200, description = "leaf_index, tree_size and the audit path (hex)", body = Object),
        (status = 400, response = super::openapi::BadRequest),
    ))]
async fn inclusion(
    state: web::Data<AppState>,
    query: web::Query<InclusionQuery>,
) -> Result<HttpResponse, ApiError> {
    let index = number(query.leaf_index.as_deref(), "leaf_index")?;
    let size = number(query.tree_size.as_deref(), "tree_size")?;
    let proof = state
        .run(move |conn| log::inclusion(conn, index, size))
        .await?;
    Ok(HttpResponse::Ok().json(proof))
}

#[derive(Deserialize)]
struct ConsistencyQuery {
    from: Option<String>,
    to: Option<String>,
}

/// RFC 6962 consistency proof between two tree sizes.
#[utoipa::path(get,
    operation_id = "transparency_consistency", path = "/log/proof/consistency", tag = "trust",
    params(
        ("from" = u64, Query, description = "The older tree size"),
        ("to" = u64, Query, description = "The newer tree size"),
    ),
    responses(
        (status = 200, description = "from, to and the proof (hex)", body = Object),
        (status = 400, response = super::openapi::BadRequest),
    ))]
async fn consistency(
    state: web::Data<AppState>,
    query: web::Query<ConsistencyQuery>,
) -> Result<HttpResponse, ApiError> {
    let from = number(query.from.as_deref(), "from")?;
    let to = number(query.to.as_deref(), "to")?;
    let proof = state
        .run(move |conn| log::consistency(conn, from, to))
        .await?;
    Ok(HttpResponse::Ok().json(proof))
}

#[derive(Deserialize)]
struct EntriesQuery {
    start: Option<String>,
    limit: Option<String>,
}

/// The log's leaves in order: issuance, revocation and key changes.
#[utoipa::path(get,
    operation_id = "transparency_entries", path = "/log/entries", tag = "trust",
    params(
        ("start" = Option<u64>, Query, description = "First leaf index (default 0)"),
        ("limit" = Option<u64>, Query, description = "Leaves per page (default 100)"),
    ),
    responses(
        (status = 200, description = "entries: leaf_index, kind, data, certificate_id", body = Object),
        (status = 400, response = super::openapi::BadRequest),
    ))]
async fn entries(
    state: web::Data<AppState>,
    query: web::Query<EntriesQuery>,
) -> Result<HttpResponse, ApiError> {
    let start = query
        .start
        .as_deref()
        .map_or(Ok(0), |text| number(Some(text), "start"))?;
    let limit = query
        .limit
        .as_deref()
        .map_or(Ok(100), |text| number(Some(text), "limit"))?;
    let start = i64::try_from(start).unwrap_or(i64::MAX);
    let limit = i64::try_from(limit)
        .unwrap_or(MAX_ENTRIES_PAGE)
        .clamp(1, MAX_ENTRIES_PAGE);
    let rows = state
        .run(move |conn| Ok(log_rows::entries(conn, start, limit)?))
        .await?;
    let entries: Vec<_> = rows
        .into_iter()
        .map(|row| {
            serde_json::json!({
                "leaf_index": row.leaf_index,
                "kind": row.kind,
                // Every leaf the service writes is canonical JSON, so this is the exact text.
                "data": String::from_utf8_lossy(&row.data),
                "certificate_id": row.certificate_id,
            })
        })
        .collect();
    Ok(HttpResponse::Ok().json(serde_json::json!({ "entries": entries })))
}

fn number(text: Option<&str>, field: &str) -> Result<u64, ApiError> {
    let text = text.ok_or_else(|| ApiError::BadRequest {
        field: field.into(),
        detail: format!("the query parameter `{field}` is required"),
    })?;
    text.parse::<u64>().map_err(|_| ApiError::BadRequest {
        field: field.into(),
        detail: format!("`{field}` must be a whole number, not `{text}`"),
    })
}

//! Issued certificates: the signed document, its QR code, revocation, and verifying a document
//! handed in by a caller.

use std::sync::Arc;

use actix_web::http::header::{self, CacheControl, CacheDirective};
use actix_web::{HttpRequest, HttpResponse, web};
use uuid::Uuid;

use super::applications::reason_from;
use super::auth::SignedIn;
use super::footprints::require_json;
use super::problem::ApiError;
use super::{AppState, allow, get_or_head};
use crate::certificate::CertificateCode;
use crate::label::cache::entity_tag;
use crate::workflow::certificates as workflow;
use crate::workflow::now_seconds;
use crate::{footprint, telemetry};

/// Routes under `/api/v1`.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/certificates/{id}")
            .route(get_or_head().to(show))
            .default_service(allow("GET, HEAD")),
    )
    .service(
        web::resource("/certificates/{id}/revoke")
            .route(web::post().to(revoke))
            .default_service(allow("POST")),
    )
    .service(
        web::resource("/verify")
            .route(web::post().to(verify_document))
            .default_service(allow("POST")),
    );
}

/// Reads a certificate id given as a UUID or as its 26-character code.
pub fn certificate_id(text: &str) -> Result<Uuid, ApiError> {
    if let Ok(id) = Uuid::parse_str(text) {
        return Ok(id);
    }
    text.parse::<CertificateCode>()
        .map(CertificateCode::uuid)
        .map_err(|e| ApiError::BadRequest {
            field: "id".into(),
            detail: format!("`{text}` is neither a UUID nor a certificate code: {e}"),
        })
}

/// The signed certificate (W3C VC 2.0, eddsa-jcs-2022), byte for byte as issued.
#[utoipa::path(
    get,
    operation_id = "certificates_show",
    path = "/api/v1/certificates/{id}",
    tag = "certificates",
    params(
        ("id" = String, Path, description = "Certificate id: UUID or 26-character code"),
    ),
    responses(
        (status = 200, description = "The certificate", content_type = "application/vc+json", body = Object),
        (status = 400, response = super::openapi::BadRequest),
        (status = 404, response = super::openapi::NotFound),
    )
)]
async fn show(
    state: web::Data<AppState>,
    request: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = certificate_id(&path)?;
    let stored = state
        .run(move |conn| workflow::find_certificate(conn, id))
        .await?;
    let etag = entity_tag(stored.row.document.as_bytes());
    Ok(immutable_response(
        &request,
        "application/vc+json",
        &etag,
        stored.row.document.into_bytes(),
    ))
}

/// Revokes a certificate (auditor), with a reason; its status list bit flips and the log records it.
#[utoipa::path(
    post,
    operation_id = "certificates_revoke",
    path = "/api/v1/certificates/{id}/revoke",
    tag = "certificates",
    params(
        ("id" = String, Path, description = "Certificate id: UUID or 26-character code"),
    ),
    request_body(content = Object, content_type = "application/json", description = "{reason}"),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The revocation", content_type = "application/json", body = Object),
        (status = 400, response = super::openapi::BadRequest),
        (status = 401, response = super::openapi::Unauthorized),
        (status = 403, response = super::openapi::Forbidden),
        (status = 404, response = super::openapi::NotFound),
        (status = 409, response = super::openapi::Conflict),
        (status = 413, response = super::openapi::PayloadTooLarge),
        (status = 415, response = super::openapi::UnsupportedMediaType),
        (status = 422, response = super::openapi::UnprocessableEntity),
    )
)]
async fn revoke(
    state: web::Data<AppState>,
    SignedIn(actor): SignedIn,
    request: HttpRequest,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let id = certificate_id(&path)?;
    require_json(&request)?;
    let reason = reason_from(&body)?;
    let revocation = state
        .run(move |conn| workflow::revoke_certificate(conn, &actor, id, &reason, now_seconds()))
        .await?;
    state.scans.forget(id);
    telemetry::count(telemetry::CERTIFICATES_REVOKED);
    Ok(HttpResponse::Ok().json(revocation))
}

/// Verifies a certificate document sent in the body against what this issuer issued.
#[utoipa::path(
    post,
    operation_id = "certificates_verify_document",
    path = "/api/v1/verify",
    tag = "verification",
    request_body(content = Object, content_type = "application/json", description = "A certificate document"),
    responses(
        (status = 200, description = "The verification result", content_type = "application/json", body = Object),
        (status = 400, response = super::openapi::BadRequest),
        (status = 413, response = super::openapi::PayloadTooLarge),
        (status = 415, response = super::openapi::UnsupportedMediaType),
        (status = 422, response = super::openapi::UnprocessableEntity),
    )
)]
async fn verify_document(
    state: web::Data<AppState>,
    request: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    require_json(&request)?;
    let document = footprint::parse_json_body(&body)?;
    let issuing = state.issuing.clone();
    let scans = Arc::clone(&state.scans);
    let result = state
        .run(move |conn| workflow::verify_document(conn, &issuing, &scans, document, now_seconds()))
        .await?;
    telemetry::count_verification(result.status.as_str());
    Ok(HttpResponse::Ok().insert_header(no_store()).json(result))
}

/// A response that never changes: the signed bytes of a certificate, or an image of its URL.
pub fn immutable() -> CacheControl {
    CacheControl(vec![
        CacheDirective::Public,
        CacheDirective::MaxAge(31_536_000),
        CacheDirective::Extension("immutable".into(), None),
    ])
}

/// A response that depends on a certificate's status, which an auditor can change at any time:
/// caches may keep it a minute.
pub fn status_dependent() -> CacheControl {
    CacheControl(vec![CacheDirective::Public, CacheDirective::MaxAge(60)])
}

/// Answers with immutable bytes tagged `etag`, or 304 Not Modified when the client's
/// `If-None-Match` already names that tag.
pub fn immutable_response(
    request: &HttpRequest,
    content_type: &str,
    etag: &str,
    body: Vec<u8>,
) -> HttpResponse {
    let tag = (header::ETAG, etag.to_owned());
    if already_has(request, etag) {
        return HttpResponse::NotModified()
            .insert_header(tag)
            .insert_header(immutable())
            .finish();
    }
    HttpResponse::Ok()
        .content_type(content_type)
        .insert_header(tag)
        .insert_header(immutable())
        .body(body)
}

/// Whether `If-None-Match` lists `etag` (weak comparison, as RFC 9110 asks for this header) or
/// is `*`.
fn already_has(request: &HttpRequest, etag: &str) -> bool {
    let Some(listed) = request
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|value| value.to_str().ok())
    else {
        return false;
    };
    listed.split(',').map(str::trim).any(|candidate| {
        candidate == "*" || candidate.strip_prefix("W/").unwrap_or(candidate) == etag
    })
}

/// A response that depends on the moment (status can change).
pub fn no_store() -> CacheControl {
    CacheControl(vec![CacheDirective::NoStore])
}

//! Issued certificates: the signed document, its QR code, revocation, and verifying a document
//! handed in by a caller.

use actix_web::http::header::{CacheControl, CacheDirective};
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use uuid::Uuid;

use super::applications::reason_from;
use super::auth::SignedIn;
use super::footprints::require_json;
use super::problem::ApiError;
use super::{AppState, allow, get_or_head};
use crate::certificate::CertificateCode;
use crate::footprint;
use crate::label::{self, verification_url};
use crate::workflow::certificates as workflow;
use crate::workflow::now_seconds;

/// Default PNG module size in pixels.
const DEFAULT_MODULE_PX: u32 = 8;

/// Routes under `/api/v1`.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/certificates/{id}")
            .route(get_or_head().to(show))
            .default_service(allow("GET, HEAD")),
    )
    .service(
        web::resource("/certificates/{id}/qr.svg")
            .route(get_or_head().to(qr_svg))
            .default_service(allow("GET, HEAD")),
    )
    .service(
        web::resource("/certificates/{id}/qr.png")
            .route(get_or_head().to(qr_png))
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

async fn show(
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = certificate_id(&path)?;
    let stored = state
        .run(move |conn| workflow::find_certificate(conn, id))
        .await?;
    Ok(HttpResponse::Ok()
        .content_type("application/vc+json")
        .insert_header(immutable())
        .body(stored.row.document))
}

async fn qr_svg(
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let url = verification_url_of(&state, &path).await?;
    let svg = label::qr_svg(&url).map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(HttpResponse::Ok()
        .content_type("image/svg+xml")
        .insert_header(immutable())
        .body(svg))
}

/// `?px=`: read as text so that a value that is not a number is answered naming the field.
#[derive(Deserialize)]
struct PngQuery {
    px: Option<String>,
}

/// Pixels per module: the default, or `px` when it is a whole number within the bounds.
fn module_px_of(query: &PngQuery) -> Result<u32, ApiError> {
    let Some(text) = query.px.as_deref() else {
        return Ok(DEFAULT_MODULE_PX);
    };
    text.parse::<u32>()
        .ok()
        .filter(|px| label::qr::MODULE_PX_RANGE.contains(px))
        .ok_or_else(|| ApiError::BadRequest {
            field: "px".into(),
            detail: format!(
                "px (pixels per module) must be a whole number from {} to {}, not `{text}`",
                label::qr::MODULE_PX_RANGE.start(),
                label::qr::MODULE_PX_RANGE.end()
            ),
        })
}

async fn qr_png(
    state: web::Data<AppState>,
    path: web::Path<String>,
    query: web::Query<PngQuery>,
) -> Result<HttpResponse, ApiError> {
    let module_px = module_px_of(&query)?;
    let url = verification_url_of(&state, &path).await?;
    let png = label::qr_png(&url, module_px).map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(HttpResponse::Ok()
        .content_type("image/png")
        .insert_header(immutable())
        .body(png))
}

async fn verification_url_of(state: &AppState, path: &str) -> Result<String, ApiError> {
    let id = certificate_id(path)?;
    state
        .run(move |conn| workflow::find_certificate(conn, id))
        .await?;
    Ok(verification_url(
        state.base_url(),
        CertificateCode::from_uuid(id),
    ))
}

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
    Ok(HttpResponse::Ok().json(revocation))
}

async fn verify_document(
    state: web::Data<AppState>,
    request: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    require_json(&request)?;
    let document = footprint::parse_json_body(&body)?;
    let issuing = state.issuing.clone();
    let result = state
        .run(move |conn| workflow::verify_document(conn, &issuing, document, now_seconds()))
        .await?;
    Ok(HttpResponse::Ok().insert_header(no_store()).json(result))
}

/// A response that never changes: the signed bytes of a certificate, or an image of its URL.
pub fn immutable() -> CacheControl {
    CacheControl(vec![
        CacheDirective::Public,
        CacheDirective::MaxAge(31_536_000),
    ])
}

/// A response that depends on the moment (status can change).
pub fn no_store() -> CacheControl {
    CacheControl(vec![CacheDirective::NoStore])
}

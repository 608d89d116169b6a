//! The free calculator: a footprint for a request body, nothing stored.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};

use super::allow;
use super::problem::ApiError;
use crate::footprint;

/// `POST /api/v1/footprints/calculate`.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/footprints/calculate")
            .route(web::post().to(calculate))
            .default_service(allow("POST")),
    );
}

/// Computes a footprint under the published method; nothing is stored.
#[utoipa::path(
    post,
    operation_id = "footprints_calculate",
    path = "/api/v1/footprints/calculate",
    tag = "footprints",
    request_body(
        content = Object,
        content_type = "application/json",
        description = "A methodology request (methodology.md section 2)",
        example = json!({"crop": "chestnut", "area_ha": 2, "yield_kg": 3600, "organic_n_kg": 90, "diesel_l": 60})
    ),
    responses(
        (status = 200, description = "The footprint: by source and gas, gross, removals, net, tier", body = Object),
        (status = 400, response = super::openapi::BadRequest),
        (status = 413, response = super::openapi::PayloadTooLarge),
        (status = 415, response = super::openapi::UnsupportedMediaType),
        (status = 422, response = super::openapi::UnprocessableEntity),
    )
)]
async fn calculate(request: HttpRequest, body: web::Bytes) -> Result<HttpResponse, ApiError> {
    require_json(&request)?;
    let parsed = footprint::parse_request(&body)?;
    let report = footprint::calculate(&parsed).report();
    Ok(HttpResponse::Ok().json(report))
}

/// The JSON media type.
pub const JSON: &str = "application/json";
/// The media type of a JSON merge patch (RFC 7396).
pub const MERGE_PATCH_JSON: &str = "application/merge-patch+json";

/// Refuses a body whose content type is not JSON (`application/json`, parameters allowed).
pub fn require_json(request: &HttpRequest) -> Result<(), ApiError> {
    require_media_type(request, &[JSON])
}

/// Refuses a body whose media type is none of `accepted` (parameters such as `charset` allowed).
pub fn require_media_type(
    request: &HttpRequest,
    accepted: &[&'static str],
) -> Result<(), ApiError> {
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default();
    let media_type = content_type.split(';').next().unwrap_or_default().trim();
    if accepted.iter().any(|a| media_type.eq_ignore_ascii_case(a)) {
        Ok(())
    } else {
        Err(ApiError::UnsupportedMediaType(accepted.join(" or ")))
    }
}

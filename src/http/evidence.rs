//! Evidence files: a farmer uploads the raw file (`Content-Type` its type, `?kind=&name=`),
//! and whoever may see the application lists and downloads them.

use actix_web::http::header::{self, ContentDisposition, DispositionParam, DispositionType};
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use super::applications::path_uuid;
use super::auth::SignedIn;
use super::problem::ApiError;
use super::{AppState, allow, get_or_head};
use crate::workflow::evidence::{
    self as workflow, EvidenceUpload, MAX_EVIDENCE_BYTES, MEDIA_TYPES,
};
use crate::workflow::now_seconds;

/// Routes under `/api/v1`.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/applications/{id}/evidence")
            .app_data(web::PayloadConfig::new(MAX_EVIDENCE_BYTES))
            .route(web::post().to(upload))
            .route(get_or_head().to(list))
            .default_service(allow("GET, HEAD, POST")),
    )
    .service(
        web::resource("/applications/{id}/evidence/{evidence_id}")
            .route(get_or_head().to(download))
            .default_service(allow("GET, HEAD")),
    );
}

#[derive(Deserialize)]
struct UploadQuery {
    kind: Option<String>,
    name: Option<String>,
}

/// Attaches a file (PDF or image, at most 5 MiB) to a draft (farmer); stored with its SHA-256.
#[utoipa::path(
    post,
    operation_id = "evidence_upload",
    path = "/api/v1/applications/{id}/evidence",
    tag = "applications",
    params(
        ("id" = String, Path, description = "Application id (UUID)"),
        ("kind" = Option<String>, Query, description = "invoice, meter_reading, soil_lab_report or other"),
        ("name" = Option<String>, Query, description = "The file name"),
    ),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "The file: application/pdf, image/png, image/jpeg or image/webp"),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The stored file's record", content_type = "application/json", body = Object),
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
async fn upload(
    state: web::Data<AppState>,
    SignedIn(actor): SignedIn,
    request: HttpRequest,
    path: web::Path<String>,
    query: web::Query<UploadQuery>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let id = path_uuid(&path)?;
    let media_type = media_type_of(&request)?;
    let query = query.into_inner();
    let upload = EvidenceUpload {
        kind: query.kind.unwrap_or_default(),
        file_name: query.name.unwrap_or_default(),
        media_type,
        content: body.to_vec(),
    };
    let attached = state
        .run(move |conn| workflow::attach_evidence(conn, &actor, id, &upload, now_seconds()))
        .await?;
    let location = format!("/api/v1/applications/{id}/evidence/{}", attached.id);
    Ok(HttpResponse::Created()
        .insert_header(("Location", location))
        .json(attached))
}

/// The media type of the body, refused with 415 unless it is one evidence may have.
fn media_type_of(request: &HttpRequest) -> Result<String, ApiError> {
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default();
    let media_type = content_type.split(';').next().unwrap_or_default().trim();
    let lower = media_type.to_ascii_lowercase();
    if MEDIA_TYPES.iter().any(|(accepted, _)| *accepted == lower) {
        return Ok(lower);
    }
    let accepted: Vec<&str> = MEDIA_TYPES.iter().map(|(media, _)| *media).collect();
    Err(ApiError::UnsupportedMediaType(accepted.join(", ")))
}

/// The files attached to an application.
#[utoipa::path(
    get,
    operation_id = "evidence_list",
    path = "/api/v1/applications/{id}/evidence",
    tag = "applications",
    params(
        ("id" = String, Path, description = "Application id (UUID)"),
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The files", content_type = "application/json", body = Object),
        (status = 400, response = super::openapi::BadRequest),
        (status = 401, response = super::openapi::Unauthorized),
        (status = 404, response = super::openapi::NotFound),
    )
)]
async fn list(
    state: web::Data<AppState>,
    SignedIn(actor): SignedIn,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = path_uuid(&path)?;
    let files = state
        .run(move |conn| workflow::list_evidence(conn, &actor, id))
        .await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "evidence": files })))
}

/// One attached file's bytes.
#[utoipa::path(
    get,
    operation_id = "evidence_download",
    path = "/api/v1/applications/{id}/evidence/{evidence_id}",
    tag = "applications",
    params(
        ("id" = String, Path, description = "Application id (UUID)"),
        ("evidence_id" = String, Path, description = "Evidence id (UUID)"),
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The file", content_type = "application/octet-stream", body = Object),
        (status = 400, response = super::openapi::BadRequest),
        (status = 401, response = super::openapi::Unauthorized),
        (status = 404, response = super::openapi::NotFound),
    )
)]
async fn download(
    state: web::Data<AppState>,
    SignedIn(actor): SignedIn,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (id, evidence_id) = path.into_inner();
    let (id, evidence_id) = (path_uuid(&id)?, path_uuid(&evidence_id)?);
    let (file, content) = state
        .run(move |conn| workflow::evidence_content(conn, &actor, id, evidence_id))
        .await?;
    let disposition = ContentDisposition {
        disposition: DispositionType::Attachment,
        parameters: vec![DispositionParam::Filename(file.file_name.clone())],
    };
    Ok(HttpResponse::Ok()
        .content_type(file.media_type.as_str())
        .insert_header(disposition)
        .insert_header(("X-Content-SHA256", file.sha256))
        .body(content))
}

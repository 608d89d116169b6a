//! Batch applications: farmers create and submit, auditors approve or reject.

use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::{Map, Value};
use uuid::Uuid;

use super::auth::SignedIn;
use super::footprints::{JSON, MERGE_PATCH_JSON, require_json, require_media_type};
use super::problem::ApiError;
use super::{AppState, allow, get_or_head};
use crate::application::{self, ApplicationStatus};
use crate::footprint::{self, ErrorCode, FieldError, InputErrorKind, InputErrors};
use crate::telemetry;
use crate::workflow::applications::{self as workflow, Approval, with_urls};
use crate::workflow::now_seconds;

/// Longest reason or note accepted, in characters.
const MAX_REASON_CHARS: usize = 2_000;

/// Routes under `/api/v1`.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/applications")
            .route(web::post().to(create))
            .route(get_or_head().to(list))
            .default_service(allow("GET, HEAD, POST")),
    )
    .service(
        web::resource("/applications/{id}")
            .route(get_or_head().to(show))
            .route(web::patch().to(update))
            .default_service(allow("GET, HEAD, PATCH")),
    )
    .service(
        web::resource("/applications/{id}/history")
            .route(get_or_head().to(history))
            .default_service(allow("GET, HEAD")),
    )
    .service(
        web::resource("/applications/{id}/revise")
            .route(web::post().to(revise))
            .default_service(allow("POST")),
    )
    .service(
        web::resource("/applications/{id}/submit")
            .route(web::post().to(submit))
            .default_service(allow("POST")),
    )
    .service(
        web::resource("/applications/{id}/approve")
            .route(web::post().to(approve))
            .default_service(allow("POST")),
    )
    .service(
        web::resource("/applications/{id}/reject")
            .route(web::post().to(reject))
            .default_service(allow("POST")),
    );
}

/// Creates a draft application for one of the farmer's farms; the footprint is computed at once.
#[utoipa::path(
    post,
    operation_id = "applications_create",
    path = "/api/v1/applications",
    tag = "applications",
    request_body(content = Object, content_type = "application/json", description = "{farm_id, product: {name, crop, gtin?, lot?}, harvest: {start, end}, activity: methodology request}"),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The draft with its footprint", content_type = "application/json", body = Object),
        (status = 400, response = super::openapi::BadRequest),
        (status = 401, response = super::openapi::Unauthorized),
        (status = 403, response = super::openapi::Forbidden),
        (status = 413, response = super::openapi::PayloadTooLarge),
        (status = 415, response = super::openapi::UnsupportedMediaType),
        (status = 422, response = super::openapi::UnprocessableEntity),
    )
)]
async fn create(
    state: web::Data<AppState>,
    SignedIn(actor): SignedIn,
    request: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    require_json(&request)?;
    let input = application::parse_application(&body)?;
    let view = state
        .run(move |conn| workflow::create_application(conn, &actor, input, now_seconds()))
        .await?;
    let location = format!("/api/v1/applications/{}", view.id);
    Ok(HttpResponse::Created()
        .insert_header(("Location", location))
        .json(view))
}

#[derive(Deserialize)]
struct ListQuery {
    status: Option<String>,
}

/// Applications the account may see: a farmer's own farms; auditors and admins the submitted and decided ones.
#[utoipa::path(
    get,
    operation_id = "applications_list",
    path = "/api/v1/applications",
    tag = "applications",
    params(
        ("status" = Option<String>, Query, description = "draft, submitted, approved or rejected"),
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The applications", content_type = "application/json", body = Object),
        (status = 400, response = super::openapi::BadRequest),
        (status = 401, response = super::openapi::Unauthorized),
    )
)]
async fn list(
    state: web::Data<AppState>,
    SignedIn(actor): SignedIn,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let status =
        match query.into_inner().status {
            None => None,
            Some(text) => Some(text.parse::<ApplicationStatus>().map_err(|_| {
                ApiError::BadRequest {
                    field: "status".into(),
                    detail: format!(
                        "status must be draft, submitted, approved or rejected, not `{text}`"
                    ),
                }
            })?),
        };
    let views = state
        .run(move |conn| workflow::list_applications(conn, &actor, status))
        .await?;
    let base = state.base_url().to_owned();
    let views: Vec<_> = views
        .into_iter()
        .map(|view| with_urls(view, &base))
        .collect();
    Ok(HttpResponse::Ok().json(serde_json::json!({ "applications": views })))
}

/// One application.
#[utoipa::path(
    get,
    operation_id = "applications_show",
    path = "/api/v1/applications/{id}",
    tag = "applications",
    params(
        ("id" = String, Path, description = "Application id (UUID)"),
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The application", content_type = "application/json", body = Object),
        (status = 400, response = super::openapi::BadRequest),
        (status = 401, response = super::openapi::Unauthorized),
        (status = 404, response = super::openapi::NotFound),
    )
)]
async fn show(
    state: web::Data<AppState>,
    SignedIn(actor): SignedIn,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = path_uuid(&path)?;
    let view = state
        .run(move |conn| workflow::get_application(conn, &actor, id))
        .await?;
    Ok(HttpResponse::Ok().json(with_urls(view, state.base_url())))
}

/// The append-only audit trail of an application: who, when, what, why.
#[utoipa::path(
    get,
    operation_id = "applications_history",
    path = "/api/v1/applications/{id}/history",
    tag = "applications",
    params(
        ("id" = String, Path, description = "Application id (UUID)"),
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The transitions in order", content_type = "application/json", body = Object),
        (status = 400, response = super::openapi::BadRequest),
        (status = 401, response = super::openapi::Unauthorized),
        (status = 403, response = super::openapi::Forbidden),
        (status = 404, response = super::openapi::NotFound),
    )
)]
async fn history(
    state: web::Data<AppState>,
    SignedIn(actor): SignedIn,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = path_uuid(&path)?;
    let events = state
        .run(move |conn| workflow::application_history(conn, &actor, id))
        .await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "application_id": id, "events": events })))
}

/// `PATCH /api/v1/applications/{id}`: a JSON merge patch of a draft's body.
#[utoipa::path(
    patch,
    operation_id = "applications_update",
    path = "/api/v1/applications/{id}",
    tag = "applications",
    params(
        ("id" = String, Path, description = "Application id (UUID)"),
    ),
    request_body(content = Object, content_type = "application/json", description = "Any of farm_id, product, harvest, activity"),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The edited draft", content_type = "application/json", body = Object),
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
async fn update(
    state: web::Data<AppState>,
    SignedIn(actor): SignedIn,
    request: HttpRequest,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let id = path_uuid(&path)?;
    require_media_type(&request, &[JSON, MERGE_PATCH_JSON])?;
    let patch = footprint::parse_json_body(&body)?;
    let view = state
        .run(move |conn| workflow::update_draft(conn, &actor, id, &patch, now_seconds()))
        .await?;
    Ok(HttpResponse::Ok().json(with_urls(view, state.base_url())))
}

/// `POST /api/v1/applications/{id}/revise`: a new draft revision of a rejected application,
/// optionally with a merge patch of corrections as the body.
#[utoipa::path(
    post,
    operation_id = "applications_revise",
    path = "/api/v1/applications/{id}/revise",
    tag = "applications",
    params(
        ("id" = String, Path, description = "Application id (UUID)"),
    ),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The new draft", content_type = "application/json", body = Object),
        (status = 400, response = super::openapi::BadRequest),
        (status = 401, response = super::openapi::Unauthorized),
        (status = 403, response = super::openapi::Forbidden),
        (status = 404, response = super::openapi::NotFound),
        (status = 409, response = super::openapi::Conflict),
    )
)]
async fn revise(
    state: web::Data<AppState>,
    SignedIn(actor): SignedIn,
    request: HttpRequest,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let id = path_uuid(&path)?;
    let patch = if body.iter().all(u8::is_ascii_whitespace) {
        None
    } else {
        require_media_type(&request, &[JSON, MERGE_PATCH_JSON])?;
        Some(footprint::parse_json_body(&body)?)
    };
    let view = state
        .run(move |conn| {
            workflow::revise_application(conn, &actor, id, patch.as_ref(), now_seconds())
        })
        .await?;
    let location = format!("/api/v1/applications/{}", view.id);
    Ok(HttpResponse::Created()
        .insert_header(("Location", location))
        .json(view))
}

/// Submits a draft for audit (farmer).
#[utoipa::path(
    post,
    operation_id = "applications_submit",
    path = "/api/v1/applications/{id}/submit",
    tag = "applications",
    params(
        ("id" = String, Path, description = "Application id (UUID)"),
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The submitted application", content_type = "application/json", body = Object),
        (status = 400, response = super::openapi::BadRequest),
        (status = 401, response = super::openapi::Unauthorized),
        (status = 403, response = super::openapi::Forbidden),
        (status = 404, response = super::openapi::NotFound),
        (status = 409, response = super::openapi::Conflict),
    )
)]
async fn submit(
    state: web::Data<AppState>,
    SignedIn(actor): SignedIn,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = path_uuid(&path)?;
    let view = state
        .run(move |conn| workflow::submit_application(conn, &actor, id, now_seconds()))
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Approves a submitted application (auditor) and issues its signed certificate in the same transaction.
#[utoipa::path(
    post,
    operation_id = "applications_approve",
    path = "/api/v1/applications/{id}/approve",
    tag = "applications",
    params(
        ("id" = String, Path, description = "Application id (UUID)"),
    ),
    request_body(content = Object, content_type = "application/json", description = "Optional {valid_from, valid_until, note}; default validity 365 days, at most 366"),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The approved application with its certificate", content_type = "application/json", body = Object),
        (status = 400, response = super::openapi::BadRequest),
        (status = 401, response = super::openapi::Unauthorized),
        (status = 403, response = super::openapi::Forbidden),
        (status = 404, response = super::openapi::NotFound),
        (status = 409, response = super::openapi::Conflict),
        (status = 413, response = super::openapi::PayloadTooLarge),
        (status = 415, response = super::openapi::UnsupportedMediaType),
        (status = 422, response = super::openapi::UnprocessableEntity),
        (status = 503, response = super::openapi::ServiceUnavailable),
    )
)]
async fn approve(
    state: web::Data<AppState>,
    SignedIn(actor): SignedIn,
    request: HttpRequest,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let id = path_uuid(&path)?;
    let approval = approval_from(&request, &body)?;
    let issuing = state.issuing.clone();
    let view = state
        .run(move |conn| {
            workflow::approve_application(conn, &issuing, &actor, id, &approval, now_seconds())
        })
        .await?;
    telemetry::count(telemetry::CERTIFICATES_ISSUED);
    Ok(HttpResponse::Ok().json(with_urls(view, state.base_url())))
}

/// Rejects a submitted application (auditor), with a reason.
#[utoipa::path(
    post,
    operation_id = "applications_reject",
    path = "/api/v1/applications/{id}/reject",
    tag = "applications",
    params(
        ("id" = String, Path, description = "Application id (UUID)"),
    ),
    request_body(content = Object, content_type = "application/json", description = "{reason}"),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The rejected application", content_type = "application/json", body = Object),
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
async fn reject(
    state: web::Data<AppState>,
    SignedIn(actor): SignedIn,
    request: HttpRequest,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let id = path_uuid(&path)?;
    require_json(&request)?;
    let reason = reason_from(&body)?;
    let view = state
        .run(move |conn| workflow::reject_application(conn, &actor, id, &reason, now_seconds()))
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Reads the optional approval body: `{valid_from?, valid_until?, note?}`; an empty body is fine.
fn approval_from(request: &HttpRequest, body: &[u8]) -> Result<Approval, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Approval::default());
    }
    require_json(request)?;
    let fields = object_body(body)?;
    let mut errors = Vec::new();
    for name in fields
        .keys()
        .filter(|k| !["valid_from", "valid_until", "note"].contains(&k.as_str()))
    {
        let allowed = ["valid_from", "valid_until", "note"];
        let message = format!(
            "`{name}` is not a field of an approval.{} Allowed: {}.",
            footprint::did_you_mean(name, &allowed),
            allowed.join(", ")
        );
        errors.push(field_error(name, ErrorCode::UnknownField, &message));
    }
    let approval = Approval {
        valid_from: optional_time(&fields, "valid_from", &mut errors),
        valid_until: optional_time(&fields, "valid_until", &mut errors),
        note: optional_text(&fields, "note", &mut errors),
    };
    if errors.is_empty() {
        Ok(approval)
    } else {
        Err(invalid(errors))
    }
}

pub(super) fn object_body(body: &[u8]) -> Result<Map<String, Value>, ApiError> {
    match footprint::parse_json_body(body)? {
        Value::Object(fields) => Ok(fields),
        _ => Err(invalid(vec![field_error(
            "",
            ErrorCode::TypeError,
            "the body must be an object",
        )])),
    }
}

/// The `reason` a rejection or revocation must give: a body `{"reason": "..."}` with 1 to
/// [`MAX_REASON_CHARS`] characters.
pub(super) fn reason_from(body: &[u8]) -> Result<String, ApiError> {
    let fields = object_body(body)?;
    required_reason(&fields, "reason")
}

fn required_reason(fields: &Map<String, Value>, name: &str) -> Result<String, ApiError> {
    let mut errors = Vec::new();
    if !fields.contains_key(name) {
        errors.push(field_error(
            name,
            ErrorCode::MissingField,
            "a reason is required",
        ));
        return Err(invalid(errors));
    }
    optional_text(fields, name, &mut errors).ok_or_else(|| invalid(errors))
}

pub(super) fn optional_text(
    fields: &Map<String, Value>,
    name: &str,
    errors: &mut Vec<FieldError>,
) -> Option<String> {
    match fields.get(name) {
        None | Some(Value::Null) => None,
        Some(Value::String(text))
            if !text.trim().is_empty() && text.chars().count() <= MAX_REASON_CHARS =>
        {
            Some(text.trim().to_owned())
        }
        Some(Value::String(_)) => {
            let message = format!("{name} must have 1 to {MAX_REASON_CHARS} characters");
            errors.push(field_error(name, ErrorCode::InvalidValue, &message));
            None
        }
        Some(_) => {
            errors.push(field_error(
                name,
                ErrorCode::TypeError,
                &format!("{name} must be a string"),
            ));
            None
        }
    }
}

pub(super) fn optional_time(
    fields: &Map<String, Value>,
    name: &str,
    errors: &mut Vec<FieldError>,
) -> Option<DateTime<Utc>> {
    let text = optional_text(fields, name, errors)?;
    match DateTime::parse_from_rfc3339(&text) {
        Ok(time) => Some(time.with_timezone(&Utc)),
        Err(_) => {
            let message = format!("{name} must be an RFC 3339 time like 2026-10-01T00:00:00Z");
            errors.push(field_error(name, ErrorCode::InvalidValue, &message));
            None
        }
    }
}

pub(super) fn field_error(field: &str, code: ErrorCode, message: &str) -> FieldError {
    FieldError {
        field: field.to_owned(),
        code,
        message: message.to_owned(),
    }
}

pub(super) fn invalid(errors: Vec<FieldError>) -> ApiError {
    ApiError::Input(InputErrors {
        kind: InputErrorKind::Invalid,
        errors,
    })
}

/// Parses a UUID path segment, answering 400 for a malformed one.
pub fn path_uuid(text: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(text).map_err(|_| ApiError::BadRequest {
        field: "id".into(),
        detail: format!("`{text}` is not a UUID"),
    })
}

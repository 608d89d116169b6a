//! Errors as RFC 9457 problem documents (`application/problem+json`), one shape for every error
//! the service returns, with stable snake_case codes for input errors.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::ServiceResponse;
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::{ErrorHandlerResponse, ErrorHandlers};
use actix_web::{HttpRequest, HttpResponse, ResponseError};
use serde::Serialize;
use serde_json::json;

use crate::footprint::{FieldError, InputErrorKind, InputErrors};
use crate::workflow::WorkflowError;

/// The media type of problem documents.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// Every error a handler can answer with.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The body or a field is wrong (400 for unparseable input, 422 for broken rules).
    #[error("invalid input")]
    Input(InputErrors),
    /// A malformed path segment or query value.
    #[error("{detail}")]
    BadRequest {
        /// Field or parameter.
        field: String,
        /// What is wrong.
        detail: String,
    },
    /// The body is not JSON by its content type.
    #[error("the body must be sent as {0} (Content-Type header)")]
    UnsupportedMediaType(String),
    /// No valid bearer token.
    #[error("{0}")]
    Unauthorized(String),
    /// Signed in, but not allowed.
    #[error("{0}")]
    Forbidden(String),
    /// Nothing there.
    #[error("{0}")]
    NotFound(String),
    /// Not allowed in the current state.
    #[error("{0}")]
    Conflict(String),
    /// The service cannot act now; an operator must (e.g. rotate a compromised key).
    #[error("{0}")]
    Unavailable(String),
    /// Our fault; the detail is logged, not shown.
    #[error("internal error: {0}")]
    Internal(String),
}

#[derive(Serialize)]
struct Problem<'a> {
    #[serde(rename = "type")]
    kind: String,
    title: &'a str,
    status: u16,
    detail: String,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    errors: &'a [FieldError],
}

impl From<InputErrors> for ApiError {
    fn from(errors: InputErrors) -> Self {
        ApiError::Input(errors)
    }
}

impl From<WorkflowError> for ApiError {
    fn from(error: WorkflowError) -> Self {
        match error {
            WorkflowError::Invalid(errors) => ApiError::Input(errors),
            WorkflowError::NotFound(what) => ApiError::NotFound(format!("no such {what}")),
            WorkflowError::Forbidden(detail) => ApiError::Forbidden(detail),
            WorkflowError::Conflict(detail) => ApiError::Conflict(detail),
            WorkflowError::Unavailable(detail) => ApiError::Unavailable(detail),
            WorkflowError::OutOfRange { field, detail } => ApiError::BadRequest {
                field: field.to_owned(),
                detail,
            },
            other => ApiError::Internal(other.to_string()),
        }
    }
}

impl ApiError {
    fn slug(&self) -> &'static str {
        match self {
            ApiError::Input(errors) if errors.kind == InputErrorKind::Malformed => "malformed-body",
            ApiError::Input(_) => "validation-failed",
            ApiError::BadRequest { .. } => "bad-request",
            ApiError::UnsupportedMediaType(_) => "unsupported-media-type",
            ApiError::Unauthorized(_) => "unauthorized",
            ApiError::Forbidden(_) => "forbidden",
            ApiError::NotFound(_) => "not-found",
            ApiError::Conflict(_) => "conflict",
            ApiError::Unavailable(_) => "service-unavailable",
            ApiError::Internal(_) => "internal-error",
        }
    }

    fn detail(&self) -> String {
        match self {
            ApiError::Input(errors) => summary(&errors.errors),
            ApiError::Internal(_) => "the service failed; the error was logged".to_owned(),
            other => other.to_string(),
        }
    }
}

fn summary(errors: &[FieldError]) -> String {
    match errors {
        [only] => only.message.clone(),
        many => format!("{} fields are invalid; see errors", many.len()),
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::Input(errors) if errors.kind == InputErrorKind::Malformed => {
                StatusCode::BAD_REQUEST
            }
            ApiError::Input(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            ApiError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            ApiError::Internal(detail) => tracing::error!(error = %detail, "request failed"),
            ApiError::Unavailable(detail) => tracing::warn!(error = %detail, "request refused"),
            _ => {}
        }
        let field_errors = match self {
            ApiError::Input(errors) => errors.errors.clone(),
            ApiError::BadRequest { field, detail } => vec![FieldError {
                field: field.clone(),
                code: crate::footprint::ErrorCode::InvalidValue,
                message: detail.clone(),
            }],
            _ => Vec::new(),
        };
        let status = self.status_code();
        let mut response = problem_response(status, self.slug(), &self.detail(), &field_errors);
        if matches!(self, ApiError::Unauthorized(_)) {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}

fn problem_response(
    status: StatusCode,
    slug: &str,
    detail: &str,
    errors: &[FieldError],
) -> HttpResponse {
    let problem = Problem {
        kind: format!("/problems/{slug}"),
        title: status.canonical_reason().unwrap_or("Error"),
        status: status.as_u16(),
        detail: detail.to_owned(),
        errors,
    };
    HttpResponse::build(status)
        .content_type(PROBLEM_JSON)
        .json(problem)
}

/// The answer for a path no route matches.
pub async fn not_found(request: HttpRequest) -> HttpResponse {
    let detail = format!("nothing at {}", request.path());
    problem_response(StatusCode::NOT_FOUND, "not-found", &detail, &[])
}

/// 405 for a method the resource does not serve, with the `Allow` header listing those it does.
pub fn method_not_allowed(allow: &'static str) -> HttpResponse {
    let detail = format!("this resource answers only {allow}");
    let status = StatusCode::METHOD_NOT_ALLOWED;
    let mut response = problem_response(status, "method-not-allowed", &detail, &[]);
    response
        .headers_mut()
        .insert(header::ALLOW, HeaderValue::from_static(allow));
    response
}

/// Turns the framework's own plain-text client errors (405, 413, payload errors) into problem
/// documents, so that every error has the same shape. A body a handler chose itself (the JSON
/// `unknown` verification result, the buyer's 404 page) is left as it is.
pub fn problem_for_plain_errors<B: MessageBody + 'static>() -> ErrorHandlers<B> {
    ErrorHandlers::new().default_handler_client(|response: ServiceResponse<B>| {
        let content_type = response.response().headers().get(header::CONTENT_TYPE);
        let is_problem =
            content_type.is_some_and(|value| value.as_bytes().starts_with(PROBLEM_JSON.as_bytes()));
        let chosen_by_handler = content_type.is_some() && response.response().error().is_none();
        if is_problem || chosen_by_handler {
            return Ok(ErrorHandlerResponse::Response(
                response.map_into_left_body(),
            ));
        }
        let status = response.status();
        let detail = response
            .response()
            .error()
            .map(|error| error.to_string())
            .unwrap_or_else(|| status.canonical_reason().unwrap_or("error").to_owned());
        let body = json!({
            "type": "/problems/http-error",
            "title": status.canonical_reason().unwrap_or("Error"),
            "status": status.as_u16(),
            "detail": detail,
        });
        let (request, old) = response.into_parts();
        let mut replaced = HttpResponse::build(status)
            .content_type(PROBLEM_JSON)
            .json(body);
        for (name, value) in old.headers() {
            if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
                replaced.headers_mut().insert(name.clone(), value.clone());
            }
        }
        let replaced: HttpResponse<BoxBody> = replaced;
        Ok(ErrorHandlerResponse::Response(
            ServiceResponse::new(request, replaced).map_into_right_body(),
        ))
    })
}

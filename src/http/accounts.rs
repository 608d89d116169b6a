//! Accounts, farms and tokens: a signed-in user's farms, and what admins manage.

use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use serde_json::{Map, Value, json};
use uuid::Uuid;

use super::applications::{
    field_error, invalid, object_body, optional_text, optional_time, path_uuid,
};
use super::auth::SignedIn;
use super::footprints::require_json;
use super::problem::ApiError;
use super::{AppState, allow, get_or_head};
use crate::accounts::Role;
use crate::footprint::{self, ErrorCode, FieldError};
use crate::workflow::admin::{self, Operator};
use crate::workflow::now_seconds;
use crate::workflow::users::{self, FarmSpec};

/// Routes under `/api/v1`.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/farms")
            .route(get_or_head().to(list_farms))
            .route(web::post().to(add_farm))
            .default_service(allow("GET, HEAD, POST")),
    )
    .service(
        web::resource("/farms/{id}/members")
            .route(web::post().to(add_member))
            .default_service(allow("POST")),
    )
    .service(
        web::resource("/users")
            .route(get_or_head().to(list_users))
            .route(web::post().to(add_user))
            .default_service(allow("GET, HEAD, POST")),
    )
    .service(
        web::resource("/users/{id}/tokens")
            .route(web::post().to(issue_token))
            .default_service(allow("POST")),
    )
    .service(
        web::resource("/tokens")
            .route(get_or_head().to(list_tokens))
            .default_service(allow("GET, HEAD")),
    )
    .service(
        web::resource("/tokens/{id}/revoke")
            .route(web::post().to(revoke_token))
            .default_service(allow("POST")),
    );
}

/// A farmer's own farms; all farms for auditors and admins.
#[utoipa::path(
    get,
    operation_id = "accounts_list_farms",
    path = "/api/v1/farms",
    tag = "accounts",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The farms", content_type = "application/json", body = Object),
        (status = 401, response = super::openapi::Unauthorized),
    )
)]
async fn list_farms(
    state: web::Data<AppState>,
    SignedIn(actor): SignedIn,
) -> Result<HttpResponse, ApiError> {
    let farms = state
        .run(move |conn| users::visible_farms(conn, &actor))
        .await?;
    Ok(HttpResponse::Ok().json(json!({ "farms": farms })))
}

/// `POST /farms` (admin): `{name, village?, region?}`.
#[utoipa::path(
    post,
    operation_id = "accounts_add_farm",
    path = "/api/v1/farms",
    tag = "accounts",
    request_body(content = Object, content_type = "application/json", description = "{name, village?, region?}"),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The farm", content_type = "application/json", body = Object),
        (status = 400, response = super::openapi::BadRequest),
        (status = 401, response = super::openapi::Unauthorized),
        (status = 403, response = super::openapi::Forbidden),
        (status = 409, response = super::openapi::Conflict),
        (status = 413, response = super::openapi::PayloadTooLarge),
        (status = 415, response = super::openapi::UnsupportedMediaType),
        (status = 422, response = super::openapi::UnprocessableEntity),
    )
)]
async fn add_farm(
    state: web::Data<AppState>,
    SignedIn(actor): SignedIn,
    request: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    require_json(&request)?;
    let fields = object_body(&body)?;
    let mut errors = unknown_fields(&fields, &["name", "village", "region"], "a farm");
    let name = required_text(&fields, "name", &mut errors);
    let village = optional_text(&fields, "village", &mut errors);
    let region = optional_text(&fields, "region", &mut errors);
    let (Some(name), true) = (name, errors.is_empty()) else {
        return Err(invalid(errors));
    };
    let spec = FarmSpec {
        name,
        village: village.unwrap_or_else(|| "Jinpoluo".to_owned()),
        region: region.unwrap_or_else(|| "Miyun District, Beijing".to_owned()),
    };
    let farm = state
        .run(move |conn| admin::add_farm(conn, Operator::Account(&actor), &spec, now_seconds()))
        .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/farms/{}", farm.id)))
        .json(farm))
}

/// `POST /farms/{id}/members` (admin): `{user_id}` of a farmer.
#[utoipa::path(
    post,
    operation_id = "accounts_add_member",
    path = "/api/v1/farms/{id}/members",
    tag = "accounts",
    params(
        ("id" = String, Path, description = "Farm id (UUID)"),
    ),
    request_body(content = Object, content_type = "application/json", description = "{user_id}"),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The membership", content_type = "application/json", body = Object),
        (status = 400, response = super::openapi::BadRequest),
        (status = 401, response = super::openapi::Unauthorized),
        (status = 403, response = super::openapi::Forbidden),
        (status = 404, response = super::openapi::NotFound),
        (status = 413, response = super::openapi::PayloadTooLarge),
        (status = 415, response = super::openapi::UnsupportedMediaType),
        (status = 422, response = super::openapi::UnprocessableEntity),
    )
)]
async fn add_member(
    state: web::Data<AppState>,
    SignedIn(actor): SignedIn,
    request: HttpRequest,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let farm_id = path_uuid(&path)?;
    require_json(&request)?;
    let fields = object_body(&body)?;
    let mut errors = unknown_fields(&fields, &["user_id"], "a membership");
    let user_id = required_uuid(&fields, "user_id", &mut errors);
    let (Some(user_id), true) = (user_id, errors.is_empty()) else {
        return Err(invalid(errors));
    };
    let user = state
        .run(move |conn| admin::add_farm_member(conn, Operator::Account(&actor), farm_id, user_id))
        .await?;
    Ok(HttpResponse::Ok().json(user))
}

/// Every account (admin).
#[utoipa::path(
    get,
    operation_id = "accounts_list_users",
    path = "/api/v1/users",
    tag = "accounts",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The users", content_type = "application/json", body = Object),
        (status = 401, response = super::openapi::Unauthorized),
        (status = 403, response = super::openapi::Forbidden),
    )
)]
async fn list_users(
    state: web::Data<AppState>,
    SignedIn(actor): SignedIn,
) -> Result<HttpResponse, ApiError> {
    let users = state
        .run(move |conn| admin::list_users(conn, Operator::Account(&actor)))
        .await?;
    Ok(HttpResponse::Ok().json(json!({ "users": users })))
}

/// `POST /users` (admin): `{name, role, farm_id?}`; answers with the first token, shown once.
#[utoipa::path(
    post,
    operation_id = "accounts_add_user",
    path = "/api/v1/users",
    tag = "accounts",
    request_body(content = Object, content_type = "application/json", description = "{name, role, farm_id?}"),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The user and its token", content_type = "application/json", body = Object),
        (status = 400, response = super::openapi::BadRequest),
        (status = 401, response = super::openapi::Unauthorized),
        (status = 403, response = super::openapi::Forbidden),
        (status = 404, response = super::openapi::NotFound),
        (status = 413, response = super::openapi::PayloadTooLarge),
        (status = 415, response = super::openapi::UnsupportedMediaType),
        (status = 422, response = super::openapi::UnprocessableEntity),
    )
)]
async fn add_user(
    state: web::Data<AppState>,
    SignedIn(actor): SignedIn,
    request: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    require_json(&request)?;
    let fields = object_body(&body)?;
    let mut errors = unknown_fields(&fields, &["name", "role", "farm_id"], "a user");
    let name = required_text(&fields, "name", &mut errors);
    let role = required_role(&fields, &mut errors);
    let farm_id = match fields.get("farm_id") {
        None | Some(Value::Null) => None,
        Some(_) => required_uuid(&fields, "farm_id", &mut errors),
    };
    let (Some(name), Some(role), true) = (name, role, errors.is_empty()) else {
        return Err(invalid(errors));
    };
    let created = state
        .run(move |conn| {
            let operator = Operator::Account(&actor);
            admin::add_user(conn, operator, &name, role, farm_id, now_seconds())
        })
        .await?;
    let id = created.actor.id;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/users/{id}")))
        .json(json!({
            "id": id,
            "name": created.actor.name,
            "role": created.actor.role,
            "farm_id": created.farm_id,
            "token": created.token,
        })))
}

/// `POST /users/{id}/tokens` (admin): `{expires_at?}`, an RFC 3339 time in the future.
#[utoipa::path(
    post,
    operation_id = "accounts_issue_token",
    path = "/api/v1/users/{id}/tokens",
    tag = "accounts",
    params(
        ("id" = String, Path, description = "User id (UUID)"),
    ),
    request_body(content = Object, content_type = "application/json", description = "Optional {expires_at}"),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The token, shown once", content_type = "application/json", body = Object),
        (status = 400, response = super::openapi::BadRequest),
        (status = 401, response = super::openapi::Unauthorized),
        (status = 403, response = super::openapi::Forbidden),
        (status = 404, response = super::openapi::NotFound),
        (status = 413, response = super::openapi::PayloadTooLarge),
        (status = 415, response = super::openapi::UnsupportedMediaType),
        (status = 422, response = super::openapi::UnprocessableEntity),
    )
)]
async fn issue_token(
    state: web::Data<AppState>,
    SignedIn(actor): SignedIn,
    request: HttpRequest,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let user_id = path_uuid(&path)?;
    let expires_at = if body.iter().all(u8::is_ascii_whitespace) {
        None
    } else {
        require_json(&request)?;
        let fields = object_body(&body)?;
        let mut errors = unknown_fields(&fields, &["expires_at"], "a token request");
        let expires_at = optional_time(&fields, "expires_at", &mut errors);
        if !errors.is_empty() {
            return Err(invalid(errors));
        }
        expires_at
    };
    let issued = state
        .run(move |conn| {
            let operator = Operator::Account(&actor);
            admin::issue_token(conn, operator, user_id, expires_at, now_seconds())
        })
        .await?;
    Ok(HttpResponse::Created().json(issued))
}

#[derive(Deserialize)]
struct TokenQuery {
    user_id: Option<String>,
}

/// `GET /tokens[?user_id=]` (admin): tokens by prefix, never the secret.
#[utoipa::path(
    get,
    operation_id = "accounts_list_tokens",
    path = "/api/v1/tokens",
    tag = "accounts",
    params(
        ("user_id" = Option<String>, Query, description = "Only this user's tokens"),
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The tokens", content_type = "application/json", body = Object),
        (status = 400, response = super::openapi::BadRequest),
        (status = 401, response = super::openapi::Unauthorized),
        (status = 403, response = super::openapi::Forbidden),
    )
)]
async fn list_tokens(
    state: web::Data<AppState>,
    SignedIn(actor): SignedIn,
    query: web::Query<TokenQuery>,
) -> Result<HttpResponse, ApiError> {
    let user_id = match query.into_inner().user_id {
        Some(text) => Some(Uuid::parse_str(&text).map_err(|_| ApiError::BadRequest {
            field: "user_id".into(),
            detail: format!("user_id must be a UUID, not `{text}`"),
        })?),
        None => None,
    };
    let tokens = state
        .run(move |conn| {
            admin::list_tokens(conn, Operator::Account(&actor), user_id, now_seconds())
        })
        .await?;
    Ok(HttpResponse::Ok().json(json!({ "tokens": tokens })))
}

/// Revokes a token (admin).
#[utoipa::path(
    post,
    operation_id = "accounts_revoke_token",
    path = "/api/v1/tokens/{id}/revoke",
    tag = "accounts",
    params(
        ("id" = String, Path, description = "Token id (UUID)"),
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The revoked token", content_type = "application/json", body = Object),
        (status = 400, response = super::openapi::BadRequest),
        (status = 401, response = super::openapi::Unauthorized),
        (status = 403, response = super::openapi::Forbidden),
        (status = 404, response = super::openapi::NotFound),
        (status = 409, response = super::openapi::Conflict),
    )
)]
async fn revoke_token(
    state: web::Data<AppState>,
    SignedIn(actor): SignedIn,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let token_id = path_uuid(&path)?;
    let revoked = state
        .run(move |conn| {
            admin::revoke_token(conn, Operator::Account(&actor), token_id, now_seconds())
        })
        .await?;
    Ok(HttpResponse::Ok().json(revoked))
}

fn unknown_fields(fields: &Map<String, Value>, allowed: &[&str], what: &str) -> Vec<FieldError> {
    fields
        .keys()
        .filter(|name| !allowed.contains(&name.as_str()))
        .map(|name| {
            let message = format!(
                "`{name}` is not a field of {what}.{} Allowed: {}.",
                footprint::did_you_mean(name, allowed),
                allowed.join(", ")
            );
            field_error(name, ErrorCode::UnknownField, &message)
        })
        .collect()
}

fn required_text(
    fields: &Map<String, Value>,
    name: &str,
    errors: &mut Vec<FieldError>,
) -> Option<String> {
    if !fields.contains_key(name) {
        errors.push(field_error(
            name,
            ErrorCode::MissingField,
            &format!("{name} is required"),
        ));
        return None;
    }
    optional_text(fields, name, errors)
}

fn required_uuid(
    fields: &Map<String, Value>,
    name: &str,
    errors: &mut Vec<FieldError>,
) -> Option<Uuid> {
    let text = required_text(fields, name, errors)?;
    let parsed = Uuid::parse_str(&text).ok();
    if parsed.is_none() {
        errors.push(field_error(
            name,
            ErrorCode::InvalidValue,
            &format!("{name} must be a UUID"),
        ));
    }
    parsed
}

fn required_role(fields: &Map<String, Value>, errors: &mut Vec<FieldError>) -> Option<Role> {
    let text = required_text(fields, "role", errors)?;
    match text.parse::<Role>() {
        Ok(role) => Some(role),
        Err(unknown) => {
            errors.push(field_error(
                "role",
                ErrorCode::InvalidValue,
                &unknown.to_string(),
            ));
            None
        }
    }
}

//! What operators and their load balancers ask: liveness, readiness and Prometheus metrics.

use actix_web::{HttpResponse, web};
use serde_json::json;

use super::problem::ApiError;
use super::{AppState, allow, get_or_head};
use crate::telemetry;
use crate::workflow::keys::active_signing_key;

/// `/healthz`, `/readyz` and `/metrics`.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(read_only("/healthz").route(get_or_head().to(healthz)))
        .service(read_only("/readyz").route(get_or_head().to(readyz)))
        .service(read_only("/metrics").route(get_or_head().to(metrics)));
}

/// A resource that answers GET and HEAD, and 405 naming them to anything else.
fn read_only(path: &str) -> actix_web::Resource {
    web::resource(path).default_service(allow("GET, HEAD"))
}

/// Alive: the process answers. Says nothing of the database, so that a database outage does
/// not make an orchestrator restart every instance.
#[utoipa::path(get,
    operation_id = "operations_healthz", path = "/healthz", tag = "operations",
    responses((status = 200, description = "Alive", body = Object)))]
async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(json!({ "status": "ok" }))
}

/// Ready to serve: the database answers a query and the active signing key named there is
/// loaded from the keys folder. 503 otherwise, so a load balancer sends traffic elsewhere.
#[utoipa::path(get,
    operation_id = "operations_readyz", path = "/readyz", tag = "operations",
    responses(
        (status = 200, description = "Ready: database and signing key", body = Object),
        (status = 503, response = super::openapi::ServiceUnavailable),
    ))]
async fn readyz(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let ring = state.issuing.keys.clone();
    let key = state
        .run(move |conn| active_signing_key(conn, &ring))
        .await
        .map_err(|error| ApiError::Unavailable(format!("not ready: {error}")))?;
    Ok(HttpResponse::Ok().json(json!({
        "status": "ready",
        "database": state.database_backend(),
        "signing_key": key.public_key_multibase,
    })))
}

/// Prometheus text format: requests and latencies by route pattern, and domain counters.
#[utoipa::path(get,
    operation_id = "operations_metrics", path = "/metrics", tag = "operations",
    responses((status = 200, description = "Prometheus text format", content_type = "text/plain", body = String)))]
async fn metrics() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(telemetry::render_metrics())
}

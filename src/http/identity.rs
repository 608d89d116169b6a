//! The issuer's published identity (`/.well-known/did.json`) and the liveness probe.

use actix_web::{HttpResponse, web};
use serde_json::json;

use super::problem::ApiError;
use super::{AppState, get_or_head};
use crate::keys;
use crate::workflow::certificates::trusted_keys;

/// `/.well-known/did.json` and `/healthz`.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/.well-known/did.json").route(get_or_head().to(did_document)))
        .service(web::resource("/healthz").route(get_or_head().to(healthz)));
}

async fn did_document(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let keys = state.run(trusted_keys).await?;
    let document = keys::did_document(&state.issuing.issuer.id, &keys);
    Ok(HttpResponse::Ok()
        .content_type("application/did+json")
        .json(document))
}

async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(json!({ "status": "ok" }))
}

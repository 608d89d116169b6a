//! The issuer's published identity (`/.well-known/did.json`).

use actix_web::{HttpResponse, web};
use serde_json::json;

use super::problem::ApiError;
use super::{AppState, allow, get_or_head};
use crate::certificate::TrustedKey;
use crate::workflow::keys::trusted_keys;
use crate::workflow::transparency::origin;
use crate::{credential, keys, tlog};

/// `/.well-known/did.json`.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/.well-known/did.json")
            .route(get_or_head().to(did_document))
            .default_service(allow("GET, HEAD")),
    );
}

/// The issuer's did:web document: every signing key with its window, and the log's note key.
#[utoipa::path(get,
    operation_id = "identity_did_document", path = "/.well-known/did.json", tag = "trust",
    responses(
        (status = 200, description = "The DID document", content_type = "application/did+json", body = Object),
    ))]
async fn did_document(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let keys = state.run(trusted_keys).await?;
    let base = state.base_url();
    let mut document = keys::did_document(&state.issuing.issuer.id, &keys);
    document["service"] = json!([log_service(&state.issuing.issuer.id, base, &keys)]);
    Ok(HttpResponse::Ok()
        .content_type("application/did+json")
        .json(document))
}

/// Where the transparency log is, and the note verifier keys its checkpoints are signed with
/// (one per issuer key, C2SP signed-note format).
fn log_service(did: &str, base: &str, keys: &[TrustedKey]) -> serde_json::Value {
    let origin = origin(base);
    let verifier_keys: Vec<String> = keys
        .iter()
        .filter_map(|key| credential::parse_multikey(&key.public_key_multibase).ok())
        .filter_map(|public| tlog::verifier_key(&origin, &public).ok())
        .collect();
    json!({
        "id": format!("{did}#transparency-log"),
        "type": "TransparencyLog",
        "serviceEndpoint": format!("{base}/log"),
        "origin": origin,
        "noteVerifierKeys": verifier_keys,
    })
}

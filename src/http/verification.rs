//! `GET /v/{code}`: where a buyer's scan lands. Browsers get the page; `Accept:
//! application/json` gets the verification result that scripts can re-check.

use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde_json::{Value, json};

use super::certificates::no_store;
use super::i18n::{Lang, crop_name, status_word, tier_name};
use super::problem::ApiError;
use super::{AppState, allow, get_or_head};
use crate::certificate::{CertificateCode, VerificationStatus};
use crate::workflow::certificates::{self as workflow, VerificationResult};
use crate::workflow::now_seconds;

/// `/v/{code}`.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/v/{code}")
            .route(get_or_head().to(verify))
            .default_service(allow("GET, HEAD")),
    );
}

/// What a buyer's phone shows.
#[derive(Template)]
#[template(path = "verify.html")]
struct BuyerPage {
    lang: Lang,
    code: String,
    status: &'static str,
    status_word: &'static str,
    checked_at: String,
    claim: Option<Claim>,
    revocation_reason: Option<String>,
}

/// The claim in words, shown only when the signature checks out.
struct Claim {
    product: String,
    crop: String,
    lot: String,
    farm: String,
    place: String,
    harvest: String,
    gross_per_kg: String,
    net_per_kg: String,
    tier: &'static str,
    offsets_used: bool,
    issuer: String,
    audited_by: String,
    valid_from: String,
    valid_until: String,
    certificate_url: String,
}

async fn verify(
    state: web::Data<AppState>,
    request: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let wants_json = accepts_json(&request);
    let lang = Lang::of_request(&request);
    let code = match path.parse::<CertificateCode>() {
        Ok(code) => code,
        Err(error) if wants_json => {
            return Err(ApiError::BadRequest {
                field: "code".into(),
                detail: error.to_string(),
            });
        }
        Err(_) => return page(StatusCode::BAD_REQUEST, unknown_page(lang, &path)),
    };

    let issuing = state.issuing.clone();
    let outcome = state
        .run(move |conn| workflow::verify_stored(conn, &issuing, code, now_seconds()))
        .await;
    match (outcome, wants_json) {
        (Ok(result), true) => Ok(HttpResponse::Ok().insert_header(no_store()).json(result)),
        (Ok(result), false) => page(StatusCode::OK, buyer_page(lang, &result)),
        (Err(ApiError::NotFound(_)), true) => Ok(unknown_json(code)),
        (Err(ApiError::NotFound(_)), false) => {
            page(StatusCode::NOT_FOUND, unknown_page(lang, &code.to_string()))
        }
        (Err(other), _) => Err(other),
    }
}

fn accepts_json(request: &HttpRequest) -> bool {
    request
        .headers()
        .get(header::ACCEPT)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|accept| accept.contains("application/json"))
}

fn unknown_json(code: CertificateCode) -> HttpResponse {
    HttpResponse::NotFound()
        .insert_header(no_store())
        .json(json!({
            "status": VerificationStatus::Unknown,
            "reason": "no certificate with this code was issued here",
            "checked_at": now_seconds(),
            "code": code.to_string(),
        }))
}

fn page(status: StatusCode, page: BuyerPage) -> Result<HttpResponse, ApiError> {
    let html = page
        .render()
        .map_err(|e| ApiError::Internal(format!("template: {e}")))?;
    Ok(HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header(no_store())
        .body(html))
}

fn unknown_page(lang: Lang, code: &str) -> BuyerPage {
    BuyerPage {
        lang,
        code: code.chars().take(40).collect(),
        status: "unknown",
        status_word: status_word(lang, "unknown"),
        checked_at: now_seconds().format("%Y-%m-%d %H:%M UTC").to_string(),
        claim: None,
        revocation_reason: None,
    }
}

fn buyer_page(lang: Lang, result: &VerificationResult) -> BuyerPage {
    let status = result.status.as_str();
    let signature_holds = !matches!(
        result.status,
        VerificationStatus::SignatureInvalid | VerificationStatus::KeyNotTrusted
    );
    BuyerPage {
        lang,
        code: result.code.clone(),
        status,
        status_word: status_word(lang, status),
        checked_at: result.checked_at.format("%Y-%m-%d %H:%M UTC").to_string(),
        claim: signature_holds.then(|| claim(lang, &result.certificate, &result.code)),
        revocation_reason: result.revocation.as_ref().map(|r| r.reason.clone()),
    }
}

fn claim(lang: Lang, document: &Value, code: &str) -> Claim {
    let text = |pointer: &str| -> String {
        document
            .pointer(pointer)
            .and_then(Value::as_str)
            .unwrap_or("–")
            .to_owned()
    };
    let subject = "/credentialSubject";
    Claim {
        product: text(&format!("{subject}/product/name")),
        crop: crop_name(lang, &text(&format!("{subject}/product/crop"))),
        lot: text(&format!("{subject}/product/lot")),
        farm: text(&format!("{subject}/farm/name")),
        place: format!(
            "{}, {}",
            text(&format!("{subject}/farm/village")),
            text(&format!("{subject}/farm/region"))
        ),
        harvest: format!(
            "{} – {}",
            text(&format!("{subject}/harvest/start")),
            text(&format!("{subject}/harvest/end"))
        ),
        gross_per_kg: text(&format!("{subject}/footprint/gross_kg_co2e_per_kg")),
        net_per_kg: text(&format!("{subject}/footprint/net_kg_co2e_per_kg")),
        tier: tier_name(lang, &text(&format!("{subject}/label/tier"))),
        offsets_used: document
            .pointer(&format!("{subject}/label/offsetsUsed"))
            .and_then(Value::as_bool)
            .unwrap_or(false),
        issuer: text("/issuer/name"),
        audited_by: text(&format!("{subject}/auditedBy")),
        valid_from: date_part(&text("/validFrom")),
        valid_until: date_part(&text("/validUntil")),
        certificate_url: format!("/api/v1/certificates/{code}"),
    }
}

fn date_part(timestamp: &str) -> String {
    timestamp.split('T').next().unwrap_or(timestamp).to_owned()
}

//! `GET /v/{code}`: where a buyer's scan lands. Browsers get the page; `Accept:
//! application/json` gets the verification result that scripts can re-check.

use std::sync::Arc;

use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::{Value, json};

use super::certificates::status_dependent;
use super::i18n::{Lang, crop_name, status_word, tier_name};
use super::pages_cache::PageKey;
use super::problem::ApiError;
use super::{AppState, allow, get_or_head};
use crate::application::is_valid_gtin14;
use crate::certificate::{CertificateCode, VerificationStatus};
use crate::telemetry;
use crate::workflow::certificates::VerificationResult;
use crate::workflow::now_seconds;
use crate::workflow::scans::{self, Scan};

/// `/v/{code}`, its upper-case form `/V/{code}` (what compact QR codes carry), and the GS1
/// Digital Link form `/01/{gtin}/10/{lot}/21/{code}`.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/v/{code}")
            .route(get_or_head().to(verify))
            .default_service(allow("GET, HEAD")),
    )
    .service(
        web::resource("/V/{code}")
            .route(get_or_head().to(verify))
            .default_service(allow("GET, HEAD")),
    )
    .service(
        web::resource("/01/{gtin}/10/{lot}/21/{code}")
            .route(get_or_head().to(digital_link))
            .default_service(allow("GET, HEAD")),
    );
}

/// What a GS1 Digital Link names: the product's GTIN and lot, and the certificate.
#[derive(Deserialize)]
struct DigitalLink {
    gtin: String,
    lot: String,
    code: String,
}

/// What a buyer's phone shows.
#[derive(Template)]
#[template(path = "verify.html")]
struct BuyerPage {
    lang: Lang,
    code: String,
    status: &'static str,
    status_word: &'static str,
    /// Why the claim below the status no longer holds (expired, not yet valid, revoked).
    warning: Option<&'static str>,
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
    /// The gross figure rounded for the sentence a buyer reads first.
    gross_rounded: String,
    net_per_kg: String,
    tier: &'static str,
    offsets_used: bool,
    issuer: String,
    audited_by: String,
    valid_from: String,
    valid_until: String,
    certificate_url: String,
}

/// What a scan shows: the buyer page (HTML), or the verification result with Accept: application/json.
#[utoipa::path(
    get,
    operation_id = "verification_verify",
    path = "/v/{code}",
    tag = "verification",
    params(
        ("code" = String, Path, description = "The certificate's 26-character code"),
    ),
    responses(
        (status = 200, description = "The verification result (JSON) or buyer page (HTML)", content_type = "application/json", body = Object),
        (status = 400, response = super::openapi::BadRequest),
        (status = 404, response = super::openapi::NotFound),
    )
)]
async fn verify(
    state: web::Data<AppState>,
    request: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    answer(&state, &request, &path, None).await
}

/// The same answer as `/v/{code}` when the GTIN and lot are the certificate's; a link naming
/// another product or lot is answered as an unknown label.
async fn digital_link(
    state: web::Data<AppState>,
    request: HttpRequest,
    path: web::Path<DigitalLink>,
) -> Result<HttpResponse, ApiError> {
    let link = path.into_inner();
    if !is_valid_gtin14(&link.gtin) {
        let detail = format!("`{}` is not a GTIN-14 with a valid check digit", link.gtin);
        if accepts_json(&request) {
            return Err(ApiError::BadRequest {
                field: "gtin".into(),
                detail,
            });
        }
        let lang = Lang::of_request(&request);
        return page(StatusCode::BAD_REQUEST, unknown_page(lang, &link.code));
    }
    let product = (link.gtin, link.lot);
    answer(&state, &request, &link.code, Some(product)).await
}

/// Verifies the certificate `code_text` names and answers with the page or the JSON result.
/// `product`, from a Digital Link, must match the certificate's GTIN and lot.
async fn answer(
    state: &AppState,
    request: &HttpRequest,
    code_text: &str,
    product: Option<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let wants_json = accepts_json(request);
    let lang = Lang::of_request(request);
    let code = match code_text.parse::<CertificateCode>() {
        Ok(code) => code,
        Err(error) if wants_json => {
            return Err(ApiError::BadRequest {
                field: "code".into(),
                detail: error.to_string(),
            });
        }
        Err(_) => return page(StatusCode::BAD_REQUEST, unknown_page(lang, code_text)),
    };

    let now = now_seconds();
    let outcome = scan_of(state, code)
        .await
        .and_then(|scan| names_this_product(scan, product.as_ref()));
    count_outcome(&outcome, now);
    match (outcome, wants_json) {
        (Ok(scan), true) => json_answer(&scan, now),
        (Ok(scan), false) => Ok(buyer_page_answer(state, lang, &scan, now)?),
        (Err(ApiError::NotFound(_)), true) => Ok(unknown_json(code)),
        (Err(ApiError::NotFound(_)), false) => {
            page(StatusCode::NOT_FOUND, unknown_page(lang, &code.to_string()))
        }
        (Err(other), _) => Err(other),
    }
}

/// The scan of `code`: kept in memory, or read from the database (off the async worker) and
/// kept.
async fn scan_of(state: &AppState, code: CertificateCode) -> Result<Arc<Scan>, ApiError> {
    if let Some(kept) = state.scans.get(code.uuid()) {
        return Ok(kept);
    }
    let issuing = state.issuing.clone();
    let scans = Arc::clone(&state.scans);
    state
        .run(move |conn| scans::scan(conn, &issuing, &scans, code))
        .await
}

fn json_answer(scan: &Scan, now: DateTime<Utc>) -> Result<HttpResponse, ApiError> {
    let body = scan
        .json_at(now)
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(HttpResponse::Ok()
        .content_type("application/json")
        .insert_header(status_dependent())
        .insert_header(varies())
        .body(body))
}

/// The buyer page, drawn once per certificate, language, status and minute (the page shows
/// the time of the check to the minute).
fn buyer_page_answer(
    state: &AppState,
    lang: Lang,
    scan: &Scan,
    now: DateTime<Utc>,
) -> Result<HttpResponse, ApiError> {
    let (status, _) = scan.status_at(now);
    let key = PageKey {
        certificate: scan.code.uuid(),
        lang,
        status,
        minute: now.timestamp().div_euclid(60),
    };
    let html = match state.pages.get(&key) {
        Some(html) => html,
        None => {
            let html = Bytes::from(render(&buyer_page(lang, &scan.result_at(now)))?);
            state.pages.insert(key, html.clone());
            html
        }
    };
    Ok(page_response(StatusCode::OK, html))
}

/// Counts a scan's answer for `/metrics`; a code this issuer never issued is `unknown`.
fn count_outcome(outcome: &Result<Arc<Scan>, ApiError>, now: DateTime<Utc>) {
    match outcome {
        Ok(scan) => telemetry::count_verification(scan.status_at(now).0.as_str()),
        Err(ApiError::NotFound(_)) => telemetry::count_verification("unknown"),
        Err(_) => {}
    }
}

/// The result, unless a Digital Link's GTIN or lot differ from the certificate's.
fn names_this_product(
    scan: Arc<Scan>,
    product: Option<&(String, String)>,
) -> Result<Arc<Scan>, ApiError> {
    let Some((gtin, lot)) = product else {
        return Ok(scan);
    };
    let field = |name: &str| {
        scan.document
            .pointer(&format!("/credentialSubject/product/{name}"))
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    if field("gtin").as_ref() == Some(gtin) && field("lot").as_ref() == Some(lot) {
        Ok(scan)
    } else {
        Err(ApiError::NotFound(
            "no certificate with this code for this GTIN and lot".into(),
        ))
    }
}

/// The answer depends on `Accept` (page or JSON) and `Accept-Language`, so a shared cache must
/// keep one copy per value of each.
fn varies() -> (header::HeaderName, &'static str) {
    (header::VARY, "Accept, Accept-Language")
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
        .insert_header(status_dependent())
        .insert_header(varies())
        .json(json!({
            "status": VerificationStatus::Unknown,
            "reason": "no certificate with this code was issued here",
            "checked_at": now_seconds(),
            "code": code.to_string(),
        }))
}

fn page(status: StatusCode, page: BuyerPage) -> Result<HttpResponse, ApiError> {
    Ok(page_response(status, Bytes::from(render(&page)?)))
}

fn render(page: &BuyerPage) -> Result<String, ApiError> {
    page.render()
        .map_err(|e| ApiError::Internal(format!("template: {e}")))
}

fn page_response(status: StatusCode, html: Bytes) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header(status_dependent())
        .insert_header(varies())
        .body(html)
}

fn unknown_page(lang: Lang, code: &str) -> BuyerPage {
    BuyerPage {
        lang,
        code: code.chars().take(40).collect(),
        status: "unknown",
        status_word: status_word(lang, "unknown"),
        warning: None,
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
        warning: claim_warning(lang, result.status),
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
        gross_rounded: rounded(&text(&format!("{subject}/footprint/gross_kg_co2e_per_kg"))),
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

/// A certificate figure at three significant figures, for reading; the table keeps it exact.
fn rounded(figure: &str) -> String {
    figure.parse::<f64>().map_or_else(
        |_| figure.to_owned(),
        |value| crate::footprint::format_significant(value, 3),
    )
}

/// What a buyer must read before the claim when the status is not `valid`.
fn claim_warning(lang: Lang, status: VerificationStatus) -> Option<&'static str> {
    match status {
        VerificationStatus::Revoked => Some(lang.pick(
            "此标签已被撤销，以下声明不再成立。",
            "This label has been revoked: the claim below no longer holds.",
        )),
        VerificationStatus::Expired => Some(lang.pick(
            "此标签已过期，以下声明只在有效期内成立。",
            "This label has expired: the claim below held only during its validity.",
        )),
        VerificationStatus::NotYetValid => Some(lang.pick(
            "此标签尚未生效，以下声明从有效期开始时才成立。",
            "This label is not valid yet: the claim below holds only from its start date.",
        )),
        _ => None,
    }
}

fn date_part(timestamp: &str) -> String {
    timestamp.split('T').next().unwrap_or(timestamp).to_owned()
}

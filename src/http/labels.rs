//! What farmers print: a certificate's QR code and its label, as SVG, PNG and PDF, and A4
//! sheets of labels. Each drawing is made on first request, off the issuing path, and kept.

use std::sync::Arc;

use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, web};
use qrcode::QrCode;
use serde::Deserialize;
use serde_json::Value;
use uuid::Uuid;

use super::certificates::{certificate_id, immutable_response};
use super::i18n::{Lang, tier_name};
use super::problem::ApiError;
use super::{AppState, allow, get_or_head};
use crate::certificate::CertificateCode;
use crate::footprint::{self, ErrorCode, FieldError, InputErrorKind, InputErrors};
use crate::label::design::LABELS_PER_SHEET;
use crate::label::{self, Artifact, LabelError, LabelFacts, Link, MAX_SHEET_LABELS, Rendered};
use crate::workflow::certificates as workflow;

/// Default PNG module size in pixels.
const DEFAULT_MODULE_PX: u32 = 8;
/// Significant figures of the footprint printed on a label.
const LABEL_FIGURES: u32 = 3;

/// Every drawing of a certificate: the file name under `/api/v1/certificates/{id}/`, what it
/// is, and its media type. The routes and the OpenAPI document are both made from this table.
pub const DRAWINGS: [(&str, &str, &str); 6] = [
    (
        "qr.svg",
        "The QR code of the verification URL",
        "image/svg+xml",
    ),
    (
        "qr.png",
        "The QR code of the verification URL (?px= pixels per module)",
        "image/png",
    ),
    (
        "label.svg",
        "The printable label, about 40 x 25 mm",
        "image/svg+xml",
    ),
    ("label.png", "The printable label at 300 dpi", "image/png"),
    (
        "label.pdf",
        "The printable label as a one-page PDF",
        "application/pdf",
    ),
    (
        "labels.pdf",
        "An A4 sheet of labels with cut marks (?count=)",
        "application/pdf",
    ),
];

/// Routes under `/api/v1`.
pub fn routes(cfg: &mut web::ServiceConfig) {
    let kinds = [
        Kind::QrSvg,
        Kind::QrPng,
        Kind::LabelSvg,
        Kind::LabelPng,
        Kind::LabelPdf,
        Kind::Sheet,
    ];
    for ((file, _, _), kind) in DRAWINGS.into_iter().zip(kinds) {
        cfg.service(
            web::resource(format!("/certificates/{{id}}/{file}"))
                .app_data(web::Data::new(kind))
                .route(get_or_head().to(drawing))
                .default_service(allow("GET, HEAD")),
        );
    }
}

/// Which drawing a route makes.
#[derive(Debug, Clone, Copy)]
enum Kind {
    QrSvg,
    QrPng,
    LabelSvg,
    LabelPng,
    LabelPdf,
    Sheet,
}

/// `?link=short|gs1`, `?px=` (QR PNG) and `?count=` (sheet), read as text so that a bad value
/// is answered naming its parameter.
#[derive(Deserialize)]
struct DrawingQuery {
    link: Option<String>,
    px: Option<String>,
    count: Option<String>,
}

// Limitation: a revoked or expired certificate's label is still drawn (a drawing never changes);
// only the scan shows its status.
async fn drawing(
    state: web::Data<AppState>,
    kind: web::Data<Kind>,
    request: HttpRequest,
    path: web::Path<String>,
    query: web::Query<DrawingQuery>,
) -> Result<HttpResponse, ApiError> {
    let id = certificate_id(&path)?;
    let artifact = artifact_of(**kind, &query)?;
    let rendered = match state.labels.drawing(id, artifact) {
        Some(kept) => kept,
        None => draw(&state, id, artifact).await?,
    };

    let mut response = immutable_response(
        &request,
        artifact.content_type(),
        &rendered.etag,
        rendered.bytes.clone(),
    );
    if let Some(disposition) = download_name(id, artifact) {
        response
            .headers_mut()
            .insert(header::CONTENT_DISPOSITION, disposition);
    }
    Ok(response)
}

fn artifact_of(kind: Kind, query: &DrawingQuery) -> Result<Artifact, ApiError> {
    let link = link_of(query)?;
    Ok(match kind {
        Kind::QrSvg => Artifact::QrSvg(link),
        Kind::QrPng => Artifact::QrPng(link, module_px_of(query)?),
        Kind::LabelSvg => Artifact::LabelSvg(link),
        Kind::LabelPng => Artifact::LabelPng(link),
        Kind::LabelPdf => Artifact::LabelPdf(link),
        Kind::Sheet => Artifact::Sheet(link, count_of(query)?),
    })
}

fn link_of(query: &DrawingQuery) -> Result<Link, ApiError> {
    match query.link.as_deref() {
        None | Some("short") => Ok(Link::Short),
        Some("gs1") => Ok(Link::Gs1),
        Some(other) => Err(ApiError::BadRequest {
            field: "link".into(),
            detail: format!("link must be `short` or `gs1`, not `{other}`"),
        }),
    }
}

/// Pixels per module: the default, or `px` when it is a whole number within the bounds.
fn module_px_of(query: &DrawingQuery) -> Result<u32, ApiError> {
    let range = label::qr::MODULE_PX_RANGE;
    whole_number_in(query.px.as_deref(), DEFAULT_MODULE_PX, range, |text| {
        ApiError::BadRequest {
            field: "px".into(),
            detail: format!(
                "px (pixels per module) must be a whole number from {} to {}, not `{text}`",
                label::qr::MODULE_PX_RANGE.start(),
                label::qr::MODULE_PX_RANGE.end()
            ),
        }
    })
}

/// Labels on the sheet: one A4 sheet by default.
fn count_of(query: &DrawingQuery) -> Result<usize, ApiError> {
    let range = 1..=MAX_SHEET_LABELS;
    whole_number_in(query.count.as_deref(), LABELS_PER_SHEET, range, |text| {
        ApiError::BadRequest {
            field: "count".into(),
            detail: format!(
                "count (labels, {LABELS_PER_SHEET} to an A4 sheet) must be a whole number \
                 from 1 to {MAX_SHEET_LABELS}, not `{text}`"
            ),
        }
    })
}

fn whole_number_in<T: std::str::FromStr + PartialOrd>(
    text: Option<&str>,
    default: T,
    range: std::ops::RangeInclusive<T>,
    refusal: impl FnOnce(&str) -> ApiError,
) -> Result<T, ApiError> {
    let Some(text) = text else {
        return Ok(default);
    };
    text.parse::<T>()
        .ok()
        .filter(|value| range.contains(value))
        .ok_or_else(|| refusal(text))
}

/// Draws (and keeps) `artifact` for certificate `id`, off the async workers.
async fn draw(state: &AppState, id: Uuid, artifact: Artifact) -> Result<Arc<Rendered>, ApiError> {
    let stored = state
        .run(move |conn| workflow::find_certificate(conn, id))
        .await?;
    let labels = state.labels.clone();
    let base = state.base_url().to_owned();
    web::block(move || {
        let document = &stored.document;
        labels.drawing_or_draw(id, artifact, || {
            let link = artifact.link();
            let qr = labels.code_or_encode(id, link, || encode(&base, id, document, link))?;
            label::draw(artifact, &qr, &label_facts(document)).map_err(drawing_failed)
        })
    })
    .await
    .map_err(|e| ApiError::Internal(format!("blocking task failed: {e}")))?
}

/// The QR code of a certificate's short URL or, when asked, its GS1 Digital Link.
fn encode(base: &str, id: Uuid, document: &Value, link: Link) -> Result<QrCode, ApiError> {
    let code = CertificateCode::from_uuid(id);
    let payload = match link {
        Link::Short => label::qr_payload(base, code),
        Link::Gs1 => {
            let product = |field: &str| {
                document
                    .pointer(&format!("/credentialSubject/product/{field}"))
                    .and_then(Value::as_str)
            };
            label::digital_link(base, product("gtin"), product("lot"), code)
                .map_err(no_digital_link)?
        }
    };
    label::qr::encode(&payload).map_err(|e| drawing_failed(LabelError::from(e)))
}

fn no_digital_link(error: label::Gs1Error) -> ApiError {
    let message = format!("no GS1 Digital Link for this certificate: {error}");
    ApiError::Input(InputErrors {
        kind: InputErrorKind::Invalid,
        errors: vec![FieldError::new("link", ErrorCode::InvalidValue, message)],
    })
}

fn drawing_failed(error: LabelError) -> ApiError {
    match error {
        LabelError::NoCjkFont { .. } => ApiError::Unavailable(error.to_string()),
        other => ApiError::Internal(other.to_string()),
    }
}

/// What the label says, read from the signed certificate: the tier named in both languages and
/// the gross footprint per kilogram rounded for print only.
pub fn label_facts(document: &Value) -> LabelFacts {
    let text = |pointer: &str| -> String {
        document
            .pointer(pointer)
            .and_then(Value::as_str)
            .unwrap_or("–")
            .to_owned()
    };
    let tier = text("/credentialSubject/label/tier");
    let gross = text("/credentialSubject/footprint/gross_kg_co2e_per_kg");
    let footprint = gross.parse::<f64>().map_or(gross, |value| {
        footprint::format_significant(value, LABEL_FIGURES)
    });
    LabelFacts {
        tier_zh: tier_name(Lang::Zh, &tier).to_owned(),
        tier_en: tier_name(Lang::En, &tier).to_owned(),
        footprint: format!("{footprint} kg CO2e/kg"),
        product: text("/credentialSubject/product/name"),
        lot: document
            .pointer("/credentialSubject/product/lot")
            .and_then(Value::as_str)
            .map(str::to_owned),
        farm: text("/credentialSubject/farm/name"),
        village: text("/credentialSubject/farm/village"),
        valid_until: text("/validUntil").chars().take(10).collect(),
        issuer: text("/issuer/name"),
    }
}

/// `inline; filename="label-CODE.pdf"` for labels, so a saved file says what it is.
fn download_name(id: Uuid, artifact: Artifact) -> Option<HeaderValue> {
    let code = CertificateCode::from_uuid(id);
    let name = match artifact {
        Artifact::LabelSvg(_) => format!("label-{code}.svg"),
        Artifact::LabelPng(_) => format!("label-{code}.png"),
        Artifact::LabelPdf(_) => format!("label-{code}.pdf"),
        Artifact::Sheet(_, count) => format!("labels-{code}-{count}.pdf"),
        Artifact::QrSvg(_) | Artifact::QrPng(..) => return None,
    };
    HeaderValue::from_str(&format!("inline; filename=\"{name}\"")).ok()
}

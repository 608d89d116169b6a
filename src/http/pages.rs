//! Pages for people: the start page and the calculator form (no JavaScript needed).

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde_json::{Map, Number, Value};

use super::i18n::{Lang, crop_name, tier_name};
use super::problem::ApiError;
use super::{AppState, get_or_head};
use crate::footprint::{self, FieldError, FootprintReport};

/// The crops of the method, in the order the form lists them.
const CROPS: &[&str] = &[
    "chestnut",
    "apple",
    "honey",
    "tomato",
    "chinese_cabbage",
    "maize",
    "wheat",
    "rice",
];

/// Numeric fields the form offers, with their labels (zh, en).
const FORM_FIELDS: &[(&str, &str, &str)] = &[
    ("area_ha", "面积（公顷）", "Area (ha)"),
    ("hives", "蜂箱数（蜂蜜）", "Hives (honey only)"),
    ("yield_kg", "产量（千克）", "Yield (kg)"),
    ("urea_kg", "尿素（千克）", "Urea (kg of product)"),
    (
        "synthetic_n_other_kg",
        "其他化肥氮（千克氮）",
        "Other synthetic N (kg N)",
    ),
    ("p2o5_kg", "磷肥（千克 P2O5）", "Phosphate (kg P2O5)"),
    ("k2o_kg", "钾肥（千克 K2O）", "Potash (kg K2O)"),
    (
        "organic_n_kg",
        "有机肥氮（千克氮）",
        "Manure or compost N (kg N)",
    ),
    (
        "crop_residue_n_kg",
        "秸秆还田氮（千克氮）",
        "Crop residue N (kg N)",
    ),
    ("diesel_l", "柴油（升）", "Diesel (L)"),
    ("gasoline_l", "汽油（升）", "Gasoline (L)"),
    ("electricity_kwh", "电（千瓦时）", "Electricity (kWh)"),
    ("plastic_film_kg", "地膜（千克）", "Plastic mulch film (kg)"),
    (
        "compost_feedstock_on_farm_kg_dm",
        "农场堆肥原料（千克干物质）",
        "On-farm compost feedstock (kg DM)",
    ),
];

/// `/` and `/calculator`.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/").route(get_or_head().to(home)))
        .service(
            web::resource("/calculator")
                .route(get_or_head().to(calculator_form))
                .route(web::post().to(calculator_result)),
        );
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    lang: Lang,
    issuer: String,
}

async fn home(state: web::Data<AppState>, request: HttpRequest) -> Result<HttpResponse, ApiError> {
    let page = HomePage {
        lang: Lang::of_request(&request),
        issuer: state.issuing.issuer.name.clone(),
    };
    render(StatusCode::OK, &page)
}

/// One input of the calculator form.
struct FormField {
    name: &'static str,
    label: &'static str,
    value: String,
}

/// One line of the result table.
struct ResultLine {
    source: String,
    co2e_kg: String,
}

#[derive(Template)]
#[template(path = "calculator.html")]
struct CalculatorPage {
    lang: Lang,
    crops: Vec<(&'static str, String, bool)>,
    fields: Vec<FormField>,
    errors: Vec<FieldError>,
    result: Option<ResultSummary>,
}

struct ResultSummary {
    gross_per_kg: String,
    net_per_kg: String,
    gross_total: String,
    tier: &'static str,
    lines: Vec<ResultLine>,
}

async fn calculator_form(request: HttpRequest) -> Result<HttpResponse, ApiError> {
    let lang = Lang::of_request(&request);
    render(
        StatusCode::OK,
        &calculator_page(lang, &BTreeMap::new(), Vec::new(), None),
    )
}

async fn calculator_result(
    request: HttpRequest,
    form: web::Form<BTreeMap<String, String>>,
) -> Result<HttpResponse, ApiError> {
    let lang = Lang::of_request(&request);
    let form = form.into_inner();
    let outcome = request_from_form(&form)
        .and_then(|value| footprint::parse_request_value(&value, "").map_err(|e| e.errors));
    match outcome {
        Ok(parsed) => {
            let report = footprint::calculate(&parsed).report();
            render(
                StatusCode::OK,
                &calculator_page(lang, &form, Vec::new(), Some(&report)),
            )
        }
        Err(errors) => {
            let page = calculator_page(lang, &form, errors, None);
            render(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
    }
}

/// Turns the filled-in form fields into a methodology request; empty fields are left out.
fn request_from_form(form: &BTreeMap<String, String>) -> Result<Value, Vec<FieldError>> {
    let mut request = Map::new();
    let mut errors = Vec::new();
    if let Some(crop) = form.get("crop") {
        request.insert("crop".into(), Value::String(crop.clone()));
    }
    for (name, _, _) in FORM_FIELDS {
        let text = form.get(*name).map(|v| v.trim()).unwrap_or_default();
        if text.is_empty() {
            continue;
        }
        match text.parse::<f64>().ok().and_then(Number::from_f64) {
            Some(number) => {
                request.insert((*name).into(), Value::Number(number));
            }
            None => errors.push(FieldError {
                field: (*name).into(),
                code: footprint::ErrorCode::TypeError,
                message: format!("`{text}` is not a number"),
            }),
        }
    }
    if errors.is_empty() {
        Ok(Value::Object(request))
    } else {
        Err(errors)
    }
}

fn calculator_page(
    lang: Lang,
    form: &BTreeMap<String, String>,
    errors: Vec<FieldError>,
    report: Option<&FootprintReport>,
) -> CalculatorPage {
    let chosen = form.get("crop").map(String::as_str).unwrap_or("chestnut");
    CalculatorPage {
        lang,
        crops: CROPS
            .iter()
            .map(|crop| (*crop, crop_name(lang, crop), *crop == chosen))
            .collect(),
        fields: FORM_FIELDS
            .iter()
            .map(|(name, zh, en)| FormField {
                name,
                label: lang.pick(zh, en),
                value: form.get(*name).cloned().unwrap_or_default(),
            })
            .collect(),
        errors,
        result: report.map(|report| summary(lang, report)),
    }
}

fn summary(lang: Lang, report: &FootprintReport) -> ResultSummary {
    let figure = |value: f64| footprint::format_significant(value, 6);
    ResultSummary {
        gross_per_kg: figure(report.gross_kg_co2e_per_kg),
        net_per_kg: figure(report.net_kg_co2e_per_kg),
        gross_total: figure(report.gross_total_kg_co2e),
        tier: tier_name(lang, report.tier.id()),
        lines: report
            .by_source_co2e_kg
            .iter()
            .map(|(source, co2e)| ResultLine {
                source: source.id().to_owned(),
                co2e_kg: figure(*co2e),
            })
            .collect(),
    }
}

pub(super) fn render(status: StatusCode, page: &impl Template) -> Result<HttpResponse, ApiError> {
    let html = page
        .render()
        .map_err(|e| ApiError::Internal(format!("template: {e}")))?;
    Ok(HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(html))
}

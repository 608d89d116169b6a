//! Pages for people: the start page and the calculator form (no JavaScript needed).

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde_json::{Map, Number, Value};

use super::i18n::{
    Lang, crop_name, pre_season_name, source_name, tier_rule_sentence, water_regime_name,
    would_qualify_for,
};
use super::problem::ApiError;
use super::{AppState, allow, get_or_head};
use crate::footprint::{self, FieldError, FootprintResult, PreSeason, WaterRegime};

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

/// Numeric fields of the `rice` block (methodology section 2), named by their request path so
/// that the method's errors point at them.
const RICE_FIELDS: &[(&str, &str, &str)] = &[
    (
        "rice.cultivation_days",
        "生长天数（仅水稻）",
        "Days from transplanting or sowing to harvest (rice only)",
    ),
    (
        "rice.compost_t_dm_per_ha",
        "稻田施用堆肥（吨干物质/公顷，仅水稻）",
        "Compost on the paddy (t DM/ha, rice only)",
    ),
];

/// The choice fields of the `rice` block.
const WATER_REGIME_FIELD: &str = "rice.water_regime";
const PRE_SEASON_FIELD: &str = "rice.pre_season";

/// `/` and `/calculator`.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/")
            .route(get_or_head().to(home))
            .default_service(allow("GET, HEAD")),
    )
    .service(
        web::resource("/calculator")
            .route(get_or_head().to(calculator_form))
            .route(web::post().to(calculator_result))
            .default_service(allow("GET, HEAD, POST")),
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

/// One option of a choice list: wire id, name for people, whether it is chosen.
type Choice = (&'static str, &'static str, bool);

/// One line of the result table.
struct ResultLine {
    source: &'static str,
    co2e_kg: String,
}

/// One refused field, named as the form names it.
struct ShownError {
    field: String,
    message: String,
}

#[derive(Template)]
#[template(path = "calculator.html")]
struct CalculatorPage {
    lang: Lang,
    crops: Vec<(&'static str, String, bool)>,
    fields: Vec<FormField>,
    rice_fields: Vec<FormField>,
    water_regimes: Vec<Choice>,
    pre_seasons: Vec<Choice>,
    errors: Vec<ShownError>,
    result: Option<ResultSummary>,
}

/// The calculated result, shown neutrally: the calculator certifies nothing.
struct ResultSummary {
    gross_per_kg: String,
    net_per_kg: String,
    gross_total: String,
    qualifies_for: &'static str,
    rule: &'static str,
    crop: String,
    benchmark: String,
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
            let result = footprint::calculate(&parsed);
            render(
                StatusCode::OK,
                &calculator_page(lang, &form, Vec::new(), Some(&result)),
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
    let crop = form.get("crop").map(String::as_str);
    if let Some(crop) = crop {
        request.insert("crop".into(), Value::String(crop.to_owned()));
    }
    for (name, _, _) in FORM_FIELDS {
        if let Some(number) = number_field(form, name, &mut errors) {
            request.insert((*name).into(), number);
        }
    }

    // The choice lists always send a value, so only the crop or a typed rice number brings the
    // block in; the method then refuses it for any other crop, as it would over the API.
    let rice_typed = RICE_FIELDS
        .iter()
        .any(|(name, _, _)| form.get(*name).is_some_and(|v| !v.trim().is_empty()));
    if crop == Some("rice") || rice_typed {
        request.insert("rice".into(), Value::Object(rice_block(form, &mut errors)));
    }
    if errors.is_empty() {
        Ok(Value::Object(request))
    } else {
        Err(errors)
    }
}

/// The `rice` block from the form: the numbers typed in and both choices.
fn rice_block(form: &BTreeMap<String, String>, errors: &mut Vec<FieldError>) -> Map<String, Value> {
    let mut rice = Map::new();
    for (name, _, _) in RICE_FIELDS {
        if let Some(number) = number_field(form, name, errors) {
            rice.insert(request_key(name).into(), number);
        }
    }
    for name in [WATER_REGIME_FIELD, PRE_SEASON_FIELD] {
        if let Some(id) = form.get(name).filter(|id| !id.is_empty()) {
            rice.insert(request_key(name).into(), Value::String(id.clone()));
        }
    }
    rice
}

/// Reads one numeric field; `None` when it is blank or not a number (then an error is added).
fn number_field(
    form: &BTreeMap<String, String>,
    name: &str,
    errors: &mut Vec<FieldError>,
) -> Option<Value> {
    let text = form.get(name).map(|v| v.trim()).unwrap_or_default();
    if text.is_empty() {
        return None;
    }
    let number = text.parse::<f64>().ok().and_then(Number::from_f64);
    if number.is_none() {
        errors.push(FieldError {
            field: name.into(),
            code: footprint::ErrorCode::TypeError,
            message: format!("`{text}` is not a number"),
        });
    }
    number.map(Value::Number)
}

/// The key inside its block: `rice.cultivation_days` is `cultivation_days` of `rice`.
fn request_key(form_name: &str) -> &str {
    form_name.split_once('.').map_or(form_name, |(_, key)| key)
}

fn calculator_page(
    lang: Lang,
    form: &BTreeMap<String, String>,
    errors: Vec<FieldError>,
    result: Option<&FootprintResult>,
) -> CalculatorPage {
    let chosen = form.get("crop").map(String::as_str).unwrap_or("chestnut");
    let regime = form.get(WATER_REGIME_FIELD).map(String::as_str);
    let pre_season = form.get(PRE_SEASON_FIELD).map(String::as_str);
    CalculatorPage {
        lang,
        crops: CROPS
            .iter()
            .map(|crop| (*crop, crop_name(lang, crop), *crop == chosen))
            .collect(),
        fields: form_fields(lang, form, FORM_FIELDS),
        rice_fields: form_fields(lang, form, RICE_FIELDS),
        water_regimes: WaterRegime::ALL
            .iter()
            .map(|r| (r.id(), water_regime_name(lang, *r), Some(r.id()) == regime))
            .collect(),
        pre_seasons: PreSeason::ALL
            .iter()
            .map(|p| {
                (
                    p.id(),
                    pre_season_name(lang, *p),
                    Some(p.id()) == pre_season,
                )
            })
            .collect(),
        errors: errors
            .into_iter()
            .map(|error| shown_error(lang, error))
            .collect(),
        result: result.map(|result| summary(lang, result)),
    }
}

fn form_fields(
    lang: Lang,
    form: &BTreeMap<String, String>,
    fields: &[(&'static str, &'static str, &'static str)],
) -> Vec<FormField> {
    fields
        .iter()
        .map(|(name, zh, en)| FormField {
            name,
            label: lang.pick(zh, en),
            value: form.get(*name).cloned().unwrap_or_default(),
        })
        .collect()
}

/// Names a refused field by its form label where the form has one, else by its request path.
// Limitation: the message itself is the method's English text on both pages; the Chinese page
// says so above the list rather than translating every message of the validator.
fn shown_error(lang: Lang, error: FieldError) -> ShownError {
    let label = FORM_FIELDS
        .iter()
        .chain(RICE_FIELDS)
        .find(|(name, _, _)| *name == error.field)
        .map(|(_, zh, en)| lang.pick(zh, en).to_owned());
    ShownError {
        field: label.unwrap_or(error.field),
        message: error.message,
    }
}

fn summary(lang: Lang, result: &FootprintResult) -> ResultSummary {
    let report = result.report();
    let figure = |value: f64| footprint::format_significant(value, 6);
    ResultSummary {
        gross_per_kg: figure(report.gross_kg_co2e_per_kg),
        net_per_kg: figure(report.net_kg_co2e_per_kg),
        gross_total: figure(report.gross_total_kg_co2e),
        qualifies_for: would_qualify_for(lang, result.tier),
        rule: tier_rule_sentence(lang, result.tier_rule),
        crop: crop_name(lang, report.crop.id()),
        benchmark: figure(report.benchmark_kg_co2e_per_kg),
        lines: report
            .by_source_co2e_kg
            .iter()
            .map(|(source, co2e)| ResultLine {
                source: source_name(lang, *source),
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

//! The method, for programs (`GET /api/v1/methodology`) and for people (`GET /methodology`).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::i18n::{Lang, crop_name, tier_name};
use super::pages::render;
use super::problem::ApiError;
use super::{allow, get_or_head};
use crate::footprint::{self, FactorRow, FactorStatus, format_significant};

/// `/api/v1/methodology` (inside the API scope) is registered by [`api_routes`].
pub fn page_routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/methodology")
            .route(get_or_head().to(page))
            .default_service(allow("GET, HEAD")),
    );
}

/// Routes under `/api/v1`.
pub fn api_routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/methodology")
            .route(get_or_head().to(document))
            .default_service(allow("GET, HEAD")),
    );
}

/// The method as data: factors with value, unit, source and status, crops, tier rules, ids.
#[utoipa::path(get,
    operation_id = "methodology_document", path = "/api/v1/methodology", tag = "footprints",
    responses((status = 200, description = "The methodology document", body = Object)))]
async fn document() -> HttpResponse {
    HttpResponse::Ok().json(footprint::methodology())
}

/// One row of the factor table as shown.
struct FactorLine {
    id: String,
    value: String,
    unit: String,
    source: String,
    provisional: bool,
}

/// One row of the crop table as shown.
struct CropLine {
    name: String,
    benchmark: String,
    max_yield: String,
    source: String,
}

/// One tier as shown.
struct TierLine {
    name: &'static str,
    rule: &'static str,
}

#[derive(Template)]
#[template(path = "methodology.html")]
struct MethodologyPage {
    lang: Lang,
    method_id: &'static str,
    factor_set_id: &'static str,
    includes: &'static [&'static str],
    excludes: &'static [&'static str],
    tiers: Vec<TierLine>,
    crops: Vec<CropLine>,
    factors: Vec<FactorLine>,
}

async fn page(request: HttpRequest) -> Result<HttpResponse, ApiError> {
    let lang = Lang::of_request(&request);
    let method = footprint::methodology();
    let page = MethodologyPage {
        lang,
        method_id: method.method_id,
        factor_set_id: method.factor_set_id,
        includes: method.boundary.includes,
        excludes: method.boundary.excludes,
        tiers: method
            .tiers
            .iter()
            .map(|row| TierLine {
                name: tier_name(lang, row.tier.id()),
                rule: tier_rule(lang, row.tier.id(), row.rule),
            })
            .collect(),
        crops: method
            .crops
            .iter()
            .map(|row| CropLine {
                name: crop_name(lang, row.crop.id()),
                benchmark: format_significant(row.benchmark_kg_co2e_per_kg, 6),
                max_yield: format!(
                    "{} kg/{}",
                    format_significant(row.max_yield_kg, 6),
                    serde_json::to_value(row.max_yield_per)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_owned))
                        .unwrap_or_default()
                ),
                source: row.benchmark_source.clone(),
            })
            .collect(),
        factors: method.factors.iter().map(factor_line).collect(),
    };
    render(StatusCode::OK, &page)
}

fn factor_line(row: &FactorRow) -> FactorLine {
    FactorLine {
        id: row.id.clone(),
        value: format_significant(row.value, 6),
        unit: row.unit.clone(),
        source: row.source.clone(),
        provisional: row.status == FactorStatus::Provisional,
    }
}

/// Chinese wording of the tier rules; English comes from the engine itself.
fn tier_rule(lang: Lang, tier: &str, english: &'static str) -> &'static str {
    let chinese = match tier {
        "zero_carbon" => {
            "毛排放不超过该作物基准值，且经核证的农田土壤固碳使净排放小于或等于零；不使用碳抵消。"
        }
        "carbon_neutral_with_offsets" => {
            "毛排放不超过基准值，扣除固碳后的剩余排放由注销的碳信用抵消；此声明依赖碳抵消，欧盟自 2026 年 9 月 27 日起禁止以抵消为依据的中和声明。"
        }
        "low_carbon" => "毛排放不超过该作物基准值的 70%。",
        _ => "毛排放高于基准值的 70%，且未被固碳或碳信用抵至零；碳足迹仍可核证并展示。",
    };
    lang.pick(chinese, english)
}

//! The method itself as data: what `GET /api/v1/methodology` returns and what the explanation
//! page shows, read from the same embedded factor file the engine uses, so the published method
//! cannot drift from the computed one.

use serde::Serialize;
use serde_json::Value;

use super::ErrorCode;
use super::engine::TierRule;
use super::factors::{FACTOR_SET_ID, FactorSet, FactorStatus, METHOD_ID, YieldBasis, factor_set};
use super::ids::{CropId, GridFactorId, GwpSet, N2oEfMode, Source, Tier};
use super::report::{BOUNDARY_EXCLUDES, BOUNDARY_INCLUDES, DECLARED_UNIT};

/// One published factor with where it comes from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FactorRow {
    /// Dotted path in the factor file, e.g. `fuels.diesel.co2_kg_per_tj`.
    pub id: String,
    /// The figure as the source gives it.
    pub value: f64,
    /// What the figure measures.
    pub unit: String,
    /// The reference.
    pub source: String,
    /// Verified or provisional.
    pub status: FactorStatus,
}

/// One crop's benchmark and plausibility bound.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CropRow {
    /// Crop id.
    pub crop: CropId,
    /// Benchmark, kg CO2e per kg.
    pub benchmark_kg_co2e_per_kg: f64,
    /// Largest plausible yield, kg per `max_yield_per`.
    pub max_yield_kg: f64,
    /// `ha` or `hive`.
    pub max_yield_per: YieldBasis,
    /// Where the benchmark comes from.
    pub benchmark_source: String,
}

/// A tier with the rule that earns it, in the order tiers are tested.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TierRow {
    /// The tier.
    pub tier: Tier,
    /// The rule, in one sentence.
    pub rule: &'static str,
}

/// Everything a reader needs to recompute a result by hand.
#[derive(Debug, Clone, Serialize)]
pub struct Methodology {
    /// `cfp-farmgate-v1`.
    pub method_id: &'static str,
    /// `factors-2026.1`.
    pub factor_set_id: &'static str,
    /// The functional unit.
    pub declared_unit: &'static str,
    /// What is inside and outside the footprint.
    pub boundary: BoundaryLists,
    /// Standards the method follows.
    pub standards: &'static [&'static str],
    /// Accepted option values; the first of each is the default.
    pub options: OptionLists,
    /// The result's source keys.
    pub sources: Vec<&'static str>,
    /// Every factor, flat.
    pub factors: Vec<FactorRow>,
    /// Benchmarks and bounds.
    pub crops: Vec<CropRow>,
    /// Tiers in the order they are tested; tested on unrounded figures.
    pub tiers: Vec<TierRow>,
    /// Codes a rejected request can carry.
    pub error_codes: Vec<ErrorCode>,
    /// The factor file as embedded, for programs.
    pub factor_set: &'static FactorSet,
}

/// Inside and outside the boundary.
#[derive(Debug, Clone, Serialize)]
pub struct BoundaryLists {
    /// Inside.
    pub includes: &'static [&'static str],
    /// Outside.
    pub excludes: &'static [&'static str],
}

/// Accepted option values.
#[derive(Debug, Clone, Serialize)]
pub struct OptionLists {
    /// GWP100 sets.
    pub gwp: &'static [GwpSet],
    /// Soil N2O factor modes.
    pub n2o_ef_mode: &'static [N2oEfMode],
    /// Grid factors.
    pub grid_factor_id: &'static [GridFactorId],
}

const STANDARDS: &[&str] = &[
    "ISO 14067:2018 (China: GB/T 24067-2024) for quantification",
    "GHG Protocol Product Standard and PAS 2050 as cross-checks",
    "ISO 14068-1:2023 for neutrality claims",
];

/// The whole method.
pub fn methodology() -> Methodology {
    Methodology {
        method_id: METHOD_ID,
        factor_set_id: FACTOR_SET_ID,
        declared_unit: DECLARED_UNIT,
        boundary: BoundaryLists {
            includes: BOUNDARY_INCLUDES,
            excludes: BOUNDARY_EXCLUDES,
        },
        standards: STANDARDS,
        options: OptionLists {
            gwp: GwpSet::ALL,
            n2o_ef_mode: N2oEfMode::ALL,
            grid_factor_id: GridFactorId::ALL,
        },
        sources: Source::ALL.iter().map(|source| source.id()).collect(),
        factors: factor_rows(),
        crops: crop_rows(),
        tiers: tier_rows(),
        error_codes: ERROR_CODES.to_vec(),
        factor_set: factor_set(),
    }
}

const ERROR_CODES: &[ErrorCode] = &[
    ErrorCode::InvalidJsonOrNonFinite,
    ErrorCode::TypeError,
    ErrorCode::UnknownField,
    ErrorCode::MissingField,
    ErrorCode::UnknownCrop,
    ErrorCode::UnknownFactorId,
    ErrorCode::NegativeValue,
    ErrorCode::ZeroYield,
    ErrorCode::NonPositiveArea,
    ErrorCode::NonPositiveValue,
    ErrorCode::ImplausibleValue,
];

/// Every factor of the embedded set, flat, in file order.
pub fn factor_rows() -> Vec<FactorRow> {
    let tree = serde_json::to_value(factor_set()).unwrap_or(Value::Null);
    let mut rows = Vec::new();
    collect_factors(&tree, "", &mut rows);
    rows
}

fn collect_factors(node: &Value, path: &str, rows: &mut Vec<FactorRow>) {
    let Value::Object(fields) = node else { return };
    if let Some(row) = factor_row(path, node) {
        rows.push(row);
        return;
    }
    for (key, child) in fields {
        let child_path = if path.is_empty() {
            key.clone()
        } else {
            format!("{path}.{key}")
        };
        collect_factors(child, &child_path, rows);
    }
}

fn factor_row(path: &str, node: &Value) -> Option<FactorRow> {
    Some(FactorRow {
        id: path.to_owned(),
        value: node.get("value")?.as_f64()?,
        unit: node.get("unit")?.as_str()?.to_owned(),
        source: node.get("source")?.as_str()?.to_owned(),
        status: serde_json::from_value(node.get("status")?.clone()).ok()?,
    })
}

/// The crop table.
pub fn crop_rows() -> Vec<CropRow> {
    let crops = &factor_set().crops;
    CropId::ALL
        .iter()
        .map(|&crop| {
            let row = crops.get(crop);
            CropRow {
                crop,
                benchmark_kg_co2e_per_kg: row.benchmark_kg_co2e_per_kg,
                max_yield_kg: row.max_yield_kg,
                max_yield_per: row.max_yield_per,
                benchmark_source: row.benchmark_source.clone(),
            }
        })
        .collect()
}

/// The tiers with their rules, in test order.
pub fn tier_rows() -> Vec<TierRow> {
    vec![
        TierRow {
            tier: Tier::ZeroCarbon,
            rule: TierRule::RemovalsBringNetToZero.sentence(),
        },
        TierRow {
            tier: Tier::CarbonNeutralWithOffsets,
            rule: TierRule::CreditsCloseTheGap.sentence(),
        },
        TierRow {
            tier: Tier::LowCarbon,
            rule: TierRule::WithinLowCarbonShare.sentence(),
        },
        TierRow {
            tier: Tier::None,
            rule: TierRule::AboveLowCarbonShare.sentence(),
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_flat_factor_list_covers_every_factor_with_its_source() {
        let rows = factor_rows();
        assert!(rows.len() > 50, "only {} factors", rows.len());
        assert!(
            rows.iter()
                .all(|row| !row.source.trim().is_empty() && row.value.is_finite())
        );
        let diesel_co2 = rows
            .iter()
            .find(|row| row.id.starts_with("fuels.diesel") && row.value == 74_100.0);
        assert!(diesel_co2.is_some(), "diesel CO2 74 100 kg/TJ is listed");
        let provisional = rows
            .iter()
            .filter(|row| row.status == FactorStatus::Provisional)
            .count();
        assert_eq!(
            provisional, 7,
            "pesticides (3), film (1), transport (2 + diesel kWh factor)"
        );
    }

    #[test]
    fn the_method_lists_every_crop_tier_and_source() {
        let method = methodology();
        assert_eq!(method.crops.len(), CropId::ALL.len());
        assert_eq!(method.sources.len(), 16);
        assert_eq!(
            method.tiers.first().map(|row| row.tier),
            Some(Tier::ZeroCarbon)
        );
        let chestnut = method
            .crops
            .iter()
            .find(|row| row.crop == CropId::Chestnut)
            .expect("row");
        assert_eq!(chestnut.benchmark_kg_co2e_per_kg, 1.0);
    }
}

//! The footprint as shown to people and machines: the one place where figures are rounded.
//!
//! Every figure of a report has six significant figures, so that two honest implementations
//! print the same numbers (methodology preamble). The tier was decided before rounding and is
//! copied, never re-decided from rounded figures.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::engine::{FootprintResult, RemovalKind, RemovalLine, SourceEmission};
use super::factors::{FACTOR_SET_ID, METHOD_ID};
use super::ids::{CropId, GwpSet, Source, Tier};
use super::request::CalculationOptions;
use super::units::GasMasses;

/// Significant figures of every figure in a report.
const SIGNIFICANT_FIGURES: u32 = 6;

/// The functional unit of methodology section 1.
pub const DECLARED_UNIT: &str = "1 kg of marketable product at the farm gate";

/// What the footprint covers (methodology section 1).
pub const BOUNDARY_INCLUDES: &[&str] = &[
    "making fertilisers, pesticides and plastic film",
    "inbound transport of inputs",
    "field N2O, direct and indirect",
    "CO2 from urea and lime",
    "CH4 from flooded rice",
    "on-farm fuel and electricity",
    "on-farm composting of feedstock for this crop",
];

/// What the footprint leaves out, stated on every certificate (methodology section 1).
pub const BOUNDARY_EXCLUDES: &[&str] = &[
    "capital goods",
    "seeds and seedlings",
    "labour",
    "outbound transport",
    "packaging after the farm gate",
    "upstream water supply",
    "the crop's own biogenic CO2",
];

/// The public shape of a footprint: the calculator's response and a certificate's content.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FootprintReport {
    /// Method the figures follow.
    pub method_id: String,
    /// Factor set the figures use.
    pub factor_set_id: String,
    /// GWP100 set of every CO2e figure.
    pub gwp_set: GwpSet,
    /// All options, defaults included.
    pub options: CalculationOptions,
    /// The crop.
    pub crop: CropId,
    /// The functional unit.
    pub declared_unit: String,
    /// Marketable main product, kg.
    pub yield_kg: f64,
    /// All sources of the batch, before allocation.
    pub gross_total_kg_co2e: f64,
    /// Main product's share of the batch's sales value.
    pub allocation_factor: f64,
    /// Gross footprint per kg.
    pub gross_kg_co2e_per_kg: f64,
    /// Netted removals after the buffer, before allocation.
    pub eligible_removals_kg_co2e: f64,
    /// Netted removals, allocated, per kg.
    pub removals_kg_co2e_per_kg: f64,
    /// Gross less removals, per kg.
    pub net_kg_co2e_per_kg: f64,
    /// CO2e of each source with a non-zero figure, in the methodology's order.
    pub by_source_co2e_kg: BTreeMap<Source, f64>,
    /// Per-gas detail of each source with a non-zero figure.
    pub sources: Vec<SourceReport>,
    /// Per-gas totals, so the result can be re-expressed with another GWP set.
    pub by_gas: GasReport,
    /// Every removal claimed, netted or not.
    pub removals: Vec<RemovalReport>,
    /// Retired credits, kept apart from removals.
    pub offsets: OffsetsReport,
    /// The label tier.
    pub tier: Tier,
    /// The rule that decided it.
    pub tier_rule: String,
    /// The crop's benchmark.
    pub benchmark_kg_co2e_per_kg: f64,
    /// Provisional factors that entered a non-zero figure.
    pub provisional_factors: Vec<String>,
    /// What is inside and outside the footprint.
    pub boundary: Boundary,
}

/// One source's gases and CO2e.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceReport {
    /// Source key.
    pub source: Source,
    /// CO2, kg.
    pub co2_kg: f64,
    /// CH4, kg.
    pub ch4_kg: f64,
    /// N2O, kg.
    pub n2o_kg: f64,
    /// Cradle-to-gate CO2e known only as CO2e, kg.
    pub upstream_co2e_kg: f64,
    /// Total CO2e, kg.
    pub co2e_kg: f64,
}

/// Totals per gas over all sources.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GasReport {
    /// CO2, kg.
    pub co2_kg: f64,
    /// CH4, kg.
    pub ch4_kg: f64,
    /// N2O, kg.
    pub n2o_kg: f64,
    /// Cradle-to-gate CO2e, kg.
    pub upstream_co2e_kg: f64,
}

/// One removal line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RemovalReport {
    /// Which kind of removal.
    pub kind: RemovalKind,
    /// CO2 removed as claimed; negative for a soil carbon loss.
    pub kg_co2: f64,
    /// Whether any of it was netted.
    pub netted: bool,
    /// The part netted, after the buffer.
    pub netted_kg_co2: f64,
    /// Why it was or was not netted.
    pub reason: String,
}

/// Retired credits and whether the tier rests on them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OffsetsReport {
    /// Credits retired for this batch, kg CO2e.
    pub retired_credits_kg_co2e: f64,
    /// True when the tier is `carbon_neutral_with_offsets`.
    pub used: bool,
}

/// The system boundary in short phrases.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Boundary {
    /// Inside the footprint.
    pub includes: Vec<String>,
    /// Outside it.
    pub excludes: Vec<String>,
}

impl FootprintResult {
    /// The report of this result, every figure rounded to six significant figures.
    pub fn report(&self) -> FootprintReport {
        let shown: Vec<&SourceEmission> = self
            .sources
            .iter()
            .filter(|source| source.co2e.get() != 0.0)
            .collect();
        FootprintReport {
            method_id: METHOD_ID.to_owned(),
            factor_set_id: FACTOR_SET_ID.to_owned(),
            gwp_set: self.options.gwp,
            options: self.options,
            crop: self.crop,
            declared_unit: DECLARED_UNIT.to_owned(),
            yield_kg: round(self.yield_kg.get()),
            gross_total_kg_co2e: round(self.gross_total.get()),
            allocation_factor: round(self.allocation_factor),
            gross_kg_co2e_per_kg: round(self.gross_per_kg.get()),
            eligible_removals_kg_co2e: round(self.eligible_removals.get()),
            removals_kg_co2e_per_kg: round(self.removals_per_kg.get()),
            net_kg_co2e_per_kg: round(self.net_per_kg.get()),
            by_source_co2e_kg: shown
                .iter()
                .map(|s| (s.source, round(s.co2e.get())))
                .collect(),
            sources: shown.iter().map(|source| source_report(source)).collect(),
            by_gas: gas_report(&self.sources),
            removals: self.removals.iter().map(removal_report).collect(),
            offsets: OffsetsReport {
                retired_credits_kg_co2e: round(self.retired_credits.get()),
                used: self.offsets_used,
            },
            tier: self.tier,
            tier_rule: self.tier_rule.sentence().to_owned(),
            benchmark_kg_co2e_per_kg: round(self.benchmark.get()),
            provisional_factors: self.provisional_factors.clone(),
            boundary: boundary(),
        }
    }
}

fn source_report(source: &SourceEmission) -> SourceReport {
    SourceReport {
        source: source.source,
        co2_kg: round(source.gases.co2.get()),
        ch4_kg: round(source.gases.ch4.get()),
        n2o_kg: round(source.gases.n2o.get()),
        upstream_co2e_kg: round(source.upstream.get()),
        co2e_kg: round(source.co2e.get()),
    }
}

/// Sums unrounded masses first, so totals do not carry the rounding of their parts.
fn gas_report(sources: &[SourceEmission]) -> GasReport {
    let gases = sources
        .iter()
        .fold(GasMasses::default(), |total, source| total + source.gases);
    let upstream: f64 = sources.iter().map(|source| source.upstream.get()).sum();
    GasReport {
        co2_kg: round(gases.co2.get()),
        ch4_kg: round(gases.ch4.get()),
        n2o_kg: round(gases.n2o.get()),
        upstream_co2e_kg: round(upstream),
    }
}

fn removal_report(line: &RemovalLine) -> RemovalReport {
    RemovalReport {
        kind: line.kind,
        kg_co2: round(line.claimed.get()),
        netted: line.netted.get() > 0.0,
        netted_kg_co2: round(line.netted.get()),
        reason: line.reason.clone(),
    }
}

fn boundary() -> Boundary {
    let owned = |items: &[&str]| items.iter().map(|item| (*item).to_owned()).collect();
    Boundary {
        includes: owned(BOUNDARY_INCLUDES),
        excludes: owned(BOUNDARY_EXCLUDES),
    }
}

/// Rounds to the report's significant figures, as the nearest f64 to the decimal shown, so
/// that it prints short (0.403216, not 0.40321555...).
fn round(value: f64) -> f64 {
    format_significant(value, SIGNIFICANT_FIGURES)
        .parse()
        .unwrap_or(value)
}

/// `value` rounded to `digits` significant figures as a plain decimal: never an exponent, no
/// trailing zeros after the point, "0" for zero and never "-0". Non-finite values, which the
/// calculator never produces, print as Rust prints them.
pub fn format_significant(value: f64, digits: u32) -> String {
    if !value.is_finite() {
        return value.to_string();
    }
    let precision = digits.max(1) as usize - 1;
    let scientific = format!("{:.*e}", precision, value.abs());
    let Some((mantissa, exponent)) = scientific.split_once('e') else {
        return scientific;
    };
    let exponent: i64 = exponent.parse().unwrap_or(0);
    let significand: String = mantissa.chars().filter(char::is_ascii_digit).collect();

    if significand.bytes().all(|digit| digit == b'0') {
        return "0".to_owned();
    }
    let sign = if value < 0.0 { "-" } else { "" };
    format!("{sign}{}", place_decimal_point(&significand, exponent))
}

/// Writes `0.d1d2d3... x 10^(exponent + 1)` in positional notation.
fn place_decimal_point(significand: &str, exponent: i64) -> String {
    let integer_digits = exponent + 1;
    let (integer, fraction) = if integer_digits <= 0 {
        let leading_zeros = "0".repeat(integer_digits.unsigned_abs() as usize);
        ("0".to_owned(), format!("{leading_zeros}{significand}"))
    } else {
        let split = integer_digits as usize;
        let padded = format!("{significand:0<split$}");
        let (integer, fraction) = padded.split_at(split.min(padded.len()));
        (integer.to_owned(), fraction.to_owned())
    };

    let fraction = fraction.trim_end_matches('0');
    if fraction.is_empty() {
        integer
    } else {
        format!("{integer}.{fraction}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::footprint::{calculate, parse_request};

    const REF_01: &[u8] = br#"{"crop": "maize", "area_ha": 1.0, "yield_kg": 9000, "urea_kg": 350,
        "p2o5_kg": 90, "k2o_kg": 60, "crop_residue_n_kg": 60, "diesel_l": 80,
        "electricity_kwh": 600}"#;

    fn ref_01_report() -> FootprintReport {
        calculate(&parse_request(REF_01).expect("valid request")).report()
    }

    #[test]
    fn the_report_has_exactly_the_public_keys() {
        let json = serde_json::to_value(ref_01_report()).expect("serialise");
        let keys: Vec<&str> = json
            .as_object()
            .expect("object")
            .keys()
            .map(String::as_str)
            .collect();
        let mut expected = vec![
            "method_id",
            "factor_set_id",
            "gwp_set",
            "options",
            "crop",
            "declared_unit",
            "yield_kg",
            "gross_total_kg_co2e",
            "allocation_factor",
            "gross_kg_co2e_per_kg",
            "eligible_removals_kg_co2e",
            "removals_kg_co2e_per_kg",
            "net_kg_co2e_per_kg",
            "by_source_co2e_kg",
            "sources",
            "by_gas",
            "removals",
            "offsets",
            "tier",
            "tier_rule",
            "benchmark_kg_co2e_per_kg",
            "provisional_factors",
            "boundary",
        ];
        expected.sort_unstable();
        assert_eq!(keys, expected);
    }

    #[test]
    fn the_report_shows_rounded_figures_and_only_non_zero_sources() {
        let report = ref_01_report();
        assert_eq!(report.gross_kg_co2e_per_kg, 0.403216);
        assert_eq!(report.gross_total_kg_co2e, 3628.94);
        assert_eq!(report.by_source_co2e_kg.len(), 7);
        assert_eq!(report.sources.len(), 7);
        assert!(!report.by_source_co2e_kg.contains_key(&Source::Composting));
        assert_eq!(report.tier, Tier::LowCarbon);
        assert_eq!(report.declared_unit, DECLARED_UNIT);
    }

    #[test]
    fn the_report_keeps_the_methodology_order_of_sources_and_reads_back() {
        let report = ref_01_report();
        let text = serde_json::to_string(&report).expect("serialise");
        let direct = text.find("\"soil_n2o_direct\"").expect("direct");
        let fertiliser = text.find("\"fertiliser_manufacture\"").expect("fertiliser");
        assert!(direct < fertiliser);
        let back: FootprintReport = serde_json::from_str(&text).expect("deserialise");
        assert_eq!(back, report);
    }

    #[test]
    fn significant_figures_print_as_plain_decimals() {
        assert_eq!(format_significant(0.032316383, 6), "0.0323164");
        assert_eq!(format_significant(-0.001905823, 6), "-0.00190582");
        assert_eq!(format_significant(3628.9412, 6), "3628.94");
        assert_eq!(format_significant(0.40321555, 6), "0.403216");
        assert_eq!(format_significant(1.0, 6), "1");
        assert_eq!(format_significant(110.0000000001, 6), "110");
        assert_eq!(format_significant(1234567.0, 6), "1234570");
        assert_eq!(format_significant(1.5e20, 6), "150000000000000000000");
        assert_eq!(format_significant(2.5e-9, 3), "0.0000000025");
        assert_eq!(format_significant(0.9999996, 6), "1");
        assert_eq!(format_significant(999999.6, 6), "1000000");
    }

    #[test]
    fn zero_is_zero_without_a_sign() {
        assert_eq!(format_significant(0.0, 6), "0");
        assert_eq!(format_significant(-0.0, 6), "0");
        assert_eq!(round(-0.0).to_string(), "0");
    }

    #[test]
    fn a_tiny_negative_keeps_its_sign_and_digits() {
        assert_eq!(format_significant(-1.234567e-7, 6), "-0.000000123457");
    }

    #[test]
    fn zero_digits_is_read_as_one() {
        assert_eq!(format_significant(47.0, 0), "50");
    }

    #[test]
    fn non_finite_values_are_not_hidden() {
        assert_eq!(format_significant(f64::NAN, 6), "NaN");
        assert_eq!(format_significant(f64::NEG_INFINITY, 6), "-inf");
    }

    #[test]
    fn rounded_figures_print_short() {
        assert_eq!(round(0.40321555).to_string(), "0.403216");
        assert_eq!(
            serde_json::to_string(&round(3628.9412)).expect("json"),
            "3628.94"
        );
    }
}

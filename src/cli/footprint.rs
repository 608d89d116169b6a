//! `zerolabel footprint`: the calculator without a server.

use std::fs;
use std::io::Read;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;

use crate::footprint::{self, FootprintReport, RemovalKind, format_significant};

/// The file name that stands for standard input.
const STDIN_NAME: &str = "-";

/// Prints the result of a request file (or standard input for `-`) as JSON or a table; exit 1
/// if the request is refused.
pub fn print_footprint(file: &Path, table: bool) -> anyhow::Result<ExitCode> {
    let body = read_request(file)?;
    match footprint::parse_request(&body) {
        Ok(request) => {
            let report = footprint::calculate(&request).report();
            if table {
                print!("{}", footprint_table(&report));
            } else {
                println!("{}", serde_json::to_string_pretty(&report)?);
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(errors) => {
            for error in &errors.errors {
                eprintln!(
                    "{}: {} ({})",
                    error.field,
                    error.message,
                    serde_json::to_string(&error.code)?
                );
            }
            Ok(ExitCode::from(1))
        }
    }
}

fn read_request(file: &Path) -> anyhow::Result<Vec<u8>> {
    if file.as_os_str() == STDIN_NAME {
        let mut body = Vec::new();
        std::io::stdin()
            .read_to_end(&mut body)
            .context("cannot read the request from standard input")?;
        return Ok(body);
    }
    fs::read(file).with_context(|| format!("cannot read {}", file.display()))
}

/// The report as a plain-text table: sources by gas, every removal and offset claimed with
/// whether it was netted and why, then the totals and the tier.
pub fn footprint_table(report: &FootprintReport) -> String {
    let mut out = format!(
        "{} ({}), {} GWP, crop {}\n\n",
        report.method_id, report.factor_set_id, report.gwp_set, report.crop,
    );
    out += &sources_table(report);
    out += "\n";
    out += &removals_table(report);
    out += "\n";
    out += &totals_table(report);
    out
}

fn figure(value: f64) -> String {
    format_significant(value, 6)
}

fn sources_table(report: &FootprintReport) -> String {
    let mut out = format!(
        "{:<34} {:>12} {:>12} {:>12} {:>14} {:>12}\n",
        "source", "CO2 kg", "CH4 kg", "N2O kg", "upstream kg", "CO2e kg"
    );
    for line in &report.sources {
        out += &format!(
            "{:<34} {:>12} {:>12} {:>12} {:>14} {:>12}\n",
            line.source.id(),
            figure(line.co2_kg),
            figure(line.ch4_kg),
            figure(line.n2o_kg),
            figure(line.upstream_co2e_kg),
            figure(line.co2e_kg)
        );
    }
    out
}

/// One line per removal claimed and one for retired credits (methodology section 5): the
/// figure, the part netted, and below it whether it was netted and why.
fn removals_table(report: &FootprintReport) -> String {
    let credits = report.offsets.retired_credits_kg_co2e;
    if report.removals.is_empty() && credits == 0.0 {
        return format!("{:<34} none claimed\n", "removals and offsets");
    }

    let mut out = format!(
        "{:<34} {:>12} {:>12}\n",
        "removals and offsets", "claimed kg", "netted kg"
    );
    for removal in &report.removals {
        let verdict = if removal.netted {
            "netted"
        } else {
            "not netted"
        };
        out += &format!(
            "{:<34} {:>12} {:>12}\n    {verdict}: {}\n",
            removal_id(removal.kind),
            figure(removal.kg_co2),
            figure(removal.netted_kg_co2),
            removal.reason
        );
    }
    if credits != 0.0 {
        out += &format!(
            "{:<34} {:>12} {:>12}\n    not netted: {}\n",
            "retired_credits",
            figure(credits),
            "0",
            credits_reason(report.offsets.used)
        );
    }
    out
}

/// The wire id of a removal kind, as in the JSON report.
fn removal_id(kind: RemovalKind) -> &'static str {
    match kind {
        RemovalKind::SocMeasured => "soc_measured",
        RemovalKind::OrchardBiomassGrowth => "orchard_biomass_growth",
        RemovalKind::TreePlantingOutsideBoundary => "tree_planting_outside_boundary",
    }
}

fn credits_reason(used_by_tier: bool) -> &'static str {
    if used_by_tier {
        "Retired carbon credits are offsets, reported apart from removals and never part of net; \
         the tier rests on them, so the claim says it uses offsets."
    } else {
        "Retired carbon credits are offsets, reported apart from removals and never part of net; \
         the tier does not rest on them."
    }
}

fn totals_table(report: &FootprintReport) -> String {
    let rows = [
        ("gross total, kg CO2e", figure(report.gross_total_kg_co2e)),
        ("allocation factor", figure(report.allocation_factor)),
        (
            "gross per kg, kg CO2e/kg",
            figure(report.gross_kg_co2e_per_kg),
        ),
        (
            "netted removals, kg CO2e",
            figure(report.eligible_removals_kg_co2e),
        ),
        (
            "netted removals per kg, kg CO2e/kg",
            figure(report.removals_kg_co2e_per_kg),
        ),
        ("net per kg, kg CO2e/kg", figure(report.net_kg_co2e_per_kg)),
        (
            "benchmark, kg CO2e/kg",
            figure(report.benchmark_kg_co2e_per_kg),
        ),
        ("tier", report.tier.id().to_owned()),
        ("rule", report.tier_rule.clone()),
    ];
    let mut out = String::new();
    for (name, value) in rows {
        out += &format!("{name:<34} {value}\n");
    }
    if !report.provisional_factors.is_empty() {
        out += &format!(
            "{:<34} {}\n",
            "provisional factors",
            report.provisional_factors.join(", ")
        );
    }
    out
}

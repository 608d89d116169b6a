//! `zerolabel footprint`: the calculator without a server.

use std::fs;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;

use crate::footprint::{self, FootprintReport, format_significant};

/// Prints the result of a request file as JSON or a table; exit 1 if the request is refused.
pub fn print_footprint(file: &Path, table: bool) -> anyhow::Result<ExitCode> {
    let body = fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
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

/// The report as a plain-text table: sources by gas, then the totals and the tier.
pub fn footprint_table(report: &FootprintReport) -> String {
    let figure = |value: f64| format_significant(value, 6);
    let mut out = format!(
        "{} ({}), {} GWP, crop {}\n\n{:<34} {:>12} {:>12} {:>12} {:>14} {:>12}\n",
        report.method_id,
        report.factor_set_id,
        report.gwp_set,
        report.crop,
        "source",
        "CO2 kg",
        "CH4 kg",
        "N2O kg",
        "upstream kg",
        "CO2e kg"
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
    let rows = [
        ("gross total, kg CO2e", figure(report.gross_total_kg_co2e)),
        ("allocation factor", figure(report.allocation_factor)),
        (
            "gross per kg, kg CO2e/kg",
            figure(report.gross_kg_co2e_per_kg),
        ),
        (
            "removals per kg, kg CO2e/kg",
            figure(report.removals_kg_co2e_per_kg),
        ),
        ("net per kg, kg CO2e/kg", figure(report.net_kg_co2e_per_kg)),
        (
            "benchmark, kg CO2e/kg",
            figure(report.benchmark_kg_co2e_per_kg),
        ),
        ("tier", report.tier.id().to_owned()),
    ];
    out += "\n";
    for (name, value) in rows {
        out += &format!("{name:<34} {value}\n");
    }
    out += &format!("{:<34} {}\n", "rule", report.tier_rule);
    if !report.provisional_factors.is_empty() {
        out += &format!(
            "{:<34} {}\n",
            "provisional factors",
            report.provisional_factors.join(", ")
        );
    }
    out
}

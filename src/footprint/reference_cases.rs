//! The shared reference cases (`shared/cases/footprint`), read at test time so that new cases
//! are picked up without a code change.

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::{InputErrorKind, calculate, parse_request};

const CASES_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/cases/footprint");

/// The shared cases name two sources differently from the methodology; the methodology's keys
/// are the contract (section 3), so the case's names are mapped onto them here.
fn methodology_key(case_key: &str) -> &str {
    match case_key {
        "plastic_film_manufacture" => "plastic_film",
        "on_farm_composting" => "composting",
        other => other,
    }
}

fn cases(prefix: &str) -> Vec<(String, Value)> {
    let mut paths: Vec<PathBuf> = fs::read_dir(Path::new(CASES_DIR))
        .expect("the shared cases folder must exist beside the crate")
        .map(|entry| entry.expect("readable folder entry").path())
        .filter(|path| {
            let name = path
                .file_name()
                .and_then(|name| name.to_str())
                .unwrap_or_default();
            name.starts_with(prefix) && name.ends_with(".json")
        })
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let text = fs::read_to_string(&path).expect("readable case");
            let case: Value = serde_json::from_str(&text).expect("case is JSON");
            (path.display().to_string(), case)
        })
        .collect()
}

fn number(value: &Value, what: &str) -> f64 {
    value
        .as_f64()
        .unwrap_or_else(|| panic!("{what} must be a number"))
}

fn assert_close(case: &str, what: &str, actual: f64, expected: f64, tolerance: &Value) {
    let relative = number(&tolerance["relative"], "tolerance.relative");
    let absolute = number(&tolerance["absolute"], "tolerance.absolute");
    let difference = (actual - expected).abs();
    let within = difference <= absolute || difference <= relative * expected.abs();
    assert!(within, "{case}: {what} is {actual}, expected {expected}");
}

#[test]
fn every_reference_case_gives_its_expected_figures() {
    let all = cases("REF-");
    assert!(!all.is_empty(), "no REF-* case found in {CASES_DIR}");
    for (name, case) in all {
        let body = serde_json::to_vec(&case["request"]).expect("request serialises");
        let request = parse_request(&body).unwrap_or_else(|e| panic!("{name}: refused: {e:?}"));
        let result = calculate(&request);
        check_expected(&name, &result, &case["expected"], &case["tolerance"]);
    }
}

fn check_expected(name: &str, result: &super::FootprintResult, expected: &Value, tol: &Value) {
    let figures = [
        ("gross_total_kg_co2e", result.gross_total.get()),
        ("allocation_factor", result.allocation_factor),
        ("gross_kg_co2e_per_kg", result.gross_per_kg.get()),
        ("net_kg_co2e_per_kg", result.net_per_kg.get()),
    ];
    for (key, actual) in figures {
        assert_close(name, key, actual, number(&expected[key], key), tol);
    }

    let by_source = expected["by_source_co2e_kg"]
        .as_object()
        .expect("by_source object");
    for (case_key, figure) in by_source {
        let key = methodology_key(case_key);
        let source = result
            .sources
            .iter()
            .find(|source| source.source.id() == key)
            .unwrap_or_else(|| panic!("{name}: no source {key}"));
        assert_close(name, key, source.co2e.get(), number(figure, key), tol);
    }
    assert_eq!(
        result.tier.id(),
        expected["tier"].as_str().expect("tier"),
        "{name}: tier"
    );
}

#[test]
fn every_bad_case_is_refused_with_its_status_code_and_field() {
    let all = cases("BAD-");
    assert!(!all.is_empty(), "no BAD-* case found in {CASES_DIR}");
    for (name, case) in all {
        let body = match case["raw_body"].as_str() {
            Some(raw) => raw.as_bytes().to_vec(),
            None => serde_json::to_vec(&case["request"]).expect("request serialises"),
        };
        let refused = parse_request(&body).expect_err(&format!("{name}: should be refused"));
        let status = match refused.kind {
            InputErrorKind::Malformed => 400,
            InputErrorKind::Invalid => 422,
        };
        let expected = &case["expected"];
        assert_eq!(Some(status), expected["status"].as_u64(), "{name}: status");

        let code = serde_json::to_value(refused.errors[0].code).expect("code serialises");
        let found = refused.errors.iter().any(|error| {
            serde_json::to_value(error.code).ok() == Some(expected["code"].clone())
                && error.field == expected["field"].as_str().unwrap_or_default()
        });
        assert!(
            found,
            "{name}: expected {expected}, got {:?} (first {code})",
            refused.errors
        );
    }
}

//! Every shared reference case through the HTTP calculator (../shared/cases/footprint).

use std::fs;

use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{assert_problem, shared_dir, spawn_app};

/// REF-02 names two sources differently from methodology.md section 3, whose keys are the
/// contract; the case's names are mapped to the contract's here.
fn contract_source_key(case_key: &str) -> &str {
    match case_key {
        "plastic_film_manufacture" => "plastic_film",
        "on_farm_composting" => "composting",
        other => other,
    }
}

fn cases() -> Vec<Value> {
    let folder = shared_dir().join("cases/footprint");
    let mut files: Vec<_> = fs::read_dir(&folder)
        .unwrap_or_else(|e| panic!("{}: {e}", folder.display()))
        .map(|entry| entry.expect("entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    files.sort();
    files
        .iter()
        .map(|path| serde_json::from_str(&fs::read_to_string(path).expect("read")).expect("json"))
        .collect()
}

fn close_enough(actual: f64, expected: f64, tolerance: &Value) -> bool {
    let relative = tolerance["relative"].as_f64().unwrap_or(0.0);
    let absolute = tolerance["absolute"].as_f64().unwrap_or(0.0);
    let difference = (actual - expected).abs();
    difference <= absolute || difference <= relative * expected.abs()
}

fn assert_figure(case: &str, name: &str, actual: &Value, expected: &Value, tolerance: &Value) {
    let actual = actual
        .as_f64()
        .unwrap_or_else(|| panic!("{case}: {name} missing: {actual}"));
    let expected = expected.as_f64().expect("expected number");
    assert!(
        close_enough(actual, expected, tolerance),
        "{case}: {name} is {actual}, expected {expected}"
    );
}

#[tokio::test]
async fn every_reference_case_computes_within_its_tolerance() {
    let app = spawn_app().await;
    let reference_cases: Vec<Value> = cases()
        .into_iter()
        .filter(|c| c.get("request").is_some() && c["expected"].get("tier").is_some())
        .collect();
    assert!(
        reference_cases.len() >= 5,
        "the shared REF cases are present"
    );

    for case in reference_cases {
        let name = case["id"].as_str().expect("id");
        let response = app.calculate(&case["request"]).await;
        assert_eq!(response.status(), StatusCode::OK, "{name}");
        let result: Value = response.json().await.expect("json");
        let (expected, tolerance) = (&case["expected"], &case["tolerance"]);

        for figure in [
            "gross_total_kg_co2e",
            "allocation_factor",
            "gross_kg_co2e_per_kg",
            "net_kg_co2e_per_kg",
        ] {
            assert_figure(name, figure, &result[figure], &expected[figure], tolerance);
        }
        let by_source = expected["by_source_co2e_kg"]
            .as_object()
            .expect("by source");
        for (source, value) in by_source {
            let key = contract_source_key(source);
            assert_figure(
                name,
                key,
                &result["by_source_co2e_kg"][key],
                value,
                tolerance,
            );
        }
        assert_eq!(result["tier"], expected["tier"], "{name}");
    }
}

#[tokio::test]
async fn every_bad_case_gets_its_status_code_and_field() {
    let app = spawn_app().await;
    let bad_cases: Vec<Value> = cases()
        .into_iter()
        .filter(|c| c["expected"].get("code").is_some())
        .collect();
    assert!(bad_cases.len() >= 7, "the shared BAD cases are present");

    for case in bad_cases {
        let name = case["id"].as_str().expect("id");
        let response = match case["raw_body"].as_str() {
            Some(raw) => {
                app.post_raw("/api/v1/footprints/calculate", raw, "application/json")
                    .await
            }
            None => app.calculate(&case["request"]).await,
        };
        let status =
            StatusCode::from_u16(case["expected"]["status"].as_u64().expect("status") as u16)
                .expect("status");
        let problem = assert_problem(response, status).await;
        let errors = problem["errors"]
            .as_array()
            .unwrap_or_else(|| panic!("{name}: no errors"));
        let expected_pair = (&case["expected"]["code"], &case["expected"]["field"]);
        assert!(
            errors
                .iter()
                .any(|e| (&e["code"], &e["field"]) == expected_pair),
            "{name}: {errors:?}"
        );
    }
}

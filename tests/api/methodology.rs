//! The method made visible: the JSON document, the page for people, and the offline calculator.

use std::process::Command;

use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{chestnut_application, shared_dir, spawn_app};

#[tokio::test]
async fn the_methodology_document_lists_factors_with_sources_crops_and_tiers() {
    let app = spawn_app().await;
    let response = app.get("/api/v1/methodology", None).await;
    assert_eq!(response.status(), StatusCode::OK);
    let method: Value = response.json().await.expect("json");

    assert_eq!(method["method_id"], "cfp-farmgate-v1");
    assert_eq!(method["factor_set_id"], "factors-2026.1");
    let factors = method["factors"].as_array().expect("factors");
    assert!(
        factors
            .iter()
            .all(|f| f["source"].as_str().is_some_and(|s| !s.is_empty()))
    );
    let grid = factors
        .iter()
        .find(|f| f["id"] == "grid_electricity.cn_north_2022")
        .expect("grid");
    assert_eq!(grid["value"], 0.6776);
    assert!(factors.iter().any(|f| f["status"] == "provisional"));
    let crops = method["crops"].as_array().expect("crops");
    assert_eq!(crops.len(), 8);
    assert_eq!(method["tiers"][0]["tier"], "zero_carbon");
    assert_eq!(method["options"]["gwp"][0], "AR6");
}

#[tokio::test]
async fn the_method_page_explains_in_both_languages_and_the_buyer_page_links_to_it() {
    let app = spawn_app().await;
    for (lang, phrase) in [
        ("zh", "碳足迹是怎样算出来的"),
        ("en", "How the footprint is calculated"),
    ] {
        let page = app
            .get(&format!("/methodology?lang={lang}"), None)
            .await
            .text()
            .await
            .expect("html");
        assert!(page.contains(phrase), "{lang}");
        assert!(page.contains("grid_electricity.cn_north_2022") && page.contains("0.6776"));
    }

    let (farmer, auditor) = app.farmer_and_auditor();
    let approved = app.issue(&farmer, &auditor).await;
    let url = approved["certificate"]["verify_url"].as_str().expect("url");
    let buyer_page = app
        .client
        .get(url)
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html");
    assert!(buyer_page.contains("/methodology"));
}

#[tokio::test]
async fn the_offline_calculator_prints_the_same_result_as_the_api() {
    let app = spawn_app().await;
    let (farmer, _) = app.farmer_and_auditor();
    let request = chestnut_application(&farmer)["activity"].clone();
    let from_api: Value = app.calculate(&request).await.json().await.expect("json");

    let folder = tempfile::tempdir().expect("temp");
    let file = folder.path().join("batch.json");
    std::fs::write(&file, request.to_string()).expect("write");
    let json_output = zerolabel()
        .arg("footprint")
        .arg(&file)
        .output()
        .expect("runs");
    assert!(json_output.status.success());
    let from_cli: Value = serde_json::from_slice(&json_output.stdout).expect("json");
    assert_eq!(from_cli, from_api);

    let table = zerolabel()
        .arg("footprint")
        .arg("--table")
        .arg(&file)
        .output()
        .expect("runs");
    let table = String::from_utf8(table.stdout).expect("utf-8");
    let tier = from_api["tier"].as_str().expect("tier");
    assert!(
        table.contains("gross per kg") && table.contains(tier),
        "{table}"
    );
}

#[test]
fn the_offline_calculator_refuses_a_bad_request_with_its_field_and_code() {
    let bad_case = shared_dir().join("cases/footprint/BAD-03.json");
    let case: Value =
        serde_json::from_str(&std::fs::read_to_string(bad_case).expect("case")).expect("json");
    let folder = tempfile::tempdir().expect("temp");
    let file = folder.path().join("bad.json");
    std::fs::write(&file, case["request"].to_string()).expect("write");

    let output = zerolabel()
        .arg("footprint")
        .arg(&file)
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("crop") && stderr.contains("unknown_crop"),
        "{stderr}"
    );
}

fn zerolabel() -> Command {
    Command::new(env!("CARGO_BIN_EXE_zerolabel"))
}

//! The benchmark harness's helpers: seeding real certificates through the workflow, the raw
//! crypto rates, and the bench-only plaintext route (present only with the `bench` feature).

use reqwest::StatusCode;
use serde_json::Value;
use zerolabel::benchmark::measure_crypto_rates;

use crate::helpers::spawn_app;

#[tokio::test]
async fn seeded_certificates_verify_as_valid_and_each_has_its_own_log_leaf() {
    let app = spawn_app().await;

    let mut reported = Vec::new();
    let seeded = app.seed(5, 2, |done| reported.push(done));

    assert_eq!(reported, vec![2, 4, 5]);
    assert_eq!(seeded.codes.len(), 5);
    for code in &seeded.codes {
        let url = format!("{}/v/{code}", app.address);
        let response = app.get_json_url(&url).await;
        assert_eq!(response.status(), StatusCode::OK, "GET /v/{code}");
        let body: Value = response.json().await.expect("json");
        assert_eq!(body["status"], "valid", "{code}: {body}");
    }
    let entries: Value = app
        .get("/log/entries?start=0&limit=100", None)
        .await
        .json()
        .await
        .expect("json");
    let issuances = entries["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .filter(|entry| entry["kind"] == "issuance")
        .count();
    assert_eq!(issuances, 5);
}

#[tokio::test]
async fn seeding_returns_tokens_that_sign_in_as_the_farmer_of_the_seeded_farm() {
    let app = spawn_app().await;

    let seeded = app.seed(1, 1, |_| {});

    let farms: Value = app
        .get("/api/v1/farms", Some(&seeded.farmer_token))
        .await
        .json()
        .await
        .expect("json");
    let ids: Vec<&str> = farms["farms"]
        .as_array()
        .expect("a list of farms")
        .iter()
        .filter_map(|farm| farm["id"].as_str())
        .collect();
    assert_eq!(ids, vec![seeded.farm_id.as_str()]);
    let applications = app
        .get("/api/v1/applications", Some(&seeded.auditor_token))
        .await;
    assert_eq!(applications.status(), StatusCode::OK);
}

#[test]
fn raw_crypto_rates_are_positive_finite_counts() {
    let rates = measure_crypto_rates(std::time::Duration::from_millis(20)).expect("rates");

    assert!(rates.sign_per_second.is_finite() && rates.sign_per_second > 0.0);
    assert!(rates.verify_strict_per_second.is_finite() && rates.verify_strict_per_second > 0.0);
}

#[cfg(feature = "bench")]
#[tokio::test]
async fn the_bench_build_answers_plaintext_for_the_ceiling_measurement() {
    let app = spawn_app().await;

    let response = app.get("/bench/plaintext", None).await;

    assert_eq!(response.status(), StatusCode::OK);
    let body = response.text().await.expect("body");
    assert_eq!(body, zerolabel::http::bench::PLAINTEXT_BODY);
}

#[cfg(not(feature = "bench"))]
#[tokio::test]
async fn a_build_without_the_bench_feature_has_no_plaintext_route() {
    let app = spawn_app().await;

    let response = app.get("/bench/plaintext", None).await;

    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

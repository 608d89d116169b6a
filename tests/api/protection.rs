//! Protection of the public service: per-address rate limits on the calculator and on
//! verification (429 with Retry-After, each limit on its own, 0 switching it off), and security
//! headers on pages.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{TestApp, assert_problem, spawn_app, spawn_app_with};

fn small_request() -> serde_json::Value {
    json!({"crop": "chestnut", "area_ha": 1, "yield_kg": 1000})
}

async fn verify_page(app: &TestApp) -> reqwest::Response {
    app.get_json_url(&format!("{}/v/{}", app.address, "0".repeat(26)))
        .await
}

#[tokio::test]
async fn a_caller_over_the_calculator_limit_gets_429_with_retry_after_and_verification_is_apart() {
    let app = spawn_app_with(|settings| {
        settings.rate_limit_calculator = 3;
        settings.rate_limit_verification = 5;
    })
    .await;

    for _ in 0..3 {
        assert_eq!(
            app.calculate(&small_request()).await.status(),
            StatusCode::OK
        );
    }
    let refused = app.calculate(&small_request()).await;
    let retry_after: u64 = refused.headers()["retry-after"]
        .to_str()
        .expect("ascii")
        .parse()
        .expect("whole seconds");
    assert!((1..=60).contains(&retry_after), "{retry_after}");
    assert_problem(refused, StatusCode::TOO_MANY_REQUESTS).await;

    for _ in 0..5 {
        assert_eq!(verify_page(&app).await.status(), StatusCode::NOT_FOUND);
    }
    assert_problem(verify_page(&app).await, StatusCode::TOO_MANY_REQUESTS).await;
    assert_eq!(app.get("/healthz", None).await.status(), StatusCode::OK);
    let methodology = app.get("/api/v1/methodology", None).await;
    assert_eq!(methodology.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_limit_of_zero_switches_limiting_off() {
    let app = spawn_app().await;
    for _ in 0..100 {
        assert_eq!(
            app.calculate(&small_request()).await.status(),
            StatusCode::OK
        );
    }
}

#[tokio::test]
async fn pages_carry_a_content_security_policy_and_no_sniffing_framing_or_referrer() {
    let app = spawn_app().await;
    for path in ["/", "/calculator", "/methodology", "/api/v1/methodology"] {
        let response = app.get(path, None).await;
        let headers = response.headers();
        let csp = headers["content-security-policy"].to_str().expect("ascii");
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert!(csp.contains("default-src 'none'"), "{path}: {csp}");
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(headers["referrer-policy"], "no-referrer", "{path}");
        assert_eq!(headers["x-frame-options"], "DENY", "{path}");
    }
}

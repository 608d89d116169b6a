//! The OpenAPI document: OpenAPI 3.1, every endpoint of the HTTP surface with its error
//! answers, and a browsable UI that needs no network.

use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::spawn_app;

/// Every endpoint the README's HTTP table lists that answers data (the HTML pages aside).
const ENDPOINTS: &[(&str, &str)] = &[
    ("post", "/api/v1/footprints/calculate"),
    ("get", "/api/v1/methodology"),
    ("get", "/api/v1/farms"),
    ("post", "/api/v1/applications"),
    ("get", "/api/v1/applications"),
    ("get", "/api/v1/applications/{id}"),
    ("post", "/api/v1/applications/{id}/submit"),
    ("post", "/api/v1/applications/{id}/approve"),
    ("post", "/api/v1/applications/{id}/reject"),
    ("get", "/api/v1/certificates/{id}"),
    ("get", "/api/v1/certificates/{id}/qr.svg"),
    ("get", "/api/v1/certificates/{id}/qr.png"),
    ("post", "/api/v1/certificates/{id}/revoke"),
    ("post", "/api/v1/verify"),
    ("get", "/v/{code}"),
    ("get", "/.well-known/did.json"),
    ("get", "/status/{list}"),
    ("get", "/log/checkpoint"),
    ("get", "/log/proof/inclusion"),
    ("get", "/log/proof/consistency"),
    ("get", "/log/entries"),
    ("get", "/healthz"),
    ("get", "/readyz"),
    ("get", "/metrics"),
];

async fn document() -> Value {
    let app = spawn_app().await;
    let response = app.get("/api/v1/openapi.json", None).await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.expect("JSON")
}

#[tokio::test]
async fn the_document_is_openapi_3_1_and_lists_every_endpoint() {
    let document = document().await;
    assert_eq!(document["openapi"], "3.1.0");

    let missing: Vec<String> = ENDPOINTS
        .iter()
        .filter(|(method, path)| document["paths"][path][method].is_null())
        .map(|(method, path)| format!("{} {path}", method.to_uppercase()))
        .collect();
    assert!(
        missing.is_empty(),
        "not in the OpenAPI document: {missing:?}"
    );
}

#[tokio::test]
async fn every_operation_that_takes_input_or_a_token_lists_its_error_answers() {
    let document = document().await;
    let paths = document["paths"].as_object().expect("paths");

    for (path, operations) in paths {
        for (method, operation) in operations.as_object().expect("operations") {
            let takes_input = operation.get("requestBody").is_some()
                || operation["parameters"]
                    .as_array()
                    .is_some_and(|p| !p.is_empty());
            let signed_in = operation.get("security").is_some();
            let responses = operation["responses"].as_object().expect("responses");
            let client_errors = responses
                .keys()
                .filter(|code| code.starts_with('4'))
                .count();
            if takes_input {
                assert!(client_errors > 0, "{method} {path} lists no 4xx answer");
            }
            if signed_in {
                assert!(responses.contains_key("401"), "{method} {path} lacks 401");
            }
        }
    }
}

#[tokio::test]
async fn the_api_browser_is_served_from_the_binary() {
    let app = spawn_app().await;
    let page = app.get("/api/docs/", None).await;
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.expect("HTML");
    assert!(html.contains("swagger-ui"), "{html}");
    assert!(
        !html.contains("https://"),
        "no asset from another site: {html}"
    );

    let script = app.get("/api/docs/swagger-ui-bundle.js", None).await;
    assert_eq!(script.status(), StatusCode::OK);
    let config = app.get("/api/docs/swagger-initializer.js", None).await;
    let config = config.text().await.expect("text");
    assert!(config.contains("/api/v1/openapi.json"), "{config}");
}

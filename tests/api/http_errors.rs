//! Bad requests get problem+json with the right status, never a 500.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{assert_problem, chestnut_application, spawn_app};

#[tokio::test]
async fn requests_without_a_valid_token_are_unauthorised() {
    let app = spawn_app().await;
    let missing = app.get("/api/v1/applications", None).await;
    assert_eq!(missing.headers()["www-authenticate"], "Bearer");
    assert_problem(missing, StatusCode::UNAUTHORIZED).await;
    let wrong = app
        .get("/api/v1/applications", Some("zl_not-a-token"))
        .await;
    assert_problem(wrong, StatusCode::UNAUTHORIZED).await;
}

#[tokio::test]
async fn malformed_bodies_ids_and_content_types_are_client_errors() {
    let app = spawn_app().await;
    let (farmer, _) = app.farmer_and_auditor();

    let text = app
        .post_raw("/api/v1/footprints/calculate", "crop=maize", "text/plain")
        .await;
    assert_problem(text, StatusCode::UNSUPPORTED_MEDIA_TYPE).await;
    let charset = app
        .post_raw(
            "/api/v1/footprints/calculate",
            "{\"crop\":\"maize\"}",
            "application/json; charset=utf-8",
        )
        .await;
    assert_problem(charset, StatusCode::UNPROCESSABLE_ENTITY).await;
    let truncated = app
        .post_raw(
            "/api/v1/footprints/calculate",
            "{\"crop\":",
            "application/json",
        )
        .await;
    let problem = assert_problem(truncated, StatusCode::BAD_REQUEST).await;
    assert_eq!(problem["errors"][0]["code"], "invalid_json_or_non_finite");

    let bad_id = app
        .act("not-a-uuid", "submit", &json!({}), &farmer.token)
        .await;
    assert_problem(bad_id, StatusCode::BAD_REQUEST).await;
    let unknown_id = app
        .act(
            "7d0f4a9e-3c1b-4e55-9b61-0f3a2c7e9d10",
            "submit",
            &json!({}),
            &farmer.token,
        )
        .await;
    assert_problem(unknown_id, StatusCode::NOT_FOUND).await;

    let mut body = chestnut_application(&farmer);
    body["activity"]["yield_kg"] = json!("3600");
    body["harvest"]["start"] = json!("September");
    let invalid = app
        .post_json("/api/v1/applications", &body, Some(&farmer.token))
        .await;
    let problem = assert_problem(invalid, StatusCode::UNPROCESSABLE_ENTITY).await;
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["field"].as_str().expect("field"))
        .collect();
    assert!(
        fields.contains(&"activity.yield_kg") && fields.contains(&"harvest.start"),
        "{fields:?}"
    );
    let listed: serde_json::Value = app
        .get("/api/v1/applications", Some(&farmer.token))
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(listed["applications"], json!([]), "nothing half-written");
}

#[tokio::test]
async fn unknown_paths_methods_and_codes_answer_clearly() {
    let app = spawn_app().await;
    assert_problem(app.get("/nowhere", None).await, StatusCode::NOT_FOUND).await;
    let wrong_method = app
        .client
        .delete(format!("{}/api/v1/footprints/calculate", app.address))
        .send()
        .await
        .expect("sent");
    assert_problem(wrong_method, StatusCode::METHOD_NOT_ALLOWED).await;

    let unknown = app
        .get_json_url(&format!("{}/v/{}", app.address, "0".repeat(26)))
        .await;
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    let unknown: serde_json::Value = unknown.json().await.expect("json");
    assert_eq!(unknown["status"], "unknown");
    let malformed_page = app.get("/v/not-a-code", None).await;
    assert_eq!(malformed_page.status(), StatusCode::BAD_REQUEST);
    let malformed_html = malformed_page.text().await.expect("html");
    assert!(malformed_html.contains("<html"));
    assert!(
        malformed_html.contains("href=\"/methodology"),
        "the unknown-label page points somewhere useful"
    );
}

#[tokio::test]
async fn head_answers_wherever_get_does() {
    let app = spawn_app().await;
    for path in ["/healthz", "/.well-known/did.json", "/", "/calculator"] {
        let response = app
            .client
            .head(format!("{}{path}", app.address))
            .send()
            .await
            .expect("sent");
        assert_eq!(response.status(), StatusCode::OK, "{path}");
    }
}

#[tokio::test]
async fn a_qr_size_that_is_not_a_whole_number_in_range_names_px() {
    let app = spawn_app().await;
    let (farmer, auditor) = app.farmer_and_auditor();
    let approved = app.issue(&farmer, &auditor).await;
    let id = approved["certificate"]["id"].as_str().expect("id");

    for px in ["abc", "0", "41", "-3", "2.5"] {
        let answer = app
            .get(&format!("/api/v1/certificates/{id}/qr.png?px={px}"), None)
            .await;
        let problem = assert_problem(answer, StatusCode::BAD_REQUEST).await;
        assert_eq!(problem["errors"][0]["field"], "px", "px={px}: {problem}");
        assert!(
            problem["detail"].as_str().expect("detail").contains(px),
            "px={px}: {problem}"
        );
    }
    let fine = app
        .get(&format!("/api/v1/certificates/{id}/qr.png?px=40"), None)
        .await;
    assert_eq!(fine.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_method_a_resource_does_not_serve_is_405_with_allow_naming_those_it_does() {
    let app = spawn_app().await;
    let cases = [
        ("DELETE", "/api/v1/footprints/calculate", "POST"),
        ("PUT", "/api/v1/applications", "GET, HEAD, POST"),
        (
            "DELETE",
            "/api/v1/applications/7d0f4a9e-3c1b-4e55-9b61-0f3a2c7e9d10",
            "GET, HEAD, PATCH",
        ),
        ("GET", "/api/v1/applications/x/submit", "POST"),
        ("POST", "/api/v1/applications/x/history", "GET, HEAD"),
        ("POST", "/.well-known/did.json", "GET, HEAD"),
        ("PUT", "/calculator", "GET, HEAD, POST"),
        ("GET", "/api/v1/verify", "POST"),
    ];
    for (method, path, allow) in cases {
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
        let response = app
            .client
            .request(method.clone(), format!("{}{path}", app.address))
            .send()
            .await
            .expect("sent");
        assert_eq!(
            response
                .headers()
                .get("allow")
                .map(|v| v.to_str().expect("ascii")),
            Some(allow),
            "{method} {path}"
        );
        assert_problem(response, StatusCode::METHOD_NOT_ALLOWED).await;
    }
}

#[tokio::test]
async fn a_body_over_the_documented_limit_is_413_and_nothing_is_stored() {
    let app = spawn_app().await;
    let (farmer, _) = app.farmer_and_auditor();
    let mut body = chestnut_application(&farmer);
    body["product"]["name"] = json!("x".repeat(zerolabel::http::MAX_JSON_BODY_BYTES));

    let calculator = app
        .post_json("/api/v1/footprints/calculate", &body["activity"], None)
        .await;
    assert_eq!(calculator.status(), StatusCode::OK);
    let padded = json!({"crop": "x".repeat(zerolabel::http::MAX_JSON_BODY_BYTES)});
    let too_big = app.calculate(&padded).await;
    assert_problem(too_big, StatusCode::PAYLOAD_TOO_LARGE).await;
    let too_big = app
        .post_json("/api/v1/applications", &body, Some(&farmer.token))
        .await;
    assert_problem(too_big, StatusCode::PAYLOAD_TOO_LARGE).await;

    let listed: serde_json::Value = app
        .get("/api/v1/applications", Some(&farmer.token))
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(listed["applications"], json!([]));
}

#[tokio::test]
async fn a_farmer_who_mistypes_a_field_sends_a_number_as_text_and_forgets_the_area_is_told_each_fix()
 {
    let app = spawn_app().await;
    let (farmer, _) = app.farmer_and_auditor();
    let mut body = chestnut_application(&farmer);
    let activity = body["activity"].as_object_mut().expect("activity");
    activity.remove("area_ha");
    activity.insert("yield_kg".into(), json!("3600"));
    activity.insert("deisel_l".into(), json!(60));
    body["prodcut"] = body["product"].take();
    body.as_object_mut().expect("body").remove("product");

    let refused = app
        .post_json("/api/v1/applications", &body, Some(&farmer.token))
        .await;
    let problem = assert_problem(refused, StatusCode::UNPROCESSABLE_ENTITY).await;
    let message_of = |field: &str| -> String {
        problem["errors"]
            .as_array()
            .expect("errors")
            .iter()
            .find(|error| error["field"] == field)
            .unwrap_or_else(|| panic!("no error for {field}: {problem}"))["message"]
            .as_str()
            .expect("message")
            .to_owned()
    };
    assert!(message_of("prodcut").contains("Did you mean `product`?"));
    assert!(message_of("activity.deisel_l").contains("Did you mean `diesel_l`?"));
    assert!(message_of("activity.yield_kg").contains("without quotes: 3600"));
    assert!(message_of("activity.area_ha").contains("required"));
}

//! Workflow rules: who may act, which transitions exist, revocation and tampering.

use diesel::prelude::*;
use reqwest::StatusCode;
use serde_json::{Value, json};
use zerolabel::accounts::Role;
use zerolabel::db::schema::certificates;

use crate::helpers::{assert_problem, chestnut_application, spawn_app};

#[tokio::test]
async fn a_farmer_sees_only_their_own_farms_and_applications() {
    let app = spawn_app().await;
    let (farmer, _) = app.farmer_and_auditor();
    let neighbour = app.add_user("Li Xiuying", Role::Farmer, Some("Apple Orchard"));
    let created = app
        .create_application(&farmer, &chestnut_application(&farmer))
        .await;
    let id = created["id"].as_str().expect("id");

    let farms: Value = app
        .get("/api/v1/farms", Some(&neighbour.token))
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(farms["farms"].as_array().expect("list").len(), 1);
    assert_eq!(farms["farms"][0]["name"], "Apple Orchard");

    let listed: Value = app
        .get("/api/v1/applications", Some(&neighbour.token))
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(listed["applications"], json!([]));
    let hidden = app
        .get(
            &format!("/api/v1/applications/{id}"),
            Some(&neighbour.token),
        )
        .await;
    assert_problem(hidden, StatusCode::NOT_FOUND).await;

    let foreign_farm = app
        .post_json(
            "/api/v1/applications",
            &chestnut_application(&farmer),
            Some(&neighbour.token),
        )
        .await;
    assert_problem(foreign_farm, StatusCode::FORBIDDEN).await;
}

#[tokio::test]
async fn only_auditors_approve_and_only_submitted_applications() {
    let app = spawn_app().await;
    let (farmer, auditor) = app.farmer_and_auditor();
    let created = app
        .create_application(&farmer, &chestnut_application(&farmer))
        .await;
    let id = created["id"].as_str().expect("id");

    let too_early = app.act(id, "approve", &json!({}), &auditor.token).await;
    let problem = assert_problem(too_early, StatusCode::CONFLICT).await;
    assert!(
        problem["detail"]
            .as_str()
            .expect("detail")
            .contains("draft")
    );

    app.act(id, "submit", &json!({}), &farmer.token).await;
    let own_approval = app.act(id, "approve", &json!({}), &farmer.token).await;
    assert_problem(own_approval, StatusCode::FORBIDDEN).await;

    let listed: Value = app
        .get(
            "/api/v1/applications?status=submitted",
            Some(&auditor.token),
        )
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(listed["applications"][0]["id"], created["id"]);

    let approved = app.act(id, "approve", &json!({}), &auditor.token).await;
    assert_eq!(approved.status(), StatusCode::OK);
    let again = app.act(id, "approve", &json!({}), &auditor.token).await;
    assert_problem(again, StatusCode::CONFLICT).await;
}

#[tokio::test]
async fn a_rejection_needs_a_reason_and_issues_nothing() {
    let app = spawn_app().await;
    let (farmer, auditor) = app.farmer_and_auditor();
    let created = app
        .create_application(&farmer, &chestnut_application(&farmer))
        .await;
    let id = created["id"].as_str().expect("id");
    app.act(id, "submit", &json!({}), &farmer.token).await;

    let without_reason = app.act(id, "reject", &json!({}), &auditor.token).await;
    let problem = assert_problem(without_reason, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(problem["errors"][0]["field"], "reason");

    let rejected = app
        .act(
            id,
            "reject",
            &json!({"reason": "meter photo missing"}),
            &auditor.token,
        )
        .await;
    let rejected: Value = rejected.json().await.expect("json");
    assert_eq!(rejected["status"], "rejected");
    assert_eq!(rejected["decision_reason"], "meter photo missing");
    assert!(rejected.get("certificate").is_none());
}

#[tokio::test]
async fn a_revoked_certificate_verifies_as_revoked() {
    let app = spawn_app().await;
    let (farmer, auditor) = app.farmer_and_auditor();
    let approved = app.issue(&farmer, &auditor).await;
    let code = approved["certificate"]["code"].as_str().expect("code");
    let path = format!("/api/v1/certificates/{code}/revoke");

    let by_farmer = app
        .post_json(&path, &json!({"reason": "mine"}), Some(&farmer.token))
        .await;
    assert_problem(by_farmer, StatusCode::FORBIDDEN).await;
    let revoked = app
        .post_json(
            &path,
            &json!({"reason": "hive count wrong"}),
            Some(&auditor.token),
        )
        .await;
    assert_eq!(revoked.status(), StatusCode::OK);

    let url = approved["certificate"]["verify_url"].as_str().expect("url");
    let result: Value = app.get_json_url(url).await.json().await.expect("json");
    assert_eq!(result["status"], "revoked");
    assert_eq!(result["revocation"]["reason"], "hive count wrong");
    let again = app
        .post_json(&path, &json!({"reason": "twice"}), Some(&auditor.token))
        .await;
    assert_problem(again, StatusCode::CONFLICT).await;
}

#[tokio::test]
async fn a_certificate_altered_in_the_database_verifies_as_signature_invalid() {
    let app = spawn_app().await;
    let (farmer, auditor) = app.farmer_and_auditor();
    let approved = app.issue(&farmer, &auditor).await;
    let certificate_id = approved["certificate"]["id"]
        .as_str()
        .expect("id")
        .to_owned();

    let mut conn = app.state.pool.get().expect("connection");
    let stored: String = certificates::table
        .find(&certificate_id)
        .select(certificates::document)
        .first(&mut conn)
        .expect("stored");
    let tampered = change_one_digit_of_the_footprint(&stored);
    diesel::update(certificates::table.find(&certificate_id))
        .set(certificates::document.eq(&tampered))
        .execute(&mut conn)
        .expect("tampered");

    let url = approved["certificate"]["verify_url"].as_str().expect("url");
    let result: Value = app.get_json_url(url).await.json().await.expect("json");
    assert_eq!(result["status"], "signature_invalid");

    let posted = app
        .post_json(
            "/api/v1/verify",
            &serde_json::from_str::<Value>(&tampered).expect("json"),
            None,
        )
        .await;
    let posted: Value = posted.json().await.expect("json");
    assert_eq!(posted["status"], "signature_invalid");
}

#[tokio::test]
async fn posted_documents_verify_only_if_this_issuer_issued_them_exactly() {
    let app = spawn_app().await;
    let (farmer, auditor) = app.farmer_and_auditor();
    let approved = app.issue(&farmer, &auditor).await;
    let issued = app.certificate_of(&approved).await;

    let genuine: Value = app
        .post_json("/api/v1/verify", &issued, None)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(genuine["status"], "valid");
    assert!(genuine["log"]["inclusion_proof"].is_object(), "{genuine}");

    let issuer_key = app.active_issuer_key();
    let mut better_claim = issued.clone();
    better_claim["credentialSubject"]["footprint"]["gross_kg_co2e_per_kg"] = json!("0.000001");
    let mut new_id = issued.clone();
    new_id["id"] = json!(format!("urn:uuid:{}", uuid::Uuid::new_v4()));
    for never_issued in [better_claim, new_id] {
        let resigned = resign(&never_issued, issuer_key.signing_key());
        let answer: Value = app
            .post_json("/api/v1/verify", &resigned, None)
            .await
            .json()
            .await
            .expect("json");
        assert_eq!(answer["status"], "unknown", "{answer}");
    }

    let not_a_certificate = app
        .post_json("/api/v1/verify", &json!({"a": 1}), None)
        .await;
    let problem = assert_problem(not_a_certificate, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(problem["errors"][0]["field"], "id");
}

/// The document signed afresh, as someone holding the issuer's key could.
fn resign(document: &Value, key: &ed25519_dalek::SigningKey) -> Value {
    let mut unsigned = document.clone();
    unsigned.as_object_mut().expect("object").remove("proof");
    zerolabel::credential::add_proof(&unsigned, key, chrono::Utc::now()).expect("signs")
}

/// Changes the last digit of the gross footprint per kg, keeping the document well-formed.
pub fn change_one_digit_of_the_footprint(document: &str) -> String {
    let mut value: Value = serde_json::from_str(document).expect("json");
    let gross = value["credentialSubject"]["footprint"]["gross_kg_co2e_per_kg"]
        .as_str()
        .expect("decimal")
        .to_owned();
    let last = gross.chars().last().expect("digit");
    let changed_digit = if last == '9' {
        '8'
    } else {
        char::from(last as u8 + 1)
    };
    let changed = format!("{}{changed_digit}", &gross[..gross.len() - 1]);
    value["credentialSubject"]["footprint"]["gross_kg_co2e_per_kg"] = json!(changed);
    value.to_string()
}

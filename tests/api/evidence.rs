//! Evidence files: attached to drafts by the farm's farmer, stored with their SHA-256, covered
//! by the input hash the certificate carries, size- and type-limited.

use reqwest::StatusCode;
use serde_json::Value;
use sha2::{Digest, Sha256};
use zerolabel::accounts::Role;
use zerolabel::workflow::evidence::MAX_EVIDENCE_BYTES;

use crate::helpers::{TestApp, TestUser, assert_problem, chestnut_application, spawn_app};

const PDF: &[u8] = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n";

async fn upload(
    app: &TestApp,
    id: &str,
    user: &TestUser,
    query: &str,
    content_type: &str,
    content: Vec<u8>,
) -> reqwest::Response {
    app.client
        .post(format!(
            "{}/api/v1/applications/{id}/evidence?{query}",
            app.address
        ))
        .bearer_auth(&user.token)
        .header("Content-Type", content_type)
        .body(content)
        .send()
        .await
        .expect("sent")
}

async fn draft(app: &TestApp, farmer: &TestUser) -> Value {
    app.create_application(farmer, &chestnut_application(farmer))
        .await
}

#[tokio::test]
async fn an_invoice_is_stored_with_its_sha256_and_the_certificate_input_hash_covers_it() {
    let app = spawn_app().await;
    let (farmer, auditor) = app.farmer_and_auditor();
    let created = draft(&app, &farmer).await;
    let id = created["id"].as_str().expect("id");

    let attached = upload(
        &app,
        id,
        &farmer,
        "kind=invoice&name=diesel.pdf",
        "application/pdf",
        PDF.to_vec(),
    )
    .await;
    assert_eq!(attached.status(), StatusCode::CREATED);
    let attached: Value = attached.json().await.expect("json");
    assert_eq!(attached["sha256"], hex::encode(Sha256::digest(PDF)));
    assert_eq!(attached["size_bytes"], PDF.len());

    let after: Value = app
        .get(&format!("/api/v1/applications/{id}"), Some(&farmer.token))
        .await
        .json()
        .await
        .expect("json");
    assert_ne!(
        after["input_sha256"], created["input_sha256"],
        "the hash covers the file"
    );

    app.act(id, "submit", &serde_json::json!({}), &farmer.token)
        .await;
    let file_id = attached["id"].as_str().expect("id");
    let path = format!("/api/v1/applications/{id}/evidence/{file_id}");
    let downloaded = app.get(&path, Some(&auditor.token)).await;
    assert_eq!(downloaded.status(), StatusCode::OK);
    assert_eq!(downloaded.headers()["content-type"], "application/pdf");
    assert_eq!(downloaded.bytes().await.expect("bytes").as_ref(), PDF);
    let approved = app
        .act(id, "approve", &serde_json::json!({}), &auditor.token)
        .await;
    let approved: Value = approved.json().await.expect("json");
    let certificate = app.certificate_of(&approved).await;
    let signed_hash = certificate.to_string();
    assert!(
        signed_hash.contains(after["input_sha256"].as_str().expect("hash")),
        "{certificate}"
    );

    let late = upload(
        &app,
        id,
        &farmer,
        "kind=invoice&name=late.pdf",
        "application/pdf",
        PDF.to_vec(),
    )
    .await;
    assert_problem(late, StatusCode::CONFLICT).await;
    let history: Value = app
        .history(id, &auditor.token)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(history["events"][1]["action"], "evidence_added");
}

#[tokio::test]
async fn wrong_types_lying_files_oversize_files_and_strangers_are_refused() {
    let app = spawn_app().await;
    let (farmer, auditor) = app.farmer_and_auditor();
    let stranger = app.add_user("Li", Role::Farmer, Some("Apple Orchard"));
    let created = draft(&app, &farmer).await;
    let id = created["id"].as_str().expect("id");
    let query = "kind=meter_reading&name=meter.png";

    let html = upload(&app, id, &farmer, query, "text/html", b"<html>".to_vec()).await;
    assert_problem(html, StatusCode::UNSUPPORTED_MEDIA_TYPE).await;
    let lying = upload(
        &app,
        id,
        &farmer,
        query,
        "image/png",
        b"MZ\x90\x00".to_vec(),
    )
    .await;
    let problem = assert_problem(lying, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(problem["errors"][0]["field"], "body");
    let no_kind = upload(
        &app,
        id,
        &farmer,
        "name=x.pdf",
        "application/pdf",
        PDF.to_vec(),
    )
    .await;
    let problem = assert_problem(no_kind, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(problem["errors"][0]["field"], "kind");

    let mut huge = PDF.to_vec();
    huge.resize(MAX_EVIDENCE_BYTES + 1, b' ');
    let oversize = upload(&app, id, &farmer, query, "application/pdf", huge).await;
    assert_problem(oversize, StatusCode::PAYLOAD_TOO_LARGE).await;

    let foreign = upload(&app, id, &stranger, query, "application/pdf", PDF.to_vec()).await;
    assert_problem(foreign, StatusCode::NOT_FOUND).await;
    let by_auditor = upload(&app, id, &auditor, query, "application/pdf", PDF.to_vec()).await;
    assert_problem(by_auditor, StatusCode::FORBIDDEN).await;

    let listed: Value = app
        .get(
            &format!("/api/v1/applications/{id}/evidence"),
            Some(&farmer.token),
        )
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(listed["evidence"], serde_json::json!([]), "nothing stored");
    let hidden = app
        .get(
            &format!("/api/v1/applications/{id}/evidence"),
            Some(&stranger.token),
        )
        .await;
    assert_problem(hidden, StatusCode::NOT_FOUND).await;
}

#[tokio::test]
async fn a_revision_carries_the_rejected_applications_evidence_and_its_hash_covers_it() {
    let app = spawn_app().await;
    let (farmer, auditor) = app.farmer_and_auditor();
    let created = draft(&app, &farmer).await;
    let id = created["id"].as_str().expect("id");
    let query = "kind=soil_lab_report&name=soil.pdf";
    let attached = upload(&app, id, &farmer, query, "application/pdf", PDF.to_vec()).await;
    assert_eq!(attached.status(), StatusCode::CREATED);
    app.act(id, "submit", &serde_json::json!({}), &farmer.token)
        .await;
    let reason = serde_json::json!({"reason": "lab report unsigned"});
    app.act(id, "reject", &reason, &auditor.token).await;
    let rejected: Value = app
        .get(&format!("/api/v1/applications/{id}"), Some(&farmer.token))
        .await
        .json()
        .await
        .expect("json");

    let revision: Value = app
        .act(id, "revise", &serde_json::json!({}), &farmer.token)
        .await
        .json()
        .await
        .expect("json");
    let new_id = revision["id"].as_str().expect("id");
    assert_eq!(revision["input_sha256"], rejected["input_sha256"]);
    let listed: Value = app
        .get(
            &format!("/api/v1/applications/{new_id}/evidence"),
            Some(&farmer.token),
        )
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(
        listed["evidence"][0]["sha256"],
        hex::encode(Sha256::digest(PDF))
    );
    assert_eq!(listed["evidence"][0]["file_name"], "soil.pdf");
}

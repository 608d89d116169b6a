//! SQLite under concurrency: 25 clients create, submit and approve 500 applications at once.
//! Every request succeeds (writers queue on the busy timeout, none sees "database is locked"),
//! and every certificate is unique and served.

use std::collections::HashSet;
use std::sync::Arc;

use reqwest::StatusCode;
use serde_json::{Value, json};
use zerolabel::accounts::Role;

use crate::helpers::{TestApp, TestUser, chestnut_application, spawn_app};

const CLIENTS: usize = 25;
const APPLICATIONS: usize = 500;

/// What a response said, kept for the final checks: the status and body of anything but 2xx.
async fn expect_success(response: reqwest::Response, step: &str) -> Result<Value, String> {
    let status = response.status();
    let text = response.text().await.unwrap_or_default();
    if !status.is_success() {
        return Err(format!("{step}: {status}: {text}"));
    }
    serde_json::from_str(&text).map_err(|e| format!("{step}: not JSON: {e}"))
}

/// One client: a farmer with an auditor beside them, each application created, submitted and
/// approved in turn; returns the certificate codes.
async fn client(
    app: Arc<TestApp>,
    farmer: TestUser,
    auditor: TestUser,
) -> Result<Vec<String>, String> {
    let mut codes = Vec::new();
    for lot in 0..APPLICATIONS / CLIENTS {
        let mut body = chestnut_application(&farmer);
        body["product"]["lot"] = json!(format!("LOT-{lot}"));
        let created = app
            .post_json("/api/v1/applications", &body, Some(&farmer.token))
            .await;
        let created = expect_success(created, "create").await?;
        let id = created["id"].as_str().ok_or("no id")?.to_owned();
        let submitted = app.act(&id, "submit", &json!({}), &farmer.token).await;
        expect_success(submitted, "submit").await?;
        let approved = app.act(&id, "approve", &json!({}), &auditor.token).await;
        let approved = expect_success(approved, "approve").await?;
        let code = approved["certificate"]["code"].as_str().ok_or("no code")?;
        codes.push(code.to_owned());
    }
    Ok(codes)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_five_clients_submit_and_approve_500_applications_without_a_single_failure() {
    let app = Arc::new(spawn_app().await);
    let mut clients = Vec::new();
    for n in 0..CLIENTS {
        let farmer = app.add_user(
            &format!("Farmer {n}"),
            Role::Farmer,
            Some(&format!("Farm {n}")),
        );
        let auditor = app.add_user(&format!("Auditor {n}"), Role::Auditor, None);
        clients.push(tokio::spawn(client(Arc::clone(&app), farmer, auditor)));
    }

    let mut codes = Vec::new();
    let mut failures = Vec::new();
    for handle in clients {
        match handle.await.expect("client task") {
            Ok(mut issued) => codes.append(&mut issued),
            Err(failure) => failures.push(failure),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(codes.len(), APPLICATIONS);
    let unique: HashSet<&String> = codes.iter().collect();
    assert_eq!(unique.len(), APPLICATIONS, "certificate codes repeat");

    for code in &codes {
        let served = app.get(&format!("/api/v1/certificates/{code}"), None).await;
        assert_eq!(served.status(), StatusCode::OK, "{code}");
    }
    let checkpoint = app
        .get("/log/checkpoint", None)
        .await
        .text()
        .await
        .expect("text");
    let size: usize = checkpoint
        .lines()
        .nth(1)
        .and_then(|line| line.parse().ok())
        .expect("tree size on the checkpoint's second line");
    assert!(size >= APPLICATIONS, "log holds {size} leaves");
}

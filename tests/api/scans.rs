//! Scans answered from memory: a repeated scan must say exactly what a fresh one says, and a
//! revocation or key compromise must reach answers kept before it, whether it was made through
//! this instance, another instance over the same database, or the command line.

use std::time::{Duration, Instant};

use reqwest::{Client, StatusCode};
use serde_json::Value;
use zerolabel::config::Settings;
use zerolabel::startup::Application;

use crate::helpers::{TestApp, TestUser, code_of, spawn_app, spawn_app_with};

/// How long another process's change may take to reach kept answers: the follow interval of
/// one second, with room for a loaded machine.
const FOLLOW_DEADLINE: Duration = Duration::from_secs(10);

/// Issues one certificate and returns its id with the auditor who approved it.
async fn issue(app: &TestApp) -> (String, TestUser) {
    let (farmer, auditor) = app.farmer_and_auditor();
    let approved = app.issue(&farmer, &auditor).await;
    let id = approved["certificate"]["id"]
        .as_str()
        .expect("the approval names its certificate")
        .to_owned();
    (id, auditor)
}

/// `GET {base}/v/{code}` as a script asks for it.
async fn scan_json(client: &Client, base: &str, code: &str) -> Value {
    let response = client
        .get(format!("{base}/v/{code}"))
        .header("Accept", "application/json")
        .send()
        .await
        .expect("scan answered");
    assert_eq!(response.status(), StatusCode::OK, "GET /v/{code}");
    assert_eq!(
        response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/json")
    );
    response.json().await.expect("a verification result")
}

/// The same answer without the time of the check.
fn without_time(mut result: Value) -> Value {
    result
        .as_object_mut()
        .expect("an object")
        .remove("checked_at");
    result
}

/// Scans until the status is `expected` or the deadline passes; returns the last answer.
async fn scan_until(client: &Client, base: &str, code: &str, expected: &str) -> Value {
    let started = Instant::now();
    loop {
        let result = scan_json(client, base, code).await;
        if result["status"] == expected || started.elapsed() > FOLLOW_DEADLINE {
            return result;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn a_scan_from_memory_says_what_a_fresh_read_says() {
    let app = spawn_app().await;
    let (id, _) = issue(&app).await;
    let code = code_of(&id);
    let cold = spawn_cold_twin(&app).await;

    let first = scan_json(&app.client, &app.address, &code).await;
    assert!(app.state.scans.weight() > 0, "the first scan is kept");
    let kept = scan_json(&app.client, &app.address, &code).await;
    let fresh = scan_json(&cold.client, &cold.address, &code).await;

    assert_eq!(first["status"], "valid", "{first}");
    assert_eq!(without_time(kept.clone()), without_time(first.clone()));
    assert_eq!(without_time(fresh), without_time(first));
    assert_eq!(
        cold.state.scans.weight(),
        0,
        "scan_cache_mb = 0 keeps nothing"
    );
    assert!(kept["checked_at"].is_string());
}

/// A second service over the same database and keys, behind the same public address, that
/// keeps no answers.
async fn spawn_cold_twin(app: &TestApp) -> TestApp {
    let database_url = app.database_url().to_owned();
    let keys = app.folder.path().join("keys");
    let public_base_url = app.address.clone();
    let twin = spawn_app_with(move |settings| {
        settings.database_url = database_url;
        settings.keys_dir = keys;
        settings.public_base_url = Some(public_base_url);
        settings.scan_cache_mb = 0;
    })
    .await;
    assert_eq!(twin.state.scans.weight(), 0);
    twin
}

#[tokio::test]
async fn a_revocation_reaches_the_kept_answer_and_page_at_once() {
    let app = spawn_app().await;
    let (id, auditor) = issue(&app).await;
    let code = code_of(&id);
    let url = format!("{}/v/{code}", app.address);
    assert_eq!(
        scan_json(&app.client, &app.address, &code).await["status"],
        "valid"
    );
    let page = app.buyer_page(&url, "en").await.text().await.expect("page");
    assert!(!page.contains("has been revoked"), "{page}");

    let revoked = app.revoke(&id, &auditor, "Residue test failed").await;
    assert_eq!(revoked.status(), StatusCode::OK);

    let result = scan_json(&app.client, &app.address, &code).await;
    assert_eq!(result["status"], "revoked", "{result}");
    assert_eq!(result["revocation"]["reason"], "Residue test failed");
    let page = app.buyer_page(&url, "en").await.text().await.expect("page");
    assert!(page.contains("has been revoked"), "{page}");
    assert!(page.contains("Residue test failed"), "{page}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revocation_through_another_instance_reaches_this_one_within_seconds() {
    let app = spawn_app().await;
    let (id, auditor) = issue(&app).await;
    let code = code_of(&id);
    let other = start_instance_beside(&app);
    let client = Client::new();
    assert_eq!(scan_json(&client, &other, &code).await["status"], "valid");
    assert_eq!(scan_json(&client, &other, &code).await["status"], "valid");

    let revoked = app.revoke(&id, &auditor, "Mislabelled lot").await;
    assert_eq!(revoked.status(), StatusCode::OK);

    let result = scan_until(&client, &other, &code, "revoked").await;
    assert_eq!(result["status"], "revoked", "{result}");
    assert_eq!(result["revocation"]["reason"], "Mislabelled lot");
}

/// Starts a second instance over `app`'s database and keys; returns its address.
fn start_instance_beside(app: &TestApp) -> String {
    let mut settings = Settings::in_folder(app.folder.path(), "127.0.0.1:0");
    settings.database_url = app.database_url().to_owned();
    let application = Application::build(&settings).expect("second instance builds");
    let address = format!("http://127.0.0.1:{}", application.port());
    tokio::spawn(application.run_until_stopped());
    address
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_compromised_from_the_command_line_reaches_kept_answers_within_seconds() {
    let app = spawn_app().await;
    let (id, _) = issue(&app).await;
    let code = code_of(&id);
    let kept = scan_json(&app.client, &app.address, &code).await;
    assert_eq!(kept["status"], "valid");
    let created = kept["certificate"]["proof"]["created"]
        .as_str()
        .expect("proof time")
        .to_owned();

    let output = std::process::Command::new(env!("CARGO_BIN_EXE_zerolabel"))
        .args(["keys", "compromise", "--since", &created])
        .arg("--database-url")
        .arg(app.database_url())
        .arg("--keys-dir")
        .arg(app.folder.path().join("keys"))
        .output()
        .expect("keys compromise runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );

    let result = scan_until(&app.client, &app.address, &code, "signature_invalid").await;
    assert_eq!(result["status"], "signature_invalid", "{result}");
    assert!(
        result["reason"]
            .as_str()
            .is_some_and(|reason| reason.contains("compromised")),
        "{result}"
    );
}

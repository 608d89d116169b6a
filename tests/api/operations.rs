//! What operators rely on: liveness, readiness, Prometheus metrics and JSON logs.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc::Receiver;
use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, spawn_app};

/// `zerolabel keys ...` against the app's database and a keys folder; returns what it printed.
fn keys_command(app: &TestApp, arguments: &[&str], keys_dir: &std::path::Path) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_zerolabel"))
        .arg("keys")
        .args(arguments)
        .arg("--database-url")
        .arg(app.database_url())
        .arg("--keys-dir")
        .arg(keys_dir)
        .output()
        .expect("keys command runs");
    assert!(
        output.status.success(),
        "keys {arguments:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[tokio::test]
async fn readiness_follows_the_signing_key_while_liveness_stays_up() {
    let app = spawn_app().await;
    let ready: Value = app.get("/readyz", None).await.json().await.expect("JSON");
    assert_eq!(ready["status"], "ready");
    assert_eq!(
        ready["signing_key"],
        json!(app.active_issuer_key().public_key_multibase)
    );
    assert!(ready["database"] == "sqlite" || ready["database"] == "postgres");

    // A key rotated in on another machine whose key file this instance lacks.
    let elsewhere = tempfile::tempdir().expect("another keys folder");
    keys_command(&app, &["rotate"], elsewhere.path());
    let problem = assert_problem(
        app.get("/readyz", None).await,
        StatusCode::SERVICE_UNAVAILABLE,
    )
    .await;
    assert!(
        problem["detail"]
            .as_str()
            .expect("detail")
            .contains("not ready"),
        "{problem}"
    );
    assert_eq!(app.get("/healthz", None).await.status(), StatusCode::OK);

    for file in std::fs::read_dir(elsewhere.path()).expect("folder") {
        let file = file.expect("entry").path();
        let target = app
            .folder
            .path()
            .join("keys")
            .join(file.file_name().expect("name"));
        std::fs::copy(&file, target).expect("key copied into this instance's folder");
    }
    assert_eq!(app.get("/readyz", None).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn compromising_the_active_key_rotates_at_once_so_the_service_stays_ready() {
    let app = spawn_app().await;
    let before = app.active_issuer_key().public_key_multibase;
    let since = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);

    let output = keys_command(
        &app,
        &["compromise", "--since", &since],
        &app.folder.path().join("keys"),
    );
    assert!(output.contains("new active key"), "{output}");

    assert_ne!(app.active_issuer_key().public_key_multibase, before);
    assert_eq!(app.get("/readyz", None).await.status(), StatusCode::OK);
    assert_eq!(
        app.get("/log/checkpoint", None).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_compromise_dated_in_the_future_is_refused_and_changes_nothing() {
    let app = spawn_app().await;
    let did_before = app.did_document().await;

    let output = Command::new(env!("CARGO_BIN_EXE_zerolabel"))
        .args(["keys", "compromise", "--since", "2099-01-01T00:00:00Z"])
        .arg("--database-url")
        .arg(app.database_url())
        .arg("--keys-dir")
        .arg(app.folder.path().join("keys"))
        .output()
        .expect("keys command runs");

    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("future"));
    assert_eq!(app.did_document().await, did_before);
}

#[tokio::test]
async fn metrics_count_requests_by_route_pattern_and_the_domain_events() {
    let app = spawn_app().await;
    let (farmer, auditor) = app.farmer_and_auditor();
    let approved = app.issue(&farmer, &auditor).await;
    let code = approved["certificate"]["code"]
        .as_str()
        .expect("code")
        .to_owned();
    let scan = app.get_json_url(&format!("{}/v/{code}", app.address)).await;
    assert_eq!(scan.status(), StatusCode::OK);

    let response = app.get("/metrics", None).await;
    assert_eq!(response.status(), StatusCode::OK);
    let content_type = response.headers()["content-type"]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert!(content_type.starts_with("text/plain"), "{content_type}");
    let metrics = response.text().await.expect("text");

    assert!(
        counter(&metrics, "zerolabel_certificates_issued_total") >= 1.0,
        "{metrics}"
    );
    assert!(
        counter(&metrics, "zerolabel_verifications_total{status=\"valid\"}") >= 1.0,
        "{metrics}"
    );
    let scans = "zerolabel_http_requests_total{method=\"GET\",route=\"/v/{code}\",status=\"200\"}";
    assert!(counter(&metrics, scans) >= 1.0, "{metrics}");
    assert!(
        metrics.contains("zerolabel_http_request_duration_seconds_bucket{method=\"GET\",route=\"/v/{code}\",le=\"0.001\"}"),
        "latency histogram by route pattern: {metrics}"
    );
    assert!(
        !metrics.contains(&code),
        "raw paths never become label values"
    );
}

/// The value of the sample named exactly `name` (with its labels), 0 when absent.
fn counter(metrics: &str, name: &str) -> f64 {
    metrics
        .lines()
        .filter_map(|line| line.strip_prefix(name)?.strip_prefix(' '))
        .filter_map(|value| value.trim().parse::<f64>().ok())
        .sum()
}

#[tokio::test]
async fn json_logs_carry_one_object_per_line_with_the_request_id() {
    let folder = tempfile::tempdir().expect("temp folder");
    let database = crate::helpers::TestDatabase::create(folder.path(), "zerolabel.sqlite3");
    let mut child = Command::new(env!("CARGO_BIN_EXE_zerolabel"))
        .args(["serve", "--bind", "127.0.0.1:0"])
        .env("ZEROLABEL_DATABASE_URL", &database.url)
        .env("ZEROLABEL_KEYS_DIR", folder.path().join("keys"))
        .env("ZEROLABEL_LOG_FORMAT", "json")
        .env("RUST_LOG", "info")
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("serve starts");
    let lines = json_lines(child.stderr.take().expect("stderr"));

    let listening = next_matching(&lines, |line| {
        line["fields"]["message"] == "zerolabel is listening"
    });
    let base = listening["fields"]["public_base_url"]
        .as_str()
        .expect("url")
        .to_owned();
    let answered = reqwest::get(format!("{base}/healthz"))
        .await
        .expect("healthz");
    assert_eq!(answered.status(), StatusCode::OK);

    let request_line = next_matching(&lines, |line| line["span"]["http.route"] == "/healthz");
    assert!(
        request_line["span"]["request_id"].is_string(),
        "{request_line}"
    );
    let _ = child.kill();
    let _ = child.wait();
}

/// Each line of the child's standard error, parsed as JSON (a line that is not JSON fails).
fn json_lines(stderr: std::process::ChildStderr) -> Receiver<Value> {
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let parsed = serde_json::from_str::<Value>(&line)
                .unwrap_or_else(|_| json!({ "not_json": line }));
            if sender.send(parsed).is_err() {
                break;
            }
        }
    });
    receiver
}

/// The next line that matches, waiting at most ten seconds in all.
fn next_matching(lines: &Receiver<Value>, wanted: impl Fn(&Value) -> bool) -> Value {
    loop {
        let line = lines
            .recv_timeout(Duration::from_secs(10))
            .expect("the expected log line within ten seconds");
        assert!(
            line.get("not_json").is_none(),
            "a log line is not JSON: {line}"
        );
        if wanted(&line) {
            return line;
        }
    }
}

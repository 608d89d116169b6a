//! The command line: `users add` and offline `verify`.

use std::process::Command;

use serde_json::Value;

use crate::applications::change_one_digit_of_the_footprint;
use crate::helpers::spawn_app;

fn zerolabel() -> Command {
    Command::new(env!("CARGO_BIN_EXE_zerolabel"))
}

#[tokio::test]
async fn users_add_prints_a_token_that_signs_in() {
    let app = spawn_app().await;
    let output = zerolabel()
        .args([
            "users",
            "add",
            "--name",
            "Zhao Chunmei",
            "--role",
            "farmer",
            "--farm",
            "Apiary",
        ])
        .env("ZEROLABEL_DATABASE_URL", app.database_path())
        .output()
        .expect("runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8(output.stdout).expect("utf-8");
    let token = stdout.lines().last().expect("token line").trim().to_owned();

    let farms: Value = app
        .get("/api/v1/farms", Some(&token))
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(farms["farms"][0]["name"], "Apiary");
}

#[tokio::test]
async fn verify_accepts_an_issued_certificate_and_refuses_a_tampered_one() {
    let app = spawn_app().await;
    let (farmer, auditor) = app.farmer_and_auditor();
    let approved = app.issue(&farmer, &auditor).await;
    let id = approved["certificate"]["id"].as_str().expect("id");
    let certificate = app
        .get(&format!("/api/v1/certificates/{id}"), None)
        .await
        .text()
        .await
        .expect("body");
    let did = app
        .get("/.well-known/did.json", None)
        .await
        .text()
        .await
        .expect("did");

    let folder = tempfile::tempdir().expect("temp");
    let (good, bad, keys) = (
        folder.path().join("good.json"),
        folder.path().join("bad.json"),
        folder.path().join("did.json"),
    );
    std::fs::write(&good, &certificate).expect("write");
    std::fs::write(&bad, change_one_digit_of_the_footprint(&certificate)).expect("write");
    std::fs::write(&keys, &did).expect("write");

    let valid = zerolabel()
        .arg("verify")
        .arg(&good)
        .arg("--keys")
        .arg(&keys)
        .output()
        .expect("runs");
    assert!(valid.status.success());
    assert!(String::from_utf8_lossy(&valid.stdout).starts_with("valid"));

    let tampered = zerolabel()
        .arg("verify")
        .arg(&bad)
        .arg("--keys")
        .arg(&keys)
        .output()
        .expect("runs");
    assert_eq!(tampered.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&tampered.stdout).starts_with("signature_invalid"));

    let later = zerolabel()
        .arg("verify")
        .arg(&good)
        .args(["--at", "2099-01-01T00:00:00Z"])
        .output()
        .expect("runs");
    assert_eq!(later.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&later.stdout).starts_with("expired"));
}

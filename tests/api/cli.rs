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
        .env("ZEROLABEL_DATABASE_URL", app.database_url())
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
        .arg("--keys")
        .arg(&keys)
        .args(["--at", "2099-01-01T00:00:00Z"])
        .output()
        .expect("runs");
    assert_eq!(later.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&later.stdout).starts_with("expired"));
}

#[tokio::test]
async fn verify_never_calls_a_certificate_valid_without_the_issuers_key_list() {
    let app = spawn_app().await;
    let (farmer, auditor) = app.farmer_and_auditor();
    let approved = app.issue(&farmer, &auditor).await;
    let issued = app.certificate_of(&approved).await;
    let did = app.did_document().await;
    let forged = signed_by_a_stranger_with_a_better_claim(&issued);

    let folder = tempfile::tempdir().expect("temp");
    let (genuine, forgery, keys) = (
        folder.path().join("genuine.json"),
        folder.path().join("forged.json"),
        folder.path().join("did.json"),
    );
    std::fs::write(&genuine, issued.to_string()).expect("write");
    std::fs::write(&forgery, forged.to_string()).expect("write");
    std::fs::write(&keys, &did).expect("write");

    for file in [&genuine, &forgery] {
        let without_keys = zerolabel().arg("verify").arg(file).output().expect("runs");
        assert_eq!(without_keys.status.code(), Some(1));
        let stdout = String::from_utf8_lossy(&without_keys.stdout);
        assert!(stdout.starts_with("key_not_trusted"), "{stdout}");
        assert!(
            stdout.contains("did.json"),
            "the reason says what is missing: {stdout}"
        );
    }

    let with_keys = zerolabel()
        .arg("verify")
        .arg(&forgery)
        .arg("--keys")
        .arg(&keys)
        .output()
        .expect("runs");
    assert_eq!(with_keys.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&with_keys.stdout);
    assert!(stdout.starts_with("key_not_trusted"), "{stdout}");
}

/// The issued certificate re-signed, with a zero footprint, by a key the issuer never had.
fn signed_by_a_stranger_with_a_better_claim(issued: &Value) -> Value {
    let mut document = issued.clone();
    let fields = document.as_object_mut().expect("object");
    fields.remove("proof");
    fields["credentialSubject"]["footprint"]["gross_kg_co2e_per_kg"] = Value::from("0.000001");

    let stranger = zerolabel::credential::generate_signing_key().expect("key");
    let forged =
        zerolabel::credential::add_proof(&document, &stranger, chrono::Utc::now()).expect("signs");
    assert!(
        zerolabel::credential::verify_proof(&forged).is_ok(),
        "the forgery's own signature is intact, so only the key list can catch it"
    );
    forged
}

#[tokio::test]
async fn backup_copies_a_serving_sqlite_database_whole_and_points_postgres_to_pg_dump() {
    let app = spawn_app().await;
    let (farmer, auditor) = app.farmer_and_auditor();
    let approved = app.issue(&farmer, &auditor).await;
    let served = app.certificate_of(&approved).await;
    let output_file = app.folder.path().join("backup.sqlite3");

    let output = zerolabel()
        .arg("backup")
        .arg(&output_file)
        .env("ZEROLABEL_DATABASE_URL", app.database_url())
        .output()
        .expect("runs");

    if app.database_url().starts_with("postgres") {
        assert_eq!(output.status.code(), Some(1));
        assert!(String::from_utf8_lossy(&output.stderr).contains("pg_dump"));
        return;
    }
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let copy =
        zerolabel::startup::open_database(&output_file.to_string_lossy()).expect("copy opens");
    let mut conn = copy.get().expect("connection");
    let id = served["id"]
        .as_str()
        .expect("id")
        .trim_start_matches("urn:uuid:")
        .to_owned();
    let row = zerolabel::db::certificates::find_certificate(&mut conn, &id)
        .expect("query")
        .expect("the certificate is in the copy");
    let copied: Value = serde_json::from_str(&row.document).expect("JSON");
    assert_eq!(copied, served);

    let again = zerolabel()
        .arg("backup")
        .arg(&output_file)
        .env("ZEROLABEL_DATABASE_URL", app.database_url())
        .output()
        .expect("runs");
    assert!(
        !again.status.success(),
        "an existing file is never overwritten"
    );
}

#[test]
fn admin_commands_use_the_database_of_the_configuration_file_serve_reads() {
    let folder = tempfile::tempdir().expect("temp folder");
    std::fs::write(
        folder.path().join("zerolabel.toml"),
        "database_url = \"sqlite://configured/zerolabel.sqlite3\"\n",
    )
    .expect("config written");

    let output = zerolabel()
        .args(["users", "add", "--name", "Chen Jing", "--role", "auditor"])
        .current_dir(folder.path())
        .env_remove("ZEROLABEL_DATABASE_URL")
        .env_remove("ZEROLABEL_CONFIG")
        .output()
        .expect("runs");

    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(folder.path().join("configured/zerolabel.sqlite3").exists());
    assert!(
        !folder.path().join("data").exists(),
        "no second, empty database"
    );
}

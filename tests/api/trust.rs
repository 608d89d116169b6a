//! Trust core end to end: the status list, the transparency log, the offline verifier, key
//! rotation and compromise, and the audit command, all through the real HTTP stack and CLI.

use std::ffi::OsString;
use std::path::Path;
use std::process::{Command, Output};
use std::time::Duration;

use chrono::{DateTime, Utc};
use reqwest::StatusCode;
use serde_json::{Value, json};
use zerolabel::certificate::issuance_leaf_of;
use zerolabel::credential::{self, canonicalize, generate_signing_key};
use zerolabel::status::StatusBitstring;
use zerolabel::tlog::{
    self, Checkpoint, ConsistencyProof, InclusionProof, MemoryStore, checkpoint_body, leaf_hash,
    sign_note,
};
use zerolabel::workflow::now_seconds;
use zerolabel::workflow::transparency::{append_leaf_bytes, current_head, inclusion};

use crate::applications::change_one_digit_of_the_footprint;
use crate::helpers::{
    TestApp, TestDatabase, TestUser, assert_problem, checkpoint_of, code_of, shared_dir, spawn_app,
};

/// Runs the `zerolabel` binary off the async runtime, so the server keeps answering it.
async fn zerolabel(args: Vec<OsString>) -> Output {
    tokio::task::spawn_blocking(move || {
        Command::new(env!("CARGO_BIN_EXE_zerolabel"))
            .args(args)
            .output()
            .expect("zerolabel runs")
    })
    .await
    .expect("the command thread finishes")
}

/// Command-line arguments from anything path- or string-like.
fn args<I, S>(parts: I) -> Vec<OsString>
where
    I: IntoIterator<Item = S>,
    S: Into<OsString>,
{
    parts.into_iter().map(Into::into).collect()
}

fn stdout_of(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn first_line(output: &Output) -> String {
    stdout_of(output)
        .lines()
        .next()
        .unwrap_or_default()
        .to_owned()
}

async fn get_json(app: &TestApp, path: &str) -> Value {
    let response = app.get(path, None).await;
    assert_eq!(response.status(), StatusCode::OK, "GET {path}");
    response.json().await.expect("a JSON body")
}

async fn get_text(app: &TestApp, path: &str) -> String {
    let response = app.get(path, None).await;
    assert_eq!(response.status(), StatusCode::OK, "GET {path}");
    response.text().await.expect("a text body")
}

/// Issues a certificate and returns its id.
async fn issue_certificate(app: &TestApp, farmer: &TestUser, auditor: &TestUser) -> String {
    let approved = app.issue(farmer, auditor).await;
    approved["certificate"]["id"]
        .as_str()
        .expect("the approval names its certificate")
        .to_owned()
}

/// The signed certificate exactly as served.
async fn certificate_text(app: &TestApp, id: &str) -> String {
    get_text(app, &format!("/api/v1/certificates/{id}")).await
}

async fn certificate_json(app: &TestApp, id: &str) -> Value {
    serde_json::from_str(&certificate_text(app, id).await).expect("a certificate is JSON")
}

async fn revoke(app: &TestApp, id: &str, reason: &str, auditor: &TestUser) {
    let response = app
        .post_json(
            &format!("/api/v1/certificates/{id}/revoke"),
            &json!({ "reason": reason }),
            Some(&auditor.token),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK, "revoke {id}");
}

/// The JSON verification result of `/v/{code}` for a certificate id.
async fn verification_result(app: &TestApp, id: &str) -> Value {
    let code = code_of(id);
    let url = format!("{}/v/{code}", app.address);
    let response = app.get_json_url(&url).await;
    assert_eq!(response.status(), StatusCode::OK, "GET /v/{code}");
    response.json().await.expect("a verification result")
}

/// The latest checkpoint: the note as served and what it says.
async fn latest_checkpoint(app: &TestApp) -> (String, Checkpoint) {
    let did = get_json(app, "/.well-known/did.json").await;
    let note = get_text(app, "/log/checkpoint").await;
    let checkpoint = checkpoint_of(&did, &note).expect("the served checkpoint verifies");
    (note, checkpoint)
}

async fn log_entries(app: &TestApp) -> Vec<Value> {
    let page = get_json(app, "/log/entries?start=0&limit=1000").await;
    page["entries"].as_array().expect("an entries list").clone()
}

fn issuance_index(entries: &[Value], certificate_id: &str) -> u64 {
    entries
        .iter()
        .find(|entry| entry["kind"] == "issuance" && entry["certificate_id"] == certificate_id)
        .and_then(|entry| entry["leaf_index"].as_u64())
        .expect("the certificate has an issuance leaf")
}

async fn inclusion_proof(app: &TestApp, index: u64, size: u64) -> InclusionProof {
    let path = format!("/log/proof/inclusion?leaf_index={index}&tree_size={size}");
    serde_json::from_value(get_json(app, &path).await).expect("an inclusion proof")
}

/// The certificate's bit in a status list, and how many entries the list holds.
fn status_bit(list: &Value, certificate: &Value) -> (bool, u64) {
    let encoded = list["credentialSubject"]["encodedList"]
        .as_str()
        .expect("the list has an encodedList");
    let bits = StatusBitstring::decode(encoded).expect("the list decodes (GZIP, base64url)");
    let index: u64 = certificate["credentialStatus"]["statusListIndex"]
        .as_str()
        .expect("a decimal index")
        .parse()
        .expect("the index is a number");
    (
        bits.get(index).expect("the index is in the list"),
        bits.entry_count(),
    )
}

fn published_multikeys(did: &Value) -> Vec<String> {
    did["verificationMethod"]
        .as_array()
        .expect("did.json lists its keys")
        .iter()
        .filter_map(|method| method["publicKeyMultibase"].as_str().map(str::to_owned))
        .collect()
}

fn max_age_seconds(cache_control: &str) -> u64 {
    cache_control
        .split(',')
        .find_map(|directive| directive.trim().strip_prefix("max-age="))
        .and_then(|seconds| seconds.parse().ok())
        .expect("Cache-Control has a max-age")
}

#[tokio::test]
async fn revoking_flips_the_certificates_bit_in_the_signed_status_list() {
    let app = spawn_app().await;
    let (farmer, auditor) = app.farmer_and_auditor();
    let id = issue_certificate(&app, &farmer, &auditor).await;
    let certificate = certificate_json(&app, &id).await;
    let did = get_json(&app, "/.well-known/did.json").await;

    let list_url = certificate["credentialStatus"]["statusListCredential"]
        .as_str()
        .expect("the certificate names its status list");
    let list_path = list_url
        .strip_prefix(&app.address)
        .expect("the status list is on this server");
    assert!(list_path.starts_with("/status/"), "{list_path}");
    assert_eq!(
        certificate["credentialStatus"]["type"],
        "BitstringStatusListEntry"
    );

    let response = app.get(list_path, None).await;
    assert_eq!(response.status(), StatusCode::OK);
    let cache_control = response.headers()["cache-control"]
        .to_str()
        .expect("ascii")
        .to_owned();
    let max_age = max_age_seconds(&cache_control);
    assert!(
        (1..=600).contains(&max_age),
        "max-age {max_age} is not short"
    );
    let before: Value = response.json().await.expect("a status list credential");
    let proof = credential::verify_proof(&before).expect("the status list's proof verifies");
    let signer = credential::multikey(&proof.public_key);
    assert!(published_multikeys(&did).contains(&signer));
    assert_eq!(before["id"], list_url);
    assert_eq!(before["issuer"]["id"], certificate["issuer"]["id"]);
    let (revoked, entries) = status_bit(&before, &certificate);
    assert!(entries >= 131_072, "{entries} entries");
    assert!(!revoked, "a fresh certificate's bit is 0");

    let revoke_path = format!("/api/v1/certificates/{id}/revoke");
    let without_reason = app
        .post_json(&revoke_path, &json!({}), Some(&auditor.token))
        .await;
    let problem = assert_problem(without_reason, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(problem["errors"][0]["field"], "reason");
    let still_clear = get_json(&app, list_path).await;
    assert!(!status_bit(&still_clear, &certificate).0);

    revoke(&app, &id, "yield records do not match", &auditor).await;

    let after = get_json(&app, list_path).await;
    credential::verify_proof(&after).expect("the new list is signed too");
    assert!(
        status_bit(&after, &certificate).0,
        "the bit is 1 once revoked"
    );
    let result = verification_result(&app, &id).await;
    assert_eq!(result["status"], "revoked");
    let page = get_text(&app, &format!("/v/{}?lang=en", code_of(&id))).await;
    assert!(page.contains("class=\"status revoked\""), "{page}");
    assert!(page.contains("Revoked"));
    assert!(page.contains("yield records do not match"));
}

#[tokio::test]
async fn the_log_serves_checkpoints_and_proofs_that_verify_with_the_published_key() {
    let app = spawn_app().await;
    let (farmer, auditor) = app.farmer_and_auditor();
    let first = issue_certificate(&app, &farmer, &auditor).await;
    let (_, early) = latest_checkpoint(&app).await;
    issue_certificate(&app, &farmer, &auditor).await;
    issue_certificate(&app, &farmer, &auditor).await;
    revoke(&app, &first, "meter photo was of another farm", &auditor).await;

    let did = get_json(&app, "/.well-known/did.json").await;
    let note = get_text(&app, "/log/checkpoint").await;
    let checkpoint = checkpoint_of(&did, &note).expect("the checkpoint verifies");
    assert_checkpoint_layout(&note, &checkpoint, &did);
    let entries = log_entries(&app).await;
    assert_eq!(checkpoint.size, 5, "key, three issuances, one revocation");
    assert_eq!(entries.len() as u64, checkpoint.size);
    assert_eq!(root_of_entries(&entries), checkpoint.root);

    for entry in &entries {
        let index = entry["leaf_index"].as_u64().expect("an index");
        let proof = inclusion_proof(&app, index, checkpoint.size).await;
        let data = entry["data"].as_str().expect("leaf data");
        proof
            .verify(&leaf_hash(data.as_bytes()), &checkpoint.root)
            .expect("every leaf is proven in the checkpoint");
        assert!(
            proof
                .verify(&leaf_hash(b"forged"), &checkpoint.root)
                .is_err()
        );
    }

    let path = format!(
        "/log/proof/consistency?from={}&to={}",
        early.size, checkpoint.size
    );
    let consistency: ConsistencyProof =
        serde_json::from_value(get_json(&app, &path).await).expect("a consistency proof");
    consistency
        .verify(&early.root, &checkpoint.root)
        .expect("the later tree extends the earlier one");
    assert!(
        consistency
            .verify(&leaf_hash(b"x"), &checkpoint.root)
            .is_err()
    );

    assert_verification_result_carries_log_evidence(&app, &did, &first).await;
}

/// The C2SP layout: origin, size, base64 root, a blank line, then `— origin signature`.
fn assert_checkpoint_layout(note: &str, checkpoint: &Checkpoint, did: &Value) {
    use base64::Engine;

    let lines: Vec<&str> = note.split('\n').collect();
    let origin = did["service"][0]["origin"].as_str().expect("origin");
    assert_eq!(lines[0], origin);
    assert_eq!(lines[1], checkpoint.size.to_string());
    let root = base64::engine::general_purpose::STANDARD
        .decode(lines[2])
        .expect("the root line is base64");
    assert_eq!(root, checkpoint.root.to_vec());
    assert_eq!(lines[3], "");
    assert!(
        lines[4].starts_with(&format!("\u{2014} {origin} ")),
        "{note}"
    );
}

fn root_of_entries(entries: &[Value]) -> tlog::Hash {
    let mut tree = MemoryStore::new();
    for entry in entries {
        let data = entry["data"].as_str().expect("leaf data");
        tree.append(leaf_hash(data.as_bytes())).expect("room");
    }
    tree.compact_range().root()
}

async fn assert_verification_result_carries_log_evidence(app: &TestApp, did: &Value, id: &str) {
    let result = verification_result(app, id).await;
    let evidence = &result["log"];
    let note = evidence["checkpoint"].as_str().expect("a checkpoint");
    let checkpoint = checkpoint_of(did, note).expect("the result's checkpoint verifies");
    let proof: InclusionProof =
        serde_json::from_value(evidence["inclusion_proof"].clone()).expect("a proof");
    assert_eq!(proof.tree_size, checkpoint.size);

    let leaf = canonicalize(&evidence["leaf"]).expect("the leaf canonicalizes");
    let rebuilt = issuance_leaf_of(&result["certificate"]).expect("the leaf rebuilds");
    assert_eq!(leaf, rebuilt, "the leaf is the certificate's issuance");
    proof
        .verify(&leaf_hash(&leaf), &checkpoint.root)
        .expect("the result's proof verifies against its checkpoint");
}

#[tokio::test]
async fn bad_log_queries_are_client_errors_not_crashes() {
    let app = spawn_app().await;
    let (farmer, auditor) = app.farmer_and_auditor();
    issue_certificate(&app, &farmer, &auditor).await;
    let (_, checkpoint) = latest_checkpoint(&app).await;
    let size = checkpoint.size;

    let bad = [
        (
            format!("/log/proof/inclusion?leaf_index={size}&tree_size={size}"),
            "leaf_index",
        ),
        (
            format!("/log/proof/inclusion?leaf_index=0&tree_size={}", size + 1),
            "tree_size",
        ),
        (
            "/log/proof/inclusion?leaf_index=abc&tree_size=2".to_owned(),
            "leaf_index",
        ),
        (
            "/log/proof/inclusion?leaf_index=-1&tree_size=2".to_owned(),
            "leaf_index",
        ),
        ("/log/proof/inclusion?tree_size=2".to_owned(), "leaf_index"),
        ("/log/proof/inclusion?leaf_index=0".to_owned(), "tree_size"),
        (format!("/log/proof/consistency?from={size}&to=1"), "from"),
        (
            format!("/log/proof/consistency?from=1&to={}", size + 1),
            "to",
        ),
        ("/log/proof/consistency?from=one&to=2".to_owned(), "from"),
        ("/log/proof/consistency?from=1".to_owned(), "to"),
        ("/log/entries?start=x".to_owned(), "start"),
    ];
    for (path, field) in bad {
        let response = app.get(&path, None).await;
        let status = response.status();
        assert!(
            status == StatusCode::BAD_REQUEST || status == StatusCode::UNPROCESSABLE_ENTITY,
            "{path} answered {status}"
        );
        let problem = assert_problem(response, status).await;
        assert_eq!(problem["errors"][0]["field"], field, "{path}");
    }
}

#[tokio::test]
async fn the_stored_log_matches_the_rfc_6962_reference_tree_at_every_size() {
    let vector: Value = serde_json::from_str(
        &std::fs::read_to_string(shared_dir().join("vectors/merkle/rfc6962-reference-tree.json"))
            .expect("the reference tree vector"),
    )
    .expect("the vector is JSON");
    let folder = tempfile::tempdir().expect("temp folder");
    let database = TestDatabase::create(folder.path(), "reference.sqlite3");
    let pool = zerolabel::startup::open_database(&database.url).expect("fresh database");
    let mut conn = pool.get().expect("connection");

    let (empty_size, empty_root) = current_head(&mut conn).expect("head of the empty log");
    assert_eq!(empty_size, 0);
    assert_eq!(hex::encode(empty_root), vector["empty_tree_root"]);
    let leaves = vector["leaves_hex"].as_array().expect("leaves");
    for (position, leaf) in leaves.iter().enumerate() {
        let data = hex::decode(leaf.as_str().expect("hex")).expect("hex decodes");
        let index = append_leaf_bytes(&mut conn, "reference", &data, None, now_seconds())
            .expect("the leaf is appended");
        assert_eq!(index, position as u64);

        let (size, root) = current_head(&mut conn).expect("head");
        assert_eq!(size, index + 1);
        assert_eq!(
            hex::encode(root),
            vector["roots_by_size_hex"][size.to_string()],
            "root at size {size}"
        );
    }

    assert_stored_proofs_lead_to_the_reference_roots(&mut conn, &vector);
}

/// Every past size keeps answering: the proof for each leaf at each size reaches that size's
/// reference root.
fn assert_stored_proofs_lead_to_the_reference_roots(
    conn: &mut zerolabel::db::DbConnection,
    vector: &Value,
) {
    let leaf_hashes = vector["leaf_hashes_hex"].as_array().expect("leaf hashes");
    for size in 1..=leaf_hashes.len() as u64 {
        let root: tlog::Hash = hex::decode(
            vector["roots_by_size_hex"][size.to_string()]
                .as_str()
                .expect("a root"),
        )
        .expect("hex")
        .try_into()
        .expect("32 bytes");
        for index in 0..size {
            let leaf: tlog::Hash = hex::decode(leaf_hashes[index as usize].as_str().expect("hex"))
                .expect("hex")
                .try_into()
                .expect("32 bytes");
            let proof = inclusion(conn, index, size).expect("a stored proof");
            proof
                .verify(&leaf, &root)
                .unwrap_or_else(|e| panic!("leaf {index} at size {size}: {e}"));
        }
    }
}

/// Everything the offline verifier needs, saved as files.
struct OfflineFiles {
    folder: tempfile::TempDir,
}

impl OfflineFiles {
    fn path(&self, name: &str) -> std::path::PathBuf {
        self.folder.path().join(name)
    }

    fn write(&self, name: &str, contents: &str) {
        std::fs::write(self.path(name), contents).expect("file written");
    }
}

async fn download_evidence(app: &TestApp, id: &str) -> OfflineFiles {
    let files = OfflineFiles {
        folder: tempfile::tempdir().expect("temp folder"),
    };
    let certificate = certificate_text(app, id).await;
    let list_url = serde_json::from_str::<Value>(&certificate).expect("json")["credentialStatus"]
        ["statusListCredential"]
        .as_str()
        .expect("a list URL")
        .to_owned();
    files.write("certificate.json", &certificate);
    files.write("did.json", &get_text(app, "/.well-known/did.json").await);
    files.write(
        "status.json",
        &app.get_json_url(&list_url)
            .await
            .text()
            .await
            .expect("list"),
    );

    let (note, checkpoint) = latest_checkpoint(app).await;
    let index = issuance_index(&log_entries(app).await, id);
    let proof = inclusion_proof(app, index, checkpoint.size).await;
    files.write("checkpoint.txt", &note);
    files.write(
        "proof.json",
        &serde_json::to_string(&proof).expect("a proof"),
    );
    files
}

/// `zerolabel verify` over the saved files, with the given proof and checkpoint file names and
/// extra arguments.
async fn verify_offline(
    files: &OfflineFiles,
    proof: &str,
    checkpoint: &str,
    extra: &[&str],
) -> Output {
    let mut command = args([
        OsString::from("verify"),
        files.path("certificate.json").into(),
        "--keys".into(),
        files.path("did.json").into(),
        "--status-list".into(),
        files.path("status.json").into(),
        "--proof".into(),
        files.path(proof).into(),
        "--checkpoint".into(),
        files.path(checkpoint).into(),
    ]);
    command.extend(args(extra.iter().copied()));
    zerolabel(command).await
}

fn document_time(document: &Value, field: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(document[field].as_str().expect("a time"))
        .expect("RFC 3339")
        .with_timezone(&Utc)
}

#[tokio::test]
async fn the_offline_verifier_checks_status_list_and_log_proof_from_files() {
    let app = spawn_app().await;
    let (farmer, auditor) = app.farmer_and_auditor();
    let id = issue_certificate(&app, &farmer, &auditor).await;
    let other = issue_certificate(&app, &farmer, &auditor).await;
    let files = download_evidence(&app, &id).await;

    let valid = verify_offline(&files, "proof.json", "checkpoint.txt", &[]).await;
    assert_eq!(first_line(&valid), "valid", "{}", stdout_of(&valid));
    assert!(stdout_of(&valid).contains("log: issuance proven"));
    assert_eq!(valid.status.code(), Some(0));

    let note = std::fs::read_to_string(files.path("checkpoint.txt")).expect("saved note");
    files.write("checkpoint-jq.txt", &format!("{note}\n\n"));
    let extra_newlines = verify_offline(&files, "proof.json", "checkpoint-jq.txt", &[]).await;
    assert_eq!(
        first_line(&extra_newlines),
        "valid",
        "a note saved with extra trailing newlines (jq -r) still verifies"
    );

    let document = certificate_json(&app, &id).await;
    let after = (document_time(&document, "validUntil") + chrono::Duration::days(1)).to_rfc3339();
    let expired = verify_offline(&files, "proof.json", "checkpoint.txt", &["--at", &after]).await;
    assert_eq!(first_line(&expired), "expired");
    assert_ne!(expired.status.code(), Some(0));
    let before = (document_time(&document, "validFrom") - chrono::Duration::days(1)).to_rfc3339();
    let early = verify_offline(&files, "proof.json", "checkpoint.txt", &["--at", &before]).await;
    assert_eq!(first_line(&early), "not_yet_valid");
    assert_ne!(early.status.code(), Some(0));

    assert_foreign_checkpoint_and_wrong_proof_fail(&app, &files, &other).await;

    revoke(&app, &id, "lot mixed with a neighbour's harvest", &auditor).await;
    let list_url = document["credentialStatus"]["statusListCredential"]
        .as_str()
        .expect("a list URL");
    let fresh_list = app.get_json_url(list_url).await.text().await.expect("list");
    files.write("status.json", &fresh_list);
    let revoked = verify_offline(&files, "proof.json", "checkpoint.txt", &[]).await;
    assert_eq!(first_line(&revoked), "revoked", "{}", stdout_of(&revoked));
    assert_eq!(revoked.status.code(), Some(1));
}

async fn assert_foreign_checkpoint_and_wrong_proof_fail(
    app: &TestApp,
    files: &OfflineFiles,
    other_id: &str,
) {
    let did = get_json(app, "/.well-known/did.json").await;
    let (_, checkpoint) = latest_checkpoint(app).await;
    let origin = did["service"][0]["origin"].as_str().expect("origin");
    let stranger = generate_signing_key().expect("a key");
    let body = checkpoint_body(origin, checkpoint.size, &checkpoint.root).expect("a body");
    files.write(
        "foreign.txt",
        &sign_note(&body, origin, &stranger).expect("signed"),
    );
    let foreign = verify_offline(files, "proof.json", "foreign.txt", &[]).await;
    assert_eq!(foreign.status.code(), Some(1), "{}", stdout_of(&foreign));
    assert!(stdout_of(&foreign).contains("log: NOT proven"));
    assert!(
        stdout_of(&foreign).starts_with("unknown\n"),
        "one status, and not valid"
    );

    let issuer_key = app.active_issuer_key();
    let other_body =
        checkpoint_body("other.example/log", checkpoint.size, &checkpoint.root).expect("a body");
    let other_log = sign_note(&other_body, origin, issuer_key.signing_key()).expect("signed");
    files.write("other-log.txt", &other_log);
    let wrong_log = verify_offline(files, "proof.json", "other-log.txt", &[]).await;
    assert_eq!(
        wrong_log.status.code(),
        Some(1),
        "{}",
        stdout_of(&wrong_log)
    );
    assert!(stdout_of(&wrong_log).contains("log: NOT proven"));
    assert!(
        stdout_of(&wrong_log).starts_with("unknown\n"),
        "one status, and not valid"
    );

    let other_index = issuance_index(&log_entries(app).await, other_id);
    let wrong = inclusion_proof(app, other_index, checkpoint.size).await;
    files.write(
        "wrong-proof.json",
        &serde_json::to_string(&wrong).expect("json"),
    );
    let mismatched = verify_offline(files, "wrong-proof.json", "checkpoint.txt", &[]).await;
    assert_eq!(
        mismatched.status.code(),
        Some(1),
        "{}",
        stdout_of(&mismatched)
    );
    assert!(stdout_of(&mismatched).contains("log: NOT proven"));
    assert!(
        stdout_of(&mismatched).starts_with("unknown\n"),
        "one status, and not valid"
    );
}

/// `zerolabel keys <command>` against the app's database and keys folder.
async fn keys_command(app: &TestApp, command: &[&str]) -> Output {
    let mut arguments = args(["keys"]);
    arguments.extend(args(command.iter().copied()));
    arguments.extend(args([
        OsString::from("--database-url"),
        app.database_url().into(),
        "--keys-dir".into(),
        app.folder.path().join("keys").into(),
    ]));
    let output = zerolabel(arguments).await;
    assert!(
        output.status.success(),
        "keys {command:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

fn signing_multikey(certificate: &Value) -> String {
    let proof = credential::verify_proof(certificate).expect("the proof verifies");
    credential::multikey(&proof.public_key)
}

/// Offline verification of a certificate with the did.json served now.
async fn offline_status(app: &TestApp, id: &str) -> String {
    let folder = tempfile::tempdir().expect("temp folder");
    let (certificate, did) = (folder.path().join("c.json"), folder.path().join("did.json"));
    std::fs::write(&certificate, certificate_text(app, id).await).expect("write");
    std::fs::write(&did, get_text(app, "/.well-known/did.json").await).expect("write");
    let output = zerolabel(args([
        OsString::from("verify"),
        certificate.into(),
        "--keys".into(),
        did.into(),
    ]))
    .await;
    first_line(&output)
}

#[tokio::test]
async fn after_a_key_rotation_old_certificates_verify_and_new_ones_use_the_new_key() {
    let app = spawn_app().await;
    let (farmer, auditor) = app.farmer_and_auditor();
    let old = issue_certificate(&app, &farmer, &auditor).await;
    let old_key = signing_multikey(&certificate_json(&app, &old).await);

    let rotated = keys_command(&app, &["rotate"]).await;
    assert!(stdout_of(&rotated).starts_with("new active key z6Mk"));
    let new = issue_certificate(&app, &farmer, &auditor).await;
    let new_key = signing_multikey(&certificate_json(&app, &new).await);
    assert_ne!(
        new_key, old_key,
        "the new approval is signed by the new key"
    );
    assert!(stdout_of(&rotated).contains(&new_key));

    let did = get_json(&app, "/.well-known/did.json").await;
    let methods = did["verificationMethod"].as_array().expect("keys");
    assert_eq!(methods.len(), 2);
    assert_eq!(methods[0]["publicKeyMultibase"], old_key.as_str());
    assert!(methods[0]["validFrom"].is_string() && methods[0]["validUntil"].is_string());
    assert_eq!(methods[1]["publicKeyMultibase"], new_key.as_str());
    assert!(methods[1]["validFrom"].is_string() && methods[1].get("validUntil").is_none());
    assert_eq!(
        did["service"][0]["noteVerifierKeys"]
            .as_array()
            .map(Vec::len),
        Some(2)
    );

    for id in [&old, &new] {
        assert_eq!(verification_result(&app, id).await["status"], "valid");
        assert_eq!(offline_status(&app, id).await, "valid");
    }
    let listed = stdout_of(&keys_command(&app, &["list"]).await);
    assert!(
        listed.contains(&old_key) && listed.contains(&new_key),
        "{listed}"
    );
    assert_key_leaves(&app, &[("key_added", &old_key), ("key_added", &new_key)]).await;
}

/// The key-change leaves, in log order, with the key each names.
async fn assert_key_leaves(app: &TestApp, expected: &[(&str, &str)]) {
    let entries = log_entries(app).await;
    let key_leaves: Vec<(String, String)> = entries
        .iter()
        .filter(|entry| {
            entry["kind"]
                .as_str()
                .is_some_and(|kind| kind.starts_with("key_"))
        })
        .map(|entry| {
            let data: Value = serde_json::from_str(entry["data"].as_str().expect("data"))
                .expect("leaf data is JSON");
            let key = data["public_key_multibase"].as_str().expect("a key");
            (
                entry["kind"].as_str().expect("kind").to_owned(),
                key.to_owned(),
            )
        })
        .collect();
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(kind, key)| ((*kind).to_owned(), (*key).to_owned()))
        .collect();
    assert_eq!(key_leaves, expected);
}

/// Waits until the clock has moved past `time` by a whole second.
async fn wait_past(time: DateTime<Utc>) {
    while now_seconds() <= time {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn a_compromised_key_is_distrusted_only_from_its_compromise_time() {
    let app = spawn_app().await;
    let (farmer, auditor) = app.farmer_and_auditor();
    let before = issue_certificate(&app, &farmer, &auditor).await;
    let old_key = signing_multikey(&certificate_json(&app, &before).await);
    let created = document_time(&certificate_json(&app, &before).await["proof"], "created");
    wait_past(created).await;
    let since = now_seconds();
    let after = issue_certificate(&app, &farmer, &auditor).await;
    wait_past(since).await;

    keys_command(&app, &["rotate"]).await;
    let since_text = since.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let marked = keys_command(
        &app,
        &["compromise", "--since", &since_text, "--key", &old_key],
    )
    .await;
    assert!(stdout_of(&marked).contains(&old_key));
    let replacement = issue_certificate(&app, &farmer, &auditor).await;

    assert_eq!(verification_result(&app, &before).await["status"], "valid");
    assert_eq!(offline_status(&app, &before).await, "valid");
    let after_result = verification_result(&app, &after).await;
    assert_eq!(
        after_result["status"], "signature_invalid",
        "the served result keeps to the statuses of product.md"
    );
    assert!(
        after_result["reason"]
            .as_str()
            .is_some_and(|reason| reason.contains("compromised")),
        "{after_result}"
    );
    assert_eq!(offline_status(&app, &after).await, "key_not_trusted");
    assert_eq!(
        verification_result(&app, &replacement).await["status"],
        "valid"
    );

    let did = get_json(&app, "/.well-known/did.json").await;
    assert_eq!(
        did["verificationMethod"][0]["revokedAt"],
        since_text.as_str()
    );
    let listed = stdout_of(&keys_command(&app, &["list"]).await);
    let old_line = listed
        .lines()
        .find(|line| line.contains(&old_key))
        .expect("old key listed");
    assert!(old_line.contains("COMPROMISED"), "{listed}");
    assert_eq!(listed.lines().count(), 2, "{listed}");
    let new_key = signing_multikey(&certificate_json(&app, &replacement).await);
    let expected = [
        ("key_added", old_key.as_str()),
        ("key_added", new_key.as_str()),
        ("key_compromised", old_key.as_str()),
    ];
    assert_key_leaves(&app, &expected).await;
}

async fn audit(app: &TestApp, extra: Vec<OsString>) -> Output {
    let mut command = args(["audit", "--url", app.address.as_str()]);
    command.extend(extra);
    zerolabel(command).await
}

#[tokio::test]
async fn the_audit_checks_a_deployment_and_its_consistency_with_a_saved_checkpoint() {
    let app = spawn_app().await;
    let (farmer, auditor) = app.farmer_and_auditor();
    let revoked = issue_certificate(&app, &farmer, &auditor).await;
    issue_certificate(&app, &farmer, &auditor).await;
    revoke(&app, &revoked, "wrong orchard", &auditor).await;
    let folder = tempfile::tempdir().expect("temp folder");
    let saved = folder.path().join("saved-checkpoint.txt");

    let first = audit(
        &app,
        args([OsString::from("--save-checkpoint"), saved.clone().into()]),
    )
    .await;
    let report = stdout_of(&first);
    assert_eq!(first.status.code(), Some(0), "{report}");
    assert!(
        report.contains("4 entries, checkpoint verified"),
        "{report}"
    );
    assert!(report.contains("certificates valid: 1"), "{report}");
    assert!(report.contains("certificates revoked: 1"), "{report}");
    assert!(report.contains("audit passed"));
    let (_, earlier) = latest_checkpoint(&app).await;
    let saved_note = std::fs::read_to_string(&saved).expect("the checkpoint was saved");
    let did = get_json(&app, "/.well-known/did.json").await;
    assert_eq!(
        checkpoint_of(&did, &saved_note).expect("it verifies"),
        earlier
    );

    issue_certificate(&app, &farmer, &auditor).await;
    let later = audit(&app, args([OsString::from("--checkpoint"), saved.into()])).await;
    assert_eq!(later.status.code(), Some(0), "{}", stdout_of(&later));
    assert!(stdout_of(&later).contains("5 entries"));
    assert!(
        stdout_of(&later).contains("log extends the saved checkpoint of 4 entries to 5"),
        "{}",
        stdout_of(&later)
    );

    assert_audit_catches_a_forked_log(&app, &earlier, folder.path()).await;
    assert_audit_refuses_a_checkpoint_by_another_key(&app, &earlier, folder.path()).await;
    assert_audit_catches_an_unlogged_certificate(&app, &revoked, folder.path()).await;
}

/// A checkpoint signed with the issuer's own key but for another tree of the same size: the
/// log has been rewritten, and the audit must say so.
async fn assert_audit_catches_a_forked_log(app: &TestApp, earlier: &Checkpoint, folder: &Path) {
    let issuer_key = app.active_issuer_key();
    let body = checkpoint_body(
        &earlier.origin,
        earlier.size,
        &leaf_hash(b"another history"),
    )
    .expect("a body");
    let forked = sign_note(&body, &earlier.origin, issuer_key.signing_key()).expect("signed");
    let path = folder.join("forked.txt");
    std::fs::write(&path, forked).expect("write");

    let output = audit(app, args([OsString::from("--checkpoint"), path.into()])).await;
    let report = stdout_of(&output);
    assert_eq!(output.status.code(), Some(1), "{report}");
    assert!(report.contains("does not extend the saved one"), "{report}");
    assert!(report.contains("audit failed"));
}

async fn assert_audit_refuses_a_checkpoint_by_another_key(
    app: &TestApp,
    earlier: &Checkpoint,
    folder: &Path,
) {
    let stranger = generate_signing_key().expect("a key");
    let body = checkpoint_body(&earlier.origin, earlier.size, &earlier.root).expect("a body");
    let path = folder.join("stranger.txt");
    std::fs::write(
        &path,
        sign_note(&body, &earlier.origin, &stranger).expect("signed"),
    )
    .expect("write");

    let output = audit(app, args([OsString::from("--checkpoint"), path.into()])).await;
    assert_ne!(output.status.code(), Some(0), "{}", stdout_of(&output));
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("not signed by any of the issuer"),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

async fn assert_audit_catches_an_unlogged_certificate(app: &TestApp, id: &str, folder: &Path) {
    let collected = folder.join("collected");
    std::fs::create_dir(&collected).expect("folder");
    let altered = change_one_digit_of_the_footprint(&certificate_text(app, id).await);
    std::fs::write(collected.join("altered.json"), altered).expect("write");

    let output = audit(
        app,
        args([OsString::from("--certificates"), collected.into()]),
    )
    .await;
    let report = stdout_of(&output);
    assert_eq!(output.status.code(), Some(1), "{report}");
    assert!(report.contains("has no leaf in the log"), "{report}");
}

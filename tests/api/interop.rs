//! Trust without our code: every one-byte change to a signed certificate is refused, small-order
//! keys are refused even with the signature a lenient verifier accepts, OpenSSL verifies an issued
//! certificate from the published key, and the README's standard-tools recipe works end to end.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use chrono::Utc;
use ed25519_dalek::{Signature, Verifier, VerifyingKey};
use reqwest::StatusCode;
use serde_json::Value;
use sha2::{Digest, Sha256};
use zerolabel::certificate::VerificationStatus;
use zerolabel::certificate::offline::{Evidence, verify_offline};

use crate::applications::change_one_digit_of_the_footprint;
use crate::helpers::{TestApp, spawn_app};

/// The DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410 section 4): the 32 key bytes follow.
const ED25519_SPKI_PREFIX: [u8; 12] = [
    0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
];

/// The multicodec prefix of an Ed25519 public key in a Multikey (`ed25519-pub`, 0xed 0x01).
const ED25519_MULTICODEC: [u8; 2] = [0xed, 0x01];

/// How many mutants go to the HTTP endpoint as well, spread evenly over the document.
const HTTP_SAMPLE: usize = 50;

/// The canonical encodings of the eight points of small order on edwards25519: the whole
/// 8-torsion subgroup. Source: the blocklist of `ge25519_has_small_order` in libsodium
/// (crypto_core/ed25519/ref10/ed25519_ref10.c), which lists the y coordinates and ignores the
/// sign bit of x; here each point is written out with its sign. The test below checks that each
/// is canonical and has an order dividing 8.
const SMALL_ORDER_POINTS: [&str; 8] = [
    // Order 1: the identity (0, 1).
    "0100000000000000000000000000000000000000000000000000000000000000",
    // Order 2: (0, -1).
    "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    // Order 4: (±sqrt(-1), 0).
    "0000000000000000000000000000000000000000000000000000000000000000",
    "0000000000000000000000000000000000000000000000000000000000000080",
    // Order 8: two y coordinates, each with both signs of x.
    "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
    "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85",
    "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
    "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa",
];

/// A certificate as the service serves it, with the issuer's DID document.
struct Issued {
    /// The certificate's id.
    id: String,
    /// The token of the auditor who approved it.
    auditor_token: String,
    /// The exact bytes of `GET /api/v1/certificates/{id}`.
    certificate: Vec<u8>,
    /// `/.well-known/did.json`, parsed.
    did: Value,
    /// `/.well-known/did.json`, as served.
    did_text: String,
}

async fn issue_certificate(app: &TestApp) -> Issued {
    let (farmer, auditor) = app.farmer_and_auditor();
    let approved = app.issue(&farmer, &auditor).await;
    let id = approved["certificate"]["id"]
        .as_str()
        .expect("certificate id")
        .to_owned();

    let response = app.get(&format!("/api/v1/certificates/{id}"), None).await;
    assert_eq!(response.status(), StatusCode::OK);
    let certificate = response.bytes().await.expect("certificate body").to_vec();

    let did_text = app
        .get("/.well-known/did.json", None)
        .await
        .text()
        .await
        .expect("did.json body");
    let did = serde_json::from_str(&did_text).expect("did.json is JSON");

    Issued {
        id,
        auditor_token: auditor.token,
        certificate,
        did,
        did_text,
    }
}

/// The status `zerolabel verify --keys did.json` would report for these bytes, or `None` when
/// they are not JSON (the command refuses them before judging).
fn offline_status(bytes: &[u8], did: &Value) -> Option<VerificationStatus> {
    let document: Value = serde_json::from_slice(bytes).ok()?;
    let evidence = Evidence {
        did_document: Some(did),
        ..Evidence::default()
    };

    let report = verify_offline(&document, evidence, Utc::now()).expect("no status list given");
    Some(report.verdict.status)
}

// ---------------------------------------------------------------------------------------------
// 1. Every one-byte change is refused.
// ---------------------------------------------------------------------------------------------

/// For each byte, whether it lies inside a JSON string (between its quotes, escapes included).
fn inside_string_map(document: &[u8]) -> Vec<bool> {
    let mut map = Vec::with_capacity(document.len());
    let (mut in_string, mut escaped) = (false, false);

    for &byte in document {
        let opening_or_closing_quote = byte == b'"' && !escaped;
        map.push(in_string && !opening_or_closing_quote);

        if in_string && escaped {
            escaped = false;
        } else if in_string && byte == b'\\' {
            escaped = true;
        } else if opening_or_closing_quote {
            in_string = !in_string;
        }
    }
    map
}

/// Another byte of the same kind where possible (digit for digit, letter for letter), so most
/// mutants stay well-formed JSON and reach the signature check; structure becomes other structure.
fn replacement_byte(byte: u8, inside_string: bool) -> u8 {
    match byte {
        b'9' => b'0',
        b'0'..=b'8' => byte + 1,
        b'z' => b'a',
        b'a'..=b'y' => byte + 1,
        b'Z' => b'A',
        b'A'..=b'Y' => byte + 1,
        0x80..=0xff => byte ^ 0x01,
        b'-' if inside_string => b'_',
        _ if inside_string => b'-',
        b'{' => b'[',
        b'[' => b'{',
        b'}' => b']',
        b']' => b'}',
        b':' => b',',
        b',' => b':',
        b'"' => b'\'',
        _ => b'x',
    }
}

/// Whitespace between tokens carries no meaning, so changing it to other whitespace is no
/// mutation at all; such positions are skipped and counted.
fn is_insignificant_whitespace(byte: u8, inside_string: bool) -> bool {
    !inside_string && matches!(byte, b' ' | b'\t' | b'\n' | b'\r')
}

/// The document with the byte at `position` changed.
fn mutant(document: &[u8], position: usize, inside_string: bool) -> Vec<u8> {
    let mut changed = document.to_vec();
    changed[position] = replacement_byte(document[position], inside_string);
    changed
}

/// Tallies of what happened to the mutants.
#[derive(Debug, Default)]
struct MutationReport {
    checked: usize,
    skipped_whitespace: usize,
    /// Mutants of bytes between tokens (structure, numbers, literals) that are no longer JSON.
    structure_not_json: usize,
    /// Mutants of bytes inside strings that are no longer JSON (a broken escape or UTF-8).
    string_not_json: usize,
    /// Positions inside strings, whose mutants should all reach the verifier.
    string_positions: usize,
    statuses: BTreeMap<&'static str, usize>,
}

fn judge_every_mutant(document: &[u8], did: &Value) -> MutationReport {
    let mut report = MutationReport::default();

    for (position, inside_string) in inside_string_map(document).into_iter().enumerate() {
        if is_insignificant_whitespace(document[position], inside_string) {
            report.skipped_whitespace += 1;
            continue;
        }
        let changed = mutant(document, position, inside_string);
        assert_ne!(changed, document, "position {position} was not changed");
        report.checked += 1;
        report.string_positions += usize::from(inside_string);

        let Some(status) = offline_status(&changed, did) else {
            match inside_string {
                true => report.string_not_json += 1,
                false => report.structure_not_json += 1,
            }
            continue;
        };
        assert_ne!(status, VerificationStatus::Valid, "byte {position}");
        *report.statuses.entry(status.as_str()).or_default() += 1;
    }
    report
}

#[tokio::test]
async fn every_one_byte_change_to_an_issued_certificate_is_refused() {
    let app = spawn_app().await;
    let issued = issue_certificate(&app).await;
    let document = issued.certificate.as_slice();
    assert_eq!(
        offline_status(document, &issued.did),
        Some(VerificationStatus::Valid),
        "the unchanged certificate verifies"
    );

    let report = judge_every_mutant(document, &issued.did);

    eprintln!("mutation report: {} bytes, {report:?}", document.len());
    assert_eq!(report.checked + report.skipped_whitespace, document.len());
    let judged: usize = report.statuses.values().sum();
    let not_json = report.structure_not_json + report.string_not_json;
    assert_eq!(judged + not_json, report.checked);
    assert_eq!(
        report.string_not_json, 0,
        "every change inside a string must reach the verifier, not just fail to parse"
    );
    assert!(judged >= report.string_positions, "{report:?}");
}

#[tokio::test]
async fn sampled_one_byte_changes_posted_to_the_verify_endpoint_are_never_valid() {
    let app = spawn_app().await;
    let issued = issue_certificate(&app).await;
    let document = issued.certificate.as_slice();
    let inside = inside_string_map(document);
    let original = post_verify(&app, document).await;
    assert_eq!(original.0, StatusCode::OK);
    assert_eq!(original.1["status"], "valid");

    let mut judged_invalid = 0;
    for sample in 0..HTTP_SAMPLE {
        let position = sample * document.len() / HTTP_SAMPLE;
        let (status, body) = post_verify(&app, &mutant(document, position, inside[position])).await;

        assert!(
            !status.is_server_error(),
            "byte {position}: {status} {body}"
        );
        assert_ne!(body["status"], "valid", "byte {position}: {body}");
        if status == StatusCode::OK {
            assert_eq!(
                body["status"], "signature_invalid",
                "byte {position}: {body}"
            );
            judged_invalid += 1;
        }
    }

    assert!(
        judged_invalid * 2 > HTTP_SAMPLE,
        "only {judged_invalid} reached the verifier"
    );
}

async fn post_verify(app: &TestApp, body: &[u8]) -> (StatusCode, Value) {
    let response = app
        .client
        .post(format!("{}/api/v1/verify", app.address))
        .header("Content-Type", "application/json")
        .body(body.to_vec())
        .send()
        .await
        .expect("request sent");
    let status = response.status();
    let text = response.text().await.expect("body");

    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

// ---------------------------------------------------------------------------------------------
// 2. Small-order keys.
// ---------------------------------------------------------------------------------------------

fn small_order_points() -> Vec<[u8; 32]> {
    SMALL_ORDER_POINTS
        .iter()
        .map(|text| {
            hex::decode(text)
                .expect("hex")
                .try_into()
                .expect("32 bytes")
        })
        .collect()
}

fn multikey_of(bytes: &[u8; 32]) -> String {
    let mut prefixed = ED25519_MULTICODEC.to_vec();
    prefixed.extend_from_slice(bytes);

    format!("z{}", bs58::encode(prefixed).into_string())
}

/// The signature (R = identity, S = 0): it satisfies a cofactored check under any small-order
/// key, and the plain check under the identity key, for every message.
fn identity_signature() -> [u8; 64] {
    let mut signature = [0u8; 64];
    signature[0] = 1;
    signature
}

/// The certificate re-signed, in form only, with a small-order key and the identity signature.
fn forged_with_small_order_key(certificate: &Value, point: &[u8; 32]) -> Value {
    let key = multikey_of(point);
    let mut forged = certificate.clone();
    let proof = forged["proof"].as_object_mut().expect("proof object");

    proof.insert(
        "verificationMethod".into(),
        Value::String(format!("did:key:{key}#{key}")),
    );
    proof.insert(
        "proofValue".into(),
        Value::String(format!(
            "z{}",
            bs58::encode(identity_signature()).into_string()
        )),
    );
    forged
}

#[test]
fn the_small_order_list_is_the_whole_eight_torsion_subgroup() {
    let points = small_order_points();
    let identity = points[0];

    for bytes in &points {
        let point = VerifyingKey::from_bytes(bytes)
            .expect("a point on the curve")
            .to_edwards();
        let twice = point + point;
        let four_times = twice + twice;
        let eight_times = four_times + four_times;

        assert_eq!(point.compress().to_bytes(), *bytes, "canonical encoding");
        assert_eq!(
            eight_times.compress().to_bytes(),
            identity,
            "order divides 8"
        );
    }
    let distinct: std::collections::BTreeSet<_> = points.iter().collect();
    assert_eq!(distinct.len(), 8);
}

#[tokio::test]
async fn a_certificate_naming_a_small_order_key_is_never_valid() {
    let app = spawn_app().await;
    let issued = issue_certificate(&app).await;
    let certificate: Value = serde_json::from_slice(&issued.certificate).expect("JSON");
    let hash_data = signed_message(&certificate);
    let identity_key = VerifyingKey::from_bytes(&small_order_points()[0]).expect("a point");
    identity_key
        .verify(&hash_data, &Signature::from_bytes(&identity_signature()))
        .expect("a lenient Ed25519 check accepts the forgery under the identity key");

    for point in small_order_points() {
        let forged = forged_with_small_order_key(&certificate, &point);
        let hex_point = hex::encode(point);

        for did in [Some(&issued.did), None] {
            let evidence = Evidence {
                did_document: did,
                ..Evidence::default()
            };
            let verdict = verify_offline(&forged, evidence, Utc::now())
                .expect("no status list")
                .verdict;
            assert!(
                matches!(
                    verdict.status,
                    VerificationStatus::SignatureInvalid | VerificationStatus::KeyNotTrusted
                ),
                "{hex_point}: {verdict:?}"
            );
            assert!(
                verdict.reason.contains("weak"),
                "{hex_point}: {}",
                verdict.reason
            );
        }

        let (status, body) = post_verify(&app, forged.to_string().as_bytes()).await;
        assert_eq!(status, StatusCode::OK, "{hex_point}: {body}");
        assert_eq!(body["status"], "signature_invalid", "{hex_point}: {body}");
    }
}

// ---------------------------------------------------------------------------------------------
// 3. OpenSSL verifies an issued certificate from the published key.
// ---------------------------------------------------------------------------------------------

/// SHA-256(JCS(proof without proofValue)) || SHA-256(JCS(document without proof)), built with
/// plain library calls, not the project's proof code.
fn signed_message(certificate: &Value) -> Vec<u8> {
    let mut document = certificate.clone();
    let mut proof = document
        .as_object_mut()
        .expect("object")
        .remove("proof")
        .expect("a proof");
    proof.as_object_mut().expect("object").remove("proofValue");

    let proof_hash = Sha256::digest(serde_json_canonicalizer::to_vec(&proof).expect("JCS"));
    let document_hash = Sha256::digest(serde_json_canonicalizer::to_vec(&document).expect("JCS"));
    [proof_hash.as_slice(), document_hash.as_slice()].concat()
}

fn signature_bytes(certificate: &Value) -> Vec<u8> {
    let proof_value = certificate["proof"]["proofValue"].as_str().expect("string");
    let base58 = proof_value.strip_prefix('z').expect("multibase base58btc");

    bs58::decode(base58).into_vec().expect("base58")
}

/// The 32 key bytes the issuer publishes for the key the proof names.
fn published_key_bytes(certificate: &Value, did: &Value) -> Vec<u8> {
    let method = certificate["proof"]["verificationMethod"]
        .as_str()
        .expect("string");
    let (_, fragment) = method.split_once('#').expect("did:key:…#fragment");
    let listed = did["verificationMethod"]
        .as_array()
        .expect("a key list")
        .iter()
        .find(|entry| entry["publicKeyMultibase"] == fragment)
        .expect("the issuer lists the proof's key");
    let multikey = listed["publicKeyMultibase"].as_str().expect("string");

    let bytes = bs58::decode(&multikey[1..]).into_vec().expect("base58");
    assert_eq!(&bytes[..2], ED25519_MULTICODEC, "an Ed25519 multikey");
    bytes[2..].to_vec()
}

fn public_key_pem(key: &[u8]) -> String {
    let der = [ED25519_SPKI_PREFIX.as_slice(), key].concat();

    format!(
        "-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----\n",
        BASE64.encode(der)
    )
}

fn path_text(path: &Path) -> &str {
    path.to_str().expect("temporary paths are UTF-8")
}

fn openssl_verify(folder: &Path, certificate: &Value, did: &Value) -> Output {
    let (key, message, signature) = (
        folder.join("pub.pem"),
        folder.join("msg.bin"),
        folder.join("sig.bin"),
    );
    std::fs::write(&key, public_key_pem(&published_key_bytes(certificate, did))).expect("write");
    std::fs::write(&message, signed_message(certificate)).expect("write");
    std::fs::write(&signature, signature_bytes(certificate)).expect("write");

    Command::new("openssl")
        .args([
            "pkeyutl",
            "-verify",
            "-pubin",
            "-inkey",
            path_text(&key),
            "-rawin",
        ])
        .args([
            "-in",
            path_text(&message),
            "-sigfile",
            path_text(&signature),
        ])
        .output()
        .expect("openssl 3.0 or later is installed (the interop tests need it)")
}

#[tokio::test]
async fn openssl_verifies_an_issued_certificate_from_the_published_key() {
    let app = spawn_app().await;
    let issued = issue_certificate(&app).await;
    let text = String::from_utf8(issued.certificate).expect("UTF-8");
    let certificate: Value = serde_json::from_str(&text).expect("JSON");
    let tampered: Value =
        serde_json::from_str(&change_one_digit_of_the_footprint(&text)).expect("JSON");
    let folder = tempfile::tempdir().expect("temporary folder");

    let genuine = openssl_verify(folder.path(), &certificate, &issued.did);
    let altered = openssl_verify(folder.path(), &tampered, &issued.did);

    let genuine_out = String::from_utf8_lossy(&genuine.stdout);
    assert!(genuine.status.success(), "{genuine:?}");
    assert!(
        genuine_out.contains("Signature Verified Successfully"),
        "{genuine_out}"
    );
    let altered_out = String::from_utf8_lossy(&altered.stdout);
    assert!(!altered.status.success(), "{altered:?}");
    assert!(
        altered_out.contains("Signature Verification Failure"),
        "{altered_out}"
    );
}

// ---------------------------------------------------------------------------------------------
// 4. The README recipe: python3 (standard library) and openssl.
// ---------------------------------------------------------------------------------------------

fn recipe_script() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scripts/verify-label.py")
}

fn run_recipe(certificate: &Path, did: &Path, status_list: Option<&Path>) -> Output {
    let mut command = Command::new("python3");
    command.arg(recipe_script()).arg(certificate).arg(did);
    if let Some(list) = status_list {
        command.arg("--status-list").arg(list);
    }

    command
        .output()
        .expect("python3 is installed (the README recipe test needs it)")
}

#[tokio::test]
async fn the_readme_recipe_accepts_an_issued_certificate_and_refuses_a_tampered_one() {
    let app = spawn_app().await;
    let issued = issue_certificate(&app).await;
    let text = String::from_utf8(issued.certificate).expect("UTF-8");
    let folder = tempfile::tempdir().expect("temporary folder");
    let (good, bad, did) = (
        folder.path().join("certificate.json"),
        folder.path().join("tampered.json"),
        folder.path().join("did.json"),
    );
    std::fs::write(&good, &text).expect("write");
    std::fs::write(&bad, change_one_digit_of_the_footprint(&text)).expect("write");
    std::fs::write(&did, &issued.did_text).expect("write");

    let accepted = run_recipe(&good, &did, None);
    let refused = run_recipe(&bad, &did, None);

    let accepted_out = String::from_utf8_lossy(&accepted.stdout);
    assert_eq!(accepted.status.code(), Some(0), "{accepted:?}");
    assert!(accepted_out.starts_with("valid"), "{accepted_out}");
    let refused_out = String::from_utf8_lossy(&refused.stdout);
    assert_eq!(refused.status.code(), Some(1), "{refused:?}");
    assert!(
        refused_out.starts_with("signature_invalid"),
        "{refused_out}"
    );
}

/// The signed status list the certificate names, as served.
async fn status_list_of(app: &TestApp, certificate: &Value) -> String {
    let url = certificate["credentialStatus"]["statusListCredential"]
        .as_str()
        .expect("a status list URL");
    let response = app.client.get(url).send().await.expect("sent");
    assert_eq!(response.status(), StatusCode::OK, "{url}");

    response.text().await.expect("status list body")
}

#[tokio::test]
async fn the_readme_recipe_reads_revocation_from_the_signed_status_list() {
    let app = spawn_app().await;
    let issued = issue_certificate(&app).await;
    let certificate: Value = serde_json::from_slice(&issued.certificate).expect("JSON");
    let folder = tempfile::tempdir().expect("temporary folder");
    let (file, did, list) = (
        folder.path().join("certificate.json"),
        folder.path().join("did.json"),
        folder.path().join("status.json"),
    );
    std::fs::write(&file, &issued.certificate).expect("write");
    std::fs::write(&did, &issued.did_text).expect("write");
    std::fs::write(&list, status_list_of(&app, &certificate).await).expect("write");
    let before = run_recipe(&file, &did, Some(&list));

    let revoke = format!("/api/v1/certificates/{}/revoke", issued.id);
    let reason = serde_json::json!({"reason": "yield overstated"});
    let revoked = app
        .post_json(&revoke, &reason, Some(&issued.auditor_token))
        .await;
    assert_eq!(revoked.status(), StatusCode::OK);
    std::fs::write(&list, status_list_of(&app, &certificate).await).expect("write");
    let after = run_recipe(&file, &did, Some(&list));

    assert_eq!(before.status.code(), Some(0), "{before:?}");
    assert!(String::from_utf8_lossy(&before.stdout).starts_with("valid"));
    assert_eq!(after.status.code(), Some(1), "{after:?}");
    assert!(String::from_utf8_lossy(&after.stdout).starts_with("revoked"));
}

/// The fenced code blocks of one language in the README's "Verify a label yourself" section.
fn readme_recipe_blocks(language: &str) -> Vec<String> {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("README.md is readable");
    let (_, section) = readme
        .split_once("\n## Verify a label yourself\n")
        .expect("the README has the section");
    let section = section.split("\n## ").next().unwrap_or(section);

    let fence = format!("```{language}\n");
    section
        .split(&fence)
        .skip(1)
        .map(|rest| rest.split("```").next().unwrap_or(rest).to_owned())
        .collect()
}

fn run_in(folder: &Path, program: &str, arguments: &[&str]) -> Output {
    Command::new(program)
        .args(arguments)
        .current_dir(folder)
        .output()
        .unwrap_or_else(|error| panic!("{program} could not run: {error}"))
}

/// Runs the README's by-hand steps (the Python block, then the openssl command) in `folder`.
fn run_readme_by_hand_steps(folder: &Path) -> Output {
    let [python] = readme_recipe_blocks("python")
        .try_into()
        .expect("one Python block");
    let openssl = readme_recipe_blocks("sh")
        .into_iter()
        .find(|block| block.trim_start().starts_with("openssl pkeyutl"))
        .expect("an openssl pkeyutl block");

    let prepared = run_in(folder, "python3", &["-c", &python]);
    assert!(prepared.status.success(), "the Python step: {prepared:?}");
    run_in(folder, "sh", &["-c", &openssl])
}

#[tokio::test]
async fn the_readme_by_hand_steps_verify_an_issued_certificate_with_openssl() {
    let app = spawn_app().await;
    let issued = issue_certificate(&app).await;
    let text = String::from_utf8(issued.certificate).expect("UTF-8");
    let (genuine, tampered) = (
        tempfile::tempdir().expect("temporary folder"),
        tempfile::tempdir().expect("temporary folder"),
    );
    for (folder, certificate) in [
        (&genuine, text.clone()),
        (&tampered, change_one_digit_of_the_footprint(&text)),
    ] {
        std::fs::write(folder.path().join("certificate.json"), certificate).expect("write");
        std::fs::write(folder.path().join("did.json"), &issued.did_text).expect("write");
    }

    let accepted = run_readme_by_hand_steps(genuine.path());
    let refused = run_readme_by_hand_steps(tampered.path());

    let accepted_out = String::from_utf8_lossy(&accepted.stdout);
    assert!(accepted.status.success(), "{accepted:?}");
    assert!(
        accepted_out.contains("Signature Verified Successfully"),
        "{accepted_out}"
    );
    assert!(!refused.status.success(), "{refused:?}");
    assert!(String::from_utf8_lossy(&refused.stdout).contains("Signature Verification Failure"));
}

/// The issuer's did.json with every `did:web:…` id moved to a look-alike site, keys unchanged.
fn did_of_a_look_alike(did_text: &str) -> String {
    let did: Value = serde_json::from_str(did_text).expect("did.json");
    let genuine = did["id"].as_str().expect("id").to_owned();
    did_text.replace(&genuine, "did:web:labels.look-alike.example")
}

#[tokio::test]
async fn a_did_json_of_another_issuer_vouches_for_nothing_offline() {
    let app = spawn_app().await;
    let issued = issue_certificate(&app).await;
    let folder = tempfile::tempdir().expect("temporary folder");
    let (certificate, did) = (
        folder.path().join("certificate.json"),
        folder.path().join("did.json"),
    );
    std::fs::write(&certificate, &issued.certificate).expect("write");
    std::fs::write(&did, did_of_a_look_alike(&issued.did_text)).expect("write");

    let recipe = run_recipe(&certificate, &did, None);
    let recipe_out = String::from_utf8_lossy(&recipe.stdout);
    assert_eq!(recipe.status.code(), Some(1), "{recipe:?}");
    assert!(recipe_out.starts_with("key_not_trusted"), "{recipe_out}");

    let ours = Command::new(env!("CARGO_BIN_EXE_zerolabel"))
        .arg("verify")
        .arg(&certificate)
        .arg("--keys")
        .arg(&did)
        .output()
        .expect("verify runs");
    let ours_out = String::from_utf8_lossy(&ours.stdout);
    assert_eq!(ours.status.code(), Some(1), "{ours:?}");
    assert!(
        ours_out.starts_with("key_not_trusted") && ours_out.contains("look-alike"),
        "{ours_out}"
    );
}

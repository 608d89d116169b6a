//! The whole flow over HTTP: calculate, apply, submit, approve, fetch, verify, scan.

use ed25519_dalek::{Signature, VerifyingKey};
use reqwest::StatusCode;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use zerolabel::certificate::{VerificationStatus, evaluate};
use zerolabel::keys::trusted_keys_from_did_document;

use crate::helpers::{chestnut_application, spawn_app};

#[tokio::test]
async fn a_batch_goes_from_application_to_a_label_a_buyer_can_scan() {
    let app = spawn_app().await;
    let (farmer, auditor) = app.farmer_and_auditor();

    let calculated = app
        .calculate(&chestnut_application(&farmer)["activity"])
        .await;
    assert_eq!(calculated.status(), StatusCode::OK);
    let report: Value = calculated.json().await.expect("json");
    assert_eq!(report["method_id"], "cfp-farmgate-v1");

    let created = app
        .create_application(&farmer, &chestnut_application(&farmer))
        .await;
    assert_eq!(created["status"], "draft");
    assert_eq!(
        created["result"]["gross_kg_co2e_per_kg"],
        report["gross_kg_co2e_per_kg"]
    );
    let id = created["id"].as_str().expect("id");

    let submitted: Value = app
        .act(id, "submit", &json!({}), &farmer.token)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(submitted["status"], "submitted");
    let approved = app
        .act(
            id,
            "approve",
            &json!({"note": "site visit 2026-10-02"}),
            &auditor.token,
        )
        .await;
    assert_eq!(approved.status(), StatusCode::OK);
    let approved: Value = approved.json().await.expect("json");
    assert_eq!(approved["status"], "approved");

    let certificate_id = approved["certificate"]["id"]
        .as_str()
        .expect("certificate id");
    let response = app
        .get(&format!("/api/v1/certificates/{certificate_id}"), None)
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let certificate: Value = response.json().await.expect("certificate JSON");
    let did: Value = app
        .get("/.well-known/did.json", None)
        .await
        .json()
        .await
        .expect("did");

    assert_certificate_format(&certificate, &report);
    let keys = trusted_keys_from_did_document(&did);
    let verdict = evaluate(&certificate, Some(&keys), false, chrono::Utc::now());
    assert_eq!(
        verdict.status,
        VerificationStatus::Valid,
        "{}",
        verdict.reason
    );
    recompute_proof_from_first_principles(&certificate, &did);

    let png = app
        .get(
            &format!("/api/v1/certificates/{certificate_id}/qr.png?px=6"),
            None,
        )
        .await;
    assert_eq!(png.headers()["content-type"], "image/png");
    let scanned_url = decode_qr(&png.bytes().await.expect("png"));
    // The code carries the verification URL, upper-cased when that gives a smaller code.
    let verify_url = approved["certificate"]["verify_url"].as_str().expect("url");
    assert!(
        scanned_url.eq_ignore_ascii_case(verify_url),
        "{scanned_url} against {verify_url}"
    );

    let scan: Value = app
        .get_json_url(&scanned_url)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(scan["status"], "valid");
    assert_eq!(scan["certificate"], certificate);
    let page = app
        .client
        .get(&scanned_url)
        .header("Accept-Language", "en")
        .send()
        .await
        .expect("page");
    let html = page.text().await.expect("html");
    assert!(
        html.contains("Valid") && html.contains("Jinpoluo chestnuts"),
        "{html}"
    );
}

fn assert_certificate_format(certificate: &Value, report: &Value) {
    assert_eq!(
        certificate["@context"][0],
        "https://www.w3.org/ns/credentials/v2"
    );
    assert_eq!(
        certificate["type"],
        json!(["VerifiableCredential", "CarbonLabelCredential"])
    );
    assert!(
        certificate["id"]
            .as_str()
            .expect("id")
            .starts_with("urn:uuid:")
    );
    assert!(
        certificate["issuer"]["id"]
            .as_str()
            .expect("issuer")
            .starts_with("did:web:")
    );
    assert_eq!(certificate["proof"]["cryptosuite"], "eddsa-jcs-2022");
    let method = certificate["proof"]["verificationMethod"]
        .as_str()
        .expect("method");
    assert!(method.starts_with("did:key:z6Mk"));

    let footprint = &certificate["credentialSubject"]["footprint"];
    let gross = footprint["gross_kg_co2e_per_kg"]
        .as_str()
        .expect("a decimal string, not a float");
    let reported = report["gross_kg_co2e_per_kg"].as_f64().expect("number");
    assert!((gross.parse::<f64>().expect("decimal") - reported).abs() < 1e-9);
    assert_eq!(footprint["factor_set_id"], "factors-2026.1");
    assert_eq!(
        certificate["credentialSubject"]["label"]["tier"],
        report["tier"]
    );
}

/// Checks the signature without the project's verifier: JCS, SHA-256 and Ed25519 over the key
/// the issuer publishes (vc-di-eddsa, eddsa-jcs-2022).
fn recompute_proof_from_first_principles(certificate: &Value, did: &Value) {
    let mut document = certificate.clone();
    let mut proof = document
        .as_object_mut()
        .expect("object")
        .remove("proof")
        .expect("proof");
    let proof_value = proof
        .as_object_mut()
        .expect("object")
        .remove("proofValue")
        .expect("value");

    let canonical_proof = serde_json_canonicalizer::to_vec(&proof).expect("jcs");
    let canonical_document = serde_json_canonicalizer::to_vec(&document).expect("jcs");
    let mut signed_bytes = Sha256::digest(&canonical_proof).to_vec();
    signed_bytes.extend_from_slice(&Sha256::digest(&canonical_document));

    let published = did["verificationMethod"][0]["publicKeyMultibase"]
        .as_str()
        .expect("key");
    let key_bytes = bs58::decode(&published[1..]).into_vec().expect("base58");
    assert_eq!(&key_bytes[..2], &[0xed, 0x01], "Ed25519 multicodec prefix");
    let key = VerifyingKey::from_bytes(&key_bytes[2..].try_into().expect("32 bytes")).expect("key");

    let signature_text = proof_value.as_str().expect("string");
    assert!(signature_text.starts_with('z'), "multibase base58btc");
    let signature_bytes = bs58::decode(&signature_text[1..])
        .into_vec()
        .expect("base58");
    let signature = Signature::from_slice(&signature_bytes).expect("64 bytes");
    key.verify_strict(&signed_bytes, &signature)
        .expect("signature verifies over the published key");
}

fn decode_qr(png: &[u8]) -> String {
    let image = image::load_from_memory(png).expect("png").to_luma8();
    let mut prepared = rqrr::PreparedImage::prepare(image);
    let grids = prepared.detect_grids();
    assert_eq!(grids.len(), 1);
    grids[0].decode().expect("decodes").1
}

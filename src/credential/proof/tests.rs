//! Tests for `proof`: the W3C eddsa-jcs-2022 vectors step by step, tampering, malformed proofs,
//! and the RFC 8032 Ed25519 vectors that the signatures rest on.

use chrono::{DateTime, TimeZone, Utc};
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::*;
use crate::credential::jcs::canonicalize;
use crate::credential::multikey::multikey;
use crate::credential::test_support::{read_json_vector, read_text_vector, read_vector};

const SUITE_FOLDER: &str = "vc-di-eddsa/eddsa-jcs-2022";

/// Multicodec `ed25519-priv` (0x1300) as a varint: the prefix of `privateKeyMultibase`.
const ED25519_PRIVATE_KEY_CODEC: [u8; 2] = [0x80, 0x26];

fn suite_file(name: &str) -> String {
    format!("{SUITE_FOLDER}/{name}")
}

/// The signing key of the W3C vectors, decoded from its multibase, multicodec form.
fn w3c_signing_key() -> SigningKey {
    let key_pair = read_json_vector("vc-di-eddsa/keyPair.json");
    let text = key_pair["privateKeyMultibase"].as_str().expect("a string");
    let bytes = bs58::decode(text.strip_prefix('z').expect("base58btc"))
        .into_vec()
        .expect("valid base58");
    let seed = bytes
        .strip_prefix(&ED25519_PRIVATE_KEY_CODEC)
        .expect("ed25519-priv prefix");

    SigningKey::from_bytes(seed.try_into().expect("32 bytes"))
}

/// The `created` time of the W3C vectors.
fn w3c_created() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2023, 2, 24, 23, 36, 38)
        .single()
        .expect("a valid time")
}

fn signed_vector() -> Value {
    read_json_vector(&suite_file("signedJCS.json"))
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// A label-like credential with non-ASCII text, signed by a fixed key.
fn signed_label() -> (Value, SigningKey) {
    let key = SigningKey::from_bytes(&[42; 32]);
    let document = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": "urn:uuid:0b6a4c1e-8f7d-4a53-9a51-3c0f7a9e2d11",
        "type": ["VerifiableCredential", "CarbonLabelCredential"],
        "issuer": {"id": "did:web:labels.example", "name": "零碳标签"},
        "validFrom": "2026-03-01T00:00:00Z",
        "credentialSubject": {"product": {"name": "高山茶", "lot": "L-07"}, "netPerKg": "0.409568"}
    });
    let created = Utc
        .with_ymd_and_hms(2026, 3, 1, 8, 0, 0)
        .single()
        .expect("valid");

    (add_proof(&document, &key, created).expect("signs"), key)
}

fn set_proof_field(secured: &mut Value, field: &str, value: Value) {
    secured["proof"]
        .as_object_mut()
        .expect("the proof is an object")
        .insert(field.to_owned(), value);
}

fn signature_of(secured: &Value) -> [u8; 64] {
    let text = secured["proof"]["proofValue"].as_str().expect("a string");

    bs58::decode(&text[1..])
        .into_vec()
        .expect("base58")
        .try_into()
        .expect("64 bytes")
}

fn encode_signature(bytes: &[u8]) -> Value {
    Value::String(format!("z{}", bs58::encode(bytes).into_string()))
}

#[test]
fn the_w3c_document_canonicalises_to_the_published_bytes() {
    let unsigned = read_json_vector("vc-di-eddsa/unsigned.json");
    let expected = read_vector(&suite_file("canonDocJCS.txt"));

    let canonical = canonicalize(&unsigned).expect("canonicalises");

    assert_eq!(canonical, expected);
    assert_eq!(
        sha256_hex(&canonical),
        read_text_vector(&suite_file("docHashJCS.txt"))
    );
}

#[test]
fn our_proof_options_equal_the_w3c_proof_config_and_its_canonical_bytes() {
    let unsigned = read_json_vector("vc-di-eddsa/unsigned.json");
    let published_config = read_json_vector(&suite_file("proofConfigJCS.json"));
    let key = w3c_signing_key().verifying_key();

    let ours = Value::Object(proof_options(
        unsigned.as_object().expect("an object"),
        &key,
        w3c_created(),
    ));
    let canonical = canonicalize(&ours).expect("canonicalises");

    assert_eq!(ours, published_config);
    assert_eq!(canonical, read_vector(&suite_file("proofCanonJCS.txt")));
    assert_eq!(
        sha256_hex(&canonical),
        read_text_vector(&suite_file("proofHashJCS.txt"))
    );
}

#[test]
fn the_hash_data_equals_the_published_combined_hash() {
    let unsigned = read_json_vector("vc-di-eddsa/unsigned.json");
    let proof_config = read_json_vector(&suite_file("proofConfigJCS.json"));

    let hash_data = proof_hash_data(&unsigned, &proof_config).expect("hashes");

    assert_eq!(
        hex::encode(hash_data),
        read_text_vector(&suite_file("combinedHashJCS.txt"))
    );
}

#[test]
fn the_w3c_secret_key_matches_its_public_key() {
    let key_pair = read_json_vector("vc-di-eddsa/keyPair.json");

    let derived = multikey(&w3c_signing_key().verifying_key());

    assert_eq!(
        Some(derived.as_str()),
        key_pair["publicKeyMultibase"].as_str()
    );
}

#[test]
fn signing_the_combined_hash_gives_the_published_signature_and_proof_value() {
    let combined = hex::decode(read_text_vector(&suite_file("combinedHashJCS.txt"))).expect("hex");

    let signature = w3c_signing_key().sign(&combined);

    assert_eq!(
        hex::encode(signature.to_bytes()),
        read_text_vector(&suite_file("sigHexJCS.txt"))
    );
    assert_eq!(
        encode_proof_value(&signature),
        read_text_vector(&suite_file("sigBTC58JCS.txt"))
    );
}

#[test]
fn add_proof_reproduces_the_w3c_signed_credential_exactly() {
    let unsigned = read_json_vector("vc-di-eddsa/unsigned.json");

    let secured = add_proof(&unsigned, &w3c_signing_key(), w3c_created()).expect("signs");

    assert_eq!(secured, signed_vector());
}

#[test]
fn the_w3c_signed_credential_verifies() {
    let key = w3c_signing_key().verifying_key();

    let verified = verify_proof(&signed_vector()).expect("the published credential verifies");

    assert_eq!(verified.public_key, key);
    assert_eq!(verified.created, w3c_created());
    assert_eq!(verified.verification_method, verification_method(&key));
}

#[test]
fn a_label_with_chinese_text_signs_and_verifies() {
    let (secured, key) = signed_label();

    let verified = verify_proof(&secured).expect("verifies");

    assert_eq!(verified.public_key, key.verifying_key());
    assert_eq!(secured["proof"]["created"], "2026-03-01T08:00:00Z");
    assert_eq!(secured["proof"]["@context"], secured["@context"]);
}

#[test]
fn created_is_written_to_the_second_in_utc() {
    let key = SigningKey::from_bytes(&[5; 32]);
    let created = DateTime::parse_from_rfc3339("2026-03-01T10:00:00.987654+02:00")
        .expect("valid")
        .with_timezone(&Utc);

    let secured = add_proof(&json!({"@context": ["x"]}), &key, created).expect("signs");
    let verified = verify_proof(&secured).expect("verifies");

    assert_eq!(secured["proof"]["created"], "2026-03-01T08:00:00Z");
    assert_eq!(verified.created.timestamp(), created.timestamp());
}

#[test]
fn a_document_without_context_gets_a_proof_without_context() {
    let key = SigningKey::from_bytes(&[6; 32]);

    let secured = add_proof(&json!({"claim": "plain"}), &key, w3c_created()).expect("signs");

    assert!(secured["proof"].get("@context").is_none());
    assert!(verify_proof(&secured).is_ok());
}

#[test]
fn add_proof_refuses_non_objects_and_signed_documents() {
    let key = SigningKey::from_bytes(&[8; 32]);

    let array = add_proof(&json!(["not", "an", "object"]), &key, w3c_created());
    let signed = add_proof(&signed_vector(), &key, w3c_created());

    assert!(matches!(array, Err(CredentialError::DocumentNotObject)));
    assert!(matches!(
        signed,
        Err(CredentialError::DocumentAlreadySigned)
    ));
}

#[test]
fn changing_one_character_of_the_subject_breaks_the_signature() {
    let mut secured = signed_vector();
    secured["credentialSubject"]["alumniOf"] = json!("The School of Examplez");

    assert!(matches!(
        verify_proof(&secured),
        Err(ProofError::SignatureInvalid)
    ));
}

#[test]
fn changing_the_proof_value_breaks_the_signature() {
    let mut one_character = signed_vector();
    let proof_value = one_character["proof"]["proofValue"]
        .as_str()
        .expect("a string");
    let changed = format!("{}Y", &proof_value[..proof_value.len() - 1]);
    assert_ne!(changed, proof_value);
    set_proof_field(&mut one_character, "proofValue", Value::String(changed));

    let mut one_bit = signed_vector();
    let mut signature = signature_of(&one_bit);
    signature[40] ^= 0x01;
    set_proof_field(&mut one_bit, "proofValue", encode_signature(&signature));

    assert!(matches!(
        verify_proof(&one_character),
        Err(ProofError::SignatureInvalid)
    ));
    assert!(matches!(
        verify_proof(&one_bit),
        Err(ProofError::SignatureInvalid)
    ));
}

#[test]
fn changing_any_signed_proof_option_breaks_the_signature() {
    let mut later = signed_vector();
    set_proof_field(&mut later, "created", json!("2023-02-24T23:36:39Z"));
    let mut with_domain = signed_vector();
    set_proof_field(&mut with_domain, "domain", json!("labels.example"));

    assert!(matches!(
        verify_proof(&later),
        Err(ProofError::SignatureInvalid)
    ));
    assert!(matches!(
        verify_proof(&with_domain),
        Err(ProofError::SignatureInvalid)
    ));
}

#[test]
fn naming_a_different_valid_key_breaks_the_signature() {
    let mut secured = signed_vector();
    let other = SigningKey::from_bytes(&[11; 32]).verifying_key();
    set_proof_field(
        &mut secured,
        "verificationMethod",
        json!(verification_method(&other)),
    );

    assert!(matches!(
        verify_proof(&secured),
        Err(ProofError::SignatureInvalid)
    ));
}

#[test]
fn the_identity_point_as_key_is_untrusted() {
    let mut identity = vec![0xed, 0x01, 0x01];
    identity.extend_from_slice(&[0; 31]);
    let weak = format!("z{}", bs58::encode(identity).into_string());
    let mut secured = signed_vector();
    set_proof_field(
        &mut secured,
        "verificationMethod",
        json!(format!("did:key:{weak}#{weak}")),
    );

    assert!(matches!(
        verify_proof(&secured),
        Err(ProofError::UntrustedKey(_))
    ));
}

#[test]
fn a_verification_method_that_is_not_a_did_key_is_untrusted() {
    let mut secured = signed_vector();
    set_proof_field(
        &mut secured,
        "verificationMethod",
        json!("did:web:vc.example#key-1"),
    );

    assert!(matches!(
        verify_proof(&secured),
        Err(ProofError::UntrustedKey(_))
    ));
}

#[test]
fn an_unknown_cryptosuite_type_or_purpose_is_unsupported() {
    for (field, value) in [
        ("cryptosuite", "eddsa-rdfc-2022"),
        ("type", "Ed25519Signature2020"),
        ("proofPurpose", "authentication"),
    ] {
        let mut secured = signed_vector();
        set_proof_field(&mut secured, field, json!(value));

        let result = verify_proof(&secured);

        assert!(
            matches!(result, Err(ProofError::UnsupportedProof(_))),
            "{field}: {result:?}"
        );
    }
}

#[test]
fn proof_sets_chains_and_expiring_proofs_are_unsupported() {
    let mut proof_set = signed_vector();
    proof_set["proof"] = json!([proof_set["proof"].clone()]);
    let mut chained = signed_vector();
    set_proof_field(&mut chained, "previousProof", json!("urn:uuid:1"));
    let mut expiring = signed_vector();
    set_proof_field(&mut expiring, "expires", json!("2030-01-01T00:00:00Z"));

    for secured in [proof_set, chained, expiring] {
        assert!(matches!(
            verify_proof(&secured),
            Err(ProofError::UnsupportedProof(_))
        ));
    }
}

#[test]
fn a_document_without_proof_reports_missing_proof() {
    let unsigned = read_json_vector("vc-di-eddsa/unsigned.json");

    assert!(matches!(
        verify_proof(&unsigned),
        Err(ProofError::MissingProof)
    ));
}

#[test]
fn malformed_proofs_name_the_field_at_fault() {
    let cases: [(&str, Option<Value>, &str); 8] = [
        (
            "proofValue",
            Some(json!("u2HnFSSPPBzR36zdDgK8Pb")),
            "proofValue",
        ),
        ("proofValue", Some(json!("z0OIl")), "proofValue"),
        (
            "proofValue",
            Some(json!("z2HnFSSPPBzR36zdDgK8Pb")),
            "proofValue",
        ),
        ("proofValue", None, "proofValue"),
        ("created", None, "created"),
        ("created", Some(json!("24 February 2023")), "created"),
        ("verificationMethod", Some(json!(7)), "verificationMethod"),
        ("type", None, "type"),
    ];

    for (field, value, expected_field) in cases {
        let mut secured = signed_vector();
        let proof = secured["proof"].as_object_mut().expect("an object");
        match value {
            Some(value) => proof.insert(field.to_owned(), value),
            None => proof.remove(field),
        };

        let result = verify_proof(&secured);

        let reported_field = match &result {
            Err(ProofError::MalformedProof { field, .. }) => Some(*field),
            _ => None,
        };
        assert_eq!(reported_field, Some(expected_field), "{field}: {result:?}");
    }
}

#[test]
fn a_proof_that_is_not_an_object_or_a_document_that_is_not_an_object_is_malformed() {
    let mut string_proof = signed_vector();
    string_proof["proof"] = json!("signed, honestly");

    assert!(matches!(
        verify_proof(&string_proof),
        Err(ProofError::MalformedProof { .. })
    ));
    assert!(matches!(
        verify_proof(&json!([1, 2])),
        Err(ProofError::MalformedProof { .. })
    ));
}

#[test]
fn a_document_with_an_integer_jcs_would_round_is_malformed_not_verified() {
    let mut secured = signed_vector();
    secured["credentialSubject"]["count"] = json!(9_007_199_254_740_993_u64);

    let result = verify_proof(&secured);

    assert!(matches!(
        result,
        Err(ProofError::MalformedProof {
            field: "document",
            ..
        })
    ));
}

#[test]
fn a_document_context_that_does_not_start_with_the_proof_context_is_refused() {
    let mut reordered = signed_vector();
    reordered["@context"] = json!([
        "https://www.w3.org/ns/credentials/examples/v2",
        "https://www.w3.org/ns/credentials/v2"
    ]);

    let result = verify_proof(&reordered);

    assert!(matches!(
        result,
        Err(ProofError::MalformedProof {
            field: "@context",
            ..
        })
    ));
}

#[test]
fn a_context_appended_after_signing_is_refused() {
    let mut appended = signed_vector();
    appended["@context"]
        .as_array_mut()
        .expect("a list")
        .push(json!({"alumniOf": "https://attacker.example/vocab#employer"}));

    let result = verify_proof(&appended);

    assert!(matches!(
        result,
        Err(ProofError::MalformedProof {
            field: "@context",
            ..
        })
    ));
}

#[test]
fn a_proof_without_context_is_checked_over_the_proof_as_given() {
    let key = w3c_signing_key();
    let unsigned = read_json_vector("vc-di-eddsa/unsigned.json");
    let mut options = read_json_vector(&suite_file("proofConfigJCS.json"));
    options
        .as_object_mut()
        .expect("an object")
        .remove("@context");
    let signature = key.sign(&proof_hash_data(&unsigned, &options).expect("hashes"));
    let mut secured = unsigned.clone();
    secured["proof"] = options;
    set_proof_field(
        &mut secured,
        "proofValue",
        json!(encode_proof_value(&signature)),
    );

    assert!(verify_proof(&secured).is_ok());
}

#[test]
fn a_malleated_signature_with_s_plus_the_group_order_is_refused() {
    // The order of the Ed25519 base point, little-endian (RFC 8032 section 5.1).
    const GROUP_ORDER: [u8; 32] = [
        0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde,
        0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x10,
    ];
    let mut secured = signed_vector();
    let mut signature = signature_of(&secured);
    let mut carry = 0u16;
    for (byte, order_byte) in signature[32..].iter_mut().zip(GROUP_ORDER) {
        let sum = u16::from(*byte) + u16::from(order_byte) + carry;
        *byte = (sum & 0xff) as u8;
        carry = sum >> 8;
    }
    assert_eq!(carry, 0, "S + L still fits in 256 bits for this signature");
    set_proof_field(&mut secured, "proofValue", encode_signature(&signature));

    assert!(matches!(
        verify_proof(&secured),
        Err(ProofError::SignatureInvalid)
    ));
}

#[test]
fn rfc8032_section_7_1_vectors_hold() {
    let vectors = read_json_vector("ed25519/rfc8032-section7.1.json");
    let entries = vectors["vectors"].as_array().expect("a list of vectors");
    let field = |entry: &Value, name: &str| -> Vec<u8> {
        hex::decode(entry[name].as_str().expect("a hex string")).expect("valid hex")
    };

    for entry in entries {
        let name = entry["name"].as_str().expect("a name");
        let secret: [u8; 32] = field(entry, "secret_key").try_into().expect("32 bytes");
        let public: [u8; 32] = field(entry, "public_key").try_into().expect("32 bytes");
        let message = field(entry, "message");
        let expected_signature = Signature::from_slice(&field(entry, "signature")).expect("64");

        let key = SigningKey::from_bytes(&secret);
        let signature = key.sign(&message);
        let published_key = VerifyingKey::from_bytes(&public).expect("a valid point");

        assert_eq!(key.verifying_key().to_bytes(), public, "{name}: public key");
        assert_eq!(signature, expected_signature, "{name}: signature");
        assert!(
            published_key.verify_strict(&message, &signature).is_ok(),
            "{name}: verify"
        );
    }

    assert_eq!(entries.len(), 5);
}

/// The order L of the Ed25519 base point, little-endian (RFC 8032 section 5.1).
const ED25519_GROUP_ORDER: [u8; 32] = [
    0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10,
];

/// The canonical encodings of the eight small-order points of edwards25519 (the 8-torsion
/// subgroup), from libsodium's `ge25519_has_small_order` blocklist (which ignores the sign bit,
/// written out here with both signs where x is not 0): orders 1, 2, 4, 4, 8, 8, 8, 8.
const SMALL_ORDER_POINTS: [&str; 8] = [
    "0100000000000000000000000000000000000000000000000000000000000000",
    "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "0000000000000000000000000000000000000000000000000000000000000000",
    "0000000000000000000000000000000000000000000000000000000000000080",
    "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
    "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85",
    "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
    "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa",
];

/// S + multiple * L as 32 little-endian bytes, or None when it no longer fits in 256 bits.
fn add_multiple_of_group_order(scalar: &[u8], multiple: u32) -> Option<[u8; 32]> {
    let mut sum = [0u8; 32];
    let mut carry = 0u32;
    for (index, byte) in sum.iter_mut().enumerate() {
        let total =
            u32::from(scalar[index]) + multiple * u32::from(ED25519_GROUP_ORDER[index]) + carry;
        *byte = (total & 0xff) as u8;
        carry = total >> 8;
    }

    (carry == 0).then_some(sum)
}

#[test]
fn every_multiple_of_the_group_order_added_to_s_is_refused() {
    let signature = signature_of(&signed_vector());
    let mut refused = 0;

    for multiple in 1..=15 {
        let Some(non_canonical_s) = add_multiple_of_group_order(&signature[32..], multiple) else {
            continue;
        };
        let mut malleated = signature;
        malleated[32..].copy_from_slice(&non_canonical_s);
        let mut secured = signed_vector();
        set_proof_field(&mut secured, "proofValue", encode_signature(&malleated));

        let result = verify_proof(&secured);

        assert!(
            matches!(result, Err(ProofError::SignatureInvalid)),
            "S + {multiple}L: {result:?}"
        );
        refused += 1;
    }

    assert!(refused >= 14, "only {refused} multiples fitted in 256 bits");
}

#[test]
fn every_small_order_key_is_refused_even_with_a_signature_a_lenient_check_accepts() {
    // R = identity and S = 0 satisfy [8][S]B = [8]R + [8][k]A for every small-order A, and the
    // cofactorless equation too when A is the identity.
    let mut identity_signature = [0u8; 64];
    identity_signature[0] = 1;
    let unsigned = read_json_vector("vc-di-eddsa/unsigned.json");

    for point in SMALL_ORDER_POINTS {
        let bytes: [u8; 32] = hex::decode(point)
            .expect("hex")
            .try_into()
            .expect("32 bytes");
        let key = format!(
            "z{}",
            bs58::encode([&[0xed, 0x01], &bytes[..]].concat()).into_string()
        );
        let mut secured = signed_vector();
        set_proof_field(
            &mut secured,
            "verificationMethod",
            json!(format!("did:key:{key}#{key}")),
        );
        set_proof_field(
            &mut secured,
            "proofValue",
            encode_signature(&identity_signature),
        );

        let result = verify_proof(&secured);

        assert!(
            matches!(result, Err(ProofError::UntrustedKey(_))),
            "{point}: {result:?}"
        );
    }

    let identity_key = VerifyingKey::from_bytes(
        &hex::decode(SMALL_ORDER_POINTS[0])
            .expect("hex")
            .try_into()
            .expect("32 bytes"),
    )
    .expect("the identity is a point");
    let mut forged = signed_vector();
    set_proof_field(
        &mut forged,
        "proofValue",
        encode_signature(&identity_signature),
    );
    let (document, options) = split_secured_document(
        forged.as_object().expect("an object"),
        forged["proof"].as_object().expect("an object"),
    )
    .expect("splits");
    let hash_data = proof_hash_data(&document, &options).expect("hashes");
    assert_eq!(document, unsigned);
    assert!(
        ed25519_dalek::Verifier::verify(
            &identity_key,
            &hash_data,
            &Signature::from_bytes(&identity_signature)
        )
        .is_ok(),
        "a lenient check accepts the forgery, so refusing the key is what stops it"
    );
}

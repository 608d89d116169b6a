//! The issuer's Ed25519 private key as a PKCS#8 PEM file, and making a new one.
//!
//! PKCS#8 (RFC 5208, with the Ed25519 algorithm identifier of RFC 8410) is what OpenSSL, Go and
//! PyCA read and write, so operators can inspect, back up and rotate keys with ordinary tools.
//! These functions only turn keys into text and back; reading and writing files is the caller's.

use ed25519_dalek::SigningKey;
use ed25519_dalek::pkcs8::spki::der::pem::LineEnding;
use ed25519_dalek::pkcs8::{DecodePrivateKey, EncodePrivateKey, KeypairBytes};

use super::CredentialError;

/// Writes the key as a `-----BEGIN PRIVATE KEY-----` PEM that `openssl pkey` reads.
///
/// The version 1 form (secret seed only, RFC 8410 section 7) is written because it is what
/// OpenSSL itself writes and every reader accepts; the public key is derived again on reading.
pub fn signing_key_to_pem(key: &SigningKey) -> Result<String, CredentialError> {
    let seed_only = KeypairBytes {
        secret_key: key.to_bytes(),
        public_key: None,
    };

    let pem = seed_only
        .to_pkcs8_pem(LineEnding::LF)
        .map_err(CredentialError::KeyFile)?;
    Ok(pem.as_str().to_owned())
}

/// Reads a PKCS#8 PEM private key (version 1, or version 2 whose public key must then match).
pub fn signing_key_from_pem(pem: &str) -> Result<SigningKey, CredentialError> {
    SigningKey::from_pkcs8_pem(pem).map_err(CredentialError::KeyFile)
}

/// Makes a new issuer key from 32 bytes of the operating system's randomness.
///
/// Returns an error rather than panicking because a service should report a broken random
/// source, not crash on it.
pub fn generate_signing_key() -> Result<SigningKey, CredentialError> {
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).map_err(CredentialError::Randomness)?;

    let key = SigningKey::from_bytes(&seed);
    seed.fill(0);
    Ok(key)
}

#[cfg(test)]
mod tests {
    use std::path::Path;
    use std::process::{Command, Output};

    use ed25519_dalek::pkcs8::EncodePublicKey;
    use ed25519_dalek::{Signer, Verifier};

    use super::*;

    /// Runs openssl with `arguments`, or returns None (after saying so) when it is not installed.
    fn openssl(arguments: &[&str]) -> Option<Output> {
        match Command::new("openssl").args(arguments).output() {
            Ok(output) => Some(output),
            Err(error) => {
                eprintln!("note: skipping the OpenSSL cross-check, openssl not runnable: {error}");
                None
            }
        }
    }

    fn path_text(path: &Path) -> &str {
        path.to_str().expect("temporary paths are UTF-8")
    }

    fn assert_succeeded(output: &Output, what: &str) {
        assert!(
            output.status.success(),
            "{what} failed: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }

    #[test]
    fn a_key_survives_a_pem_round_trip() {
        let key = generate_signing_key().expect("the OS has randomness");

        let pem = signing_key_to_pem(&key).expect("encodes");
        let read_back = signing_key_from_pem(&pem).expect("decodes");

        assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----\n"));
        assert!(pem.trim_end().ends_with("-----END PRIVATE KEY-----"));
        assert_eq!(read_back.to_bytes(), key.to_bytes());
    }

    #[test]
    fn two_generated_keys_differ() {
        let first = generate_signing_key().expect("randomness");
        let second = generate_signing_key().expect("randomness");

        assert_ne!(first.to_bytes(), second.to_bytes());
    }

    #[test]
    fn garbage_and_public_keys_are_not_read_as_private_keys() {
        let key = SigningKey::from_bytes(&[9; 32]);
        let public_pem = key
            .verifying_key()
            .to_public_key_pem(LineEnding::LF)
            .expect("encodes");

        assert!(signing_key_from_pem("not a key").is_err());
        assert!(signing_key_from_pem(&public_pem).is_err());
    }

    #[test]
    fn the_rfc8410_example_private_key_is_read() {
        // RFC 8410 section 10.3: the example Ed25519 private key in PKCS#8 version 1 form.
        let pem = "-----BEGIN PRIVATE KEY-----\n\
                   MC4CAQAwBQYDK2VwBCIEINTuctv5E1hK1bbY8fdp+K06/nwoy/HU++CXqI9EdVhC\n\
                   -----END PRIVATE KEY-----\n";
        let expected_seed = "d4ee72dbf913584ad5b6d8f1f769f8ad3afe7c28cbf1d4fbe097a88f44755842";

        let key = signing_key_from_pem(pem).expect("the RFC example parses");

        assert_eq!(hex::encode(key.to_bytes()), expected_seed);
        assert_eq!(signing_key_to_pem(&key).expect("encodes"), pem);
    }

    #[test]
    fn openssl_reads_our_pem_and_accepts_our_signature() {
        let folder = tempfile::tempdir().expect("a temporary folder");
        let key = generate_signing_key().expect("randomness");
        let key_path = folder.path().join("key.pem");
        let public_path = folder.path().join("public.pem");
        let message_path = folder.path().join("message.bin");
        let signature_path = folder.path().join("signature.bin");
        let message = b"zerolabel: 0.409568 kg CO2e per kg";

        std::fs::write(&key_path, signing_key_to_pem(&key).expect("encodes")).expect("write");
        let Some(inspected) = openssl(&["pkey", "-in", path_text(&key_path), "-noout", "-text"])
        else {
            return;
        };
        assert_succeeded(&inspected, "openssl pkey");
        let description = String::from_utf8_lossy(&inspected.stdout);
        assert!(description.contains("ED25519 Private-Key"), "{description}");

        let public_pem = key
            .verifying_key()
            .to_public_key_pem(LineEnding::LF)
            .expect("encodes");
        std::fs::write(&public_path, public_pem).expect("write");
        std::fs::write(&message_path, message).expect("write");
        std::fs::write(&signature_path, key.sign(message).to_bytes()).expect("write");

        let verified = openssl(&[
            "pkeyutl",
            "-verify",
            "-rawin",
            "-pubin",
            "-inkey",
            path_text(&public_path),
            "-in",
            path_text(&message_path),
            "-sigfile",
            path_text(&signature_path),
        ])
        .expect("openssl ran a moment ago");
        assert_succeeded(&verified, "openssl pkeyutl -verify");
    }

    #[test]
    fn a_key_generated_by_openssl_is_read_and_signs_as_openssl_does() {
        let folder = tempfile::tempdir().expect("a temporary folder");
        let key_path = folder.path().join("openssl-key.pem");
        let message_path = folder.path().join("message.bin");
        let signature_path = folder.path().join("signature.bin");
        let message = b"a label signed by OpenSSL";

        let Some(generated) = openssl(&[
            "genpkey",
            "-algorithm",
            "ed25519",
            "-out",
            path_text(&key_path),
        ]) else {
            return;
        };
        assert_succeeded(&generated, "openssl genpkey");
        std::fs::write(&message_path, message).expect("write");
        let signed = openssl(&[
            "pkeyutl",
            "-sign",
            "-rawin",
            "-inkey",
            path_text(&key_path),
            "-in",
            path_text(&message_path),
            "-out",
            path_text(&signature_path),
        ])
        .expect("openssl ran a moment ago");
        assert_succeeded(&signed, "openssl pkeyutl -sign");

        let pem = std::fs::read_to_string(&key_path).expect("read");
        let key = signing_key_from_pem(&pem).expect("our reader accepts OpenSSL's key");
        let openssl_signature = std::fs::read(&signature_path).expect("read");

        assert_eq!(
            key.sign(message).to_bytes().as_slice(),
            openssl_signature.as_slice()
        );
        let signature = ed25519_dalek::Signature::from_slice(&openssl_signature).expect("64 bytes");
        assert!(key.verifying_key().verify(message, &signature).is_ok());
        assert_eq!(signing_key_to_pem(&key).expect("encodes"), pem);
    }
}

//! Ed25519 public keys written as Multikey and `did:key` identifiers.
//!
//! A proof's `verificationMethod` carries the whole public key (`did:key:z6Mk...#z6Mk...`), so the
//! key id cannot collide with another key and needs no network look-up to resolve. Whether the
//! issuer actually used that key at the proof's time is decided elsewhere, against its key list.
//!
//! Formats: Multikey is multibase base58btc (`z`) of the multicodec `ed25519-pub` prefix
//! (0xed 0x01) followed by the 32-byte key (W3C Controlled Identifiers 1.0, section 2.2.2); the
//! `did:key` form is from the W3C CCG did:key method draft.

use ed25519_dalek::VerifyingKey;

use super::CredentialError;

/// The multicodec prefix for an Ed25519 public key (`ed25519-pub`, varint of 0xed).
const ED25519_PUBLIC_KEY_CODEC: [u8; 2] = [0xed, 0x01];

/// The multibase prefix for base58btc with the Bitcoin alphabet.
const BASE58BTC_PREFIX: char = 'z';

/// How every `did:key` identifier begins.
const DID_KEY_SCHEME: &str = "did:key:";

/// Writes the key as a Multikey (`z6Mk...`), the form used inside `did:key` identifiers.
pub fn multikey(key: &VerifyingKey) -> String {
    let mut bytes = Vec::with_capacity(ED25519_PUBLIC_KEY_CODEC.len() + key.as_bytes().len());
    bytes.extend_from_slice(&ED25519_PUBLIC_KEY_CODEC);
    bytes.extend_from_slice(key.as_bytes());

    format!("{BASE58BTC_PREFIX}{}", bs58::encode(bytes).into_string())
}

/// The DID that names the key itself (`did:key:z6Mk...`), for listing keys without a resolver.
pub fn did_key(key: &VerifyingKey) -> String {
    format!("{DID_KEY_SCHEME}{}", multikey(key))
}

/// The `verificationMethod` a proof carries (`did:key:z6Mk...#z6Mk...`), naming the exact key.
pub fn verification_method(key: &VerifyingKey) -> String {
    let key_text = multikey(key);

    format!("{DID_KEY_SCHEME}{key_text}#{key_text}")
}

/// Reads a Multikey back into a public key that is safe to verify with.
///
/// Besides the format, this refuses non-canonical point encodings and weak (small-order) keys:
/// both let one signature be judged differently by different Ed25519 libraries, or be forged.
pub fn parse_multikey(text: &str) -> Result<VerifyingKey, CredentialError> {
    let encoded = text.strip_prefix(BASE58BTC_PREFIX).ok_or_else(|| {
        CredentialError::InvalidMultikey("it must start with 'z' (multibase base58btc)".into())
    })?;
    let bytes = bs58::decode(encoded)
        .into_vec()
        .map_err(|error| CredentialError::InvalidMultikey(format!("not base58btc: {error}")))?;

    let key_bytes = bytes
        .strip_prefix(&ED25519_PUBLIC_KEY_CODEC)
        .ok_or_else(|| {
            CredentialError::InvalidMultikey(
                "the multicodec prefix is not ed25519-pub (0xed01)".into(),
            )
        })?;
    let key_bytes: &[u8; 32] = key_bytes.try_into().map_err(|_| {
        let found = key_bytes.len();
        CredentialError::InvalidMultikey(format!("an Ed25519 key has 32 bytes, found {found}"))
    })?;

    strict_public_key(key_bytes)
}

/// Returns the public key named by a `did:key:z6Mk...#z6Mk...` verification method.
///
/// The fragment must repeat the key: a verification method whose fragment names some other key
/// would let the text a person reads differ from the key that was checked.
pub fn key_from_verification_method(vm: &str) -> Result<VerifyingKey, CredentialError> {
    let invalid = |reason: &str| CredentialError::InvalidVerificationMethod(reason.to_owned());

    let did = vm
        .strip_prefix(DID_KEY_SCHEME)
        .ok_or_else(|| invalid("only did:key verification methods are accepted"))?;
    let (method_specific_id, fragment) = did
        .split_once('#')
        .ok_or_else(|| invalid("a #fragment naming the key is required"))?;

    if method_specific_id != fragment {
        return Err(invalid("the #fragment must repeat the key after did:key:"));
    }

    parse_multikey(method_specific_id)
}

/// Decodes 32 bytes into a key, refusing encodings and points that strict verifiers reject.
fn strict_public_key(bytes: &[u8; 32]) -> Result<VerifyingKey, CredentialError> {
    let key = VerifyingKey::from_bytes(bytes).map_err(|_| {
        CredentialError::InvalidMultikey("the bytes are not a point on the Ed25519 curve".into())
    })?;

    if key.to_edwards().compress().as_bytes() != bytes {
        return Err(CredentialError::InvalidMultikey(
            "the point is not in its canonical encoding".into(),
        ));
    }
    if key.is_weak() {
        return Err(CredentialError::WeakKey);
    }

    Ok(key)
}

#[cfg(test)]
mod tests {
    use ed25519_dalek::SigningKey;

    use super::*;
    use crate::credential::test_support::read_json_vector;

    /// The identity point (0, 1): order 1, the weakest possible key.
    const IDENTITY_POINT: [u8; 32] = {
        let mut bytes = [0u8; 32];
        bytes[0] = 1;
        bytes
    };

    fn multikey_of_raw_bytes(bytes: &[u8; 32]) -> String {
        let mut prefixed = ED25519_PUBLIC_KEY_CODEC.to_vec();
        prefixed.extend_from_slice(bytes);

        format!("z{}", bs58::encode(prefixed).into_string())
    }

    #[test]
    fn the_w3c_key_pair_public_key_round_trips_through_multikey() {
        let key_pair = read_json_vector("vc-di-eddsa/keyPair.json");
        let published = key_pair["publicKeyMultibase"].as_str().expect("a string");

        let key = parse_multikey(published).expect("the published key parses");

        assert_eq!(multikey(&key), published);
        assert!(published.starts_with("z6Mk"));
        assert_eq!(did_key(&key), format!("did:key:{published}"));
        assert_eq!(
            verification_method(&key),
            format!("did:key:{published}#{published}")
        );
    }

    #[test]
    fn a_verification_method_gives_back_its_key() {
        let key = SigningKey::from_bytes(&[7; 32]).verifying_key();

        let parsed = key_from_verification_method(&verification_method(&key)).expect("parses");

        assert_eq!(parsed, key);
    }

    #[test]
    fn a_fragment_that_names_another_key_is_refused() {
        let first = multikey(&SigningKey::from_bytes(&[1; 32]).verifying_key());
        let second = multikey(&SigningKey::from_bytes(&[2; 32]).verifying_key());

        let result = key_from_verification_method(&format!("did:key:{first}#{second}"));

        assert!(matches!(
            result,
            Err(CredentialError::InvalidVerificationMethod(_))
        ));
    }

    #[test]
    fn other_did_methods_and_missing_fragments_are_refused() {
        let key = multikey(&SigningKey::from_bytes(&[3; 32]).verifying_key());

        for vm in [
            format!("did:web:example.org#{key}"),
            format!("did:key:{key}"),
            format!("did:key:{key}#"),
            format!("did:key:#{key}"),
        ] {
            let result = key_from_verification_method(&vm);

            assert!(
                matches!(result, Err(CredentialError::InvalidVerificationMethod(_))),
                "{vm}"
            );
        }
    }

    #[test]
    fn wrong_prefix_base_codec_or_length_is_refused() {
        let key = SigningKey::from_bytes(&[4; 32]).verifying_key();
        let good = multikey(&key);
        let mut x25519_codec = vec![0xec, 0x01];
        x25519_codec.extend_from_slice(key.as_bytes());
        let mut too_short = ED25519_PUBLIC_KEY_CODEC.to_vec();
        too_short.extend_from_slice(&key.as_bytes()[..31]);

        for text in [
            good.replacen('z', "u", 1),
            format!("z{}0", &good[1..]),
            format!("z{}", bs58::encode(x25519_codec).into_string()),
            format!("z{}", bs58::encode(too_short).into_string()),
            String::new(),
        ] {
            let result = parse_multikey(&text);

            assert!(
                matches!(result, Err(CredentialError::InvalidMultikey(_))),
                "{text:?}"
            );
        }
    }

    #[test]
    fn the_identity_point_is_refused_as_weak() {
        let text = multikey_of_raw_bytes(&IDENTITY_POINT);

        assert!(matches!(
            parse_multikey(&text),
            Err(CredentialError::WeakKey)
        ));
        assert!(matches!(
            key_from_verification_method(&format!("did:key:{text}#{text}")),
            Err(CredentialError::WeakKey)
        ));
    }

    #[test]
    fn a_non_canonical_encoding_of_a_point_is_refused() {
        // y = p + 3 (p = 2^255 - 19) decodes to the same point as y = 3, which is on the curve
        // and not of small order, so only the canonical-encoding check can catch it.
        let mut non_canonical = [0xff; 32];
        non_canonical[0] = 0xf0;
        non_canonical[31] = 0x7f;

        let result = parse_multikey(&multikey_of_raw_bytes(&non_canonical));

        let Err(CredentialError::InvalidMultikey(reason)) = result else {
            panic!("expected InvalidMultikey, got {result:?}");
        };
        assert!(reason.contains("canonical"), "{reason}");
    }
}

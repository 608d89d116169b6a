//! C2SP signed notes with Ed25519 (c2sp.org/signed-note): the envelope of every checkpoint.
//!
//! A note is text ending in a newline, a blank line, then lines `— <key name> <base64>`, where
//! the base64 holds a 4-byte key id and the 64-byte signature over the text. A verifier trusts
//! keys by their verifier key string `<name>+<hex key id>+<base64(0x01 || public key)>`.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use ed25519_dalek::{SIGNATURE_LENGTH, Signature, Signer, SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};

use super::NoteError;

/// The signature type byte the signed-note spec assigns to Ed25519.
const ED25519_TYPE: u8 = 0x01;

/// Starts every signature line: em dash (U+2014) and a space.
const SIGNATURE_LINE_START: &str = "\u{2014} ";

/// The spec asks verifiers to accept at least 16 signatures; more are refused to bound work.
const MAX_SIGNATURES: usize = 64;

/// Length of the key id that opens every signature.
const KEY_ID_LENGTH: usize = 4;

/// A trusted note key, parsed once from its verifier key string.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NoteVerifier {
    /// The key name signature lines must carry (for a log, its origin).
    pub name: String,
    /// The short id signature lines must start with, derived from name and key.
    pub key_id: [u8; KEY_ID_LENGTH],
    /// The Ed25519 public key.
    pub key: VerifyingKey,
}

/// The signed-note key id: `SHA-256(key name || 0x0A || 0x01 || public key)[:4]`.
pub fn key_id(key_name: &str, key: &VerifyingKey) -> [u8; KEY_ID_LENGTH] {
    let digest = Sha256::new()
        .chain_update(key_name.as_bytes())
        .chain_update([b'\n', ED25519_TYPE])
        .chain_update(key.as_bytes())
        .finalize();

    let mut id = [0; KEY_ID_LENGTH];
    id.copy_from_slice(&digest[..KEY_ID_LENGTH]);
    id
}

/// The verifier key string to publish so that others can check the log's notes.
pub fn verifier_key(key_name: &str, key: &VerifyingKey) -> Result<String, NoteError> {
    check_key_name(key_name)?;

    let mut typed_key = vec![ED25519_TYPE];
    typed_key.extend_from_slice(key.as_bytes());
    let id = hex::encode(key_id(key_name, key));

    Ok(format!("{key_name}+{id}+{}", STANDARD.encode(typed_key)))
}

/// Parses a verifier key string, refusing it unless its key id matches its name and key.
pub fn parse_verifier_key(text: &str) -> Result<NoteVerifier, NoteError> {
    let malformed = |reason| NoteError::MalformedVerifierKey { reason };
    // The name holds no '+', the hex id neither; base64 may, so it is the rest.
    let mut parts = text.splitn(3, '+');
    let (Some(name), Some(id_hex), Some(key_base64)) = (parts.next(), parts.next(), parts.next())
    else {
        return Err(malformed("expected <name>+<hex key id>+<base64 key>"));
    };
    check_key_name(name)?;

    let key_id: [u8; KEY_ID_LENGTH] = hex::decode(id_hex)
        .ok()
        .and_then(|bytes| bytes.try_into().ok())
        .ok_or(malformed("the key id is not 8 hex digits"))?;
    let key = decode_typed_key(key_base64)?;

    if self::key_id(name, &key) != key_id {
        return Err(NoteError::KeyIdMismatch);
    }
    Ok(NoteVerifier {
        name: name.to_owned(),
        key_id,
        key,
    })
}

/// Signs `body` as a note with one signature line by `key_name`.
///
/// The body must end in a newline and hold no control character other than newline.
pub fn sign_note(body: &str, key_name: &str, key: &SigningKey) -> Result<String, NoteError> {
    check_text(body)?;
    check_key_name(key_name)?;

    let mut signature = key_id(key_name, &key.verifying_key()).to_vec();
    signature.extend_from_slice(&key.sign(body.as_bytes()).to_bytes());
    let encoded = STANDARD.encode(signature);

    Ok(format!(
        "{body}\n{SIGNATURE_LINE_START}{key_name} {encoded}\n"
    ))
}

/// Verifies a note against one trusted key and returns its text, the only part to act on.
///
/// Signatures by other keys are skipped, as the spec requires (witness cosignatures, a rotated
/// key); a failed signature by the trusted key refuses the whole note. Checks are strict
/// (`verify_strict`), so no other Ed25519 library accepts a signature that this one refuses.
pub fn verify_note(note: &str, verifier: &NoteVerifier) -> Result<String, NoteError> {
    // Limitation: one trusted key per call. During a key rotation, or to require witness
    // cosignatures, the caller checks each key it trusts and applies its own policy.
    let (text, signature_block) = split_note(note)?;
    let signatures = parse_signature_lines(signature_block)?;

    let mut verified = false;
    for (name, signature) in signatures {
        if name == verifier.name && signature[..KEY_ID_LENGTH] == verifier.key_id {
            check_signature(text, &signature[KEY_ID_LENGTH..], verifier)?;
            verified = true;
        }
    }

    if !verified {
        return Err(NoteError::NoKnownSignature {
            key_name: verifier.name.clone(),
        });
    }
    Ok(text.to_owned())
}

/// Splits a note into its text (with its final newline) and its signature lines, at the last
/// blank line as the spec says.
pub(super) fn split_note(note: &str) -> Result<(&str, &str), NoteError> {
    check_text(note)?;

    let blank_line = note.rfind("\n\n").ok_or(NoteError::MissingSignatures)?;
    let (text, signature_block) = (&note[..=blank_line], &note[blank_line + 2..]);
    if signature_block.is_empty() {
        return Err(NoteError::MissingSignatures);
    }
    Ok((text, signature_block))
}

/// Reads `— <name> <base64>` lines into names and decoded signature bytes.
fn parse_signature_lines(block: &str) -> Result<Vec<(&str, Vec<u8>)>, NoteError> {
    let lines: Vec<&str> = block.split_terminator('\n').collect();
    if lines.len() > MAX_SIGNATURES {
        return Err(NoteError::TooManySignatures {
            count: lines.len(),
            limit: MAX_SIGNATURES,
        });
    }

    lines.into_iter().map(parse_signature_line).collect()
}

/// One signature line; a malformed one refuses the whole note.
fn parse_signature_line(line: &str) -> Result<(&str, Vec<u8>), NoteError> {
    let malformed = || NoteError::MalformedSignatureLine {
        line: line.to_owned(),
    };

    let rest = line
        .strip_prefix(SIGNATURE_LINE_START)
        .ok_or_else(malformed)?;
    let (name, encoded) = rest.split_once(' ').ok_or_else(malformed)?;
    check_key_name(name).map_err(|_| malformed())?;
    let signature = STANDARD.decode(encoded).map_err(|_| malformed())?;
    if signature.len() < KEY_ID_LENGTH {
        return Err(malformed());
    }

    Ok((name, signature))
}

/// Checks one Ed25519 signature by the trusted key over the note text.
fn check_signature(text: &str, signature: &[u8], verifier: &NoteVerifier) -> Result<(), NoteError> {
    let bad = || NoteError::BadSignature {
        key_name: verifier.name.clone(),
    };

    let bytes: [u8; SIGNATURE_LENGTH] = signature.try_into().map_err(|_| bad())?;
    let signature = Signature::from_bytes(&bytes);
    verifier
        .key
        .verify_strict(text.as_bytes(), &signature)
        .map_err(|_| bad())
}

/// Decodes `base64(0x01 || 32-byte key)` from a verifier key string.
fn decode_typed_key(encoded: &str) -> Result<VerifyingKey, NoteError> {
    let malformed = |reason| NoteError::MalformedVerifierKey { reason };
    let bytes = STANDARD
        .decode(encoded)
        .map_err(|_| malformed("the key is not base64"))?;

    let (&key_type, key_bytes) = bytes.split_first().ok_or(malformed("the key is empty"))?;
    if key_type != ED25519_TYPE {
        return Err(NoteError::UnsupportedKeyType { found: key_type });
    }
    let key_bytes: &[u8; 32] = key_bytes
        .try_into()
        .map_err(|_| malformed("the key is not 32 bytes"))?;

    let key = VerifyingKey::from_bytes(key_bytes).map_err(|_| NoteError::InvalidPublicKey)?;
    if key.is_weak() {
        return Err(NoteError::InvalidPublicKey);
    }
    Ok(key)
}

/// Key names are non-empty and hold neither Unicode spaces nor `+` (the spec's rule), nor
/// ASCII control characters (which no note may hold).
fn check_key_name(name: &str) -> Result<(), NoteError> {
    let forbidden = |c: char| c.is_whitespace() || c == '+' || c.is_ascii_control();
    if name.is_empty() || name.chars().any(forbidden) {
        return Err(NoteError::InvalidKeyName {
            name: name.to_owned(),
        });
    }
    Ok(())
}

/// Note text ends in a newline and holds no ASCII control character (below U+0020) other than
/// newline.
fn check_text(text: &str) -> Result<(), NoteError> {
    let forbidden = |c: char| c < ' ' && c != '\n';
    if !text.ends_with('\n') || text.chars().any(forbidden) {
        return Err(NoteError::InvalidText);
    }
    Ok(())
}

#[cfg(test)]
mod tests;

//! C2SP checkpoints (c2sp.org/tlog-checkpoint): the signed tree heads of the log.
//!
//! The body is the origin line, the tree size in decimal, the base64 root and optional extension
//! lines, each ending in a newline; it is then wrapped in a signed note (see [`super::sign_note`]).

use serde::{Deserialize, Serialize};

use super::CheckpointError;
use super::hash::Hash;
use super::note::{NoteVerifier, verify_note};
use super::serde_base64::{decode_hash, encode_hash};

/// A tree head: which log, how many leaves, and the root over them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    /// The log's identity, such as `zerolabel.example/log`.
    pub origin: String,
    /// The number of leaves the root covers.
    pub size: u64,
    /// The RFC 9162 root of the first `size` leaves (base64 in JSON, as in the body).
    #[serde(with = "super::serde_base64::one")]
    pub root: Hash,
    /// Opaque extra lines after the root; the spec discourages them, as monitors cannot audit
    /// them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extensions: Vec<String>,
}

impl Checkpoint {
    /// The note text to sign for this checkpoint, extension lines included.
    pub fn body(&self) -> Result<String, CheckpointError> {
        let mut body = checkpoint_body(&self.origin, self.size, &self.root)?;

        for line in &self.extensions {
            if !is_single_line(line) {
                return Err(CheckpointError::InvalidExtension);
            }
            body.push_str(line);
            body.push('\n');
        }
        Ok(body)
    }
}

/// The note text of a checkpoint without extension lines: `origin\nsize\nbase64 root\n`.
pub fn checkpoint_body(origin: &str, size: u64, root: &Hash) -> Result<String, CheckpointError> {
    if !is_single_line(origin) {
        return Err(CheckpointError::InvalidOrigin);
    }

    Ok(format!("{origin}\n{size}\n{}\n", encode_hash(root)))
}

/// Reads a checkpoint body. Only parse text that [`verify_note`] returned: the spec says an
/// unverified note's text must be ignored.
pub fn parse_checkpoint(body: &str) -> Result<Checkpoint, CheckpointError> {
    let lines = body
        .strip_suffix('\n')
        .ok_or(CheckpointError::MissingLines)?;
    let mut lines = lines.split('\n');
    let (Some(origin), Some(size), Some(root)) = (lines.next(), lines.next(), lines.next()) else {
        return Err(CheckpointError::MissingLines);
    };

    if !is_single_line(origin) {
        return Err(CheckpointError::InvalidOrigin);
    }
    let size = parse_size(size)?;
    let root =
        decode_hash(root).ok_or_else(|| CheckpointError::InvalidRoot { line: root.into() })?;
    let extensions = lines.map(parse_extension).collect::<Result<_, _>>()?;

    Ok(Checkpoint {
        origin: origin.to_owned(),
        size,
        root,
        extensions,
    })
}

/// Verifies a signed checkpoint from the log known as `origin` and returns its contents.
///
/// Checking the origin stops a checkpoint of another log, signed by the same key, from passing.
pub fn verify_checkpoint(
    note: &str,
    verifier: &NoteVerifier,
    origin: &str,
) -> Result<Checkpoint, CheckpointError> {
    let body = verify_note(note, verifier)?;
    let checkpoint = parse_checkpoint(&body)?;

    if checkpoint.origin != origin {
        let expected = origin.to_owned();
        return Err(CheckpointError::OriginMismatch {
            expected,
            found: checkpoint.origin,
        });
    }
    Ok(checkpoint)
}

/// The size line: ASCII decimal, no sign, no leading zeroes except for `0` itself.
fn parse_size(line: &str) -> Result<u64, CheckpointError> {
    let invalid = || CheckpointError::InvalidSize {
        line: line.to_owned(),
    };

    let digits_only = !line.is_empty() && line.bytes().all(|byte| byte.is_ascii_digit());
    if !digits_only || (line.len() > 1 && line.starts_with('0')) {
        return Err(invalid());
    }
    line.parse().map_err(|_| invalid())
}

/// Extension lines must be non-empty.
fn parse_extension(line: &str) -> Result<String, CheckpointError> {
    if !is_single_line(line) {
        return Err(CheckpointError::InvalidExtension);
    }
    Ok(line.to_owned())
}

/// A non-empty line without ASCII control characters (so without a newline).
fn is_single_line(text: &str) -> bool {
    !text.is_empty() && !text.chars().any(|c| c.is_ascii_control())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tlog::note::split_note;
    use crate::tlog::test_support::{fresh_signing_key, signed_note_example};
    use crate::tlog::{leaf_hash, parse_verifier_key, sign_note, verifier_key};

    const ORIGIN: &str = "zerolabel.example/log";

    fn example_checkpoint() -> Checkpoint {
        let root = leaf_hash(b"not a real root");
        Checkpoint {
            origin: ORIGIN.to_owned(),
            size: 42,
            root,
            extensions: Vec::new(),
        }
    }

    #[test]
    fn the_c2sp_example_checkpoint_body_parses() {
        let example = signed_note_example();
        let note = example["checkpoint_example_unverifiable"]
            .as_str()
            .expect("a string");
        let (body, _signatures) = split_note(note).expect("the example is a well-formed note");

        let checkpoint = parse_checkpoint(body).expect("the example body parses");

        assert_eq!(checkpoint.origin, "example.com/behind-the-sofa");
        assert_eq!(checkpoint.size, 20_852_163);
        assert_eq!(
            encode_hash(&checkpoint.root),
            "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I="
        );
        assert!(checkpoint.extensions.is_empty());
        assert_eq!(checkpoint.body().as_deref(), Ok(body));
    }

    #[test]
    fn a_body_is_origin_size_and_base64_root_each_on_its_own_line() {
        let body = checkpoint_body("example.com/log", 0, &[0; 32]).expect("a valid origin");

        assert_eq!(
            body,
            "example.com/log\n0\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n"
        );
    }

    #[test]
    fn extension_lines_are_kept_in_order() {
        let mut checkpoint = example_checkpoint();
        checkpoint.extensions = vec!["first".into(), "second".into()];

        let body = checkpoint.body().expect("valid extensions");

        assert!(body.ends_with("\nfirst\nsecond\n"));
        assert_eq!(parse_checkpoint(&body), Ok(checkpoint));
    }

    #[test]
    fn an_origin_with_a_newline_or_nothing_in_it_is_refused() {
        let root = [0; 32];

        assert_eq!(
            checkpoint_body("a\nb", 1, &root),
            Err(CheckpointError::InvalidOrigin)
        );
        assert_eq!(
            checkpoint_body("", 1, &root),
            Err(CheckpointError::InvalidOrigin)
        );
    }

    #[test]
    fn malformed_bodies_are_refused() {
        let root = encode_hash(&[0; 32]);
        let cases = [
            format!("log\n1\n{root}"),
            "log\n1\n".to_owned(),
            format!("log\n01\n{root}\n"),
            format!("log\n+1\n{root}\n"),
            format!("log\n18446744073709551616\n{root}\n"),
            "log\n1\nAAAA\n".to_owned(),
            format!("log\n1\n{root}\n\n"),
            format!("\n1\n{root}\n"),
        ];

        for body in cases {
            assert!(parse_checkpoint(&body).is_err(), "accepted {body:?}");
        }
    }

    #[test]
    fn a_signed_checkpoint_verifies_and_reads_back() {
        let key = fresh_signing_key();
        let vkey = verifier_key(ORIGIN, &key.verifying_key()).expect("a valid name");
        let verifier = parse_verifier_key(&vkey).expect("our own verifier key parses");
        let checkpoint = example_checkpoint();

        let body = checkpoint.body().expect("a valid checkpoint");
        let note = sign_note(&body, ORIGIN, &key).expect("a valid body");

        assert_eq!(verify_checkpoint(&note, &verifier, ORIGIN), Ok(checkpoint));
    }

    #[test]
    fn a_checkpoint_of_another_log_is_refused_even_with_a_good_signature() {
        let key = fresh_signing_key();
        let vkey = verifier_key(ORIGIN, &key.verifying_key()).expect("a valid name");
        let verifier = parse_verifier_key(&vkey).expect("our own verifier key parses");
        let body = checkpoint_body("other.example/log", 1, &[0; 32]).expect("a valid origin");
        let note = sign_note(&body, ORIGIN, &key).expect("a valid body");

        let result = verify_checkpoint(&note, &verifier, ORIGIN);

        assert!(matches!(
            result,
            Err(CheckpointError::OriginMismatch { .. })
        ));
    }

    #[test]
    fn a_checkpoint_as_json_carries_its_root_in_base64() {
        let checkpoint = example_checkpoint();

        let json = serde_json::to_value(&checkpoint).expect("a checkpoint serializes");

        assert_eq!(json["root"], encode_hash(&checkpoint.root));
        assert_eq!(json.get("extensions"), None);
        assert_eq!(
            serde_json::from_value::<Checkpoint>(json).ok(),
            Some(checkpoint)
        );
    }
}

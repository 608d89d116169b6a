use super::*;
use crate::tlog::test_support::{fresh_signing_key, signed_note_example, text};

const NAME: &str = "zerolabel.example/log";

struct Example {
    vkey: String,
    note: String,
    signed_text: String,
}

fn example() -> Example {
    let example = signed_note_example();

    Example {
        vkey: text(&example["vkey"]).to_owned(),
        note: text(&example["note"]).to_owned(),
        signed_text: text(&example["signed_text"]).to_owned(),
    }
}

fn verifier_for(key: &SigningKey) -> NoteVerifier {
    let vkey = verifier_key(NAME, &key.verifying_key()).expect("a valid name");

    parse_verifier_key(&vkey).expect("our own verifier key parses")
}

/// The example note with one byte of its signature (after the key id) changed.
fn with_signature_byte_flipped(note: &str) -> String {
    let (text, line) = note
        .rsplit_once("\n\n")
        .expect("the example has a signature line");
    let (prefix, encoded) = line
        .trim_end()
        .rsplit_once(' ')
        .expect("name and signature");

    let mut signature = STANDARD
        .decode(encoded)
        .expect("the example signature is base64");
    signature[KEY_ID_LENGTH + 10] ^= 0x01;
    format!("{text}\n\n{prefix} {}\n", STANDARD.encode(signature))
}

#[test]
fn the_c2sp_example_verifies_with_its_verifier_key() {
    let example = example();
    let verifier = parse_verifier_key(&example.vkey).expect("the example vkey parses");

    assert_eq!(
        verify_note(&example.note, &verifier),
        Ok(example.signed_text)
    );
}

#[test]
fn the_example_key_id_recomputes_from_name_and_key() {
    let verifier = parse_verifier_key(&example().vkey).expect("the example vkey parses");

    assert_eq!(verifier.name, "example.com/foo");
    assert_eq!(
        hex::encode(key_id(&verifier.name, &verifier.key)),
        "530d903a"
    );
    assert_eq!(
        verifier_key(&verifier.name, &verifier.key),
        Ok(example().vkey)
    );
}

#[test]
fn the_example_is_refused_after_one_byte_of_its_text_changes() {
    let example = example();
    let verifier = parse_verifier_key(&example.vkey).expect("the example vkey parses");
    let tampered = example
        .note
        .replacen("example message", "examplE message", 1);

    let result = verify_note(&tampered, &verifier);

    assert_eq!(
        result,
        Err(NoteError::BadSignature {
            key_name: "example.com/foo".into()
        })
    );
}

#[test]
fn the_example_is_refused_after_one_byte_of_its_signature_changes() {
    let example = example();
    let verifier = parse_verifier_key(&example.vkey).expect("the example vkey parses");

    let result = verify_note(&with_signature_byte_flipped(&example.note), &verifier);

    assert_eq!(
        result,
        Err(NoteError::BadSignature {
            key_name: "example.com/foo".into()
        })
    );
}

#[test]
fn a_note_signed_with_a_fresh_key_verifies_and_returns_its_text() {
    let key = fresh_signing_key();
    let body = "zerolabel.example/log\n3\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n";

    let note = sign_note(body, NAME, &key).expect("a valid body and name");

    assert!(note.starts_with(&format!("{body}\n\u{2014} {NAME} ")));
    assert_eq!(verify_note(&note, &verifier_for(&key)), Ok(body.to_owned()));
}

#[test]
fn a_note_signed_by_another_key_with_the_same_name_is_refused() {
    let trusted = fresh_signing_key();
    let impostor = fresh_signing_key();
    assert_ne!(trusted.verifying_key(), impostor.verifying_key());

    let note = sign_note("hello\n", NAME, &impostor).expect("a valid body and name");

    let result = verify_note(&note, &verifier_for(&trusted));
    assert_eq!(
        result,
        Err(NoteError::NoKnownSignature {
            key_name: NAME.into()
        })
    );
}

#[test]
fn signatures_by_unknown_keys_are_skipped_beside_the_trusted_one() {
    let trusted = fresh_signing_key();
    let witness = fresh_signing_key();
    let signed_by_witness = sign_note("hello\n", "witness.example", &witness).expect("valid");
    let signed_by_log = sign_note("hello\n", NAME, &trusted).expect("valid");

    let log_line = signed_by_log
        .rsplit_once("\n\n")
        .expect("a signature line")
        .1;
    let cosigned = format!("{signed_by_witness}{log_line}");

    assert_eq!(
        verify_note(&cosigned, &verifier_for(&trusted)),
        Ok("hello\n".to_owned())
    );
}

#[test]
fn text_with_empty_lines_is_split_at_the_last_blank_line() {
    let key = fresh_signing_key();
    let body = "first\n\nsecond\n";

    let note = sign_note(body, NAME, &key).expect("empty lines are allowed in the text");

    assert_eq!(verify_note(&note, &verifier_for(&key)), Ok(body.to_owned()));
}

#[test]
fn malformed_notes_are_refused() {
    let key = fresh_signing_key();
    let verifier = verifier_for(&key);
    let note = sign_note("hello\n", NAME, &key).expect("valid");
    let cases = [
        ("no signatures", "hello\n".to_owned()),
        ("no blank line", note.replacen("\n\n", "\n", 1)),
        ("no final newline", note.trim_end().to_owned()),
        ("a control character", note.replacen("hello", "hel\rlo", 1)),
        ("a hyphen for the dash", note.replacen('\u{2014}', "-", 1)),
        (
            "a bad base64 line",
            format!("{note}\u{2014} other.example !!!\n"),
        ),
        (
            "a line with no signature",
            format!("{note}\u{2014} other.example\n"),
        ),
    ];

    for (what, note) in cases {
        assert!(
            verify_note(&note, &verifier).is_err(),
            "accepted a note with {what}"
        );
    }
}

#[test]
fn a_note_with_too_many_signatures_is_refused() {
    let key = fresh_signing_key();
    let note = sign_note("hello\n", NAME, &key).expect("valid");
    let line = note.rsplit_once("\n\n").expect("a signature line").1;

    let crowded = format!("{note}{}", line.repeat(MAX_SIGNATURES));

    let result = verify_note(&crowded, &verifier_for(&key));
    assert!(matches!(result, Err(NoteError::TooManySignatures { .. })));
}

#[test]
fn bodies_and_key_names_that_break_the_format_cannot_be_signed() {
    let key = fresh_signing_key();

    assert_eq!(
        sign_note("no newline", NAME, &key),
        Err(NoteError::InvalidText)
    );
    assert_eq!(
        sign_note("tab\there\n", NAME, &key),
        Err(NoteError::InvalidText)
    );
    for name in ["", "with space", "with+plus", "with\u{a0}nbsp"] {
        let expected = Err(NoteError::InvalidKeyName { name: name.into() });
        assert_eq!(sign_note("hello\n", name, &key), expected);
        assert_eq!(verifier_key(name, &key.verifying_key()), expected);
    }
}

#[test]
fn verifier_keys_that_do_not_add_up_are_refused() {
    let vkey = example().vkey;
    let (name, rest) = vkey.split_once('+').expect("name+id+key");
    let (_id, key) = rest.split_once('+').expect("id+key");
    let mut ed25519_as_other_type = STANDARD.decode(key).expect("base64");
    ed25519_as_other_type[0] = 0x02;

    let cases = [
        (format!("{name}+530d903b+{key}"), NoteError::KeyIdMismatch),
        (
            format!("other.example+530d903a+{key}"),
            NoteError::KeyIdMismatch,
        ),
        (
            format!("{name}+530d903a+{}", STANDARD.encode(ed25519_as_other_type)),
            NoteError::UnsupportedKeyType { found: 0x02 },
        ),
    ];
    for (text, expected) in cases {
        assert_eq!(parse_verifier_key(&text), Err(expected), "{text}");
    }

    for text in [
        name.to_owned(),
        format!("{name}+530d903a"),
        format!("{name}+53+{key}"),
    ] {
        let result = parse_verifier_key(&text);
        assert!(
            matches!(result, Err(NoteError::MalformedVerifierKey { .. })),
            "{text}"
        );
    }
}

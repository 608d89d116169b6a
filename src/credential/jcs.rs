//! RFC 8785 JSON Canonicalization Scheme (JCS): the exact bytes that get hashed and signed.
//!
//! A signature covers bytes, not meaning, so the issuer and every verifier must turn the same JSON
//! value into the same bytes. JCS sorts object keys by UTF-16 code units, writes strings with
//! minimal escaping and numbers the way ECMAScript does. The work is done by
//! `serde_json_canonicalizer`; the tests run the official vectors so a dependency update that
//! changes a single byte fails the build.

use serde_json::Value;

use super::CredentialError;

/// The largest integer magnitude that an IEEE-754 double holds exactly, and so the I-JSON limit
/// (RFC 7493, section 2.2): 2^53 - 1.
const LARGEST_EXACT_INTEGER: u64 = (1 << 53) - 1;

/// Returns the RFC 8785 canonical bytes of `value`, the input to every hash in a proof.
///
/// Integers beyond ±(2^53 - 1) are refused rather than rounded: JCS writes them as doubles, so
/// `9007199254740993` and `9007199254740992` would canonicalise (and verify) alike.
pub fn canonicalize(value: &Value) -> Result<Vec<u8>, CredentialError> {
    reject_inexact_integers(value)?;

    serde_json_canonicalizer::to_vec(value).map_err(CredentialError::Canonicalization)
}

/// Walks the value and fails on the first integer that a double cannot hold exactly.
fn reject_inexact_integers(value: &Value) -> Result<(), CredentialError> {
    match value {
        Value::Number(number) if !is_exact_as_double(number) => {
            Err(CredentialError::NumberOutOfRange(number.to_string()))
        }
        Value::Array(items) => items.iter().try_for_each(reject_inexact_integers),
        Value::Object(fields) => fields.values().try_for_each(reject_inexact_integers),
        _ => Ok(()),
    }
}

/// True when JCS's double-based serialisation cannot change the number's value.
fn is_exact_as_double(number: &serde_json::Number) -> bool {
    if let Some(unsigned) = number.as_u64() {
        return unsigned <= LARGEST_EXACT_INTEGER;
    }
    if let Some(signed) = number.as_i64() {
        return signed.unsigned_abs() <= LARGEST_EXACT_INTEGER;
    }
    number.as_f64().is_some_and(f64::is_finite)
}

#[cfg(test)]
mod tests {
    use std::fs;

    use serde_json::{Number, Value, json};

    use super::canonicalize;
    use crate::credential::test_support::{read_vector, vector_path};

    #[test]
    fn every_official_input_canonicalises_to_its_output_byte_for_byte() {
        let inputs = fs::read_dir(vector_path("jcs/input")).expect("jcs/input is readable");
        let mut checked = 0;

        for entry in inputs {
            let name = entry.expect("directory entry").file_name();
            let name = name.to_str().expect("file names are UTF-8");
            let input: Value = serde_json::from_slice(&read_vector(&format!("jcs/input/{name}")))
                .expect("input is JSON");
            let expected = read_vector(&format!("jcs/output/{name}"));

            let actual = canonicalize(&input).expect("input canonicalises");

            assert_eq!(
                String::from_utf8_lossy(&actual),
                String::from_utf8_lossy(&expected),
                "{name}"
            );
            assert_eq!(actual, expected, "{name}");
            checked += 1;
        }

        assert_eq!(checked, 6, "all six official JCS vectors were found");
    }

    #[test]
    fn the_first_thousand_es6_number_vectors_serialise_exactly() {
        let text = String::from_utf8(read_vector("jcs/es6-numbers-first-1000.txt"))
            .expect("the number vectors are ASCII");
        let mut checked = 0;

        for line in text.lines() {
            let (bits, expected) = line.split_once(',').expect("each line is bits,text");
            let double = f64::from_bits(u64::from_str_radix(bits, 16).expect("hex bits"));
            let number = Number::from_f64(double).expect("the vectors hold only finite numbers");

            let actual = canonicalize(&Value::Number(number)).expect("a double canonicalises");

            assert_eq!(String::from_utf8_lossy(&actual), expected, "bits {bits}");
            checked += 1;
        }

        assert_eq!(checked, 1000);
    }

    #[test]
    fn integers_a_double_cannot_hold_are_refused_instead_of_rounded() {
        let largest_exact =
            json!({"n": 9_007_199_254_740_991_u64, "m": -9_007_199_254_740_991_i64});
        let first_inexact = json!({"nested": [{"n": 9_007_199_254_740_992_u64}]});
        let negative_inexact = json!([-9_007_199_254_740_993_i64]);

        assert_eq!(
            canonicalize(&largest_exact).expect("in range"),
            br#"{"m":-9007199254740991,"n":9007199254740991}"#
        );
        assert!(canonicalize(&first_inexact).is_err());
        assert!(canonicalize(&negative_inexact).is_err());
    }

    #[test]
    fn negative_zero_canonicalises_as_zero() {
        let negative_zero = Value::Number(Number::from_f64(-0.0).expect("finite"));

        assert_eq!(canonicalize(&negative_zero).expect("canonicalises"), b"0");
    }
}

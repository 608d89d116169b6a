//! The JSON around the bits: the entry a certificate carries, the list credential we publish,
//! and the check an offline verifier makes with both.
//!
//! Field names and values follow Bitstring Status List v1.0 on top of the VC Data Model 2.0.
//! Only the `revocation` purpose with one bit per entry is produced or understood here.

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Value, json};

use super::{StatusBitstring, StatusError};

/// `type` of the `credentialStatus` entry in each certificate.
pub const ENTRY_TYPE: &str = "BitstringStatusListEntry";

/// `type` that marks a credential as a published status list.
pub const LIST_CREDENTIAL_TYPE: &str = "BitstringStatusListCredential";

/// `type` of the list credential's subject, the list itself.
pub const LIST_TYPE: &str = "BitstringStatusList";

/// The one status purpose we use: a set bit cancels the label for good.
pub const REVOCATION_PURPOSE: &str = "revocation";

/// The VC Data Model 2.0 context, the only one a status list credential needs.
const VC_V2_CONTEXT: &str = "https://www.w3.org/ns/credentials/v2";

/// The `credentialStatus` value for a certificate whose revocation bit is `index` of the list
/// published at `list_url`.
///
/// The entry's own `id` is the list URL with the index as fragment, which names this entry
/// uniquely without being the list's URL (the spec forbids that).
pub fn status_list_entry(list_url: &str, index: u64) -> Value {
    json!({
        "id": format!("{list_url}#{index}"),
        "type": ENTRY_TYPE,
        "statusPurpose": REVOCATION_PURPOSE,
        "statusListIndex": index.to_string(),
        "statusListCredential": list_url,
    })
}

/// The status list credential for `bits`, ready for the caller to sign and publish at
/// `list_url`.
///
/// `issuer` is a URL string or an object with a string `id`, as the VC data model allows.
/// Times are written to the second in UTC (`2026-01-01T00:00:00Z`); any fraction is dropped so
/// the signed bytes do not depend on clock precision. A `validUntil` that is not after
/// `validFrom` is refused, because such a list would be expired on publication.
pub fn unsigned_status_list_credential(
    list_url: &str,
    issuer: &Value,
    valid_from: DateTime<Utc>,
    valid_until: Option<DateTime<Utc>>,
    bits: &StatusBitstring,
) -> Result<Value, StatusError> {
    check_issuer(issuer)?;
    if let Some(valid_until) = valid_until {
        check_validity_window(valid_from, valid_until)?;
    }
    let encoded_list = bits.encode()?;

    let mut credential = json!({
        "@context": [VC_V2_CONTEXT],
        "id": list_url,
        "type": ["VerifiableCredential", LIST_CREDENTIAL_TYPE],
        "issuer": issuer,
        "validFrom": timestamp(valid_from),
        "credentialSubject": {
            "id": format!("{list_url}#list"),
            "type": LIST_TYPE,
            "statusPurpose": REVOCATION_PURPOSE,
            "encodedList": encoded_list,
        },
    });

    if let (Some(valid_until), Some(fields)) = (valid_until, credential.as_object_mut()) {
        fields.insert(
            "validUntil".to_owned(),
            Value::String(timestamp(valid_until)),
        );
    }

    Ok(credential)
}

/// Whether the certificate whose `credentialStatus` is `entry` is revoked in `list_credential`.
///
/// Follows the spec's validate algorithm for the parts that need no network or clock: the entry
/// must point at this very list (`statusListCredential` equal to the list's `id`), both must be
/// of the right types, the list must carry the entry's purpose, and the index must be a decimal
/// string inside the list. The caller has already checked the list's proof, its issuer, and its
/// `validFrom`/`validUntil`; this function trusts the list it is given.
///
/// Any error means the status cannot be known; it must never be read as "not revoked".
pub fn revoked_in(list_credential: &Value, entry: &Value) -> Result<bool, StatusError> {
    let purpose = check_entry(entry)?;
    let index = parse_index(required_str(entry, "statusListIndex")?)?;

    let entry_list = required_str(entry, "statusListCredential")?;
    let list_id = required_str(list_credential, "id")?;
    if entry_list != list_id {
        return Err(StatusError::ListMismatch {
            entry_list: entry_list.to_owned(),
            list_id: list_id.to_owned(),
        });
    }

    let subject = check_list_credential(list_credential)?;
    if !is_or_includes(subject.get("statusPurpose"), purpose) {
        return Err(StatusError::PurposeMismatch {
            entry_purpose: purpose.to_owned(),
        });
    }

    let encoded_list =
        subject
            .get("encodedList")
            .and_then(Value::as_str)
            .ok_or(StatusError::MissingField {
                field: "credentialSubject.encodedList",
                expected: "a string",
            })?;
    StatusBitstring::decode(encoded_list)?.get(index)
}

/// Checks the entry's type, purpose and size; returns its purpose.
fn check_entry(entry: &Value) -> Result<&str, StatusError> {
    if !is_or_includes(entry.get("type"), ENTRY_TYPE) {
        return Err(StatusError::WrongType {
            field: "type",
            expected: ENTRY_TYPE,
        });
    }

    let purpose = required_str(entry, "statusPurpose")?;
    if purpose != REVOCATION_PURPOSE {
        return Err(StatusError::UnsupportedPurpose {
            purpose: purpose.to_owned(),
        });
    }

    // Limitation: multi-bit entries (statusSize > 1, used with the `message` purpose) are
    // refused rather than read; we never issue them and revocation needs only one bit.
    match entry.get("statusSize") {
        None => Ok(purpose),
        Some(size) if size.as_u64() == Some(1) => Ok(purpose),
        Some(size) => Err(StatusError::UnsupportedStatusSize {
            status_size: size.to_string(),
        }),
    }
}

/// Checks the list credential's and its subject's types; returns the subject.
fn check_list_credential(list_credential: &Value) -> Result<&Value, StatusError> {
    if !is_or_includes(list_credential.get("type"), LIST_CREDENTIAL_TYPE) {
        return Err(StatusError::WrongType {
            field: "type",
            expected: LIST_CREDENTIAL_TYPE,
        });
    }

    let subject = list_credential
        .get("credentialSubject")
        .filter(|subject| subject.is_object())
        .ok_or(StatusError::MissingField {
            field: "credentialSubject",
            expected: "an object",
        })?;

    if !is_or_includes(subject.get("type"), LIST_TYPE) {
        return Err(StatusError::WrongType {
            field: "credentialSubject.type",
            expected: LIST_TYPE,
        });
    }

    Ok(subject)
}

/// Reads `statusListIndex`: base-10 digits only, no sign, no spaces, no exponent.
fn parse_index(value: &str) -> Result<u64, StatusError> {
    let invalid = || StatusError::InvalidIndex {
        value: value.to_owned(),
    };

    if value.is_empty() || !value.bytes().all(|byte| byte.is_ascii_digit()) {
        return Err(invalid());
    }

    value.parse().map_err(|_| invalid())
}

/// A string member of a JSON object, or an error naming the member.
fn required_str<'a>(object: &'a Value, field: &'static str) -> Result<&'a str, StatusError> {
    object
        .get(field)
        .and_then(Value::as_str)
        .ok_or(StatusError::MissingField {
            field,
            expected: "a string",
        })
}

/// Whether a JSON value is `wanted`, or an array that contains `wanted`.
///
/// `type` and the list's `statusPurpose` may each be a single string or an array of strings.
fn is_or_includes(value: Option<&Value>, wanted: &str) -> bool {
    match value {
        Some(Value::String(single)) => single == wanted,
        Some(Value::Array(items)) => items.iter().any(|item| item.as_str() == Some(wanted)),
        _ => false,
    }
}

fn check_issuer(issuer: &Value) -> Result<(), StatusError> {
    let issuer_id = match issuer {
        Value::String(url) => Some(url.as_str()),
        Value::Object(fields) => fields.get("id").and_then(Value::as_str),
        _ => None,
    };

    match issuer_id {
        Some(id) if !id.is_empty() => Ok(()),
        _ => Err(StatusError::InvalidIssuer),
    }
}

fn check_validity_window(
    valid_from: DateTime<Utc>,
    valid_until: DateTime<Utc>,
) -> Result<(), StatusError> {
    // Compared at whole seconds, the precision that ends up in the signed credential.
    if valid_until.timestamp() > valid_from.timestamp() {
        return Ok(());
    }

    Err(StatusError::EmptyValidity {
        valid_from: timestamp(valid_from),
        valid_until: timestamp(valid_until),
    })
}

/// An XML Schema `dateTimeStamp` in UTC to the second, as VC 2.0 validity fields expect.
fn timestamp(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(SecondsFormat::Secs, true)
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::status::LIST_SIZE;

    const LIST_URL: &str = "https://zerolabel.example/status/1";

    fn at(year: i32, month: u32, day: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(year, month, day, 0, 0, 0)
            .single()
            .expect("a valid date")
    }

    fn issuer() -> Value {
        json!("did:web:zerolabel.example")
    }

    fn list_with_revoked(revoked: &[u64]) -> Value {
        let bits =
            StatusBitstring::from_revoked_indexes(revoked.iter().copied()).expect("in range");
        unsigned_status_list_credential(LIST_URL, &issuer(), at(2026, 1, 1), None, &bits)
            .expect("list credential")
    }

    fn assert_error(result: Result<bool, StatusError>, expected: fn(&StatusError) -> bool) {
        match result {
            Err(error) => assert!(expected(&error), "unexpected error: {error:?}"),
            Ok(revoked) => panic!("expected an error, got Ok({revoked})"),
        }
    }

    #[test]
    fn the_entry_has_exactly_the_spec_fields() {
        let entry = status_list_entry(LIST_URL, 94_567);

        assert_eq!(
            entry,
            json!({
                "id": "https://zerolabel.example/status/1#94567",
                "type": "BitstringStatusListEntry",
                "statusPurpose": "revocation",
                "statusListIndex": "94567",
                "statusListCredential": "https://zerolabel.example/status/1",
            })
        );
    }

    #[test]
    fn the_unsigned_list_credential_has_exactly_the_spec_fields() {
        let bits = StatusBitstring::from_revoked_indexes([3]).expect("in range");

        let credential = unsigned_status_list_credential(
            LIST_URL,
            &issuer(),
            at(2026, 1, 1),
            Some(at(2026, 1, 2)),
            &bits,
        )
        .expect("list credential");

        assert_eq!(
            credential,
            json!({
                "@context": ["https://www.w3.org/ns/credentials/v2"],
                "id": "https://zerolabel.example/status/1",
                "type": ["VerifiableCredential", "BitstringStatusListCredential"],
                "issuer": "did:web:zerolabel.example",
                "validFrom": "2026-01-01T00:00:00Z",
                "validUntil": "2026-01-02T00:00:00Z",
                "credentialSubject": {
                    "id": "https://zerolabel.example/status/1#list",
                    "type": "BitstringStatusList",
                    "statusPurpose": "revocation",
                    "encodedList": bits.encode().expect("encode"),
                },
            })
        );
    }

    #[test]
    fn without_valid_until_the_credential_has_no_valid_until_field() {
        let credential = list_with_revoked(&[]);

        assert!(credential.get("validUntil").is_none());
        assert_eq!(credential["validFrom"], "2026-01-01T00:00:00Z");
    }

    #[test]
    fn an_issuer_object_is_kept_as_given() {
        let issuer = json!({"id": "did:web:zerolabel.example", "name": "Zerolabel"});

        let credential = unsigned_status_list_credential(
            LIST_URL,
            &issuer,
            at(2026, 1, 1),
            None,
            &StatusBitstring::new(),
        )
        .expect("list credential");

        assert_eq!(credential["issuer"], issuer);
    }

    #[test]
    fn an_issuer_without_an_id_is_refused() {
        for issuer in [
            json!(null),
            json!(""),
            json!(42),
            json!({"name": "Zerolabel"}),
        ] {
            let result = unsigned_status_list_credential(
                LIST_URL,
                &issuer,
                at(2026, 1, 1),
                None,
                &StatusBitstring::new(),
            );

            assert!(
                matches!(result, Err(StatusError::InvalidIssuer)),
                "{issuer}"
            );
        }
    }

    #[test]
    fn a_valid_until_not_after_valid_from_is_refused() {
        let valid_from = at(2026, 1, 1);
        let half_a_second_later = valid_from + chrono::Duration::milliseconds(500);

        for valid_until in [valid_from, half_a_second_later, at(2025, 12, 31)] {
            let result = unsigned_status_list_credential(
                LIST_URL,
                &issuer(),
                valid_from,
                Some(valid_until),
                &StatusBitstring::new(),
            );

            assert!(
                matches!(result, Err(StatusError::EmptyValidity { .. })),
                "{valid_until}"
            );
        }
    }

    #[test]
    fn sub_second_times_are_written_to_the_second() {
        let valid_from = at(2026, 1, 1) + chrono::Duration::milliseconds(1_750);

        let credential = unsigned_status_list_credential(
            LIST_URL,
            &issuer(),
            valid_from,
            None,
            &StatusBitstring::new(),
        )
        .expect("list credential");

        assert_eq!(credential["validFrom"], "2026-01-01T00:00:01Z");
    }

    #[test]
    fn a_revoked_entry_is_reported_revoked() {
        let list = list_with_revoked(&[0, 42, LIST_SIZE - 1]);

        for index in [0, 42, LIST_SIZE - 1] {
            let entry = status_list_entry(LIST_URL, index);
            assert!(
                revoked_in(&list, &entry).expect("status known"),
                "index {index}"
            );
        }
    }

    #[test]
    fn an_entry_that_was_not_revoked_is_reported_not_revoked() {
        let list = list_with_revoked(&[0, 42]);

        for index in [1, 41, 43, LIST_SIZE - 1] {
            let entry = status_list_entry(LIST_URL, index);
            assert!(
                !revoked_in(&list, &entry).expect("status known"),
                "index {index}"
            );
        }
    }

    #[test]
    fn a_list_with_several_purposes_answers_for_revocation() {
        let mut list = list_with_revoked(&[7]);
        list["credentialSubject"]["statusPurpose"] = json!(["suspension", "revocation"]);

        assert!(revoked_in(&list, &status_list_entry(LIST_URL, 7)).expect("status known"));
    }

    #[test]
    fn an_entry_for_another_list_is_an_error_not_a_status() {
        let list = list_with_revoked(&[7]);
        let entry = status_list_entry("https://zerolabel.example/status/2", 7);

        assert_error(revoked_in(&list, &entry), |error| {
            matches!(error, StatusError::ListMismatch { .. })
        });
    }

    #[test]
    fn a_list_for_another_purpose_is_an_error() {
        let mut list = list_with_revoked(&[7]);
        list["credentialSubject"]["statusPurpose"] = json!("suspension");

        assert_error(
            revoked_in(&list, &status_list_entry(LIST_URL, 7)),
            |error| matches!(error, StatusError::PurposeMismatch { .. }),
        );
    }

    #[test]
    fn an_entry_with_a_purpose_other_than_revocation_is_an_error() {
        let list = list_with_revoked(&[7]);
        let mut entry = status_list_entry(LIST_URL, 7);
        entry["statusPurpose"] = json!("suspension");

        assert_error(revoked_in(&list, &entry), |error| {
            matches!(error, StatusError::UnsupportedPurpose { .. })
        });
    }

    #[test]
    fn an_index_outside_the_list_is_an_error() {
        let list = list_with_revoked(&[]);
        let entry = status_list_entry(LIST_URL, LIST_SIZE);

        assert_error(revoked_in(&list, &entry), |error| {
            matches!(error, StatusError::IndexOutOfRange { .. })
        });
    }

    #[test]
    fn an_index_that_is_not_a_plain_decimal_string_is_an_error() {
        let list = list_with_revoked(&[7]);
        let too_large = "18446744073709551616";

        for index in ["", "-7", "+7", " 7", "7.0", "0x7", "1e3", too_large] {
            let mut entry = status_list_entry(LIST_URL, 7);
            entry["statusListIndex"] = json!(index);

            assert_error(revoked_in(&list, &entry), |error| {
                matches!(error, StatusError::InvalidIndex { .. })
            });
        }
    }

    #[test]
    fn a_numeric_index_is_an_error_because_the_spec_requires_a_string() {
        let list = list_with_revoked(&[7]);
        let mut entry = status_list_entry(LIST_URL, 7);
        entry["statusListIndex"] = json!(7);

        assert_error(revoked_in(&list, &entry), |error| {
            matches!(
                error,
                StatusError::MissingField {
                    field: "statusListIndex",
                    ..
                }
            )
        });
    }

    #[test]
    fn wrong_types_are_errors() {
        let list = list_with_revoked(&[7]);
        let entry = status_list_entry(LIST_URL, 7);

        let mut wrong_entry = entry.clone();
        wrong_entry["type"] = json!("StatusList2021Entry");
        let mut wrong_list = list.clone();
        wrong_list["type"] = json!(["VerifiableCredential"]);
        let mut wrong_subject = list.clone();
        wrong_subject["credentialSubject"]["type"] = json!("StatusList2021");

        for (list, entry) in [
            (&list, &wrong_entry),
            (&wrong_list, &entry),
            (&wrong_subject, &entry),
        ] {
            assert_error(revoked_in(list, entry), |error| {
                matches!(error, StatusError::WrongType { .. })
            });
        }
    }

    #[test]
    fn a_multi_bit_entry_is_refused() {
        let list = list_with_revoked(&[7]);
        let mut entry = status_list_entry(LIST_URL, 7);
        entry["statusSize"] = json!(2);

        assert_error(revoked_in(&list, &entry), |error| {
            matches!(error, StatusError::UnsupportedStatusSize { .. })
        });

        entry["statusSize"] = json!(1);
        assert!(revoked_in(&list, &entry).expect("a size of 1 is the default"));
    }

    #[test]
    fn a_list_with_a_broken_encoded_list_is_an_error() {
        let mut list = list_with_revoked(&[7]);
        list["credentialSubject"]["encodedList"] = json!("zH4sIAAAAAAAAA");

        assert_error(
            revoked_in(&list, &status_list_entry(LIST_URL, 7)),
            |error| matches!(error, StatusError::UnsupportedMultibase),
        );
    }

    #[test]
    fn a_list_without_an_encoded_list_is_an_error() {
        let mut list = list_with_revoked(&[7]);
        if let Some(subject) = list["credentialSubject"].as_object_mut() {
            subject.remove("encodedList");
        }

        assert_error(
            revoked_in(&list, &status_list_entry(LIST_URL, 7)),
            |error| {
                matches!(
                    error,
                    StatusError::MissingField {
                        field: "credentialSubject.encodedList",
                        ..
                    }
                )
            },
        );
    }
}

//! Reading a request body as JSON, and saying where it broke when it is not JSON.
//!
//! serde_json already refuses NaN, Infinity and numbers that overflow an f64 (`1e999` fails with
//! "number out of range"), so a non-finite number can never reach the calculator. What it does
//! not do is name the field, and it silently keeps the last of two equal keys; this module adds
//! both: the field is found by re-scanning the body up to the error position, and a duplicate
//! key is refused, because which of two values was meant cannot be known.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

use super::errors::{ErrorCode, FieldError, InputErrors};

/// Reads a body as JSON, refusing duplicate keys. A failure is `Malformed`, with the path of
/// the field being read where the body broke (empty when it broke outside any field).
pub fn parse_json_body(body: &[u8]) -> Result<Value, InputErrors> {
    match serde_json::from_slice::<StrictValue>(body) {
        Ok(StrictValue(value)) => Ok(value),
        Err(error) => Err(InputErrors::malformed(syntax_error(body, &error))),
    }
}

fn syntax_error(body: &[u8], error: &serde_json::Error) -> FieldError {
    let offset = byte_offset(body, error.line(), error.column());
    let message =
        format!("The body must be JSON with finite numbers and unique keys; it is not: {error}.");
    FieldError::new(
        field_at(body, offset),
        ErrorCode::InvalidJsonOrNonFinite,
        message,
    )
}

/// Turns serde_json's one-based line and byte column into an offset into the body.
fn byte_offset(body: &[u8], line: usize, column: usize) -> usize {
    let line_start = match line {
        0 | 1 => 0,
        _ => body
            .iter()
            .enumerate()
            .filter(|(_, byte)| **byte == b'\n')
            .nth(line - 2)
            .map_or(body.len(), |(index, _)| index + 1),
    };
    (line_start + column).min(body.len())
}

/// Where a scan stands inside one open container.
enum Frame {
    /// Inside an object; `key` is the key whose value is being read, if past the key.
    Object {
        key: Option<String>,
        awaiting_key: bool,
    },
    /// Inside an array, at an element.
    Array { index: usize },
}

/// The path of the field being read at `end`: object keys joined with dots, array positions
/// as `[i]`, e.g. `removals.soc_measured.years` or `co_products[1].kg`.
fn field_at(body: &[u8], end: usize) -> String {
    let mut stack = Vec::new();
    let mut position = 0;
    while position < end {
        position = match body[position] {
            b'"' => read_string(body, position, end, &mut stack),
            byte => {
                structural(byte, &mut stack);
                position + 1
            }
        };
    }
    path_of(&stack)
}

fn structural(byte: u8, stack: &mut Vec<Frame>) {
    match byte {
        b'{' => stack.push(Frame::Object {
            key: None,
            awaiting_key: true,
        }),
        b'[' => stack.push(Frame::Array { index: 0 }),
        b'}' | b']' => {
            stack.pop();
        }
        b',' => match stack.last_mut() {
            Some(Frame::Object { key, awaiting_key }) => {
                *key = None;
                *awaiting_key = true;
            }
            Some(Frame::Array { index }) => *index += 1,
            None => {}
        },
        _ => {}
    }
}

/// Skips the string starting at `start` and, if it is a complete object key, records it.
/// Returns the position after the string (or `end` if it does not close before `end`).
fn read_string(body: &[u8], start: usize, end: usize, stack: &mut [Frame]) -> usize {
    let mut position = start + 1;
    while position < end && body[position] != b'"' {
        position += if body[position] == b'\\' { 2 } else { 1 };
    }
    if position >= end {
        return end;
    }

    if let Some(Frame::Object {
        key,
        awaiting_key: awaiting @ true,
    }) = stack.last_mut()
    {
        *key = Some(decode_key(&body[start..=position]));
        *awaiting = false;
    }
    position + 1
}

fn decode_key(quoted: &[u8]) -> String {
    serde_json::from_slice::<String>(quoted)
        .unwrap_or_else(|_| String::from_utf8_lossy(&quoted[1..quoted.len() - 1]).into_owned())
}

fn path_of(stack: &[Frame]) -> String {
    let mut path = String::new();
    for frame in stack {
        match frame {
            Frame::Object { key: Some(key), .. } => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
            }
            Frame::Object { key: None, .. } => break,
            Frame::Array { index } => path.push_str(&format!("[{index}]")),
        }
    }
    path
}

/// A JSON value read with one extra rule: no object may repeat a key.
struct StrictValue(Value);

impl<'de> Deserialize<'de> for StrictValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(StrictVisitor)
    }
}

struct StrictVisitor;

impl<'de> Visitor<'de> for StrictVisitor {
    type Value = StrictValue;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a JSON value")
    }

    fn visit_bool<E: de::Error>(self, value: bool) -> Result<StrictValue, E> {
        Ok(StrictValue(Value::Bool(value)))
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<StrictValue, E> {
        Ok(StrictValue(Value::Number(value.into())))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<StrictValue, E> {
        Ok(StrictValue(Value::Number(value.into())))
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<StrictValue, E> {
        let number = Number::from_f64(value).ok_or_else(|| E::custom("non-finite number"))?;
        Ok(StrictValue(Value::Number(number)))
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<StrictValue, E> {
        Ok(StrictValue(Value::String(value.to_owned())))
    }

    fn visit_string<E: de::Error>(self, value: String) -> Result<StrictValue, E> {
        Ok(StrictValue(Value::String(value)))
    }

    fn visit_unit<E: de::Error>(self) -> Result<StrictValue, E> {
        Ok(StrictValue(Value::Null))
    }

    fn visit_none<E: de::Error>(self) -> Result<StrictValue, E> {
        Ok(StrictValue(Value::Null))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut items: A) -> Result<StrictValue, A::Error> {
        let mut values = Vec::new();
        while let Some(StrictValue(value)) = items.next_element()? {
            values.push(value);
        }
        Ok(StrictValue(Value::Array(values)))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut entries: A) -> Result<StrictValue, A::Error> {
        let mut fields = Map::new();
        while let Some(key) = entries.next_key::<String>()? {
            if fields.contains_key(&key) {
                return Err(de::Error::custom(format_args!("duplicate key `{key}`")));
            }
            let StrictValue(value) = entries.next_value()?;
            fields.insert(key, value);
        }
        Ok(StrictValue(Value::Object(fields)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::footprint::errors::InputErrorKind;

    fn failure(body: &str) -> FieldError {
        let errors = parse_json_body(body.as_bytes()).expect_err("should be malformed");
        assert_eq!(errors.kind, InputErrorKind::Malformed);
        assert_eq!(errors.errors.len(), 1);
        let error = errors.errors.into_iter().next().expect("one error");
        assert_eq!(error.code, ErrorCode::InvalidJsonOrNonFinite);
        error
    }

    #[test]
    fn nan_names_the_key_it_was_sent_for() {
        assert_eq!(
            failure(r#"{"yield_kg":9000,"diesel_l":NaN,"x":1}"#).field,
            "diesel_l"
        );
    }

    #[test]
    fn an_overflowing_number_is_out_of_range_and_names_its_key() {
        let error = failure(r#"{"diesel_l":80,"electricity_kwh":1e999}"#);
        assert_eq!(error.field, "electricity_kwh");
        assert!(
            error.message.contains("number out of range"),
            "{}",
            error.message
        );
        assert_eq!(failure(r#"{"a":-1e999}"#).field, "a");
        assert_eq!(failure(r#"{"a":Infinity}"#).field, "a");
    }

    #[test]
    fn nested_keys_give_a_dotted_path_and_arrays_an_index() {
        let body = r#"{"removals": {"soc_measured": {"verified": true, "years": NaN}}}"#;
        assert_eq!(failure(body).field, "removals.soc_measured.years");
        let body = r#"{"co_products":[{"name":"wax","kg":1},{"name":"x","kg":1e400}]}"#;
        assert_eq!(failure(body).field, "co_products[1].kg");
    }

    #[test]
    fn a_finished_sibling_does_not_leak_into_the_path() {
        let body = r#"{"options":{"gwp":"AR6"},"rice":{"cultivation_days":NaN}}"#;
        assert_eq!(failure(body).field, "rice.cultivation_days");
        let body = r#"{"pesticide_ai_kg":{"herbicide":1}, "diesel_l": -NaN}"#;
        assert_eq!(failure(body).field, "diesel_l");
    }

    #[test]
    fn the_line_and_column_are_followed_across_lines() {
        let body = "{\n  \"crop\": \"maize\",\n  \"urea_kg\": 3,\n  \"diesel_l\": nan\n}";
        assert_eq!(failure(body).field, "diesel_l");
    }

    #[test]
    fn keys_with_escapes_and_non_ascii_text_are_decoded() {
        let body = "{\"name\":\"苹果\",\"a\\\"b\":NaN}";
        assert_eq!(failure(body).field, "a\"b");
    }

    #[test]
    fn text_that_is_not_json_or_is_cut_short_has_the_nearest_field() {
        assert_eq!(failure("hello").field, "");
        assert_eq!(failure("").field, "");
        assert_eq!(failure(r#"{"crop":"mai"#).field, "crop");
        assert_eq!(failure(r#"{"crop":"maize","#).field, "");
        assert_eq!(failure(r#"{"crop":"maize","yield_kg":"#).field, "yield_kg");
        assert_eq!(failure(r#"{"crop":"maize"} trailing"#).field, "");
    }

    #[test]
    fn a_repeated_key_is_refused_with_its_name() {
        let error = failure(r#"{"yield_kg":1,"options":{"gwp":"AR6","gwp":"AR5"}}"#);
        assert_eq!(error.field, "options.gwp");
        assert!(
            error.message.contains("duplicate key `gwp`"),
            "{}",
            error.message
        );
    }

    #[test]
    fn valid_json_is_returned_as_is() {
        let value = parse_json_body(br#"{"a":[1,2.5,null,true,"x"],"b":{}}"#).expect("valid");
        assert_eq!(
            value,
            serde_json::json!({"a": [1, 2.5, null, true, "x"], "b": {}})
        );
    }
}

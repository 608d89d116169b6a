//! Why a request was refused: every problem at once, each with its field path and a stable code.

use serde::{Deserialize, Serialize};

/// Machine-readable reason for a rejected field (methodology section 7), stable across versions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The body is not JSON, or a number is NaN, infinite or overflows.
    InvalidJsonOrNonFinite,
    /// Wrong JSON type, e.g. a number sent as text.
    TypeError,
    /// A field this method does not define; a typo must never become a zero.
    UnknownField,
    /// A required field is absent.
    MissingField,
    /// The crop is not in the crop table.
    UnknownCrop,
    /// An option names a factor, GWP set or mode that does not exist.
    UnknownFactorId,
    /// A quantity below 0.
    NegativeValue,
    /// `yield_kg` is 0, so no per-kg figure exists.
    ZeroYield,
    /// `area_ha` (or `hives` for honey) is not above 0.
    NonPositiveArea,
    /// Another divisor is not above 0.
    NonPositiveValue,
    /// A value above a plausibility bound.
    ImplausibleValue,
    /// A value that breaks a format rule of a body that embeds the request (e.g. a date or an
    /// id of an application); the calculator itself never reports it.
    InvalidValue,
}

/// One problem with one field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    /// Path of the field in the request, e.g. `removals.soc_measured.years` or
    /// `co_products[0].kg`; empty when the problem is the body as a whole.
    pub field: String,
    /// Stable reason code.
    pub code: ErrorCode,
    /// One English sentence naming the rule that was broken.
    pub message: String,
}

impl FieldError {
    /// Builds an error from its parts.
    pub fn new(field: impl Into<String>, code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            code,
            message: message.into(),
        }
    }
}

/// Whether the body could not be read at all, or was read and broke a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InputErrorKind {
    /// Not JSON, or a non-finite number (an HTTP layer answers 400).
    Malformed,
    /// JSON that breaks the method's rules (an HTTP layer answers 422).
    Invalid,
}

/// Every problem found in one request, so a farmer can fix them all in one go.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the input was refused ({count} problem(s)); first: {first}",
    count = .errors.len(), first = first_message(.errors))]
pub struct InputErrors {
    /// Malformed or invalid.
    pub kind: InputErrorKind,
    /// The problems, in the order they were found.
    pub errors: Vec<FieldError>,
}

fn first_message(errors: &[FieldError]) -> &str {
    errors
        .first()
        .map_or("none", |error| error.message.as_str())
}

impl InputErrors {
    /// Problems with a body that was read as JSON.
    pub fn invalid(errors: Vec<FieldError>) -> Self {
        Self {
            kind: InputErrorKind::Invalid,
            errors,
        }
    }

    /// A body that could not be read as JSON.
    pub fn malformed(error: FieldError) -> Self {
        Self {
            kind: InputErrorKind::Malformed,
            errors: vec![error],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_serialise_in_snake_case() {
        let json = serde_json::to_string(&ErrorCode::InvalidJsonOrNonFinite).expect("serialise");
        assert_eq!(json, "\"invalid_json_or_non_finite\"");
        let json = serde_json::to_string(&ErrorCode::NonPositiveArea).expect("serialise");
        assert_eq!(json, "\"non_positive_area\"");
    }

    #[test]
    fn the_display_counts_the_problems_and_quotes_the_first() {
        let errors = InputErrors::invalid(vec![
            FieldError::new(
                "yield_kg",
                ErrorCode::ZeroYield,
                "yield_kg must be above 0.",
            ),
            FieldError::new("crop", ErrorCode::MissingField, "crop is required."),
        ]);
        let text = errors.to_string();
        assert!(text.contains("2 problem(s)") && text.contains("yield_kg must be above 0."));
    }
}

/// The allowed field name a misspelt one most likely meant, if one is close enough to say so
/// (at most two letters apart, or the same letters in another case).
pub fn closest_field<'a>(name: &str, allowed: &[&'a str]) -> Option<&'a str> {
    let lower = name.to_lowercase();
    allowed
        .iter()
        .map(|candidate| (strsim::levenshtein(&lower, candidate), *candidate))
        .filter(|(distance, candidate)| *distance <= 2.min(candidate.len() / 2))
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, candidate)| candidate)
}

/// ` Did you mean `x`?` for a misspelt field name, or nothing.
pub fn did_you_mean(name: &str, allowed: &[&str]) -> String {
    closest_field(name, allowed)
        .map(|candidate| format!(" Did you mean `{candidate}`?"))
        .unwrap_or_default()
}

#[cfg(test)]
mod suggestion_tests {
    use super::*;

    #[test]
    fn a_misspelt_field_is_matched_to_the_one_meant_and_a_stranger_to_none() {
        let allowed = ["crop", "area_ha", "yield_kg", "diesel_l"];
        assert_eq!(closest_field("are_ha", &allowed), Some("area_ha"));
        assert_eq!(closest_field("Yield_KG", &allowed), Some("yield_kg"));
        assert_eq!(closest_field("diesel", &allowed), Some("diesel_l"));
        assert_eq!(closest_field("colour", &allowed), None);
        assert_eq!(did_you_mean("cropp", &allowed), " Did you mean `crop`?");
    }
}

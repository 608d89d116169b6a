//! A batch application: what a farmer submits for a label, and the states it moves through.
//!
//! The body is read by hand from JSON so that every mistake is reported with its field path,
//! all at once, in the same shape as the footprint calculator's errors.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use uuid::Uuid;

use crate::footprint::{
    self, ErrorCode, FieldError, FootprintRequest, InputErrorKind, InputErrors,
};

const MAX_NAME_CHARS: usize = 200;
const MAX_LOT_CHARS: usize = 64;
const TOP_LEVEL_FIELDS: &[&str] = &["farm_id", "product", "harvest", "activity"];
const PRODUCT_FIELDS: &[&str] = &["name", "crop", "gtin", "lot"];
const HARVEST_FIELDS: &[&str] = &["start", "end"];

/// The longest a certificate may be valid, in days. trust.md asks for a short validity, "a
/// season or a year": a calendar year that contains 29 February has 366 days, so that is the
/// longest window that is still a year. A longer label would go on vouching for a footprint
/// after the next harvest, whose inputs nobody has audited.
pub const MAX_VALIDITY_DAYS: i64 = 366;

/// What is sold under the label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Product {
    /// Name shown to buyers, e.g. "Jinpoluo chestnuts".
    pub name: String,
    /// Crop id of the methodology's crop table.
    pub crop: String,
    /// GS1 GTIN-14, check digit verified.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gtin: Option<String>,
    /// The farmer's lot or batch number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lot: Option<String>,
}

/// The harvest dates of the batch, inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct HarvestPeriod {
    /// First day of harvest.
    pub start: NaiveDate,
    /// Last day of harvest, not before `start`.
    pub end: NaiveDate,
}

/// A parsed, valid application body.
#[derive(Debug, Clone)]
pub struct ApplicationInput {
    /// The farm the batch comes from.
    pub farm_id: Uuid,
    /// What is sold.
    pub product: Product,
    /// When it was harvested.
    pub harvest: HarvestPeriod,
    /// The activity data, typed.
    pub activity: FootprintRequest,
    /// The activity data as sent, kept so the inputs can be shown and recomputed later.
    pub activity_json: Value,
    /// The whole body as sent, for the input hash.
    pub body: Value,
}

/// When a certificate is valid: `valid_until` after `valid_from`, and at most
/// [`MAX_VALIDITY_DAYS`] after it. Only [`ValidityWindow::new`] makes one, so a certificate can
/// never be signed with a window that breaks these rules.
///
/// A window that has already ended is accepted on purpose: the buyer page and the verifier show
/// such a certificate as expired, so it misleads nobody, and it lets a certification body put a
/// past season's audit on record (the demo's expired 2025 chestnuts are one). The proof's
/// `created` time still shows when it was really signed. This type does not read the clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ValidityWindow {
    valid_from: DateTime<Utc>,
    valid_until: DateTime<Utc>,
}

impl ValidityWindow {
    /// Checks the rules, naming `valid_until` (the end that breaks them) in the error.
    pub fn new(valid_from: DateTime<Utc>, valid_until: DateTime<Utc>) -> Result<Self, InputErrors> {
        if valid_until <= valid_from {
            let message = "valid_until must be after valid_from \
                           (valid_from is the time of approval when not given)";
            return Err(invalid(vec![error(
                "valid_until",
                ErrorCode::InvalidValue,
                message,
            )]));
        }
        if valid_until - valid_from > Duration::days(MAX_VALIDITY_DAYS) {
            let message = format!(
                "valid_until must be at most {MAX_VALIDITY_DAYS} days after valid_from: \
                 a certificate is valid for a season or a year"
            );
            return Err(invalid(vec![error(
                "valid_until",
                ErrorCode::InvalidValue,
                &message,
            )]));
        }
        Ok(Self {
            valid_from,
            valid_until,
        })
    }

    /// Start of validity.
    pub fn valid_from(&self) -> DateTime<Utc> {
        self.valid_from
    }

    /// End of validity.
    pub fn valid_until(&self) -> DateTime<Utc> {
        self.valid_until
    }
}

/// Where an application is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApplicationStatus {
    /// Being written by the farmer.
    Draft,
    /// Waiting for an auditor.
    Submitted,
    /// A certificate was issued.
    Approved,
    /// Refused, with a reason.
    Rejected,
}

/// A state change that the workflow does not allow.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("an application that is {from} cannot be {action}{}", hint(*from, action))]
pub struct IllegalTransition {
    /// The state the application is in.
    pub from: ApplicationStatus,
    /// What was attempted, as a past participle ("submitted", "approved").
    pub action: &'static str,
}

/// What to do instead of an illegal step, when there is something.
fn hint(from: ApplicationStatus, action: &str) -> &'static str {
    match (from, action) {
        (ApplicationStatus::Rejected, "submitted" | "edited") => {
            ": revise it (POST .../revise) to correct it in a new revision"
        }
        (ApplicationStatus::Submitted, "edited") => {
            ": it is waiting for an auditor; if it is rejected, revise it"
        }
        (ApplicationStatus::Draft, "approved" | "rejected") => ": the farmer must submit it first",
        _ => "",
    }
}

impl ApplicationStatus {
    /// The name stored in the database and shown in the API.
    pub fn as_str(self) -> &'static str {
        match self {
            ApplicationStatus::Draft => "draft",
            ApplicationStatus::Submitted => "submitted",
            ApplicationStatus::Approved => "approved",
            ApplicationStatus::Rejected => "rejected",
        }
    }

    /// Draft -> submitted.
    pub fn submit(self) -> Result<Self, IllegalTransition> {
        self.require(
            ApplicationStatus::Draft,
            "submitted",
            ApplicationStatus::Submitted,
        )
    }

    /// Submitted -> approved.
    pub fn approve(self) -> Result<Self, IllegalTransition> {
        self.require(
            ApplicationStatus::Submitted,
            "approved",
            ApplicationStatus::Approved,
        )
    }

    /// Submitted -> rejected.
    pub fn reject(self) -> Result<Self, IllegalTransition> {
        self.require(
            ApplicationStatus::Submitted,
            "rejected",
            ApplicationStatus::Rejected,
        )
    }

    /// Draft -> draft with new content: only a draft may be edited; what was submitted stays as
    /// the auditor saw it.
    pub fn edit(self) -> Result<Self, IllegalTransition> {
        self.require(ApplicationStatus::Draft, "edited", ApplicationStatus::Draft)
    }

    /// Rejected -> a new draft revision that corrects it; the rejected one stays as it was.
    pub fn revise(self) -> Result<Self, IllegalTransition> {
        self.require(
            ApplicationStatus::Rejected,
            "revised",
            ApplicationStatus::Draft,
        )
    }

    fn require(
        self,
        expected: ApplicationStatus,
        action: &'static str,
        next: ApplicationStatus,
    ) -> Result<Self, IllegalTransition> {
        if self == expected {
            Ok(next)
        } else {
            Err(IllegalTransition { from: self, action })
        }
    }
}

impl fmt::Display for ApplicationStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A status name that the database should never hold.
#[derive(Debug, thiserror::Error)]
#[error("unknown application status `{0}`")]
pub struct UnknownStatus(pub String);

impl FromStr for ApplicationStatus {
    type Err = UnknownStatus;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        match name {
            "draft" => Ok(ApplicationStatus::Draft),
            "submitted" => Ok(ApplicationStatus::Submitted),
            "approved" => Ok(ApplicationStatus::Approved),
            "rejected" => Ok(ApplicationStatus::Rejected),
            other => Err(UnknownStatus(other.to_owned())),
        }
    }
}

/// Applies a JSON merge patch (RFC 7396) to `target`: members of the patch replace those of the
/// target, objects merge member by member, and `null` removes a member.
pub fn merge_patch(target: &mut Value, patch: &Value) {
    let Value::Object(changes) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = Value::Object(Map::new());
    }
    if let Value::Object(fields) = target {
        for (name, change) in changes {
            if change.is_null() {
                fields.remove(name);
            } else {
                merge_patch(fields.entry(name.clone()).or_insert(Value::Null), change);
            }
        }
    }
}

/// Reads an application body, reporting every problem with its field path.
pub fn parse_application(body: &[u8]) -> Result<ApplicationInput, InputErrors> {
    let value = footprint::parse_json_body(body)?;
    parse_application_value(value)
}

/// Same as [`parse_application`], for a body that is already JSON.
pub fn parse_application_value(body: Value) -> Result<ApplicationInput, InputErrors> {
    let mut errors = Vec::new();
    let Some(fields) = body.as_object() else {
        errors.push(error(
            "",
            ErrorCode::TypeError,
            "the body must be a JSON object",
        ));
        return Err(invalid(errors));
    };
    reject_unknown_fields(fields, TOP_LEVEL_FIELDS, "", &mut errors);

    let farm_id = parse_farm_id(fields.get("farm_id"), &mut errors);
    let product = parse_product(fields.get("product"), &mut errors);
    let harvest = parse_harvest(fields.get("harvest"), &mut errors);
    let activity_json = fields.get("activity").cloned();
    let activity = parse_activity(activity_json.as_ref(), &mut errors);

    if let (Some(product), Some(activity)) = (&product, &activity) {
        check_same_crop(product, activity, &mut errors);
    }
    match (farm_id, product, harvest, activity, activity_json) {
        (Some(farm_id), Some(product), Some(harvest), Some(activity), Some(activity_json))
            if errors.is_empty() =>
        {
            Ok(ApplicationInput {
                farm_id,
                product,
                harvest,
                activity,
                activity_json,
                body,
            })
        }
        _ => Err(invalid(errors)),
    }
}

fn parse_farm_id(value: Option<&Value>, errors: &mut Vec<FieldError>) -> Option<Uuid> {
    let text = required_string(value, "farm_id", errors)?;
    match Uuid::parse_str(text) {
        Ok(id) => Some(id),
        Err(_) => {
            errors.push(error(
                "farm_id",
                ErrorCode::InvalidValue,
                "farm_id must be a UUID",
            ));
            None
        }
    }
}

fn parse_product(value: Option<&Value>, errors: &mut Vec<FieldError>) -> Option<Product> {
    let fields = required_object(value, "product", errors)?;
    reject_unknown_fields(fields, PRODUCT_FIELDS, "product.", errors);

    let name = required_string(fields.get("name"), "product.name", errors)
        .and_then(|name| bounded_text(name, "product.name", MAX_NAME_CHARS, errors));
    let crop = required_string(fields.get("crop"), "product.crop", errors).map(str::to_owned);
    let gtin = optional_string(fields.get("gtin"), "product.gtin", errors)
        .and_then(|gtin| checked_gtin(gtin, errors));
    let lot = optional_string(fields.get("lot"), "product.lot", errors)
        .and_then(|lot| bounded_text(lot, "product.lot", MAX_LOT_CHARS, errors));

    Some(Product {
        name: name?,
        crop: crop?,
        gtin,
        lot,
    })
}

fn parse_harvest(value: Option<&Value>, errors: &mut Vec<FieldError>) -> Option<HarvestPeriod> {
    let fields = required_object(value, "harvest", errors)?;
    reject_unknown_fields(fields, HARVEST_FIELDS, "harvest.", errors);

    let start = required_date(fields.get("start"), "harvest.start", errors);
    let end = required_date(fields.get("end"), "harvest.end", errors);
    let (start, end) = (start?, end?);
    if end < start {
        let message = "harvest.end must not be before harvest.start";
        errors.push(error("harvest.end", ErrorCode::InvalidValue, message));
        return None;
    }
    Some(HarvestPeriod { start, end })
}

fn parse_activity(value: Option<&Value>, errors: &mut Vec<FieldError>) -> Option<FootprintRequest> {
    let Some(value) = value else {
        errors.push(error(
            "activity",
            ErrorCode::MissingField,
            "activity is required",
        ));
        return None;
    };
    match footprint::parse_request_value(value, "activity.") {
        Ok(request) => Some(request),
        Err(activity_errors) => {
            errors.extend(activity_errors.errors);
            None
        }
    }
}

fn check_same_crop(product: &Product, activity: &FootprintRequest, errors: &mut Vec<FieldError>) {
    if product.crop != activity.crop.id() {
        let message = "product.crop must be the same crop as activity.crop";
        errors.push(error("product.crop", ErrorCode::InvalidValue, message));
    }
}

fn checked_gtin(gtin: &str, errors: &mut Vec<FieldError>) -> Option<String> {
    if is_valid_gtin14(gtin) {
        return Some(gtin.to_owned());
    }
    let message = "product.gtin must be 14 digits with a valid GS1 check digit";
    errors.push(error("product.gtin", ErrorCode::InvalidValue, message));
    None
}

/// GS1 GTIN-14: 14 digits, the last a mod-10 check digit with weights 3,1,3,... from the left.
pub fn is_valid_gtin14(gtin: &str) -> bool {
    let digits: Vec<u32> = gtin.chars().filter_map(|c| c.to_digit(10)).collect();
    if gtin.len() != 14 || digits.len() != 14 {
        return false;
    }
    let weighted: u32 = digits[..13]
        .iter()
        .enumerate()
        .map(|(index, digit)| if index % 2 == 0 { digit * 3 } else { *digit })
        .sum();
    (10 - weighted % 10) % 10 == digits[13]
}

fn bounded_text(
    text: &str,
    field: &str,
    max_chars: usize,
    errors: &mut Vec<FieldError>,
) -> Option<String> {
    let trimmed = text.trim();
    if trimmed.is_empty() || trimmed.chars().count() > max_chars {
        let message = format!("{field} must have 1 to {max_chars} characters");
        errors.push(error(field, ErrorCode::InvalidValue, &message));
        return None;
    }
    Some(trimmed.to_owned())
}

fn required_date(
    value: Option<&Value>,
    field: &str,
    errors: &mut Vec<FieldError>,
) -> Option<NaiveDate> {
    let text = required_string(value, field, errors)?;
    match NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        Ok(date) => Some(date),
        Err(_) => {
            let message = format!("{field} must be a date like 2026-09-15");
            errors.push(error(field, ErrorCode::InvalidValue, &message));
            None
        }
    }
}

fn required_object<'a>(
    value: Option<&'a Value>,
    field: &str,
    errors: &mut Vec<FieldError>,
) -> Option<&'a Map<String, Value>> {
    match value {
        None => {
            errors.push(error(
                field,
                ErrorCode::MissingField,
                &format!("{field} is required"),
            ));
            None
        }
        Some(Value::Object(fields)) => Some(fields),
        Some(_) => {
            errors.push(error(
                field,
                ErrorCode::TypeError,
                &format!("{field} must be an object"),
            ));
            None
        }
    }
}

fn required_string<'a>(
    value: Option<&'a Value>,
    field: &str,
    errors: &mut Vec<FieldError>,
) -> Option<&'a str> {
    if value.is_none() {
        errors.push(error(
            field,
            ErrorCode::MissingField,
            &format!("{field} is required"),
        ));
        return None;
    }
    optional_string(value, field, errors)
}

fn optional_string<'a>(
    value: Option<&'a Value>,
    field: &str,
    errors: &mut Vec<FieldError>,
) -> Option<&'a str> {
    match value {
        None | Some(Value::Null) => None,
        Some(Value::String(text)) => Some(text),
        Some(_) => {
            errors.push(error(
                field,
                ErrorCode::TypeError,
                &format!("{field} must be a string"),
            ));
            None
        }
    }
}

fn reject_unknown_fields(
    fields: &Map<String, Value>,
    allowed: &[&str],
    prefix: &str,
    errors: &mut Vec<FieldError>,
) {
    for name in fields
        .keys()
        .filter(|name| !allowed.contains(&name.as_str()))
    {
        let field = format!("{prefix}{name}");
        let message = format!(
            "`{field}` is not a field of an application.{} Allowed here: {}.",
            footprint::did_you_mean(name, allowed),
            allowed.join(", ")
        );
        errors.push(error(&field, ErrorCode::UnknownField, &message));
    }
}

fn error(field: &str, code: ErrorCode, message: &str) -> FieldError {
    FieldError {
        field: field.to_owned(),
        code,
        message: message.to_owned(),
    }
}

fn invalid(errors: Vec<FieldError>) -> InputErrors {
    InputErrors {
        kind: InputErrorKind::Invalid,
        errors,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn valid_body() -> Value {
        json!({
            "farm_id": "7d0f4a9e-3c1b-4e55-9b61-0f3a2c7e9d10",
            "product": {"name": "Chestnuts", "crop": "chestnut", "lot": "2026-A"},
            "harvest": {"start": "2026-09-10", "end": "2026-09-30"},
            "activity": {"crop": "chestnut", "area_ha": 2.0, "yield_kg": 3000}
        })
    }

    fn codes(result: Result<ApplicationInput, InputErrors>) -> Vec<(String, ErrorCode)> {
        let errors = result.expect_err("should be rejected").errors;
        errors.into_iter().map(|e| (e.field, e.code)).collect()
    }

    #[test]
    fn a_complete_body_parses_into_typed_parts() {
        let input = parse_application_value(valid_body()).expect("valid");
        assert_eq!(input.product.crop, "chestnut");
        assert_eq!(
            input.harvest.start,
            NaiveDate::from_ymd_opt(2026, 9, 10).expect("date")
        );
        assert_eq!(input.product.lot.as_deref(), Some("2026-A"));
    }

    #[test]
    fn every_mistake_is_reported_at_once_with_its_path() {
        let mut body = valid_body();
        body["product"]["gtin"] = json!("12345678901234");
        body["harvest"]["end"] = json!("2026-09-01");
        body["activity"]["yield_kg"] = json!(-1);
        body["colour"] = json!("red");

        let found = codes(parse_application_value(body));
        assert!(found.contains(&("product.gtin".into(), ErrorCode::InvalidValue)));
        assert!(found.contains(&("harvest.end".into(), ErrorCode::InvalidValue)));
        assert!(found.contains(&("activity.yield_kg".into(), ErrorCode::NegativeValue)));
        assert!(found.contains(&("colour".into(), ErrorCode::UnknownField)));
    }

    #[test]
    fn product_and_activity_must_name_the_same_crop() {
        let mut body = valid_body();
        body["product"]["crop"] = json!("apple");
        let found = codes(parse_application_value(body));
        assert_eq!(
            found,
            vec![("product.crop".to_owned(), ErrorCode::InvalidValue)]
        );
    }

    #[test]
    fn a_merge_patch_replaces_merges_and_removes_members() {
        let mut body = json!({"product": {"name": "a", "lot": "L1"}, "harvest": {"start": "x"}});
        let patch = json!({"product": {"lot": null, "name": "b"}, "harvest": "whole"});
        merge_patch(&mut body, &patch);
        assert_eq!(body, json!({"product": {"name": "b"}, "harvest": "whole"}));
    }

    #[test]
    fn gtin_check_digits_are_verified() {
        assert!(is_valid_gtin14("00012345600012"));
        assert!(!is_valid_gtin14("00012345600013"));
        assert!(!is_valid_gtin14("0001234560001"));
        assert!(!is_valid_gtin14("0001234560001a"));
    }

    #[test]
    fn only_the_allowed_transitions_happen() {
        use ApplicationStatus::*;
        assert_eq!(Draft.submit(), Ok(Submitted));
        assert_eq!(Submitted.approve(), Ok(Approved));
        assert_eq!(Submitted.reject(), Ok(Rejected));
        assert_eq!(
            Draft.approve(),
            Err(IllegalTransition {
                from: Draft,
                action: "approved"
            })
        );
        assert!(Approved.reject().is_err());
        assert!(Rejected.submit().is_err());
        assert_eq!(Draft.edit(), Ok(Draft));
        let refused = Rejected
            .submit()
            .expect_err("a rejected application is not resubmitted");
        assert!(refused.to_string().contains("revise it"), "{refused}");
        assert_eq!(Rejected.revise(), Ok(Draft));
        for settled in [Submitted, Approved, Rejected] {
            assert!(settled.edit().is_err(), "{settled} edited");
        }
        for not_rejected in [Draft, Submitted, Approved] {
            assert!(not_rejected.revise().is_err(), "{not_rejected} revised");
        }
    }

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .expect("RFC 3339 time")
            .with_timezone(&Utc)
    }

    fn refused_field(from: &str, until: &str) -> (String, ErrorCode) {
        let refused = ValidityWindow::new(at(from), at(until)).expect_err("should be refused");
        let [only] = refused.errors.as_slice() else {
            panic!("expected one error, got {:?}", refused.errors);
        };
        (only.field.clone(), only.code)
    }

    #[test]
    fn a_validity_window_ends_after_it_starts() {
        let expected = ("valid_until".to_owned(), ErrorCode::InvalidValue);
        assert_eq!(
            refused_field("2027-01-01T00:00:00Z", "2026-01-01T00:00:00Z"),
            expected
        );
        assert_eq!(
            refused_field("2027-01-01T00:00:00Z", "2027-01-01T00:00:00Z"),
            expected
        );
    }

    #[test]
    fn a_validity_window_is_at_most_a_leap_year_long() {
        let leap_year = ValidityWindow::new(at("2027-03-01T00:00:00Z"), at("2028-03-01T00:00:00Z"))
            .expect("366 days, across 29 February 2028, is a year");
        assert_eq!(
            leap_year.valid_until() - leap_year.valid_from(),
            Duration::days(MAX_VALIDITY_DAYS)
        );

        assert_eq!(
            refused_field("2027-03-01T00:00:00Z", "2028-03-01T00:00:01Z"),
            ("valid_until".to_owned(), ErrorCode::InvalidValue)
        );
        assert_eq!(
            refused_field("2026-01-01T00:00:00Z", "2126-01-01T00:00:00Z"),
            ("valid_until".to_owned(), ErrorCode::InvalidValue)
        );
    }

    #[test]
    fn a_validity_window_that_has_already_ended_is_accepted() {
        let past_season =
            ValidityWindow::new(at("2019-01-01T00:00:00Z"), at("2020-01-01T00:00:00Z"))
                .expect("a past season is a valid window; the verifier shows it as expired");
        assert_eq!(past_season.valid_from(), at("2019-01-01T00:00:00Z"));
    }
}

//! Builds the unsigned certificate document (W3C VC 2.0) from an approved batch.
//!
//! Figures enter the document as decimal strings rounded to six significant figures, once, here:
//! binary floats could be printed differently by two JSON libraries, and the signature covers
//! bytes. The tier was decided on unrounded values before this point.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;
use serde_json::{Map, Value, json};
use uuid::Uuid;

use crate::application::{HarvestPeriod, Product};
use crate::footprint::{FootprintReport, format_significant};

/// Significant figures of every number in a certificate.
const SIGNIFICANT_FIGURES: u32 = 6;

/// The footprint report keys that a certificate carries, in the order people read them.
const FOOTPRINT_KEYS: &[&str] = &[
    "declared_unit",
    "boundary",
    "method_id",
    "factor_set_id",
    "gwp_set",
    "options",
    "yield_kg",
    "gross_total_kg_co2e",
    "allocation_factor",
    "gross_kg_co2e_per_kg",
    "eligible_removals_kg_co2e",
    "removals_kg_co2e_per_kg",
    "net_kg_co2e_per_kg",
    "sources",
    "by_gas",
    "removals",
    "offsets",
    "provisional_factors",
];

/// Who issues certificates: a did:web identifier and the name people know it by.
#[derive(Debug, Clone, Serialize)]
pub struct Issuer {
    /// `did:web:...` of this deployment.
    pub id: String,
    /// Display name, e.g. the certification body.
    pub name: String,
}

/// The farm as named on the label.
#[derive(Debug, Clone, Serialize)]
pub struct FarmIdentity {
    /// Farm or co-operative name.
    pub name: String,
    /// Village, e.g. Jinpoluo.
    pub village: String,
    /// Region, e.g. Miyun District, Beijing.
    pub region: String,
}

/// Everything an approved batch claims.
pub struct CertificateClaim<'a> {
    /// The certificate's own id (`urn:uuid:` in the document).
    pub certificate_id: Uuid,
    /// The application the certificate was issued for.
    pub application_id: Uuid,
    /// Who signs.
    pub issuer: &'a Issuer,
    /// Start of validity.
    pub valid_from: DateTime<Utc>,
    /// End of validity.
    pub valid_until: DateTime<Utc>,
    /// What was produced.
    pub product: &'a Product,
    /// Where.
    pub farm: &'a FarmIdentity,
    /// When it was harvested.
    pub harvest: &'a HarvestPeriod,
    /// The computed footprint, unrounded figures already decided into a tier.
    pub footprint: &'a FootprintReport,
    /// SHA-256 (hex) of the canonical input data, so an auditor can tie the claim to its inputs.
    pub input_sha256: &'a str,
    /// Name of the auditor who approved the batch.
    pub audited_by: &'a str,
    /// The certificate's `BitstringStatusListEntry`, where revocation will be published.
    pub status_entry: &'a Value,
}

/// The credential without its proof, ready to be signed.
pub fn unsigned_document(claim: &CertificateClaim<'_>) -> Value {
    json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": format!("urn:uuid:{}", claim.certificate_id),
        "type": ["VerifiableCredential", "CarbonLabelCredential"],
        "issuer": { "id": claim.issuer.id, "name": claim.issuer.name },
        "validFrom": timestamp(claim.valid_from),
        "validUntil": timestamp(claim.valid_until),
        "credentialSubject": credential_subject(claim),
        "credentialStatus": claim.status_entry,
    })
}

fn credential_subject(claim: &CertificateClaim<'_>) -> Value {
    let report = serde_json::to_value(claim.footprint).unwrap_or(Value::Null);
    json!({
        "type": "CarbonFootprintClaim",
        "application": format!("urn:uuid:{}", claim.application_id),
        "product": product(claim.product),
        "farm": claim.farm,
        "harvest": { "start": claim.harvest.start, "end": claim.harvest.end },
        "footprint": decimal_strings(select(&report, FOOTPRINT_KEYS)),
        "label": label(&report),
        "auditedBy": claim.audited_by,
        "inputSha256": claim.input_sha256,
    })
}

fn product(product: &Product) -> Value {
    let mut fields = Map::new();
    fields.insert("name".into(), json!(product.name));
    fields.insert("crop".into(), json!(product.crop));
    if let Some(gtin) = &product.gtin {
        fields.insert("gtin".into(), json!(gtin));
    }
    if let Some(lot) = &product.lot {
        fields.insert("lot".into(), json!(lot));
    }
    Value::Object(fields)
}

fn label(report: &Value) -> Value {
    json!({
        "tier": report.get("tier"),
        "tierRule": report.get("tier_rule"),
        "benchmarkKgCo2ePerKg": decimal_strings(
            report.get("benchmark_kg_co2e_per_kg").cloned().unwrap_or(Value::Null)
        ),
        "offsetsUsed": report.pointer("/offsets/used").cloned().unwrap_or(Value::Bool(false)),
    })
}

fn select(report: &Value, keys: &[&str]) -> Value {
    let fields = keys
        .iter()
        .filter_map(|key| {
            report
                .get(*key)
                .map(|value| ((*key).to_owned(), value.clone()))
        })
        .collect();
    Value::Object(fields)
}

/// Replaces every JSON number with its decimal string, rounded to six significant figures.
fn decimal_strings(value: Value) -> Value {
    match value {
        Value::Number(number) => {
            let figure = number.as_f64().unwrap_or_default();
            Value::String(format_significant(figure, SIGNIFICANT_FIGURES))
        }
        Value::Array(items) => Value::Array(items.into_iter().map(decimal_strings).collect()),
        Value::Object(fields) => Value::Object(
            fields
                .into_iter()
                .map(|(k, v)| (k, decimal_strings(v)))
                .collect(),
        ),
        other => other,
    }
}

/// RFC 3339 in UTC with whole seconds, the form VC validity dates use.
pub fn timestamp(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(SecondsFormat::Secs, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_become_decimal_strings_at_every_depth() {
        let value = json!({"a": 0.40321555, "b": [1, {"c": -0.001905823}], "d": true, "e": "x"});
        let converted = decimal_strings(value);
        assert_eq!(
            converted,
            json!({"a": "0.403216", "b": ["1", {"c": "-0.00190582"}], "d": true, "e": "x"})
        );
    }
}

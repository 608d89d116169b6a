//! Product carbon footprint of farm produce, cradle to farm gate (method `cfp-farmgate-v1`,
//! factor set `factors-2026.1`, see `shared/docs/methodology.md`).
//!
//! Pure domain code: no HTTP, no SQL, no clock. The flow is
//! `parse_request` (JSON in, typed request or every problem at once) -> `calculate` (unrounded
//! result with its tier) -> `FootprintResult::report` (the public shape, six significant
//! figures). Rounding happens only in the report, so a tier never depends on how a figure is
//! printed.

mod catalogue;
mod engine;
mod errors;
mod factors;
mod ids;
mod json_body;
mod report;
mod request;
pub mod units;
mod validate;

#[cfg(test)]
mod properties;
#[cfg(test)]
mod reference_cases;

pub use catalogue::{CropRow, FactorRow, Methodology, TierRow, factor_rows, methodology};
pub use engine::{FootprintResult, RemovalKind, RemovalLine, SourceEmission, TierRule, calculate};
pub use errors::{ErrorCode, FieldError, InputErrorKind, InputErrors, closest_field, did_you_mean};
pub use factors::{FACTOR_SET_ID, FactorSet, FactorStatus, METHOD_ID, YieldBasis, factor_set};
pub use ids::{CropId, GridFactorId, GwpSet, N2oEfMode, PreSeason, Source, Tier, WaterRegime};
pub use json_body::parse_json_body;
pub use report::{FootprintReport, format_significant};
pub use request::{
    CalculationOptions, CoProduct, Energy, FootprintRequest, InboundTransport, Nutrients,
    Pesticides, Removals, RiceCultivation, SocMeasurement,
};
pub use validate::{parse_request, parse_request_value};

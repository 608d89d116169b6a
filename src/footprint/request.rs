//! The typed footprint request of methodology section 2.
//!
//! A `FootprintRequest` can only be made by the parser in `validate.rs`, so code that holds
//! one can rely on it: quantities are finite and not negative, divisors are positive, the crop
//! and option ids exist, and the plausibility bounds hold.

use serde::{Deserialize, Serialize};

use super::ids::{CropId, GridFactorId, GwpSet, N2oEfMode, PreSeason, WaterRegime};
use super::units::{
    Centimetres, CnyPerKg, Days, Hectares, Hives, KgActiveIngredient, KgCo2, KgCo2e, KgDryMatter,
    KgK2o, KgN, KgP2o5, KgUrea, Kilograms, KilowattHours, Litres, TonneKm, TonnesCarbonPerHectare,
    TonnesDryMatterPerHectare, Years,
};

/// The activity data of one batch: one crop, one set of fields or hives, one season.
#[derive(Debug, Clone, PartialEq)]
pub struct FootprintRequest {
    /// The crop, which picks the benchmark and the plausibility bound.
    pub crop: CropId,
    /// Field area; required for every crop but honey.
    pub area: Option<Hectares>,
    /// Number of hives; required for honey and only for honey.
    pub hives: Option<Hives>,
    /// Marketable main product, the denominator of every per-kg figure.
    pub yield_kg: Kilograms,
    /// Price of the main product; present whenever there are co-products.
    pub price: Option<CnyPerKg>,
    /// Co-products sold from the same batch, for economic allocation.
    pub co_products: Vec<CoProduct>,
    /// Fertilisers and organic N.
    pub nutrients: Nutrients,
    /// Limestone applied.
    pub limestone: Kilograms,
    /// Dolomite applied.
    pub dolomite: Kilograms,
    /// Fuels and electricity used on the farm.
    pub energy: Energy,
    /// Pesticide active ingredients applied.
    pub pesticides: Pesticides,
    /// Mulch film used.
    pub plastic_film: Kilograms,
    /// Freight of inputs to the farm.
    pub inbound_transport: InboundTransport,
    /// Feedstock composted on the farm for this crop.
    pub compost_feedstock: KgDryMatter,
    /// Flooded rice data; present exactly when the crop is rice.
    pub rice: Option<RiceCultivation>,
    /// Carbon removals claimed for the batch.
    pub removals: Removals,
    /// Carbon credits retired for this batch.
    pub retired_credits: KgCo2e,
    /// GWP set, N2O mode and grid factor.
    pub options: CalculationOptions,
    pub(super) parsed: Parsed,
}

/// Proof that a request came through the parser; only this module tree can make one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Parsed;

impl FootprintRequest {
    /// The crop's wire id, for comparing with ids held as text elsewhere.
    pub fn crop_id(&self) -> &'static str {
        self.crop.id()
    }
}

/// A co-product of the batch (e.g. beeswax beside honey).
#[derive(Debug, Clone, PartialEq)]
pub struct CoProduct {
    /// What it is, as the farmer names it.
    pub name: String,
    /// Mass sold.
    pub mass: Kilograms,
    /// Price per kg.
    pub price: CnyPerKg,
}

/// Nutrients applied to the batch's fields.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Nutrients {
    /// Urea as product mass.
    pub urea: KgUrea,
    /// N in every other synthetic fertiliser.
    pub synthetic_n_other: KgN,
    /// Phosphate, manufacture emissions only.
    pub p2o5: KgP2o5,
    /// Potash, manufacture emissions only.
    pub k2o: KgK2o,
    /// N in manure or compost applied.
    pub organic_n: KgN,
    /// N in crop residues returned to the field.
    pub crop_residue_n: KgN,
}

impl Nutrients {
    /// F_SN: all synthetic N, urea counted by its N content.
    pub fn synthetic_n(&self) -> KgN {
        self.synthetic_n_other + self.urea.nitrogen()
    }

    /// F_SN + F_ON + F_CR: all N that enters the soil.
    pub fn total_n(&self) -> KgN {
        self.synthetic_n() + self.organic_n + self.crop_residue_n
    }
}

/// Fuels and electricity used on the farm.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Energy {
    /// Diesel for machinery.
    pub diesel: Litres,
    /// Gasoline for machinery.
    pub gasoline: Litres,
    /// LPG, e.g. grain drying.
    pub lpg: Kilograms,
    /// Coal, e.g. grain drying.
    pub coal: Kilograms,
    /// Grid electricity.
    pub electricity: KilowattHours,
}

/// Pesticide active ingredients by class.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Pesticides {
    /// Herbicides.
    pub herbicide: KgActiveIngredient,
    /// Insecticides.
    pub insecticide: KgActiveIngredient,
    /// Fungicides.
    pub fungicide: KgActiveIngredient,
}

/// Freight of inputs by vehicle class.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct InboundTransport {
    /// Heavy trucks.
    pub heavy_truck: TonneKm,
    /// Light trucks.
    pub light_truck: TonneKm,
}

/// How a rice crop was grown, for the IPCC methane equation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RiceCultivation {
    /// Days from transplanting or sowing to harvest.
    pub cultivation_days: Days,
    /// Water regime during the season (SFw).
    pub water_regime: WaterRegime,
    /// Water regime before the season (SFp).
    pub pre_season: PreSeason,
    /// Compost applied (SFo).
    pub compost: TonnesDryMatterPerHectare,
}

impl RiceCultivation {
    /// Whether the field is flooded, which selects EF1FR over EF1.
    pub fn is_flooded(&self) -> bool {
        self.water_regime != WaterRegime::Upland
    }
}

/// Removals claimed for the batch; only a verified soil carbon gain is ever netted.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Removals {
    /// Two soil carbon measurements on the batch's own fields.
    pub soc_measured: Option<SocMeasurement>,
    /// Growth of an established orchard; reported, never netted.
    pub orchard_biomass_growth: KgCo2,
    /// Trees planted outside the batch's fields; reported, never netted.
    pub tree_planting_outside_boundary: KgCo2,
}

/// Soil organic carbon measured twice on the batch's fields.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SocMeasurement {
    /// Stock at the first measurement.
    pub stock_t1: TonnesCarbonPerHectare,
    /// Stock at the second measurement.
    pub stock_t2: TonnesCarbonPerHectare,
    /// Time between the two.
    pub years: Years,
    /// Sampling depth.
    pub depth: Centimetres,
    /// Whether a third party verified the measurements.
    pub verified: bool,
}

/// Options that pick factors; each has the methodology's default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalculationOptions {
    /// GWP100 set.
    pub gwp: GwpSet,
    /// Soil N2O factor mode.
    pub n2o_ef_mode: N2oEfMode,
    /// Grid electricity factor.
    pub grid_factor_id: GridFactorId,
}

impl Default for CalculationOptions {
    fn default() -> Self {
        Self {
            gwp: GwpSet::Ar6,
            n2o_ef_mode: N2oEfMode::Aggregated,
            grid_factor_id: GridFactorId::CnNorth2022,
        }
    }
}

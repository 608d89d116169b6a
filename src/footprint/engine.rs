//! The calculation: methodology section 3 (sources), section 5 (allocation, removals, offsets)
//! and section 6 (tiers).
//!
//! Pure arithmetic on a parsed request and the factor set, at full `f64` precision. Nothing is
//! rounded here: the tier is decided on unrounded figures, and only the report rounds.

use serde::{Deserialize, Serialize};

use super::factors::{
    Factor, FactorSet, FactorStatus, FuelByMass, FuelByVolume, SoilN2oFactors, factor_set,
};
use super::ids::{CropId, Source, Tier};
use super::request::{CalculationOptions, FootprintRequest, SocMeasurement};
use super::units::{
    CO2_PER_C, GasMasses, Gwp100, Hectares, KgCo2, KgCo2e, KgCo2ePerKg, Kilograms, Megajoules,
    N2O_PER_N2O_N,
};

/// Kilograms per tonne, for factors published per tonne of carbon or soil stocks in tonnes.
const KG_PER_TONNE: f64 = 1000.0;

/// Megajoules per terajoule, for combustion factors published per TJ.
const MJ_PER_TJ: f64 = 1.0e6;

/// Share of the benchmark at or below which a footprint is `low_carbon`.
const LOW_CARBON_SHARE: f64 = 0.70;

/// The footprint of one batch, unrounded. Turn it into a [`super::FootprintReport`] to show it.
#[derive(Debug, Clone, PartialEq)]
pub struct FootprintResult {
    /// The crop.
    pub crop: CropId,
    /// The options the figures were computed with.
    pub options: CalculationOptions,
    /// Marketable main product.
    pub yield_kg: Kilograms,
    /// All sixteen sources in the methodology's order, zeros included.
    pub sources: Vec<SourceEmission>,
    /// Sum of all sources for the whole batch, before allocation.
    pub gross_total: KgCo2e,
    /// Share of the batch's emissions carried by the main product.
    pub allocation_factor: f64,
    /// Gross footprint per kg of main product.
    pub gross_per_kg: KgCo2ePerKg,
    /// Every removal claimed, netted or not, each on its own line.
    pub removals: Vec<RemovalLine>,
    /// Removals that may be netted, after the buffer and before allocation.
    pub eligible_removals: KgCo2e,
    /// Eligible removals, allocated, per kg of main product.
    pub removals_per_kg: KgCo2ePerKg,
    /// Gross minus eligible removals, per kg.
    pub net_per_kg: KgCo2ePerKg,
    /// Credits retired for the batch; never part of net.
    pub retired_credits: KgCo2e,
    /// Whether the tier rests on the credits.
    pub offsets_used: bool,
    /// The label tier.
    pub tier: Tier,
    /// The rule that decided the tier.
    pub tier_rule: TierRule,
    /// The crop's benchmark.
    pub benchmark: KgCo2ePerKg,
    /// Ids of provisional factors that entered a non-zero figure.
    pub provisional_factors: Vec<String>,
}

/// What one source emits for the whole batch.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SourceEmission {
    /// Which source.
    pub source: Source,
    /// Masses of CO2, CH4 and N2O emitted.
    pub gases: GasMasses,
    /// Cradle-to-gate CO2e of inputs, known only as CO2e.
    pub upstream: KgCo2e,
    /// Total CO2e under the result's GWP set.
    pub co2e: KgCo2e,
}

/// Which kind of removal a line reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RemovalKind {
    /// Soil organic carbon change measured on the batch's fields.
    SocMeasured,
    /// Growth of an established orchard.
    OrchardBiomassGrowth,
    /// Trees planted outside the batch's fields.
    TreePlantingOutsideBoundary,
}

/// One removal as claimed, with what of it was netted and why.
#[derive(Debug, Clone, PartialEq)]
pub struct RemovalLine {
    /// Which kind.
    pub kind: RemovalKind,
    /// CO2 removed as claimed (negative for a soil carbon loss).
    pub claimed: KgCo2,
    /// The part netted against emissions, after the buffer; 0 when not netted.
    pub netted: KgCo2,
    /// Why it was or was not netted.
    pub reason: String,
}

/// The rule of methodology section 6 that decided a tier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TierRule {
    /// Tier 1 met.
    RemovalsBringNetToZero,
    /// Tier 2 met.
    CreditsCloseTheGap,
    /// Tier 3 met.
    WithinLowCarbonShare,
    /// Above the benchmark: no neutrality tier (reduce first), and not low carbon.
    AboveBenchmark,
    /// Within the benchmark but above 70 % of it, and not brought to zero.
    AboveLowCarbonShare,
}

impl TierRule {
    /// One English sentence for certificates and the calculator.
    pub fn sentence(self) -> &'static str {
        match self {
            Self::RemovalsBringNetToZero => {
                "Gross is at or below the crop benchmark and verified in-boundary removals bring \
                 net to zero or below, without offsets."
            }
            Self::CreditsCloseTheGap => {
                "Gross is at or below the crop benchmark and retired carbon credits close the gap \
                 left after removals; this claim relies on offsets, which EU rules forbid as a \
                 basis for neutral claims from 27 September 2026."
            }
            Self::WithinLowCarbonShare => "Gross is at or below 70 % of the crop benchmark.",
            Self::AboveBenchmark => {
                "Gross is above the crop benchmark: no neutrality tier applies until emissions \
                 are reduced, whatever the removals or credits."
            }
            Self::AboveLowCarbonShare => {
                "Gross is above 70 % of the crop benchmark and is not brought to zero by removals \
                 or credits."
            }
        }
    }
}

/// The per-kg figures a tier is decided on, all allocated and unrounded.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct TierInputs {
    pub gross_per_kg: f64,
    pub benchmark: f64,
    pub removals_per_kg: f64,
    pub net_per_kg: f64,
    pub credits_per_kg: f64,
}

/// Computes the footprint of a parsed request with the factor set `factors-2026.1`.
pub fn calculate(request: &FootprintRequest) -> FootprintResult {
    let factors = factor_set();
    let gwp = factors.gwp.get(request.options.gwp).values();
    let sources = source_emissions(request, factors, gwp);
    let gross_total: KgCo2e = sources.iter().map(|source| source.co2e).sum();

    let allocation_factor = allocation_factor(request);
    let per_kg = |total: f64| total * allocation_factor / request.yield_kg.get();
    let removals = removal_lines(request, factors);
    let eligible_removals = KgCo2e::new(removals.iter().map(|line| line.netted.get()).sum());

    let inputs = TierInputs {
        gross_per_kg: per_kg(gross_total.get()),
        benchmark: factors.crops.get(request.crop).benchmark_kg_co2e_per_kg,
        removals_per_kg: per_kg(eligible_removals.get()),
        net_per_kg: per_kg(gross_total.get()) - per_kg(eligible_removals.get()),
        credits_per_kg: per_kg(request.retired_credits.get()),
    };
    let (tier, tier_rule) = decide_tier(&inputs);

    FootprintResult {
        crop: request.crop,
        options: request.options,
        yield_kg: request.yield_kg,
        provisional_factors: provisional_factors_used(request, factors),
        sources,
        gross_total,
        allocation_factor,
        gross_per_kg: KgCo2ePerKg::new(inputs.gross_per_kg),
        removals,
        eligible_removals,
        removals_per_kg: KgCo2ePerKg::new(inputs.removals_per_kg),
        net_per_kg: KgCo2ePerKg::new(inputs.net_per_kg),
        retired_credits: request.retired_credits,
        offsets_used: tier == Tier::CarbonNeutralWithOffsets,
        tier,
        tier_rule,
        benchmark: KgCo2ePerKg::new(inputs.benchmark),
    }
}

/// What a source emits: gases where they are known, CO2e where only that is published.
#[derive(Debug, Clone, Copy, Default)]
struct Emission {
    gases: GasMasses,
    upstream: KgCo2e,
}

impl Emission {
    fn gases(gases: GasMasses) -> Self {
        Self {
            gases,
            upstream: KgCo2e::ZERO,
        }
    }

    fn upstream(kg_co2e: f64) -> Self {
        Self {
            gases: GasMasses::default(),
            upstream: KgCo2e::new(kg_co2e),
        }
    }
}

fn source_emissions(
    request: &FootprintRequest,
    factors: &FactorSet,
    gwp: Gwp100,
) -> Vec<SourceEmission> {
    Source::ALL
        .iter()
        .map(|&source| {
            let emission = emission_of(source, request, factors);
            let co2e = emission.gases.co2e(gwp) + emission.upstream;
            SourceEmission {
                source,
                gases: emission.gases,
                upstream: emission.upstream,
                co2e,
            }
        })
        .collect()
}

fn emission_of(source: Source, request: &FootprintRequest, factors: &FactorSet) -> Emission {
    let soil = factors.soil_n2o.get(request.options.n2o_ef_mode);
    let energy = &request.energy;
    let fuels = &factors.fuels;
    match source {
        Source::SoilN2oDirect => Emission::gases(soil_n2o_direct(request, soil)),
        Source::SoilN2oIndirectVolatilisation => Emission::gases(volatilisation(request, soil)),
        Source::SoilN2oIndirectLeaching => Emission::gases(leaching(request, soil)),
        Source::UreaCo2 => Emission::gases(urea_co2(request, factors)),
        Source::LimingCo2 => Emission::gases(liming_co2(request, factors)),
        Source::RiceCh4 => Emission::gases(rice_ch4(request, factors)),
        Source::Diesel => Emission::gases(by_volume(&fuels.diesel, energy.diesel.get())),
        Source::Gasoline => Emission::gases(by_volume(&fuels.gasoline, energy.gasoline.get())),
        Source::Lpg => Emission::gases(by_mass(&fuels.lpg, energy.lpg)),
        Source::Coal => Emission::gases(by_mass(&fuels.coal, energy.coal)),
        Source::Electricity => Emission::gases(electricity(request, factors)),
        Source::FertiliserManufacture => Emission::upstream(fertiliser(request, factors)),
        Source::PesticideManufacture => Emission::upstream(pesticides(request, factors)),
        Source::PlasticFilm => Emission::upstream(plastic_film(request, factors)),
        Source::InboundTransport => Emission::gases(inbound_transport(request, factors)),
        Source::Composting => Emission::gases(composting(request, factors)),
    }
}

/// N2O from a mass of N2O-N.
fn n2o_from_n(n2o_n: f64) -> GasMasses {
    GasMasses::n2o(n2o_n * N2O_PER_N2O_N)
}

/// Direct N2O; flooded rice takes EF1FR, every other field EF1.
fn soil_n2o_direct(request: &FootprintRequest, soil: &SoilN2oFactors) -> GasMasses {
    let flooded_rice = request.rice.is_some_and(|rice| rice.is_flooded());
    let ef = if flooded_rice {
        &soil.ef1_flooded_rice
    } else {
        &soil.ef1
    };
    n2o_from_n(request.nutrients.total_n().get() * ef.value)
}

fn volatilisation(request: &FootprintRequest, soil: &SoilN2oFactors) -> GasMasses {
    let synthetic = request.nutrients.synthetic_n().get() * soil.frac_gasf.value;
    let organic = request.nutrients.organic_n.get() * soil.frac_gasm.value;
    n2o_from_n((synthetic + organic) * soil.ef4.value)
}

fn leaching(request: &FootprintRequest, soil: &SoilN2oFactors) -> GasMasses {
    let leached = request.nutrients.total_n().get() * soil.frac_leach.value;
    n2o_from_n(leached * soil.ef5.value)
}

/// CO2 from the carbon of a material, per tonne of carbon per tonne of material.
fn carbon_co2(kg: f64, carbon_share: &Factor) -> f64 {
    kg * carbon_share.value * CO2_PER_C
}

fn urea_co2(request: &FootprintRequest, factors: &FactorSet) -> GasMasses {
    GasMasses::co2(carbon_co2(
        request.nutrients.urea.get(),
        &factors.carbon_content.urea,
    ))
}

fn liming_co2(request: &FootprintRequest, factors: &FactorSet) -> GasMasses {
    let carbon = &factors.carbon_content;
    let limestone = carbon_co2(request.limestone.get(), &carbon.limestone);
    let dolomite = carbon_co2(request.dolomite.get(), &carbon.dolomite);
    GasMasses::co2(limestone + dolomite)
}

/// IPCC daily CH4 with the scaling factors for water regime, pre-season and compost.
fn rice_ch4(request: &FootprintRequest, factors: &FactorSet) -> GasMasses {
    let Some(rice) = request.rice else {
        return GasMasses::default();
    };
    let table = &factors.rice;
    // The parser requires an area for every crop but honey, so rice always has one.
    let area = request.area.unwrap_or(Hectares::ZERO).get();

    let amendment = 1.0 + rice.compost.get() * table.compost_conversion_factor.value;
    let sfo = amendment.powf(table.organic_amendment_exponent.value);
    let sfw = table.water_regime.get(rice.water_regime).value;
    let sfp = table.pre_season.get(rice.pre_season).value;

    let daily = table.baseline_emission_factor.value * sfw * sfp * sfo;
    GasMasses::ch4(daily * rice.cultivation_days.get() * area)
}

fn by_volume(fuel: &FuelByVolume, litres: f64) -> GasMasses {
    let energy = Megajoules::new(litres * fuel.density.value * fuel.net_calorific_value.value);
    let per_tj = |factor: &Factor| energy.get() * factor.value / MJ_PER_TJ;
    GasMasses {
        co2: kg(per_tj(&fuel.co2)),
        ch4: kg(per_tj(&fuel.ch4)),
        n2o: kg(per_tj(&fuel.n2o)),
    }
}

fn by_mass(fuel: &FuelByMass, mass: Kilograms) -> GasMasses {
    let energy = Megajoules::new(mass.get() * fuel.net_calorific_value.value);
    GasMasses::co2(energy.get() * fuel.co2.value / MJ_PER_TJ)
}

fn kg(value: f64) -> Kilograms {
    Kilograms::new(value)
}

fn electricity(request: &FootprintRequest, factors: &FactorSet) -> GasMasses {
    let grid = factors.grid_electricity.get(request.options.grid_factor_id);
    GasMasses::co2(request.energy.electricity.get() * grid.value)
}

/// Making fertilisers, published as t C per t nutrient.
fn fertiliser(request: &FootprintRequest, factors: &FactorSet) -> f64 {
    let made = &factors.fertiliser_manufacture;
    let nutrients = &request.nutrients;
    let carbon = nutrients.urea.nitrogen().get() * made.urea_n.value
        + nutrients.synthetic_n_other.get() * made.other_synthetic_n.value
        + nutrients.p2o5.get() * made.p2o5.value
        + nutrients.k2o.get() * made.k2o.value;
    carbon * CO2_PER_C
}

/// Making pesticides, published as kg C per kg active ingredient.
fn pesticides(request: &FootprintRequest, factors: &FactorSet) -> f64 {
    let made = &factors.pesticide_manufacture;
    let used = &request.pesticides;
    let carbon = used.herbicide.get() * made.herbicide.value
        + used.insecticide.get() * made.insecticide.value
        + used.fungicide.get() * made.fungicide.value;
    carbon * CO2_PER_C
}

/// Making mulch film, published as kg C per kg film.
fn plastic_film(request: &FootprintRequest, factors: &FactorSet) -> f64 {
    carbon_co2(request.plastic_film.get(), &factors.plastic_film.mulch_film)
}

/// Trucks' diesel energy per tonne-km times CO2 per kWh of diesel; the method states it as CO2.
fn inbound_transport(request: &FootprintRequest, factors: &FactorSet) -> GasMasses {
    let trucks = &factors.inbound_transport;
    let freight = &request.inbound_transport;
    let kwh = freight.heavy_truck.get() * trucks.heavy_truck.value
        + freight.light_truck.get() * trucks.light_truck.value;
    GasMasses::co2(kwh * trucks.diesel_co2.value)
}

fn composting(request: &FootprintRequest, factors: &FactorSet) -> GasMasses {
    let dry_matter = request.compost_feedstock.get();
    GasMasses::ch4(dry_matter * factors.composting.ch4.value)
        + GasMasses::n2o(dry_matter * factors.composting.n2o.value)
}

/// Economic allocation: the main product's share of the batch's sales value.
fn allocation_factor(request: &FootprintRequest) -> f64 {
    let Some(price) = request.price else {
        return 1.0;
    };
    let main_value = request.yield_kg.get() * price.get();
    let co_product_value: f64 = request
        .co_products
        .iter()
        .map(|co| co.mass.get() * co.price.get())
        .sum();
    if co_product_value == 0.0 {
        return 1.0;
    }
    main_value / (main_value + co_product_value)
}

fn removal_lines(request: &FootprintRequest, factors: &FactorSet) -> Vec<RemovalLine> {
    let removals = &request.removals;
    let buffer = factors.removals.non_permanence_buffer.value;
    let area = request.area.unwrap_or(Hectares::ZERO);
    let mut lines: Vec<RemovalLine> = removals
        .soc_measured
        .iter()
        .map(|soc| soc_line(soc, area, buffer))
        .collect();

    let orchard = removals.orchard_biomass_growth;
    if orchard.get() > 0.0 {
        let reason = "Growth of an established orchard is in steady state over the orchard's \
                      life; reported, never netted.";
        lines.push(reported_only(
            RemovalKind::OrchardBiomassGrowth,
            orchard,
            reason,
        ));
    }
    let planting = removals.tree_planting_outside_boundary;
    if planting.get() > 0.0 {
        let reason = "Trees planted outside the batch's fields are outside the boundary; \
                      reported, never netted.";
        lines.push(reported_only(
            RemovalKind::TreePlantingOutsideBoundary,
            planting,
            reason,
        ));
    }
    lines
}

fn reported_only(kind: RemovalKind, claimed: KgCo2, reason: &str) -> RemovalLine {
    RemovalLine {
        kind,
        claimed,
        netted: KgCo2::ZERO,
        reason: reason.to_owned(),
    }
}

/// Yearly soil carbon change over the batch's area; only a verified gain is netted, less the
/// non-permanence buffer.
fn soc_line(soc: &SocMeasurement, area: Hectares, buffer: f64) -> RemovalLine {
    let stock_change = soc.stock_t2.get() - soc.stock_t1.get();
    let yearly = stock_change / soc.years.get() * area.get() * CO2_PER_C * KG_PER_TONNE;
    let claimed = KgCo2::new(yearly);
    let kind = RemovalKind::SocMeasured;

    if yearly <= 0.0 {
        let reason = "No soil carbon gain was measured; a loss is reported, never netted.";
        return reported_only(kind, claimed, reason);
    }
    if !soc.verified {
        let reason = "The soil carbon gain is not verified by a third party; reported only.";
        return reported_only(kind, claimed, reason);
    }
    let reason = format!(
        "Verified measured soil carbon gain on the batch's own fields; netted less a {} % \
         non-permanence buffer.",
        buffer * 100.0
    );
    RemovalLine {
        kind,
        claimed,
        netted: KgCo2::new(yearly * (1.0 - buffer)),
        reason,
    }
}

/// Section 6: the first tier whose rule holds, tested in order on unrounded figures.
pub(super) fn decide_tier(inputs: &TierInputs) -> (Tier, TierRule) {
    let within_benchmark = inputs.gross_per_kg <= inputs.benchmark;
    let net_after_credits = inputs.net_per_kg - inputs.credits_per_kg;

    if within_benchmark && inputs.removals_per_kg > 0.0 && inputs.net_per_kg <= 0.0 {
        return (Tier::ZeroCarbon, TierRule::RemovalsBringNetToZero);
    }
    if within_benchmark && inputs.credits_per_kg > 0.0 && net_after_credits <= 0.0 {
        return (Tier::CarbonNeutralWithOffsets, TierRule::CreditsCloseTheGap);
    }
    if inputs.gross_per_kg <= LOW_CARBON_SHARE * inputs.benchmark {
        return (Tier::LowCarbon, TierRule::WithinLowCarbonShare);
    }
    if within_benchmark {
        (Tier::None, TierRule::AboveLowCarbonShare)
    } else {
        (Tier::None, TierRule::AboveBenchmark)
    }
}

/// A factor tied to an input, and how much of that input the batch used.
struct FactorUse<'a> {
    id: String,
    factor: &'a Factor,
    quantity: f64,
}

fn factor_use<'a>(id: &str, factor: &'a Factor, quantity: f64) -> FactorUse<'a> {
    FactorUse {
        id: id.to_owned(),
        factor,
        quantity,
    }
}

/// Ids of the factors, tied to an input, that entered a non-zero figure and are provisional,
/// so a certificate can say which of its numbers rest on unchecked factors.
fn provisional_factors_used(request: &FootprintRequest, factors: &FactorSet) -> Vec<String> {
    // Limitation: soil, rice, fuel, liming and GWP factors are not checked here; all of them
    // are verified in factors-2026.1, and a set that makes one provisional must add it.
    let mut uses = fertiliser_uses(request, factors);
    uses.extend(pesticide_uses(request, factors));
    uses.extend(other_input_uses(request, factors));

    uses.into_iter()
        .filter(|usage| usage.quantity > 0.0 && usage.factor.status == FactorStatus::Provisional)
        .map(|usage| usage.id)
        .collect()
}

fn fertiliser_uses<'a>(request: &FootprintRequest, factors: &'a FactorSet) -> Vec<FactorUse<'a>> {
    let made = &factors.fertiliser_manufacture;
    let nutrients = &request.nutrients;
    vec![
        factor_use(
            "fertiliser_manufacture.urea_n",
            &made.urea_n,
            nutrients.urea.get(),
        ),
        factor_use(
            "fertiliser_manufacture.other_synthetic_n",
            &made.other_synthetic_n,
            nutrients.synthetic_n_other.get(),
        ),
        factor_use(
            "fertiliser_manufacture.p2o5",
            &made.p2o5,
            nutrients.p2o5.get(),
        ),
        factor_use("fertiliser_manufacture.k2o", &made.k2o, nutrients.k2o.get()),
    ]
}

fn pesticide_uses<'a>(request: &FootprintRequest, factors: &'a FactorSet) -> Vec<FactorUse<'a>> {
    let made = &factors.pesticide_manufacture;
    let applied = &request.pesticides;
    vec![
        factor_use(
            "pesticide_manufacture.herbicide",
            &made.herbicide,
            applied.herbicide.get(),
        ),
        factor_use(
            "pesticide_manufacture.insecticide",
            &made.insecticide,
            applied.insecticide.get(),
        ),
        factor_use(
            "pesticide_manufacture.fungicide",
            &made.fungicide,
            applied.fungicide.get(),
        ),
    ]
}

fn other_input_uses<'a>(request: &FootprintRequest, factors: &'a FactorSet) -> Vec<FactorUse<'a>> {
    let trucks = &factors.inbound_transport;
    let freight = &request.inbound_transport;
    let grid_id = request.options.grid_factor_id;
    let compost = request.compost_feedstock.get();
    vec![
        factor_use(
            "plastic_film.mulch_film",
            &factors.plastic_film.mulch_film,
            request.plastic_film.get(),
        ),
        factor_use(
            "inbound_transport.heavy_truck",
            &trucks.heavy_truck,
            freight.heavy_truck.get(),
        ),
        factor_use(
            "inbound_transport.light_truck",
            &trucks.light_truck,
            freight.light_truck.get(),
        ),
        factor_use(
            "inbound_transport.diesel_co2",
            &trucks.diesel_co2,
            freight.heavy_truck.get() + freight.light_truck.get(),
        ),
        factor_use(
            &format!("grid_electricity.{grid_id}"),
            factors.grid_electricity.get(grid_id),
            request.energy.electricity.get(),
        ),
        factor_use("composting.ch4", &factors.composting.ch4, compost),
        factor_use("composting.n2o", &factors.composting.n2o, compost),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::footprint::parse_request_value;
    use serde_json::{Value, json};

    fn footprint(body: Value) -> FootprintResult {
        calculate(&parse_request_value(&body, "").expect("valid request"))
    }

    fn co2e(result: &FootprintResult, source: Source) -> f64 {
        result
            .sources
            .iter()
            .find(|line| line.source == source)
            .expect("source")
            .co2e
            .get()
    }

    fn gases(result: &FootprintResult, source: Source) -> GasMasses {
        result
            .sources
            .iter()
            .find(|line| line.source == source)
            .expect("source")
            .gases
    }

    fn assert_near(actual: f64, expected: f64) {
        let scale = expected.abs().max(1e-12);
        assert!(
            (actual - expected).abs() / scale < 1e-9,
            "{actual} != {expected}"
        );
    }

    fn field(extra: Value) -> Value {
        let mut body = json!({"crop": "tomato", "area_ha": 1, "yield_kg": 10000});
        for (key, value) in extra.as_object().expect("object") {
            body[key] = value.clone();
        }
        body
    }

    #[test]
    fn every_result_lists_all_sixteen_sources_in_order() {
        let result = footprint(field(json!({})));
        let order: Vec<Source> = result.sources.iter().map(|line| line.source).collect();
        assert_eq!(order, Source::ALL.to_vec());
        assert_eq!(result.gross_total, KgCo2e::ZERO);
    }

    #[test]
    fn another_gwp_set_reweights_the_same_gas_masses() {
        // Direct N2O: 100 kg N * 0.01 * 44/28 = 1.571429 kg N2O.
        // Composting 1000 kg DM: 10 kg CH4 and 0.6 kg N2O.
        // AR6: 1.571429*273 = 429.0;      10*27 + 0.6*273 = 433.8
        // AR5: 1.571429*265 = 416.428571; 10*28 + 0.6*265 = 439.0
        // AR4: 1.571429*298 = 468.285714; 10*25 + 0.6*298 = 428.8
        let expected = [
            ("AR6", 429.0, 433.8),
            ("AR5", 416.428_571_428_6, 439.0),
            ("AR4", 468.285_714_285_7, 428.8),
        ];
        for (gwp, direct, compost) in expected {
            let body = field(
                json!({"organic_n_kg": 100, "compost_feedstock_on_farm_kg_dm": 1000,
                "options": {"gwp": gwp}}),
            );
            let result = footprint(body);
            assert_near(co2e(&result, Source::SoilN2oDirect), direct);
            assert_near(co2e(&result, Source::Composting), compost);
            assert_near(
                gases(&result, Source::SoilN2oDirect).n2o.get(),
                100.0 * 0.01 * 44.0 / 28.0,
            );
        }
    }

    #[test]
    fn the_dry_disaggregated_mode_halves_ef1_and_ef4_and_drops_leaching() {
        // Direct: 100 * 0.005 * 44/28 = 0.785714 kg N2O * 273 = 214.5
        // Volatilisation: 100 * 0.21 * 0.005 * 44/28 = 0.165 kg N2O * 273 = 45.045
        // Leaching: FracLEACH 0 -> 0 (aggregated: 100 * 0.24 * 0.011 * 44/28 * 273 = 113.256)
        let dry = footprint(field(json!({"organic_n_kg": 100,
            "options": {"n2o_ef_mode": "dry_disaggregated"}})));
        assert_near(co2e(&dry, Source::SoilN2oDirect), 214.5);
        assert_near(co2e(&dry, Source::SoilN2oIndirectVolatilisation), 45.045);
        assert_eq!(co2e(&dry, Source::SoilN2oIndirectLeaching), 0.0);

        let aggregated = footprint(field(json!({"organic_n_kg": 100})));
        assert_near(
            co2e(&aggregated, Source::SoilN2oIndirectVolatilisation),
            90.09,
        );
        assert_near(co2e(&aggregated, Source::SoilN2oIndirectLeaching), 113.256);
    }

    #[test]
    fn liming_releases_the_carbon_of_limestone_and_dolomite() {
        // 1000 * 0.12 * 44/12 = 440; 500 * 0.13 * 44/12 = 238.333333
        let result = footprint(field(json!({"limestone_kg": 1000, "dolomite_kg": 500})));
        assert_near(co2e(&result, Source::LimingCo2), 678.333_333_333_3);
        assert_near(
            gases(&result, Source::LimingCo2).co2.get(),
            678.333_333_333_3,
        );
    }

    #[test]
    fn lpg_and_coal_emit_co2_by_their_energy() {
        // LPG: 100 kg * 47.3 MJ/kg = 4730 MJ * 63 100 kg/TJ = 298.463 kg CO2
        // Coal: 100 kg * 25.8 MJ/kg = 2580 MJ * 94 600 kg/TJ = 244.068 kg CO2
        let result = footprint(field(json!({"lpg_kg": 100, "coal_kg": 100})));
        assert_near(co2e(&result, Source::Lpg), 298.463);
        assert_near(co2e(&result, Source::Coal), 244.068);
        assert_eq!(gases(&result, Source::Lpg).ch4, Kilograms::ZERO);
    }

    #[test]
    fn fuel_methane_uses_the_non_fossil_gwp() {
        // Gasoline 80 L (REF-07): 2622.56 MJ * 80 kg CH4/TJ = 0.2098048 kg CH4 * 27 = 5.66473
        let result = footprint(field(json!({"gasoline_l": 80})));
        let methane = gases(&result, Source::Gasoline).ch4.get();
        assert_near(methane, 0.209_804_8);
        let co2 = gases(&result, Source::Gasoline).co2.get();
        let n2o = gases(&result, Source::Gasoline).n2o.get();
        assert_near(
            co2e(&result, Source::Gasoline),
            co2 + 27.0 * methane + 273.0 * n2o,
        );
    }

    #[test]
    fn pesticides_film_and_transport_use_provisional_factors() {
        // Pesticides: (2*6.3 + 1*5.1 + 3*3.9) kg C = 29.4 * 44/12 = 107.8 kg CO2e
        // Film: 60 kg * 5.18 kg C/kg * 44/12 = 1139.6 kg CO2e
        // Transport: 100 tkm * 0.42 kWh * 0.26676 = 11.20392; 100 * 1.57 * 0.26676 = 41.88132
        let result = footprint(field(json!({
            "pesticide_ai_kg": {"herbicide": 2, "insecticide": 1, "fungicide": 3},
            "plastic_film_kg": 60,
            "inbound_transport_tkm": {"heavy_truck": 100, "light_truck": 100},
        })));
        assert_near(co2e(&result, Source::PesticideManufacture), 107.8);
        assert_near(co2e(&result, Source::PlasticFilm), 1139.6);
        assert_near(
            co2e(&result, Source::InboundTransport),
            11.203_92 + 41.881_32,
        );
        assert_eq!(
            result.provisional_factors.len(),
            7,
            "{:?}",
            result.provisional_factors
        );
        assert!(
            result
                .provisional_factors
                .contains(&"plastic_film.mulch_film".to_owned())
        );
    }

    #[test]
    fn fertiliser_manufacture_counts_every_nutrient() {
        // Other N 100 * 2.116 + P2O5 50 * 0.636 + K2O 40 * 0.180 = 250.6 t C/t -> * 44/12
        let result = footprint(field(json!({"synthetic_n_other_kg": 100, "p2o5_kg": 50,
            "k2o_kg": 40})));
        assert_near(
            co2e(&result, Source::FertiliserManufacture),
            250.6 * 44.0 / 12.0,
        );
        assert!(result.provisional_factors.is_empty());
    }

    #[test]
    fn the_grid_factor_option_picks_the_grid() {
        let national = footprint(field(json!({"electricity_kwh": 1000,
            "options": {"grid_factor_id": "cn_national_2022"}})));
        assert_near(co2e(&national, Source::Electricity), 536.6);
        let older = footprint(field(json!({"electricity_kwh": 1000,
            "options": {"grid_factor_id": "cn_national_2021"}})));
        assert_near(co2e(&older, Source::Electricity), 556.8);
    }

    #[test]
    fn rice_methane_scales_with_water_regime_and_pre_season() {
        // 1.19 * SFw 0.55 * SFp 2.41 * SFo 1 * 100 d * 2 ha = 315.469 kg CH4 (* 27 = 8517.663)
        let body = json!({"crop": "rice", "area_ha": 2, "yield_kg": 14000, "urea_kg": 100,
            "rice": {"cultivation_days": 100, "water_regime": "multiple_drainage",
                     "pre_season": "flooded_over_30d"}});
        let result = footprint(body);
        assert_near(gases(&result, Source::RiceCh4).ch4.get(), 315.469);
        assert_near(co2e(&result, Source::RiceCh4), 8517.663);
        // Flooded: 46 kg N * EF1FR 0.004 * 44/28 = 0.289143 kg N2O
        assert_near(
            gases(&result, Source::SoilN2oDirect).n2o.get(),
            46.0 * 0.004 * 44.0 / 28.0,
        );
    }

    #[test]
    fn upland_rice_emits_no_methane_and_takes_ef1() {
        let body = json!({"crop": "rice", "area_ha": 1, "yield_kg": 4000, "urea_kg": 100,
            "rice": {"cultivation_days": 100, "water_regime": "upland"}});
        let result = footprint(body);
        assert_eq!(co2e(&result, Source::RiceCh4), 0.0);
        assert_near(
            gases(&result, Source::SoilN2oDirect).n2o.get(),
            46.0 * 0.01 * 44.0 / 28.0,
        );
    }

    fn soc(t1: f64, t2: f64, verified: bool) -> Value {
        json!({"stock_t1_t_c_per_ha": t1, "stock_t2_t_c_per_ha": t2, "years": 5,
               "depth_cm": 30, "verified": verified})
    }

    #[test]
    fn an_unverified_gain_is_reported_but_not_netted() {
        // (33.5 - 30) / 5 * 1 ha * 44/12 * 1000 = 2566.667 kg CO2 claimed
        let result = footprint(field(json!({"diesel_l": 60,
            "removals": {"soc_measured": soc(30.0, 33.5, false)}})));
        assert_eq!(result.eligible_removals, KgCo2e::ZERO);
        assert_eq!(result.net_per_kg, result.gross_per_kg);
        assert_near(
            result.removals[0].claimed.get(),
            3.5 / 5.0 * 44.0 / 12.0 * 1000.0,
        );
        assert_eq!(result.removals[0].netted, KgCo2::ZERO);
    }

    #[test]
    fn a_loss_orchard_growth_and_planting_elsewhere_are_reported_only() {
        // Loss: (27.5 - 30) / 5 * 44/12 * 1000 = -1833.333 kg CO2
        let result = footprint(field(json!({"diesel_l": 60, "removals": {
            "soc_measured": soc(30.0, 27.5, true),
            "orchard_biomass_growth_kg_co2": 500,
            "tree_planting_outside_boundary_kg_co2": 800}})));
        let kinds: Vec<RemovalKind> = result.removals.iter().map(|line| line.kind).collect();
        assert_eq!(
            kinds,
            [
                RemovalKind::SocMeasured,
                RemovalKind::OrchardBiomassGrowth,
                RemovalKind::TreePlantingOutsideBoundary
            ]
        );
        assert_near(
            result.removals[0].claimed.get(),
            -2.5 / 5.0 * 44.0 / 12.0 * 1000.0,
        );
        assert!(
            result
                .removals
                .iter()
                .all(|line| line.netted == KgCo2::ZERO)
        );
        assert_eq!(result.net_per_kg, result.gross_per_kg);
    }

    #[test]
    fn removals_are_allocated_like_emissions() {
        // AF = 20000*5 / (20000*5 + 2000*0.5) = 0.990099; eligible = 2566.667 * 0.8 = 2053.333
        let body = json!({"crop": "apple", "area_ha": 1, "yield_kg": 20000, "diesel_l": 100,
            "price_cny_per_kg": 5,
            "co_products": [{"name": "prunings", "kg": 2000, "price_cny_per_kg": 0.5}],
            "removals": {"soc_measured": soc(30.0, 33.5, true)}});
        let result = footprint(body);
        assert_near(result.allocation_factor, 100_000.0 / 101_000.0);
        let eligible = 3.5 / 5.0 * 44.0 / 12.0 * 1000.0 * 0.8;
        assert_near(result.eligible_removals.get(), eligible);
        let per_kg = eligible * 100_000.0 / 101_000.0 / 20_000.0;
        assert_near(result.removals_per_kg.get(), per_kg);
        assert_near(result.net_per_kg.get(), result.gross_per_kg.get() - per_kg);
    }

    #[test]
    fn credits_give_the_offsets_tier_and_say_so_without_touching_net() {
        let body = json!({"crop": "maize", "area_ha": 1, "yield_kg": 9000, "urea_kg": 350,
            "p2o5_kg": 90, "k2o_kg": 60, "crop_residue_n_kg": 60, "diesel_l": 80,
            "electricity_kwh": 600, "retired_credits_kg_co2e": 4000});
        let result = footprint(body);
        assert_eq!(result.tier, Tier::CarbonNeutralWithOffsets);
        assert!(result.offsets_used);
        assert_eq!(result.net_per_kg, result.gross_per_kg);
    }

    #[test]
    fn removals_never_lift_a_footprint_above_the_benchmark_into_zero_carbon() {
        // Gross 3628.94 / 2000 kg = 1.81 > 0.62; removals (10 t C/ha/yr) would make net < 0.
        let body = json!({"crop": "maize", "area_ha": 1, "yield_kg": 2000, "urea_kg": 350,
            "p2o5_kg": 90, "k2o_kg": 60, "crop_residue_n_kg": 60, "diesel_l": 80,
            "electricity_kwh": 600, "retired_credits_kg_co2e": 5000,
            "removals": {"soc_measured": {"stock_t1_t_c_per_ha": 30, "stock_t2_t_c_per_ha": 40,
                "years": 1, "depth_cm": 30, "verified": true}}});
        let result = footprint(body);
        assert!(result.net_per_kg.get() < 0.0);
        assert_eq!(
            (result.tier, result.tier_rule),
            (Tier::None, TierRule::AboveBenchmark)
        );
        assert!(!result.offsets_used);
    }

    #[test]
    fn the_engine_keeps_full_precision() {
        let body = json!({"crop": "maize", "area_ha": 1, "yield_kg": 9000, "urea_kg": 350,
            "diesel_l": 80});
        let result = footprint(body);
        assert_eq!(result.gross_per_kg.get(), result.gross_total.get() / 9000.0);
        let shown = result.report().gross_kg_co2e_per_kg;
        assert_ne!(shown, result.gross_per_kg.get());
    }

    fn tier_of(gross: f64, removals: f64, credits: f64) -> (Tier, TierRule) {
        let inputs = TierInputs {
            gross_per_kg: gross,
            benchmark: 0.62,
            removals_per_kg: removals,
            net_per_kg: gross - removals,
            credits_per_kg: credits,
        };
        decide_tier(&inputs)
    }

    #[test]
    fn gross_exactly_at_seventy_percent_of_the_benchmark_is_low_carbon() {
        let threshold = LOW_CARBON_SHARE * 0.62;
        assert_eq!(
            tier_of(threshold, 0.0, 0.0),
            (Tier::LowCarbon, TierRule::WithinLowCarbonShare)
        );
        let just_above = f64::from_bits(threshold.to_bits() + 1);
        assert_eq!(
            tier_of(just_above, 0.0, 0.0),
            (Tier::None, TierRule::AboveLowCarbonShare)
        );
    }

    #[test]
    fn zero_carbon_needs_removals_and_a_gross_within_the_benchmark() {
        let at_benchmark = tier_of(0.62, 0.62, 0.0);
        assert_eq!(
            at_benchmark,
            (Tier::ZeroCarbon, TierRule::RemovalsBringNetToZero)
        );
        assert_eq!(
            tier_of(0.63, 5.0, 5.0),
            (Tier::None, TierRule::AboveBenchmark)
        );
        assert_eq!(
            tier_of(0.0, 0.0, 0.0).0,
            Tier::LowCarbon,
            "no removals, no zero_carbon"
        );
    }

    #[test]
    fn removals_that_suffice_win_over_credits() {
        assert_eq!(tier_of(0.5, 0.6, 1.0).0, Tier::ZeroCarbon);
    }

    #[test]
    fn credits_must_close_the_whole_gap() {
        let closed = tier_of(0.5, 0.1, 0.4);
        assert_eq!(
            closed,
            (Tier::CarbonNeutralWithOffsets, TierRule::CreditsCloseTheGap)
        );
        assert_eq!(
            tier_of(0.5, 0.1, 0.3),
            (Tier::None, TierRule::AboveLowCarbonShare)
        );
    }
}

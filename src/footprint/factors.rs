//! The factor set `factors-2026.1`: every number of methodology sections 4 to 6, with its unit,
//! source and status.
//!
//! The numbers live in `factors-2026.1.json`, embedded in the binary and parsed once. Each
//! table is a struct with one named field per id, so the file cannot omit a factor without
//! failing to parse, and every lookup by id is a total `match`. The whole set serialises, so
//! it can be published as it is used.

use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

use super::ids::{CropId, GridFactorId, GwpSet, N2oEfMode, PreSeason, WaterRegime};
use super::units::Gwp100;

/// Id of the method these factors belong to; goes into every result and certificate.
pub const METHOD_ID: &str = "cfp-farmgate-v1";

/// Id of this factor set; a change of any factor makes a new id.
pub const FACTOR_SET_ID: &str = "factors-2026.1";

static FACTOR_SET: LazyLock<FactorSet> = LazyLock::new(|| {
    serde_json::from_str(include_str!("factors-2026.1.json"))
        .expect("the embedded factors-2026.1.json must parse; a unit test checks it")
});

/// The factor set the calculator uses, parsed on first use.
pub fn factor_set() -> &'static FactorSet {
    &FACTOR_SET
}

/// Whether a factor's source has been checked for this use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FactorStatus {
    /// Taken from the cited source and checked.
    Verified,
    /// Usable but not yet checked against a source fit for China; a certificate must say so.
    Provisional,
}

/// One published number.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Factor {
    /// The figure, in `unit`, as the source gives it.
    pub value: f64,
    /// What the figure measures.
    pub unit: String,
    /// Reference to where the figure comes from.
    pub source: String,
    /// Verified or provisional.
    pub status: FactorStatus,
}

/// Everything the method needs besides the request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FactorSet {
    /// `factors-2026.1`.
    pub factor_set_id: String,
    /// `cfp-farmgate-v1`.
    pub method_id: String,
    /// GWP100 by assessment report.
    pub gwp: GwpSets,
    /// Soil N2O factors by mode.
    pub soil_n2o: SoilN2oModes,
    /// Carbon in urea and lime.
    pub carbon_content: CarbonContent,
    /// Rice methane.
    pub rice: RiceFactors,
    /// Fuels burnt on the farm.
    pub fuels: Fuels,
    /// Grid electricity by factor id.
    pub grid_electricity: GridFactors,
    /// Cradle-to-gate emissions of fertiliser nutrients.
    pub fertiliser_manufacture: FertiliserManufacture,
    /// Cradle-to-gate emissions of pesticide active ingredients.
    pub pesticide_manufacture: PesticideManufacture,
    /// Cradle-to-gate emissions of mulch film.
    pub plastic_film: PlasticFilm,
    /// Road freight of inputs.
    pub inbound_transport: InboundTransport,
    /// On-farm composting.
    pub composting: Composting,
    /// Rules for removals.
    pub removals: RemovalFactors,
    /// Benchmarks and plausibility bounds by crop.
    pub crops: CropTable,
}

/// GWP100 values of the three supported assessment reports.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GwpSets {
    /// IPCC AR6.
    #[serde(rename = "AR6")]
    pub ar6: GwpFactors,
    /// IPCC AR5.
    #[serde(rename = "AR5")]
    pub ar5: GwpFactors,
    /// IPCC AR4.
    #[serde(rename = "AR4")]
    pub ar4: GwpFactors,
}

impl GwpSets {
    /// The factors of one set.
    pub fn get(&self, set: GwpSet) -> &GwpFactors {
        match set {
            GwpSet::Ar6 => &self.ar6,
            GwpSet::Ar5 => &self.ar5,
            GwpSet::Ar4 => &self.ar4,
        }
    }
}

/// GWP100 of CH4 and N2O (CO2 is 1 by definition).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GwpFactors {
    /// Methane, non-fossil value.
    pub ch4: Factor,
    /// Nitrous oxide.
    pub n2o: Factor,
}

impl GwpFactors {
    /// The bare values, for CO2e arithmetic.
    pub fn values(&self) -> Gwp100 {
        Gwp100 {
            ch4: self.ch4.value,
            n2o: self.n2o.value,
        }
    }
}

/// Soil N2O factors in both modes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SoilN2oModes {
    /// IPCC aggregated defaults.
    pub aggregated: SoilN2oFactors,
    /// IPCC disaggregated values for dry climates.
    pub dry_disaggregated: SoilN2oFactors,
}

impl SoilN2oModes {
    /// The factors of one mode.
    pub fn get(&self, mode: N2oEfMode) -> &SoilN2oFactors {
        match mode {
            N2oEfMode::Aggregated => &self.aggregated,
            N2oEfMode::DryDisaggregated => &self.dry_disaggregated,
        }
    }
}

/// The emission factors and fractions of the soil N2O equations.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SoilN2oFactors {
    /// EF1, direct N2O-N per N applied.
    pub ef1: Factor,
    /// EF1FR, direct N2O-N per N applied to flooded rice.
    pub ef1_flooded_rice: Factor,
    /// EF4, N2O-N per N volatilised.
    pub ef4: Factor,
    /// EF5, N2O-N per N leached.
    pub ef5: Factor,
    /// FracGASF, share of synthetic N volatilised.
    pub frac_gasf: Factor,
    /// FracGASM, share of organic N volatilised.
    pub frac_gasm: Factor,
    /// FracLEACH, share of N leached.
    pub frac_leach: Factor,
}

/// Carbon content of materials that release CO2 in the field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CarbonContent {
    /// Urea.
    pub urea: Factor,
    /// Limestone (CaCO3).
    pub limestone: Factor,
    /// Dolomite (CaMg(CO3)2).
    pub dolomite: Factor,
}

/// Rice methane: baseline, scaling factors and the organic amendment term.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RiceFactors {
    /// EFc, baseline CH4 per hectare per day.
    pub baseline_emission_factor: Factor,
    /// CFOA of compost.
    pub compost_conversion_factor: Factor,
    /// Exponent of the SFo equation.
    pub organic_amendment_exponent: Factor,
    /// SFw by water regime.
    pub water_regime: WaterRegimeFactors,
    /// SFp by pre-season regime.
    pub pre_season: PreSeasonFactors,
}

/// SFw for each water regime.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WaterRegimeFactors {
    /// Continuously flooded.
    pub continuously_flooded: Factor,
    /// Single drainage.
    pub single_drainage: Factor,
    /// Multiple drainage, including alternate wetting and drying.
    pub multiple_drainage: Factor,
    /// Upland.
    pub upland: Factor,
}

impl WaterRegimeFactors {
    /// SFw of one regime.
    pub fn get(&self, regime: WaterRegime) -> &Factor {
        match regime {
            WaterRegime::ContinuouslyFlooded => &self.continuously_flooded,
            WaterRegime::SingleDrainage => &self.single_drainage,
            WaterRegime::MultipleDrainage => &self.multiple_drainage,
            WaterRegime::Upland => &self.upland,
        }
    }
}

/// SFp for each pre-season regime.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PreSeasonFactors {
    /// Not flooded, under 180 days.
    pub non_flooded_under_180d: Factor,
    /// Not flooded, over 180 days.
    pub non_flooded_over_180d: Factor,
    /// Flooded, over 30 days.
    pub flooded_over_30d: Factor,
}

impl PreSeasonFactors {
    /// SFp of one regime.
    pub fn get(&self, regime: PreSeason) -> &Factor {
        match regime {
            PreSeason::NonFloodedUnder180d => &self.non_flooded_under_180d,
            PreSeason::NonFloodedOver180d => &self.non_flooded_over_180d,
            PreSeason::FloodedOver30d => &self.flooded_over_30d,
        }
    }
}

/// The four fuels of the method.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fuels {
    /// Diesel, in litres.
    pub diesel: FuelByVolume,
    /// Gasoline (4-stroke engines), in litres.
    pub gasoline: FuelByVolume,
    /// LPG, in kg.
    pub lpg: FuelByMass,
    /// Other bituminous coal, in kg.
    pub coal: FuelByMass,
}

/// A fuel bought by the litre, with off-road CH4 and N2O factors.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FuelByVolume {
    /// kg per litre.
    pub density: Factor,
    /// Net calorific value, MJ per kg.
    pub net_calorific_value: Factor,
    /// kg CO2 per TJ.
    pub co2: Factor,
    /// kg CH4 per TJ.
    pub ch4: Factor,
    /// kg N2O per TJ.
    pub n2o: Factor,
}

/// A fuel bought by the kilogram; the method gives only its CO2 factor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FuelByMass {
    /// Net calorific value, MJ per kg.
    pub net_calorific_value: Factor,
    /// kg CO2 per TJ.
    pub co2: Factor,
}

/// Grid electricity, kg CO2 per kWh, by factor id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GridFactors {
    /// North China grid, 2022.
    pub cn_north_2022: Factor,
    /// National average, 2022.
    pub cn_national_2022: Factor,
    /// National average, 2021.
    pub cn_national_2021: Factor,
}

impl GridFactors {
    /// The factor of one id.
    pub fn get(&self, id: GridFactorId) -> &Factor {
        match id {
            GridFactorId::CnNorth2022 => &self.cn_north_2022,
            GridFactorId::CnNational2022 => &self.cn_national_2022,
            GridFactorId::CnNational2021 => &self.cn_national_2021,
        }
    }
}

/// Making fertiliser nutrients, as published in carbon mass.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FertiliserManufacture {
    /// Per unit of N in urea.
    pub urea_n: Factor,
    /// Per unit of N in other synthetic fertilisers.
    pub other_synthetic_n: Factor,
    /// Per unit of P2O5.
    pub p2o5: Factor,
    /// Per unit of K2O.
    pub k2o: Factor,
}

/// Making pesticide active ingredients, as published in carbon mass.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PesticideManufacture {
    /// Herbicides.
    pub herbicide: Factor,
    /// Insecticides.
    pub insecticide: Factor,
    /// Fungicides.
    pub fungicide: Factor,
}

/// Making plastic film, as published in carbon mass.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlasticFilm {
    /// Mulch film.
    pub mulch_film: Factor,
}

/// Road freight: diesel energy per tonne-km and CO2 per unit of that energy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InboundTransport {
    /// Heavy goods vehicle.
    pub heavy_truck: Factor,
    /// Light truck or van.
    pub light_truck: Factor,
    /// CO2 per kWh of diesel.
    pub diesel_co2: Factor,
}

/// Emissions of composting per kg of dry feedstock.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Composting {
    /// kg CH4 per kg dry matter.
    pub ch4: Factor,
    /// kg N2O per kg dry matter.
    pub n2o: Factor,
}

/// Parameters of the removals rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RemovalFactors {
    /// Share of a verified soil carbon gain held back against reversal.
    pub non_permanence_buffer: Factor,
}

/// Whether a crop's maximum yield is per hectare or per hive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum YieldBasis {
    /// Per hectare of field.
    #[serde(rename = "ha")]
    PerHectare,
    /// Per beehive.
    #[serde(rename = "hive")]
    PerHive,
}

/// Benchmark and plausibility bound of one crop (methodology section 6).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Crop {
    /// Benchmark footprint, kg CO2e per kg, against which tiers are decided.
    pub benchmark_kg_co2e_per_kg: f64,
    /// Largest plausible yield, kg per `max_yield_per`.
    pub max_yield_kg: f64,
    /// Per hectare or per hive.
    pub max_yield_per: YieldBasis,
    /// Where the benchmark comes from.
    pub benchmark_source: String,
}

/// The crop table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CropTable {
    /// Maize.
    pub maize: Crop,
    /// Wheat.
    pub wheat: Crop,
    /// Rice.
    pub rice: Crop,
    /// Apple.
    pub apple: Crop,
    /// Chestnut.
    pub chestnut: Crop,
    /// Tomato.
    pub tomato: Crop,
    /// Chinese cabbage.
    pub chinese_cabbage: Crop,
    /// Honey.
    pub honey: Crop,
}

impl CropTable {
    /// The row of one crop.
    pub fn get(&self, crop: CropId) -> &Crop {
        match crop {
            CropId::Maize => &self.maize,
            CropId::Wheat => &self.wheat,
            CropId::Rice => &self.rice,
            CropId::Apple => &self.apple,
            CropId::Chestnut => &self.chestnut,
            CropId::Tomato => &self.tomato,
            CropId::ChineseCabbage => &self.chinese_cabbage,
            CropId::Honey => &self.honey,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    /// The file as embedded, read again here so that tests can also break a copy of it.
    const EMBEDDED: &str = include_str!("factors-2026.1.json");

    /// The four fields of a factor; an object with any of them is a factor.
    const FACTOR_FIELDS: [&str; 4] = ["value", "unit", "source", "status"];

    /// The parse `factor_set` uses, applied to any text.
    fn parse(text: &str) -> Result<FactorSet, serde_json::Error> {
        serde_json::from_str(text)
    }

    fn embedded() -> Value {
        serde_json::from_str(EMBEDDED).expect("the embedded file is JSON")
    }

    fn all_factors(value: &Value, path: &str, found: &mut Vec<(String, Value)>) {
        let Value::Object(fields) = value else { return };
        if FACTOR_FIELDS
            .iter()
            .any(|field| fields.contains_key(*field))
        {
            found.push((path.to_owned(), value.clone()));
            return;
        }
        for (key, child) in fields {
            let child_path = if path.is_empty() {
                key.clone()
            } else {
                format!("{path}.{key}")
            };
            all_factors(child, &child_path, found);
        }
    }

    /// Every factor of the embedded file, by its dotted path.
    fn embedded_factors() -> Vec<(String, Value)> {
        let mut found = Vec::new();
        all_factors(&embedded(), "", &mut found);
        found
    }

    /// A source names a reference when it gives a publication year, or a section of this
    /// method for the method's own parameters.
    fn names_a_reference(source: &str) -> bool {
        let has_year = source.as_bytes().windows(4).any(|digits| {
            digits.iter().all(u8::is_ascii_digit) && matches!(digits[0], b'1' | b'2')
        });
        has_year || source.contains(&format!("{METHOD_ID}, section "))
    }

    /// The embedded file with one field of one factor removed or replaced.
    fn edited(path: &str, edit: impl FnOnce(&mut serde_json::Map<String, Value>)) -> String {
        let mut file = embedded();
        let pointer = format!("/{}", path.replace('.', "/"));
        let factor = file.pointer_mut(&pointer).expect("factor path");
        edit(factor.as_object_mut().expect("factor object"));
        serde_json::to_string(&file).expect("serialise")
    }

    #[test]
    fn the_embedded_file_parses_and_names_its_ids() {
        let set = factor_set();
        assert_eq!(set.factor_set_id, FACTOR_SET_ID);
        assert_eq!(set.method_id, METHOD_ID);
    }

    #[test]
    fn every_factor_in_the_file_has_a_finite_value_a_unit_a_cited_source_and_a_status() {
        let found = embedded_factors();
        // 2 GWP x 3 sets, 7 x 2 soil modes, 3 carbon, 3 + 4 + 3 rice, 5 + 5 + 2 + 2 fuel, 3 grid,
        // 4 fertiliser, 3 pesticide, 1 film, 3 transport, 2 composting, 1 buffer.
        assert_eq!(found.len(), 64);
        for (path, factor) in &found {
            let number = factor["value"].as_f64().expect("number");
            assert!(number.is_finite() && number >= 0.0, "{path}");
            assert!(
                !factor["unit"].as_str().expect("unit").trim().is_empty(),
                "{path}"
            );
            let source = factor["source"].as_str().expect("source");
            assert!(
                names_a_reference(source),
                "{path}: {source:?} names no reference"
            );
            let status = factor["status"].as_str().expect("status");
            assert!(
                matches!(status, "verified" | "provisional"),
                "{path}: {status}"
            );
        }
    }

    #[test]
    fn the_file_round_trips_through_its_types_unchanged() {
        let reserialised = serde_json::to_value(factor_set()).expect("serialise");
        assert_eq!(reserialised, embedded());
    }

    #[test]
    fn a_factor_missing_any_of_its_four_fields_fails_to_parse() {
        let found = embedded_factors();
        for (path, _) in &found {
            for field in FACTOR_FIELDS {
                let broken = edited(path, |factor| {
                    factor.remove(field);
                });
                let error = parse(&broken).expect_err(&format!("{path} without {field}"));
                let missing = format!("missing field `{field}`");
                assert!(error.to_string().contains(&missing), "{path}: {error}");
            }
        }
        assert!(
            parse(&edited(&found[0].0, |_| {})).is_ok(),
            "an unedited copy parses"
        );
    }

    #[test]
    fn a_status_other_than_verified_or_provisional_fails_to_parse() {
        let broken = edited("plastic_film.mulch_film", |factor| {
            factor.insert("status".to_owned(), Value::from("draft"));
        });
        assert!(parse(&broken).is_err());
    }

    /// The reference each factor family must cite (methodology section 4), most specific
    /// prefix first.
    const FAMILY_SOURCES: &[(&str, &str)] = &[
        ("gwp.AR6.", "IPCC AR6"),
        ("gwp.AR5.", "IPCC AR5"),
        ("gwp.AR4.", "IPCC AR4"),
        ("soil_n2o.", "IPCC 2019 Refinement, Vol. 4, Ch. 11"),
        ("carbon_content.", "IPCC 2019 Refinement, Vol. 4, Ch. 11"),
        ("rice.", "IPCC 2019 Refinement, Vol. 4, Ch. 5"),
        ("fuels.diesel.density", "cfp-farmgate-v1, section 4"),
        ("fuels.gasoline.density", "cfp-farmgate-v1, section 4"),
        ("fuels.", "IPCC 2006, Vol. 2"),
        ("grid_electricity.", "Ministry of Ecology and Environment"),
        ("fertiliser_manufacture.", "Chen, Lu and Wang 2015"),
        ("pesticide_manufacture.", "West and Marland 2002"),
        ("plastic_film.", "cfp-farmgate-v1, section 4"),
        ("inbound_transport.", "UK Government GHG Conversion Factors"),
        ("composting.", "IPCC 2006, Vol. 5"),
        ("removals.", "cfp-farmgate-v1, section 5"),
    ];

    #[test]
    fn every_factor_family_cites_its_published_source() {
        for (path, factor) in embedded_factors() {
            let (_, expected) = FAMILY_SOURCES
                .iter()
                .find(|(prefix, _)| path.starts_with(prefix))
                .unwrap_or_else(|| panic!("{path} belongs to no known factor family"));
            let source = factor["source"].as_str().expect("source");
            assert!(
                source.contains(expected),
                "{path}: {source:?} lacks {expected:?}"
            );
        }
    }

    #[test]
    fn only_the_methods_own_parameters_cite_the_method_instead_of_a_publication() {
        let mut own: Vec<String> = embedded_factors()
            .into_iter()
            .filter(|(_, factor)| {
                factor["source"]
                    .as_str()
                    .is_some_and(|s| s.starts_with(METHOD_ID))
            })
            .map(|(path, _)| path)
            .collect();
        own.sort_unstable();
        let expected = [
            "fuels.diesel.density",
            "fuels.gasoline.density",
            "plastic_film.mulch_film",
            "removals.non_permanence_buffer",
        ];
        assert_eq!(own, expected);
    }

    #[test]
    fn only_pesticide_film_and_transport_factors_are_provisional() {
        let found = embedded_factors();
        let provisional: Vec<&str> = found
            .iter()
            .filter(|(_, factor)| factor["status"] == "provisional")
            .map(|(path, _)| path.as_str())
            .collect();
        let expected = [
            "pesticide_manufacture.fungicide",
            "pesticide_manufacture.herbicide",
            "pesticide_manufacture.insecticide",
            "plastic_film.mulch_film",
            "inbound_transport.diesel_co2",
            "inbound_transport.heavy_truck",
            "inbound_transport.light_truck",
        ];
        let mut sorted_found = provisional.clone();
        sorted_found.sort_unstable();
        let mut sorted_expected = expected.to_vec();
        sorted_expected.sort_unstable();
        assert_eq!(sorted_found, sorted_expected);
    }

    #[test]
    fn the_section_4_values_are_the_published_ones() {
        let set = factor_set();
        assert_eq!(
            set.gwp.get(GwpSet::Ar6).values(),
            Gwp100 {
                ch4: 27.0,
                n2o: 273.0
            }
        );
        assert_eq!(
            set.gwp.get(GwpSet::Ar5).values(),
            Gwp100 {
                ch4: 28.0,
                n2o: 265.0
            }
        );
        assert_eq!(
            set.gwp.get(GwpSet::Ar4).values(),
            Gwp100 {
                ch4: 25.0,
                n2o: 298.0
            }
        );
        assert_eq!(
            set.soil_n2o
                .get(N2oEfMode::DryDisaggregated)
                .frac_leach
                .value,
            0.0
        );
        assert_eq!(
            set.grid_electricity.get(GridFactorId::CnNorth2022).value,
            0.6776
        );
        assert_eq!(
            set.rice.pre_season.get(PreSeason::FloodedOver30d).value,
            2.41
        );
        assert_eq!(set.fuels.diesel.n2o.value, 28.6);
        assert_eq!(set.fuels.coal.co2.value, 94_600.0);
    }

    #[test]
    fn every_crop_has_a_benchmark_and_a_bound() {
        let set = factor_set();
        for crop in CropId::ALL {
            let row = set.crops.get(*crop);
            assert!(
                row.benchmark_kg_co2e_per_kg > 0.0 && row.max_yield_kg > 0.0,
                "{crop}"
            );
            assert!(!row.benchmark_source.trim().is_empty(), "{crop}");
            let per_hive = row.max_yield_per == YieldBasis::PerHive;
            assert_eq!(per_hive, *crop == CropId::Honey, "{crop}");
        }
        assert_eq!(set.crops.get(CropId::Tomato).benchmark_kg_co2e_per_kg, 0.17);
    }
}

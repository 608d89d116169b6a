//! Closed sets of identifiers: crops, option values, rice regimes and result sources.
//!
//! Each is an enum with the exact wire id of the methodology, so that an unknown id is caught
//! once at the edge and matched exhaustively everywhere after.

use std::fmt;

use serde::{Deserialize, Serialize};

/// An id set read from JSON by its wire ids.
pub trait WireId: Sized + Copy {
    /// The value for a wire id, if the method defines it.
    fn parse_id(id: &str) -> Option<Self>;

    /// All wire ids, for error messages.
    fn allowed_ids() -> String;
}

macro_rules! id_enum {
    (
        $(#[$doc:meta])*
        $name:ident { $($(#[$variant_doc:meta])* $variant:ident => $id:literal),+ $(,)? }
    ) => {
        $(#[$doc])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
        )]
        pub enum $name {
            $($(#[$variant_doc])* #[serde(rename = $id)] $variant),+
        }

        impl $name {
            /// Every value, in the methodology's order.
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];

            /// The wire id.
            pub const fn id(self) -> &'static str {
                match self {
                    $(Self::$variant => $id),+
                }
            }

            /// The value for a wire id, if the method defines it.
            pub fn from_id(id: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|value| value.id() == id)
            }

            /// All wire ids joined with ", ", for error messages.
            pub fn id_list() -> String {
                Self::ALL.iter().map(|value| value.id()).collect::<Vec<_>>().join(", ")
            }
        }

        impl WireId for $name {
            fn parse_id(id: &str) -> Option<Self> {
                Self::from_id(id)
            }

            fn allowed_ids() -> String {
                Self::id_list()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
                formatter.write_str(self.id())
            }
        }
    };
}

id_enum!(
    /// A crop of the methodology's crop table (section 6).
    CropId {
        /// Grain maize.
        Maize => "maize",
        /// Wheat grain.
        Wheat => "wheat",
        /// Rice as sold.
        Rice => "rice",
        /// Fresh apples.
        Apple => "apple",
        /// Chestnuts in shell.
        Chestnut => "chestnut",
        /// Fresh tomatoes.
        Tomato => "tomato",
        /// Chinese cabbage.
        ChineseCabbage => "chinese_cabbage",
        /// Extracted honey; the only crop counted per hive instead of per hectare.
        Honey => "honey",
    }
);

id_enum!(
    /// Which IPCC assessment report's GWP100 values convert gases into CO2e.
    GwpSet {
        /// IPCC AR6 (default).
        Ar6 => "AR6",
        /// IPCC AR5.
        Ar5 => "AR5",
        /// IPCC AR4.
        Ar4 => "AR4",
    }
);

id_enum!(
    /// Which set of soil N2O emission factors applies (IPCC 2019 Refinement, Table 11.1).
    N2oEfMode {
        /// Aggregated defaults (default).
        Aggregated => "aggregated",
        /// Disaggregated values for dry climates.
        DryDisaggregated => "dry_disaggregated",
    }
);

id_enum!(
    /// Which grid electricity factor applies.
    GridFactorId {
        /// North China grid, 2022 (default: the grid Beijing is on).
        CnNorth2022 => "cn_north_2022",
        /// China national average, 2022.
        CnNational2022 => "cn_national_2022",
        /// China national average, 2021.
        CnNational2021 => "cn_national_2021",
    }
);

id_enum!(
    /// Water regime of a rice field during cultivation (scaling factor SFw).
    WaterRegime {
        /// Flooded the whole season.
        ContinuouslyFlooded => "continuously_flooded",
        /// One drainage period.
        SingleDrainage => "single_drainage",
        /// Several drainage periods, including alternate wetting and drying.
        MultipleDrainage => "multiple_drainage",
        /// Never flooded: no CH4, and the dry-land N2O factor.
        Upland => "upland",
    }
);

id_enum!(
    /// Water regime before the rice season (scaling factor SFp).
    PreSeason {
        /// Not flooded, for less than 180 days (default).
        NonFloodedUnder180d => "non_flooded_under_180d",
        /// Not flooded, for more than 180 days.
        NonFloodedOver180d => "non_flooded_over_180d",
        /// Flooded for more than 30 days.
        FloodedOver30d => "flooded_over_30d",
    }
);

id_enum!(
    /// An emission source of a result, with the exact keys of methodology section 3.
    Source {
        /// Direct N2O from N added to soils.
        SoilN2oDirect => "soil_n2o_direct",
        /// Indirect N2O from N volatilised and redeposited.
        SoilN2oIndirectVolatilisation => "soil_n2o_indirect_volatilisation",
        /// Indirect N2O from N leached and run off.
        SoilN2oIndirectLeaching => "soil_n2o_indirect_leaching",
        /// CO2 from urea hydrolysis.
        UreaCo2 => "urea_co2",
        /// CO2 from limestone and dolomite.
        LimingCo2 => "liming_co2",
        /// CH4 from flooded rice.
        RiceCh4 => "rice_ch4",
        /// Diesel burnt on the farm.
        Diesel => "diesel",
        /// Gasoline burnt on the farm.
        Gasoline => "gasoline",
        /// LPG burnt on the farm.
        Lpg => "lpg",
        /// Coal burnt on the farm.
        Coal => "coal",
        /// Grid electricity used on the farm.
        Electricity => "electricity",
        /// Making the fertilisers applied.
        FertiliserManufacture => "fertiliser_manufacture",
        /// Making the pesticides applied.
        PesticideManufacture => "pesticide_manufacture",
        /// Making the mulch film used.
        PlasticFilm => "plastic_film",
        /// Carrying the inputs to the farm.
        InboundTransport => "inbound_transport",
        /// Composting feedstock on the farm for this crop.
        Composting => "composting",
    }
);

id_enum!(
    /// The label a batch earns (methodology section 6), tested in this order.
    Tier {
        /// Gross within the benchmark and verified in-boundary removals bring net to zero.
        ZeroCarbon => "zero_carbon",
        /// Gross within the benchmark and retired credits close the remaining gap.
        CarbonNeutralWithOffsets => "carbon_neutral_with_offsets",
        /// Gross at or below 70 % of the benchmark.
        LowCarbon => "low_carbon",
        /// No label tier; the footprint may still be certified and shown.
        None => "none",
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_serialise_as_the_wire_id() {
        for crop in CropId::ALL {
            assert_eq!(CropId::from_id(crop.id()), Some(*crop));
        }
        assert_eq!(GwpSet::from_id("AR5"), Some(GwpSet::Ar5));
        assert_eq!(CropId::from_id("durian"), None);
        let json = serde_json::to_string(&Tier::CarbonNeutralWithOffsets).expect("serialise");
        assert_eq!(json, "\"carbon_neutral_with_offsets\"");
        assert_eq!(
            serde_json::to_string(&Tier::None).expect("serialise"),
            "\"none\""
        );
    }

    #[test]
    fn there_are_sixteen_sources() {
        assert_eq!(Source::ALL.len(), 16);
    }
}

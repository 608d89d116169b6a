//! Typed quantities, so that the compiler keeps units apart.
//!
//! Every quantity of the method is a newtype over `f64`: a kilogram of urea is not a kilogram of
//! nitrogen, and a litre of diesel is not a kilowatt-hour. Values stay at full precision; only
//! the report rounds.

use serde::{Deserialize, Serialize};

/// Share of nitrogen in urea by mass (methodology section 2: 46 % of urea is N).
pub const UREA_N_FRACTION: f64 = 0.46;

/// Molar mass ratio that turns a mass of N2O-N into a mass of N2O.
pub const N2O_PER_N2O_N: f64 = 44.0 / 28.0;

/// Molar mass ratio that turns a mass of carbon into a mass of CO2.
pub const CO2_PER_C: f64 = 44.0 / 12.0;

macro_rules! quantity {
    ($(#[$doc:meta])* $name:ident, $unit:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Default, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(f64);

        impl $name {
            /// None of this quantity.
            pub const ZERO: Self = Self(0.0);

            /// The unit, as written in field names and reports.
            pub const UNIT: &'static str = $unit;

            /// Wraps a figure that is already in this unit.
            pub const fn new(value: f64) -> Self {
                Self(value)
            }

            /// The bare figure, for arithmetic across units.
            pub const fn get(self) -> f64 {
                self.0
            }
        }

        impl std::ops::Add for $name {
            type Output = Self;

            fn add(self, other: Self) -> Self {
                Self(self.0 + other.0)
            }
        }

        impl std::iter::Sum for $name {
            fn sum<I: Iterator<Item = Self>>(items: I) -> Self {
                Self(items.map(|item| item.0).sum())
            }
        }
    };
}

quantity!(
    /// A mass of product or material (yield, lime, LPG, coal, film).
    Kilograms,
    "kg"
);
quantity!(
    /// A mass of urea fertiliser as applied, not its nitrogen.
    KgUrea,
    "kg urea"
);
quantity!(
    /// A mass of nitrogen.
    KgN,
    "kg N"
);
quantity!(
    /// A mass of phosphate nutrient, counted as P2O5.
    KgP2o5,
    "kg P2O5"
);
quantity!(
    /// A mass of potash nutrient, counted as K2O.
    KgK2o,
    "kg K2O"
);
quantity!(
    /// A mass of pesticide active ingredient.
    KgActiveIngredient,
    "kg a.i."
);
quantity!(
    /// A mass of dry matter (compost feedstock).
    KgDryMatter,
    "kg DM"
);
quantity!(
    /// Dry matter per hectare (rice organic amendment).
    TonnesDryMatterPerHectare,
    "t DM/ha"
);
quantity!(
    /// A volume of liquid fuel.
    Litres,
    "L"
);
quantity!(
    /// Energy in fuel, by net calorific value.
    Megajoules,
    "MJ"
);
quantity!(
    /// Grid electricity.
    KilowattHours,
    "kWh"
);
quantity!(
    /// Land area.
    Hectares,
    "ha"
);
quantity!(
    /// A number of beehives; a count, kept apart from areas.
    Hives,
    "hives"
);
quantity!(
    /// Freight work: tonnes carried times kilometres.
    TonneKm,
    "tkm"
);
quantity!(
    /// A duration in days (rice cultivation period).
    Days,
    "d"
);
quantity!(
    /// A duration in years (between two soil carbon measurements).
    Years,
    "yr"
);
quantity!(
    /// Soil organic carbon stock per hectare.
    TonnesCarbonPerHectare,
    "t C/ha"
);
quantity!(
    /// Sampling depth of a soil carbon measurement.
    Centimetres,
    "cm"
);
quantity!(
    /// A price per kilogram, used only for economic allocation.
    CnyPerKg,
    "CNY/kg"
);
quantity!(
    /// A mass of CO2 itself (removals are stated as CO2, not CO2e).
    KgCo2,
    "kg CO2"
);
quantity!(
    /// Global-warming-equivalent mass over 100 years.
    KgCo2e,
    "kg CO2e"
);
quantity!(
    /// A footprint per kilogram of marketable product.
    KgCo2ePerKg,
    "kg CO2e/kg"
);

impl KgUrea {
    /// The nitrogen a mass of urea carries, so urea can enter nitrogen balances.
    pub fn nitrogen(self) -> KgN {
        KgN(self.0 * UREA_N_FRACTION)
    }
}

/// GWP100 values of one IPCC assessment report, applied to per-gas masses.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Gwp100 {
    /// CH4 (the non-fossil value, see methodology section 3).
    pub ch4: f64,
    /// N2O.
    pub n2o: f64,
}

/// Masses of the three gases one source emits, in kg, kept apart so that a result can be
/// re-expressed with another GWP set.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct GasMasses {
    /// Carbon dioxide, kg.
    pub co2: Kilograms,
    /// Methane, kg.
    pub ch4: Kilograms,
    /// Nitrous oxide, kg.
    pub n2o: Kilograms,
}

impl GasMasses {
    /// Only CO2.
    pub fn co2(kg: f64) -> Self {
        Self {
            co2: Kilograms(kg),
            ..Self::default()
        }
    }

    /// Only CH4.
    pub fn ch4(kg: f64) -> Self {
        Self {
            ch4: Kilograms(kg),
            ..Self::default()
        }
    }

    /// Only N2O.
    pub fn n2o(kg: f64) -> Self {
        Self {
            n2o: Kilograms(kg),
            ..Self::default()
        }
    }

    /// CO2 equivalent of these masses under one GWP set.
    pub fn co2e(self, gwp: Gwp100) -> KgCo2e {
        KgCo2e(self.co2.0 + gwp.ch4 * self.ch4.0 + gwp.n2o * self.n2o.0)
    }
}

impl std::ops::Add for GasMasses {
    type Output = Self;

    fn add(self, other: Self) -> Self {
        Self {
            co2: self.co2 + other.co2,
            ch4: self.ch4 + other.ch4,
            n2o: self.n2o + other.n2o,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urea_carries_46_percent_nitrogen() {
        assert!((KgUrea::new(350.0).nitrogen().get() - 161.0).abs() < 1e-9);
    }

    #[test]
    fn co2e_weights_each_gas_by_its_gwp() {
        let gases = GasMasses::co2(10.0) + GasMasses::ch4(1.0) + GasMasses::n2o(0.1);
        let gwp = Gwp100 {
            ch4: 27.0,
            n2o: 273.0,
        };
        assert!((gases.co2e(gwp).get() - (10.0 + 27.0 + 27.3)).abs() < 1e-9);
    }

    #[test]
    fn quantities_sum() {
        let total: KgCo2e = [KgCo2e::new(1.5), KgCo2e::new(2.5)].into_iter().sum();
        assert_eq!(total, KgCo2e::new(4.0));
    }
}

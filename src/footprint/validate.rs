//! Turns a JSON request into a `FootprintRequest`, or into every reason it cannot be one.
//!
//! The request is read by hand from a `serde_json::Value` rather than derived, so that each
//! problem carries the path of its field, unknown fields are refused at every level, and all
//! problems of a request are reported together (methodology section 7).

use serde_json::{Map, Value};

use super::errors::{ErrorCode, FieldError, InputErrors};
use super::factors::{YieldBasis, factor_set};
use super::ids::{CropId, GridFactorId, GwpSet, N2oEfMode, PreSeason, WaterRegime, WireId};
use super::json_body::parse_json_body;
use super::report::format_significant;
use super::request::{
    CalculationOptions, CoProduct, Energy, FootprintRequest, InboundTransport, Nutrients, Parsed,
    Pesticides, Removals, RiceCultivation, SocMeasurement,
};
use super::units::{
    Centimetres, CnyPerKg, Days, Hectares, Hives, KgActiveIngredient, KgCo2, KgCo2e, KgDryMatter,
    KgK2o, KgN, KgP2o5, KgUrea, Kilograms, KilowattHours, Litres, TonneKm, TonnesCarbonPerHectare,
    TonnesDryMatterPerHectare, Years,
};

/// Largest magnitude accepted in any numeric field: far above any batch, far below overflow.
const LARGEST_INPUT: f64 = 1e9;
/// Smallest non-zero magnitude accepted: below it a divisor would blow a figure up to infinity.
const SMALLEST_INPUT: f64 = 1e-6;

/// Largest plausible N input, all sources together, kg N per hectare.
const MAX_N_KG_PER_HA: f64 = 1500.0;

/// Largest plausible diesel use, litres per hectare.
const MAX_DIESEL_L_PER_HA: f64 = 1000.0;

const REQUEST_FIELDS: &[&str] = &[
    "crop",
    "area_ha",
    "hives",
    "yield_kg",
    "price_cny_per_kg",
    "co_products",
    "urea_kg",
    "synthetic_n_other_kg",
    "p2o5_kg",
    "k2o_kg",
    "organic_n_kg",
    "crop_residue_n_kg",
    "limestone_kg",
    "dolomite_kg",
    "diesel_l",
    "gasoline_l",
    "lpg_kg",
    "coal_kg",
    "electricity_kwh",
    "pesticide_ai_kg",
    "plastic_film_kg",
    "inbound_transport_tkm",
    "compost_feedstock_on_farm_kg_dm",
    "rice",
    "removals",
    "retired_credits_kg_co2e",
    "options",
];
const CO_PRODUCT_FIELDS: &[&str] = &["name", "kg", "price_cny_per_kg"];
const PESTICIDE_FIELDS: &[&str] = &["herbicide", "insecticide", "fungicide"];
const TRANSPORT_FIELDS: &[&str] = &["heavy_truck", "light_truck"];
const RICE_FIELDS: &[&str] = &[
    "cultivation_days",
    "water_regime",
    "pre_season",
    "compost_t_dm_per_ha",
];
const REMOVAL_FIELDS: &[&str] = &[
    "soc_measured",
    "orchard_biomass_growth_kg_co2",
    "tree_planting_outside_boundary_kg_co2",
];
const SOC_FIELDS: &[&str] = &[
    "stock_t1_t_c_per_ha",
    "stock_t2_t_c_per_ha",
    "years",
    "depth_cm",
    "verified",
];
const OPTION_FIELDS: &[&str] = &["gwp", "n2o_ef_mode", "grid_factor_id"];

/// Reads a raw request body. Text that is not JSON, or holds NaN, an infinity or a number that
/// overflows, is `Malformed`; JSON that breaks a rule of the method is `Invalid`.
pub fn parse_request(body: &[u8]) -> Result<FootprintRequest, InputErrors> {
    let value = parse_json_body(body)?;
    parse_request_value(&value, "")
}

/// Reads a request that is already JSON, e.g. the `activity` of a larger body. Every field path
/// starts with `path_prefix`; `"activity"` and `"activity."` both give `activity.yield_kg`.
pub fn parse_request_value(
    value: &Value,
    path_prefix: &str,
) -> Result<FootprintRequest, InputErrors> {
    let mut problems = Problems::default();
    let request = read_request(value, path_prefix, &mut problems);
    match request {
        Some(request) if problems.0.is_empty() => Ok(request),
        _ => Err(InputErrors::invalid(problems.0)),
    }
}

/// Problems found so far; reading goes on after each, so that all are reported at once.
#[derive(Default)]
struct Problems(Vec<FieldError>);

impl Problems {
    fn add(&mut self, field: &str, code: ErrorCode, message: String) {
        self.0.push(FieldError::new(field, code, message));
    }
}

/// A JSON object being read, with the path its fields hang from.
struct Object<'a> {
    fields: &'a Map<String, Value>,
    path: String,
}

impl<'a> Object<'a> {
    /// Opens `value` as an object at `path`, refusing fields not in `allowed`.
    fn open(
        value: &'a Value,
        path: &str,
        allowed: &[&str],
        problems: &mut Problems,
    ) -> Option<Self> {
        let Value::Object(fields) = value else {
            let shown = path.trim_end_matches('.');
            let message = format!(
                "{} must be a JSON object; got {}.",
                named(shown),
                kind(value)
            );
            problems.add(shown, ErrorCode::TypeError, message);
            return None;
        };
        let object = Object {
            fields,
            path: path.to_owned(),
        };
        object.refuse_unknown_fields(allowed, problems);
        Some(object)
    }

    fn refuse_unknown_fields(&self, allowed: &[&str], problems: &mut Problems) {
        for name in self
            .fields
            .keys()
            .filter(|name| !allowed.contains(&name.as_str()))
        {
            let field = self.path_of(name);
            let message = format!(
                "`{field}` is not a field of this method (a misspelt field is refused rather \
                 than read as zero).{} Allowed here: {}.",
                super::errors::did_you_mean(name, allowed),
                allowed.join(", ")
            );
            problems.add(&field, ErrorCode::UnknownField, message);
        }
    }

    fn path_of(&self, key: &str) -> String {
        join(&self.path, key)
    }

    fn has(&self, key: &str) -> bool {
        self.fields.contains_key(key)
    }

    /// A field that must be present; reports `missing_field` when it is not.
    fn require(&self, key: &str, problems: &mut Problems) -> Option<&'a Value> {
        let value = self.fields.get(key);
        if value.is_none() {
            let field = self.path_of(key);
            problems.add(
                &field,
                ErrorCode::MissingField,
                format!("`{field}` is required."),
            );
        }
        value
    }

    /// A number, if present; any other JSON type is a `type_error`, and a magnitude no farm
    /// batch can have is an `implausible_value` (it would overflow or vanish in the arithmetic).
    fn number(&self, key: &str, problems: &mut Problems) -> Option<f64> {
        let value = self.fields.get(key)?;
        let Some(number) = value.as_f64() else {
            self.type_error(key, "a JSON number", value, problems);
            return None;
        };
        let magnitude = number.abs();
        if magnitude > LARGEST_INPUT || (magnitude != 0.0 && magnitude < SMALLEST_INPUT) {
            let field = self.path_of(key);
            let message = format!(
                "`{field}` is {number}, outside what a farm batch can have \
                 ({SMALLEST_INPUT:e} to {LARGEST_INPUT:e}, or 0)."
            );
            problems.add(&field, ErrorCode::ImplausibleValue, message);
            return None;
        }
        Some(number)
    }

    /// A string, if present.
    fn text(&self, key: &str, problems: &mut Problems) -> Option<&'a str> {
        let value = self.fields.get(key)?;
        let text = value.as_str();
        if text.is_none() {
            self.type_error(key, "a JSON string", value, problems);
        }
        text
    }

    /// A boolean, if present.
    fn flag(&self, key: &str, problems: &mut Problems) -> Option<bool> {
        let value = self.fields.get(key)?;
        let flag = value.as_bool();
        if flag.is_none() {
            self.type_error(key, "true or false", value, problems);
        }
        flag
    }

    /// A nested object, if present.
    fn child(&self, key: &str, allowed: &[&str], problems: &mut Problems) -> Option<Object<'a>> {
        let value = self.fields.get(key)?;
        Object::open(value, &self.path_of(key), allowed, problems)
    }

    /// A quantity that may not be negative; absent means 0 (methodology section 2).
    fn amount(&self, key: &str, problems: &mut Problems) -> f64 {
        let Some(number) = self.number(key, problems) else {
            return 0.0;
        };
        if number < 0.0 {
            let field = self.path_of(key);
            let message =
                format!("`{field}` is a quantity and must not be negative; got {number}.");
            problems.add(&field, ErrorCode::NegativeValue, message);
            return 0.0;
        }
        number
    }

    /// A required quantity that may not be negative.
    fn required_amount(&self, key: &str, problems: &mut Problems) -> Option<f64> {
        self.require(key, problems)?;
        let errors_before = problems.0.len();
        let number = self.amount(key, problems);
        (problems.0.len() == errors_before).then_some(number)
    }

    /// A present number that must be above 0 because something is divided by it.
    fn positive(
        &self,
        key: &str,
        code: ErrorCode,
        why: &str,
        problems: &mut Problems,
    ) -> Option<f64> {
        let number = self.number(key, problems)?;
        if number > 0.0 {
            return Some(number);
        }
        let field = self.path_of(key);
        problems.add(
            &field,
            code,
            format!("`{field}` must be above 0 {why}; got {number}."),
        );
        None
    }

    fn type_error(&self, key: &str, expected: &str, got: &Value, problems: &mut Problems) {
        let field = self.path_of(key);
        let mut message = format!("`{field}` must be {expected}; got {}.", kind(got));
        if let Value::String(text) = got
            && expected == "a JSON number"
            && text.trim().parse::<f64>().is_ok_and(f64::is_finite)
        {
            message.push_str(&format!(" Write it without quotes: {}.", text.trim()));
        }
        problems.add(&field, ErrorCode::TypeError, message);
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() || path.ends_with('.') {
        format!("{path}{key}")
    } else {
        format!("{path}.{key}")
    }
}

fn named(path: &str) -> String {
    if path.is_empty() {
        "The request".to_owned()
    } else {
        format!("`{path}`")
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Where the batch was grown: an area, a number of hives, or (for honey) both.
struct Size {
    area: Option<Hectares>,
    hives: Option<Hives>,
}

fn read_request(value: &Value, prefix: &str, problems: &mut Problems) -> Option<FootprintRequest> {
    let root = Object::open(value, prefix, REQUEST_FIELDS, problems)?;

    let crop = read_crop(&root, problems);
    let size = read_size(&root, crop, problems);
    let yield_kg = read_yield(&root, problems);
    let (price, co_products) = read_allocation(&root, problems);
    let nutrients = read_nutrients(&root, problems);
    let energy = read_energy(&root, problems);
    let materials = read_materials(&root, problems);
    let rice = read_rice(&root, crop, problems);
    let removals = read_removals(&root, problems);
    let retired_credits = root.amount("retired_credits_kg_co2e", problems);
    let options = read_options(&root, problems);

    check_yield_bound(&root, crop, yield_kg, &size, problems);
    check_nitrogen_bound(&root, &nutrients, size.area, problems);
    check_diesel_bound(&root, &energy, size.area, problems);

    Some(FootprintRequest {
        crop: crop?,
        area: size.area,
        hives: size.hives,
        yield_kg: yield_kg?,
        price,
        co_products: co_products?,
        nutrients,
        limestone: materials.limestone,
        dolomite: materials.dolomite,
        energy,
        pesticides: materials.pesticides,
        plastic_film: materials.plastic_film,
        inbound_transport: materials.inbound_transport,
        compost_feedstock: materials.compost_feedstock,
        rice: rice?,
        removals: removals?,
        retired_credits: KgCo2e::new(retired_credits),
        options: options?,
        parsed: Parsed,
    })
}

/// Inputs whose only rule is "not negative, absent means 0".
struct Materials {
    limestone: Kilograms,
    dolomite: Kilograms,
    pesticides: Pesticides,
    plastic_film: Kilograms,
    inbound_transport: InboundTransport,
    compost_feedstock: KgDryMatter,
}

fn read_materials(root: &Object<'_>, problems: &mut Problems) -> Materials {
    Materials {
        limestone: Kilograms::new(root.amount("limestone_kg", problems)),
        dolomite: Kilograms::new(root.amount("dolomite_kg", problems)),
        pesticides: read_pesticides(root, problems),
        plastic_film: Kilograms::new(root.amount("plastic_film_kg", problems)),
        inbound_transport: read_transport(root, problems),
        compost_feedstock: KgDryMatter::new(
            root.amount("compost_feedstock_on_farm_kg_dm", problems),
        ),
    }
}

fn read_crop(root: &Object<'_>, problems: &mut Problems) -> Option<CropId> {
    root.require("crop", problems)?;
    let id = root.text("crop", problems)?;
    let crop = CropId::from_id(id);
    if crop.is_none() {
        let message = format!(
            "`{id}` is not a crop of this method; allowed crops: {}.",
            CropId::id_list()
        );
        problems.add(&root.path_of("crop"), ErrorCode::UnknownCrop, message);
    }
    crop
}

/// Field crops need `area_ha` and take no `hives`; honey needs `hives` and may give the
/// forage area. With an unknown crop only the values themselves are checked.
fn read_size(root: &Object<'_>, crop: Option<CropId>, problems: &mut Problems) -> Size {
    let is_honey = crop.map(|crop| crop == CropId::Honey);
    if is_honey == Some(true) {
        root.require("hives", problems);
        if has_soil_carbon_measurement(root) {
            root.require("area_ha", problems);
        }
    }
    if is_honey == Some(false) {
        root.require("area_ha", problems);
        refuse_for_crop(root, "hives", "honey", problems);
    }

    let why_area = "because emissions and bounds are judged per hectare";
    let area = root.positive("area_ha", ErrorCode::NonPositiveArea, why_area, problems);
    let hives = read_hives(root, problems);
    Size {
        area: area.map(Hectares::new),
        hives: hives.map(Hives::new),
    }
}

/// A soil carbon gain is per hectare, so it needs the area even for honey.
fn has_soil_carbon_measurement(root: &Object<'_>) -> bool {
    root.fields
        .get("removals")
        .and_then(|removals| removals.get("soc_measured"))
        .is_some()
}

fn read_hives(root: &Object<'_>, problems: &mut Problems) -> Option<f64> {
    let why = "because honey yield is judged per hive";
    let hives = root.positive("hives", ErrorCode::NonPositiveArea, why, problems)?;
    if hives.fract() == 0.0 {
        return Some(hives);
    }
    let field = root.path_of("hives");
    let message = format!("`{field}` counts hives and must be a whole number; got {hives}.");
    problems.add(&field, ErrorCode::TypeError, message);
    None
}

/// Refuses a field that only one crop may give; for other crops it would be silently unused.
fn refuse_for_crop(root: &Object<'_>, key: &str, only_for: &str, problems: &mut Problems) {
    if root.has(key) {
        let field = root.path_of(key);
        let message = format!("`{field}` applies only when the crop is {only_for}.");
        problems.add(&field, ErrorCode::UnknownField, message);
    }
}

fn read_yield(root: &Object<'_>, problems: &mut Problems) -> Option<Kilograms> {
    let yield_kg = root.required_amount("yield_kg", problems)?;
    if yield_kg == 0.0 {
        let field = root.path_of("yield_kg");
        let message =
            format!("`{field}` must be above 0: every figure is per kg of marketable product.");
        problems.add(&field, ErrorCode::ZeroYield, message);
        return None;
    }
    Some(Kilograms::new(yield_kg))
}

/// The main product's price and the co-products; the price is needed only to allocate.
fn read_allocation(
    root: &Object<'_>,
    problems: &mut Problems,
) -> (Option<CnyPerKg>, Option<Vec<CoProduct>>) {
    let co_products = read_co_products(root, problems);
    let has_co_products = co_products.as_ref().is_some_and(|list| !list.is_empty());

    let price = if has_co_products {
        root.require("price_cny_per_kg", problems);
        let why = "because the main product's value divides the allocation";
        root.positive(
            "price_cny_per_kg",
            ErrorCode::NonPositiveValue,
            why,
            problems,
        )
    } else {
        root.has("price_cny_per_kg")
            .then(|| root.amount("price_cny_per_kg", problems))
    };
    (price.map(CnyPerKg::new), co_products)
}

fn read_co_products(root: &Object<'_>, problems: &mut Problems) -> Option<Vec<CoProduct>> {
    let Some(value) = root.fields.get("co_products") else {
        return Some(Vec::new());
    };
    let Some(items) = value.as_array() else {
        root.type_error("co_products", "a JSON array", value, problems);
        return None;
    };

    let path = root.path_of("co_products");
    let read: Vec<Option<CoProduct>> = items
        .iter()
        .enumerate()
        .map(|(index, item)| read_co_product(item, &format!("{path}[{index}]"), problems))
        .collect();
    read.into_iter().collect()
}

fn read_co_product(value: &Value, path: &str, problems: &mut Problems) -> Option<CoProduct> {
    let item = Object::open(value, path, CO_PRODUCT_FIELDS, problems)?;
    item.require("name", problems);
    let name = item.text("name", problems);
    let mass = item.required_amount("kg", problems);
    let price = item.required_amount("price_cny_per_kg", problems);
    Some(CoProduct {
        name: name?.to_owned(),
        mass: Kilograms::new(mass?),
        price: CnyPerKg::new(price?),
    })
}

fn read_nutrients(root: &Object<'_>, problems: &mut Problems) -> Nutrients {
    Nutrients {
        urea: KgUrea::new(root.amount("urea_kg", problems)),
        synthetic_n_other: KgN::new(root.amount("synthetic_n_other_kg", problems)),
        p2o5: KgP2o5::new(root.amount("p2o5_kg", problems)),
        k2o: KgK2o::new(root.amount("k2o_kg", problems)),
        organic_n: KgN::new(root.amount("organic_n_kg", problems)),
        crop_residue_n: KgN::new(root.amount("crop_residue_n_kg", problems)),
    }
}

fn read_energy(root: &Object<'_>, problems: &mut Problems) -> Energy {
    Energy {
        diesel: Litres::new(root.amount("diesel_l", problems)),
        gasoline: Litres::new(root.amount("gasoline_l", problems)),
        lpg: Kilograms::new(root.amount("lpg_kg", problems)),
        coal: Kilograms::new(root.amount("coal_kg", problems)),
        electricity: KilowattHours::new(root.amount("electricity_kwh", problems)),
    }
}

fn read_pesticides(root: &Object<'_>, problems: &mut Problems) -> Pesticides {
    let Some(object) = root.child("pesticide_ai_kg", PESTICIDE_FIELDS, problems) else {
        return Pesticides::default();
    };
    Pesticides {
        herbicide: KgActiveIngredient::new(object.amount("herbicide", problems)),
        insecticide: KgActiveIngredient::new(object.amount("insecticide", problems)),
        fungicide: KgActiveIngredient::new(object.amount("fungicide", problems)),
    }
}

fn read_transport(root: &Object<'_>, problems: &mut Problems) -> InboundTransport {
    let Some(object) = root.child("inbound_transport_tkm", TRANSPORT_FIELDS, problems) else {
        return InboundTransport::default();
    };
    InboundTransport {
        heavy_truck: TonneKm::new(object.amount("heavy_truck", problems)),
        light_truck: TonneKm::new(object.amount("light_truck", problems)),
    }
}

/// `rice` is required for the rice crop and refused for any other. The outer `Option` is
/// `None` when the block could not be read.
fn read_rice(
    root: &Object<'_>,
    crop: Option<CropId>,
    problems: &mut Problems,
) -> Option<Option<RiceCultivation>> {
    match crop {
        Some(CropId::Rice) => {
            root.require("rice", problems)?;
        }
        Some(_) => refuse_for_crop(root, "rice", "rice", problems),
        None => {}
    }
    let Some(object) = root.child("rice", RICE_FIELDS, problems) else {
        return (!root.has("rice")).then_some(None);
    };

    let days = object.required_amount("cultivation_days", problems);
    object.require("water_regime", problems);
    let water_regime = choice::<WaterRegime>(&object, "water_regime", problems);
    let pre_season = choice::<PreSeason>(&object, "pre_season", problems);
    let compost = object.amount("compost_t_dm_per_ha", problems);
    Some(Some(RiceCultivation {
        cultivation_days: Days::new(days?),
        water_regime: water_regime??,
        pre_season: pre_season?.unwrap_or(PreSeason::NonFloodedUnder180d),
        compost: TonnesDryMatterPerHectare::new(compost),
    }))
}

/// Reads an id that names a factor. The outer `Option` is `None` when the field was bad, the
/// inner one when it is absent (so the caller can apply a default).
fn choice<T: WireId>(object: &Object<'_>, key: &str, problems: &mut Problems) -> Option<Option<T>> {
    if !object.has(key) {
        return Some(None);
    }
    let id = object.text(key, problems)?;
    let chosen = T::parse_id(id);
    if chosen.is_none() {
        let field = object.path_of(key);
        let message = format!(
            "`{field}` names no factor of this method: `{id}`; allowed: {}.",
            T::allowed_ids()
        );
        problems.add(&field, ErrorCode::UnknownFactorId, message);
    }
    chosen.map(Some)
}

fn read_removals(root: &Object<'_>, problems: &mut Problems) -> Option<Removals> {
    let Some(object) = root.child("removals", REMOVAL_FIELDS, problems) else {
        return (!root.has("removals")).then(Removals::default);
    };

    let orchard = object.amount("orchard_biomass_growth_kg_co2", problems);
    let planting = object.amount("tree_planting_outside_boundary_kg_co2", problems);
    let soc_measured = match object.child("soc_measured", SOC_FIELDS, problems) {
        Some(soc) => Some(read_soc(&soc, problems)?),
        None if object.has("soc_measured") => return None,
        None => None,
    };
    Some(Removals {
        soc_measured,
        orchard_biomass_growth: KgCo2::new(orchard),
        tree_planting_outside_boundary: KgCo2::new(planting),
    })
}

fn read_soc(soc: &Object<'_>, problems: &mut Problems) -> Option<SocMeasurement> {
    let stock_t1 = soc.required_amount("stock_t1_t_c_per_ha", problems);
    let stock_t2 = soc.required_amount("stock_t2_t_c_per_ha", problems);
    let years = soc.require("years", problems).and_then(|_| {
        let why = "because the stock change is divided by it";
        soc.positive("years", ErrorCode::NonPositiveValue, why, problems)
    });
    let depth = soc.require("depth_cm", problems).and_then(|_| {
        let why = "because a stock is measured over a depth";
        soc.positive("depth_cm", ErrorCode::NonPositiveValue, why, problems)
    });
    soc.require("verified", problems);
    let verified = soc.flag("verified", problems);

    Some(SocMeasurement {
        stock_t1: TonnesCarbonPerHectare::new(stock_t1?),
        stock_t2: TonnesCarbonPerHectare::new(stock_t2?),
        years: Years::new(years?),
        depth: Centimetres::new(depth?),
        verified: verified?,
    })
}

fn read_options(root: &Object<'_>, problems: &mut Problems) -> Option<CalculationOptions> {
    let defaults = CalculationOptions::default();
    let Some(object) = root.child("options", OPTION_FIELDS, problems) else {
        return (!root.has("options")).then_some(defaults);
    };

    let gwp = choice::<GwpSet>(&object, "gwp", problems);
    let n2o_ef_mode = choice::<N2oEfMode>(&object, "n2o_ef_mode", problems);
    let grid_factor_id = choice::<GridFactorId>(&object, "grid_factor_id", problems);
    Some(CalculationOptions {
        gwp: gwp?.unwrap_or(defaults.gwp),
        n2o_ef_mode: n2o_ef_mode?.unwrap_or(defaults.n2o_ef_mode),
        grid_factor_id: grid_factor_id?.unwrap_or(defaults.grid_factor_id),
    })
}

fn check_yield_bound(
    root: &Object<'_>,
    crop: Option<CropId>,
    yield_kg: Option<Kilograms>,
    size: &Size,
    problems: &mut Problems,
) {
    let (Some(crop), Some(yield_kg)) = (crop, yield_kg) else {
        return;
    };
    let row = factor_set().crops.get(crop);
    let (units, per) = match row.max_yield_per {
        YieldBasis::PerHectare => (size.area.map(Hectares::get), "ha"),
        YieldBasis::PerHive => (size.hives.map(Hives::get), "hive"),
    };
    let Some(units) = units else { return };

    let rate = yield_kg.get() / units;
    if rate > row.max_yield_kg {
        let field = root.path_of("yield_kg");
        let message = format!(
            "`{field}` gives {} kg per {per} of {crop}, above the plausible maximum of {} \
             kg per {per}.",
            format_significant(rate, 6),
            row.max_yield_kg
        );
        problems.add(&field, ErrorCode::ImplausibleValue, message);
    }
}

/// Total N per hectare above the bound is blamed on the field that brings the most N.
fn check_nitrogen_bound(
    root: &Object<'_>,
    nutrients: &Nutrients,
    area: Option<Hectares>,
    problems: &mut Problems,
) {
    // Limitation: honey sent without `area_ha` has no per-hectare N or diesel bound.
    let Some(area) = area else { return };
    let rate = nutrients.total_n().get() / area.get();
    if rate <= MAX_N_KG_PER_HA {
        return;
    }

    let contributions = [
        ("urea_kg", nutrients.urea.nitrogen()),
        ("synthetic_n_other_kg", nutrients.synthetic_n_other),
        ("organic_n_kg", nutrients.organic_n),
        ("crop_residue_n_kg", nutrients.crop_residue_n),
    ];
    let largest = contributions
        .iter()
        .max_by(|a, b| a.1.get().total_cmp(&b.1.get()));
    let key = largest.map_or("urea_kg", |(key, _)| key);
    let field = root.path_of(key);
    let message = format!(
        "Total N applied is {} kg N/ha, above the plausible maximum of {MAX_N_KG_PER_HA} \
         kg N/ha; `{field}` brings the most N.",
        format_significant(rate, 6)
    );
    problems.add(&field, ErrorCode::ImplausibleValue, message);
}

fn check_diesel_bound(
    root: &Object<'_>,
    energy: &Energy,
    area: Option<Hectares>,
    problems: &mut Problems,
) {
    let Some(area) = area else { return };
    let rate = energy.diesel.get() / area.get();
    if rate > MAX_DIESEL_L_PER_HA {
        let field = root.path_of("diesel_l");
        let message = format!(
            "`{field}` gives {} L/ha, above the plausible maximum of {MAX_DIESEL_L_PER_HA} \
             L/ha.",
            format_significant(rate, 6)
        );
        problems.add(&field, ErrorCode::ImplausibleValue, message);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::footprint::errors::InputErrorKind;
    use serde_json::json;

    fn maize() -> Value {
        json!({"crop": "maize", "area_ha": 1.0, "yield_kg": 9000, "urea_kg": 350})
    }

    fn problems_of(value: Value) -> Vec<(String, ErrorCode)> {
        let refused = parse_request_value(&value, "").expect_err("should be refused");
        assert_eq!(refused.kind, InputErrorKind::Invalid);
        refused
            .errors
            .into_iter()
            .map(|error| (error.field, error.code))
            .collect()
    }

    fn only_problem(value: Value) -> (String, ErrorCode) {
        let found = problems_of(value);
        assert_eq!(found.len(), 1, "{found:?}");
        found.into_iter().next().expect("one problem")
    }

    fn with(mut value: Value, key: &str, field: Value) -> Value {
        value[key] = field;
        value
    }

    fn pair(field: &str, code: ErrorCode) -> (String, ErrorCode) {
        (field.to_owned(), code)
    }

    #[test]
    fn a_minimal_request_gets_zeros_and_the_default_options() {
        let request = parse_request(br#"{"crop":"wheat","area_ha":2,"yield_kg":12000}"#)
            .expect("valid request");
        assert_eq!(request.options, CalculationOptions::default());
        assert_eq!(request.nutrients, Nutrients::default());
        assert_eq!(request.area, Some(Hectares::new(2.0)));
        assert!(request.rice.is_none() && request.co_products.is_empty());
    }

    #[test]
    fn magnitudes_that_would_overflow_or_vanish_are_implausible() {
        let huge_coal = with(maize(), "coal_kg", json!(1e308));
        assert_eq!(
            only_problem(huge_coal),
            pair("coal_kg", ErrorCode::ImplausibleValue)
        );
        let tiny_yield = with(maize(), "yield_kg", json!(5e-324));
        assert!(problems_of(tiny_yield).contains(&pair("yield_kg", ErrorCode::ImplausibleValue)));

        let soil = json!({"soc_measured": {
            "stock_t1_t_c_per_ha": 30.0, "stock_t2_t_c_per_ha": 1e308, "years": 1e-10,
            "depth_cm": 30, "verified": true
        }});
        let found = problems_of(with(maize(), "removals", soil));
        assert!(found.contains(&pair(
            "removals.soc_measured.stock_t2_t_c_per_ha",
            ErrorCode::ImplausibleValue
        )));
        assert!(found.contains(&pair(
            "removals.soc_measured.years",
            ErrorCode::ImplausibleValue
        )));

        let tiny_price = json!({"crop": "honey", "hives": 10, "yield_kg": 100,
            "price_cny_per_kg": 1e-300, "co_products": [{"name": "wax", "kg": 2, "price_cny_per_kg": 40}]});
        assert!(
            problems_of(tiny_price)
                .contains(&pair("price_cny_per_kg", ErrorCode::ImplausibleValue))
        );
    }

    #[test]
    fn a_number_sent_as_text_is_a_type_error() {
        let found = only_problem(with(maize(), "diesel_l", json!("80")));
        assert_eq!(found, pair("diesel_l", ErrorCode::TypeError));
    }

    #[test]
    fn null_is_not_read_as_a_missing_zero() {
        let found = only_problem(with(maize(), "diesel_l", Value::Null));
        assert_eq!(found, pair("diesel_l", ErrorCode::TypeError));
    }

    #[test]
    fn verified_must_be_a_boolean() {
        let soc = json!({"soc_measured": {"stock_t1_t_c_per_ha": 30, "stock_t2_t_c_per_ha": 31,
            "years": 2, "depth_cm": 30, "verified": "yes"}});
        let found = only_problem(with(maize(), "removals", soc));
        assert_eq!(
            found,
            pair("removals.soc_measured.verified", ErrorCode::TypeError)
        );
    }

    #[test]
    fn unknown_fields_are_refused_at_every_level() {
        let mut body = with(maize(), "urea", json!(350));
        body["options"] = json!({"gwp": "AR6", "colour": "red"});
        body["removals"] = json!({"soc_measured": {"stock_t1_t_c_per_ha": 30,
            "stock_t2_t_c_per_ha": 31, "years": 2, "depth_cm": 30, "verified": true,
            "lab": "x"}});
        body["co_products"] = json!([{"name": "stover", "kg": 1, "price_cny_per_kg": 0.1,
            "grade": "A"}]);
        body["price_cny_per_kg"] = json!(2.5);

        let found = problems_of(body);
        assert!(
            found.contains(&pair("urea", ErrorCode::UnknownField)),
            "{found:?}"
        );
        assert!(found.contains(&pair("options.colour", ErrorCode::UnknownField)));
        assert!(found.contains(&pair("removals.soc_measured.lab", ErrorCode::UnknownField)));
        assert!(found.contains(&pair("co_products[0].grade", ErrorCode::UnknownField)));
        assert_eq!(found.len(), 4, "{found:?}");
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let mut body = with(maize(), "yield_kg", json!(-1));
        body["diesel_l"] = json!("80");
        body.as_object_mut().expect("object").remove("crop");

        let found = problems_of(body);
        assert_eq!(
            found,
            vec![
                pair("crop", ErrorCode::MissingField),
                pair("yield_kg", ErrorCode::NegativeValue),
                pair("diesel_l", ErrorCode::TypeError),
            ]
        );
    }

    #[test]
    fn required_fields_are_named_when_missing() {
        let found = problems_of(json!({"crop": "apple"}));
        assert_eq!(
            found,
            vec![
                pair("area_ha", ErrorCode::MissingField),
                pair("yield_kg", ErrorCode::MissingField)
            ]
        );
        let found = only_problem(json!({"crop": "honey", "yield_kg": 100}));
        assert_eq!(found, pair("hives", ErrorCode::MissingField));
    }

    #[test]
    fn an_unknown_crop_lists_the_allowed_ids() {
        let refused = parse_request_value(&with(maize(), "crop", json!("durian")), "")
            .expect_err("unknown crop");
        let error = &refused.errors[0];
        assert_eq!(
            (error.field.as_str(), error.code),
            ("crop", ErrorCode::UnknownCrop)
        );
        assert!(
            error.message.contains("maize, wheat, rice, apple"),
            "{}",
            error.message
        );
        assert!(
            error.message.contains("chinese_cabbage, honey"),
            "{}",
            error.message
        );
    }

    #[test]
    fn an_option_naming_no_factor_is_an_unknown_factor_id() {
        let options = json!({"gwp": "AR3", "n2o_ef_mode": "wet", "grid_factor_id": "cn_x"});
        let found = problems_of(with(maize(), "options", options));
        assert_eq!(
            found,
            vec![
                pair("options.gwp", ErrorCode::UnknownFactorId),
                pair("options.n2o_ef_mode", ErrorCode::UnknownFactorId),
                pair("options.grid_factor_id", ErrorCode::UnknownFactorId),
            ]
        );
    }

    #[test]
    fn zero_and_negative_divisors_have_their_own_codes() {
        let found = only_problem(with(maize(), "yield_kg", json!(0)));
        assert_eq!(found, pair("yield_kg", ErrorCode::ZeroYield));
        let found = only_problem(with(maize(), "area_ha", json!(0)));
        assert_eq!(found, pair("area_ha", ErrorCode::NonPositiveArea));
        let found = only_problem(with(maize(), "area_ha", json!(-2)));
        assert_eq!(found, pair("area_ha", ErrorCode::NonPositiveArea));
        let honey = json!({"crop": "honey", "hives": 0, "yield_kg": 100});
        assert_eq!(
            only_problem(honey),
            pair("hives", ErrorCode::NonPositiveArea)
        );
    }

    #[test]
    fn soil_carbon_years_must_be_positive() {
        let soc = json!({"soc_measured": {"stock_t1_t_c_per_ha": 30, "stock_t2_t_c_per_ha": 31,
            "years": 0, "depth_cm": 30, "verified": true}});
        let found = only_problem(with(maize(), "removals", soc));
        assert_eq!(
            found,
            pair("removals.soc_measured.years", ErrorCode::NonPositiveValue)
        );
    }

    #[test]
    fn co_products_need_a_positive_main_price() {
        let body = with(
            maize(),
            "co_products",
            json!([{"name": "stover", "kg": 100,
            "price_cny_per_kg": 0.2}]),
        );
        assert_eq!(
            only_problem(body.clone()),
            pair("price_cny_per_kg", ErrorCode::MissingField)
        );
        let found = only_problem(with(body, "price_cny_per_kg", json!(0)));
        assert_eq!(found, pair("price_cny_per_kg", ErrorCode::NonPositiveValue));
    }

    #[test]
    fn co_product_fields_carry_their_index() {
        let list = json!([{"name": "a", "kg": 1, "price_cny_per_kg": 1}, {"name": "b", "kg": -3}]);
        let mut body = with(maize(), "co_products", list);
        body["price_cny_per_kg"] = json!(2);
        let found = problems_of(body);
        assert_eq!(
            found,
            vec![
                pair("co_products[1].kg", ErrorCode::NegativeValue),
                pair("co_products[1].price_cny_per_kg", ErrorCode::MissingField),
            ]
        );
    }

    #[test]
    fn negative_quantities_are_refused_wherever_they_are() {
        let mut body = with(maize(), "pesticide_ai_kg", json!({"fungicide": -0.5}));
        body["inbound_transport_tkm"] = json!({"heavy_truck": -1});
        body["retired_credits_kg_co2e"] = json!(-10);
        let found = problems_of(body);
        assert_eq!(
            found,
            vec![
                pair("pesticide_ai_kg.fungicide", ErrorCode::NegativeValue),
                pair(
                    "inbound_transport_tkm.heavy_truck",
                    ErrorCode::NegativeValue
                ),
                pair("retired_credits_kg_co2e", ErrorCode::NegativeValue),
            ]
        );
    }

    #[test]
    fn implausible_yields_are_judged_per_hectare_or_per_hive() {
        let found = only_problem(with(maize(), "yield_kg", json!(20_001)));
        assert_eq!(found, pair("yield_kg", ErrorCode::ImplausibleValue));
        assert!(parse_request_value(&with(maize(), "yield_kg", json!(20_000)), "").is_ok());
        let honey = json!({"crop": "honey", "hives": 10, "yield_kg": 1001});
        assert_eq!(
            only_problem(honey),
            pair("yield_kg", ErrorCode::ImplausibleValue)
        );
    }

    #[test]
    fn too_much_nitrogen_is_blamed_on_the_largest_contributor() {
        let mut body = with(maize(), "organic_n_kg", json!(1400));
        body["crop_residue_n_kg"] = json!(100);
        // 0.46 * 350 = 161 kg N from urea, 1400 organic, 100 residue: 1661 kg N/ha.
        assert_eq!(
            only_problem(body),
            pair("organic_n_kg", ErrorCode::ImplausibleValue)
        );
    }

    #[test]
    fn too_much_diesel_per_hectare_is_implausible() {
        let body = with(
            with(maize(), "diesel_l", json!(1200)),
            "area_ha",
            json!(1.5),
        );
        assert!(
            parse_request_value(&body, "").is_ok(),
            "800 L/ha is plausible"
        );
        let found = only_problem(with(maize(), "diesel_l", json!(1000.5)));
        assert_eq!(found, pair("diesel_l", ErrorCode::ImplausibleValue));
    }

    #[test]
    fn crop_specific_blocks_are_refused_for_other_crops() {
        let rice = json!({"cultivation_days": 120, "water_regime": "upland"});
        assert_eq!(
            only_problem(with(maize(), "rice", rice)),
            pair("rice", ErrorCode::UnknownField)
        );
        assert_eq!(
            only_problem(with(maize(), "hives", json!(3))),
            pair("hives", ErrorCode::UnknownField)
        );
    }

    #[test]
    fn rice_needs_its_block_and_a_known_regime() {
        let paddy = json!({"crop": "rice", "area_ha": 1, "yield_kg": 7000});
        assert_eq!(
            only_problem(paddy.clone()),
            pair("rice", ErrorCode::MissingField)
        );
        let block = json!({"cultivation_days": 110, "water_regime": "awd"});
        let found = only_problem(with(paddy.clone(), "rice", block));
        assert_eq!(found, pair("rice.water_regime", ErrorCode::UnknownFactorId));

        let block = json!({"cultivation_days": 110, "water_regime": "single_drainage"});
        let request = parse_request_value(&with(paddy, "rice", block), "").expect("valid");
        let rice = request.rice.expect("rice block");
        assert_eq!(rice.pre_season, PreSeason::NonFloodedUnder180d);
    }

    #[test]
    fn hives_are_counted_in_whole_numbers() {
        let honey = json!({"crop": "honey", "hives": 2.5, "yield_kg": 100});
        assert_eq!(only_problem(honey), pair("hives", ErrorCode::TypeError));
    }

    #[test]
    fn honey_with_a_soil_measurement_needs_an_area() {
        let soc = json!({"soc_measured": {"stock_t1_t_c_per_ha": 30, "stock_t2_t_c_per_ha": 31,
            "years": 2, "depth_cm": 30, "verified": true}});
        let honey = json!({"crop": "honey", "hives": 20, "yield_kg": 400, "removals": soc});
        assert_eq!(
            only_problem(honey),
            pair("area_ha", ErrorCode::MissingField)
        );
    }

    #[test]
    fn an_embedded_request_prefixes_every_path() {
        let body = with(maize(), "yield_kg", json!(-1));
        for prefix in ["activity", "activity."] {
            let refused = parse_request_value(&body, prefix).expect_err("negative yield");
            assert_eq!(refused.errors[0].field, "activity.yield_kg");
        }
        let refused = parse_request_value(&json!([1]), "activity.").expect_err("not an object");
        assert_eq!(refused.errors[0].field, "activity");
        assert_eq!(refused.errors[0].code, ErrorCode::TypeError);
    }

    #[test]
    fn a_body_that_is_json_but_not_an_object_is_invalid_not_malformed() {
        let refused = parse_request(b"[]").expect_err("array body");
        assert_eq!(refused.kind, InputErrorKind::Invalid);
        assert_eq!(
            (refused.errors[0].field.as_str(), refused.errors[0].code),
            ("", ErrorCode::TypeError)
        );
    }
}

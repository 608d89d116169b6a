//! How results are shown to people: the footprint table, `footprint -`, `keys list` without a
//! database, the calculator page and the buyer page.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, shared_dir, spawn_app};

/// An apple batch claiming every removal that is reported but never netted, and credits.
fn apple_with_unnettable_claims() -> Value {
    json!({
        "crop": "apple", "area_ha": 2.0, "yield_kg": 60000, "organic_n_kg": 200,
        "diesel_l": 120, "electricity_kwh": 800,
        "removals": {
            "soc_measured": {"stock_t1_t_c_per_ha": 30.0, "stock_t2_t_c_per_ha": 31.2,
                "years": 4, "depth_cm": 30, "verified": false},
            "orchard_biomass_growth_kg_co2": 5200,
            "tree_planting_outside_boundary_kg_co2": 1800
        },
        "retired_credits_kg_co2e": 900
    })
}

/// A cabbage batch whose measured soil carbon fell: a loss, reported only.
fn cabbage_with_a_soil_carbon_loss() -> Value {
    json!({
        "crop": "chinese_cabbage", "area_ha": 1.0, "yield_kg": 60000, "organic_n_kg": 200,
        "diesel_l": 60,
        "removals": {"soc_measured": {"stock_t1_t_c_per_ha": 33.0, "stock_t2_t_c_per_ha": 32.0,
            "years": 5, "depth_cm": 30, "verified": true}}
    })
}

/// REF-08 of the shared cases: a verified soil carbon gain, netted.
fn reference_case_with_a_netted_gain() -> Value {
    let text = std::fs::read_to_string(shared_dir().join("cases/footprint/REF-08.json"))
        .expect("REF-08 is in the shared cases");
    let case: Value = serde_json::from_str(&text).expect("REF-08 is JSON");
    case["request"].clone()
}

#[test]
fn the_footprint_table_lists_every_removal_and_offset_with_its_figure_and_verdict() {
    let folder = tempfile::tempdir().expect("temp folder");
    for request in [
        apple_with_unnettable_claims(),
        cabbage_with_a_soil_carbon_loss(),
        reference_case_with_a_netted_gain(),
    ] {
        let file = folder.path().join("batch.json");
        std::fs::write(&file, request.to_string()).expect("write request");
        let report = footprint_json(&file);
        let table = footprint_table(&file);

        let removals = report["removals"].as_array().expect("removals");
        let claimed = request["removals"].as_object().expect("claims").len();
        assert_eq!(removals.len(), claimed, "one line per claim: {report}");
        for removal in removals {
            assert_removal_shown(&table, removal);
        }
        assert_credits_shown(&table, &report);
    }
}

#[test]
fn the_footprint_table_shows_the_not_netted_lines_apart_from_the_netted_total() {
    let folder = tempfile::tempdir().expect("temp folder");
    let file = folder.path().join("batch.json");
    std::fs::write(&file, apple_with_unnettable_claims().to_string()).expect("write");
    let report = footprint_json(&file);
    let table = footprint_table(&file);

    let kinds: Vec<&str> = report["removals"]
        .as_array()
        .expect("removals")
        .iter()
        .map(|removal| removal["kind"].as_str().expect("kind"))
        .collect();
    assert_eq!(
        kinds,
        [
            "soc_measured",
            "orchard_biomass_growth",
            "tree_planting_outside_boundary"
        ]
    );
    assert!(
        report["removals"]
            .as_array()
            .expect("removals")
            .iter()
            .all(|r| r["netted"] == false)
    );
    let netted = row_figures(&table, "netted removals per kg, kg CO2e/kg");
    assert_eq!(
        netted,
        [report["removals_kg_co2e_per_kg"].as_f64().expect("f64")]
    );
}

#[test]
fn footprint_dash_reads_the_request_from_standard_input() {
    let folder = tempfile::tempdir().expect("temp folder");
    let file = folder.path().join("batch.json");
    let request = apple_with_unnettable_claims();
    std::fs::write(&file, request.to_string()).expect("write");

    let mut child = zerolabel()
        .args(["footprint", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starts");
    child
        .stdin
        .take()
        .expect("stdin is piped")
        .write_all(request.to_string().as_bytes())
        .expect("request written");
    let output = child.wait_with_output().expect("finishes");
    assert!(output.status.success(), "{}", stderr_of(&output));
    let from_stdin: Value = serde_json::from_slice(&output.stdout).expect("json");
    assert_eq!(from_stdin, footprint_json(&file));

    let help = zerolabel()
        .args(["footprint", "--help"])
        .output()
        .expect("help runs");
    assert!(String::from_utf8_lossy(&help.stdout).contains("standard input"));
}

#[test]
fn keys_list_in_a_fresh_folder_says_there_are_no_keys_and_leaves_no_database() {
    let folder = tempfile::tempdir().expect("temp folder");
    let output = zerolabel()
        .args(["keys", "list"])
        .current_dir(folder.path())
        .env_remove("ZEROLABEL_DATABASE_URL")
        .env_remove("ZEROLABEL_KEYS_DIR")
        .output()
        .expect("runs");

    assert_eq!(output.status.code(), Some(1));
    let stderr = stderr_of(&output);
    assert!(
        stderr.contains("no keys yet") && stderr.contains("data/zerolabel.sqlite3"),
        "{stderr}"
    );
    assert!(
        !folder.path().join("data").exists(),
        "no database folder left behind"
    );
}

#[tokio::test]
async fn keys_list_still_prints_the_keys_of_an_existing_database() {
    let app = spawn_app().await;
    let output = zerolabel()
        .args(["keys", "list", "--database-url"])
        .arg(app.database_url())
        .output()
        .expect("runs");

    assert!(output.status.success(), "{}", stderr_of(&output));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.starts_with("z6Mk") && stdout.contains("until active"),
        "{stdout}"
    );
}

/// REF-02's tomato without its transport (the form has no transport fields): tier `none`.
fn tomato_form() -> Vec<(&'static str, &'static str)> {
    vec![
        ("crop", "tomato"),
        ("area_ha", "0.5"),
        ("yield_kg", "30000"),
        ("organic_n_kg", "150"),
        ("compost_feedstock_on_farm_kg_dm", "6000"),
        ("crop_residue_n_kg", "25"),
        ("diesel_l", "40"),
        ("electricity_kwh", "300"),
        ("plastic_film_kg", "60"),
        ("rice.water_regime", "continuously_flooded"),
        ("rice.pre_season", "non_flooded_under_180d"),
    ]
}

#[tokio::test]
async fn the_calculator_shows_a_tier_none_result_neutrally_in_both_languages() {
    let app = spawn_app().await;
    let from_api = calculate_form_as_json(&app, &tomato_form()).await;
    assert_eq!(
        from_api["tier"], "none",
        "the case must be a tier-none result"
    );

    for (lang, certified) in [("en", "certified"), ("zh", "已核证")] {
        let page = post_calculator(&app, lang, &tomato_form()).await;
        assert!(!page.contains("class=\"status"), "{lang}: no status box");
        assert!(
            !page.to_lowercase().contains(certified),
            "{lang}: nothing certified"
        );
        assert!(page.contains(&figure(&from_api["gross_kg_co2e_per_kg"])));
        assert!(page.contains(&figure(&from_api["benchmark_kg_co2e_per_kg"])));
        let sources = from_api["by_source_co2e_kg"].as_object().expect("sources");
        for key in sources.keys() {
            assert!(!page.contains(&format!("<th>{key}</th>")), "{lang}: {key}");
        }
    }
    let chinese = post_calculator(&app, "zh", &tomato_form()).await;
    assert!(chinese.contains("土壤氧化亚氮（直接）") && chinese.contains("不是证书"));
}

#[tokio::test]
async fn the_calculator_computes_rice_from_its_water_regime_and_days() {
    let app = spawn_app().await;
    let form = [
        ("crop", "rice"),
        ("area_ha", "0.5"),
        ("yield_kg", "3750"),
        ("urea_kg", "150"),
        ("crop_residue_n_kg", "15"),
        ("diesel_l", "30"),
        ("electricity_kwh", "200"),
        ("rice.cultivation_days", "120"),
        ("rice.compost_t_dm_per_ha", "2"),
        ("rice.water_regime", "multiple_drainage"),
        ("rice.pre_season", "flooded_over_30d"),
    ];
    let from_api = calculate_form_as_json(&app, &form).await;
    assert!(
        from_api["by_source_co2e_kg"]["rice_ch4"]
            .as_f64()
            .expect("rice CH4")
            > 0.0
    );

    let response = post_form(&app, "en", &form).await;
    assert_eq!(response.status(), StatusCode::OK);
    let page = response.text().await.expect("html");
    assert!(
        page.contains(&figure(&from_api["gross_kg_co2e_per_kg"])),
        "{page}"
    );
}

#[tokio::test]
async fn the_buyer_page_shows_the_verify_command_as_code_without_backticks() {
    let app = spawn_app().await;
    let (farmer, auditor) = app.farmer_and_auditor();
    let approved = app.issue(&farmer, &auditor).await;
    let url = approved["certificate"]["verify_url"].as_str().expect("url");

    for language in ["en", "zh-CN"] {
        let page = app
            .client
            .get(url)
            .header("Accept-Language", language)
            .send()
            .await
            .expect("page")
            .text()
            .await
            .expect("html");
        assert!(!page.contains('`'), "{language}: literal backtick");
        assert!(
            page.contains("<code>zerolabel verify certificate.json --keys did.json</code>"),
            "{language}"
        );
    }
}

/// The same request as the form builds, sent to the JSON API.
async fn calculate_form_as_json(app: &TestApp, form: &[(&str, &str)]) -> Value {
    let mut request = serde_json::Map::new();
    let mut rice = serde_json::Map::new();
    for (name, value) in form {
        let typed = value
            .parse::<f64>()
            .map_or(json!(value), |number| json!(number));
        match name.strip_prefix("rice.") {
            Some(key) => rice.insert(key.to_owned(), typed),
            None => request.insert((*name).to_owned(), typed),
        };
    }
    if request["crop"] == "rice" {
        request.insert("rice".to_owned(), Value::Object(rice));
    }
    let response = app.calculate(&Value::Object(request)).await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.expect("json")
}

async fn post_calculator(app: &TestApp, lang: &str, form: &[(&str, &str)]) -> String {
    let response = post_form(app, lang, form).await;
    assert_eq!(response.status(), StatusCode::OK);
    response.text().await.expect("html")
}

/// `POST /calculator` as a browser sends the form. The test's names and values are plain ASCII
/// words, digits, dots and underscores, which need no percent-encoding.
async fn post_form(app: &TestApp, lang: &str, form: &[(&str, &str)]) -> reqwest::Response {
    let body: Vec<String> = form
        .iter()
        .map(|(name, value)| format!("{name}={value}"))
        .collect();
    app.post_raw(
        &format!("/calculator?lang={lang}"),
        &body.join("&"),
        "application/x-www-form-urlencoded",
    )
    .await
}

/// A JSON figure as the pages print it (the report's figures are already rounded).
fn figure(value: &Value) -> String {
    value.as_f64().expect("a number").to_string()
}

fn assert_removal_shown(table: &str, removal: &Value) {
    let kind = removal["kind"].as_str().expect("kind");
    let figures = row_figures(table, kind);
    let expected = [
        removal["kg_co2"].as_f64().expect("kg_co2"),
        removal["netted_kg_co2"].as_f64().expect("netted_kg_co2"),
    ];
    assert_eq!(figures, expected, "{kind} in\n{table}");

    let verdict = if removal["netted"] == true {
        "netted"
    } else {
        "not netted"
    };
    let reason = removal["reason"].as_str().expect("reason");
    assert_eq!(
        line_after(table, kind),
        format!("{verdict}: {reason}"),
        "{kind} in\n{table}"
    );
}

fn assert_credits_shown(table: &str, report: &Value) {
    let credits = report["offsets"]["retired_credits_kg_co2e"]
        .as_f64()
        .expect("credits");
    if credits == 0.0 {
        assert!(!table.contains("retired_credits"), "{table}");
        return;
    }
    assert_eq!(row_figures(table, "retired_credits"), [credits, 0.0]);
    assert!(line_after(table, "retired_credits").starts_with("not netted: "));
}

/// The numbers of the table row whose name is `name`.
fn row_figures(table: &str, name: &str) -> Vec<f64> {
    let row = table
        .lines()
        .find(|line| {
            line.strip_prefix(name)
                .is_some_and(|rest| rest.starts_with(' '))
        })
        .unwrap_or_else(|| panic!("no row `{name}` in\n{table}"));
    row[name.len()..]
        .split_whitespace()
        .map(|figure| figure.parse().expect("a figure"))
        .collect()
}

/// The indented line under the row `name`, trimmed.
fn line_after(table: &str, name: &str) -> String {
    let mut lines = table.lines();
    lines
        .find(|line| {
            line.strip_prefix(name)
                .is_some_and(|rest| rest.starts_with(' '))
        })
        .unwrap_or_else(|| panic!("no row `{name}`"));
    lines
        .next()
        .expect("a line under the row")
        .trim()
        .to_owned()
}

fn footprint_json(file: &Path) -> Value {
    let output = zerolabel()
        .arg("footprint")
        .arg(file)
        .output()
        .expect("runs");
    assert!(output.status.success(), "{}", stderr_of(&output));
    serde_json::from_slice(&output.stdout).expect("json")
}

fn footprint_table(file: &Path) -> String {
    let output = zerolabel()
        .args(["footprint", "--table"])
        .arg(file)
        .output()
        .expect("runs");
    assert!(output.status.success(), "{}", stderr_of(&output));
    String::from_utf8(output.stdout).expect("utf-8")
}

fn stderr_of(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn zerolabel() -> Command {
    Command::new(env!("CARGO_BIN_EXE_zerolabel"))
}

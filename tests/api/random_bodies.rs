//! Thousands of random JSON bodies, sent to every POST (and PATCH) endpoint: every answer is
//! 2xx or 4xx, and every 4xx is a problem document. Bodies are random values, and valid bodies
//! with random values merged into them so that the deeper rules are reached too.

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;
use reqwest::Method;
use serde_json::{Map, Value, json};
use zerolabel::accounts::Role;
use zerolabel::application::merge_patch;

use crate::helpers::{TestApp, chestnut_application, spawn_app};

/// Bodies per endpoint.
const BODIES: usize = 160;

/// Field names of the service's bodies, so that random objects hit real fields.
const FIELDS: &[&str] = &[
    "farm_id",
    "product",
    "harvest",
    "activity",
    "name",
    "crop",
    "gtin",
    "lot",
    "start",
    "end",
    "area_ha",
    "yield_kg",
    "organic_n_kg",
    "diesel_l",
    "electricity_kwh",
    "synthetic_n_kg",
    "reason",
    "note",
    "valid_from",
    "valid_until",
    "role",
    "user_id",
    "expires_at",
    "village",
    "region",
    "proof",
    "credentialSubject",
    "removals",
    "rice",
    "co_products",
    "gwp",
];

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(FIELDS).prop_map(str::to_owned),
        1 => "[a-zA-Z_.]{0,10}",
    ]
}

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        (-1e6f64..1e6).prop_map(|f| json!(f)),
        any::<f64>().prop_filter_map("finite", |f| serde_json::Number::from_f64(f)
            .map(Value::Number)),
        ".{0,16}".prop_map(Value::String),
        prop::sample::select(
            &[
                "chestnut",
                "apple",
                "rice",
                "2026-09-05",
                "2026-13-40",
                "ar6",
                "farmer",
                "auditor",
                "2027-01-01T00:00:00Z",
                "7d0f4a9e-3c1b-4e55-9b61-0f3a2c7e9d10",
                "",
            ][..]
        )
        .prop_map(|text| Value::String(text.to_owned())),
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(3, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::btree_map(key(), inner, 0..6)
                .prop_map(|fields| Value::Object(fields.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// A random value, or `valid` with a random object merged into it.
fn body(valid: Value) -> impl Strategy<Value = Value> {
    prop_oneof![
        json_value(),
        prop::collection::btree_map(key(), json_value(), 1..4).prop_map(move |patch| {
            let mut body = valid.clone();
            merge_patch(&mut body, &Value::Object(patch.into_iter().collect()));
            body
        }),
    ]
}

struct Target {
    method: Method,
    path: String,
    token: Option<String>,
    valid: Value,
}

async fn targets(app: &TestApp) -> Vec<Target> {
    let farmer = app.add_user("Wang", Role::Farmer, Some("Chestnut Orchard"));
    let auditor = app.add_user("Chen", Role::Auditor, None);
    let admin = app.add_user("Admin", Role::Admin, None);
    let application = chestnut_application(&farmer);
    let draft = app.create_application(&farmer, &application).await;
    let submitted = app.create_application(&farmer, &application).await;
    let rejected = app.create_application(&farmer, &application).await;
    for created in [&submitted, &rejected] {
        let id = created["id"].as_str().expect("id");
        app.act(id, "submit", &json!({}), &farmer.token).await;
    }
    let rejected = rejected["id"].as_str().expect("id").to_owned();
    app.act(&rejected, "reject", &json!({"reason": "r"}), &auditor.token)
        .await;
    let approved = app.issue(&farmer, &auditor).await;
    let certificate = app.certificate_of(&approved).await;
    let code = approved["certificate"]["code"].as_str().expect("code");
    let farm = farmer.farm_id.clone().expect("farm");

    let post = |path: String, token: Option<&str>, valid: Value| Target {
        method: Method::POST,
        path,
        token: token.map(str::to_owned),
        valid,
    };
    let (f, a, d) = (
        Some(farmer.token.as_str()),
        Some(auditor.token.as_str()),
        Some(admin.token.as_str()),
    );
    let draft = draft["id"].as_str().expect("id");
    let submitted = submitted["id"].as_str().expect("id");
    let mut all = vec![
        post(
            "/api/v1/footprints/calculate".into(),
            None,
            application["activity"].clone(),
        ),
        post("/api/v1/verify".into(), None, certificate),
        post("/api/v1/applications".into(), f, application.clone()),
        post(
            format!("/api/v1/applications/{submitted}/approve"),
            a,
            json!({"note": "ok"}),
        ),
        post(
            format!("/api/v1/applications/{submitted}/reject"),
            a,
            json!({"reason": "no"}),
        ),
        post(
            format!("/api/v1/applications/{rejected}/revise"),
            f,
            json!({}),
        ),
        post(
            format!("/api/v1/certificates/{code}/revoke"),
            a,
            json!({"reason": "no"}),
        ),
        post("/api/v1/farms".into(), d, json!({"name": "Farm"})),
        post(
            format!("/api/v1/farms/{farm}/members"),
            d,
            json!({"user_id": farmer.id}),
        ),
        post(
            "/api/v1/users".into(),
            d,
            json!({"name": "N", "role": "farmer"}),
        ),
        post(format!("/api/v1/users/{}/tokens", farmer.id), d, json!({})),
    ];
    all.push(Target {
        method: Method::PATCH,
        path: format!("/api/v1/applications/{draft}"),
        token: farmer.token.clone().into(),
        valid: json!({"activity": {"diesel_l": 1}}),
    });
    all
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn random_json_bodies_get_only_2xx_or_4xx_and_every_4xx_is_a_problem_document() {
    let app = spawn_app().await;
    let mut runner = TestRunner::default();
    let mut failures = Vec::new();

    for target in targets(&app).await {
        let strategy = body(target.valid.clone());
        for _ in 0..BODIES {
            let sent = strategy.new_tree(&mut runner).expect("a body").current();
            let response = app
                .send(
                    target.method.clone(),
                    &target.path,
                    target.token.as_deref(),
                    Some(&sent),
                )
                .await;
            let status = response.status();
            let content_type = response
                .headers()
                .get("content-type")
                .and_then(|value| value.to_str().ok())
                .unwrap_or_default()
                .to_owned();
            let text = response.text().await.unwrap_or_default();
            let problem_ok = !status.is_client_error()
                || (content_type.starts_with("application/problem+json")
                    && serde_json::from_str::<Value>(&text)
                        .is_ok_and(|problem| problem["status"] == json!(status.as_u16())));
            if !(status.is_success() || status.is_client_error()) || !problem_ok {
                failures.push(format!(
                    "{} {} {sent}\n  -> {status} {content_type} {text}",
                    target.method, target.path
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

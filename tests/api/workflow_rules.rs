//! Rules an approval must keep: a certificate's validity is a season or a year, and nobody
//! decides on a batch of a farm they belong to.

use std::process::Command;

use diesel::prelude::*;
use reqwest::StatusCode;
use serde_json::{Value, json};
use zerolabel::accounts::Role;
use zerolabel::db::schema::certificates;
use zerolabel::db::{farms, users};
use zerolabel::workflow::now_seconds;
use zerolabel::workflow::users::create_user;

use crate::helpers::{TestApp, TestUser, assert_problem, chestnut_application, spawn_app};

/// A farmer's chestnut application, submitted and waiting for an auditor; returns its id.
async fn submitted_application(app: &TestApp, farmer: &TestUser) -> String {
    let created = app
        .create_application(farmer, &chestnut_application(farmer))
        .await;
    let id = created["id"].as_str().expect("id").to_owned();
    let submitted = app.act(&id, "submit", &json!({}), &farmer.token).await;
    assert_eq!(submitted.status(), StatusCode::OK);
    id
}

/// The application as its farmer sees it.
async fn application(app: &TestApp, id: &str, farmer: &TestUser) -> Value {
    let response = app
        .get(&format!("/api/v1/applications/{id}"), Some(&farmer.token))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.expect("json")
}

fn certificate_count(app: &TestApp) -> i64 {
    let mut conn = app.state.pool.get().expect("connection");
    certificates::table
        .count()
        .get_result(&mut conn)
        .expect("count certificates")
}

/// Asserts a 422 whose only error is an `invalid_value` of `valid_until`; returns its message.
async fn assert_valid_until_refused(response: reqwest::Response) -> String {
    let problem = assert_problem(response, StatusCode::UNPROCESSABLE_ENTITY).await;
    let errors = problem["errors"].as_array().expect("field errors");
    assert_eq!(errors.len(), 1, "{problem}");
    assert_eq!(errors[0]["field"], "valid_until");
    assert_eq!(errors[0]["code"], "invalid_value");
    errors[0]["message"].as_str().expect("message").to_owned()
}

async fn assert_still_submitted_without_certificate(app: &TestApp, id: &str, farmer: &TestUser) {
    let shown = application(app, id, farmer).await;
    assert_eq!(shown["status"], "submitted");
    assert!(shown.get("certificate").is_none(), "{shown}");
    assert_eq!(certificate_count(app), 0);
}

#[tokio::test]
async fn a_validity_longer_than_366_days_is_refused_naming_valid_until() {
    let app = spawn_app().await;
    let (farmer, auditor) = app.farmer_and_auditor();
    let id = submitted_application(&app, &farmer).await;

    let century = json!({"valid_until": "2126-01-01T00:00:00Z"});
    let refused = app.act(&id, "approve", &century, &auditor.token).await;
    let message = assert_valid_until_refused(refused).await;
    assert!(message.contains("366 days"), "{message}");

    let one_second_too_long = json!({
        "valid_from": "2027-03-01T00:00:00Z",
        "valid_until": "2028-03-01T00:00:01Z",
    });
    let refused = app
        .act(&id, "approve", &one_second_too_long, &auditor.token)
        .await;
    assert_valid_until_refused(refused).await;

    assert_still_submitted_without_certificate(&app, &id, &farmer).await;
}

#[tokio::test]
async fn a_reversed_validity_is_refused_as_bad_input_naming_valid_until() {
    let app = spawn_app().await;
    let (farmer, auditor) = app.farmer_and_auditor();
    let id = submitted_application(&app, &farmer).await;

    let reversed = json!({
        "valid_from": "2027-01-01T00:00:00Z",
        "valid_until": "2026-12-31T00:00:00Z",
    });
    let refused = app.act(&id, "approve", &reversed, &auditor.token).await;
    let message = assert_valid_until_refused(refused).await;
    assert!(message.contains("after valid_from"), "{message}");

    let ends_before_the_default_start_of_now = json!({"valid_until": "2020-01-01T00:00:00Z"});
    let refused = app
        .act(
            &id,
            "approve",
            &ends_before_the_default_start_of_now,
            &auditor.token,
        )
        .await;
    assert_valid_until_refused(refused).await;

    assert_still_submitted_without_certificate(&app, &id, &farmer).await;
}

#[tokio::test]
async fn a_validity_of_exactly_366_days_across_a_leap_day_is_signed_as_asked() {
    let app = spawn_app().await;
    let (farmer, auditor) = app.farmer_and_auditor();
    let id = submitted_application(&app, &farmer).await;

    let leap_year = json!({
        "valid_from": "2027-03-01T00:00:00Z",
        "valid_until": "2028-03-01T00:00:00Z",
    });
    let approved = app.act(&id, "approve", &leap_year, &auditor.token).await;
    assert_eq!(approved.status(), StatusCode::OK);
    let approved: Value = approved.json().await.expect("json");
    let certificate_id = approved["certificate"]["id"].as_str().expect("id");

    let signed: Value = app
        .get(&format!("/api/v1/certificates/{certificate_id}"), None)
        .await
        .json()
        .await
        .expect("signed certificate");
    assert_eq!(signed["validFrom"], "2027-03-01T00:00:00Z");
    assert_eq!(signed["validUntil"], "2028-03-01T00:00:00Z");
}

#[tokio::test]
async fn a_past_season_may_be_signed_and_buyers_see_it_as_expired() {
    let app = spawn_app().await;
    let (farmer, auditor) = app.farmer_and_auditor();
    let id = submitted_application(&app, &farmer).await;

    let season_2019 = json!({
        "valid_from": "2019-01-01T00:00:00Z",
        "valid_until": "2020-01-01T00:00:00Z",
    });
    let approved = app.act(&id, "approve", &season_2019, &auditor.token).await;
    assert_eq!(approved.status(), StatusCode::OK);
    let approved: Value = approved.json().await.expect("json");

    let url = approved["certificate"]["verify_url"].as_str().expect("url");
    let result: Value = app.get_json_url(url).await.json().await.expect("json");
    assert_eq!(result["status"], "expired");
}

#[tokio::test]
async fn an_auditor_who_belongs_to_the_farm_can_neither_approve_nor_reject_its_batch() {
    let app = spawn_app().await;
    let farmer = app.add_user("Wang Jianguo", Role::Farmer, Some("Aud Farm"));
    let farm_id = farmer.farm_id.clone().expect("farmer has a farm");
    let insider = linked_auditor(&app, &farm_id);
    let id = submitted_application(&app, &farmer).await;

    let approved = app.act(&id, "approve", &json!({}), &insider.token).await;
    let problem = assert_problem(approved, StatusCode::FORBIDDEN).await;
    let detail = problem["detail"].as_str().expect("detail");
    assert!(detail.contains("you belong to its farm"), "{detail}");
    let reason = json!({"reason": "looks wrong"});
    let rejected = app.act(&id, "reject", &reason, &insider.token).await;
    assert_problem(rejected, StatusCode::FORBIDDEN).await;
    assert_still_submitted_without_certificate(&app, &id, &farmer).await;

    let independent = app.add_user("Chen Jing", Role::Auditor, None);
    let approved = app
        .act(&id, "approve", &json!({}), &independent.token)
        .await;
    assert_eq!(approved.status(), StatusCode::OK);
}

/// An auditor who is a member of `farm_id`, as a database written before only farmers could be
/// linked to farms may hold: the membership is written straight to storage.
fn linked_auditor(app: &TestApp, farm_id: &str) -> TestUser {
    let mut conn = app.state.pool.get().expect("connection");
    let created = create_user(&mut conn, "Aud Itor", Role::Auditor, None, now_seconds())
        .expect("auditor without a farm");
    farms::add_member(&mut conn, farm_id, &created.actor.id.to_string()).expect("membership");
    TestUser {
        id: created.actor.id.to_string(),
        token: created.token,
        farm_id: None,
    }
}

#[tokio::test]
async fn users_add_refuses_a_farm_for_anyone_but_a_farmer_and_creates_nothing() {
    let app = spawn_app().await;

    for role in ["auditor", "admin"] {
        let output = Command::new(env!("CARGO_BIN_EXE_zerolabel"))
            .args(["users", "add", "--name", "X", "--role", role])
            .args(["--farm", "Aud Farm"])
            .env("ZEROLABEL_DATABASE_URL", app.database_url())
            .output()
            .expect("runs");

        assert!(!output.status.success(), "{role} with a farm was accepted");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains("only farmers are linked to farms"),
            "{stderr}"
        );
        assert!(output.stdout.is_empty(), "printed a token for {role}");
    }

    let mut conn = app.state.pool.get().expect("connection");
    assert_eq!(users::count_users(&mut conn).expect("count users"), 0);
    let farm = farms::find_farm_by_name(&mut conn, "Aud Farm").expect("look up farm");
    assert!(farm.is_none(), "the farm was created");
}

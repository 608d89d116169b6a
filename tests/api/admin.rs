//! Admins manage users, farms and tokens through the API and the command line; tokens are
//! listed by prefix only, stop at once when revoked and stop by themselves when they expire.

use std::process::Command;

use chrono::Duration;
use reqwest::StatusCode;
use serde_json::{Value, json};
use zerolabel::accounts::Role;
use zerolabel::workflow::admin::{Operator, issue_token};
use zerolabel::workflow::now_seconds;

use crate::helpers::{assert_problem, spawn_app};

async fn json_of(response: reqwest::Response, status: StatusCode) -> Value {
    let got = response.status();
    let body: Value = response.json().await.expect("json");
    assert_eq!(got, status, "{body}");
    body
}

#[tokio::test]
async fn an_admin_adds_a_farm_and_a_farmer_who_then_signs_in_and_joins_a_second_farm() {
    let app = spawn_app().await;
    let admin = app.add_user("Admin", Role::Admin, None);

    let farm = json!({"name": "Walnut Grove", "village": "Jinpoluo"});
    let farm = json_of(
        app.post_json("/api/v1/farms", &farm, Some(&admin.token))
            .await,
        StatusCode::CREATED,
    )
    .await;
    let same_name = app
        .post_json(
            "/api/v1/farms",
            &json!({"name": "Walnut Grove"}),
            Some(&admin.token),
        )
        .await;
    assert_problem(same_name, StatusCode::CONFLICT).await;

    let farmer = json!({"name": "Zhao Chunmei", "role": "farmer", "farm_id": farm["id"]});
    let created = json_of(
        app.post_json("/api/v1/users", &farmer, Some(&admin.token))
            .await,
        StatusCode::CREATED,
    )
    .await;
    let token = created["token"].as_str().expect("token");
    let farms = json_of(app.get("/api/v1/farms", Some(token)).await, StatusCode::OK).await;
    assert_eq!(farms["farms"][0]["name"], "Walnut Grove");

    let second = json_of(
        app.post_json(
            "/api/v1/farms",
            &json!({"name": "Apiary"}),
            Some(&admin.token),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let path = format!(
        "/api/v1/farms/{}/members",
        second["id"].as_str().expect("id")
    );
    let member = json!({"user_id": created["id"]});
    let joined = json_of(
        app.post_json(&path, &member, Some(&admin.token)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(joined["farms"].as_array().expect("farms").len(), 2);

    let users = json_of(
        app.get("/api/v1/users", Some(&admin.token)).await,
        StatusCode::OK,
    )
    .await;
    let names: Vec<&str> = users["users"]
        .as_array()
        .expect("users")
        .iter()
        .map(|user| user["name"].as_str().expect("name"))
        .collect();
    assert_eq!(names, ["Admin", "Zhao Chunmei"]);
}

#[tokio::test]
async fn user_bodies_with_mistakes_name_every_field_at_fault() {
    let app = spawn_app().await;
    let admin = app.add_user("Admin", Role::Admin, None);
    let auditor = json!({"nmae": "Chen", "role": "owner", "farm_id": "farm-1"});
    let refused = app
        .post_json("/api/v1/users", &auditor, Some(&admin.token))
        .await;
    let problem = assert_problem(refused, StatusCode::UNPROCESSABLE_ENTITY).await;
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|error| error["field"].as_str().expect("field"))
        .collect();
    assert_eq!(fields, ["nmae", "name", "role", "farm_id"], "{problem}");

    let farm = app.add_user("Wang", Role::Farmer, Some("Chestnut Orchard"));
    let auditor_in_farm = json!({"name": "Chen", "role": "auditor", "farm_id": farm.farm_id});
    let refused = app
        .post_json("/api/v1/users", &auditor_in_farm, Some(&admin.token))
        .await;
    let problem = assert_problem(refused, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(problem["errors"][0]["field"], "farm");
}

#[tokio::test]
async fn tokens_are_listed_by_prefix_only_and_a_revoked_one_stops_at_once() {
    let app = spawn_app().await;
    let admin = app.add_user("Admin", Role::Admin, None);
    let farmer = app.add_user("Wang", Role::Farmer, Some("Chestnut Orchard"));
    let users = json_of(
        app.get("/api/v1/users", Some(&admin.token)).await,
        StatusCode::OK,
    )
    .await;
    let farmer_id = users["users"][1]["id"].as_str().expect("id").to_owned();

    let path = format!("/api/v1/users/{farmer_id}/tokens");
    let later = (now_seconds() + Duration::days(30)).to_rfc3339();
    let issued = json_of(
        app.post_json(&path, &json!({"expires_at": later}), Some(&admin.token))
            .await,
        StatusCode::CREATED,
    )
    .await;
    let second = issued["token"].as_str().expect("secret").to_owned();
    assert_eq!(issued["state"], "live");
    assert!(second.starts_with(issued["prefix"].as_str().expect("prefix")));

    let listed = app
        .get(
            &format!("/api/v1/tokens?user_id={farmer_id}"),
            Some(&admin.token),
        )
        .await
        .text()
        .await
        .expect("text");
    assert!(
        !listed.contains(&second) && !listed.contains(&farmer.token),
        "{listed}"
    );
    let listed: Value = serde_json::from_str(&listed).expect("json");
    assert_eq!(listed["tokens"].as_array().expect("tokens").len(), 2);

    let token_id = issued["id"].as_str().expect("id");
    let revoke = format!("/api/v1/tokens/{token_id}/revoke");
    let revoked = json_of(
        app.post_json(&revoke, &json!({}), Some(&admin.token)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(revoked["state"], "revoked");
    assert_problem(
        app.get("/api/v1/farms", Some(&second)).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    assert_eq!(
        app.get("/api/v1/farms", Some(&farmer.token)).await.status(),
        StatusCode::OK
    );
    let again = app.post_json(&revoke, &json!({}), Some(&admin.token)).await;
    assert_problem(again, StatusCode::CONFLICT).await;

    let past = json!({"expires_at": "2020-01-01T00:00:00Z"});
    let refused = app.post_json(&path, &past, Some(&admin.token)).await;
    let problem = assert_problem(refused, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(problem["errors"][0]["field"], "expires_at");
    let bad_user = app
        .get("/api/v1/tokens?user_id=nobody", Some(&admin.token))
        .await;
    assert_problem(bad_user, StatusCode::BAD_REQUEST).await;
}

#[tokio::test]
async fn a_token_past_its_expiry_no_longer_signs_in() {
    let app = spawn_app().await;
    app.add_user("Wang", Role::Farmer, Some("Chestnut Orchard"));
    let mut conn = app.state.pool.get().expect("connection");
    let user_id =
        zerolabel::workflow::admin::list_users(&mut conn, Operator::Console).expect("users")[0].id;
    let a_day_ago = now_seconds() - Duration::days(1);
    let issued = issue_token(
        &mut conn,
        Operator::Console,
        user_id,
        Some(a_day_ago + Duration::hours(1)),
        a_day_ago,
    )
    .expect("token issued yesterday for an hour");
    drop(conn);

    let expired = app.get("/api/v1/farms", Some(&issued.token)).await;
    assert_problem(expired, StatusCode::UNAUTHORIZED).await;
}

fn zerolabel(database: &str, args: &[&str]) -> (bool, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_zerolabel"))
        .args(args)
        .env("ZEROLABEL_DATABASE_URL", database)
        .output()
        .expect("runs");
    let stdout = String::from_utf8(output.stdout).expect("utf-8");
    (output.status.success(), stdout)
}

#[tokio::test]
async fn the_command_line_manages_farms_members_and_tokens() {
    let app = spawn_app().await;
    let database = app.database_url().to_owned();
    let (ok, farm) = zerolabel(&database, &["farms", "add", "--name", "Apiary"]);
    assert!(ok, "{farm}");
    let farm_id = farm.split_whitespace().next().expect("farm id").to_owned();
    let (ok, added) = zerolabel(
        &database,
        &["users", "add", "--name", "Zhao", "--role", "farmer"],
    );
    assert!(ok, "{added}");
    let user_id = added
        .split(['(', ')'])
        .nth(1)
        .expect("user id in parentheses")
        .to_owned();

    let (ok, joined) = zerolabel(
        &database,
        &[
            "farms",
            "add-member",
            "--farm",
            &farm_id,
            "--user",
            &user_id,
        ],
    );
    assert!(ok && joined.contains("Apiary"), "{joined}");
    let (ok, created) = zerolabel(
        &database,
        &[
            "tokens",
            "create",
            "--user",
            &user_id,
            "--expires-in-days",
            "7",
        ],
    );
    assert!(
        ok && created.contains("live") && created.contains("expires"),
        "{created}"
    );
    let secret = created.lines().last().expect("secret").trim().to_owned();
    let farms: Value = app
        .get("/api/v1/farms", Some(&secret))
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(farms["farms"][0]["name"], "Apiary");

    let (ok, listed) = zerolabel(&database, &["tokens", "list", "--user", &user_id]);
    assert!(ok && !listed.contains(&secret), "{listed}");
    assert_eq!(listed.lines().count(), 2, "{listed}");
    let token_id = created.split_whitespace().next().expect("token id");
    let (ok, revoked) = zerolabel(&database, &["tokens", "revoke", token_id]);
    assert!(ok && revoked.contains("revoked"), "{revoked}");
    assert_problem(
        app.get("/api/v1/farms", Some(&secret)).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;

    let (ok, users) = zerolabel(&database, &["users", "list"]);
    assert!(
        ok && users.contains("Zhao") && users.contains("Apiary"),
        "{users}"
    );
}

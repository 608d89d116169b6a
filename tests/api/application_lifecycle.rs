//! The whole life of an application: drafts edited with a merge patch, illegal steps refused
//! with 409, a rejected batch corrected in a new revision, and every step in the audit trail.

use reqwest::StatusCode;
use serde_json::{Value, json};
use zerolabel::accounts::Role;

use crate::helpers::{TestApp, TestUser, assert_problem, chestnut_application, spawn_app};

async fn draft(app: &TestApp, farmer: &TestUser) -> String {
    let created = app
        .create_application(farmer, &chestnut_application(farmer))
        .await;
    created["id"].as_str().expect("id").to_owned()
}

async fn json_of(response: reqwest::Response, status: StatusCode) -> Value {
    let got = response.status();
    let body: Value = response.json().await.expect("json");
    assert_eq!(got, status, "{body}");
    body
}

fn actions(history: &Value) -> Vec<&str> {
    history["events"]
        .as_array()
        .expect("events")
        .iter()
        .map(|event| event["action"].as_str().expect("action"))
        .collect()
}

#[tokio::test]
async fn a_draft_is_edited_with_a_merge_patch_and_its_footprint_recomputed() {
    let app = spawn_app().await;
    let (farmer, _) = app.farmer_and_auditor();
    let id = draft(&app, &farmer).await;
    let before: Value = app
        .get(&format!("/api/v1/applications/{id}"), Some(&farmer.token))
        .await
        .json()
        .await
        .expect("json");

    let patch = json!({"activity": {"diesel_l": 400}, "product": {"lot": null}});
    let path = format!("/api/v1/applications/{id}");
    let edited = json_of(
        app.patch_json(&path, &patch, &farmer.token).await,
        StatusCode::OK,
    )
    .await;

    assert_eq!(edited["activity"]["diesel_l"], json!(400));
    assert_eq!(edited["activity"]["area_ha"], json!(2.0));
    assert!(edited["product"].get("lot").is_none(), "{edited}");
    assert_ne!(edited["input_sha256"], before["input_sha256"]);
    assert_ne!(edited["result"], before["result"]);
    let history = json_of(app.history(&id, &farmer.token).await, StatusCode::OK).await;
    assert_eq!(actions(&history), ["created", "edited"]);
    assert_eq!(history["events"][1]["detail"], "changed: product, activity");
}

#[tokio::test]
async fn a_patch_that_breaks_a_rule_names_the_field_and_changes_nothing() {
    let app = spawn_app().await;
    let (farmer, _) = app.farmer_and_auditor();
    let id = draft(&app, &farmer).await;
    let path = format!("/api/v1/applications/{id}");

    let missing_area = json!({"activity": {"area_ha": null}});
    let refused = app.patch_json(&path, &missing_area, &farmer.token).await;
    let problem = assert_problem(refused, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(
        problem["errors"][0]["field"], "activity.area_ha",
        "{problem}"
    );

    let other_farm = json!({"farm_id": "7d0f4a9e-3c1b-4e55-9b61-0f3a2c7e9d10"});
    let refused = app.patch_json(&path, &other_farm, &farmer.token).await;
    let problem = assert_problem(refused, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(problem["errors"][0]["field"], "farm_id", "{problem}");

    let not_an_object = app.patch_json(&path, &json!([1, 2]), &farmer.token).await;
    assert_problem(not_an_object, StatusCode::UNPROCESSABLE_ENTITY).await;
    let history = json_of(app.history(&id, &farmer.token).await, StatusCode::OK).await;
    assert_eq!(actions(&history), ["created"]);
}

#[tokio::test]
async fn a_merge_patch_media_type_is_accepted_and_text_is_not() {
    let app = spawn_app().await;
    let (farmer, _) = app.farmer_and_auditor();
    let id = draft(&app, &farmer).await;
    let url = format!("{}/api/v1/applications/{id}", app.address);
    let send = |content_type: &'static str| {
        app.client
            .patch(&url)
            .bearer_auth(&farmer.token)
            .header("Content-Type", content_type)
            .body(r#"{"activity": {"diesel_l": 70}}"#)
            .send()
    };

    let merge = send("application/merge-patch+json").await.expect("sent");
    assert_eq!(merge.status(), StatusCode::OK);
    let text = send("text/plain").await.expect("sent");
    let problem = assert_problem(text, StatusCode::UNSUPPORTED_MEDIA_TYPE).await;
    assert!(
        problem["detail"]
            .as_str()
            .expect("detail")
            .contains("application/merge-patch+json"),
        "{problem}"
    );
}

#[tokio::test]
async fn only_drafts_are_edited_and_illegal_steps_answer_409_saying_why() {
    let app = spawn_app().await;
    let (farmer, auditor) = app.farmer_and_auditor();
    let id = draft(&app, &farmer).await;
    let path = format!("/api/v1/applications/{id}");
    app.act(&id, "submit", &json!({}), &farmer.token).await;

    let edit = app
        .patch_json(&path, &json!({"activity": {"diesel_l": 1}}), &farmer.token)
        .await;
    let problem = assert_problem(edit, StatusCode::CONFLICT).await;
    assert!(
        problem["detail"]
            .as_str()
            .expect("detail")
            .contains("submitted")
    );
    let again = app.act(&id, "submit", &json!({}), &farmer.token).await;
    assert_problem(again, StatusCode::CONFLICT).await;
    let revise = app.act(&id, "revise", &json!({}), &farmer.token).await;
    assert_problem(revise, StatusCode::CONFLICT).await;

    let approved = app.act(&id, "approve", &json!({}), &auditor.token).await;
    assert_eq!(approved.status(), StatusCode::OK);
    let reject = app
        .act(&id, "reject", &json!({"reason": "late"}), &auditor.token)
        .await;
    assert_problem(reject, StatusCode::CONFLICT).await;
}

#[tokio::test]
async fn a_rejected_application_is_corrected_in_a_new_revision_and_the_trail_tells_it_all() {
    let app = spawn_app().await;
    let (farmer, auditor) = app.farmer_and_auditor();
    let id = draft(&app, &farmer).await;
    app.act(&id, "submit", &json!({}), &farmer.token).await;
    let reason = json!({"reason": "the diesel figure has no invoice"});
    let rejected = app.act(&id, "reject", &reason, &auditor.token).await;
    assert_eq!(rejected.status(), StatusCode::OK);

    let resubmit = app.act(&id, "submit", &json!({}), &farmer.token).await;
    let problem = assert_problem(resubmit, StatusCode::CONFLICT).await;
    assert!(
        problem["detail"]
            .as_str()
            .expect("detail")
            .contains("revise")
    );

    let correction = json!({"activity": {"diesel_l": 55}});
    let revision = json_of(
        app.act(&id, "revise", &correction, &farmer.token).await,
        StatusCode::CREATED,
    )
    .await;
    let new_id = revision["id"].as_str().expect("id").to_owned();
    assert_ne!(new_id, id);
    assert_eq!(revision["revision"], 2);
    assert_eq!(revision["supersedes"], json!(id));
    assert_eq!(revision["status"], "draft");
    assert_eq!(revision["activity"]["diesel_l"], 55);
    let twice = app.act(&id, "revise", &json!({}), &farmer.token).await;
    assert_problem(twice, StatusCode::CONFLICT).await;

    app.act(&new_id, "submit", &json!({}), &farmer.token).await;
    let approved = app
        .act(
            &new_id,
            "approve",
            &json!({"note": "invoice seen"}),
            &auditor.token,
        )
        .await;
    assert_eq!(approved.status(), StatusCode::OK);

    let old = json_of(app.history(&id, &auditor.token).await, StatusCode::OK).await;
    assert_eq!(
        actions(&old),
        ["created", "submitted", "rejected", "revised"]
    );
    assert_eq!(
        old["events"][2]["detail"],
        "the diesel figure has no invoice"
    );
    assert_eq!(old["events"][2]["actor"]["role"], "auditor");
    assert_eq!(old["events"][2]["actor"]["name"], "Chen Jing");
    assert_eq!(old["events"][0]["actor"]["role"], "farmer");
    let new = json_of(app.history(&new_id, &auditor.token).await, StatusCode::OK).await;
    assert_eq!(actions(&new), ["created", "submitted", "approved"]);
    assert_eq!(new["events"][2]["detail"], "invoice seen");
    assert!(new["events"][2]["certificate_id"].is_string(), "{new}");
}

#[tokio::test]
async fn a_revocation_appears_in_the_history_with_its_reason() {
    let app = spawn_app().await;
    let (farmer, auditor) = app.farmer_and_auditor();
    let approved = app.issue(&farmer, &auditor).await;
    let id = approved["id"].as_str().expect("id");
    let code = approved["certificate"]["code"].as_str().expect("code");
    let revoked = app
        .post_json(
            &format!("/api/v1/certificates/{code}/revoke"),
            &json!({"reason": "mislabelled lot"}),
            Some(&auditor.token),
        )
        .await;
    assert_eq!(revoked.status(), StatusCode::OK);

    let history = json_of(app.history(id, &auditor.token).await, StatusCode::OK).await;
    assert_eq!(
        actions(&history),
        ["created", "submitted", "approved", "revoked"]
    );
    assert_eq!(history["events"][3]["detail"], "mislabelled lot");
}

#[tokio::test]
async fn the_audit_trail_cannot_be_rewritten_even_from_inside_the_database() {
    use diesel::prelude::*;
    use zerolabel::db::schema::audit_events;

    let app = spawn_app().await;
    let (farmer, _) = app.farmer_and_auditor();
    draft(&app, &farmer).await;
    let mut conn = app.state.pool.get().expect("connection");

    let update = diesel::update(audit_events::table)
        .set(audit_events::detail.eq("nothing happened"))
        .execute(&mut conn);
    assert!(update.is_err(), "an audit record was changed");
    let delete = diesel::delete(audit_events::table).execute(&mut conn);
    assert!(delete.is_err(), "an audit record was deleted");
    let left: i64 = audit_events::table
        .count()
        .get_result(&mut conn)
        .expect("count");
    assert_eq!(left, 1);
}

#[tokio::test]
async fn another_farms_farmer_sees_no_history_and_cannot_edit_or_revise() {
    let app = spawn_app().await;
    let (farmer, _) = app.farmer_and_auditor();
    let stranger = app.add_user("Li Xiuying", Role::Farmer, Some("Apple Orchard"));
    let id = draft(&app, &farmer).await;

    assert_problem(
        app.history(&id, &stranger.token).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let path = format!("/api/v1/applications/{id}");
    let edit = app
        .patch_json(
            &path,
            &json!({"activity": {"diesel_l": 1}}),
            &stranger.token,
        )
        .await;
    assert_problem(edit, StatusCode::NOT_FOUND).await;
}

#[tokio::test]
async fn auditors_read_what_was_submitted_to_them_and_not_drafts() {
    let app = spawn_app().await;
    let (farmer, auditor) = app.farmer_and_auditor();
    let draft_id = draft(&app, &farmer).await;
    let submitted_id = draft(&app, &farmer).await;
    app.act(&submitted_id, "submit", &json!({}), &farmer.token)
        .await;

    let listed = json_of(
        app.get("/api/v1/applications", Some(&auditor.token)).await,
        StatusCode::OK,
    )
    .await;
    let ids: Vec<&str> = listed["applications"]
        .as_array()
        .expect("applications")
        .iter()
        .map(|application| application["id"].as_str().expect("id"))
        .collect();
    assert_eq!(ids, [submitted_id.as_str()]);
    let drafts = app
        .get("/api/v1/applications?status=draft", Some(&auditor.token))
        .await;
    assert_eq!(
        json_of(drafts, StatusCode::OK).await["applications"],
        json!([])
    );
    let path = format!("/api/v1/applications/{draft_id}");
    assert_problem(
        app.get(&path, Some(&auditor.token)).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let approve_draft = app
        .act(&draft_id, "approve", &json!({}), &auditor.token)
        .await;
    assert_problem(approve_draft, StatusCode::CONFLICT).await;
}

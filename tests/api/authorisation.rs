//! The authorisation matrix: every endpoint, asked by no one, by the farm's own farmer, by
//! another farm's farmer, by an auditor and by an admin, answers exactly the expected status.
//! A step that changes something gets a fresh object for every caller, so that one caller's
//! success does not decide the next caller's answer. Auditors read what was submitted to them,
//! not drafts.

use reqwest::Method;
use serde_json::{Value, json};
use zerolabel::accounts::Role;

use crate::helpers::{TestApp, TestUser, chestnut_application, spawn_app};

/// Who asks.
const CALLERS: [&str; 5] = ["no token", "own farmer", "other farmer", "auditor", "admin"];

/// What an endpoint needs to exist before it is called.
#[derive(Clone, Copy)]
enum Needs {
    Nothing,
    Draft,
    Submitted,
    Approved,
    Rejected,
    Token,
}

struct Case {
    method: Method,
    /// `{app}` is replaced by the application id, `{cert}` by its certificate code, `{farm}` by
    /// the own farmer's farm, `{user}` by the own farmer's id, `{token}` by a token id.
    path: &'static str,
    body: Option<Value>,
    needs: Needs,
    /// Statuses in the order of [`CALLERS`].
    expected: [u16; 5],
}

fn case(method: Method, path: &'static str, needs: Needs, expected: [u16; 5]) -> Case {
    Case {
        method,
        path,
        body: None,
        needs,
        expected,
    }
}

fn with_body(mut case: Case, body: Value) -> Case {
    case.body = Some(body);
    case
}

struct World {
    farmer: TestUser,
    other: TestUser,
    auditor: TestUser,
    admin: TestUser,
}

impl World {
    fn token(&self, caller: usize) -> Option<&str> {
        match caller {
            1 => Some(&self.farmer.token),
            2 => Some(&self.other.token),
            3 => Some(&self.auditor.token),
            4 => Some(&self.admin.token),
            _ => None,
        }
    }
}

/// The object a case needs, made fresh: (application id, certificate code, token id).
async fn prepare(app: &TestApp, world: &World, needs: Needs) -> (String, String, String) {
    let body = chestnut_application(&world.farmer);
    let mut ids = (String::new(), String::new(), String::new());
    if matches!(needs, Needs::Nothing | Needs::Token) {
        if matches!(needs, Needs::Token) {
            let path = format!("/api/v1/users/{}/tokens", world.farmer.id);
            let issued: Value = app
                .post_json(&path, &json!({}), Some(&world.admin.token))
                .await
                .json()
                .await
                .expect("token");
            ids.2 = issued["id"].as_str().expect("token id").to_owned();
        }
        return ids;
    }
    let created = app.create_application(&world.farmer, &body).await;
    ids.0 = created["id"].as_str().expect("id").to_owned();
    if matches!(needs, Needs::Draft) {
        return ids;
    }
    app.act(&ids.0, "submit", &json!({}), &world.farmer.token)
        .await;
    match needs {
        Needs::Approved => {
            let approved: Value = app
                .act(&ids.0, "approve", &json!({}), &world.auditor.token)
                .await
                .json()
                .await
                .expect("approved");
            ids.1 = approved["certificate"]["code"]
                .as_str()
                .expect("code")
                .to_owned();
        }
        Needs::Rejected => {
            let reason = json!({"reason": "no invoices"});
            app.act(&ids.0, "reject", &reason, &world.auditor.token)
                .await;
        }
        _ => {}
    }
    ids
}

fn cases() -> Vec<Case> {
    use Needs::*;
    let get = Method::GET;
    let post = Method::POST;
    let reason = json!({"reason": "a reason"});
    vec![
        with_body(
            case(
                post.clone(),
                "/api/v1/footprints/calculate",
                Nothing,
                [200; 5],
            ),
            json!({"crop": "chestnut", "area_ha": 1, "yield_kg": 1000}),
        ),
        case(get.clone(), "/api/v1/methodology", Nothing, [200; 5]),
        case(get.clone(), "/.well-known/did.json", Nothing, [200; 5]),
        case(get.clone(), "/healthz", Nothing, [200; 5]),
        case(get.clone(), "/log/checkpoint", Nothing, [200; 5]),
        case(
            get.clone(),
            "/api/v1/farms",
            Nothing,
            [401, 200, 200, 200, 200],
        ),
        with_body(
            case(
                post.clone(),
                "/api/v1/farms",
                Nothing,
                [401, 403, 403, 403, 201],
            ),
            json!({"name": "New Farm"}),
        ),
        with_body(
            case(
                post.clone(),
                "/api/v1/farms/{farm}/members",
                Nothing,
                [401, 403, 403, 403, 200],
            ),
            json!({"user_id": "{user}"}),
        ),
        case(
            get.clone(),
            "/api/v1/users",
            Nothing,
            [401, 403, 403, 403, 200],
        ),
        with_body(
            case(
                post.clone(),
                "/api/v1/users",
                Nothing,
                [401, 403, 403, 403, 201],
            ),
            json!({"name": "Someone", "role": "auditor"}),
        ),
        case(
            post.clone(),
            "/api/v1/users/{user}/tokens",
            Nothing,
            [401, 403, 403, 403, 201],
        ),
        case(
            get.clone(),
            "/api/v1/tokens",
            Nothing,
            [401, 403, 403, 403, 200],
        ),
        case(
            post.clone(),
            "/api/v1/tokens/{token}/revoke",
            Token,
            [401, 403, 403, 403, 200],
        ),
        with_body(
            case(
                post.clone(),
                "/api/v1/applications",
                Nothing,
                [401, 201, 403, 403, 403],
            ),
            json!("{application}"),
        ),
        case(
            get.clone(),
            "/api/v1/applications",
            Nothing,
            [401, 200, 200, 200, 200],
        ),
        case(
            get.clone(),
            "/api/v1/applications/{app}",
            Draft,
            [401, 200, 404, 404, 200],
        ),
        case(
            get.clone(),
            "/api/v1/applications/{app}",
            Submitted,
            [401, 200, 404, 200, 200],
        ),
        case(
            get.clone(),
            "/api/v1/applications/{app}/history",
            Submitted,
            [401, 200, 404, 200, 200],
        ),
        case(
            get.clone(),
            "/api/v1/applications/{app}/evidence",
            Submitted,
            [401, 200, 404, 200, 200],
        ),
        case(
            get.clone(),
            "/api/v1/applications/{app}/evidence",
            Draft,
            [401, 200, 404, 404, 200],
        ),
        case(
            get.clone(),
            "/api/v1/applications/{app}/history",
            Draft,
            [401, 200, 404, 404, 200],
        ),
        with_body(
            case(
                Method::PATCH,
                "/api/v1/applications/{app}",
                Draft,
                [401, 200, 404, 403, 403],
            ),
            json!({"activity": {"diesel_l": 50}}),
        ),
        case(
            post.clone(),
            "/api/v1/applications/{app}/submit",
            Draft,
            [401, 200, 404, 403, 403],
        ),
        case(
            post.clone(),
            "/api/v1/applications/{app}/approve",
            Submitted,
            [401, 403, 403, 200, 403],
        ),
        with_body(
            case(
                post.clone(),
                "/api/v1/applications/{app}/reject",
                Submitted,
                [401, 403, 403, 200, 403],
            ),
            reason.clone(),
        ),
        case(
            post.clone(),
            "/api/v1/applications/{app}/evidence?kind=invoice&name=a.pdf",
            Draft,
            [401, 201, 404, 403, 403],
        ),
        case(
            post.clone(),
            "/api/v1/applications/{app}/revise",
            Rejected,
            [401, 201, 404, 403, 403],
        ),
        with_body(
            case(
                post.clone(),
                "/api/v1/certificates/{cert}/revoke",
                Approved,
                [401, 403, 403, 200, 403],
            ),
            reason,
        ),
        case(
            get.clone(),
            "/api/v1/certificates/{cert}",
            Approved,
            [200; 5],
        ),
        case(
            get.clone(),
            "/api/v1/certificates/{cert}/qr.svg",
            Approved,
            [200; 5],
        ),
        case(get.clone(), "/v/{cert}", Approved, [200; 5]),
    ]
}

/// Uploads a small PDF as evidence (the one endpoint whose body is not JSON).
async fn send_pdf(app: &TestApp, path: &str, token: Option<&str>) -> reqwest::Response {
    let mut request = app
        .client
        .post(format!("{}{path}", app.address))
        .header("Content-Type", "application/pdf")
        .body(&b"%PDF-1.7\n%%EOF\n"[..]);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.expect("sent")
}

fn fill(text: &str, world: &World, ids: &(String, String, String)) -> String {
    text.replace("{app}", &ids.0)
        .replace("{cert}", &ids.1)
        .replace("{token}", &ids.2)
        .replace(
            "{farm}",
            world.farmer.farm_id.as_deref().unwrap_or_default(),
        )
        .replace("{user}", &world.farmer.id)
}

#[tokio::test]
async fn every_endpoint_answers_every_role_exactly_as_the_matrix_says() {
    let app = spawn_app().await;
    let world = World {
        farmer: app.add_user("Wang Jianguo", Role::Farmer, Some("Chestnut Orchard")),
        other: app.add_user("Li Xiuying", Role::Farmer, Some("Apple Orchard")),
        auditor: app.add_user("Chen Jing", Role::Auditor, None),
        admin: app.add_user("Admin", Role::Admin, None),
    };
    let mut mismatches = Vec::new();

    for (row, case) in cases().into_iter().enumerate() {
        for (caller, expected) in case.expected.iter().enumerate() {
            let ids = prepare(&app, &world, case.needs).await;
            let path = fill(case.path, &world, &ids);
            let body = case.body.as_ref().map(|body| match body {
                Value::String(marker) if marker == "{application}" => {
                    chestnut_application(&world.farmer)
                }
                Value::Object(_) => {
                    let mut text = fill(&body.to_string(), &world, &ids);
                    if case.path == "/api/v1/farms" || case.path == "/api/v1/users" {
                        text = text.replace("New Farm", &format!("New Farm {row}-{caller}"));
                    }
                    serde_json::from_str(&text).expect("body")
                }
                other => other.clone(),
            });
            let response = if case.path.contains("/evidence?") {
                send_pdf(&app, &path, world.token(caller)).await
            } else {
                app.send(
                    case.method.clone(),
                    &path,
                    world.token(caller),
                    body.as_ref(),
                )
                .await
            };
            let status = response.status();
            if status.as_u16() != *expected {
                let text = response.text().await.unwrap_or_default();
                mismatches.push(format!(
                    "{} {path} as {}: expected {expected}, got {status}: {text}",
                    case.method, CALLERS[caller]
                ));
            } else if status.is_client_error() {
                let content_type = response.headers()["content-type"].clone();
                assert!(
                    content_type
                        .to_str()
                        .expect("ascii")
                        .starts_with("application/problem+json"),
                    "{} {path} as {}: {content_type:?}",
                    case.method,
                    CALLERS[caller]
                );
            }
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}

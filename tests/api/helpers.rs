//! `TestApp`: a running service with its own folder, and a method per endpoint.

use std::path::PathBuf;

pub use crate::database::TestDatabase;

use reqwest::{Client, Response, StatusCode};
use serde_json::{Value, json};
use tempfile::TempDir;
use zerolabel::accounts::Role;
use zerolabel::config::Settings;
use zerolabel::db::DbPool;
use zerolabel::http::AppState;
use zerolabel::startup::Application;
use zerolabel::tlog::{self, Checkpoint};
use zerolabel::workflow::now_seconds;
use zerolabel::workflow::users::{FarmSpec, create_user};

/// A service running on a free port over a fresh SQLite file and keys folder.
pub struct TestApp {
    /// `http://127.0.0.1:PORT`.
    pub address: String,
    /// The service's state, to reach the database directly.
    pub state: AppState,
    /// HTTP client.
    pub client: Client,
    /// The database (dropped when the test ends; declared before `folder`, which holds it on
    /// SQLite).
    pub database: TestDatabase,
    /// The folder holding the keys, and the database on SQLite; removed when the test ends.
    pub folder: TempDir,
}

/// A user created through the library, with the token it signs in with.
pub struct TestUser {
    /// User id.
    pub id: String,
    /// Bearer token.
    pub token: String,
    /// The farm of a farmer.
    pub farm_id: Option<String>,
}

/// Starts the real server on port 0, over a fresh database of the backend under test.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// Starts the real server on port 0 with settings changed by `configure`.
pub async fn spawn_app_with(configure: impl FnOnce(&mut Settings)) -> TestApp {
    let folder = tempfile::tempdir().expect("temp folder");
    let database = TestDatabase::create(folder.path(), "zerolabel.sqlite3");
    let mut settings = Settings::in_folder(folder.path(), "127.0.0.1:0");
    settings.database_url = database.url.clone();
    configure(&mut settings);
    let application = Application::build(&settings).expect("application builds");
    let address = format!("http://127.0.0.1:{}", application.port());
    let state = application.state().clone();
    tokio::spawn(application.run_until_stopped());

    TestApp {
        address,
        state,
        client: Client::new(),
        database,
        folder,
    }
}

impl TestApp {
    /// The URL of this app's database, as `ZEROLABEL_DATABASE_URL` takes it.
    pub fn database_url(&self) -> &str {
        &self.database.url
    }

    /// Creates a user through the library, as `zerolabel users add` does.
    pub fn add_user(&self, name: &str, role: Role, farm: Option<&str>) -> TestUser {
        add_user_to(&self.state.pool, name, role, farm)
    }

    /// A farmer with a farm, and an auditor.
    pub fn farmer_and_auditor(&self) -> (TestUser, TestUser) {
        let farmer = self.add_user("Wang Jianguo", Role::Farmer, Some("Chestnut Orchard"));
        let auditor = self.add_user("Chen Jing", Role::Auditor, None);
        (farmer, auditor)
    }

    /// `POST {path}` with a JSON body and optional token.
    pub async fn post_json(&self, path: &str, body: &Value, token: Option<&str>) -> Response {
        let mut request = self
            .client
            .post(format!("{}{path}", self.address))
            .json(body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send().await.expect("request sent")
    }

    /// `POST {path}` with raw bytes and a content type.
    pub async fn post_raw(&self, path: &str, body: &str, content_type: &str) -> Response {
        self.client
            .post(format!("{}{path}", self.address))
            .header("Content-Type", content_type)
            .body(body.to_owned())
            .send()
            .await
            .expect("request sent")
    }

    /// `PATCH {path}` with a JSON body and a token.
    pub async fn patch_json(&self, path: &str, body: &Value, token: &str) -> Response {
        self.client
            .patch(format!("{}{path}", self.address))
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .expect("request sent")
    }

    /// `GET /api/v1/applications/{id}/history`.
    pub async fn history(&self, id: &str, token: &str) -> Response {
        self.get(&format!("/api/v1/applications/{id}/history"), Some(token))
            .await
    }

    /// Any method on `path` with an optional token and an optional JSON body.
    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> Response {
        let mut request = self
            .client
            .request(method, format!("{}{path}", self.address));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        request.send().await.expect("request sent")
    }

    /// `GET {path}` with optional token.
    pub async fn get(&self, path: &str, token: Option<&str>) -> Response {
        let mut request = self.client.get(format!("{}{path}", self.address));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send().await.expect("request sent")
    }

    /// `GET` a full URL asking for JSON.
    pub async fn get_json_url(&self, url: &str) -> Response {
        self.client
            .get(url)
            .header("Accept", "application/json")
            .send()
            .await
            .expect("sent")
    }

    /// `POST /api/v1/footprints/calculate`.
    pub async fn calculate(&self, body: &Value) -> Response {
        self.post_json("/api/v1/footprints/calculate", body, None)
            .await
    }

    /// Creates a draft application and returns its JSON.
    pub async fn create_application(&self, farmer: &TestUser, body: &Value) -> Value {
        let response = self
            .post_json("/api/v1/applications", body, Some(&farmer.token))
            .await;
        assert_eq!(
            response.status(),
            StatusCode::CREATED,
            "create: {:?}",
            response.text().await
        );
        response.json().await.expect("json")
    }

    /// `POST /api/v1/applications/{id}/{action}`.
    pub async fn act(&self, id: &str, action: &str, body: &Value, token: &str) -> Response {
        self.post_json(
            &format!("/api/v1/applications/{id}/{action}"),
            body,
            Some(token),
        )
        .await
    }

    /// The signed certificate of an approved application, as the service serves it.
    pub async fn certificate_of(&self, approved: &Value) -> Value {
        let id = approved["certificate"]["id"]
            .as_str()
            .expect("certificate id");
        self.get(&format!("/api/v1/certificates/{id}"), None)
            .await
            .json()
            .await
            .expect("certificate JSON")
    }

    /// The issuer's did.json, as served.
    pub async fn did_document(&self) -> String {
        self.get("/.well-known/did.json", None)
            .await
            .text()
            .await
            .expect("did.json")
    }

    /// The key the service signs with now.
    pub fn active_issuer_key(&self) -> zerolabel::keys::IssuerKey {
        let mut conn = self.state.pool.get().expect("connection");
        zerolabel::workflow::keys::active_signing_key(&mut conn, &self.state.issuing.keys)
            .expect("the active key")
    }

    /// Issues `count` certificates straight through the workflow, as `zerolabel bench-seed`
    /// does, reporting progress every `batch`.
    pub fn seed(
        &self,
        count: usize,
        batch: usize,
        progress: impl FnMut(usize),
    ) -> zerolabel::benchmark::SeedSummary {
        let mut conn = self.state.pool.get().expect("connection");
        zerolabel::benchmark::seed_certificates(
            &mut conn,
            &self.state.issuing,
            count,
            batch,
            progress,
        )
        .expect("seeded")
    }

    /// Creates, submits and approves an application; returns the approved application JSON.
    pub async fn issue(&self, farmer: &TestUser, auditor: &TestUser) -> Value {
        let application = chestnut_application(farmer);
        self.issue_with(farmer, auditor, &application, &json!({}))
            .await
    }

    /// Creates, submits and approves `application` with the auditor's `approval` body (e.g. a
    /// past validity window); returns the approved application JSON.
    pub async fn issue_with(
        &self,
        farmer: &TestUser,
        auditor: &TestUser,
        application: &Value,
        approval: &Value,
    ) -> Value {
        let created = self.create_application(farmer, application).await;
        let id = created["id"].as_str().expect("id").to_owned();
        let submitted = self.act(&id, "submit", &json!({}), &farmer.token).await;
        assert_eq!(submitted.status(), StatusCode::OK);
        let approved = self.act(&id, "approve", approval, &auditor.token).await;
        assert_eq!(
            approved.status(),
            StatusCode::OK,
            "approve: {:?}",
            approved.text().await
        );
        approved.json().await.expect("json")
    }
}

/// Creates a user in the database behind `pool`, with a farm in Jinpoluo when `farm` is named.
pub fn add_user_to(pool: &DbPool, name: &str, role: Role, farm: Option<&str>) -> TestUser {
    let spec = farm.map(|name| FarmSpec {
        name: name.to_owned(),
        village: "Jinpoluo".to_owned(),
        region: "Miyun District, Beijing".to_owned(),
    });
    let mut conn = pool.get().expect("connection");
    let created = create_user(&mut conn, name, role, spec.as_ref(), now_seconds()).expect("user");
    TestUser {
        id: created.actor.id.to_string(),
        token: created.token,
        farm_id: created.farm_id.map(|id| id.to_string()),
    }
}

/// Verifies a checkpoint with one of the note verifier keys did.json publishes.
pub fn checkpoint_of(did: &Value, note: &str) -> Result<Checkpoint, String> {
    let service = &did["service"][0];
    let origin = service["origin"]
        .as_str()
        .ok_or("did.json has no log origin")?;
    let keys = service["noteVerifierKeys"]
        .as_array()
        .ok_or("did.json has no note verifier keys")?;
    keys.iter()
        .filter_map(Value::as_str)
        .filter_map(|text| tlog::parse_verifier_key(text).ok())
        .find_map(|verifier| tlog::verify_checkpoint(note, &verifier, origin).ok())
        .ok_or_else(|| "no published note key verifies the checkpoint".to_owned())
}

/// A realistic chestnut application for `farmer`'s farm.
pub fn chestnut_application(farmer: &TestUser) -> Value {
    json!({
        "farm_id": farmer.farm_id.clone().expect("farmer has a farm"),
        "product": {"name": "Jinpoluo chestnuts", "crop": "chestnut", "lot": "2026-CH-01"},
        "harvest": {"start": "2026-09-05", "end": "2026-09-30"},
        "activity": {
            "crop": "chestnut", "area_ha": 2.0, "yield_kg": 3600,
            "organic_n_kg": 90, "crop_residue_n_kg": 20, "diesel_l": 60, "electricity_kwh": 150
        }
    })
}

/// Asserts a problem+json response with this status, returning its body.
pub async fn assert_problem(response: Response, status: StatusCode) -> Value {
    assert_eq!(response.status(), status);
    let content_type = response.headers()["content-type"]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert!(
        content_type.starts_with("application/problem+json"),
        "got {content_type}"
    );
    let body: Value = response.json().await.expect("problem body is JSON");
    assert_eq!(body["status"], json!(status.as_u16()));
    body
}

/// Path of the shared reference folder beside the checkout.
pub fn shared_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared")
}

impl TestApp {
    /// `GET /api/v1/certificates/{id}/{file}` (`qr.png?px=4`, `label.pdf`, `labels.pdf?count=3`).
    pub async fn drawing(&self, id: &str, file: &str) -> Response {
        self.get(&format!("/api/v1/certificates/{id}/{file}"), None)
            .await
    }

    /// `POST /api/v1/certificates/{id}/revoke` by an auditor.
    pub async fn revoke(&self, id: &str, auditor: &TestUser, reason: &str) -> Response {
        let path = format!("/api/v1/certificates/{id}/revoke");
        self.post_json(&path, &json!({ "reason": reason }), Some(&auditor.token))
            .await
    }

    /// `GET` the buyer page at `url` (as a phone sends it) in `language`.
    pub async fn buyer_page(&self, url: &str, language: &str) -> Response {
        self.client
            .get(url)
            .header("Accept-Language", language)
            .send()
            .await
            .expect("sent")
    }
}

/// The printed code of the certificate with id `certificate_id`.
pub fn code_of(certificate_id: &str) -> String {
    let uuid = uuid::Uuid::parse_str(certificate_id).expect("a certificate id is a UUID");
    zerolabel::certificate::CertificateCode::from_uuid(uuid).to_string()
}

/// Whether an external program (chromium, pdfinfo) can be run. Missing in CI (`CI=true`) is a
/// failure; on a developer's machine the caller skips with a message naming the package.
pub fn program_available(program: &str, package: &str) -> bool {
    let runs = std::process::Command::new(program)
        .arg("--version")
        .output()
        .is_ok();
    if !runs {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "{program} is missing in CI: install {package} (.ci/run does)"
        );
        eprintln!("SKIPPED: {program} is not installed; install {package} to run this test");
    }
    runs
}

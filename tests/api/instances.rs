//! Several stateless instances over one database, as operators run them behind a load balancer:
//! approvals through both at once must leave one log, every checkpoint consistent with the one
//! before, and every certificate with exactly one issuance leaf and its own status entry.

use std::collections::HashSet;

use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use tokio::task::JoinSet;
use zerolabel::accounts::Role;
use zerolabel::config::Settings;
use zerolabel::startup::Application;
use zerolabel::tlog::{Checkpoint, ConsistencyProof};

use crate::helpers::{TestDatabase, TestUser, add_user_to, checkpoint_of, chestnut_application};

/// Applications approved through the two instances together.
const APPLICATIONS: usize = 40;

/// One running instance.
struct Instance {
    address: String,
    client: Client,
}

impl Instance {
    async fn get_json(&self, path: &str) -> Value {
        let response = self
            .client
            .get(format!("{}{path}", self.address))
            .send()
            .await
            .expect("GET answered");
        assert_eq!(response.status(), StatusCode::OK, "GET {path}");
        response.json().await.expect("JSON")
    }

    async fn post(&self, path: &str, body: &Value, token: &str) -> reqwest::Response {
        self.client
            .post(format!("{}{path}", self.address))
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .expect("POST answered")
    }

    async fn checkpoint(&self) -> String {
        let response = self
            .client
            .get(format!("{}/log/checkpoint", self.address))
            .send()
            .await
            .expect("checkpoint answered");
        response.text().await.expect("checkpoint text")
    }
}

/// Starts an instance over the shared database and keys, behind one public address.
fn start_instance(folder: &std::path::Path, database: &TestDatabase) -> Instance {
    let mut settings = Settings::in_folder(folder, "127.0.0.1:0");
    settings.database_url = database.url.clone();
    settings.public_base_url = Some("https://labels.example.cn".to_owned());
    let application = Application::build(&settings).expect("instance builds");
    let address = format!("http://127.0.0.1:{}", application.port());
    tokio::spawn(application.run_until_stopped());
    Instance {
        address,
        client: Client::new(),
    }
}

fn verified(note: &str, did: &Value) -> Checkpoint {
    checkpoint_of(did, note).unwrap_or_else(|why| panic!("{why}:\n{note}"))
}

async fn assert_extends(instance: &Instance, older: &Checkpoint, newer: &Checkpoint) {
    assert!(newer.size >= older.size, "the log shrank");
    let path = format!(
        "/log/proof/consistency?from={}&to={}",
        older.size, newer.size
    );
    let proof: ConsistencyProof =
        serde_json::from_value(instance.get_json(&path).await).expect("consistency proof");
    proof
        .verify(&older.root, &newer.root)
        .expect("each checkpoint extends the one before");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_instances_over_one_database_keep_one_consistent_log() {
    let folder = tempfile::tempdir().expect("temp folder");
    let database = TestDatabase::create(folder.path(), "shared.sqlite3");
    let instances = [
        start_instance(folder.path(), &database),
        start_instance(folder.path(), &database),
    ];
    let (farmer, auditor) = accounts(&database);

    let mut applications = Vec::new();
    for round in 0..APPLICATIONS {
        let instance = &instances[round % 2];
        let created: Value = instance
            .post(
                "/api/v1/applications",
                &chestnut_application(&farmer),
                &farmer.token,
            )
            .await
            .json()
            .await
            .expect("created");
        let id = created["id"].as_str().expect("id").to_owned();
        let submitted = instance
            .post(
                &format!("/api/v1/applications/{id}/submit"),
                &json!({}),
                &farmer.token,
            )
            .await;
        assert_eq!(submitted.status(), StatusCode::OK);
        applications.push(id);
    }

    let [first, second] = instances;
    let instances = std::sync::Arc::new([first, second]);
    let mut approvals = JoinSet::new();
    for (position, id) in applications.into_iter().enumerate() {
        let instances = instances.clone();
        let token = auditor.clone();
        approvals.spawn(async move {
            let instance = &instances[position % 2];
            let path = format!("/api/v1/applications/{id}/approve");
            let answer = instance.post(&path, &json!({}), &token).await;
            let status = answer.status();
            let checkpoint = instance.checkpoint().await;
            (status, checkpoint)
        });
    }
    let mut notes = Vec::new();
    while let Some(outcome) = approvals.join_next().await {
        let (status, checkpoint) = outcome.expect("approval task");
        assert_eq!(status, StatusCode::OK, "every approval goes through");
        notes.push(checkpoint);
    }

    let did = instances[0].get_json("/.well-known/did.json").await;
    assert_eq!(
        did,
        instances[1].get_json("/.well-known/did.json").await,
        "one issuer"
    );
    let mut checkpoints: Vec<Checkpoint> = notes.iter().map(|n| verified(n, &did)).collect();
    checkpoints.sort_by_key(|checkpoint| checkpoint.size);
    for pair in checkpoints.windows(2) {
        assert_extends(&instances[0], &pair[0], &pair[1]).await;
        assert_extends(&instances[1], &pair[0], &pair[1]).await;
    }

    let last = verified(&instances[1].checkpoint().await, &did);
    let entries = instances[0]
        .get_json(&format!("/log/entries?start=0&limit={}", last.size))
        .await;
    assert_one_leaf_per_certificate(&instances[0], &entries, APPLICATIONS).await;
}

/// A farmer and an auditor created through the library, as `zerolabel users add` does.
fn accounts(database: &TestDatabase) -> (TestUser, String) {
    let pool = zerolabel::startup::open_database(&database.url).expect("shared database");
    let farmer = add_user_to(
        &pool,
        "Wang Jianguo",
        Role::Farmer,
        Some("Chestnut Orchard"),
    );
    let auditor = add_user_to(&pool, "Chen Jing", Role::Auditor, None);
    (farmer, auditor.token)
}

async fn assert_one_leaf_per_certificate(instance: &Instance, entries: &Value, expected: usize) {
    let issued: Vec<&Value> = entries["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .filter(|entry| entry["kind"] == "issuance")
        .collect();
    let certificates: HashSet<&str> = issued
        .iter()
        .map(|entry| entry["certificate_id"].as_str().expect("certificate id"))
        .collect();
    assert_eq!(issued.len(), expected, "one issuance leaf per approval");
    assert_eq!(certificates.len(), expected, "no certificate logged twice");

    let mut status_entries = HashSet::new();
    for id in certificates {
        let document = instance
            .get_json(&format!("/api/v1/certificates/{id}"))
            .await;
        let status = &document["credentialStatus"];
        let held = (
            status["statusListCredential"].to_string(),
            status["statusListIndex"].to_string(),
        );
        assert!(status_entries.insert(held), "{id} shares a status entry");
    }
}

//! Crash safety: the real binary is killed with SIGKILL while approvals run concurrently, then
//! started again on the same files, several times over. Everything it acknowledged must be there
//! and whole (the certificate, its log leaf, its status entry), nothing may be half-written, the
//! log after each restart must extend the last checkpoint served before the kill, and the
//! approvals left undone must go through afterwards.
//!
//! Each round kills a few milliseconds later after its trigger than the one before, so the kills
//! land at different points of an approval's transaction rather than always just after an answer.

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use tempfile::TempDir;
use tokio::task::JoinSet;
use zerolabel::certificate::issuance_leaf_of;
use zerolabel::certificate::offline::{Evidence, verify_offline};
use zerolabel::status::revoked_in;
use zerolabel::tlog::{self, Checkpoint, ConsistencyProof, InclusionProof};

use crate::helpers::{TestDatabase, TestUser, chestnut_application};

/// Submitted applications waiting for approval when the approvals start.
const APPLICATIONS: usize = 80;
/// Kill and restart cycles.
const KILL_ROUNDS: u64 = 6;
/// Each round kills this much later after its trigger than the one before.
const KILL_DELAY_STEP_MS: u64 = 3;
/// Approvals sent at the same time.
const CONCURRENT_APPROVALS: usize = 12;
/// The last checkpoint before the kill is fetched once this many approvals are acknowledged.
const CHECKPOINT_AFTER_ACKNOWLEDGED: usize = 4;
/// The server is killed once this many more are acknowledged after the checkpoint came back, so
/// the log has grown past the saved checkpoint and the consistency proof is not an empty one.
const MORE_ACKNOWLEDGED_BEFORE_KILL: usize = 2;
/// Longest wait for the server to say it is listening.
const START_TIMEOUT: Duration = Duration::from_secs(15);
/// Longest wait for the first acknowledgements before the kill.
const ACKNOWLEDGEMENT_TIMEOUT: Duration = Duration::from_secs(20);
/// Longest wait for any single request.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// Largest page `/log/entries` returns.
const LOG_PAGE: usize = 1_000;

/// `zerolabel serve` as a child process over a folder; killed when dropped.
struct Server {
    child: Child,
    address: String,
    client: Client,
}

impl Server {
    /// Starts the binary on `bind` and waits until it logs the address it listens on.
    async fn start(folder: &Path, database_url: &str, bind: &str, log_name: &str) -> Server {
        let log_path = folder.join(log_name);
        let log = File::create(&log_path).expect("server log file");
        let mut child = zerolabel_in(folder, database_url)
            .args(["serve", "--bind", bind])
            .env("RUST_LOG", "info")
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("zerolabel serve starts");

        let port = wait_until_listening(&mut child, &log_path).await;
        let client = Client::builder()
            .timeout(REQUEST_TIMEOUT)
            .build()
            .expect("HTTP client");
        Server {
            child,
            address: format!("http://127.0.0.1:{port}"),
            client,
        }
    }

    /// The port the server listens on.
    fn port(&self) -> u16 {
        let port = self.address.rsplit(':').next().expect("address has a port");
        port.parse().expect("port is a number")
    }

    /// Sends SIGKILL (what `Child::kill` does on Unix) and reaps the process.
    fn kill(mut self) {
        self.child.kill().expect("SIGKILL sent");
        self.child.wait().expect("killed server reaped");
    }

    async fn get(&self, path: &str, token: Option<&str>) -> reqwest::Response {
        let mut request = self
            .client
            .get(format!("{}{path}", self.address))
            .header("Accept", "application/json");
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send().await.expect("GET answered")
    }

    async fn get_json(&self, path: &str, token: Option<&str>) -> Value {
        let response = self.get(path, token).await;
        let status = response.status();
        let body = response.text().await.expect("body");
        assert_eq!(status, StatusCode::OK, "GET {path}: {body}");
        serde_json::from_str(&body).unwrap_or_else(|e| panic!("GET {path}: {e}: {body}"))
    }

    async fn get_text(&self, path: &str) -> String {
        let response = self.get(path, None).await;
        assert_eq!(response.status(), StatusCode::OK, "GET {path}");
        response.text().await.expect("body")
    }

    async fn post_json(&self, path: &str, body: &Value, token: &str) -> reqwest::Response {
        self.client
            .post(format!("{}{path}", self.address))
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .expect("POST answered")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn zerolabel_in(folder: &Path, database_url: &str) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_zerolabel"));
    command
        .env("ZEROLABEL_DATABASE_URL", database_url)
        .env("ZEROLABEL_KEYS_DIR", folder.join("keys"))
        .env("NO_COLOR", "1");
    command
}

/// Polls the server's log for "zerolabel is listening" and reads the port of its base URL.
async fn wait_until_listening(child: &mut Child, log_path: &Path) -> u16 {
    let deadline = Instant::now() + START_TIMEOUT;
    while Instant::now() < deadline {
        let log = std::fs::read_to_string(log_path).unwrap_or_default();
        if let Some(port) = listening_port(&log) {
            return port;
        }
        if let Some(status) = child.try_wait().expect("child status") {
            panic!("zerolabel serve exited with {status} before listening:\n{log}");
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let log = std::fs::read_to_string(log_path).unwrap_or_default();
    panic!("zerolabel serve did not listen within {START_TIMEOUT:?}:\n{log}");
}

/// The port in the public base URL of the "listening" line (binding to 127.0.0.1 with no base
/// URL configured, the server logs `public_base_url=http://127.0.0.1:PORT`).
fn listening_port(log: &str) -> Option<u16> {
    let line = log
        .lines()
        .find(|line| line.contains("zerolabel is listening"))?;
    let after = line.split("http://127.0.0.1:").nth(1)?;
    let digits: String = after.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// Creates an account with `zerolabel users add`; the last line printed is its token.
fn add_user(
    folder: &Path,
    database_url: &str,
    name: &str,
    role: &str,
    farm: Option<&str>,
) -> String {
    let mut command = zerolabel_in(folder, database_url);
    command.args(["users", "add", "--name", name, "--role", role]);
    if let Some(farm) = farm {
        command.args(["--farm", farm]);
    }
    let output = command.output().expect("users add runs");
    assert!(
        output.status.success(),
        "users add: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8(output.stdout).expect("UTF-8");
    stdout.lines().last().expect("token line").trim().to_owned()
}

/// Creates and submits `count` applications; returns their ids.
async fn submitted_applications(server: &Server, farmer: &TestUser, count: usize) -> Vec<String> {
    let mut ids = Vec::with_capacity(count);
    for _ in 0..count {
        let created = server
            .post_json(
                "/api/v1/applications",
                &chestnut_application(farmer),
                &farmer.token,
            )
            .await;
        assert_eq!(created.status(), StatusCode::CREATED);
        let created: Value = created.json().await.expect("JSON");
        let id = created["id"].as_str().expect("id").to_owned();

        let path = format!("/api/v1/applications/{id}/submit");
        let submitted = server.post_json(&path, &json!({}), &farmer.token).await;
        assert_eq!(submitted.status(), StatusCode::OK);
        ids.push(id);
    }
    ids
}

/// How one approval ended.
#[derive(Debug)]
enum Outcome {
    /// A 2xx answer naming the certificate issued.
    Acknowledged {
        certificate_id: String,
        code: String,
    },
    /// An answer other than 2xx.
    Refused { status: StatusCode, body: String },
    /// No answer: the request was in flight when the server died.
    Unanswered,
}

/// What the approval workers share.
struct ApprovalRun {
    address: String,
    token: String,
    client: Client,
    queue: Mutex<Vec<String>>,
    stop: AtomicBool,
    acknowledged: AtomicUsize,
    answered_or_lost: AtomicUsize,
}

impl ApprovalRun {
    /// Takes applications from the queue and approves them one at a time, until the queue is
    /// empty or the run is stopped.
    async fn work(self: Arc<Self>) -> Vec<(String, Outcome)> {
        let mut outcomes = Vec::new();
        while !self.stop.load(Ordering::SeqCst) {
            let next = self.queue.lock().expect("queue").pop();
            let Some(id) = next else { break };
            let outcome = self.approve(&id).await;
            if matches!(outcome, Outcome::Acknowledged { .. }) {
                self.acknowledged.fetch_add(1, Ordering::SeqCst);
            }
            self.answered_or_lost.fetch_add(1, Ordering::SeqCst);
            outcomes.push((id, outcome));
        }
        outcomes
    }

    async fn approve(&self, id: &str) -> Outcome {
        let url = format!("{}/api/v1/applications/{id}/approve", self.address);
        let sent = self
            .client
            .post(url)
            .bearer_auth(&self.token)
            .json(&json!({}))
            .send()
            .await;
        let Ok(response) = sent else {
            return Outcome::Unanswered;
        };
        let status = response.status();
        let Ok(body) = response.text().await else {
            return Outcome::Unanswered;
        };
        if !status.is_success() {
            return Outcome::Refused { status, body };
        }
        let view: Value = serde_json::from_str(&body).expect("approval answer is JSON");
        Outcome::Acknowledged {
            certificate_id: view["certificate"]["id"]
                .as_str()
                .expect("acknowledged approval names its certificate")
                .to_owned(),
            code: view["certificate"]["code"]
                .as_str()
                .expect("code")
                .to_owned(),
        }
    }
}

/// What happened before the kill.
struct BeforeKill {
    /// Application id to the certificate id and code its approval acknowledged.
    acknowledged: HashMap<String, (String, String)>,
    /// Approvals sent (or being sent) when the server died, which got no answer.
    in_flight: usize,
    /// Approvals never sent.
    never_sent: usize,
    /// The last checkpoint the server served.
    checkpoint: String,
}

/// Approves `ids` concurrently and kills the server after the first acknowledgements.
async fn approve_and_kill(
    server: Server,
    auditor_token: &str,
    ids: &[String],
    delay: Duration,
) -> BeforeKill {
    let run = Arc::new(ApprovalRun {
        address: server.address.clone(),
        token: auditor_token.to_owned(),
        client: server.client.clone(),
        queue: Mutex::new(ids.to_vec()),
        stop: AtomicBool::new(false),
        acknowledged: AtomicUsize::new(0),
        answered_or_lost: AtomicUsize::new(0),
    });
    let mut workers = JoinSet::new();
    for _ in 0..CONCURRENT_APPROVALS {
        workers.spawn(Arc::clone(&run).work());
    }

    wait_for_acknowledgements(&run, CHECKPOINT_AFTER_ACKNOWLEDGED, ids.len()).await;
    let checkpoint = server.get_text("/log/checkpoint").await;
    let acknowledged_by_then = run.acknowledged.load(Ordering::SeqCst);
    let kill_after = acknowledged_by_then + MORE_ACKNOWLEDGED_BEFORE_KILL;
    wait_for_acknowledgements(&run, kill_after, ids.len()).await;
    tokio::time::sleep(delay).await;
    run.stop.store(true, Ordering::SeqCst);
    server.kill();

    let outcomes = collect_outcomes(workers).await;
    summarise(outcomes, run.queue.lock().expect("queue").len(), checkpoint)
}

/// Waits until `count` approvals are acknowledged, or every one of the `total` has ended.
async fn wait_for_acknowledgements(run: &ApprovalRun, count: usize, total: usize) {
    let deadline = Instant::now() + ACKNOWLEDGEMENT_TIMEOUT;
    while run.acknowledged.load(Ordering::SeqCst) < count
        && run.answered_or_lost.load(Ordering::SeqCst) < total
    {
        assert!(
            Instant::now() < deadline,
            "fewer than {count} approvals acknowledged within {ACKNOWLEDGEMENT_TIMEOUT:?}"
        );
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
}

async fn collect_outcomes(mut workers: JoinSet<Vec<(String, Outcome)>>) -> Vec<(String, Outcome)> {
    let mut outcomes = Vec::new();
    let joined = tokio::time::timeout(REQUEST_TIMEOUT * 2, async {
        while let Some(done) = workers.join_next().await {
            outcomes.extend(done.expect("approval worker finished"));
        }
    })
    .await;
    assert!(
        joined.is_ok(),
        "approval workers did not stop after the kill"
    );
    outcomes
}

fn summarise(
    outcomes: Vec<(String, Outcome)>,
    never_sent: usize,
    checkpoint: String,
) -> BeforeKill {
    let mut acknowledged = HashMap::new();
    let mut in_flight = 0;
    for (application, outcome) in outcomes {
        match outcome {
            Outcome::Acknowledged {
                certificate_id,
                code,
            } => {
                acknowledged.insert(application, (certificate_id, code));
            }
            Outcome::Refused { status, body } => {
                panic!("approval of {application} refused before the kill: {status} {body}")
            }
            Outcome::Unanswered => in_flight += 1,
        }
    }
    BeforeKill {
        acknowledged,
        in_flight,
        never_sent,
        checkpoint,
    }
}

/// The issuer's published log identity, from did.json.
struct LogKeys {
    origin: String,
    verifiers: Vec<tlog::NoteVerifier>,
}

async fn log_keys(server: &Server) -> (Value, LogKeys) {
    let did = server.get_json("/.well-known/did.json", None).await;
    let service = did.pointer("/service/0").expect("did.json names the log");
    let origin = service["origin"].as_str().expect("log origin").to_owned();
    let verifiers = service["noteVerifierKeys"]
        .as_array()
        .expect("note keys")
        .iter()
        .map(|key| tlog::parse_verifier_key(key.as_str().expect("text")).expect("verifier key"))
        .collect();
    (did, LogKeys { origin, verifiers })
}

/// A checkpoint signed by one of the issuer's published note keys, for its own log.
fn verified_checkpoint(keys: &LogKeys, note: &str) -> Checkpoint {
    keys.verifiers
        .iter()
        .find_map(|verifier| tlog::verify_checkpoint(note, verifier, &keys.origin).ok())
        .unwrap_or_else(|| panic!("checkpoint not signed by a published key:\n{note}"))
}

/// Proves with the consistency proof the server serves that `newer` extends `older`.
async fn assert_consistent(server: &Server, older: &Checkpoint, newer: &Checkpoint) {
    assert!(
        newer.size >= older.size,
        "the log shrank from {} to {} leaves",
        older.size,
        newer.size
    );
    let path = format!(
        "/log/proof/consistency?from={}&to={}",
        older.size, newer.size
    );
    let proof: ConsistencyProof =
        serde_json::from_value(server.get_json(&path, None).await).expect("consistency proof");
    proof
        .verify(&older.root, &newer.root)
        .expect("the log after the restart extends the checkpoint served before the kill");
}

/// Every log entry, read page by page up to the checkpoint's size.
async fn log_entries(server: &Server, size: u64) -> Vec<Value> {
    let size = usize::try_from(size).expect("log size fits");
    let mut entries: Vec<Value> = Vec::new();
    for _ in 0..=size / LOG_PAGE {
        if entries.len() >= size {
            break;
        }
        let path = format!("/log/entries?start={}&limit={LOG_PAGE}", entries.len());
        let page = server.get_json(&path, None).await;
        let rows = page["entries"].as_array().expect("entries").clone();
        assert!(
            !rows.is_empty(),
            "the log lists fewer entries than its size"
        );
        entries.extend(rows);
    }
    assert_eq!(
        entries.len(),
        size,
        "the log lists as many entries as its size"
    );
    entries
}

/// Checks a certificate as a buyer's scan and an auditor would: served, valid,
/// logged (the inclusion proof verifies against the signed checkpoint) and in its status list.
async fn assert_certificate_is_whole(
    server: &Server,
    did: &Value,
    certificate_id: &str,
    code: &str,
) {
    let stored = server
        .get_json(&format!("/api/v1/certificates/{certificate_id}"), None)
        .await;
    let result = server.get_json(&format!("/v/{code}"), None).await;
    assert_eq!(result["status"], "valid", "{code}: {}", result["reason"]);
    assert_eq!(
        result["certificate"], stored,
        "{code}: served copies differ"
    );

    let proof: InclusionProof =
        serde_json::from_value(result["log"]["inclusion_proof"].clone()).expect("proof");
    let note = result["log"]["checkpoint"].as_str().expect("checkpoint");
    let list_url = stored["credentialStatus"]["statusListCredential"]
        .as_str()
        .expect("status list URL");
    let list_path = list_url.strip_prefix(&server.address).expect("our list");
    let list = server.get_json(list_path, None).await;
    let revoked = revoked_in(&list, &stored["credentialStatus"])
        .unwrap_or_else(|e| panic!("{code}: status entry does not resolve in its list: {e}"));
    assert!(!revoked, "{code}: revoked in its list");

    let evidence = Evidence {
        did_document: Some(did),
        status_list: Some(&list),
        inclusion: Some((&proof, note)),
    };
    let report = verify_offline(&stored, evidence, chrono::Utc::now()).expect("evidence usable");
    assert!(report.is_valid(), "{code}: {report:?}");
    assert!(
        matches!(report.log, Some(Ok(_))),
        "{code}: {:?}",
        report.log
    );
}

/// What the restarted server holds, checked to be whole.
struct Holdings {
    /// Approved application id to its certificate id.
    certificates: HashMap<String, String>,
    /// Applications still submitted.
    submitted: Vec<String>,
    /// The checkpoint the checks ran against.
    checkpoint: Checkpoint,
}

/// Checks that nothing is half-written: each application is approved with a certificate or
/// submitted without one; each certificate has exactly one issuance leaf that matches it and a
/// status entry no other certificate holds; and the log extends `older`.
async fn assert_nothing_half_written(
    server: &Server,
    auditor_token: &str,
    ids: &[String],
    older: &Checkpoint,
) -> Holdings {
    let (_, keys) = log_keys(server).await;
    let checkpoint = verified_checkpoint(&keys, &server.get_text("/log/checkpoint").await);
    assert_consistent(server, older, &checkpoint).await;

    let listed = server
        .get_json("/api/v1/applications", Some(auditor_token))
        .await;
    let (certificates, submitted) = sort_applications(&listed, ids);

    let entries = log_entries(server, checkpoint.size).await;
    assert_one_matching_leaf_and_own_status_entry_each(server, &entries, &certificates).await;

    Holdings {
        certificates,
        submitted,
        checkpoint,
    }
}

/// Each certificate has exactly one issuance leaf, rebuilt byte for byte from the certificate
/// itself, and a status entry that no other certificate holds.
async fn assert_one_matching_leaf_and_own_status_entry_each(
    server: &Server,
    entries: &[Value],
    certificates: &HashMap<String, String>,
) {
    let issued: Vec<&Value> = entries
        .iter()
        .filter(|entry| entry["kind"] == "issuance")
        .collect();
    let logged: HashSet<&str> = issued
        .iter()
        .map(|entry| entry["certificate_id"].as_str().expect("certificate id"))
        .collect();
    let approved: HashSet<&str> = certificates.values().map(String::as_str).collect();
    assert_eq!(issued.len(), logged.len(), "a certificate logged twice");
    assert_eq!(logged, approved, "issuance leaves and certificates differ");

    let mut status_entries = HashSet::new();
    for entry in issued {
        let id = entry["certificate_id"].as_str().expect("certificate id");
        let document = server
            .get_json(&format!("/api/v1/certificates/{id}"), None)
            .await;
        let leaf = issuance_leaf_of(&document).expect("leaf rebuilt from the certificate");
        assert_eq!(entry["data"].as_str().map(str::as_bytes), Some(&leaf[..]));

        let status = &document["credentialStatus"];
        let held = (
            status["statusListCredential"].to_string(),
            status["statusListIndex"].to_string(),
        );
        assert!(status_entries.insert(held), "{id} shares a status entry");
    }
}

/// Splits the listed applications into approved (with their certificate) and submitted.
fn sort_applications(listed: &Value, ids: &[String]) -> (HashMap<String, String>, Vec<String>) {
    let applications = listed["applications"].as_array().expect("applications");
    assert_eq!(applications.len(), ids.len(), "every application is listed");
    let mut certificates = HashMap::new();
    let mut submitted = Vec::new();
    for application in applications {
        let id = application["id"].as_str().expect("id").to_owned();
        assert!(ids.contains(&id), "an application nobody created: {id}");
        match (
            application["status"].as_str(),
            application.get("certificate"),
        ) {
            (Some("approved"), Some(certificate)) => {
                let certificate_id = certificate["id"].as_str().expect("certificate id");
                certificates.insert(id, certificate_id.to_owned());
            }
            (Some("submitted"), None) => submitted.push(id),
            (status, certificate) => {
                panic!("{id} is half-written: status {status:?}, certificate {certificate:?}")
            }
        }
    }
    (certificates, submitted)
}

/// Approves each application again after the restart; every one must succeed. Returns the
/// certificate id and code of each.
async fn retry_approvals(
    server: &Server,
    auditor_token: &str,
    ids: &[String],
) -> Vec<(String, String)> {
    let mut issued = Vec::with_capacity(ids.len());
    for id in ids {
        let path = format!("/api/v1/applications/{id}/approve");
        let response = server.post_json(&path, &json!({}), auditor_token).await;
        let status = response.status();
        let body: Value = response.json().await.expect("JSON");
        assert_eq!(status, StatusCode::OK, "retry of {id}: {body}");

        let certificate = &body["certificate"];
        let text = |field: &str| certificate[field].as_str().expect(field).to_owned();
        issued.push((text("id"), text("code")));
    }
    issued
}

/// How long after its trigger round `round` waits before the kill, so the rounds kill at
/// different points of an approval (each takes some milliseconds) rather than always just after
/// an answer went out.
fn kill_delay(round: u64) -> Duration {
    Duration::from_millis(round * KILL_DELAY_STEP_MS)
}

/// The server's folder, its port and the accounts acting on it.
struct Deployment {
    database: TestDatabase,
    folder: TempDir,
    port: u16,
    auditor: String,
    applications: Vec<String>,
}

impl Deployment {
    /// Starts the server again on the same files and the same port: the port is part of the
    /// public base URL, and so of the did:web id, the status list URLs and the log's origin.
    async fn restart(&self, round: u64) -> Server {
        let bind = format!("127.0.0.1:{}", self.port);
        let log_name = format!("run-{round}.log");
        Server::start(self.folder.path(), &self.database.url, &bind, &log_name).await
    }
}

/// What the rounds so far established.
#[derive(Default)]
struct Record {
    /// Application to the certificate id and code acknowledged for it.
    acknowledged: HashMap<String, (String, String)>,
    /// The last checkpoint served before each kill.
    checkpoints: Vec<Checkpoint>,
    /// Certificates present after the previous restart.
    certificates: usize,
}

/// Creates the accounts and the submitted applications; returns the running server with them.
async fn deployment() -> (Server, Deployment) {
    let folder = TempDir::new().expect("temp folder");
    let database = TestDatabase::create(folder.path(), "zerolabel.sqlite3");
    let token = add_user(
        folder.path(),
        &database.url,
        "Wang Jianguo",
        "farmer",
        Some("Chestnut Orchard"),
    );
    let auditor = add_user(folder.path(), &database.url, "Chen Jing", "auditor", None);
    let server = Server::start(folder.path(), &database.url, "127.0.0.1:0", "run-0.log").await;

    let farms = server.get_json("/api/v1/farms", Some(&token)).await;
    let farm_id = farms["farms"][0]["id"].as_str().map(str::to_owned);
    let farmer = TestUser {
        id: String::new(),
        token,
        farm_id,
    };
    let applications = submitted_applications(&server, &farmer, APPLICATIONS).await;
    let port = server.port();
    let deployment = Deployment {
        database,
        folder,
        port,
        auditor,
        applications,
    };
    (server, deployment)
}

/// Approves the still-submitted applications until the kill, restarts, and checks that every
/// acknowledged certificate (of this round and earlier ones) is there and whole.
async fn crash_round(
    server: Server,
    deployment: &Deployment,
    round: u64,
    pending: &[String],
    record: &mut Record,
) -> (Server, Holdings) {
    let before = approve_and_kill(server, &deployment.auditor, pending, kill_delay(round)).await;
    let server = deployment.restart(round + 1).await;

    let (did, keys) = log_keys(&server).await;
    let last_served = verified_checkpoint(&keys, &before.checkpoint);
    let auditor = &deployment.auditor;
    let held =
        assert_nothing_half_written(&server, auditor, &deployment.applications, &last_served).await;
    for (application, (certificate_id, code)) in &before.acknowledged {
        assert_eq!(held.certificates.get(application), Some(certificate_id));
        assert_certificate_is_whole(&server, &did, certificate_id, code).await;
    }
    for (application, (certificate_id, _)) in &record.acknowledged {
        assert_eq!(held.certificates.get(application), Some(certificate_id));
    }

    let unanswered = held.certificates.len() - record.certificates - before.acknowledged.len();
    println!(
        "crash round {round}: kill {:?} after the trigger; {} acknowledged, {} in flight, {} never \
         sent; after the restart {} certificates present ({unanswered} committed without an \
         answer), log of {} leaves ({} at the last checkpoint served), {} still submitted",
        kill_delay(round),
        before.acknowledged.len(),
        before.in_flight,
        before.never_sent,
        held.certificates.len(),
        held.checkpoint.size,
        last_served.size,
        held.submitted.len(),
    );
    record.acknowledged.extend(before.acknowledged);
    record.checkpoints.push(last_served);
    record.certificates = held.certificates.len();
    (server, held)
}

#[tokio::test]
async fn a_server_killed_during_concurrent_approvals_keeps_every_acknowledged_certificate_whole() {
    let (mut server, deployment) = deployment().await;
    let mut record = Record::default();
    let mut pending = deployment.applications.clone();
    for round in 0..KILL_ROUNDS {
        let (restarted, held) =
            crash_round(server, &deployment, round, &pending, &mut record).await;
        server = restarted;
        pending = held.submitted;
    }

    let (did, _) = log_keys(&server).await;
    let retried = retry_approvals(&server, &deployment.auditor, &pending).await;
    for (certificate_id, code) in &retried {
        assert_certificate_is_whole(&server, &did, certificate_id, code).await;
    }
    let first_served = record.checkpoints.first().expect("a checkpoint per round");
    let ids = &deployment.applications;
    let last = assert_nothing_half_written(&server, &deployment.auditor, ids, first_served).await;
    assert_eq!(last.certificates.len(), APPLICATIONS);
    assert!(last.submitted.is_empty());
    for (application, (certificate_id, _)) in &record.acknowledged {
        assert_eq!(last.certificates.get(application), Some(certificate_id));
    }
    for served in &record.checkpoints {
        assert_consistent(&server, served, &last.checkpoint).await;
    }
}

/// Longest wait for the server to exit after SIGTERM: far beyond its shutdown timeout, so that
/// only a server that never exits fails.
const EXIT_TIMEOUT: Duration = Duration::from_secs(90);

/// Waits for the child to exit by itself; returns its status.
async fn wait_for_exit(child: &mut Child) -> std::process::ExitStatus {
    let deadline = Instant::now() + EXIT_TIMEOUT;
    loop {
        if let Some(status) = child.try_wait().expect("child status") {
            return status;
        }
        assert!(
            Instant::now() < deadline,
            "zerolabel serve did not exit within {EXIT_TIMEOUT:?} of SIGTERM"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sigterm_lets_in_flight_approvals_finish_and_the_process_exit_by_itself() {
    let (mut server, deployment) = deployment().await;
    let ids = deployment.applications.clone();
    let run = Arc::new(ApprovalRun {
        address: server.address.clone(),
        token: deployment.auditor.clone(),
        client: server.client.clone(),
        queue: Mutex::new(ids.clone()),
        stop: AtomicBool::new(false),
        acknowledged: AtomicUsize::new(0),
        answered_or_lost: AtomicUsize::new(0),
    });
    let mut workers = JoinSet::new();
    for _ in 0..CONCURRENT_APPROVALS {
        workers.spawn(Arc::clone(&run).work());
    }

    wait_for_acknowledgements(&run, 2, ids.len()).await;
    let pid = server.child.id().to_string();
    let sent = Command::new("kill").args(["-TERM", &pid]).status();
    assert!(sent.expect("kill runs").success(), "SIGTERM sent");
    let exit = wait_for_exit(&mut server.child).await;
    assert!(
        exit.success(),
        "zerolabel serve exited with {exit} after SIGTERM"
    );
    run.stop.store(true, Ordering::SeqCst);
    let outcomes = collect_outcomes(workers).await;
    let before = summarise(outcomes, 0, String::new());
    drop(server);

    let restarted = deployment.restart(1).await;
    let listed = restarted
        .get_json("/api/v1/applications", Some(&deployment.auditor))
        .await;
    let (certificates, _still_submitted) = sort_applications(&listed, &ids);
    assert!(before.acknowledged.len() >= 2);
    for (application, (certificate_id, _)) in &before.acknowledged {
        assert_eq!(
            certificates.get(application),
            Some(certificate_id),
            "acknowledged approval of {application} lost"
        );
    }
}

#[tokio::test]
async fn tokens_and_evidence_contents_never_reach_the_log() {
    let folder = TempDir::new().expect("temp folder");
    let database = TestDatabase::create(folder.path(), "zerolabel.sqlite3");
    let token = add_user(
        folder.path(),
        &database.url,
        "Wang",
        "farmer",
        Some("Chestnut Orchard"),
    );
    let server = Server::start(folder.path(), &database.url, "127.0.0.1:0", "secrets.log").await;
    let farms = server.get_json("/api/v1/farms", Some(&token)).await;
    let farmer = TestUser {
        id: String::new(),
        token: token.clone(),
        farm_id: farms["farms"][0]["id"].as_str().map(str::to_owned),
    };
    let id = submitted_applications(&server, &farmer, 1).await.remove(0);
    let wrong_token = "zl_0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    assert_eq!(
        server
            .get("/api/v1/farms", Some(wrong_token))
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
    let secret_content = b"%PDF-1.7 invoice-content-that-must-not-be-logged";
    let upload = server
        .client
        .post(format!(
            "{}/api/v1/applications/{id}/evidence?kind=invoice&name=a.pdf",
            server.address
        ))
        .bearer_auth(&token)
        .header("Content-Type", "application/pdf")
        .body(secret_content.to_vec())
        .send()
        .await
        .expect("sent");
    assert_eq!(
        upload.status(),
        StatusCode::CONFLICT,
        "a submitted application"
    );
    drop(server);

    let log = std::fs::read_to_string(folder.path().join("secrets.log")).expect("log");
    assert!(log.contains("/api/v1/farms"), "requests are logged: {log}");
    for secret in [
        token.as_str(),
        &token[3..],
        wrong_token,
        "invoice-content-that-must",
    ] {
        assert!(!log.contains(secret), "`{secret}` appears in the log");
    }
}

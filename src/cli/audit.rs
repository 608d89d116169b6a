//! `zerolabel audit`: checks a running deployment from the outside, trusting only signatures.

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, anyhow};
use chrono::Utc;
use clap::Args;
use serde_json::Value;

use super::read_json;
use crate::certificate::VerificationStatus;
use crate::certificate::issuance_leaf_of;
use crate::certificate::offline::{Evidence, verify_offline};
use crate::tlog::{self, Checkpoint, ConsistencyProof, MemoryStore};

/// Entries fetched per request.
const PAGE: u64 = 1_000;

/// Where to audit, and what to compare with.
#[derive(Debug, Args)]
pub struct AuditArgs {
    /// The deployment's public base URL, e.g. https://labels.example.cn
    #[arg(long)]
    url: String,
    /// A checkpoint saved by an earlier audit: the log must be consistent with it.
    #[arg(long)]
    checkpoint: Option<PathBuf>,
    /// Save the checkpoint audited now, for the next audit.
    #[arg(long)]
    save_checkpoint: Option<PathBuf>,
    /// A folder of certificates (JSON) collected from labels: each must have a log leaf.
    #[arg(long)]
    certificates: Option<PathBuf>,
}

/// The deployment's published trust material.
struct Published {
    base: String,
    client: reqwest::blocking::Client,
    did: Value,
    note: String,
    checkpoint: Checkpoint,
}

/// Runs the audit; exit 0 when every check passes, 1 when any fails.
pub fn run(args: &AuditArgs) -> anyhow::Result<ExitCode> {
    let published = fetch_published(args.url.trim_end_matches('/'))?;
    let mut problems = Vec::new();

    if let Some(path) = &args.checkpoint {
        check_consistency(&published, &fs::read_to_string(path)?, &mut problems)?;
    }
    let entries = fetch_entries(&published)?;
    check_root(&published, &entries, &mut problems);
    let statuses = check_certificates(&published, &entries, &mut problems)?;
    if let Some(folder) = &args.certificates {
        check_field_certificates(folder, &entries, &mut problems)?;
    }
    if let Some(path) = &args.save_checkpoint {
        fs::write(path, &published.note)
            .with_context(|| format!("cannot write {}", path.display()))?;
    }

    print_summary(&published, entries.len(), &statuses, &problems);
    Ok(if problems.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn fetch_published(base: &str) -> anyhow::Result<Published> {
    let client = reqwest::blocking::Client::new();
    let did: Value = get(&client, &format!("{base}/.well-known/did.json"))?.json()?;
    let note = get(&client, &format!("{base}/log/checkpoint"))?.text()?;
    let checkpoint = verify_checkpoint(&did, &note)?;
    Ok(Published {
        base: base.to_owned(),
        client,
        did,
        note,
        checkpoint,
    })
}

fn get(
    client: &reqwest::blocking::Client,
    url: &str,
) -> anyhow::Result<reqwest::blocking::Response> {
    let response = client
        .get(url)
        .send()
        .with_context(|| format!("GET {url}"))?;
    if !response.status().is_success() {
        return Err(anyhow!("GET {url} answered {}", response.status()));
    }
    Ok(response)
}

/// A checkpoint signed by one of the note keys the DID document publishes.
fn verify_checkpoint(did: &Value, note: &str) -> anyhow::Result<Checkpoint> {
    let service = did
        .pointer("/service/0")
        .context("did.json names no transparency log")?;
    let origin = service
        .get("origin")
        .and_then(Value::as_str)
        .context("no log origin")?;
    let keys = service
        .get("noteVerifierKeys")
        .and_then(Value::as_array)
        .context("no note keys")?;
    keys.iter()
        .filter_map(Value::as_str)
        .filter_map(|text| tlog::parse_verifier_key(text).ok())
        .find_map(|verifier| tlog::verify_checkpoint(note, &verifier, origin).ok())
        .context("the checkpoint is not signed by any of the issuer's published log keys")
}

fn check_consistency(
    published: &Published,
    old_note: &str,
    problems: &mut Vec<String>,
) -> anyhow::Result<()> {
    let old = verify_checkpoint(&published.did, old_note)?;
    let new = &published.checkpoint;
    let url = format!(
        "{}/log/proof/consistency?from={}&to={}",
        published.base, old.size, new.size
    );
    let proof: ConsistencyProof = get(&published.client, &url)?.json()?;
    match proof.verify(&old.root, &new.root) {
        Ok(()) => println!(
            "log extends the saved checkpoint of {} entries to {}",
            old.size, new.size
        ),
        Err(error) => problems.push(format!(
            "the log of {} entries does not extend the saved one of {}: {error}",
            new.size, old.size
        )),
    }
    Ok(())
}

/// One log entry as listed.
struct Entry {
    kind: String,
    data: String,
    certificate_id: Option<String>,
}

fn fetch_entries(published: &Published) -> anyhow::Result<Vec<Entry>> {
    let size = published.checkpoint.size;
    let mut entries = Vec::new();
    while (entries.len() as u64) < size {
        let start = entries.len();
        let url = format!("{}/log/entries?start={start}&limit={PAGE}", published.base);
        let page: Value = get(&published.client, &url)?.json()?;
        let rows = page
            .get("entries")
            .and_then(Value::as_array)
            .context("no entries list")?;
        if rows.is_empty() {
            break;
        }
        entries.extend(rows.iter().filter_map(entry_of));
    }
    entries.truncate(usize::try_from(size).unwrap_or(usize::MAX));
    Ok(entries)
}

fn entry_of(row: &Value) -> Option<Entry> {
    Some(Entry {
        kind: row.get("kind")?.as_str()?.to_owned(),
        data: row.get("data")?.as_str()?.to_owned(),
        certificate_id: row
            .get("certificate_id")
            .and_then(Value::as_str)
            .map(str::to_owned),
    })
}

/// The listed entries must hash to the signed root: nothing listed is missing or altered.
fn check_root(published: &Published, entries: &[Entry], problems: &mut Vec<String>) {
    let mut tree = MemoryStore::new();
    for entry in entries {
        if tree.append(tlog::leaf_hash(entry.data.as_bytes())).is_err() {
            problems.push("the log is too large to rebuild".into());
            return;
        }
    }
    if tree.size() != published.checkpoint.size
        || tree.compact_range().root() != published.checkpoint.root
    {
        problems.push(format!(
            "the {} listed entries do not hash to the checkpoint's root",
            entries.len()
        ));
    }
}

fn check_certificates(
    published: &Published,
    entries: &[Entry],
    problems: &mut Vec<String>,
) -> anyhow::Result<BTreeMap<&'static str, usize>> {
    let mut statuses = BTreeMap::new();
    let mut lists: HashMap<String, Value> = HashMap::new();
    for entry in entries.iter().filter(|entry| entry.kind == "issuance") {
        let id = entry
            .certificate_id
            .as_deref()
            .context("an issuance entry without a certificate id")?;
        let url = format!("{}/api/v1/certificates/{id}", published.base);
        let certificate: Value = get(&published.client, &url)?.json()?;
        if issuance_leaf_of(&certificate).ok().as_deref() != Some(entry.data.as_bytes()) {
            problems.push(format!("certificate {id} does not match its log leaf"));
        }
        let list = status_list(published, &certificate, &mut lists)?;
        let evidence = Evidence {
            did_document: Some(&published.did),
            status_list: list,
            inclusion: None,
        };
        let report =
            verify_offline(&certificate, evidence, Utc::now()).map_err(anyhow::Error::msg)?;
        let status = report.verdict.status;
        if matches!(
            status,
            VerificationStatus::SignatureInvalid | VerificationStatus::KeyNotTrusted
        ) {
            problems.push(format!(
                "certificate {id}: {} ({})",
                status.as_str(),
                report.verdict.reason
            ));
        }
        *statuses.entry(status.as_str()).or_insert(0) += 1;
    }
    Ok(statuses)
}

fn status_list<'a>(
    published: &Published,
    certificate: &Value,
    lists: &'a mut HashMap<String, Value>,
) -> anyhow::Result<Option<&'a Value>> {
    let Some(url) = certificate
        .pointer("/credentialStatus/statusListCredential")
        .and_then(Value::as_str)
    else {
        return Ok(None);
    };
    if !lists.contains_key(url) {
        let list: Value = get(&published.client, url)?.json()?;
        lists.insert(url.to_owned(), list);
    }
    Ok(lists.get(url))
}

fn check_field_certificates(
    folder: &PathBuf,
    entries: &[Entry],
    problems: &mut Vec<String>,
) -> anyhow::Result<()> {
    for file in fs::read_dir(folder).with_context(|| format!("cannot read {}", folder.display()))? {
        let path = file?.path();
        if path.extension().is_none_or(|ext| ext != "json") {
            continue;
        }
        let certificate = read_json(&path)?;
        let logged = issuance_leaf_of(&certificate).is_ok_and(|leaf| {
            entries
                .iter()
                .any(|entry| entry.data.as_bytes() == leaf.as_slice())
        });
        if !logged {
            problems.push(format!("{} has no leaf in the log", path.display()));
        }
    }
    Ok(())
}

fn print_summary(
    published: &Published,
    entries: usize,
    statuses: &BTreeMap<&'static str, usize>,
    problems: &[String],
) {
    println!(
        "log {}: {} entries, checkpoint verified",
        published.checkpoint.origin, entries
    );
    for (status, count) in statuses {
        println!("certificates {status}: {count}");
    }
    if problems.is_empty() {
        println!("audit passed");
    } else {
        for problem in problems {
            println!("PROBLEM: {problem}");
        }
        println!("audit failed: {} problem(s)", problems.len());
    }
}

//! `zerolabel verify`: a certificate judged from files alone, no server involved.

use std::fs;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use chrono::{DateTime, Utc};
use clap::Args;

use super::{parse_time, read_json};
use crate::certificate::offline::{Evidence, OfflineReport, verify_offline};
use crate::tlog::InclusionProof;

/// Files to verify a certificate with.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The signed certificate (JSON).
    file: PathBuf,
    /// The issuer's DID document (did.json, from `/.well-known/did.json`). Without it the
    /// signature is checked but nothing shows the key is the issuer's, so the status is at
    /// best `key_not_trusted` and the exit code 1.
    #[arg(long)]
    keys: Option<PathBuf>,
    /// The signed status list the certificate names (from `/status/{list}`), to detect
    /// revocation.
    #[arg(long)]
    status_list: Option<PathBuf>,
    /// An inclusion proof of the certificate's issuance (from `/log/proof/inclusion`); needs
    /// `--checkpoint` and `--keys`.
    #[arg(long, requires = "checkpoint")]
    proof: Option<PathBuf>,
    /// The signed checkpoint the proof leads to (from `/log/checkpoint`).
    #[arg(long, requires = "proof")]
    checkpoint: Option<PathBuf>,
    /// Judge validity at this time (RFC 3339) instead of now.
    #[arg(long, value_parser = parse_time)]
    at: Option<DateTime<Utc>>,
}

/// Runs the check and prints the status first; exit 0 only for valid.
pub fn run(args: &VerifyArgs) -> anyhow::Result<ExitCode> {
    let certificate = read_json(&args.file)?;
    let did = args.keys.as_deref().map(read_json).transpose()?;
    let status_list = args.status_list.as_deref().map(read_json).transpose()?;
    let proof: Option<InclusionProof> = match &args.proof {
        Some(path) => {
            Some(serde_json::from_value(read_json(path)?).context("not an inclusion proof")?)
        }
        None => None,
    };
    let note = match &args.checkpoint {
        Some(path) => Some(saved_note(
            &fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?,
        )),
        None => None,
    };

    let evidence = Evidence {
        did_document: did.as_ref(),
        status_list: status_list.as_ref(),
        inclusion: proof.as_ref().zip(note.as_deref()),
    };
    let report = verify_offline(&certificate, evidence, args.at.unwrap_or_else(Utc::now))
        .map_err(anyhow::Error::msg)?;
    print_report(&report, did.is_some(), status_list.is_some());
    Ok(if report.is_valid() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// A signed note as saved by hand: a note ends with exactly one newline, but tools such as
/// `jq -r` or an editor add another; extra trailing newlines are not part of what was signed.
fn saved_note(text: &str) -> String {
    format!("{}\n", text.trim_end_matches(['\n', '\r']))
}

/// Prints the status line first, then why. Written in one go, and a reader that stops early
/// (`verify ... | head -1`) is not an error: the exit code still carries the verdict.
fn print_report(report: &OfflineReport, keys_checked: bool, status_checked: bool) {
    let mut lines = vec![
        report.verdict.status.as_str().to_owned(),
        format!("reason: {}", report.verdict.reason),
    ];
    if let Some(method) = &report.verdict.verification_method {
        lines.push(format!("signed by: {method}"));
    }
    lines.push(match &report.log {
        Some(Ok(size)) => format!("log: issuance proven in the checkpoint of {size} entries"),
        Some(Err(why)) => format!("log: NOT proven: {why}"),
        None => "log: not checked (no --proof and --checkpoint)".to_owned(),
    });
    if !keys_checked {
        lines.push("note: no --keys given, so the certificate cannot be judged valid".to_owned());
    }
    if !status_checked {
        lines.push("note: no --status-list given, so revocation was not checked".to_owned());
    }

    let text = lines.join("\n") + "\n";
    let _ = std::io::Write::write_all(&mut std::io::stdout().lock(), text.as_bytes());
}

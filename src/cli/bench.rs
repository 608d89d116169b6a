//! `zerolabel bench-seed` and `zerolabel bench-crypto`: the benchmark harness's helpers
//! (`bench/run.sh`), built only with the `bench` feature.

use std::fs;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::Context;
use clap::Args;
use serde_json::json;

use crate::benchmark::{measure_crypto_rates, seed_certificates};
use crate::config::{self, SettingsArgs};
use crate::startup::{issuer_context, open_database};
use crate::workflow::keys::adopt_newest_key;
use crate::workflow::now_seconds;

/// The flags of `bench-seed`.
#[derive(Debug, Args)]
pub struct SeedArgs {
    /// Database, keys and public base URL as for `serve` (use the same ones the server gets).
    #[command(flatten)]
    settings: SettingsArgs,
    /// How many certificates to issue.
    #[arg(long)]
    count: usize,
    /// Report progress after every this many certificates.
    #[arg(long, default_value_t = 1000)]
    batch: usize,
    /// Write the certificate codes here, one a line.
    #[arg(long)]
    codes: PathBuf,
    /// Write the farmer's and auditor's tokens and the farm id here, as JSON.
    #[arg(long)]
    accounts: PathBuf,
}

/// The flags of `bench-crypto`.
#[derive(Debug, Args)]
pub struct CryptoArgs {
    /// Seconds to spend on each primitive.
    #[arg(long, default_value_t = 1.0)]
    seconds: f64,
}

/// Issues `--count` certificates through the workflow and prints one JSON line with the time.
pub fn seed(args: &SeedArgs) -> anyhow::Result<ExitCode> {
    let settings = args.settings.resolve()?;
    let pool = open_database(&settings.database_url)?;
    let mut conn = pool.get()?;
    let keys = adopt_newest_key(&mut conn, &settings.keys_dir, now_seconds())
        .context("cannot load the issuer key")?;
    let bound: SocketAddr = settings
        .bind
        .parse()
        .with_context(|| format!("--bind `{}` is not an address:port", settings.bind))?;
    let base_url = config::public_base_url(settings.public_base_url.as_deref(), bound);
    let issuing = issuer_context(keys, &settings, &base_url);

    let started = Instant::now();
    let summary = seed_certificates(&mut conn, &issuing, args.count, args.batch, |done| {
        eprintln!(
            "seeded {done} of {} ({:.1} s)",
            args.count,
            started.elapsed().as_secs_f64()
        );
    })?;
    let seconds = started.elapsed().as_secs_f64();

    let codes: String = summary
        .codes
        .iter()
        .map(|code| format!("{code}\n"))
        .collect();
    fs::write(&args.codes, codes)
        .with_context(|| format!("cannot write {}", args.codes.display()))?;
    let accounts = json!({
        "farmer_token": summary.farmer_token,
        "auditor_token": summary.auditor_token,
        "farm_id": summary.farm_id,
    });
    fs::write(&args.accounts, accounts.to_string())
        .with_context(|| format!("cannot write {}", args.accounts.display()))?;

    let per_second = args.count as f64 / seconds.max(f64::EPSILON);
    println!(
        "{}",
        json!({"count": args.count, "seconds": seconds, "certificates_per_second": per_second})
    );
    Ok(ExitCode::SUCCESS)
}

/// Prints the raw sign and `verify_strict` rates as one JSON line.
pub fn crypto(args: &CryptoArgs) -> anyhow::Result<ExitCode> {
    let budget =
        Duration::try_from_secs_f64(args.seconds).context("--seconds must be a positive number")?;
    let rates = measure_crypto_rates(budget)?;
    println!("{}", serde_json::to_string(&rates)?);
    Ok(ExitCode::SUCCESS)
}

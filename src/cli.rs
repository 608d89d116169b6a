//! The command line: `serve`, `users add`, `verify` and `footprint`.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use chrono::{DateTime, Utc};
use clap::{Parser, Subcommand};

use crate::accounts::Role;
use crate::certificate::{VerificationStatus, evaluate};
use crate::config::{DEFAULT_DATABASE_URL, Settings};
use crate::footprint::{FootprintReport, format_significant};
use crate::startup::{Application, open_database};
use crate::workflow::now_seconds;
use crate::workflow::users::{FarmSpec, create_user};
use crate::{demo, footprint, keys};

/// Issues and verifies signed zero-carbon labels for farm produce.
#[derive(Debug, Parser)]
#[command(name = "zerolabel", version, about)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Start the HTTP service (creates the database and the issuer key on first start).
    Serve {
        #[command(flatten)]
        settings: Settings,
        /// Load the Jinpoluo demo village into an empty database and print tokens and URLs.
        #[arg(long)]
        demo: bool,
    },
    /// Manage accounts.
    Users {
        #[command(subcommand)]
        command: UsersCommand,
    },
    /// Check a certificate file offline. Exits 0 only if it is valid.
    Verify {
        /// The signed certificate (JSON).
        file: PathBuf,
        /// The issuer's DID document (did.json); without it only the signature is checked,
        /// not whether the issuer lists the key.
        #[arg(long)]
        keys: Option<PathBuf>,
        /// Judge validity at this time (RFC 3339) instead of now.
        #[arg(long)]
        at: Option<DateTime<Utc>>,
    },
    /// Compute a footprint offline from a methodology request file; prints the same result as
    /// `POST /api/v1/footprints/calculate` (JSON), or a readable table. Exits 1 if the request is
    /// refused.
    Footprint {
        /// The request (methodology section 2), JSON.
        file: PathBuf,
        /// Print a table for people instead of JSON.
        #[arg(long)]
        table: bool,
    },
}

#[derive(Debug, Subcommand)]
enum UsersCommand {
    /// Create an account and print its bearer token as the last line.
    Add {
        /// Display name.
        #[arg(long)]
        name: String,
        /// farmer, auditor or admin.
        #[arg(long)]
        role: Role,
        /// Farm to link a farmer to (created if new).
        #[arg(long)]
        farm: Option<String>,
        /// Village of a new farm.
        #[arg(long, default_value = "Jinpoluo")]
        village: String,
        /// Region of a new farm.
        #[arg(long, default_value = "Miyun District, Beijing")]
        region: String,
        /// Database: a SQLite file path or sqlite:// URL.
        #[arg(long, env = "ZEROLABEL_DATABASE_URL", default_value = DEFAULT_DATABASE_URL)]
        database_url: String,
    },
}

impl clap::ValueEnum for Role {
    fn value_variants<'a>() -> &'a [Self] {
        &[Role::Farmer, Role::Auditor, Role::Admin]
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        Some(clap::builder::PossibleValue::new(self.as_str()))
    }
}

/// Runs a parsed command and turns its outcome into the process exit code.
pub fn run(cli: Cli) -> ExitCode {
    let outcome = match cli.command {
        Command::Serve { settings, demo } => serve(&settings, demo),
        Command::Users {
            command:
                UsersCommand::Add {
                    name,
                    role,
                    farm,
                    village,
                    region,
                    database_url,
                },
        } => {
            let farm = farm.map(|name| FarmSpec {
                name,
                village,
                region,
            });
            add_user(&database_url, &name, role, farm.as_ref())
        }
        Command::Verify { file, keys, at } => verify(&file, keys.as_deref(), at),
        Command::Footprint { file, table } => print_footprint(&file, table),
    };
    outcome.unwrap_or_else(|error| {
        eprintln!("error: {error:#}");
        ExitCode::from(2)
    })
}

fn serve(settings: &Settings, load_demo: bool) -> anyhow::Result<ExitCode> {
    let runtime = actix_web::rt::System::new();
    runtime.block_on(async {
        let application = Application::build(settings)?;
        if load_demo {
            let state = application.state().clone();
            let tokens_file = demo::tokens_path(&settings.database_url);
            let summary = actix_web::web::block(move || demo::load_if_empty(&state, tokens_file))
                .await
                .context("demo loader stopped")??;
            println!("{summary}");
        }
        application.run_until_stopped().await?;
        Ok(ExitCode::SUCCESS)
    })
}

fn add_user(
    database_url: &str,
    name: &str,
    role: Role,
    farm: Option<&FarmSpec>,
) -> anyhow::Result<ExitCode> {
    let pool = open_database(database_url)?;
    let mut conn = pool.get()?;
    let created = create_user(&mut conn, name, role, farm, now_seconds())?;
    println!(
        "created {} `{}` ({})",
        role, created.actor.name, created.actor.id
    );
    if let (Some(farm), Some(id)) = (farm, created.farm_id) {
        println!("farm `{}` ({id})", farm.name);
    }
    println!("{}", created.token);
    Ok(ExitCode::SUCCESS)
}

fn verify(
    file: &Path,
    keys_file: Option<&Path>,
    at: Option<DateTime<Utc>>,
) -> anyhow::Result<ExitCode> {
    let document = read_json(file)?;
    let trusted = keys_file
        .map(read_json)
        .transpose()?
        .map(|did| keys::trusted_keys_from_did_document(&did));
    let verdict = evaluate(
        &document,
        trusted.as_deref(),
        false,
        at.unwrap_or_else(Utc::now),
    );

    println!("{}", verdict.status.as_str());
    println!("reason: {}", verdict.reason);
    if let Some(method) = &verdict.verification_method {
        println!("signed by: {method}");
    }
    if trusted.is_none() {
        println!("note: no --keys given, so whether the issuer lists this key was not checked");
    }
    Ok(if verdict.status == VerificationStatus::Valid {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn print_footprint(file: &Path, table: bool) -> anyhow::Result<ExitCode> {
    let body = fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    match footprint::parse_request(&body) {
        Ok(request) => {
            let report = footprint::calculate(&request).report();
            if table {
                print!("{}", footprint_table(&report));
            } else {
                println!("{}", serde_json::to_string_pretty(&report)?);
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(errors) => {
            for error in &errors.errors {
                eprintln!(
                    "{}: {} ({})",
                    error.field,
                    error.message,
                    serde_json::to_string(&error.code)?
                );
            }
            Ok(ExitCode::from(1))
        }
    }
}

fn read_json(path: &Path) -> anyhow::Result<serde_json::Value> {
    let text =
        fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("{} is not JSON", path.display()))
}

/// The report as a plain-text table: sources by gas, then the totals and the tier.
pub fn footprint_table(report: &FootprintReport) -> String {
    let figure = |value: f64| format_significant(value, 6);
    let mut out = format!(
        "{} ({}), {} GWP, crop {}\n\n{:<34} {:>12} {:>12} {:>12} {:>14} {:>12}\n",
        report.method_id,
        report.factor_set_id,
        report.gwp_set,
        report.crop,
        "source",
        "CO2 kg",
        "CH4 kg",
        "N2O kg",
        "upstream kg",
        "CO2e kg"
    );
    for line in &report.sources {
        out += &format!(
            "{:<34} {:>12} {:>12} {:>12} {:>14} {:>12}\n",
            line.source.id(),
            figure(line.co2_kg),
            figure(line.ch4_kg),
            figure(line.n2o_kg),
            figure(line.upstream_co2e_kg),
            figure(line.co2e_kg)
        );
    }
    let rows = [
        ("gross total, kg CO2e", figure(report.gross_total_kg_co2e)),
        ("allocation factor", figure(report.allocation_factor)),
        (
            "gross per kg, kg CO2e/kg",
            figure(report.gross_kg_co2e_per_kg),
        ),
        (
            "removals per kg, kg CO2e/kg",
            figure(report.removals_kg_co2e_per_kg),
        ),
        ("net per kg, kg CO2e/kg", figure(report.net_kg_co2e_per_kg)),
        (
            "benchmark, kg CO2e/kg",
            figure(report.benchmark_kg_co2e_per_kg),
        ),
        ("tier", report.tier.id().to_owned()),
    ];
    out += "\n";
    for (name, value) in rows {
        out += &format!("{name:<34} {value}\n");
    }
    out += &format!("{:<34} {}\n", "rule", report.tier_rule);
    if !report.provisional_factors.is_empty() {
        out += &format!(
            "{:<34} {}\n",
            "provisional factors",
            report.provisional_factors.join(", ")
        );
    }
    out
}

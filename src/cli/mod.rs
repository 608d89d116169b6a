//! The command line: `serve`, `users`, `keys`, `backup`, `verify`, `audit` and `footprint`.

mod accounts;
mod audit;
#[cfg(feature = "bench")]
mod bench;
mod footprint;
mod keys;
mod verify;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use chrono::{DateTime, Utc};
use clap::{Parser, Subcommand};

use crate::accounts::Role;
use crate::config::{Settings, SettingsArgs};
use crate::demo;
use crate::startup::{Application, open_database};
use crate::telemetry::LogFormat;

pub use footprint::footprint_table;

/// Issues and verifies signed zero-carbon labels for farm produce.
#[derive(Debug, Parser)]
#[command(name = "zerolabel", version, about)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,

    /// Log lines as readable text or as one JSON object per line (with the request id).
    #[arg(
        long,
        env = "ZEROLABEL_LOG_FORMAT",
        value_enum,
        default_value = "pretty",
        global = true
    )]
    log_format: LogFormat,
}

impl Cli {
    /// How the command wants its log lines written.
    pub fn log_format(&self) -> LogFormat {
        self.log_format
    }
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Start the HTTP service (creates the database and the issuer key on first start).
    Serve {
        #[command(flatten)]
        settings: SettingsArgs,
        /// Load the Jinpoluo demo village into an empty database and print tokens and URLs.
        #[arg(long)]
        demo: bool,
    },
    /// Manage accounts: add, list.
    Users {
        #[command(subcommand)]
        command: accounts::UsersCommand,
        /// Database: sqlite://PATH, postgres://USER@HOST/DB, or an existing SQLite file.
        /// [default: database_url of zerolabel.toml, else sqlite://data/zerolabel.sqlite3]
        #[arg(long, env = "ZEROLABEL_DATABASE_URL", global = true)]
        database_url: Option<String>,
    },
    /// Manage farms: add, list, add-member.
    Farms {
        #[command(subcommand)]
        command: accounts::FarmsCommand,
        /// Database: sqlite://PATH, postgres://USER@HOST/DB, or an existing SQLite file.
        /// [default: database_url of zerolabel.toml, else sqlite://data/zerolabel.sqlite3]
        #[arg(long, env = "ZEROLABEL_DATABASE_URL", global = true)]
        database_url: Option<String>,
    },
    /// Manage bearer tokens: list (by prefix), create (optionally expiring), revoke.
    Tokens {
        #[command(subcommand)]
        command: accounts::TokensCommand,
        /// Database: sqlite://PATH, postgres://USER@HOST/DB, or an existing SQLite file.
        /// [default: database_url of zerolabel.toml, else sqlite://data/zerolabel.sqlite3]
        #[arg(long, env = "ZEROLABEL_DATABASE_URL", global = true)]
        database_url: Option<String>,
    },
    /// List, rotate or mark compromised the issuer's signing keys.
    Keys {
        #[command(subcommand)]
        command: keys::KeysCommand,
        /// Database: sqlite://PATH, postgres://USER@HOST/DB, or an existing SQLite file.
        /// [default: database_url of zerolabel.toml, else sqlite://data/zerolabel.sqlite3]
        #[arg(long, env = "ZEROLABEL_DATABASE_URL", global = true)]
        database_url: Option<String>,
        /// Folder of the issuer's keys.
        #[arg(
            long,
            env = "ZEROLABEL_KEYS_DIR",
            default_value = "keys",
            global = true
        )]
        keys_dir: PathBuf,
    },
    /// Copy a running service's SQLite database to a new file, consistently, while it serves
    /// (SQLite's `VACUUM INTO`). For PostgreSQL use `pg_dump` (README, "Backups").
    Backup {
        /// The file to write; it must not exist yet.
        output: PathBuf,
        /// Database: sqlite://PATH or the path of an existing SQLite file.
        /// [default: database_url of zerolabel.toml, else sqlite://data/zerolabel.sqlite3]
        #[arg(long, env = "ZEROLABEL_DATABASE_URL")]
        database_url: Option<String>,
    },
    /// Print the OpenAPI 3.1 document of the HTTP API (the one served at /api/v1/openapi.json).
    Openapi,
    /// Check a certificate offline, from files only. Prints one status (valid, expired,
    /// not_yet_valid, revoked, signature_invalid, key_not_trusted, unknown) and exits 0 only for valid.
    Verify(verify::VerifyArgs),
    /// Fetch everything a deployment publishes and check it: every logged certificate, the
    /// log against its checkpoint, and consistency with a checkpoint saved earlier.
    Audit(audit::AuditArgs),
    /// Compute a footprint offline from a methodology request file, or from standard input
    /// when FILE is `-`; prints the same result as `POST /api/v1/footprints/calculate` (JSON),
    /// or a readable table. Exits 1 if the request is refused.
    Footprint {
        /// The request (methodology section 2), JSON; `-` reads it from standard input.
        file: PathBuf,
        /// Print a table for people instead of JSON: every source, every removal and offset
        /// with whether it was netted and why, the totals and the tier.
        #[arg(long)]
        table: bool,
    },
    /// Benchmark harness only: issue N real certificates straight through the workflow.
    #[cfg(feature = "bench")]
    #[command(name = "bench-seed")]
    BenchSeed(bench::SeedArgs),
    /// Benchmark harness only: print the raw Ed25519 sign and verify_strict rates as JSON.
    #[cfg(feature = "bench")]
    #[command(name = "bench-crypto")]
    BenchCrypto(bench::CryptoArgs),
}

impl clap::ValueEnum for Role {
    fn value_variants<'a>() -> &'a [Self] {
        &[Role::Farmer, Role::Auditor, Role::Admin]
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        Some(clap::builder::PossibleValue::new(self.as_str()))
    }
}

/// Runs a parsed command and turns its outcome into the process exit code (2 for errors).
pub fn run(cli: Cli) -> ExitCode {
    let outcome = match cli.command {
        Command::Serve { settings, demo } => settings
            .resolve()
            .map_err(anyhow::Error::from)
            .and_then(|settings| serve(&settings, demo)),
        Command::Users {
            command,
            database_url,
        } => database_url_of(database_url).and_then(|url| accounts::users(command, &url)),
        Command::Farms {
            command,
            database_url,
        } => database_url_of(database_url).and_then(|url| accounts::farms(command, &url)),
        Command::Tokens {
            command,
            database_url,
        } => database_url_of(database_url).and_then(|url| accounts::tokens(command, &url)),
        Command::Keys {
            command,
            database_url,
            keys_dir,
        } => database_url_of(database_url).and_then(|url| keys::run(command, &url, &keys_dir)),
        Command::Backup {
            output,
            database_url,
        } => database_url_of(database_url).and_then(|url| backup(&url, &output)),
        Command::Openapi => {
            use utoipa::OpenApi;
            crate::http::openapi::ApiDoc::openapi()
                .to_pretty_json()
                .map(|text| {
                    println!("{text}");
                    ExitCode::SUCCESS
                })
                .map_err(anyhow::Error::from)
        }
        Command::Verify(args) => verify::run(&args),
        Command::Audit(args) => audit::run(&args),
        Command::Footprint { file, table } => footprint::print_footprint(&file, table),
        #[cfg(feature = "bench")]
        Command::BenchSeed(args) => bench::seed(&args),
        #[cfg(feature = "bench")]
        Command::BenchCrypto(args) => bench::crypto(&args),
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

/// The database an administrative command acts on: `--database-url` or
/// `ZEROLABEL_DATABASE_URL`, else the `database_url` of the configuration file `serve` reads
/// (`ZEROLABEL_CONFIG`, or `zerolabel.toml` here), else the default. Without this a command run
/// beside a configured service would quietly create and use another, empty database.
fn database_url_of(given: Option<String>) -> anyhow::Result<String> {
    if let Some(url) = given {
        return Ok(url);
    }
    let config = std::env::var_os("ZEROLABEL_CONFIG").map(PathBuf::from);
    let settings = SettingsArgs {
        config,
        ..SettingsArgs::default()
    };
    Ok(settings.resolve()?.database_url)
}

fn backup(database_url: &str, output: &Path) -> anyhow::Result<ExitCode> {
    let url = crate::db::DatabaseUrl::parse(database_url)?;
    let Some(source) = url.sqlite_file() else {
        eprintln!(
            "`zerolabel backup` copies SQLite databases; back up PostgreSQL with pg_dump, e.g. \
             `pg_dump --format=custom --file zerolabel.dump DATABASE_URL` (README, \"Backups\")"
        );
        return Ok(ExitCode::from(1));
    };
    if !source.exists() {
        anyhow::bail!("there is no database at {}", source.display());
    }
    if output.exists() {
        anyhow::bail!("{} exists already: choose a new file", output.display());
    }

    let pool = open_database(database_url)?;
    let mut conn = pool.get()?;
    crate::db::backup_sqlite(&mut conn, output)?;
    println!("backed up {} to {}", source.display(), output.display());
    Ok(ExitCode::SUCCESS)
}

/// Reads a JSON file.
fn read_json(path: &Path) -> anyhow::Result<serde_json::Value> {
    let text =
        fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("{} is not JSON", path.display()))
}

/// Parses an RFC 3339 time given on the command line.
fn parse_time(text: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(text)
        .map(|time| time.with_timezone(&Utc))
        .map_err(|e| format!("`{text}` is not an RFC 3339 time like 2026-10-01T00:00:00Z: {e}"))
}

//! `zerolabel keys`: the issuer's key list on the server's machine.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::{DateTime, Utc};
use clap::Subcommand;

use super::parse_time;
use crate::certificate::document::timestamp;
use crate::startup::open_database;
use crate::workflow::keys::{compromise_key, rotate_key, trusted_keys};
use crate::workflow::now_seconds;

/// What to do with the keys.
#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Print every key the issuer has used, with its signing window and status.
    List,
    /// Create a new key and make it the active one. Certificates signed by the old key keep
    /// verifying; a running service picks the new key up at its next approval.
    Rotate,
    /// Mark a key compromised: certificates it signed at or after --since verify as
    /// key_not_trusted. When it is the active key, a new key is rotated in at once, so that
    /// signing, the status lists and the log's checkpoints continue.
    Compromise {
        /// From when its signatures are not to be trusted (RFC 3339, not in the future).
        #[arg(long, value_parser = parse_time)]
        since: DateTime<Utc>,
        /// The key's publicKeyMultibase (z6Mk...); the active key if absent.
        #[arg(long)]
        key: Option<String>,
    },
}

/// Runs a keys command against the database and keys folder.
///
/// Every keys command works on an issuer that exists: when the SQLite file is missing it says
/// so and exits 1 instead of creating an empty database (a mistyped `--database-url` must not
/// leave one behind). `zerolabel serve` creates the database and the first key.
pub fn run(command: KeysCommand, database_url: &str, keys_dir: &Path) -> anyhow::Result<ExitCode> {
    if let Some(missing) = missing_sqlite_file(database_url) {
        eprintln!(
            "no keys yet: there is no database at {} (point --database-url or \
             ZEROLABEL_DATABASE_URL at the service's database); `zerolabel serve` creates it \
             and the first issuer key",
            missing.display()
        );
        return Ok(ExitCode::from(1));
    }

    let pool = open_database(database_url)?;
    let mut conn = pool.get()?;
    match command {
        KeysCommand::List => {
            let keys = trusted_keys(&mut conn)?;
            if keys.is_empty() {
                let shown = crate::db::redacted(database_url);
                println!("no keys yet in the database at {shown}");
            }
            for key in keys {
                let until = key
                    .valid_until
                    .map(timestamp)
                    .unwrap_or_else(|| "active".into());
                let compromised = key
                    .compromised_at
                    .map(|t| format!("  COMPROMISED since {}", timestamp(t)));
                println!(
                    "{}  from {}  until {until}{}",
                    key.public_key_multibase,
                    timestamp(key.valid_from),
                    compromised.unwrap_or_default()
                );
            }
        }
        KeysCommand::Rotate => {
            let key = rotate_key(&mut conn, keys_dir, now_seconds())?;
            println!(
                "new active key {} in {}",
                key.public_key_multibase,
                key.path.display()
            );
        }
        KeysCommand::Compromise { since, key } => {
            let was_active = active_key_id(&mut conn)?;
            let marked = compromise_key(&mut conn, key.as_deref(), since, now_seconds())?;
            println!("key {marked} marked compromised since {}", timestamp(since));
            if was_active.as_deref() == Some(marked.as_str()) {
                let key = rotate_key(&mut conn, keys_dir, now_seconds())?;
                println!(
                    "it was the active key: new active key {} in {}",
                    key.public_key_multibase,
                    key.path.display()
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The public key of the active signing key, if there is one.
fn active_key_id(conn: &mut crate::db::DbConnection) -> anyhow::Result<Option<String>> {
    let active = crate::db::issuer_keys::active_key(conn)?;
    Ok(active.map(|key| key.public_key_multibase))
}

/// The SQLite file a URL names, when that file does not exist. A URL of another scheme is left
/// to `open_database`, which refuses it with its own message.
fn missing_sqlite_file(database_url: &str) -> Option<PathBuf> {
    let url = crate::db::DatabaseUrl::parse(database_url).ok()?;
    let path = url.sqlite_file()?;
    (!path.exists()).then(|| path.to_owned())
}

//! `zerolabel keys`: the issuer's key list on the server's machine.

use std::path::Path;
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
    /// key_not_trusted. Rotate afterwards so that approvals can continue.
    Compromise {
        /// From when its signatures are not to be trusted (RFC 3339).
        #[arg(long, value_parser = parse_time)]
        since: DateTime<Utc>,
        /// The key's publicKeyMultibase (z6Mk...); the active key if absent.
        #[arg(long)]
        key: Option<String>,
    },
}

/// Runs a keys command against the database and keys folder.
pub fn run(command: KeysCommand, database_url: &str, keys_dir: &Path) -> anyhow::Result<ExitCode> {
    let pool = open_database(database_url)?;
    let mut conn = pool.get()?;
    match command {
        KeysCommand::List => {
            for key in trusted_keys(&mut conn)? {
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
            let marked = compromise_key(&mut conn, key.as_deref(), since, now_seconds())?;
            println!("key {marked} marked compromised since {}", timestamp(since));
        }
    }
    Ok(ExitCode::SUCCESS)
}

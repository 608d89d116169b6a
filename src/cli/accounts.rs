//! `zerolabel users|farms|tokens`: account administration on the server's machine, through the
//! same workflow as the admin API.

use std::process::ExitCode;

use chrono::{DateTime, Duration, Utc};
use clap::Subcommand;
use uuid::Uuid;

use super::parse_time;
use crate::accounts::Role;
use crate::startup::open_database;
use crate::workflow::admin::{self, Operator, TokenView};
use crate::workflow::now_seconds;
use crate::workflow::users::FarmSpec;

/// What to do with accounts.
#[derive(Debug, Subcommand)]
pub enum UsersCommand {
    /// Create an account and print its bearer token as the last line.
    Add {
        /// Display name.
        #[arg(long)]
        name: String,
        /// farmer, auditor or admin.
        #[arg(long)]
        role: Role,
        /// Farm to link a farmer to, by name (created if new).
        #[arg(long)]
        farm: Option<String>,
        /// Village of a new farm.
        #[arg(long, default_value = "Jinpoluo")]
        village: String,
        /// Region of a new farm.
        #[arg(long, default_value = "Miyun District, Beijing")]
        region: String,
    },
    /// Print every account: id, role, name and farms.
    List,
}

/// What to do with farms.
#[derive(Debug, Subcommand)]
pub enum FarmsCommand {
    /// Add a farm with a new name.
    Add {
        /// Unique farm name.
        #[arg(long)]
        name: String,
        /// Village.
        #[arg(long, default_value = "Jinpoluo")]
        village: String,
        /// Region.
        #[arg(long, default_value = "Miyun District, Beijing")]
        region: String,
    },
    /// Print every farm: id and name.
    List,
    /// Make a farmer a member of one more farm.
    AddMember {
        /// Farm id.
        #[arg(long)]
        farm: Uuid,
        /// The farmer's user id.
        #[arg(long)]
        user: Uuid,
    },
}

/// What to do with bearer tokens.
#[derive(Debug, Subcommand)]
pub enum TokensCommand {
    /// Print tokens by their prefix only (never the secret), with their state.
    List {
        /// Only this user's tokens.
        #[arg(long)]
        user: Option<Uuid>,
    },
    /// Issue a new token for a user and print it as the last line.
    Create {
        /// The user id.
        #[arg(long)]
        user: Uuid,
        /// When it stops signing in (RFC 3339).
        #[arg(long, value_parser = parse_time, conflicts_with = "expires_in_days")]
        expires_at: Option<DateTime<Utc>>,
        /// Days from now until it stops signing in.
        #[arg(long)]
        expires_in_days: Option<u32>,
    },
    /// Revoke a token by its id (as listed): it stops signing in at once.
    Revoke {
        /// Token id.
        id: Uuid,
    },
}

/// Runs a users command.
pub fn users(command: UsersCommand, database_url: &str) -> anyhow::Result<ExitCode> {
    let mut conn = connect(database_url)?;
    match command {
        UsersCommand::Add {
            name,
            role,
            farm,
            village,
            region,
        } => {
            let farm = farm.map(|name| FarmSpec {
                name,
                village,
                region,
            });
            let created = crate::workflow::users::create_user(
                &mut conn,
                &name,
                role,
                farm.as_ref(),
                now_seconds(),
            )?;
            println!(
                "created {role} `{}` ({})",
                created.actor.name, created.actor.id
            );
            if let (Some(farm), Some(id)) = (&farm, created.farm_id) {
                println!("farm `{}` ({id})", farm.name);
            }
            println!("{}", created.token);
        }
        UsersCommand::List => {
            for user in admin::list_users(&mut conn, Operator::Console)? {
                let farms: Vec<&str> = user.farms.iter().map(|farm| farm.name.as_str()).collect();
                println!(
                    "{}  {:<7}  {}  {}",
                    user.id,
                    user.role,
                    user.name,
                    farms.join(", ")
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Runs a farms command.
pub fn farms(command: FarmsCommand, database_url: &str) -> anyhow::Result<ExitCode> {
    let mut conn = connect(database_url)?;
    match command {
        FarmsCommand::Add {
            name,
            village,
            region,
        } => {
            let spec = FarmSpec {
                name,
                village,
                region,
            };
            let farm = admin::add_farm(&mut conn, Operator::Console, &spec, now_seconds())?;
            println!("{}  {}", farm.id, farm.name);
        }
        FarmsCommand::List => {
            for farm in crate::db::farms::all_farms(&mut conn)? {
                println!(
                    "{}  {}  ({}, {})",
                    farm.id, farm.name, farm.village, farm.region
                );
            }
        }
        FarmsCommand::AddMember { farm, user } => {
            let user = admin::add_farm_member(&mut conn, Operator::Console, farm, user)?;
            let farms: Vec<&str> = user.farms.iter().map(|farm| farm.name.as_str()).collect();
            println!("{} now belongs to: {}", user.name, farms.join(", "));
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Runs a tokens command.
pub fn tokens(command: TokensCommand, database_url: &str) -> anyhow::Result<ExitCode> {
    let mut conn = connect(database_url)?;
    let now = now_seconds();
    match command {
        TokensCommand::List { user } => {
            for token in admin::list_tokens(&mut conn, Operator::Console, user, now)? {
                println!("{}", token_line(&token));
            }
        }
        TokensCommand::Create {
            user,
            expires_at,
            expires_in_days,
        } => {
            let expires_at = expires_at
                .or_else(|| expires_in_days.map(|days| now + Duration::days(days.into())));
            let issued = admin::issue_token(&mut conn, Operator::Console, user, expires_at, now)?;
            println!("{}", token_line(&issued.listed));
            println!("{}", issued.token);
        }
        TokensCommand::Revoke { id } => {
            let revoked = admin::revoke_token(&mut conn, Operator::Console, id, now)?;
            println!("{}", token_line(&revoked));
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn connect(database_url: &str) -> anyhow::Result<crate::db::PooledDb> {
    let pool = open_database(database_url)?;
    Ok(pool.get()?)
}

fn token_line(token: &TokenView) -> String {
    let expires = token
        .expires_at
        .map(|end| format!("expires {}", end.to_rfc3339()))
        .unwrap_or_else(|| "no expiry".to_owned());
    format!(
        "{}  {}…  user {}  {}  {}",
        token.id, token.prefix, token.user_id, token.state, expires
    )
}

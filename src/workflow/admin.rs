//! What admins do: manage accounts, farms and bearer tokens. The same functions serve the
//! `zerolabel users|farms|tokens` commands (run by whoever holds the server's database) and the
//! admin API (run for a signed-in admin).

use chrono::{DateTime, Utc};
use serde::Serialize;
use uuid::Uuid;

use super::users::{CreatedUser, FarmSpec, create_user};
use super::{Actor, WorkflowError, require_role, utc};
use crate::accounts::{NewToken, Role};
use crate::db::farms::{self, FarmRow};
use crate::db::users::{self, TokenRow, UserRow};
use crate::db::{self, DbConnection};
use crate::footprint::{ErrorCode, FieldError, InputErrors};

/// Who asks for an admin step.
#[derive(Debug, Clone, Copy)]
pub enum Operator<'a> {
    /// The command line on the server's machine: holding the database is the authority.
    Console,
    /// A signed-in account, which must be an admin.
    Account(&'a Actor),
}

impl Operator<'_> {
    fn authorise(self, step: &str) -> Result<(), WorkflowError> {
        match self {
            Operator::Console => Ok(()),
            Operator::Account(actor) => require_role(actor, &[Role::Admin], step),
        }
    }
}

/// An account as admins see it.
#[derive(Debug, Clone, Serialize)]
pub struct UserView {
    /// Id.
    pub id: Uuid,
    /// Display name.
    pub name: String,
    /// Role.
    pub role: String,
    /// Added.
    pub created_at: DateTime<Utc>,
    /// The farms a farmer belongs to.
    pub farms: Vec<FarmRow>,
}

/// A token as listed: never the secret, only its first characters.
#[derive(Debug, Clone, Serialize)]
pub struct TokenView {
    /// Token id, to revoke it by.
    pub id: Uuid,
    /// Owner.
    pub user_id: Uuid,
    /// `zl_` and the first six hex digits of the secret.
    pub prefix: String,
    /// Made.
    pub created_at: DateTime<Utc>,
    /// When it stops signing in, if ever.
    pub expires_at: Option<DateTime<Utc>>,
    /// When it was revoked.
    pub revoked_at: Option<DateTime<Utc>>,
    /// `live`, `expired` or `revoked`, as of the request.
    pub state: &'static str,
}

/// A freshly issued token: the secret, shown this once, and its listing.
#[derive(Debug, Clone, Serialize)]
pub struct IssuedToken {
    /// The bearer token secret. Never stored, never shown again.
    pub token: String,
    /// How the token is listed from now on.
    #[serde(flatten)]
    pub listed: TokenView,
}

/// Every account with its farms.
pub fn list_users(
    conn: &mut DbConnection,
    operator: Operator<'_>,
) -> Result<Vec<UserView>, WorkflowError> {
    operator.authorise("listing users")?;
    let rows = users::all_users(conn)?;
    rows.into_iter().map(|row| user_view(conn, row)).collect()
}

/// Adds an account with a first token that never expires; a farmer may be linked to an
/// existing farm given by id.
pub fn add_user(
    conn: &mut DbConnection,
    operator: Operator<'_>,
    name: &str,
    role: Role,
    farm_id: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<CreatedUser, WorkflowError> {
    operator.authorise("adding a user")?;
    let farm = match farm_id {
        Some(id) => Some(existing_farm(conn, id)?),
        None => None,
    };
    let spec = farm.map(|farm| FarmSpec {
        name: farm.name,
        village: farm.village,
        region: farm.region,
    });
    create_user(conn, name, role, spec.as_ref(), now)
}

/// Adds a farm; its name must be new.
pub fn add_farm(
    conn: &mut DbConnection,
    operator: Operator<'_>,
    spec: &FarmSpec,
    now: DateTime<Utc>,
) -> Result<FarmRow, WorkflowError> {
    operator.authorise("adding a farm")?;
    let name = spec.name.trim();
    if name.is_empty() {
        return Err(invalid("name", "a farm needs a non-empty name"));
    }
    let farm = FarmRow {
        id: Uuid::new_v4().to_string(),
        name: name.to_owned(),
        village: spec.village.trim().to_owned(),
        region: spec.region.trim().to_owned(),
        created_at: now.naive_utc(),
    };
    db::write_transaction(conn, |conn| -> Result<(), WorkflowError> {
        if farms::find_farm_by_name(conn, name)?.is_some() {
            return Err(WorkflowError::Conflict(format!(
                "a farm named `{name}` exists already"
            )));
        }
        farms::insert_farm(conn, &farm)?;
        Ok(())
    })?;
    Ok(farm)
}

/// Makes a farmer a member of one more farm (a farmer may belong to several).
pub fn add_farm_member(
    conn: &mut DbConnection,
    operator: Operator<'_>,
    farm_id: Uuid,
    user_id: Uuid,
) -> Result<UserView, WorkflowError> {
    operator.authorise("adding a farm member")?;
    let farm = existing_farm(conn, farm_id)?;
    let user = existing_user(conn, user_id)?;
    if user.role != Role::Farmer.as_str() {
        let message = format!(
            "only farmers are linked to farms: this account is an {}, and no one may decide on \
             batches of a farm they belong to",
            user.role
        );
        return Err(invalid("user_id", &message));
    }
    db::write_transaction(conn, |conn| farms::add_member(conn, &farm.id, &user.id))?;
    user_view(conn, user)
}

/// Tokens, all or one user's, by prefix only.
pub fn list_tokens(
    conn: &mut DbConnection,
    operator: Operator<'_>,
    user_id: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<Vec<TokenView>, WorkflowError> {
    operator.authorise("listing tokens")?;
    if let Some(id) = user_id {
        existing_user(conn, id)?;
    }
    let user = user_id.map(|id| id.to_string());
    let rows = users::list_tokens(conn, user.as_deref())?;
    rows.iter().map(|row| token_view(row, now)).collect()
}

/// A new token for an account, optionally expiring; the secret is returned this once.
pub fn issue_token(
    conn: &mut DbConnection,
    operator: Operator<'_>,
    user_id: Uuid,
    expires_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<IssuedToken, WorkflowError> {
    operator.authorise("issuing a token")?;
    if expires_at.is_some_and(|end| end <= now) {
        return Err(invalid("expires_at", "expires_at must be in the future"));
    }
    let user = existing_user(conn, user_id)?;
    let token = NewToken::generate().map_err(|e| WorkflowError::Signing(e.to_string()))?;
    let row = TokenRow {
        id: Uuid::new_v4().to_string(),
        user_id: user.id,
        token_sha256: token.sha256.clone(),
        prefix: token.prefix.clone(),
        created_at: now.naive_utc(),
        expires_at: expires_at.map(|end| end.naive_utc()),
        revoked_at: None,
    };
    db::write_transaction(conn, |conn| users::insert_token(conn, &row))?;
    Ok(IssuedToken {
        token: token.secret,
        listed: token_view(&row, now)?,
    })
}

/// Revokes a token at once: from the next request on it no longer signs in.
pub fn revoke_token(
    conn: &mut DbConnection,
    operator: Operator<'_>,
    token_id: Uuid,
    now: DateTime<Utc>,
) -> Result<TokenView, WorkflowError> {
    operator.authorise("revoking a token")?;
    let id = token_id.to_string();
    let row = db::write_transaction(conn, |conn| -> Result<TokenRow, WorkflowError> {
        if !users::revoke_token(conn, &id, now.naive_utc())? {
            let existing = users::find_token(conn, &id)?;
            return Err(match existing {
                Some(_) => WorkflowError::Conflict("this token is revoked already".into()),
                None => WorkflowError::NotFound("token"),
            });
        }
        users::find_token(conn, &id)?.ok_or(WorkflowError::NotFound("token"))
    })?;
    token_view(&row, now)
}

fn existing_farm(conn: &mut DbConnection, id: Uuid) -> Result<FarmRow, WorkflowError> {
    farms::find_farm(conn, &id.to_string())?.ok_or(WorkflowError::NotFound("farm"))
}

fn existing_user(conn: &mut DbConnection, id: Uuid) -> Result<UserRow, WorkflowError> {
    users::find_user(conn, &id.to_string())?.ok_or(WorkflowError::NotFound("user"))
}

fn user_view(conn: &mut DbConnection, row: UserRow) -> Result<UserView, WorkflowError> {
    let farms = farms::farms_of_member(conn, &row.id)?;
    Ok(UserView {
        id: db::stored_uuid(&row.id)?,
        name: row.name,
        role: row.role,
        created_at: utc(row.created_at),
        farms,
    })
}

fn token_view(row: &TokenRow, now: DateTime<Utc>) -> Result<TokenView, WorkflowError> {
    let expired = row.expires_at.is_some_and(|end| end <= now.naive_utc());
    let state = match (row.revoked_at, expired) {
        (Some(_), _) => "revoked",
        (None, true) => "expired",
        (None, false) => "live",
    };
    Ok(TokenView {
        id: db::stored_uuid(&row.id)?,
        user_id: db::stored_uuid(&row.user_id)?,
        prefix: row.prefix.clone(),
        created_at: utc(row.created_at),
        expires_at: row.expires_at.map(utc),
        revoked_at: row.revoked_at.map(utc),
        state,
    })
}

fn invalid(field: &str, message: &str) -> WorkflowError {
    let error = FieldError::new(field, ErrorCode::InvalidValue, message);
    WorkflowError::Invalid(InputErrors::invalid(vec![error]))
}

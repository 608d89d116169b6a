//! Creating accounts and signing in with a token.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{Actor, WorkflowError};
use crate::accounts::{NewToken, Role};
use crate::db::farms::{self, FarmRow};
use crate::db::users::{self, TokenRow, UserRow};
use crate::db::{self, DbConnection, StorageError};
use crate::footprint::{ErrorCode, FieldError, InputErrors};

/// A farm to create or join when adding a farmer (only farmers belong to farms).
#[derive(Debug, Clone)]
pub struct FarmSpec {
    /// Unique farm name.
    pub name: String,
    /// Village.
    pub village: String,
    /// Region.
    pub region: String,
}

/// A created account and its token secret, to be shown once.
#[derive(Debug)]
pub struct CreatedUser {
    /// The account.
    pub actor: Actor,
    /// The farm it was linked to, if any.
    pub farm_id: Option<Uuid>,
    /// Bearer token secret.
    pub token: String,
}

/// Creates a user with a fresh token and, for a farm given by name, links the user to it
/// (creating the farm if it is new). All of it happens, or none. A farm given for anyone but a
/// farmer is refused before anything is written (see [`Role::may_belong_to_a_farm`]).
pub fn create_user(
    conn: &mut DbConnection,
    name: &str,
    role: Role,
    farm: Option<&FarmSpec>,
    now: DateTime<Utc>,
) -> Result<CreatedUser, WorkflowError> {
    if let Some(spec) = farm {
        require_farm_member_role(role, spec)?;
    }
    let token = NewToken::generate().map_err(|e| WorkflowError::Signing(e.to_string()))?;
    let user = UserRow {
        id: Uuid::new_v4().to_string(),
        name: name.trim().to_owned(),
        role: role.as_str().to_owned(),
        created_at: now.naive_utc(),
    };
    if user.name.is_empty() {
        return Err(WorkflowError::Conflict(
            "a user needs a non-empty name".into(),
        ));
    }

    let farm_id = db::write_transaction(conn, |conn| -> Result<_, WorkflowError> {
        users::insert_user(conn, &user)?;
        users::insert_token(conn, &token_row(&user.id, &token, now))?;
        let farm_id = match farm {
            Some(spec) => Some(join_farm(conn, &user.id, spec, now)?),
            None => None,
        };
        Ok(farm_id)
    })?;

    let actor = Actor {
        id: db::stored_uuid(&user.id)?,
        name: user.name,
        role,
    };
    Ok(CreatedUser {
        actor,
        farm_id,
        token: token.secret,
    })
}

fn require_farm_member_role(role: Role, farm: &FarmSpec) -> Result<(), WorkflowError> {
    if role.may_belong_to_a_farm() {
        return Ok(());
    }
    let message = format!(
        "only farmers are linked to farms: an {role} cannot be a member of farm `{}`, so that \
         no one decides on batches of a farm they belong to; add the account without a farm",
        farm.name.trim()
    );
    let error = FieldError::new("farm", ErrorCode::InvalidValue, message);
    Err(WorkflowError::Invalid(InputErrors::invalid(vec![error])))
}

fn token_row(user_id: &str, token: &NewToken, now: DateTime<Utc>) -> TokenRow {
    TokenRow {
        id: Uuid::new_v4().to_string(),
        user_id: user_id.to_owned(),
        token_sha256: token.sha256.clone(),
        prefix: token.prefix.clone(),
        created_at: now.naive_utc(),
        expires_at: None,
        revoked_at: None,
    }
}

fn join_farm(
    conn: &mut DbConnection,
    user_id: &str,
    spec: &FarmSpec,
    now: DateTime<Utc>,
) -> Result<Uuid, StorageError> {
    let farm = match farms::find_farm_by_name(conn, spec.name.trim())? {
        Some(existing) => existing,
        None => {
            let farm = FarmRow {
                id: Uuid::new_v4().to_string(),
                name: spec.name.trim().to_owned(),
                village: spec.village.clone(),
                region: spec.region.clone(),
                created_at: now.naive_utc(),
            };
            farms::insert_farm(conn, &farm)?;
            farm
        }
    };
    farms::add_member(conn, &farm.id, user_id)?;
    db::stored_uuid(&farm.id)
}

/// The user a bearer token belongs to, if the token is live.
pub fn authenticate(
    conn: &mut DbConnection,
    token_secret: &str,
    now: DateTime<Utc>,
) -> Result<Option<Actor>, WorkflowError> {
    let hash = crate::accounts::token_sha256(token_secret);
    let Some(user) = users::find_user_by_token(conn, &hash, now.naive_utc())? else {
        return Ok(None);
    };
    let role = user
        .role
        .parse::<Role>()
        .map_err(|e| StorageError::Corrupt(e.to_string()))?;
    Ok(Some(Actor {
        id: db::stored_uuid(&user.id)?,
        name: user.name,
        role,
    }))
}

/// The farms an actor may see: their own for a farmer, all for auditors and admins.
pub fn visible_farms(
    conn: &mut DbConnection,
    actor: &Actor,
) -> Result<Vec<FarmRow>, WorkflowError> {
    let farms = match actor.role {
        Role::Farmer => farms::farms_of_member(conn, &actor.id.to_string())?,
        Role::Auditor | Role::Admin => farms::all_farms(conn)?,
    };
    Ok(farms)
}

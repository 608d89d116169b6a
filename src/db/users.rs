//! Users and their bearer tokens (stored as SHA-256 only).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{api_tokens, users};
use super::{DbConnection, StorageError};

/// A user as stored.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = users)]
pub struct UserRow {
    /// UUID.
    pub id: String,
    /// Display name.
    pub name: String,
    /// `farmer`, `auditor` or `admin`.
    pub role: String,
    /// When it was added.
    pub created_at: NaiveDateTime,
}

/// A token as stored: never the secret itself.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = api_tokens)]
pub struct TokenRow {
    /// UUID.
    pub id: String,
    /// Owner.
    pub user_id: String,
    /// SHA-256 of the secret, hex.
    pub token_sha256: String,
    /// First characters of the secret.
    pub prefix: String,
    /// When it was made.
    pub created_at: NaiveDateTime,
    /// After this it no longer signs in.
    pub expires_at: Option<NaiveDateTime>,
    /// When it was revoked.
    pub revoked_at: Option<NaiveDateTime>,
}

/// Adds a user.
pub fn insert_user(conn: &mut DbConnection, user: &UserRow) -> Result<(), StorageError> {
    diesel::insert_into(users::table)
        .values(user)
        .execute(conn)?;
    Ok(())
}

/// Adds a token.
pub fn insert_token(conn: &mut DbConnection, token: &TokenRow) -> Result<(), StorageError> {
    diesel::insert_into(api_tokens::table)
        .values(token)
        .execute(conn)?;
    Ok(())
}

/// The user owning a live token with this hash, if any.
pub fn find_user_by_token(
    conn: &mut DbConnection,
    token_sha256: &str,
    now: NaiveDateTime,
) -> Result<Option<UserRow>, StorageError> {
    Ok(api_tokens::table
        .inner_join(users::table)
        .filter(api_tokens::token_sha256.eq(token_sha256))
        .filter(api_tokens::revoked_at.is_null())
        .filter(
            api_tokens::expires_at
                .is_null()
                .or(api_tokens::expires_at.gt(now)),
        )
        .select(UserRow::as_select())
        .first(conn)
        .optional()?)
}

/// Finds a user by id.
pub fn find_user(conn: &mut DbConnection, id: &str) -> Result<Option<UserRow>, StorageError> {
    Ok(users::table
        .find(id)
        .select(UserRow::as_select())
        .first(conn)
        .optional()?)
}

/// How many users exist: the demo loads only into an empty database.
pub fn count_users(conn: &mut DbConnection) -> Result<i64, StorageError> {
    Ok(users::table.count().get_result(conn)?)
}

/// Every user, by name.
pub fn all_users(conn: &mut DbConnection) -> Result<Vec<UserRow>, StorageError> {
    Ok(users::table
        .select(UserRow::as_select())
        .order((users::name, users::id))
        .load(conn)?)
}

/// Tokens, oldest first: all of them, or one user's.
pub fn list_tokens(
    conn: &mut DbConnection,
    user_id: Option<&str>,
) -> Result<Vec<TokenRow>, StorageError> {
    let mut query = api_tokens::table.select(TokenRow::as_select()).into_boxed();
    if let Some(user_id) = user_id {
        query = query.filter(api_tokens::user_id.eq(user_id.to_owned()));
    }
    Ok(query
        .order((api_tokens::created_at, api_tokens::id))
        .load(conn)?)
}

/// Finds a token by its id.
pub fn find_token(conn: &mut DbConnection, id: &str) -> Result<Option<TokenRow>, StorageError> {
    Ok(api_tokens::table
        .find(id)
        .select(TokenRow::as_select())
        .first(conn)
        .optional()?)
}

/// Marks a token revoked, unless it already is; says whether it changed anything.
pub fn revoke_token(
    conn: &mut DbConnection,
    id: &str,
    now: NaiveDateTime,
) -> Result<bool, StorageError> {
    let changed = diesel::update(api_tokens::table.find(id))
        .filter(api_tokens::revoked_at.is_null())
        .set(api_tokens::revoked_at.eq(now))
        .execute(conn)?;
    Ok(changed > 0)
}

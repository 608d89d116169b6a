//! The issuer's public keys with their signing windows, as published in did.json.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::issuer_keys;
use super::{DbConnection, StorageError};

/// A published key.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = issuer_keys)]
pub struct IssuerKeyRow {
    /// UUID.
    pub id: String,
    /// `z6Mk...`.
    pub public_key_multibase: String,
    /// Start of its signing window.
    pub valid_from: NaiveDateTime,
    /// End of its signing window.
    pub valid_until: Option<NaiveDateTime>,
    /// Signatures from this time on are not to be trusted.
    pub compromised_at: Option<NaiveDateTime>,
}

/// Makes `key` the active signing key unless it is already known: the previously active key's
/// signing window closes at `key.valid_from`. Returns whether the key was new.
pub fn activate_key_if_new(
    conn: &mut DbConnection,
    key: &IssuerKeyRow,
) -> Result<bool, StorageError> {
    let known = issuer_keys::table
        .filter(issuer_keys::public_key_multibase.eq(&key.public_key_multibase))
        .count()
        .get_result::<i64>(conn)?;
    if known > 0 {
        return Ok(false);
    }
    // Every other key's signing window ends now at the latest, whatever end it had before.
    let still_open = issuer_keys::valid_until
        .is_null()
        .or(issuer_keys::valid_until.gt(key.valid_from));
    diesel::update(issuer_keys::table.filter(still_open))
        .set(issuer_keys::valid_until.eq(key.valid_from))
        .execute(conn)?;
    diesel::insert_into(issuer_keys::table)
        .values(key)
        .execute(conn)?;
    Ok(true)
}

/// The key new certificates are signed with: the newest one whose window is open and that is
/// not compromised.
pub fn active_key(conn: &mut DbConnection) -> Result<Option<IssuerKeyRow>, StorageError> {
    Ok(issuer_keys::table
        .filter(issuer_keys::valid_until.is_null())
        .filter(issuer_keys::compromised_at.is_null())
        .order(issuer_keys::valid_from.desc())
        .select(IssuerKeyRow::as_select())
        .first(conn)
        .optional()?)
}

/// Finds a key by its public key.
pub fn find_key(
    conn: &mut DbConnection,
    public_key_multibase: &str,
) -> Result<Option<IssuerKeyRow>, StorageError> {
    Ok(issuer_keys::table
        .filter(issuer_keys::public_key_multibase.eq(public_key_multibase))
        .select(IssuerKeyRow::as_select())
        .first(conn)
        .optional()?)
}

/// Marks a key compromised from `since`; its window also closes then if it was open.
pub fn mark_compromised(
    conn: &mut DbConnection,
    public_key_multibase: &str,
    since: NaiveDateTime,
) -> Result<(), StorageError> {
    let key = issuer_keys::table.filter(issuer_keys::public_key_multibase.eq(public_key_multibase));
    diesel::update(key)
        .set(issuer_keys::compromised_at.eq(since))
        .execute(conn)?;
    diesel::update(key.filter(issuer_keys::valid_until.is_null()))
        .set(issuer_keys::valid_until.eq(since))
        .execute(conn)?;
    Ok(())
}

/// Every key ever used, oldest first.
pub fn all_keys(conn: &mut DbConnection) -> Result<Vec<IssuerKeyRow>, StorageError> {
    Ok(issuer_keys::table
        .select(IssuerKeyRow::as_select())
        .order(issuer_keys::valid_from)
        .load(conn)?)
}

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

/// Records a key the first time the service starts with it.
pub fn register_key_if_new(
    conn: &mut DbConnection,
    key: &IssuerKeyRow,
) -> Result<(), StorageError> {
    super::write_transaction(conn, |conn| {
        let known = issuer_keys::table
            .filter(issuer_keys::public_key_multibase.eq(&key.public_key_multibase))
            .count()
            .get_result::<i64>(conn)?;
        if known == 0 {
            diesel::insert_into(issuer_keys::table)
                .values(key)
                .execute(conn)?;
        }
        Ok(())
    })
}

/// Every key ever used, oldest first.
pub fn all_keys(conn: &mut DbConnection) -> Result<Vec<IssuerKeyRow>, StorageError> {
    Ok(issuer_keys::table
        .select(IssuerKeyRow::as_select())
        .order(issuer_keys::valid_from)
        .load(conn)?)
}

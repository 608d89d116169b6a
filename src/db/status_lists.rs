//! Which status-list entry each certificate holds, and which entries are revoked.

use diesel::prelude::*;

use super::schema::{certificate_status, revocations};
use super::{DbConnection, StorageError};

/// The next free entry as (list, index); lists hold `list_size` entries and are numbered from 1.
/// Call inside the issuing transaction (which holds the write lock), then [`insert_entry`].
pub fn next_free_entry(
    conn: &mut DbConnection,
    list_size: u64,
) -> Result<(i64, i64), StorageError> {
    let size = i64::try_from(list_size).map_err(|_| StorageError::Corrupt("list size".into()))?;
    // The last entry handed out, read from the (list_id, list_index) index: entries are taken
    // in order, so the next one follows it (counting the rows would read all of them).
    let last: Option<(i64, i64)> = certificate_status::table
        .select((certificate_status::list_id, certificate_status::list_index))
        .order((
            certificate_status::list_id.desc(),
            certificate_status::list_index.desc(),
        ))
        .first(conn)
        .optional()?;
    let taken = last.map_or(0, |(list_id, list_index)| {
        (list_id - 1) * size + list_index + 1
    });
    Ok((taken / size + 1, taken % size))
}

/// Records the entry a certificate holds; the unique key refuses a second holder.
pub fn insert_entry(
    conn: &mut DbConnection,
    certificate_id: &str,
    list_id: i64,
    list_index: i64,
) -> Result<(), StorageError> {
    diesel::insert_into(certificate_status::table)
        .values((
            certificate_status::certificate_id.eq(certificate_id),
            certificate_status::list_id.eq(list_id),
            certificate_status::list_index.eq(list_index),
        ))
        .execute(conn)?;
    Ok(())
}

/// The entry of a certificate.
pub fn entry_of(
    conn: &mut DbConnection,
    certificate_id: &str,
) -> Result<Option<(i64, i64)>, StorageError> {
    Ok(certificate_status::table
        .find(certificate_id)
        .select((certificate_status::list_id, certificate_status::list_index))
        .first(conn)
        .optional()?)
}

/// Whether any certificate holds an entry of this list.
pub fn list_exists(conn: &mut DbConnection, list_id: i64) -> Result<bool, StorageError> {
    let used: i64 = certificate_status::table
        .filter(certificate_status::list_id.eq(list_id))
        .count()
        .get_result(conn)?;
    Ok(used > 0)
}

/// The revoked entries of a list.
pub fn revoked_indexes(conn: &mut DbConnection, list_id: i64) -> Result<Vec<i64>, StorageError> {
    Ok(certificate_status::table
        .inner_join(
            revocations::table
                .on(revocations::certificate_id.eq(certificate_status::certificate_id)),
        )
        .filter(certificate_status::list_id.eq(list_id))
        .select(certificate_status::list_index)
        .load(conn)?)
}

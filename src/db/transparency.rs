//! The transparency log's rows: entries (what each leaf records) and perfect-subtree hashes.

use chrono::NaiveDateTime;
use diesel::pg::PgConnection;
use diesel::prelude::*;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::sql_types::{Array, BigInt, Integer, Text};
use diesel::sqlite::{Sqlite, SqliteConnection};

use super::schema::{log_entries, log_subtrees};
use super::{DbConnection, StorageError};

/// One log leaf as stored.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = log_entries)]
pub struct LogEntryRow {
    /// Position in the log, from 0.
    pub leaf_index: i64,
    /// `issuance`, `revocation`, `key_added`, `key_compromised`.
    pub kind: String,
    /// The bytes whose RFC 6962 leaf hash is in the tree: canonical JSON for every leaf the
    /// service writes.
    pub data: Vec<u8>,
    /// The certificate concerned, if any.
    pub certificate_id: Option<String>,
    /// When it was appended.
    pub appended_at: NaiveDateTime,
}

/// A perfect-subtree hash as stored (hex).
#[derive(Debug, Clone, Queryable, QueryableByName, Selectable, Insertable)]
#[diesel(table_name = log_subtrees)]
pub struct SubtreeRow {
    /// 0 for leaves.
    pub level: i32,
    /// Index among the subtrees of that level.
    pub subtree_index: i64,
    /// SHA-256, hex.
    pub hash: String,
}

/// The number of leaves in the log: one past the highest leaf index, read from the primary key
/// index (a `COUNT(*)` would read every entry, which a log of a million leaves makes slow).
pub fn log_size(conn: &mut DbConnection) -> Result<u64, StorageError> {
    let highest: Option<i64> = log_entries::table
        .select(diesel::dsl::max(log_entries::leaf_index))
        .first(conn)?;
    let size = highest.map_or(0, |index| index + 1);
    u64::try_from(size).map_err(|_| StorageError::Corrupt("negative log size".into()))
}

/// Stores a leaf and the subtrees it completes.
pub fn insert_entry(
    conn: &mut DbConnection,
    entry: &LogEntryRow,
    subtrees: &[SubtreeRow],
) -> Result<(), StorageError> {
    diesel::insert_into(log_entries::table)
        .values(entry)
        .execute(conn)?;
    // One statement per subtree: a multi-row INSERT has no form shared by both backends.
    for subtree in subtrees {
        diesel::insert_into(log_subtrees::table)
            .values(subtree)
            .execute(conn)?;
    }
    Ok(())
}

/// The stored hash of one perfect subtree.
pub fn subtree(
    conn: &mut DbConnection,
    level: i32,
    subtree_index: i64,
) -> Result<Option<String>, StorageError> {
    Ok(log_subtrees::table
        .find((level, subtree_index))
        .select(log_subtrees::hash)
        .first(conn)
        .optional()?)
}

/// The stored hashes of several perfect subtrees, `(level, subtree_index)`; absent ones are
/// left out of the answer. One statement whatever the number of subtrees, so it is prepared
/// once per connection: on PostgreSQL the keys go as two arrays, on SQLite as one JSON array of
/// pairs.
pub fn subtrees(
    conn: &mut DbConnection,
    ids: &[(i32, i64)],
) -> Result<Vec<SubtreeRow>, StorageError> {
    match conn {
        DbConnection::Postgres(pg) => subtrees_in_one_query(pg, ids),
        DbConnection::Sqlite(sqlite) => {
            let pairs = serde_json::to_string(ids)
                .map_err(|e| StorageError::Corrupt(format!("subtree keys: {e}")))?;
            Ok(SubtreesOfJsonPairs { pairs }.load::<SubtreeRow>(sqlite)?)
        }
    }
}

/// SQLite's query for the subtrees whose keys are a JSON array of `[level, subtree_index]`
/// pairs: it walks the array and seeks each pair in the primary key. Written as a query type
/// of its own because diesel keeps prepared statements for typed queries only, never for
/// `sql_query` text.
#[derive(Debug)]
struct SubtreesOfJsonPairs {
    pairs: String,
}

impl QueryId for SubtreesOfJsonPairs {
    type QueryId = Self;
    const HAS_STATIC_QUERY_ID: bool = true;
}

impl Query for SubtreesOfJsonPairs {
    type SqlType = (Integer, BigInt, Text);
}

impl QueryFragment<Sqlite> for SubtreesOfJsonPairs {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Sqlite>) -> QueryResult<()> {
        out.push_sql("SELECT s.level, s.subtree_index, s.hash FROM json_each(");
        out.push_bind_param::<Text, _>(&self.pairs)?;
        out.push_sql(
            ") AS wanted JOIN log_subtrees s \
             ON s.level = wanted.value ->> 0 AND s.subtree_index = wanted.value ->> 1",
        );
        Ok(())
    }
}

impl RunQueryDsl<SqliteConnection> for SubtreesOfJsonPairs {}

/// The subtrees whose keys are given as two parallel arrays: the statement's text is the same
/// for any number of keys, so PostgreSQL prepares it once per connection.
fn subtrees_in_one_query(
    pg: &mut PgConnection,
    ids: &[(i32, i64)],
) -> Result<Vec<SubtreeRow>, StorageError> {
    let (levels, indexes): (Vec<i32>, Vec<i64>) = ids.iter().copied().unzip();
    let rows = diesel::sql_query(
        "SELECT s.level, s.subtree_index, s.hash \
         FROM log_subtrees s \
         JOIN UNNEST($1::INTEGER[], $2::BIGINT[]) AS wanted (level, subtree_index) \
         ON s.level = wanted.level AND s.subtree_index = wanted.subtree_index",
    )
    .bind::<Array<Integer>, _>(levels)
    .bind::<Array<BigInt>, _>(indexes)
    .load::<SubtreeRow>(pg)?;
    Ok(rows)
}

/// Entries from `from` on, at most `limit`, in log order.
pub fn entries(
    conn: &mut DbConnection,
    from: i64,
    limit: i64,
) -> Result<Vec<LogEntryRow>, StorageError> {
    Ok(log_entries::table
        .filter(log_entries::leaf_index.ge(from))
        .order(log_entries::leaf_index)
        .limit(limit)
        .select(LogEntryRow::as_select())
        .load(conn)?)
}

//! Storage: the connection pool, migrations, and queries named for what they do.
//!
//! Rows keep ids as UUID text and times as UTC without a zone, so the same schema works on
//! SQLite and PostgreSQL. Code outside this module never writes SQL.

pub mod applications;
pub mod certificates;
pub mod evidence;
pub mod farms;
pub mod issuer_keys;
pub mod schema;
pub mod status_lists;
pub mod transparency;
pub mod users;

use std::path::{Path, PathBuf};
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::r2d2::{ConnectionManager, CustomizeConnection, Pool, PooledConnection};
use diesel::sqlite::SqliteConnection;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

/// The migrations of the SQLite backend, compiled into the binary.
pub const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");

/// How long a writer waits for another writer before SQLite gives up.
const BUSY_TIMEOUT_MS: u32 = 5_000;

/// The connection type every query takes.
pub type DbConnection = SqliteConnection;
/// A pool of connections shared by the HTTP workers.
pub type DbPool = Pool<ConnectionManager<DbConnection>>;
/// One connection borrowed from the pool.
pub type PooledDb = PooledConnection<ConnectionManager<DbConnection>>;

/// Failures of the storage layer.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    /// A query failed.
    #[error("database query failed: {0}")]
    Query(#[from] diesel::result::Error),
    /// No connection could be had.
    #[error("database connection failed: {0}")]
    Pool(#[from] diesel::r2d2::PoolError),
    /// The pool could not be built.
    #[error("database pool could not start: {0}")]
    PoolBuild(String),
    /// Migrations failed to apply.
    #[error("database migrations failed: {0}")]
    Migration(String),
    /// The database URL names something we cannot open.
    #[error("unsupported database URL `{0}`: use a SQLite file path or sqlite:// URL")]
    UnsupportedUrl(String),
    /// The folder for the SQLite file could not be made.
    #[error("cannot create the database folder {path}: {source}")]
    Folder {
        /// The folder.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A stored value is not what the schema promises (a bug or a hand-edited database).
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
}

/// Sets the pragmas every SQLite connection needs: a busy timeout so writers queue instead of
/// failing, WAL so readers never wait for the writer, and foreign keys.
///
/// The busy timeout comes first: switching a new file to WAL takes a lock, and the pool opens
/// its connections in parallel, so without the timeout all but one of them fail at first start.
#[derive(Debug, Clone, Copy)]
struct SqlitePragmas;

impl CustomizeConnection<SqliteConnection, diesel::r2d2::Error> for SqlitePragmas {
    fn on_acquire(&self, conn: &mut SqliteConnection) -> Result<(), diesel::r2d2::Error> {
        let pragmas = format!(
            "PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}; PRAGMA journal_mode = WAL; \
             PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;"
        );
        conn.batch_execute(&pragmas)
            .map_err(diesel::r2d2::Error::QueryError)
    }
}

/// The SQLite file a configured URL names, without touching the file system.
///
/// A `postgres://` URL is refused until that backend exists, rather than silently read as a
/// SQLite file with a strange name.
pub fn sqlite_file(database_url: &str) -> Result<PathBuf, StorageError> {
    if database_url.contains("://") && !database_url.starts_with("sqlite://") {
        return Err(StorageError::UnsupportedUrl(database_url.to_owned()));
    }
    Ok(PathBuf::from(database_url.trim_start_matches("sqlite://")))
}

/// Turns the configured URL into a SQLite file path (see [`sqlite_file`]), creating its folder.
pub fn sqlite_path(database_url: &str) -> Result<PathBuf, StorageError> {
    let path = sqlite_file(database_url)?;
    if let Some(folder) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(folder).map_err(|source| StorageError::Folder {
            path: folder.to_owned(),
            source,
        })?;
    }
    Ok(path)
}

/// Opens the pool and applies pending migrations.
pub fn connect_and_migrate(database_url: &str, pool_size: u32) -> Result<DbPool, StorageError> {
    let path = sqlite_path(database_url)?;
    let pool = build_pool(&path, pool_size)?;

    let mut conn = pool.get()?;
    conn.run_pending_migrations(SQLITE_MIGRATIONS)
        .map_err(|e| StorageError::Migration(e.to_string()))?;
    Ok(pool)
}

fn build_pool(path: &Path, pool_size: u32) -> Result<DbPool, StorageError> {
    let manager = ConnectionManager::<SqliteConnection>::new(path.to_string_lossy());
    Pool::builder()
        .max_size(pool_size)
        .connection_timeout(Duration::from_secs(10))
        .connection_customizer(Box::new(SqlitePragmas))
        .build(manager)
        .map_err(|e| StorageError::PoolBuild(e.to_string()))
}

/// Runs `work` in a write transaction that takes the write lock at its start (SQLite
/// `BEGIN IMMEDIATE`), so two writers queue on the busy timeout instead of one failing midway.
pub fn write_transaction<T, E>(
    conn: &mut DbConnection,
    work: impl FnOnce(&mut DbConnection) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<diesel::result::Error>,
{
    conn.immediate_transaction(work)
}

/// Parses a UUID read from the database.
pub(crate) fn stored_uuid(text: &str) -> Result<uuid::Uuid, StorageError> {
    uuid::Uuid::parse_str(text).map_err(|_| StorageError::Corrupt(format!("bad uuid `{text}`")))
}

#[cfg(test)]
mod tests {
    use diesel::Connection;

    use super::*;

    #[test]
    fn a_new_connection_waits_for_a_lock_held_elsewhere_instead_of_failing() {
        let folder = tempfile::tempdir().expect("temp folder");
        let url = folder.path().join("fresh.sqlite3");
        let url = url.to_string_lossy().into_owned();
        let mut holder = SqliteConnection::establish(&url).expect("first connection");
        holder
            .batch_execute("BEGIN EXCLUSIVE; CREATE TABLE t (x INTEGER);")
            .expect("exclusive lock");

        let waiter = std::thread::spawn({
            let url = url.clone();
            move || {
                let mut conn = SqliteConnection::establish(&url).expect("second connection");
                SqlitePragmas.on_acquire(&mut conn)
            }
        });
        std::thread::sleep(Duration::from_millis(300));
        holder.batch_execute("COMMIT").expect("release");

        let outcome = waiter.join().expect("thread");
        assert!(outcome.is_ok(), "pragmas failed: {outcome:?}");
    }
}

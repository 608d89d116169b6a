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

use std::path::PathBuf;
use std::time::Duration;

use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::pg::PgConnection;
use diesel::r2d2::{CustomizeConnection, ManageConnection, Pool, PooledConnection, R2D2Connection};
use diesel::sqlite::SqliteConnection;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

/// The migrations of the SQLite backend, compiled into the binary.
pub const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
/// The migrations of the PostgreSQL backend, name for name the same as SQLite's.
pub const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// How long a writer waits for another writer before SQLite gives up.
const BUSY_TIMEOUT_MS: u32 = 30_000;

/// The PostgreSQL advisory lock every write transaction holds, so that writers queue one after
/// another as they do on SQLite. The transparency log and the status lists hand out the next
/// free position inside a write transaction; with several instances over one database, two
/// writers must never read the same "next" position.
const WRITE_LOCK_KEY: i64 = 0x7a65_726f_6c62_6c31;

/// One connection to either backend; every query in this module is written once for both.
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    /// The embedded default: a SQLite file.
    Sqlite(SqliteConnection),
    /// The production backend.
    Postgres(PgConnection),
}

/// A pool of connections shared by the HTTP workers.
pub type DbPool = Pool<DbManager>;
/// One connection borrowed from the pool.
pub type PooledDb = PooledConnection<DbManager>;

/// Opens connections of the one backend a URL names. (diesel's generic manager would try every
/// backend in turn and report only "invalid connection url", losing the real cause: a refused
/// port, a missing database, a wrong password.)
#[derive(Debug, Clone)]
pub struct DbManager {
    url: DatabaseUrl,
}

impl DbManager {
    fn establish(&self) -> diesel::ConnectionResult<DbConnection> {
        use diesel::Connection;

        match &self.url {
            DatabaseUrl::Sqlite { path, .. } => {
                SqliteConnection::establish(&path.to_string_lossy()).map(DbConnection::Sqlite)
            }
            DatabaseUrl::Postgres(address) => {
                PgConnection::establish(address).map(DbConnection::Postgres)
            }
        }
    }
}

impl ManageConnection for DbManager {
    type Connection = DbConnection;
    type Error = diesel::r2d2::Error;

    fn connect(&self) -> Result<DbConnection, Self::Error> {
        self.establish()
            .map_err(diesel::r2d2::Error::ConnectionError)
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), Self::Error> {
        conn.ping().map_err(diesel::r2d2::Error::QueryError)
    }

    fn has_broken(&self, conn: &mut DbConnection) -> bool {
        conn.is_broken()
    }
}

/// Which database a configured URL names, decided from its scheme alone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    /// A SQLite file. `create` is false for a bare path, which must name an existing file.
    Sqlite {
        /// The file.
        path: PathBuf,
        /// Whether a missing file (and its folder) may be created.
        create: bool,
    },
    /// A `postgres://` or `postgresql://` URL, passed to libpq as it is.
    Postgres(String),
}

impl DatabaseUrl {
    /// Reads a configured URL: `sqlite://PATH` (created if missing), `postgres://...` or
    /// `postgresql://...`, or a bare path to an existing SQLite file. A bare path that does not
    /// exist is refused, so that a mistyped URL cannot quietly start an empty database.
    pub fn parse(text: &str) -> Result<Self, StorageError> {
        if text.starts_with("postgres://") || text.starts_with("postgresql://") {
            return Ok(DatabaseUrl::Postgres(text.to_owned()));
        }
        if let Some(path) = text.strip_prefix("sqlite://") {
            return Ok(DatabaseUrl::Sqlite {
                path: PathBuf::from(path),
                create: true,
            });
        }
        if text.contains("://") || text.is_empty() {
            return Err(StorageError::UnsupportedUrl(redacted(text)));
        }
        Ok(DatabaseUrl::Sqlite {
            path: PathBuf::from(text),
            create: false,
        })
    }

    /// The SQLite file, for the SQLite backend.
    pub fn sqlite_file(&self) -> Option<&std::path::Path> {
        match self {
            DatabaseUrl::Sqlite { path, .. } => Some(path),
            DatabaseUrl::Postgres(_) => None,
        }
    }

    /// The backend's name, for logs and messages.
    pub fn backend(&self) -> &'static str {
        match self {
            DatabaseUrl::Sqlite { .. } => "sqlite",
            DatabaseUrl::Postgres(_) => "postgres",
        }
    }
}

/// The URL as it may be shown in messages and logs: a password in it is replaced by `***`.
pub fn redacted(database_url: &str) -> String {
    let Some((scheme, rest)) = database_url.split_once("://") else {
        return database_url.to_owned();
    };
    let (authority, tail) = rest
        .split_once('/')
        .map_or((rest, None), |(a, t)| (a, Some(t)));
    let Some((userinfo, host)) = authority.rsplit_once('@') else {
        return database_url.to_owned();
    };
    let user = userinfo.split_once(':').map_or(userinfo, |(user, _)| user);
    let shown_user = if user.len() < userinfo.len() {
        format!("{user}:***")
    } else {
        user.to_owned()
    };
    let tail = tail.map(|t| format!("/{t}")).unwrap_or_default();
    format!("{scheme}://{shown_user}@{host}{tail}")
}

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
    #[error(
        "unsupported database URL `{0}`: use sqlite://PATH, postgres://USER@HOST/DB, or the path \
         of an existing SQLite file"
    )]
    UnsupportedUrl(String),
    /// A bare path names no file.
    #[error(
        "no SQLite database at {0}: write sqlite://{0} to create one there, or correct the path"
    )]
    MissingFile(String),
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

/// Sets what every new connection needs. On SQLite: a busy timeout so writers queue instead of
/// failing, WAL so readers never wait for the writer, and foreign keys; on PostgreSQL: UTC, so
/// that timestamps read and written without a zone mean the same instant on every instance.
///
/// The busy timeout comes first: switching a new file to WAL takes a lock, and the pool opens
/// its connections in parallel, so without the timeout all but one of them fail at first start.
#[derive(Debug, Clone, Copy)]
struct ConnectionSetup;

impl CustomizeConnection<DbConnection, diesel::r2d2::Error> for ConnectionSetup {
    fn on_acquire(&self, conn: &mut DbConnection) -> Result<(), diesel::r2d2::Error> {
        let setup = match conn {
            DbConnection::Sqlite(sqlite) => {
                keep_plans_whatever_the_bindings(sqlite)?;
                format!(
                    "PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}; PRAGMA journal_mode = WAL; \
                 PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;"
                )
            }
            DbConnection::Postgres(_) => "SET TIME ZONE 'UTC';".to_owned(),
        };
        conn.batch_execute(&setup)
            .map_err(diesel::r2d2::Error::QueryError)
    }
}

/// Turns on SQLite's query planner stability guarantee, so a prepared statement keeps its plan
/// whatever values are bound to it.
///
/// Without it, SQLite (since 3.50) reads a bound `LIMIT ?` while planning, and a statement
/// whose plan read a bound value expires whenever that value is bound again. diesel binds every
/// value on every execution, so each `.first()` and `.limit()` query was parsed and planned
/// anew on every call, whatever diesel's statement cache held: a third of the CPU time of a
/// scan that misses the cache. Our plans never depend on the values (there are no `sqlite_stat`
/// tables and no `LIKE ?`), so nothing is lost.
#[allow(unsafe_code)]
fn keep_plans_whatever_the_bindings(
    conn: &mut SqliteConnection,
) -> Result<(), diesel::r2d2::Error> {
    use libsqlite3_sys::{SQLITE_DBCONFIG_ENABLE_QPSG, SQLITE_OK, sqlite3_db_config};
    use std::os::raw::c_int;

    // SAFETY: the handle is diesel's open connection, used only for this call and not kept;
    // SQLITE_DBCONFIG_ENABLE_QPSG takes an int (1: on) and an int pointer that may be null.
    let code = unsafe {
        conn.with_raw_connection(|db| {
            sqlite3_db_config(
                db,
                SQLITE_DBCONFIG_ENABLE_QPSG,
                1 as c_int,
                std::ptr::null_mut::<c_int>(),
            )
        })
    };
    if code == SQLITE_OK {
        Ok(())
    } else {
        Err(diesel::r2d2::Error::QueryError(
            diesel::result::Error::QueryBuilderError(
                format!("sqlite3_db_config(ENABLE_QPSG) returned {code}").into(),
            ),
        ))
    }
}

/// Reads the configured URL (see [`DatabaseUrl::parse`]) and, for a SQLite file that may be
/// created, makes its folder.
pub fn prepare(database_url: &str) -> Result<DatabaseUrl, StorageError> {
    let url = DatabaseUrl::parse(database_url)?;
    if let DatabaseUrl::Sqlite { path, create } = &url {
        if !create && !path.exists() {
            return Err(StorageError::MissingFile(path.display().to_string()));
        }
        if let Some(folder) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(folder).map_err(|source| StorageError::Folder {
                path: folder.to_owned(),
                source,
            })?;
        }
    }
    Ok(url)
}

/// Opens the pool and applies pending migrations of the URL's backend.
pub fn connect_and_migrate(database_url: &str, pool_size: u32) -> Result<DbPool, StorageError> {
    let url = prepare(database_url)?;
    let pool = build_pool(&url, pool_size)?;

    let mut conn = pool.get()?;
    run_migrations(&mut conn)?;
    Ok(pool)
}

/// Applies the pending migrations of the connection's backend.
pub fn run_migrations(conn: &mut DbConnection) -> Result<(), StorageError> {
    let applied = match conn {
        DbConnection::Sqlite(sqlite) => sqlite.run_pending_migrations(SQLITE_MIGRATIONS).map(drop),
        DbConnection::Postgres(pg) => migrate_postgres(pg),
    };
    applied.map_err(|e| StorageError::Migration(e.to_string()))
}

/// PostgreSQL migrations under a transaction-scoped advisory lock, so that instances starting
/// together over one database do not apply the same migration twice.
fn migrate_postgres(pg: &mut PgConnection) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    use diesel::{Connection, RunQueryDsl};

    pg.transaction(|pg| {
        diesel::sql_query("SELECT pg_advisory_xact_lock($1)")
            .bind::<diesel::sql_types::BigInt, _>(WRITE_LOCK_KEY)
            .execute(pg)?;
        pg.run_pending_migrations(POSTGRES_MIGRATIONS)
            .map(drop)
            .map_err(|e| diesel::result::Error::QueryBuilderError(e.to_string().into()))
    })
    .map_err(Into::into)
}

fn build_pool(url: &DatabaseUrl, pool_size: u32) -> Result<DbPool, StorageError> {
    let manager = DbManager { url: url.clone() };
    open_first(&manager)?;
    Pool::builder()
        .max_size(pool_size)
        .connection_timeout(Duration::from_secs(30))
        .connection_customizer(Box::new(ConnectionSetup))
        .build(manager)
        .map_err(|e| StorageError::PoolBuild(e.to_string()))
}

/// Opens and sets up one connection before the pool opens its others, for two reasons. A
/// database that cannot be reached is reported at once with its real cause, instead of after
/// the pool's wait. And on SQLite the switch to WAL happens from this one connection: WAL is a
/// property of the file, but switching needs the file to itself, and a pool opening all its
/// connections at once makes one wait on another's read lock, which SQLite answers with
/// "database is locked" at once instead of using the busy timeout.
fn open_first(manager: &DbManager) -> Result<(), StorageError> {
    let mut first = manager
        .establish()
        .map_err(|e| StorageError::PoolBuild(e.to_string()))?;
    ConnectionSetup
        .on_acquire(&mut first)
        .map_err(|e| StorageError::PoolBuild(e.to_string()))
}

/// Runs `work` in a write transaction that waits for every other writer before it reads
/// anything: SQLite `BEGIN IMMEDIATE` takes the write lock at the start, and on PostgreSQL the
/// transaction first takes [`WRITE_LOCK_KEY`] as an advisory lock. Two writers therefore queue
/// instead of one failing midway or both reading the same next log position.
pub fn write_transaction<T, E>(
    conn: &mut DbConnection,
    work: impl FnOnce(&mut DbConnection) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<diesel::result::Error>,
{
    begin_write(conn)?;
    match work(conn) {
        Ok(value) => {
            <DbConnection as diesel::Connection>::TransactionManager::commit_transaction(conn)?;
            Ok(value)
        }
        Err(error) => {
            match <DbConnection as diesel::Connection>::TransactionManager::rollback_transaction(
                conn,
            ) {
                Ok(()) | Err(diesel::result::Error::BrokenTransactionManager) => Err(error),
                Err(rollback) => Err(rollback.into()),
            }
        }
    }
}

fn begin_write(conn: &mut DbConnection) -> diesel::QueryResult<()> {
    match conn {
        DbConnection::Sqlite(sqlite) => {
            AnsiTransactionManager::begin_transaction_sql(sqlite, "BEGIN IMMEDIATE")
        }
        DbConnection::Postgres(pg) => {
            use diesel::RunQueryDsl;

            AnsiTransactionManager::begin_transaction(pg)?;
            let locked = diesel::sql_query("SELECT pg_advisory_xact_lock($1)")
                .bind::<diesel::sql_types::BigInt, _>(WRITE_LOCK_KEY)
                .execute(pg);
            if let Err(error) = locked {
                AnsiTransactionManager::rollback_transaction(pg)?;
                return Err(error);
            }
            Ok(())
        }
    }
}

/// Runs the reads of `work` as one snapshot on SQLite, where a transaction takes the file's read
/// lock once instead of once per statement; on PostgreSQL the statements run on their own,
/// since `BEGIN` and `COMMIT` would cost two more round trips. Meant for reads that are correct
/// without a snapshot (rows never updated once written, or, like the scan cache's, guarded
/// against a change meanwhile by other means); inside a transaction it becomes a savepoint.
pub fn read_together<T, E>(
    conn: &mut DbConnection,
    work: impl FnOnce(&mut DbConnection) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<diesel::result::Error>,
{
    use diesel::Connection;

    match conn {
        DbConnection::Sqlite(_) => conn.transaction(work),
        DbConnection::Postgres(_) => work(conn),
    }
}

/// Writes a consistent copy of a SQLite database to `output` while others keep reading and
/// writing (`VACUUM INTO` reads one snapshot). PostgreSQL has `pg_dump` for this.
pub fn backup_sqlite(
    conn: &mut DbConnection,
    output: &std::path::Path,
) -> Result<(), StorageError> {
    use diesel::RunQueryDsl;

    let DbConnection::Sqlite(sqlite) = conn else {
        return Err(StorageError::UnsupportedUrl(
            "backup copies SQLite files; use pg_dump for PostgreSQL".into(),
        ));
    };
    diesel::sql_query("VACUUM INTO ?")
        .bind::<diesel::sql_types::Text, _>(output.to_string_lossy().into_owned())
        .execute(sqlite)?;
    Ok(())
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
    fn passwords_never_reach_a_message() {
        assert_eq!(
            redacted("postgres://zl:S3cret@db:5432/zl?sslmode=require"),
            "postgres://zl:***@db:5432/zl?sslmode=require"
        );
        assert_eq!(redacted("postgres://zl@db/zl"), "postgres://zl@db/zl");
        assert_eq!(
            redacted("sqlite://data/x.sqlite3"),
            "sqlite://data/x.sqlite3"
        );
        let refused = DatabaseUrl::parse("mysql://u:S3cret@h/db").expect_err("refused");
        assert!(!refused.to_string().contains("S3cret"), "{refused}");
    }

    #[test]
    fn the_backend_follows_the_url_scheme() {
        assert_eq!(
            DatabaseUrl::parse("postgres://u@h/db")
                .expect("postgres")
                .backend(),
            "postgres"
        );
        assert_eq!(
            DatabaseUrl::parse("postgresql://u@h/db")
                .expect("postgresql")
                .backend(),
            "postgres"
        );
        assert_eq!(
            DatabaseUrl::parse("sqlite://data/x.sqlite3").expect("sqlite"),
            DatabaseUrl::Sqlite {
                path: PathBuf::from("data/x.sqlite3"),
                create: true
            }
        );
        for unsupported in ["mysql://u@h/db", "postgress://u@h/db", ""] {
            assert!(
                matches!(
                    DatabaseUrl::parse(unsupported),
                    Err(StorageError::UnsupportedUrl(_))
                ),
                "{unsupported}"
            );
        }
    }

    #[test]
    fn a_bare_path_must_name_an_existing_file_and_creates_nothing() {
        let folder = tempfile::tempdir().expect("temp folder");
        let missing = folder.path().join("typo/zerolabel.sqlite3");
        let refused = prepare(&missing.to_string_lossy());
        assert!(
            matches!(refused, Err(StorageError::MissingFile(_))),
            "{refused:?}"
        );
        assert!(!folder.path().join("typo").exists(), "no folder made");

        let existing = folder.path().join("present.sqlite3");
        std::fs::write(&existing, b"").expect("file");
        assert!(prepare(&existing.to_string_lossy()).is_ok());
    }

    #[test]
    #[allow(unsafe_code)]
    fn a_set_up_sqlite_connection_keeps_its_plans_whatever_the_bindings() {
        use libsqlite3_sys::{SQLITE_DBCONFIG_ENABLE_QPSG, sqlite3_db_config};
        use std::os::raw::c_int;

        let folder = tempfile::tempdir().expect("temp folder");
        let url = folder.path().join("plans.sqlite3");
        let conn = SqliteConnection::establish(&url.to_string_lossy()).expect("connection");
        let mut conn = DbConnection::Sqlite(conn);
        ConnectionSetup.on_acquire(&mut conn).expect("set up");

        let DbConnection::Sqlite(sqlite) = &mut conn else {
            unreachable!("made as SQLite")
        };
        let mut enabled: c_int = -1;
        // SAFETY: diesel's open handle, used for this call only; -1 reads the setting into
        // `enabled` without changing it.
        unsafe {
            sqlite.with_raw_connection(|db| {
                sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_QPSG, -1 as c_int, &mut enabled)
            });
        }
        assert_eq!(
            enabled, 1,
            "a statement with LIMIT ? would be planned anew on every call"
        );
    }

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
                let conn = SqliteConnection::establish(&url).expect("second connection");
                ConnectionSetup.on_acquire(&mut DbConnection::Sqlite(conn))
            }
        });
        std::thread::sleep(Duration::from_millis(300));
        holder.batch_execute("COMMIT").expect("release");

        let outcome = waiter.join().expect("thread");
        assert!(outcome.is_ok(), "pragmas failed: {outcome:?}");
    }
}

//! A fresh database per test, on the backend the run is for: SQLite by default, PostgreSQL when
//! `ZEROLABEL_TEST_POSTGRES_URL` names a server (a new database is created on it for each test
//! and dropped when the test ends).

use std::path::Path;

use diesel::{Connection, RunQueryDsl, pg::PgConnection};

/// The environment variable naming the PostgreSQL server to test against.
pub const POSTGRES_URL_VARIABLE: &str = "ZEROLABEL_TEST_POSTGRES_URL";

/// A database made for one test.
pub struct TestDatabase {
    /// What `ZEROLABEL_DATABASE_URL` is set to for this database.
    pub url: String,
    /// The server and database name, on PostgreSQL, so that it can be dropped.
    postgres: Option<(String, String)>,
}

impl TestDatabase {
    /// A new, empty database: a SQLite file under `folder`, or a new PostgreSQL database.
    pub fn create(folder: &Path, name: &str) -> Self {
        match std::env::var(POSTGRES_URL_VARIABLE) {
            Ok(server) if !server.is_empty() => Self::create_on_postgres(&server),
            _ => TestDatabase {
                url: format!("sqlite://{}", folder.join(name).display()),
                postgres: None,
            },
        }
    }

    fn create_on_postgres(server: &str) -> Self {
        let name = format!("zl_test_{}", uuid::Uuid::new_v4().simple());
        let mut admin = PgConnection::establish(server).expect("the test PostgreSQL server");
        diesel::sql_query(format!("CREATE DATABASE {name}"))
            .execute(&mut admin)
            .expect("a fresh test database");
        TestDatabase {
            url: database_on(server, &name),
            postgres: Some((server.to_owned(), name)),
        }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let Some((server, name)) = &self.postgres else {
            return;
        };
        if let Ok(mut admin) = PgConnection::establish(server) {
            let dropped = diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .execute(&mut admin);
            if let Err(error) = dropped {
                eprintln!("could not drop test database {name}: {error}");
            }
        }
    }
}

/// `server` (`postgres://user@host:port/anything?params`) with its database replaced by `name`.
fn database_on(server: &str, name: &str) -> String {
    let (scheme, rest) = server.split_once("://").expect("a URL with a scheme");
    let (authority, tail) = rest.split_once('/').unwrap_or((rest, ""));
    let query = tail.split_once('?').map(|(_, q)| format!("?{q}"));
    format!("{scheme}://{authority}/{name}{}", query.unwrap_or_default())
}

#[test]
fn the_database_name_replaces_the_servers_own() {
    assert_eq!(
        database_on("postgres://postgres@127.0.0.1:5432/postgres", "zl_x"),
        "postgres://postgres@127.0.0.1:5432/zl_x"
    );
    assert_eq!(
        database_on("postgres://u@h/db?sslmode=disable", "zl_x"),
        "postgres://u@h/zl_x?sslmode=disable"
    );
    assert_eq!(
        database_on("postgresql://u@h", "zl_x"),
        "postgresql://u@h/zl_x"
    );
}

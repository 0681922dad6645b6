//! sqlx pools on the fixture of each engine (for the sqlx and sea-orm
//! helpers' tests), made by [`with_pool`].

use std::str::FromStr;

use super::db::{Engine, namespace, server_url, sqlite_file};

/// A pool of one engine, holding the fixture.
pub enum Pool {
    Postgres(sqlx::PgPool),
    Mysql(sqlx::MySqlPool),
    Sqlite(sqlx::SqlitePool),
}

/// Runs `f` on a current-thread runtime with a two-connection pool of
/// `engine` (PostgreSQL's search path and MySQL's database are the
/// fixture's namespace; SQLite is a temporary file with the fixture).
pub fn with_pool<F: AsyncFnOnce(Pool)>(engine: Engine, f: F) {
    // The fixture is loaded by the blocking drivers, outside the runtime.
    let url = server_url(engine);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let path = std::env::temp_dir().join(format!(
        "listquery-pools-{}-{:?}.sqlite3",
        std::process::id(),
        std::thread::current().id()
    ));
    // Removed however `f` ends, a panic included.
    struct Remove(std::path::PathBuf);
    impl Drop for Remove {
        fn drop(&mut self) {
            let _ = std::fs::remove_file(&self.0);
        }
    }
    let _remove = Remove(path.clone());
    runtime.block_on(async {
        let pool = match engine {
            Engine::Postgres => {
                let options = sqlx::postgres::PgConnectOptions::from_str(&url.unwrap())
                    .unwrap()
                    .options([("search_path", namespace())]);
                let pool = sqlx::postgres::PgPoolOptions::new()
                    .max_connections(2)
                    .connect_with(options)
                    .await
                    .expect("PostgreSQL through sqlx");
                Pool::Postgres(pool)
            }
            Engine::Mysql => {
                let options = sqlx::mysql::MySqlConnectOptions::from_str(&url.unwrap())
                    .unwrap()
                    .database(&namespace());
                let pool = sqlx::mysql::MySqlPoolOptions::new()
                    .max_connections(2)
                    .connect_with(options)
                    .await
                    .expect("MySQL through sqlx");
                Pool::Mysql(pool)
            }
            Engine::Sqlite => {
                let _ = std::fs::remove_file(&path);
                sqlite_file(&path);
                let options = sqlx::sqlite::SqliteConnectOptions::new().filename(&path);
                let pool = sqlx::sqlite::SqlitePoolOptions::new()
                    .max_connections(2)
                    .connect_with(options)
                    .await
                    .expect("SQLite through sqlx");
                Pool::Sqlite(pool)
            }
        };
        f(pool).await;
    });
}

impl Pool {
    /// The pool as a sea-orm connection.
    pub fn into_sea_orm(self) -> sea_orm::DatabaseConnection {
        match self {
            Pool::Postgres(p) => sea_orm::SqlxPostgresConnector::from_sqlx_postgres_pool(p),
            Pool::Mysql(p) => sea_orm::SqlxMySqlConnector::from_sqlx_mysql_pool(p),
            Pool::Sqlite(p) => sea_orm::SqlxSqliteConnector::from_sqlx_sqlite_pool(p),
        }
    }
}

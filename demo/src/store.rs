//! The database behind the demo: the embedded SQLite file (default), or a
//! PostgreSQL or MySQL/MariaDB server (`--database-url`). One request reads
//! its page and, when needed, its count (or estimate) in one read-only
//! transaction, so both see the same data.

use std::time::Duration;

use deadpool::unmanaged::Object;

use chrono::{NaiveDate, NaiveDateTime};
use listquery::Decimal;
use listquery::ListQuery;
use listquery::exec::rusqlite::ExecError;
use sea_query::SelectStatement;

use crate::records::{Layout, Row};
use crate::{db, remote};

/// Why a statement could not run; logged on the server, never sent.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// SQLite failed.
    #[error("sqlite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// PostgreSQL, MySQL or MariaDB failed.
    #[error("server: {0}")]
    Sqlx(#[from] sqlx::Error),
    /// A column did not hold what the record expects.
    #[error("column: {0}")]
    Column(String),
    /// A statement could not be built (too many bound values: the
    /// client's), or the count or estimate statement's result could not be read.
    #[error("sql: {0}")]
    Sql(#[from] listquery::SqlError),
    /// The database file could not be put in place.
    #[error("file: {0}")]
    Io(#[from] std::io::Error),
    /// The database cannot be served (checked at start-up).
    #[error("{0}")]
    Setup(String),
    /// A statement ran past the statement timeout and was stopped.
    #[error("the statement ran past its timeout and was stopped")]
    Timeout,
}

/// One row, read by column index whatever the driver.
pub trait Columns {
    fn opt_int(&self, i: usize) -> Result<Option<i64>, DbError>;
    fn opt_text(&self, i: usize) -> Result<Option<String>, DbError>;
    fn opt_bool(&self, i: usize) -> Result<Option<bool>, DbError>;
    fn opt_decimal(&self, i: usize) -> Result<Option<Decimal>, DbError>;
    fn opt_date(&self, i: usize) -> Result<Option<NaiveDate>, DbError>;
    fn opt_datetime(&self, i: usize) -> Result<Option<NaiveDateTime>, DbError>;
}

/// Open connections, each lent to one request at a time (deadpool's
/// unmanaged pool): a request takes any free one; when all are busy it waits
/// at most the pool's `wait`, and is then turned away (the server answers 503
/// with `Retry-After`) instead of queueing without bound.
pub struct Pool<T>(deadpool::unmanaged::Pool<T>);

impl<T> Pool<T> {
    pub fn new(connections: Vec<T>, wait: Duration) -> Self {
        let mut config = deadpool::unmanaged::PoolConfig::new(connections.len().max(1));
        config.timeout = Some(wait);
        config.runtime = Some(deadpool::Runtime::Tokio1);
        let pool = deadpool::unmanaged::Pool::from_config(&config);
        for connection in connections {
            // The pool's size is the number of connections: never refused.
            let _ = pool.try_add(connection);
        }
        Self(pool)
    }

    /// A free connection, after waiting at most the pool's `wait`; `None`
    /// when none came free in time.
    pub async fn checkout(&self) -> Option<Object<T>> {
        self.0.get().await.ok()
    }

    /// Runs `f` on every connection (at start-up, all are free).
    pub fn each(&self, mut f: impl FnMut(&mut T) -> Result<(), DbError>) -> Result<(), DbError> {
        // Held until every one is done, so that no connection comes twice.
        let mut taken = Vec::new();
        while let Ok(mut connection) = self.0.try_get() {
            f(&mut connection)?;
            taken.push(connection);
        }
        Ok(())
    }
}

/// One request: its query, the endpoint's scoped base statement, and how
/// to read its rows.
pub struct Plan {
    pub query: ListQuery,
    pub base: SelectStatement,
    pub layout: Layout,
}

/// What a request read.
pub type Fetched = listquery::exec::Fetched<Row>;

/// The demo's database.
pub enum Database {
    /// Read-only connections to the file, and the statement timeout.
    Sqlite(Pool<rusqlite::Connection>, Duration),
    Remote(remote::Remote),
}

/// A connection lent to one request.
pub enum Connection {
    Sqlite(Object<rusqlite::Connection>, Duration),
    Remote(remote::RemoteConnection),
}

impl Database {
    /// Runs each statement once (rows read and dropped) on every SQLite
    /// connection: the start-up check that the tables and columns are there
    /// and readable (a server's are probed as it opens).
    pub async fn probe(&self, statements: &[String]) -> Result<(), DbError> {
        match self {
            // Start-up only, and each statement reads one row: not worth a thread.
            Self::Sqlite(pool, _) => pool.each(|conn| {
                for sql in statements {
                    conn.prepare(sql)?.query([])?.next()?;
                }
                Ok(())
            }),
            Self::Remote(_) => Ok(()),
        }
    }

    /// A free connection, or `None` when all stayed busy for the pool's
    /// wait; an error when the database server cannot be reached.
    pub async fn checkout(&self) -> Result<Option<Connection>, DbError> {
        match self {
            Self::Sqlite(pool, timeout) => {
                Ok((pool.checkout().await)
                    .map(|connection| Connection::Sqlite(connection, *timeout)))
            }
            Self::Remote(remote) => Ok(remote.checkout().await?.map(Connection::Remote)),
        }
    }
}

impl Connection {
    /// Runs a request's statements in one read-only transaction: SQLite's on
    /// a blocking thread (the connection is already this request's, so
    /// threads never outnumber connections), a server's on the runtime.
    pub async fn read(self, plan: Plan) -> Result<Fetched, DbError> {
        match self {
            // listquery's rusqlite helper: the page and its count in one
            // transaction, values bound by sea-query-rusqlite.
            Self::Sqlite(mut conn, timeout) => {
                let read = move || {
                    db::within(&mut conn, timeout, |conn| {
                        let Plan {
                            query,
                            base,
                            layout,
                        } = plan;
                        let read = |row: &rusqlite::Row<'_>| {
                            Row::read(&db::SqliteRow(row), &layout).map_err(|e| match e {
                                DbError::Sqlite(e) => e,
                                e => rusqlite::Error::FromSqlConversionFailure(
                                    0,
                                    rusqlite::types::Type::Null,
                                    Box::new(e),
                                ),
                            })
                        };
                        listquery::exec::rusqlite::fetch(conn, &query, &base, read).map_err(|e| {
                            match e {
                                ExecError::Sql(e) => DbError::Sql(e),
                                ExecError::Database(e) => DbError::Sqlite(e),
                                other => DbError::Column(other.to_string()),
                            }
                        })
                    })
                };
                (tokio::task::spawn_blocking(read).await)
                    .map_err(|e| DbError::Column(format!("the reading thread failed: {e}")))?
            }
            // listquery's sqlx helper.
            Self::Remote(mut conn) => conn.read(plan).await,
        }
    }
}

//! Running a request on a database driver: from a validated [`ListQuery`]
//! and your base statement to the page and the envelope, with the page and
//! its count read in one transaction (so both see the same rows).
//!
//! - `rusqlite` (feature `rusqlite`): values bound
//!   with `sea-query-rusqlite`.
//! - `sqlx` (features `sqlx-postgres`, `sqlx-mysql`,
//!   `sqlx-sqlite`, or `sqlx` for all three): a pooled connection, one of
//!   your own, or your sqlx transaction; values bound with `sea-query-sqlx`.
//! - `sea_orm` (feature `sea-orm`): a
//!   `sea_orm::Select<E>` filtered, sorted and paged by the request, run on
//!   any sea-orm connection.
//!
//! Each returns the rows and totals ([`Fetched`]) or the answer
//! ([`ListResponse`](crate::page::ListResponse)), and fails with an
//! [`ExecError`] whose [`to_json_api`](ExecError::to_json_api) is the 400 a
//! client earned, or `None` for a server error.
//!
//! Serving pages from SQLite with several connections (rusqlite, sqlx or
//! sea-orm), two settings of your build and connections decide how far it
//! scales (figures in the repository's `docs/performance.md`):
//! - build the bundled SQLite without `SQLITE_ENABLE_MEMORY_MANAGEMENT`
//!   (`LIBSQLITE3_FLAGS=-USQLITE_ENABLE_MEMORY_MANAGEMENT` in your
//!   `.cargo/config.toml`'s `[env]`): with it every connection of the
//!   process shares one page cache behind one lock;
//! - give each reading connection `PRAGMA mmap_size` (the demo maps 1 GiB):
//!   with SQLite's 2 MiB page cache, a count over a large table otherwise
//!   copies its whole index out of the OS cache on every request (1.2 ms
//!   against 0.1 ms over 400,000 rows).
//!
//! sea-query's `Value` gains variants with its features, and every binder crate
//! must be built knowing them: listquery builds `sea-query-rusqlite` and
//! `sea-query-sqlx` with `with-json` and `postgres-array`, which is what
//! sea-orm's drivers turn on. If your build turns on more (sea-orm's default
//! `with-uuid` or `with-time`), turn on the same feature of the binder crate
//! you use beside it.
//!
//! [`ListQuery`]: crate::ListQuery

#[cfg(feature = "rusqlite")]
pub mod rusqlite;
#[cfg(feature = "sea-orm")]
pub mod sea_orm;
#[cfg(any(
    feature = "sqlx-postgres",
    feature = "sqlx-mysql",
    feature = "sqlx-sqlite"
))]
pub mod sqlx;

use crate::error::ErrorDocument;
use crate::page::{PageError, PageTotals};
use crate::sql::SqlError;

/// What a request read: its rows (one more than the page in simple and
/// cursor mode, the cap plus one when unpaginated, as
/// [`ListResponse::new`](crate::page::ListResponse::new) expects) and, when
/// the envelope needs them, the total and the aggregates.
#[derive(Debug, Clone, PartialEq)]
pub struct Fetched<T> {
    /// The rows, as your mapping made them.
    pub rows: Vec<T>,
    /// The count statement's result (or the estimate, for a resource with
    /// `count = "estimated"`), when the request needs a total or metadata
    /// ([`ListQuery::needs_totals`](crate::ListQuery::needs_totals)).
    pub totals: Option<PageTotals>,
}

/// Why a request could not be answered; `E` is the driver's error
/// (`rusqlite::Error`, `sqlx::Error`, `sea_orm::DbErr`).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ExecError<E> {
    /// The statements could not be built (too many bound values: the
    /// client's; see [`ExecError::to_json_api`]).
    #[error(transparent)]
    Sql(#[from] SqlError),
    /// The database failed, or your row mapping did.
    #[error("database: {0}")]
    Database(#[source] E),
    /// The envelope could not be made (an unpaginated list over its cap:
    /// the client's; see [`ExecError::to_json_api`]).
    #[error(transparent)]
    Page(#[from] PageError),
}

impl<E> ExecError<E> {
    /// The JSON:API body of a 400 when the client is to blame (too many
    /// bound values, too many rows for an unpaginated list); `None` for the
    /// server's errors, which you log and answer with a 500 that carries no
    /// database text.
    pub fn to_json_api(&self) -> Option<ErrorDocument> {
        match self {
            Self::Sql(e) => e.to_json_api(),
            Self::Page(e) => e.to_json_api(),
            Self::Database(_) => None,
        }
    }
}

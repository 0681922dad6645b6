//! A request on `sqlx` (features `sqlx-postgres`, `sqlx-mysql`,
//! `sqlx-sqlite`; `sqlx` turns on all three).
//!
//! [`fetch`], [`list`] and [`list_as`] take a connection: `&mut *pool.acquire().await?`
//! (a `PoolConnection`), `&mut *tx` (your `Transaction`), or a `&mut PgConnection`
//! (and the MySQL and SQLite ones). Their futures are `Send`, for axum's and
//! actix's handlers. Values are bound with
//! `sea-query-sqlx`. Pick `sqlx`'s runtime and TLS features in your own
//! `Cargo.toml` as usual (`runtime-tokio`, `tls-rustls`, ...): listquery
//! does not choose them for you.
//!
//! What runs:
//! - the page, alone, when the envelope needs no total (simple and cursor
//!   pages, an agent's plain list);
//! - otherwise the page and its count (with the aggregates for `metadata`)
//!   in one read-only transaction, so both see the same rows: PostgreSQL
//!   `BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY`, MySQL `START
//!   TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY` (after `SET
//!   TRANSACTION ISOLATION LEVEL REPEATABLE READ`, as a snapshot needs it),
//!   SQLite `BEGIN`.
//!   Handed a connection that is in an sqlx `Transaction` of yours, they
//!   run inside it and leave it open. (Only sqlx's own transactions are
//!   seen: one opened with a raw `BEGIN` statement is not, and the helper's
//!   `COMMIT` would end it.) On an error the helper's transaction is rolled
//!   back (sqlx does it when the `Transaction` is dropped);
//! - for a resource with `count = "estimated"` on PostgreSQL and MySQL, the
//!   planner's estimate (SPEC §12) in place of the count when it is large
//!   enough, as [`EstimateQuery`](crate::sql::EstimateQuery) describes.
//!
//! ```
//! use listquery::exec::sqlx::list;
//! use listquery::page::PageOptions;
//! use listquery::{ListQuery, RequestOptions, Role, Schema};
//! use sqlx::Row;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let schema = Schema::from_toml_str(r#"
//!     [resources.invoices]
//!     table = "invoices"
//!     default_sort = "-amount"
//!     [resources.invoices.fields]
//!     id     = { type = "integer", sort = true }
//!     status = { type = "enum", values = ["paid", "sent"], filter = true }
//!     amount = { type = "decimal", scale = 2, sort = true }
//!     [resources.invoices.aggregates]
//!     total_amount = { function = "sum", field = "amount" }
//! "#)?;
//! let pool = sqlx::SqlitePool::connect("sqlite::memory:").await?;
//! sqlx::raw_sql(sqlx::AssertSqlSafe("
//!     CREATE TABLE invoices (id INTEGER PRIMARY KEY, status TEXT, amount NUMERIC);
//!     INSERT INTO invoices VALUES (1, 'paid', 10.50), (2, 'sent', 99.99), (3, 'paid', 20.00);
//! ")).execute(&pool).await?;
//!
//! // Per request: parse (a 400 on error), scope, run, answer.
//! let invoices = schema.resource("invoices").expect("declared above");
//! let query = ListQuery::parse("filter[status]=paid&metadata=1&page=1", invoices,
//!     RequestOptions::for_role(Role::Admin))?;
//! let base = sea_query::Query::select().from("invoices").to_owned(); // listquery writes the columns
//! let page = PageOptions::new("https://api.example.com/invoices")?;
//! let mut conn = pool.acquire().await?;
//! let answer = list(&mut *conn, &query, &base, &page, |row| {
//!     Ok((row.try_get::<i64, _>("id")?, row.try_get::<String, _>("status")?))
//! }).await?;
//! let json = serde_json::to_value(&answer)?;
//! assert_eq!(json["total"], 2);
//! assert_eq!(json["data"][0], serde_json::json!([3, "paid"]));
//! assert_eq!(json["metadata"]["total_amount"], "30.50");
//! # Ok(())
//! # }
//! ```

use std::future::Future;

use sea_query::{SelectStatement, Values};
use sea_query_sqlx::SqlxValues;
use serde::Serialize;
use sqlx::{AssertSqlSafe, Connection, FromRow, Row};

use super::Fetched;
use crate::page::{ListResponse, PageOptions, PageTotals};
use crate::sql::{Dialect, ListSql};
use crate::validate::ListQuery;

/// Why a request could not be answered: [`Database`](super::ExecError::Database)
/// holds `sqlx`'s error, or your row mapping's.
pub type ExecError = super::ExecError<sqlx::Error>;

impl From<sqlx::Error> for ExecError {
    fn from(e: sqlx::Error) -> Self {
        Self::Database(e)
    }
}

mod sealed {
    pub trait Sealed {}
}

/// A database `sqlx` drives and listquery writes SQL for: `sqlx::Postgres`,
/// `sqlx::MySql`, `sqlx::Sqlite` (each with its feature). Sealed.
pub trait Engine: sqlx::Database + sealed::Sealed {
    /// The SQL dialect listquery writes for it.
    const DIALECT: Dialect;
    /// The statement that opens the read-only snapshot of a page and its count.
    const BEGIN: &'static str;
    /// What runs before [`Engine::BEGIN`], if anything: MySQL takes a
    /// consistent snapshot only at REPEATABLE READ, whatever the session's level.
    const BEFORE_BEGIN: Option<&'static str>;

    /// Runs `sql` with `values` bound and returns its rows. The text is
    /// taken as safe (`sqlx::AssertSqlSafe`): give it statements built by
    /// listquery or sea-query, whose values are bound, never text with a
    /// client's input in it.
    fn rows<'c>(
        conn: &'c mut Self::Connection,
        sql: String,
        values: Values,
    ) -> impl Future<Output = Result<Vec<Self::Row>, sqlx::Error>> + Send + 'c;

    /// The plan of an `EXPLAIN ... FORMAT JSON` row, as text.
    #[doc(hidden)]
    fn plan_text(row: &Self::Row) -> Result<String, sqlx::Error>;

    /// A count statement's row: `total`, then `extra` nullable text columns.
    #[doc(hidden)]
    fn count_row(row: &Self::Row, extra: usize) -> Result<(i64, Vec<Option<String>>), sqlx::Error>;
}

/// What every engine shares: reading by position, binding with sea-query-sqlx.
macro_rules! engine {
    ($feature:literal, $db:ty, $dialect:expr, $before:expr, $begin:literal, $plan:expr) => {
        #[cfg(feature = $feature)]
        impl sealed::Sealed for $db {}

        #[cfg(feature = $feature)]
        impl Engine for $db {
            const DIALECT: Dialect = $dialect;
            const BEGIN: &'static str = $begin;
            const BEFORE_BEGIN: Option<&'static str> = $before;

            fn rows<'c>(
                conn: &'c mut Self::Connection,
                sql: String,
                values: Values,
            ) -> impl Future<Output = Result<Vec<Self::Row>, sqlx::Error>> + Send + 'c {
                sqlx::query_with(AssertSqlSafe(sql), SqlxValues(values)).fetch_all(conn)
            }

            fn plan_text(row: &Self::Row) -> Result<String, sqlx::Error> {
                $plan(row)
            }

            fn count_row(
                row: &Self::Row,
                extra: usize,
            ) -> Result<(i64, Vec<Option<String>>), sqlx::Error> {
                let total = row.try_get::<i64, _>(0)?;
                let texts = (1..=extra)
                    .map(|i| row.try_get::<Option<String>, _>(i))
                    .collect::<Result<_, _>>()?;
                Ok((total, texts))
            }
        }
    };
}

engine!(
    "sqlx-postgres",
    sqlx::Postgres,
    Dialect::Postgres,
    None,
    "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY",
    // EXPLAIN (FORMAT JSON) answers a `json` column.
    |row: &sqlx::postgres::PgRow| Ok(row.try_get::<serde_json::Value, _>(0)?.to_string())
);
engine!(
    "sqlx-mysql",
    sqlx::MySql,
    Dialect::Mysql,
    Some("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"),
    "START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY",
    |row: &sqlx::mysql::MySqlRow| row.try_get::<String, _>(0)
);
engine!(
    "sqlx-sqlite",
    sqlx::Sqlite,
    Dialect::Sqlite,
    None,
    "BEGIN",
    // listquery never estimates on SQLite (it has no row estimate to read).
    |row: &sqlx::sqlite::SqliteRow| row.try_get::<String, _>(0)
);

/// A row of connection `C`'s database.
pub type RowOf<C> = <<C as Connection>::Database as sqlx::Database>::Row;

/// Runs the request: its page, and when the envelope needs it its count and
/// aggregates (or estimate), in one transaction. `base` is your statement
/// (table, scoping; leave its select list empty and listquery writes it,
/// SPEC §16); `map` makes a row, reading columns by name (a sparse `fields`
/// request leaves some out).
///
/// # Errors
///
/// [`ExecError`]: the statements could not be built, or the database or
/// `map` failed ([`Database`](super::ExecError::Database)).
pub async fn fetch<C, T>(
    conn: &mut C,
    query: &ListQuery,
    base: &SelectStatement,
    mut map: impl FnMut(&RowOf<C>) -> Result<T, sqlx::Error>,
) -> Result<Fetched<T>, ExecError>
where
    C: Connection,
    C::Database: Engine + sqlx::Database<Connection = C>,
{
    let sql = ListSql::new(query, C::Database::DIALECT);
    let (select, values) = sql.build(&sql.select(base)?);
    let (count, estimate) = match query.needs_totals() {
        true => (Some(sql.count(base)?), sql.estimate(base)?),
        false => (None, None),
    };
    let (rows, totals) = match &count {
        None => (C::Database::rows(conn, select, values).await?, None),
        Some(count) if conn.is_in_transaction() => {
            let (rows, totals) =
                read::<C::Database>(conn, (select, values), count, estimate).await?;
            (rows, Some(totals))
        }
        Some(count) => {
            if let Some(before) = C::Database::BEFORE_BEGIN {
                C::Database::rows(conn, before.to_owned(), Values(Vec::new())).await?;
            }
            let mut tx = conn.begin_with(AssertSqlSafe(C::Database::BEGIN)).await?;
            let (rows, totals) =
                read::<C::Database>(&mut tx, (select, values), count, estimate).await?;
            tx.commit().await?;
            (rows, Some(totals))
        }
    };
    let rows = rows.iter().map(&mut map).collect::<Result<_, _>>()?;
    Ok(Fetched { rows, totals })
}

/// The page, then the estimate when there is one and it is used, else the count.
async fn read<DB: Engine>(
    conn: &mut DB::Connection,
    (select, values): (String, Values),
    count: &crate::sql::CountQuery,
    estimate: Option<crate::sql::EstimateQuery>,
) -> Result<(Vec<DB::Row>, PageTotals), ExecError> {
    let rows = DB::rows(conn, select, values).await?;
    if let Some(estimate) = estimate {
        let (text, values) = estimate.build();
        let plan = DB::rows(conn, text, values).await?;
        let rows_estimated = match plan.first() {
            Some(row) => {
                (DB::plan_text(row).ok()).and_then(|plan| estimate.decode(&plan).ok().flatten())
            }
            None => None,
        };
        // No usable estimate (or an unreadable plan): count exactly.
        if let Some(total) = rows_estimated.filter(|&n| estimate.is_used(n)) {
            return Ok((rows, PageTotals::estimated(total)));
        }
    }
    let (text, values) = count.build();
    let row = DB::rows(conn, text, values).await?;
    let row = row
        .first()
        .ok_or_else(|| sqlx::Error::Protocol("the count statement gave no row".into()))?;
    let (total, texts) = DB::count_row(row, count.columns().len())?;
    Ok((rows, PageTotals::from(count.decode(total, &texts)?)))
}

/// [`fetch`], then the answer: the envelope of the request's pagination
/// mode, or the plain array of an unpaginated list.
///
/// # Errors
///
/// As [`fetch`]; and [`Page`](super::ExecError::Page) for an unpaginated list
/// over its cap (`too_many_rows`, the client's).
pub async fn list<C, T>(
    conn: &mut C,
    query: &ListQuery,
    base: &SelectStatement,
    page: &PageOptions,
    map: impl FnMut(&RowOf<C>) -> Result<T, sqlx::Error>,
) -> Result<ListResponse<T>, ExecError>
where
    C: Connection,
    C::Database: Engine + sqlx::Database<Connection = C>,
    T: Serialize,
{
    let Fetched { rows, totals } = fetch(conn, query, base, map).await?;
    Ok(ListResponse::new(query, rows, totals, page)?)
}

/// [`list`] with rows made by `T`'s [`FromRow`] (`#[derive(sqlx::FromRow)]`).
/// A sparse `fields` request leaves columns out, which a derived `FromRow`
/// reads as an error unless those fields are `#[sqlx(default)]`; map by hand
/// with [`list`] for resources that offer `fields`.
///
/// # Errors
///
/// As [`list`].
pub async fn list_as<C, T>(
    conn: &mut C,
    query: &ListQuery,
    base: &SelectStatement,
    page: &PageOptions,
) -> Result<ListResponse<T>, ExecError>
where
    C: Connection,
    C::Database: Engine + sqlx::Database<Connection = C>,
    T: Serialize + for<'r> FromRow<'r, RowOf<C>>,
{
    list(conn, query, base, page, |row| T::from_row(row)).await
}

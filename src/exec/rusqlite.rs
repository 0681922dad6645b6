//! A request on a [`rusqlite::Connection`] (feature `rusqlite`).
//!
//! ```
//! use listquery::exec::rusqlite::list;
//! use listquery::page::PageOptions;
//! use listquery::{ListQuery, RequestOptions, Role, Schema};
//! use rusqlite::Connection;
//!
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
//! let mut conn = Connection::open_in_memory()?;
//! conn.execute_batch("
//!     CREATE TABLE invoices (id INTEGER PRIMARY KEY, status TEXT, amount NUMERIC);
//!     INSERT INTO invoices VALUES (1, 'paid', 10.50), (2, 'sent', 99.99), (3, 'paid', 20.00);
//! ")?;
//!
//! // Per request: parse (a 400 on error), scope, run, answer.
//! let invoices = schema.resource("invoices").expect("declared above");
//! let query = ListQuery::parse("filter[status]=paid&metadata=1&page=1", invoices,
//!     RequestOptions::for_role(Role::Admin))?;
//! let base = sea_query::Query::select().from("invoices").to_owned(); // listquery writes the columns
//! let page = PageOptions::new("https://api.example.com/invoices")?;
//! let answer = list(&mut conn, &query, &base, &page, |row| {
//!     Ok((row.get::<_, i64>("id")?, row.get::<_, f64>("amount")?))
//! })?;
//! let json = serde_json::to_value(&answer)?;
//! assert_eq!(json["total"], 2);
//! assert_eq!(json["data"][0], serde_json::json!([3, 20.0]));
//! assert_eq!(json["metadata"]["total_amount"], "30.50");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use rusqlite::{Connection, Row, Transaction};
use sea_query::{SelectStatement, Values};
use sea_query_rusqlite::RusqliteValue;
use serde::Serialize;

use super::Fetched;
use crate::page::{ListResponse, PageOptions, PageTotals};
use crate::sql::{Dialect, ListSql};
use crate::validate::ListQuery;

/// Why a request could not be answered: [`ExecError::Database`] holds
/// SQLite's error, or your row mapping's.
pub type ExecError = super::ExecError<rusqlite::Error>;

impl From<rusqlite::Error> for ExecError {
    fn from(e: rusqlite::Error) -> Self {
        Self::Database(e)
    }
}

/// Runs the request: its page, and when the envelope needs it its count and
/// aggregates, in one transaction. `base` is your statement (table, scoping;
/// leave its select list empty and listquery writes it, SPEC §16); `map`
/// makes a row, reading columns by name (a sparse `fields` request leaves
/// some out).
///
/// # Errors
///
/// [`ExecError`]: the statements could not be built, or SQLite or `map`
/// failed ([`ExecError::Database`](super::ExecError::Database)).
pub fn fetch<T>(
    conn: &mut Connection,
    query: &ListQuery,
    base: &SelectStatement,
    mut map: impl FnMut(&Row<'_>) -> rusqlite::Result<T>,
) -> Result<Fetched<T>, ExecError> {
    let sql = ListSql::new(query, Dialect::Sqlite);
    let (select, values) = sql.build(&sql.select(base)?);
    let count = match query.needs_totals() {
        true => Some(sql.count(base)?),
        false => None,
    };
    let tx = conn.transaction()?;
    let rows = {
        let mut statement = tx.prepare_cached(&select)?;
        let params = params(values);
        let mapped =
            statement.query_map(rusqlite::params_from_iter(params.iter()), |row| map(row))?;
        mapped.collect::<rusqlite::Result<Vec<T>>>()?
    };
    let totals = match count {
        Some(count) => {
            let (text, values) = count.build();
            let (total, texts) = count_row(&tx, &text, values, count.columns().len())?;
            Some(PageTotals::from(count.decode(total, &texts)?))
        }
        None => None,
    };
    tx.finish()?;
    Ok(Fetched { rows, totals })
}

/// [`fetch`], then the answer: the envelope of the request's pagination
/// mode, or the plain array of an unpaginated list.
///
/// # Errors
///
/// As [`fetch`]; and [`ExecError::Page`](super::ExecError::Page) for an unpaginated list over its cap
/// (`too_many_rows`, the client's).
pub fn list<T: Serialize>(
    conn: &mut Connection,
    query: &ListQuery,
    base: &SelectStatement,
    page: &PageOptions,
    map: impl FnMut(&Row<'_>) -> rusqlite::Result<T>,
) -> Result<ListResponse<T>, ExecError> {
    let Fetched { rows, totals } = fetch(conn, query, base, map)?;
    Ok(ListResponse::new(query, rows, totals, page)?)
}

/// sea-query's values as rusqlite parameters (sea-query-rusqlite's binding:
/// decimals as text, which a NUMERIC column turns into numbers).
fn params(values: Values) -> Vec<RusqliteValue> {
    values.into_iter().map(RusqliteValue).collect()
}

/// The one row of a count statement: `total`, then `extra` text columns.
fn count_row(
    tx: &Transaction<'_>,
    sql: &str,
    values: Values,
    extra: usize,
) -> rusqlite::Result<(i64, Vec<Option<String>>)> {
    let params = params(values);
    tx.prepare_cached(sql)?
        .query_row(rusqlite::params_from_iter(params.iter()), |row| {
            let total = row.get(0)?;
            let texts = (1..=extra)
                .map(|i| row.get::<_, Option<String>>(i))
                .collect::<rusqlite::Result<_>>()?;
            Ok((total, texts))
        })
}

//! A request on sea-orm (feature `sea-orm`): your `Entity::find()`, with
//! whatever scoping you give it, filtered, sorted and paged by the request,
//! and answered with the envelope.
//!
//! - [`apply`] writes the request into a `Select<E>` (the filters AND'ed onto
//!   yours, the sort, LIMIT and OFFSET or the cursor's condition) and gives
//!   sea-query's statement back, for when you run it yourself;
//! - [`fetch`] and [`list`] run it on a `DatabaseConnection`: the page, and
//!   when the envelope needs it the count (or estimate) in one read-only
//!   transaction (REPEATABLE READ on PostgreSQL and MySQL; SQLite's
//!   transactions are snapshots). [`fetch_on`] runs on any connection or
//!   transaction of yours as it is, opening none.
//!
//! Rows are made by `M: FromQueryResult`: your `Model`, or
//! `serde_json::Value` for a resource that offers `fields` (a sparse request
//! selects only the fields asked for, which a `Model` cannot be read from).
//! The SQL dialect follows the connection's backend.
//!
//! ```
//! use listquery::exec::sea_orm::list;
//! use listquery::page::PageOptions;
//! use listquery::{ListQuery, RequestOptions, Role, Schema};
//! use sea_orm::entity::prelude::*;
//! use sea_orm::{ConnectionTrait, Database};
//!
//! mod invoice {
//!     use sea_orm::entity::prelude::*;
//!
//!     #[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
//!     #[sea_orm(table_name = "invoices")]
//!     pub struct Model {
//!         #[sea_orm(primary_key)]
//!         pub id: i64,
//!         pub status: String,
//!         pub amount: i64,
//!     }
//!
//!     #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
//!     pub enum Relation {}
//!
//!     impl ActiveModelBehavior for ActiveModel {}
//! }
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
//!     amount = { type = "integer", sort = true, filter = true }
//!     [resources.invoices.aggregates]
//!     total_amount = { function = "sum", field = "amount" }
//! "#)?;
//! let db = Database::connect("sqlite::memory:").await?;
//! db.execute_unprepared("
//!     CREATE TABLE invoices (id INTEGER PRIMARY KEY, status TEXT NOT NULL, amount INTEGER NOT NULL);
//!     INSERT INTO invoices VALUES (1, 'paid', 1050), (2, 'sent', 9999), (3, 'paid', 2000), (4, 'paid', 7);
//! ").await?;
//!
//! // Per request: parse (a 400 on error), scope with sea-orm, run, answer.
//! let invoices = schema.resource("invoices").expect("declared above");
//! let query = ListQuery::parse("filter[status]=paid&sort=amount&per_page=2&metadata=1",
//!     invoices, RequestOptions::for_role(Role::Admin))?;
//! let select = invoice::Entity::find().filter(invoice::Column::Amount.gt(10));
//! let page = PageOptions::new("https://api.example.com/invoices")?;
//! let answer = list::<_, invoice::Model>(&db, &query, select, &page).await?;
//! let json = serde_json::to_value(&answer)?;
//! assert_eq!(json["total"], 2);
//! assert_eq!(json["data"][0]["id"], 1);
//! assert_eq!(json["data"][1]["amount"], 2000);
//! assert_eq!(json["metadata"]["total_amount"], 3050);
//! # Ok(())
//! # }
//! ```

use sea_orm::{
    AccessMode, ConnectionTrait, DatabaseConnection, DbBackend, DbErr, EntityTrait,
    FromQueryResult, IsolationLevel, QueryResult, QueryTrait, Select, Statement, TransactionTrait,
};
use sea_query::{SelectStatement, Values};
use serde::Serialize;

use super::Fetched;
use crate::page::{ListResponse, PageOptions, PageTotals};
use crate::sql::{Dialect, ListSql};
use crate::validate::ListQuery;

/// Why a request could not be answered: [`Database`](super::ExecError::Database)
/// holds sea-orm's error, or `M`'s when a row could not be read.
pub type ExecError = super::ExecError<DbErr>;

impl From<DbErr> for ExecError {
    fn from(e: DbErr) -> Self {
        Self::Database(e)
    }
}

/// The dialect listquery writes for a sea-orm backend.
///
/// # Errors
///
/// A backend listquery does not write SQL for (sea-orm may add some).
pub fn dialect(backend: DbBackend) -> Result<Dialect, ExecError> {
    match backend {
        DbBackend::Postgres => Ok(Dialect::Postgres),
        DbBackend::MySql => Ok(Dialect::Mysql),
        DbBackend::Sqlite => Ok(Dialect::Sqlite),
        // sea-orm's enum is non-exhaustive.
        #[allow(unreachable_patterns)]
        _ => Err(ExecError::Database(DbErr::BackendNotSupported {
            db: "listquery",
            ctx: "a backend listquery writes no SQL for",
        })),
    }
}

/// The request written into `select`: the page's statement (your select
/// list, joins and conditions kept; the request's filters AND'ed on; its
/// ORDER BY, LIMIT and OFFSET or cursor condition), in `dialect`.
///
/// # Errors
///
/// [`Sql`](super::ExecError::Sql): too many bound values (the client's).
pub fn apply<E: EntityTrait>(
    query: &ListQuery,
    select: Select<E>,
    dialect: Dialect,
) -> Result<SelectStatement, ExecError> {
    Ok(ListSql::new(query, dialect).select(&select.into_query())?)
}

/// Runs the request on `db`: its page, and when the envelope needs it its
/// count and aggregates (or estimate), in one read-only transaction.
///
/// # Errors
///
/// [`ExecError`]: the statements could not be built, or the database or
/// `M` failed ([`Database`](super::ExecError::Database)).
pub async fn fetch<E, M>(
    db: &DatabaseConnection,
    query: &ListQuery,
    select: Select<E>,
) -> Result<Fetched<M>, ExecError>
where
    E: EntityTrait,
    M: FromQueryResult,
{
    if !query.needs_totals() {
        return fetch_on(db, query, select).await;
    }
    let tx = match db.get_database_backend() {
        // SQLite's transactions are snapshots already, and sea-orm warns
        // when asked to set their isolation.
        DbBackend::Sqlite => db.begin().await?,
        _ => {
            db.begin_with_config(
                Some(IsolationLevel::RepeatableRead),
                Some(AccessMode::ReadOnly),
            )
            .await?
        }
    };
    let fetched = fetch_on(&tx, query, select).await?;
    tx.commit().await?;
    Ok(fetched)
}

/// [`fetch`] on a connection or transaction of yours, as it is: no
/// transaction is opened, so give it one for the page and its count to see
/// the same rows.
///
/// # Errors
///
/// As [`fetch`].
pub async fn fetch_on<C, E, M>(
    conn: &C,
    query: &ListQuery,
    select: Select<E>,
) -> Result<Fetched<M>, ExecError>
where
    C: ConnectionTrait,
    E: EntityTrait,
    M: FromQueryResult,
{
    let backend = conn.get_database_backend();
    let sql = ListSql::new(query, dialect(backend)?);
    let base = select.into_query();
    let statement =
        |(text, values): (String, Values)| Statement::from_sql_and_values(backend, text, values);
    let rows = conn
        .query_all_raw(statement(sql.build(&sql.select(&base)?)))
        .await?
        .iter()
        .map(|row| M::from_query_result(row, ""))
        .collect::<Result<Vec<M>, DbErr>>()?;
    if !query.needs_totals() {
        return Ok(Fetched { rows, totals: None });
    }
    if let Some(estimate) = sql.estimate(&base)? {
        let plan = conn.query_one_raw(statement(estimate.build())).await?;
        let rows_estimated = match plan {
            Some(row) => {
                (plan_text(&row).ok()).and_then(|plan| estimate.decode(&plan).ok().flatten())
            }
            None => None,
        };
        // No usable estimate (or an unreadable plan): count exactly.
        if let Some(total) = rows_estimated.filter(|&n| estimate.is_used(n)) {
            return Ok(Fetched {
                rows,
                totals: Some(PageTotals::estimated(total)),
            });
        }
    }
    let count = sql.count(&base)?;
    let row = conn
        .query_one_raw(statement(count.build()))
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("the count statement gave no row".into()))?;
    let total: i64 = row.try_get_by_index(0)?;
    let texts = (1..=count.columns().len())
        .map(|i| row.try_get_by_index::<Option<String>>(i))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Fetched {
        rows,
        totals: Some(PageTotals::from(count.decode(total, &texts)?)),
    })
}

/// An `EXPLAIN ... FORMAT JSON` row's plan, as text: PostgreSQL answers a
/// `json` column, MySQL text.
fn plan_text(row: &QueryResult) -> Result<String, DbErr> {
    match row.try_get_by_index::<serde_json::Value>(0) {
        Ok(serde_json::Value::String(text)) => Ok(text),
        Ok(json) => Ok(json.to_string()),
        Err(_) => row.try_get_by_index::<String>(0),
    }
}

/// [`fetch`], then the answer: the envelope of the request's pagination
/// mode, or the plain array of an unpaginated list.
///
/// # Errors
///
/// As [`fetch`]; and [`Page`](super::ExecError::Page) for an unpaginated list
/// over its cap (`too_many_rows`, the client's).
pub async fn list<E, M>(
    db: &DatabaseConnection,
    query: &ListQuery,
    select: Select<E>,
    page: &PageOptions,
) -> Result<ListResponse<M>, ExecError>
where
    E: EntityTrait,
    M: FromQueryResult + Serialize,
{
    let Fetched { rows, totals } = fetch(db, query, select).await?;
    Ok(ListResponse::new(query, rows, totals, page)?)
}

//! The demo on a PostgreSQL or MySQL/MariaDB server (`--database-url`): the
//! same tables and seed as the SQLite file, native types (BIGINT, TEXT or
//! VARCHAR, NUMERIC(12,2), BOOLEAN, DATE, TIMESTAMP), and statements run with
//! sea-query's values bound by type.

use std::time::Duration;

use chrono::{Datelike, NaiveDate, NaiveDateTime, Timelike};
use deadpool::unmanaged::Object;
use listquery::Decimal;
use listquery::sql::{CountQuery, Dialect, EstimateQuery};
use mysql::prelude::Queryable;
use sea_query::{Alias, Expr, Query, Value as Bound, Values};

use crate::records::{Layout, Row};
use crate::seed::{self, Cell};
use crate::store::{self, Columns, DbError, Fetched, Pool};

/// Whether the server stopped the statement at its timeout: PostgreSQL's
/// `query_canceled`, MySQL's 3024, MariaDB's 1969.
fn stopped_by_timeout(e: &DbError) -> bool {
    match e {
        DbError::Postgres(e) => e.code() == Some(&postgres::error::SqlState::QUERY_CANCELED),
        DbError::Mysql(mysql::Error::MySqlError(e)) => matches!(e.code, 3024 | 1969),
        _ => false,
    }
}

/// Rows per INSERT statement while seeding.
const BATCH: usize = 500;

/// A connected server: its connections, in a pool.
pub enum Remote {
    Postgres(Pool<PgClient>),
    Mysql(Pool<mysql::Conn>),
}

/// A connection of the server, lent to one request.
pub enum RemoteConnection {
    Postgres(Object<PgClient>),
    Mysql(Object<mysql::Conn>),
}

/// A synchronous PostgreSQL client. It runs its own small runtime, which may
/// not be dropped inside the server's async context (at shutdown): it is
/// dropped on a thread of its own.
pub struct PgClient(Option<Box<postgres::Client>>);

impl std::ops::Deref for PgClient {
    type Target = postgres::Client;
    fn deref(&self) -> &postgres::Client {
        self.0
            .as_ref()
            .unwrap_or_else(|| unreachable!("taken only on drop"))
    }
}

impl std::ops::DerefMut for PgClient {
    fn deref_mut(&mut self) -> &mut postgres::Client {
        self.0
            .as_mut()
            .unwrap_or_else(|| unreachable!("taken only on drop"))
    }
}

impl Drop for PgClient {
    fn drop(&mut self) {
        if let Some(client) = self.0.take() {
            let _ = std::thread::spawn(move || drop(client)).join();
        }
    }
}

impl Remote {
    /// Connects `size` connections to `url` (`postgres://…`, `postgresql://…`
    /// or `mysql://…`); a request waits at most `wait` for a free one.
    pub fn connect(url: &str, size: usize, wait: Duration) -> Result<Self, String> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let clients = (0..size.max(1))
                .map(|_| {
                    postgres::Client::connect(url, postgres::NoTls)
                        .map(|c| PgClient(Some(Box::new(c))))
                })
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| format!("cannot connect to PostgreSQL: {e}"))?;
            return Ok(Self::Postgres(Pool::new(clients, wait)));
        }
        if url.starts_with("mysql://") {
            let opts = mysql::Opts::from_url(url).map_err(|e| format!("--database-url: {e}"))?;
            let opts = mysql::OptsBuilder::from_opts(opts).init(vec![
                "SET NAMES utf8mb4 COLLATE utf8mb4_bin",
                "SET time_zone = '+00:00'",
            ]);
            let conns = (0..size.max(1))
                .map(|_| mysql::Conn::new(opts.clone()))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| format!("cannot connect to MySQL: {e}"))?;
            return Ok(Self::Mysql(Pool::new(conns, wait)));
        }
        Err(format!(
            "--database-url must start with postgres://, postgresql:// or mysql://, not {:?}",
            url.split("://").next().unwrap_or_default()
        ))
    }

    pub fn dialect(&self) -> Dialect {
        match self {
            Self::Postgres(_) => Dialect::Postgres,
            Self::Mysql(_) => Dialect::Mysql,
        }
    }

    /// Creates and seeds the tables unless `invoices` exists. Returns whether
    /// it seeded. PostgreSQL seeds in one transaction; MySQL's DDL commits on
    /// its own, so a failed seed drops the tables it created.
    pub fn create_if_missing(&self, customers: u32) -> Result<bool, DbError> {
        match self {
            Self::Postgres(clients) => clients.with_free(|client| -> Result<bool, DbError> {
                    let exists = client
                        .query_opt("SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'invoices'", &[])?
                        .is_some();
                    if exists {
                        return Ok(false);
                    }
                    let mut tx = client.transaction()?;
                    tx.batch_execute(&ddl(Dialect::Postgres))?;
                    seed_into(Dialect::Postgres, customers, &mut |sql, values| {
                        let params = pg_params(values)?;
                        let refs: Vec<&(dyn postgres::types::ToSql + Sync)> =
                            params.iter().map(|p| &**p).collect();
                        tx.execute(sql, &refs)?;
                        Ok(())
                    })?;
                    tx.commit()?;
                    Ok(true)
                }),
            Self::Mysql(pool) => pool.with_free(|conn| {
                let exists: Option<i64> = conn.query_first(
                    "SELECT 1 FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = 'invoices'",
                )?;
                if exists.is_some() {
                    return Ok(false);
                }
                conn.query_drop(ddl(Dialect::Mysql))?;
                let seeded = (|| -> Result<(), DbError> {
                    let mut tx = conn.start_transaction(mysql::TxOpts::default())?;
                    seed_into(Dialect::Mysql, customers, &mut |sql, values| {
                        tx.exec_drop(sql, mysql_params(values)?)?;
                        Ok(())
                    })?;
                    tx.commit()?;
                    Ok(())
                })();
                if let Err(e) = seeded {
                    let _ = conn.query_drop("DROP TABLE IF EXISTS invoices, orders, customers");
                    return Err(e);
                }
                Ok(true)
            }),
        }
    }

    /// Runs the schema's index advice. MySQL has no `IF NOT EXISTS` for
    /// indexes: an index that exists (error 1061) is skipped.
    pub fn create_indexes(&self, statements: &[String]) -> Result<usize, DbError> {
        match self {
            Self::Postgres(clients) => clients.with_free(|client| -> Result<usize, DbError> {
                for statement in statements {
                    client.batch_execute(statement)?;
                }
                // Fresh statistics, for the planner's estimates.
                client.batch_execute("ANALYZE customers, orders, invoices")?;
                Ok(statements.len())
            }),
            Self::Mysql(pool) => pool.with_free(|conn| {
                for statement in statements {
                    match conn.query_drop(statement) {
                        Err(mysql::Error::MySqlError(e)) if e.code == 1061 => {}
                        other => other?,
                    }
                }
                // Fresh statistics, for the planner's estimates.
                conn.query_drop("ANALYZE TABLE customers, orders, invoices")?;
                Ok(statements.len())
            }),
        }
    }

    /// Runs each statement once on every connection (see `Database::probe`).
    pub fn probe(&self, statements: &[String]) -> Result<(), DbError> {
        match self {
            Self::Postgres(pool) => pool.each(|client| {
                for sql in statements {
                    client.query(sql.as_str(), &[])?;
                }
                Ok(())
            }),
            Self::Mysql(pool) => pool.each(|conn| {
                for sql in statements {
                    conn.query_drop(sql)?;
                }
                Ok(())
            }),
        }
    }

    /// Makes the server stop any statement of these connections that runs
    /// longer than `timeout` (set after seeding and indexing, which may take
    /// longer): PostgreSQL's `statement_timeout`, MySQL's
    /// `max_execution_time` (milliseconds, SELECT only), MariaDB's
    /// `max_statement_time` (seconds).
    pub fn limit_statements(&self, timeout: Duration) -> Result<(), DbError> {
        let ms = timeout.as_millis().max(1);
        match self {
            Self::Postgres(pool) => pool.each(|client| {
                client.batch_execute(&format!("SET statement_timeout = {ms}"))?;
                Ok(())
            }),
            Self::Mysql(pool) => pool.each(|conn| {
                let version: Option<String> = conn.query_first("SELECT VERSION()")?;
                let setting = if version.is_some_and(|v| v.contains("MariaDB")) {
                    format!("SET SESSION max_statement_time = {}", timeout.as_secs_f64())
                } else {
                    format!("SET SESSION max_execution_time = {ms}")
                };
                conn.query_drop(setting)?;
                Ok(())
            }),
        }
    }

    /// A free connection, or `None` when all stayed busy for the pool's wait.
    pub async fn checkout(&self) -> Option<RemoteConnection> {
        match self {
            Self::Postgres(pool) => pool.checkout().await.map(RemoteConnection::Postgres),
            Self::Mysql(pool) => pool.checkout().await.map(RemoteConnection::Mysql),
        }
    }
}

impl RemoteConnection {
    pub fn dialect(&self) -> Dialect {
        match self {
            Self::Postgres(_) => Dialect::Postgres,
            Self::Mysql(_) => Dialect::Mysql,
        }
    }

    /// A request's statements in one read-only transaction (a snapshot).
    pub fn read(
        &mut self,
        select: (String, Values),
        layout: &Layout,
        count: Option<CountQuery>,
        estimate: Option<EstimateQuery>,
    ) -> Result<Fetched, DbError> {
        self.read_uncapped(select, layout, count, estimate)
            .map_err(|e| {
                if stopped_by_timeout(&e) {
                    DbError::Timeout
                } else {
                    e
                }
            })
    }

    fn read_uncapped(
        &mut self,
        select: (String, Values),
        layout: &Layout,
        count: Option<CountQuery>,
        estimate: Option<EstimateQuery>,
    ) -> Result<Fetched, DbError> {
        match self {
            Self::Postgres(client) => (|| -> Result<Fetched, DbError> {
                let mut tx = client
                    .build_transaction()
                    .isolation_level(postgres::IsolationLevel::RepeatableRead)
                    .read_only(true)
                    .start()?;
                let run = |tx: &mut postgres::Transaction<'_>, sql: &str, values: Values| {
                    let params = pg_params(values)?;
                    let refs: Vec<&(dyn postgres::types::ToSql + Sync)> =
                        params.iter().map(|p| &**p).collect();
                    Ok::<_, DbError>(tx.query(sql, &refs)?)
                };
                let rows = run(&mut tx, &select.0, select.1)?
                    .iter()
                    .map(|row| Row::read(&PgRow(row), layout))
                    .collect::<Result<Vec<_>, _>>()?;
                let estimate = match estimate {
                    Some(estimate) => {
                        let (text, values) = estimate.build();
                        let plan = run(&mut tx, &text, values)?;
                        let json: serde_json::Value = plan
                            .first()
                            .ok_or_else(|| DbError::Column("EXPLAIN gave no row".into()))?
                            .try_get(0)?;
                        Some((estimate, json.to_string()))
                    }
                    None => None,
                };
                let totals = store::totals(estimate, count.as_ref(), &mut |count| {
                    let (text, values) = count.build();
                    let rows = run(&mut tx, &text, values)?;
                    let row = rows
                        .first()
                        .ok_or_else(|| DbError::Column("the count gave no row".into()))?;
                    let total: i64 = row.try_get(0)?;
                    let texts = (1..=count.columns().len())
                        .map(|i| row.try_get::<_, Option<String>>(i))
                        .collect::<Result<_, _>>()?;
                    Ok((total, texts))
                })?;
                tx.commit()?;
                Ok(Fetched { rows, totals })
            })(),
            Self::Mysql(conn) => {
                let mut tx = conn.start_transaction(
                    mysql::TxOpts::default()
                        .set_with_consistent_snapshot(true)
                        .set_access_mode(Some(mysql::AccessMode::ReadOnly)),
                )?;
                let rows: Vec<mysql::Row> = tx.exec(&select.0, mysql_params(select.1)?)?;
                let rows = rows
                    .iter()
                    .map(|row| Row::read(&MyRow(row), layout))
                    .collect::<Result<Vec<_>, _>>()?;
                let estimate = match estimate {
                    Some(estimate) => {
                        let (text, values) = estimate.build();
                        let plan: Option<String> = tx.exec_first(text, mysql_params(values)?)?;
                        let plan =
                            plan.ok_or_else(|| DbError::Column("EXPLAIN gave no row".into()))?;
                        Some((estimate, plan))
                    }
                    None => None,
                };
                let totals = store::totals(estimate, count.as_ref(), &mut |count| {
                    let (text, values) = count.build();
                    let row: mysql::Row = tx
                        .exec_first(text, mysql_params(values)?)?
                        .ok_or_else(|| DbError::Column("the count gave no row".into()))?;
                    let row = MyRow(&row);
                    let total = row.int(0)?;
                    let texts = (1..=count.columns().len())
                        .map(|i| row.opt_text(i))
                        .collect::<Result<_, _>>()?;
                    Ok((total, texts))
                })?;
                tx.commit()?;
                Ok(Fetched { rows, totals })
            }
        }
    }
}

/// The tables, with the engine's native types and binary collation on MySQL.
fn ddl(dialect: Dialect) -> String {
    let (text, timestamp, suffix) = match dialect {
        Dialect::Mysql => (
            "VARCHAR(255)",
            "DATETIME",
            " CHARSET utf8mb4 COLLATE utf8mb4_bin",
        ),
        _ => ("TEXT", "TIMESTAMP", ""),
    };
    format!(
        "CREATE TABLE customers (
            id BIGINT PRIMARY KEY, name {text} NOT NULL, email {text} NOT NULL,
            country {text} NOT NULL, status {text} NOT NULL, verified BOOLEAN NOT NULL,
            credit_limit NUMERIC(12,2), agent_id BIGINT NOT NULL,
            created_at {timestamp} NOT NULL, updated_at {timestamp} NOT NULL){suffix};
        CREATE INDEX customers_agent ON customers (agent_id);
        CREATE TABLE orders (
            id BIGINT PRIMARY KEY, number {text} NOT NULL,
            customer_id BIGINT NOT NULL REFERENCES customers (id), status {text} NOT NULL,
            total NUMERIC(12,2) NOT NULL, currency {text} NOT NULL, placed_on DATE,
            shipped_at {timestamp}, note {text},
            created_at {timestamp} NOT NULL, updated_at {timestamp} NOT NULL){suffix};
        CREATE INDEX orders_customer ON orders (customer_id);
        CREATE TABLE invoices (
            id BIGINT PRIMARY KEY, number {text} NOT NULL, status {text} NOT NULL,
            amount NUMERIC(12,2) NOT NULL, paid BOOLEAN NOT NULL, due_on DATE,
            created_at {timestamp} NOT NULL, updated_at {timestamp} NOT NULL,
            customer_id BIGINT NOT NULL REFERENCES customers (id),
            order_id BIGINT REFERENCES orders (id)){suffix};
        CREATE INDEX invoices_customer ON invoices (customer_id);"
    )
}

/// The seed as multi-row INSERTs of [`BATCH`] rows, built by sea-query.
fn seed_into(
    dialect: Dialect,
    customers: u32,
    run: &mut dyn FnMut(&str, Values) -> Result<(), DbError>,
) -> Result<(), DbError> {
    let mut pending: Vec<Vec<Cell>> = Vec::with_capacity(BATCH);
    let mut table_of_pending = "";
    let mut flush = |table: &str, rows: &mut Vec<Vec<Cell>>| -> Result<(), DbError> {
        if rows.is_empty() {
            return Ok(());
        }
        let columns = seed::TABLES
            .iter()
            .find(|(t, _)| *t == table)
            .map(|(_, c)| *c)
            .unwrap_or_default();
        let mut insert = Query::insert();
        insert
            .into_table(Alias::new(table))
            .columns(columns.iter().map(|c| Alias::new(*c)));
        for row in rows.drain(..) {
            insert
                .values(row.into_iter().map(|cell| Expr::val(bound(cell))))
                .map_err(|e| DbError::Column(e.to_string()))?;
        }
        let (sql, values) = dialect.build(&insert);
        run(&sql, values)
    };
    seed::generate::<DbError>(customers, &mut |table, row| {
        if table != table_of_pending || pending.len() == BATCH {
            flush(table_of_pending, &mut pending)?;
            table_of_pending = table;
        }
        pending.push(row);
        Ok(())
    })?;
    flush(table_of_pending, &mut pending)
}

/// A generated value as the value bound for it.
fn bound(cell: Cell) -> Bound {
    match cell {
        Cell::Null => Bound::String(None),
        Cell::Int(i) => Bound::BigInt(Some(i)),
        Cell::Text(s) => Bound::String(Some(s)),
        Cell::Bool(b) => Bound::Bool(Some(b)),
        Cell::Money(cents) => Bound::Decimal(Some(Decimal::new(cents, 2))),
        Cell::Date(d) => Bound::ChronoDate(Some(d)),
        Cell::DateTime(t) => Bound::ChronoDateTime(Some(t)),
    }
}

type PgParam = Box<dyn postgres::types::ToSql + Sync>;

/// sea-query's values as PostgreSQL parameters of their own types. A NULL
/// (only in the seed) is an untyped NULL.
fn pg_params(values: Values) -> Result<Vec<PgParam>, DbError> {
    values
        .0
        .into_iter()
        .map(|v| -> Result<PgParam, DbError> {
            Ok(match v {
                Bound::Bool(b) => Box::new(b),
                Bound::BigInt(i) => Box::new(i),
                Bound::Int(i) => Box::new(i.map(i64::from)),
                Bound::BigUnsigned(u) => Box::new(
                    u.map(i64::try_from)
                        .transpose()
                        .map_err(|e| DbError::Unbound(e.to_string()))?,
                ),
                Bound::Unsigned(u) => Box::new(u.map(i64::from)),
                Bound::String(None) => Box::new(None::<Untyped>),
                Bound::String(s) => Box::new(s),
                Bound::Decimal(d) => Box::new(d),
                Bound::ChronoDate(d) => Box::new(d),
                Bound::ChronoDateTime(t) => Box::new(t),
                other => return Err(DbError::Unbound(format!("{other:?}"))),
            })
        })
        .collect()
}

/// A NULL that PostgreSQL may take for a column of any type.
#[derive(Debug)]
struct Untyped;

impl postgres::types::ToSql for Untyped {
    fn to_sql(
        &self,
        _: &postgres::types::Type,
        _: &mut bytes::BytesMut,
    ) -> Result<postgres::types::IsNull, Box<dyn std::error::Error + Sync + Send>> {
        Ok(postgres::types::IsNull::Yes)
    }
    fn accepts(_: &postgres::types::Type) -> bool {
        true
    }
    postgres::types::to_sql_checked!();
}

/// sea-query's values as MySQL parameters.
fn mysql_params(values: Values) -> Result<mysql::Params, DbError> {
    use mysql::Value as M;
    let datetime = |t: NaiveDateTime| {
        M::Date(
            u16::try_from(t.year()).unwrap_or_default(),
            u8::try_from(t.month()).unwrap_or_default(),
            u8::try_from(t.day()).unwrap_or_default(),
            u8::try_from(t.hour()).unwrap_or_default(),
            u8::try_from(t.minute()).unwrap_or_default(),
            u8::try_from(t.second()).unwrap_or_default(),
            t.nanosecond() / 1000,
        )
    };
    let params = values
        .0
        .into_iter()
        .map(|v| {
            Ok(match v {
                Bound::Bool(Some(b)) => M::Int(i64::from(b)),
                Bound::BigInt(Some(i)) => M::Int(i),
                Bound::Int(Some(i)) => M::Int(i64::from(i)),
                Bound::BigUnsigned(Some(u)) => M::UInt(u),
                Bound::Unsigned(Some(u)) => M::UInt(u64::from(u)),
                Bound::String(Some(s)) => M::Bytes(s.into_bytes()),
                Bound::Decimal(Some(d)) => M::Bytes(d.to_string().into_bytes()),
                Bound::ChronoDate(Some(d)) => datetime(d.and_time(chrono::NaiveTime::MIN)),
                Bound::ChronoDateTime(Some(t)) => datetime(t),
                Bound::Bool(None)
                | Bound::BigInt(None)
                | Bound::Int(None)
                | Bound::BigUnsigned(None)
                | Bound::Unsigned(None)
                | Bound::String(None)
                | Bound::Decimal(None)
                | Bound::ChronoDate(None)
                | Bound::ChronoDateTime(None) => M::NULL,
                other => return Err(DbError::Unbound(format!("{other:?}"))),
            })
        })
        .collect::<Result<Vec<M>, DbError>>()?;
    Ok(if params.is_empty() {
        mysql::Params::Empty
    } else {
        mysql::Params::Positional(params)
    })
}

struct PgRow<'r>(&'r postgres::Row);

impl Columns for PgRow<'_> {
    fn opt_int(&self, i: usize) -> Result<Option<i64>, DbError> {
        Ok(self.0.try_get(i)?)
    }
    fn opt_text(&self, i: usize) -> Result<Option<String>, DbError> {
        Ok(self.0.try_get(i)?)
    }
    fn opt_bool(&self, i: usize) -> Result<Option<bool>, DbError> {
        Ok(self.0.try_get(i)?)
    }
    fn opt_decimal(&self, i: usize) -> Result<Option<Decimal>, DbError> {
        Ok(self.0.try_get(i)?)
    }
    fn opt_date(&self, i: usize) -> Result<Option<NaiveDate>, DbError> {
        Ok(self.0.try_get(i)?)
    }
    fn opt_datetime(&self, i: usize) -> Result<Option<NaiveDateTime>, DbError> {
        Ok(self.0.try_get(i)?)
    }
}

struct MyRow<'r>(&'r mysql::Row);

impl MyRow<'_> {
    fn get<T: mysql::prelude::FromValue>(&self, i: usize) -> Result<Option<T>, DbError> {
        match self.0.get_opt::<Option<T>, usize>(i) {
            Some(Ok(value)) => Ok(value),
            Some(Err(e)) => Err(DbError::Column(format!("column {i}: {e}"))),
            None => Err(DbError::Column(format!("no column {i}"))),
        }
    }
}

impl Columns for MyRow<'_> {
    fn opt_int(&self, i: usize) -> Result<Option<i64>, DbError> {
        self.get(i)
    }
    fn opt_text(&self, i: usize) -> Result<Option<String>, DbError> {
        self.get(i)
    }
    fn opt_bool(&self, i: usize) -> Result<Option<bool>, DbError> {
        self.get(i)
    }
    fn opt_decimal(&self, i: usize) -> Result<Option<Decimal>, DbError> {
        self.get(i)
    }
    fn opt_date(&self, i: usize) -> Result<Option<NaiveDate>, DbError> {
        self.get(i)
    }
    fn opt_datetime(&self, i: usize) -> Result<Option<NaiveDateTime>, DbError> {
        self.get(i)
    }
}

//! The demo on a PostgreSQL or MySQL/MariaDB server (`--database-url`): the
//! same tables and seed as the SQLite file, native types (BIGINT, TEXT or
//! VARCHAR, NUMERIC(12,2), BOOLEAN, DATE, TIMESTAMP), and requests run by
//! listquery's sqlx helper (`listquery::exec::sqlx`) on sqlx's pool.

use std::str::FromStr;
use std::time::Duration;

use chrono::{NaiveDate, NaiveDateTime};
use listquery::Decimal;
use listquery::exec::sqlx::{Engine, fetch};
use listquery::sql::Dialect;
use sea_query::{Alias, Expr, Query, Value as Bound, Values};
use sqlx::pool::PoolConnection;
use sqlx::{AssertSqlSafe, Connection, Executor as _, MySql, Postgres};

use crate::records::Row;
use crate::seed::{self, Cell};
use crate::store::{Columns, DbError, Fetched, Plan};

/// Rows per INSERT statement while seeding.
const BATCH: usize = 500;

/// A connected server: its connections, in sqlx's pool (a request takes any
/// free connection; when all stay busy for the pool's wait it is turned
/// away with 503 instead of queueing without bound).
pub struct Remote {
    pool: Pool,
    /// How long a request waits for a free connection.
    wait: Duration,
}

enum Pool {
    Postgres(sqlx::PgPool),
    Mysql(sqlx::MySqlPool),
}

/// How long opening the pool's connections may take at start-up (the
/// per-request wait, `--pool-wait-ms`, may be far shorter).
const CONNECT_TIMEOUT: Duration = Duration::from_secs(30);

/// A connection of the server, lent to one request.
pub enum RemoteConnection {
    Postgres(PoolConnection<Postgres>),
    Mysql(PoolConnection<MySql>),
}

/// What a server needs before it serves: its URL, and the limits of the
/// pool's connections.
pub struct Settings<'a> {
    pub url: &'a str,
    pub size: usize,
    pub wait: Duration,
    pub statement_timeout: Duration,
}

/// A server ready to serve, and what happened on the way.
pub struct Opened {
    pub remote: Remote,
    /// Whether the tables were created and seeded now.
    pub seeded: bool,
    /// How many advised indexes are in place, and how long that took.
    pub indexes: Result<usize, DbError>,
    pub index_ms: u128,
    /// Whether the probes read every table and column.
    pub probed: Result<(), DbError>,
}

impl Remote {
    /// Seeds the tables unless they exist, creates the advised indexes and
    /// runs the start-up probes (on one connection without a statement
    /// timeout: seeding and indexing may take longer), then opens the pool,
    /// whose every connection has the statement timeout.
    pub async fn connect(
        settings: &Settings<'_>,
        customers: u32,
        advice: impl Fn(Dialect) -> Vec<String>,
        probes: impl Fn(Dialect) -> Vec<String>,
    ) -> Result<Opened, String> {
        let Settings {
            url,
            size,
            wait,
            statement_timeout,
        } = *settings;
        let size = size.max(1);
        let ms = statement_timeout.as_millis().max(1);
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let options = sqlx::postgres::PgConnectOptions::from_str(url)
                .map_err(|e| format!("--database-url: {e}"))?;
            let unreachable = |e: sqlx::Error| format!("cannot connect to PostgreSQL: {e}");
            let setup =
                set_up::<Postgres>(&options, customers, &advice, &probes, "PostgreSQL").await?;
            let pool = sqlx::postgres::PgPoolOptions::new()
                .max_connections(size as u32)
                .min_connections(size as u32)
                .acquire_timeout(CONNECT_TIMEOUT)
                .connect_with(options.options([("statement_timeout", ms.to_string())]))
                .await
                .map_err(unreachable)?;
            return Ok(setup.opened(Self {
                pool: Pool::Postgres(pool),
                wait,
            }));
        }
        if url.starts_with("mysql://") {
            let options = sqlx::mysql::MySqlConnectOptions::from_str(url)
                .map_err(|e| format!("--database-url: {e}"))?
                .charset("utf8mb4")
                .collation("utf8mb4_bin")
                .timezone(Some(String::from("+00:00")));
            let unreachable = |e: sqlx::Error| format!("cannot connect to MySQL: {e}");
            let setup = set_up::<MySql>(&options, customers, &advice, &probes, "MySQL").await?;
            let pool = sqlx::mysql::MySqlPoolOptions::new()
                .max_connections(size as u32)
                .min_connections(size as u32)
                .acquire_timeout(CONNECT_TIMEOUT)
                .after_connect(move |conn, _| {
                    Box::pin(async move {
                        // MySQL's max_execution_time (milliseconds, SELECT
                        // only); MariaDB's max_statement_time (seconds).
                        let version: String = sqlx::query_scalar("SELECT VERSION()")
                            .fetch_one(&mut *conn)
                            .await?;
                        let setting = match version.contains("MariaDB") {
                            true => format!(
                                "SET SESSION max_statement_time = {}",
                                Duration::from_millis(ms as u64).as_secs_f64()
                            ),
                            false => format!("SET SESSION max_execution_time = {ms}"),
                        };
                        conn.execute(AssertSqlSafe(setting)).await?;
                        Ok(())
                    })
                })
                .connect_with(options)
                .await
                .map_err(unreachable)?;
            return Ok(setup.opened(Self {
                pool: Pool::Mysql(pool),
                wait,
            }));
        }
        Err(format!(
            "--database-url must start with postgres://, postgresql:// or mysql://, not {:?}",
            url.split("://").next().unwrap_or_default()
        ))
    }

    pub fn dialect(&self) -> Dialect {
        match self.pool {
            Pool::Postgres(_) => Dialect::Postgres,
            Pool::Mysql(_) => Dialect::Mysql,
        }
    }

    /// A free connection, or `None` when all stayed busy for the pool's
    /// wait; an error when none can be had (the server is unreachable).
    pub async fn checkout(&self) -> Result<Option<RemoteConnection>, DbError> {
        let acquire = async {
            match &self.pool {
                Pool::Postgres(pool) => pool.acquire().await.map(RemoteConnection::Postgres),
                Pool::Mysql(pool) => pool.acquire().await.map(RemoteConnection::Mysql),
            }
        };
        match tokio::time::timeout(self.wait, acquire).await {
            Ok(Ok(conn)) => Ok(Some(conn)),
            Ok(Err(sqlx::Error::PoolTimedOut)) | Err(_) => Ok(None),
            Ok(Err(e)) => Err(DbError::Sqlx(e)),
        }
    }
}

impl RemoteConnection {
    /// A request's page and, when needed, its count or estimate, in one
    /// read-only snapshot (listquery's sqlx helper).
    pub async fn read(&mut self, plan: Plan) -> Result<Fetched, DbError> {
        let Plan {
            query,
            base,
            layout,
        } = plan;
        let fetched = match self {
            Self::Postgres(conn) => {
                let read = |row: &sqlx::postgres::PgRow| decoded(Row::read(&SqlxRow(row), &layout));
                fetch(&mut **conn, &query, &base, read).await
            }
            Self::Mysql(conn) => {
                let read = |row: &sqlx::mysql::MySqlRow| decoded(Row::read(&SqlxRow(row), &layout));
                fetch(&mut **conn, &query, &base, read).await
            }
        };
        fetched.map_err(|e| match e {
            listquery::exec::ExecError::Database(e) if stopped_by_timeout(&e) => DbError::Timeout,
            listquery::exec::ExecError::Database(e) => DbError::Sqlx(e),
            listquery::exec::ExecError::Sql(e) => DbError::Sql(e),
            other => DbError::Column(other.to_string()),
        })
    }
}

/// A row mapping's error as sqlx's.
fn decoded(row: Result<Row, DbError>) -> Result<Row, sqlx::Error> {
    row.map_err(|e| match e {
        DbError::Sqlx(e) => e,
        e => sqlx::Error::Decode(Box::new(e)),
    })
}

/// Whether the server stopped the statement at its timeout: PostgreSQL's
/// `query_canceled` (57014), MySQL's 3024 (or 1028, a sort aborted by it),
/// MariaDB's 1969.
fn stopped_by_timeout(e: &sqlx::Error) -> bool {
    let sqlx::Error::Database(e) = e else {
        return false;
    };
    if let Some(e) = e.try_downcast_ref::<sqlx::mysql::MySqlDatabaseError>() {
        return match e.number() {
            3024 | 1969 => true,
            1028 => e.message().contains("execution time exceeded"),
            _ => false,
        };
    }
    e.code().as_deref() == Some("57014")
}

/// What the start-up connection did before the pool opened.
struct SetUp {
    seeded: bool,
    indexes: Result<usize, DbError>,
    index_ms: u128,
    probed: Result<(), DbError>,
}

impl SetUp {
    fn opened(self, remote: Remote) -> Opened {
        Opened {
            remote,
            seeded: self.seeded,
            indexes: self.indexes,
            index_ms: self.index_ms,
            probed: self.probed,
        }
    }
}

/// On one connection of its own, without the statement timeout: the tables
/// seeded when missing, the advised indexes, the start-up probes.
async fn set_up<DB: Engine>(
    options: &<DB::Connection as Connection>::Options,
    customers: u32,
    advice: &impl Fn(Dialect) -> Vec<String>,
    probes: &impl Fn(Dialect) -> Vec<String>,
    engine: &str,
) -> Result<SetUp, String> {
    let mut conn = DB::Connection::connect_with(options)
        .await
        .map_err(|e| format!("cannot connect to {engine}: {e}"))?;
    let seeded = create_if_missing::<DB>(&mut conn, customers)
        .await
        .map_err(|e| format!("{engine}: {e}"))?;
    let (indexes, index_ms) = create_indexes::<DB>(&mut conn, advice).await;
    let probed = probe::<DB>(&mut conn, &probes(DB::DIALECT)).await;
    let _ = conn.close().await;
    Ok(SetUp {
        seeded,
        indexes,
        index_ms,
        probed,
    })
}

/// Runs each statement once (rows read and dropped): the start-up check that
/// the tables and columns are there and readable.
async fn probe<DB: Engine>(
    conn: &mut DB::Connection,
    statements: &[String],
) -> Result<(), DbError> {
    for sql in statements {
        DB::rows(conn, sql.clone(), Values(Vec::new())).await?;
    }
    Ok(())
}

/// Creates and seeds the tables unless `invoices` exists. Returns whether it
/// seeded. PostgreSQL seeds in one transaction; MySQL's DDL commits on its
/// own, so a failed seed drops the tables it created.
async fn create_if_missing<DB: Engine>(
    conn: &mut DB::Connection,
    customers: u32,
) -> Result<bool, DbError> {
    let schema = match DB::DIALECT {
        Dialect::Postgres => "current_schema()",
        _ => "DATABASE()",
    };
    let existing = format!(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = {schema} \
         AND table_name IN ('customers', 'orders', 'invoices')"
    );
    match DB::rows(conn, existing, Values(Vec::new())).await?.len() {
        0 => {}
        3 => return Ok(false),
        some => {
            return Err(DbError::Setup(format!(
                "{some} of the demo's tables customers, orders and invoices exist, not all \
                 three: drop them to have all seeded, or point --database-url at another database"
            )));
        }
    }
    let dialect = DB::DIALECT;
    let seeded = async {
        let ddl = ddl(dialect);
        let ddl = ddl.split(';').filter(|s| !s.trim().is_empty());
        // MySQL's DDL commits on its own: it runs before the transaction.
        if dialect == Dialect::Mysql {
            for statement in ddl.clone() {
                DB::rows(conn, statement.to_owned(), Values(Vec::new())).await?;
            }
        }
        let mut tx = conn.begin().await?;
        if dialect == Dialect::Postgres {
            for statement in ddl {
                DB::rows(&mut tx, statement.to_owned(), Values(Vec::new())).await?;
            }
        }
        // The rows are generated on a thread of their own, a few statements
        // ahead of the server.
        let (sender, mut statements) = tokio::sync::mpsc::channel::<(String, Values)>(4);
        let generator = tokio::task::spawn_blocking(move || {
            seed_into(dialect, customers, &mut |sql, values| {
                (sender.blocking_send((sql.to_owned(), values)))
                    .map_err(|_| DbError::Column("seeding stopped".to_owned()))
            })
        });
        while let Some((sql, values)) = statements.recv().await {
            DB::rows(&mut tx, sql, values).await?;
        }
        (generator.await).map_err(|e| DbError::Column(e.to_string()))??;
        tx.commit().await?;
        Ok::<_, DbError>(())
    }
    .await;
    if let Err(e) = seeded {
        // MySQL's DDL committed: the tables it created (none existed) go.
        if DB::DIALECT == Dialect::Mysql {
            let drop = "DROP TABLE IF EXISTS invoices, orders, customers".to_owned();
            if let Err(dropped) = DB::rows(conn, drop, Values(Vec::new())).await {
                eprintln!("error: the half-seeded tables could not be dropped: {dropped}");
            }
        }
        return Err(e);
    }
    Ok(true)
}

/// Runs the schema's index advice and refreshes the statistics (for the
/// planner's estimates). MySQL has no `IF NOT EXISTS` for indexes: an index
/// that exists (error 1061) is skipped.
async fn create_indexes<DB: Engine>(
    conn: &mut DB::Connection,
    advice: &impl Fn(Dialect) -> Vec<String>,
) -> (Result<usize, DbError>, u128) {
    let dialect = DB::DIALECT;
    let started = std::time::Instant::now();
    let statements = advice(dialect);
    let created = async {
        for statement in &statements {
            match DB::rows(conn, statement.clone(), Values(Vec::new())).await {
                Err(sqlx::Error::Database(e))
                    if e.try_downcast_ref::<sqlx::mysql::MySqlDatabaseError>()
                        .is_some_and(|e| e.number() == 1061) => {}
                other => drop(other?),
            }
        }
        let analyze = match dialect {
            Dialect::Postgres => "ANALYZE customers, orders, invoices",
            _ => "ANALYZE TABLE customers, orders, invoices",
        };
        DB::rows(conn, analyze.to_owned(), Values(Vec::new())).await?;
        Ok::<_, DbError>(statements.len())
    }
    .await;
    (created, started.elapsed().as_millis())
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
                .values(row.into_iter().map(bound))
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

/// A generated value as the value bound for it; NULL is written into the
/// statement (a bound NULL has a type, which PostgreSQL checks against the
/// column's).
fn bound(cell: Cell) -> Expr {
    Expr::val(match cell {
        Cell::Null => return Expr::cust("NULL"),
        Cell::Int(i) => Bound::BigInt(Some(i)),
        Cell::Text(s) => Bound::String(Some(s)),
        Cell::Bool(b) => Bound::Bool(Some(b)),
        Cell::Money(cents) => Bound::Decimal(Some(Decimal::new(cents, 2))),
        Cell::Date(d) => Bound::ChronoDate(Some(d)),
        Cell::DateTime(t) => Bound::ChronoDateTime(Some(t)),
    })
}

/// A sqlx row, read by column index.
struct SqlxRow<'r, R>(&'r R);

impl<R> Columns for SqlxRow<'_, R>
where
    R: sqlx::Row,
    usize: sqlx::ColumnIndex<R>,
    for<'a> Option<i64>: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    for<'a> Option<String>: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    for<'a> Option<bool>: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    for<'a> Option<Decimal>: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    for<'a> Option<NaiveDate>: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    for<'a> Option<NaiveDateTime>: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
{
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

//! The embedded SQLite database: tables for the seed schema, the deterministic
//! seed on first start, read-only connections for the pool, and a statement
//! timeout (requests run through `listquery::exec::rusqlite`).

use std::path::Path;
use std::time::{Duration, Instant};

use chrono::{NaiveDate, NaiveDateTime};
use listquery::Decimal;
use rusqlite::config::DbConfig;
use rusqlite::types::{Value as Sql, ValueRef};
use rusqlite::{Connection, OpenFlags, Row};

use crate::seed::{self, Cell};
use crate::store::{Columns, DbError};

/// SQLite storage, as the SQL layer expects it: decimals in NUMERIC columns
/// (aggregated exactly through their declared scale), booleans 0/1, dates
/// `YYYY-MM-DD` and datetimes `YYYY-MM-DD HH:MM:SS` as TEXT, so text order is
/// chronological. BINARY collation everywhere.
const DDL: &str = "
CREATE TABLE customers (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL,
    email        TEXT NOT NULL,
    country      TEXT NOT NULL,
    status       TEXT NOT NULL,
    verified     INTEGER NOT NULL,
    credit_limit NUMERIC(12,2),
    agent_id     INTEGER NOT NULL,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE INDEX customers_agent ON customers (agent_id);
CREATE TABLE orders (
    id          INTEGER PRIMARY KEY,
    number      TEXT NOT NULL,
    customer_id INTEGER NOT NULL REFERENCES customers (id),
    status      TEXT NOT NULL,
    total       NUMERIC(12,2) NOT NULL,
    currency    TEXT NOT NULL,
    placed_on   TEXT,
    shipped_at  TEXT,
    note        TEXT,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX orders_customer ON orders (customer_id);
CREATE TABLE invoices (
    id          INTEGER PRIMARY KEY,
    number      TEXT NOT NULL,
    status      TEXT NOT NULL,
    amount      NUMERIC(12,2) NOT NULL,
    paid        INTEGER NOT NULL,
    due_on      TEXT,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    customer_id INTEGER NOT NULL REFERENCES customers (id),
    order_id    INTEGER REFERENCES orders (id)
);
CREATE INDEX invoices_customer ON invoices (customer_id);
";

/// Creates and seeds the database at `path` unless the file exists. Seeds into
/// a temporary file of its own (`.NAME.seeding-PID`, never one that exists)
/// renamed into place, so an interrupted seed leaves no half-filled database
/// behind. Returns whether it seeded.
pub fn create_if_missing(path: &Path, customers: u32) -> Result<bool, DbError> {
    if path.is_dir() {
        return Err(DbError::Setup(format!(
            "{} is a directory; --db takes the path of the SQLite file",
            path.display()
        )));
    }
    if path.exists() {
        return Ok(false);
    }
    let name = path.file_name().map_or_else(
        || "listquery-demo".to_owned(),
        |n| n.to_string_lossy().into_owned(),
    );
    let tmp = path.with_file_name(format!(".{name}.seeding-{}", std::process::id()));
    // `create_new`: a file that is there is not ours, and is left alone.
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&tmp)?;
    let seeded = seed_file(&tmp, customers).and_then(|()| Ok(std::fs::rename(&tmp, path)?));
    if seeded.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    seeded.map(|()| true)
}

/// Creates the tables in the (empty) file at `tmp` and fills them.
fn seed_file(tmp: &Path, customers: u32) -> Result<(), DbError> {
    let mut conn = Connection::open(tmp)?;
    no_string_literals_in_double_quotes(&conn)?;
    conn.execute_batch(DDL)?;
    let tx = conn.transaction()?;
    {
        let mut statements = Vec::new();
        for (table, columns) in seed::TABLES {
            let marks: Vec<String> = (1..=columns.len()).map(|i| format!("?{i}")).collect();
            statements.push((
                table,
                tx.prepare(&format!(
                    "INSERT INTO {table} ({}) VALUES ({})",
                    columns.join(", "),
                    marks.join(", ")
                ))?,
            ));
        }
        seed::generate::<DbError>(customers, &mut |table, cells| {
            let Some((_, insert)) = statements.iter_mut().find(|(t, _)| *t == table) else {
                return Err(DbError::Column(format!("no table {table}")));
            };
            insert.execute(rusqlite::params_from_iter(
                cells.into_iter().map(sqlite_cell),
            ))?;
            Ok(())
        })?;
    }
    tx.commit()?;
    conn.execute_batch("PRAGMA journal_mode = WAL;")?;
    Ok(())
}

/// Turns off SQLite's misfeature of reading a double-quoted name that is no
/// column as a string literal: a typo in a column name is then an error, not
/// a comparison with a constant.
fn no_string_literals_in_double_quotes(conn: &Connection) -> rusqlite::Result<()> {
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_DQS_DML, false)?;
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_DQS_DDL, false)?;
    Ok(())
}

/// A generated value as SQLite stores it (see `DDL`).
fn sqlite_cell(cell: Cell) -> Sql {
    match cell {
        Cell::Null => Sql::Null,
        Cell::Int(i) => Sql::Integer(i),
        Cell::Text(s) => Sql::Text(s),
        Cell::Bool(b) => Sql::Integer(i64::from(b)),
        Cell::Money(cents) => Sql::Text(format!("{}.{:02}", cents / 100, cents % 100)),
        Cell::Date(d) => Sql::Text(d.format("%Y-%m-%d").to_string()),
        Cell::DateTime(t) => Sql::Text(listquery::timestamp::formatted(&t).to_string()),
    }
}

/// Whether this SQLite shares one page cache across connections (built with
/// `SQLITE_ENABLE_MEMORY_MANAGEMENT`): its connections then wait on one lock.
pub fn shared_page_cache() -> Result<bool, DbError> {
    let conn = Connection::open_in_memory()?;
    let mut statement = conn.prepare("PRAGMA compile_options")?;
    let mut rows = statement.query([])?;
    while let Some(row) = rows.next()? {
        if row.get::<_, String>(0)? == "ENABLE_MEMORY_MANAGEMENT" {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Runs the schema's index advice (`CREATE INDEX IF NOT EXISTS ...`, see
/// `listquery indexes`). Returns how many statements it ran.
pub fn create_indexes(path: &Path, statements: &[String]) -> Result<usize, DbError> {
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE)?;
    no_string_literals_in_double_quotes(&conn)?;
    let indexes = |conn: &Connection| -> rusqlite::Result<i64> {
        conn.query_row(
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index'",
            [],
            |r| r.get(0),
        )
    };
    let before = indexes(&conn)?;
    for statement in statements {
        conn.execute_batch(statement)?;
    }
    // Statistics let the planner prefer an index in sort order over a
    // filter's index (then it sorts every matching row); gathered again when
    // an index is new or there are none yet.
    let has_stats: bool = conn.query_row(
        "SELECT COUNT(*) > 0 FROM sqlite_master WHERE name = 'sqlite_stat1'",
        [],
        |r| r.get(0),
    )?;
    if !has_stats || indexes(&conn)? != before {
        conn.execute_batch("ANALYZE")?;
    }
    Ok(statements.len())
}

/// `size` read-only connections to `path`; SQLite in WAL mode lets them
/// read concurrently.
pub fn open_readers(path: &Path, size: usize, memory: Memory) -> rusqlite::Result<Vec<Connection>> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    (0..size.max(1))
        .map(|_| {
            let conn = Connection::open_with_flags(path, flags)?;
            no_string_literals_in_double_quotes(&conn)?;
            // Negative cache_size is KiB; mmap_size is bytes.
            let cache_kib = i64::from(memory.cache_mib) * 1024;
            conn.pragma_update(None, "cache_size", -cache_kib)?;
            let mmap_bytes = i64::from(memory.mmap_mib) * 1024 * 1024;
            conn.pragma_update(None, "mmap_size", mmap_bytes)?;
            Ok(conn)
        })
        .collect()
}

/// The memory each reading connection may use (`--sqlite-cache-mib`,
/// `--sqlite-mmap-mib`).
#[derive(Debug, Clone, Copy)]
pub struct Memory {
    pub cache_mib: u32,
    pub mmap_mib: u32,
}

/// `PRAGMA quick_check` (`--check-integrity`): reads every page, so it takes
/// seconds on a large file.
pub fn quick_check(conn: &Connection) -> Result<(), DbError> {
    let problems: Vec<String> = conn
        .prepare("PRAGMA quick_check")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    match problems.as_slice() {
        [ok] if ok == "ok" => Ok(()),
        _ => Err(DbError::Setup(format!(
            "the integrity check failed: {}",
            problems.join("; ")
        ))),
    }
}

/// Runs `f` on `conn` with SQLite interrupting any statement once `timeout`
/// has passed (a progress handler, checked every few thousand
/// instructions); an interrupted statement is [`DbError::Timeout`].
pub fn within<T>(
    conn: &mut Connection,
    timeout: Duration,
    f: impl FnOnce(&mut Connection) -> Result<T, DbError>,
) -> Result<T, DbError> {
    let deadline = Instant::now() + timeout;
    conn.progress_handler(4096, Some(move || Instant::now() >= deadline))?;
    let result = f(conn);
    conn.progress_handler(0, None::<fn() -> bool>)?;
    result.map_err(|e| match e {
        DbError::Sqlite(rusqlite::Error::SqliteFailure(f, _))
            if f.code == rusqlite::ErrorCode::OperationInterrupted =>
        {
            DbError::Timeout
        }
        e => e,
    })
}

/// A row of a list select, read by column index.
pub struct SqliteRow<'r, 's>(pub &'r Row<'s>);

impl Columns for SqliteRow<'_, '_> {
    fn opt_int(&self, i: usize) -> Result<Option<i64>, DbError> {
        Ok(self.0.get(i)?)
    }
    fn opt_text(&self, i: usize) -> Result<Option<String>, DbError> {
        Ok(self.0.get(i)?)
    }
    fn opt_bool(&self, i: usize) -> Result<Option<bool>, DbError> {
        Ok(self.0.get(i)?)
    }
    /// A NUMERIC(12,2) column (SQLite stores it as INTEGER or REAL, exact to
    /// 15 significant digits) as a decimal with two places.
    fn opt_decimal(&self, i: usize) -> Result<Option<Decimal>, DbError> {
        let number = match self.0.get_ref(i)? {
            ValueRef::Null => return Ok(None),
            ValueRef::Integer(n) => n as f64,
            ValueRef::Real(r) => r,
            other => {
                return Err(DbError::Column(format!(
                    "column {i}: {:?} is not a number",
                    other.data_type()
                )));
            }
        };
        format!("{number:.2}")
            .parse()
            .map(Some)
            .map_err(|e| DbError::Column(format!("column {i}: {e}")))
    }
    fn opt_date(&self, i: usize) -> Result<Option<NaiveDate>, DbError> {
        Ok(self.0.get(i)?)
    }
    fn opt_datetime(&self, i: usize) -> Result<Option<NaiveDateTime>, DbError> {
        Ok(self.0.get(i)?)
    }
}

//! The embedded SQLite database: tables for the seed schema, a deterministic
//! seed on first start, a small pool of read-only connections, and statements
//! run with sea-query's values bound by type.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};

use chrono::{Duration, NaiveDate, NaiveDateTime};
use rusqlite::types::Value as Sql;

/// A value bound to a SQLite statement.
pub type SqlValue = Sql;
use rusqlite::{Connection, OpenFlags, Row, Transaction, params};
use sea_query::{Value as Bound, Values};

/// Agents own customers round-robin: customer `i` belongs to agent `(i - 1) % AGENTS + 1`.
pub const AGENTS: i64 = 5;

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
/// a temporary file renamed into place, so an interrupted seed leaves no
/// half-filled database behind. Returns whether it seeded.
pub fn create_if_missing(path: &Path, customers: u32) -> Result<bool, DbError> {
    if path.exists() {
        return Ok(false);
    }
    let mut tmp = PathBuf::from(path);
    tmp.set_extension("seeding");
    // A leftover from an interrupted seed is ours to replace.
    let _ = std::fs::remove_file(&tmp);
    let mut conn = Connection::open(&tmp)?;
    conn.execute_batch(DDL)?;
    let tx = conn.transaction()?;
    seed(&tx, customers)?;
    tx.commit()?;
    conn.execute_batch("PRAGMA journal_mode = WAL;")?;
    drop(conn);
    std::fs::rename(&tmp, path)?;
    Ok(true)
}

/// Runs the schema's index advice (`CREATE INDEX IF NOT EXISTS ...`, see
/// `listquery indexes`), so that every sortable field's first page and deep
/// cursor pages read about a page of index entries. Returns how many it ran.
pub fn create_indexes(path: &Path, statements: &[String]) -> Result<usize, DbError> {
    let conn = Connection::open(path)?;
    for statement in statements {
        conn.execute_batch(statement)?;
    }
    Ok(statements.len())
}

/// SplitMix64: a fixed seed gives the same database on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// A number in `0..n` (`n > 0`).
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    /// An integer in `lo..=hi`.
    fn between(&mut self, lo: i64, hi: i64) -> i64 {
        let span = u64::try_from(hi - lo + 1).unwrap_or(1);
        lo + i64::try_from(self.below(span)).unwrap_or(0)
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        let i = usize::try_from(self.below(items.len() as u64)).unwrap_or(0);
        items.get(i).copied().unwrap_or_default()
    }
    /// True with probability `percent` / 100.
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

const FIRST: &[&str] = &[
    "Ada", "Alan", "Barbara", "Claude", "Dennis", "Edsger", "Frances", "Grace", "Hedy", "Ivan",
    "John", "Ken", "Linus", "Margaret", "Niklaus", "Radia", "Sophie", "Tim", "Ursula", "Zoë",
];
const LAST: &[&str] = &[
    "Lovelace",
    "Turing",
    "Liskov",
    "Shannon",
    "Ritchie",
    "Dijkstra",
    "Allen",
    "Hopper",
    "Lamarr",
    "Sutherland",
    "McCarthy",
    "Thompson",
    "Torvalds",
    "Hamilton",
    "Wirth",
    "Perlman",
    "Wilson",
    "Berners-Lee",
    "Franklin",
    "O'Neil",
];
const COUNTRIES: &[&str] = &["DE", "FR", "NL", "US", "GB", "ES", "IT", "PL"];
const NOTES: &[&str] = &[
    "gift wrap",
    "call before delivery",
    "50% off, promo_code SPRING",
    "leave at the door",
    "\"fragile\"",
];

fn epoch() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2023, 1, 1)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .unwrap_or_default()
}

fn timestamp(t: NaiveDateTime) -> String {
    t.format(listquery::TIMESTAMP_FORMAT).to_string()
}

/// Cents as the decimal text SQLite's NUMERIC affinity turns into a number.
fn money(cents: i64) -> String {
    format!("{}.{:02}", cents / 100, cents % 100)
}

fn seed(tx: &Transaction<'_>, customers: u32) -> rusqlite::Result<()> {
    let mut rng = Rng(0x5EED_1157);
    let customers = i64::from(customers.max(1));
    let orders = customers * 2;
    let invoices = customers * 2;
    let start = epoch();

    let mut insert = tx.prepare(
        "INSERT INTO customers (id, name, email, country, status, verified, credit_limit, agent_id, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?;
    for id in 1..=customers {
        let first = rng.pick(FIRST);
        let last = rng.pick(LAST);
        let created = start + Duration::minutes(id * 97 + rng.between(0, 60));
        let updated = created + Duration::hours(rng.between(0, 24 * 90));
        let status = match rng.below(10) {
            0 => "blocked",
            1 | 2 => "inactive",
            _ => "active",
        };
        let credit = (!rng.chance(15)).then(|| money(rng.between(0, 50_000) * 100));
        insert.execute(params![
            id,
            format!("{first} {last}"),
            format!(
                "{}.{}{id}@example.{}",
                first.to_lowercase(),
                last.to_lowercase(),
                rng.pick(&["com", "org", "net"])
            ),
            rng.pick(COUNTRIES),
            status,
            rng.chance(60),
            credit,
            (id - 1) % AGENTS + 1,
            timestamp(created),
            timestamp(updated),
        ])?;
    }

    let mut insert = tx.prepare(
        "INSERT INTO orders (id, number, customer_id, status, total, currency, placed_on, shipped_at, note, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?;
    for id in 1..=orders {
        let created = start + Duration::minutes(id * 53 + rng.between(0, 50));
        let status = rng.pick(&["pending", "paid", "shipped", "cancelled", "refunded"]);
        let placed = (!rng.chance(5)).then(|| created.date().format("%Y-%m-%d").to_string());
        let shipped = (status == "shipped")
            .then(|| timestamp(created + Duration::hours(rng.between(2, 24 * 10))));
        let note = rng.chance(30).then(|| rng.pick(NOTES));
        insert.execute(params![
            id,
            format!("ORD-{id:06}"),
            rng.between(1, customers),
            status,
            money(rng.between(100, 500_000)),
            rng.pick(&["EUR", "USD", "GBP"]),
            placed,
            shipped,
            note,
            timestamp(created),
            timestamp(created + Duration::hours(rng.between(0, 24 * 30))),
        ])?;
    }

    let mut insert = tx.prepare(
        "INSERT INTO invoices (id, number, status, amount, paid, due_on, created_at, updated_at, customer_id, order_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?;
    for id in 1..=invoices {
        let created = start + Duration::minutes(id * 61 + rng.between(0, 55));
        let status = rng.pick(&["draft", "sent", "paid", "void"]);
        let due = (!rng.chance(10)).then(|| {
            (created.date() + Duration::days(rng.between(7, 60)))
                .format("%Y-%m-%d")
                .to_string()
        });
        let order = (!rng.chance(20)).then(|| rng.between(1, orders));
        insert.execute(params![
            id,
            format!("INV-{id:06}"),
            status,
            money(rng.between(500, 250_000)),
            status == "paid",
            due,
            timestamp(created),
            timestamp(created + Duration::hours(rng.between(0, 24 * 30))),
            rng.between(1, customers),
            order,
        ])?;
    }
    Ok(())
}

/// A fixed set of read-only connections, each behind a mutex and used by one
/// blocking task at a time; requests take them round-robin. SQLite in WAL mode
/// lets them read concurrently.
pub struct Pool {
    connections: Vec<Mutex<Connection>>,
    next: AtomicUsize,
}

impl Pool {
    /// Opens `size` read-only connections to `path`.
    pub fn open(path: &Path, size: usize) -> rusqlite::Result<Self> {
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let connections = (0..size.max(1))
            .map(|_| Connection::open_with_flags(path, flags).map(Mutex::new))
            .collect::<rusqlite::Result<_>>()?;
        Ok(Self {
            connections,
            next: AtomicUsize::new(0),
        })
    }

    /// Runs `f` on one connection, inside a read transaction so that a page
    /// and its count see the same data. Blocks: call it from `spawn_blocking`.
    pub fn read<T>(
        &self,
        f: impl FnOnce(&Transaction<'_>) -> Result<T, DbError>,
    ) -> Result<T, DbError> {
        let n = self.next.fetch_add(1, Ordering::Relaxed) % self.connections.len().max(1);
        let slot = self.connections.get(n).ok_or(DbError::NoConnection)?;
        // A panic in another task cannot leave a read-only connection half-written.
        let mut conn = slot.lock().unwrap_or_else(PoisonError::into_inner);
        let tx = conn.transaction()?;
        let result = f(&tx)?;
        tx.finish()?;
        Ok(result)
    }
}

/// Why a statement could not run; logged on the server, never sent.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// The engine failed.
    #[error("sqlite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// The SQL layer bound a type this server does not map.
    #[error("cannot bind {0} on SQLite")]
    Unbound(String),
    /// The pool is empty.
    #[error("no connection")]
    NoConnection,
    /// The database file could not be put in place.
    #[error("file: {0}")]
    Io(#[from] std::io::Error),
}

/// What `sea-query-rusqlite` binds: decimals as text (NUMERIC affinity makes
/// them numbers), chrono values as rusqlite's text forms.
pub fn bind(values: Values) -> Result<Vec<Sql>, DbError> {
    values
        .0
        .into_iter()
        .map(|v| {
            Ok(match v {
                Bound::Bool(Some(b)) => Sql::Integer(i64::from(b)),
                Bound::Int(Some(i)) => Sql::Integer(i64::from(i)),
                Bound::BigInt(Some(i)) => Sql::Integer(i),
                Bound::Unsigned(Some(u)) => Sql::Integer(i64::from(u)),
                Bound::BigUnsigned(Some(u)) => {
                    Sql::Integer(i64::try_from(u).map_err(|_| DbError::Unbound(u.to_string()))?)
                }
                Bound::String(Some(s)) => Sql::Text(s),
                Bound::Decimal(Some(d)) => Sql::Text(d.to_string()),
                Bound::ChronoDate(Some(d)) => Sql::Text(d.format("%Y-%m-%d").to_string()),
                Bound::ChronoDateTime(Some(t)) => {
                    Sql::Text(t.format("%Y-%m-%d %H:%M:%S%.f").to_string())
                }
                Bound::Bool(None)
                | Bound::Int(None)
                | Bound::BigInt(None)
                | Bound::Unsigned(None)
                | Bound::BigUnsigned(None)
                | Bound::String(None)
                | Bound::Decimal(None)
                | Bound::ChronoDate(None)
                | Bound::ChronoDateTime(None) => Sql::Null,
                other => return Err(DbError::Unbound(format!("{other:?}"))),
            })
        })
        .collect()
}

/// Runs a select and maps its rows.
pub fn select<T>(
    tx: &Transaction<'_>,
    sql: &str,
    values: Vec<Sql>,
    map: impl FnMut(&Row<'_>) -> rusqlite::Result<T>,
) -> Result<Vec<T>, DbError> {
    let mut statement = tx.prepare_cached(sql)?;
    let rows = statement.query_map(rusqlite::params_from_iter(values), map)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Runs a count statement: `total` as an integer, then `extra` text columns.
pub fn count(
    tx: &Transaction<'_>,
    sql: &str,
    values: Vec<Sql>,
    extra: usize,
) -> Result<(i64, Vec<Option<String>>), DbError> {
    let mut statement = tx.prepare_cached(sql)?;
    Ok(
        statement.query_row(rusqlite::params_from_iter(values), |row| {
            let total = row.get(0)?;
            let texts = (1..=extra)
                .map(|i| row.get::<_, Option<String>>(i))
                .collect::<rusqlite::Result<_>>()?;
            Ok((total, texts))
        })?,
    )
}

//! Connections to the three engines, the fixture loaded into each, and
//! statements run with their values bound by type.
//!
//! A check on real data is one test per engine ([`on_each_engine!`]). SQLite
//! (in memory) always runs. The PostgreSQL and MariaDB/MySQL tests are
//! `#[ignore]`d, so a plain `cargo test` reports them as ignored with the
//! reason; scripts/test.sh starts throwaway servers, sets `LISTQUERY_PG_URL` /
//! `LISTQUERY_MYSQL_URL` and runs with `--include-ignored`. A server test that
//! runs without its server fails: it never passes without having run. Under
//! `CI=true` a run that leaves the server tests ignored fails as well.
//!
//! Storage, per engine (what an app would choose):
//! - PostgreSQL: BIGINT, TEXT, NUMERIC(12,2), BOOLEAN, DATE, TIMESTAMP; the
//!   database is created with `--no-locale` (C collation).
//! - MariaDB/MySQL: BIGINT, VARCHAR(255), DECIMAL(12,2), BOOLEAN, DATE,
//!   DATETIME; tables `CHARSET utf8mb4 COLLATE utf8mb4_bin`.
//! - SQLite: INTEGER; TEXT; NUMERIC(12,2) (NUMERIC affinity, so decimals bound
//!   as text compare as numbers); booleans INTEGER 0/1; dates TEXT
//!   `YYYY-MM-DD`; datetimes TEXT `YYYY-MM-DD HH:MM:SS` (rusqlite's chrono
//!   format, so text comparison with bound values is chronological).
//!
//! Database errors are never put into assertion messages: only the SQL text and
//! the engine's error code are shown.

use std::sync::{Mutex, OnceLock};

use sea_query::{Alias, Query, Value as V};

use listquery::sql::Dialect;

use super::fixture::{Cell, ColType, Table, tables};

/// One of the three engines under test.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Postgres,
    Mysql,
    Sqlite,
}

impl Engine {
    pub const ALL: [Engine; 3] = [Engine::Postgres, Engine::Mysql, Engine::Sqlite];

    pub fn dialect(self) -> Dialect {
        match self {
            Engine::Postgres => Dialect::Postgres,
            Engine::Mysql => Dialect::Mysql,
            Engine::Sqlite => Dialect::Sqlite,
        }
    }

    fn env(self) -> Option<&'static str> {
        match self {
            Engine::Postgres => Some("LISTQUERY_PG_URL"),
            Engine::Mysql => Some("LISTQUERY_MYSQL_URL"),
            Engine::Sqlite => None,
        }
    }
}

/// A connection with the fixture loaded.
pub enum Conn {
    Postgres(postgres::Client),
    Mysql(mysql::Conn),
    Sqlite(rusqlite::Connection),
}

fn ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

/// Declares one test per engine for each check `fn CHECK(engine: Engine)` of
/// the calling file: `CHECK::sqlite` always runs; `CHECK::postgres` and
/// `CHECK::mysql` are ignored unless asked for (scripts/test.sh does).
#[allow(unused_macros)] // tests/sql_properties.rs shares `support` without it
macro_rules! on_each_engine {
    ($($check:ident),+ $(,)?) => {$(
        mod $check {
            use crate::support::db::Engine;

            #[test]
            fn sqlite() {
                crate::support::db::require_server_tests_under_ci();
                super::$check(Engine::Sqlite);
            }

            #[test]
            #[ignore = "needs PostgreSQL: `bash scripts/test.sh` starts one and runs it"]
            fn postgres() {
                super::$check(Engine::Postgres);
            }

            #[test]
            #[ignore = "needs MariaDB/MySQL: `bash scripts/test.sh` starts one and runs it"]
            fn mysql() {
                super::$check(Engine::Mysql);
            }
        }
    )+};
}
#[allow(unused_imports)]
pub(crate) use on_each_engine;

/// Under `CI=true` the server tests must run: a run that leaves them ignored
/// (a plain `cargo test` instead of scripts/test.sh) fails here.
pub fn require_server_tests_under_ci() {
    let included = std::env::args().any(|a| a == "--include-ignored" || a == "--ignored");
    assert!(
        !ci() || included,
        "CI=true but the PostgreSQL and MariaDB/MySQL tests are ignored in this run: \
         run `bash scripts/test.sh` (it starts the servers and passes --include-ignored)"
    );
}

static CONNS: [OnceLock<Mutex<Conn>>; 3] = [OnceLock::new(), OnceLock::new(), OnceLock::new()];

/// Runs `f` on `engine`, connecting and loading the fixture on first use.
/// Panics when the engine's server is not configured or unreachable.
pub fn with_engine(engine: Engine, f: impl FnOnce(&mut Conn)) {
    let slot = Engine::ALL.iter().position(|e| *e == engine).unwrap();
    let conn = CONNS[slot].get_or_init(|| Mutex::new(connect(engine)));
    f(&mut conn.lock().unwrap_or_else(|e| e.into_inner()));
}

fn connect(engine: Engine) -> Conn {
    let mut conn = match engine.env() {
        None => Conn::Sqlite(rusqlite::Connection::open_in_memory().expect("in-memory SQLite")),
        Some(var) => {
            let Some(url) = std::env::var(var).ok().filter(|u| !u.is_empty()) else {
                panic!(
                    "{var} is not set, so this {engine:?} test cannot run: \
                     `bash scripts/test.sh` starts the server and sets it"
                );
            };
            // The URL may hold a password: neither it nor the driver's error text is shown.
            let conn = match engine {
                Engine::Postgres => postgres::Client::connect(&url, postgres::NoTls)
                    .ok()
                    .map(Conn::Postgres),
                _ => mysql::Opts::from_url(&url)
                    .ok()
                    .and_then(|o| mysql::Conn::new(o).ok())
                    .map(Conn::Mysql),
            };
            conn.unwrap_or_else(|| panic!("{var} is set, but {engine:?} is unreachable"))
        }
    };
    load(engine, &mut conn);
    conn
}

/// The server's URL for `engine` (`None` for SQLite), after
/// [`with_engine`] loaded the fixture into [`namespace`] there.
pub fn server_url(engine: Engine) -> Option<String> {
    with_engine(engine, |_| ());
    engine.env().and_then(|var| std::env::var(var).ok())
}

/// A SQLite file at `path` with the fixture loaded, for drivers other than
/// rusqlite (it must not exist yet).
pub fn sqlite_file(path: &std::path::Path) {
    let conn = rusqlite::Connection::open(path).expect("a new SQLite file");
    load(Engine::Sqlite, &mut Conn::Sqlite(conn));
}

fn sql_type(engine: Engine, ty: ColType) -> &'static str {
    match (engine, ty) {
        (Engine::Sqlite, ColType::Int | ColType::Bool) => "INTEGER",
        (_, ColType::Int) => "BIGINT",
        (Engine::Mysql, ColType::Str) => "VARCHAR(255)",
        (_, ColType::Str) => "TEXT",
        (Engine::Mysql, ColType::Dec) => "DECIMAL(12,2)",
        (_, ColType::Dec) => "NUMERIC(12,2)",
        (_, ColType::Bool) => "BOOLEAN",
        (Engine::Sqlite, ColType::Date | ColType::DateTime) => "TEXT",
        (_, ColType::Date) => "DATE",
        (Engine::Mysql, ColType::DateTime) => "DATETIME",
        (_, ColType::DateTime) => "TIMESTAMP",
    }
}

/// A per-process schema/database, so concurrent test binaries do not collide.
/// The fixture is loaded there (PostgreSQL's schema, MySQL's database).
pub fn namespace() -> String {
    format!("lq_test_{}", std::process::id())
}

fn load(engine: Engine, conn: &mut Conn) {
    let ns = namespace();
    match engine {
        Engine::Postgres => {
            execute(conn, &format!("DROP SCHEMA IF EXISTS {ns} CASCADE"), &[]);
            execute(conn, &format!("CREATE SCHEMA {ns}"), &[]);
            execute(conn, &format!("SET search_path TO {ns}"), &[]);
        }
        Engine::Mysql => {
            execute(conn, &format!("DROP DATABASE IF EXISTS {ns}"), &[]);
            execute(
                conn,
                &format!("CREATE DATABASE {ns} CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"),
                &[],
            );
            execute(conn, &format!("USE {ns}"), &[]);
            execute(conn, "SET NAMES utf8mb4 COLLATE utf8mb4_bin", &[]);
            execute(conn, "SET time_zone = '+00:00'", &[]);
        }
        Engine::Sqlite => {}
    }
    for table in tables() {
        let columns: Vec<String> = table
            .columns
            .iter()
            .map(|(name, ty)| {
                let pk = if *name == "id" { " PRIMARY KEY" } else { "" };
                format!("{name} {}{pk}", sql_type(engine, *ty))
            })
            .collect();
        let suffix = if engine == Engine::Mysql {
            " CHARSET utf8mb4 COLLATE utf8mb4_bin"
        } else {
            ""
        };
        execute(
            conn,
            &format!(
                "CREATE TABLE {} ({}){suffix}",
                table.name,
                columns.join(", ")
            ),
            &[],
        );
        insert(engine, conn, &table);
    }
}

fn insert(engine: Engine, conn: &mut Conn, table: &Table) {
    for chunk in table.rows.chunks(50) {
        let mut insert = Query::insert();
        insert
            .into_table(Alias::new(table.name))
            .columns(table.columns.iter().map(|(c, _)| Alias::new(*c)));
        for row in chunk {
            let values: Vec<sea_query::Expr> = row
                .iter()
                .zip(&table.columns)
                .map(|(cell, (_, ty))| sea_query::Expr::val(cell_value(cell, *ty)))
                .collect();
            insert.values_panic(values);
        }
        let (sql, values) = engine.dialect().build(&insert);
        execute(conn, &sql, &values.0);
    }
}

/// A fixture cell as the value an app would bind.
pub fn cell_value(cell: &Cell, ty: ColType) -> V {
    match (cell, ty) {
        (Cell::Int(i), _) => V::BigInt(Some(*i)),
        (Cell::Str(s), _) => V::String(Some(s.clone())),
        (Cell::Dec(d), _) => V::Decimal(Some(*d)),
        (Cell::Bool(b), _) => V::Bool(Some(*b)),
        (Cell::Date(d), _) => V::ChronoDate(Some(*d)),
        (Cell::DateTime(d), _) => V::ChronoDateTime(Some(*d)),
        (Cell::Null, ColType::Int) => V::BigInt(None),
        (Cell::Null, ColType::Str) => V::String(None),
        (Cell::Null, ColType::Dec) => V::Decimal(None),
        (Cell::Null, ColType::Bool) => V::Bool(None),
        (Cell::Null, ColType::Date) => V::ChronoDate(None),
        (Cell::Null, ColType::DateTime) => V::ChronoDateTime(None),
    }
}

type PgParam = Box<dyn postgres::types::ToSql + Sync>;

fn pg_params(values: &[V]) -> Vec<PgParam> {
    values
        .iter()
        .map(|v| -> PgParam {
            match v {
                V::Bool(b) => Box::new(*b),
                V::BigInt(i) => Box::new(*i),
                V::Int(i) => Box::new(i.map(i64::from)),
                V::BigUnsigned(u) => Box::new(u.map(|u| i64::try_from(u).expect("LIMIT fits i64"))),
                V::String(s) => Box::new(s.clone()),
                V::Decimal(d) => Box::new(*d),
                V::ChronoDate(d) => Box::new(*d),
                V::ChronoDateTime(d) => Box::new(*d),
                other => panic!("the SQL layer bound an unexpected value type: {other:?}"),
            }
        })
        .collect()
}

fn mysql_params(values: &[V]) -> mysql::Params {
    use chrono::{Datelike, Timelike};
    use mysql::Value as M;
    let date = |d: chrono::NaiveDateTime| {
        M::Date(
            d.year() as u16,
            d.month() as u8,
            d.day() as u8,
            d.hour() as u8,
            d.minute() as u8,
            d.second() as u8,
            d.nanosecond() / 1000,
        )
    };
    let params: Vec<M> = values
        .iter()
        .map(|v| match v {
            V::Bool(Some(b)) => M::Int(i64::from(*b)),
            V::BigInt(Some(i)) => M::Int(*i),
            V::Int(Some(i)) => M::Int(i64::from(*i)),
            V::BigUnsigned(Some(u)) => M::UInt(*u),
            V::String(Some(s)) => M::Bytes(s.clone().into_bytes()),
            V::Decimal(Some(d)) => M::Bytes(d.to_string().into_bytes()),
            V::ChronoDate(Some(d)) => date(d.and_hms_opt(0, 0, 0).unwrap()),
            V::ChronoDateTime(Some(d)) => date(*d),
            V::Bool(None)
            | V::BigInt(None)
            | V::String(None)
            | V::Decimal(None)
            | V::ChronoDate(None)
            | V::ChronoDateTime(None) => M::NULL,
            other => panic!("the SQL layer bound an unexpected value type: {other:?}"),
        })
        .collect();
    if params.is_empty() {
        mysql::Params::Empty
    } else {
        mysql::Params::Positional(params)
    }
}

/// What sea-query-rusqlite binds: decimals as text, chrono values as rusqlite's text.
fn sqlite_params(values: &[V]) -> Vec<rusqlite::types::Value> {
    use rusqlite::types::Value as S;
    values
        .iter()
        .map(|v| match v {
            V::Bool(Some(b)) => S::Integer(i64::from(*b)),
            V::BigInt(Some(i)) => S::Integer(*i),
            V::Int(Some(i)) => S::Integer(i64::from(*i)),
            V::BigUnsigned(Some(u)) => S::Integer(i64::try_from(*u).expect("LIMIT fits i64")),
            V::String(Some(s)) => S::Text(s.clone()),
            V::Decimal(Some(d)) => S::Text(d.to_string()),
            V::ChronoDate(Some(d)) => S::Text(d.format("%F").to_string()),
            V::ChronoDateTime(Some(d)) => S::Text(d.format("%F %T%.f").to_string()),
            V::Bool(None)
            | V::BigInt(None)
            | V::String(None)
            | V::Decimal(None)
            | V::ChronoDate(None)
            | V::ChronoDateTime(None) => S::Null,
            other => panic!("the SQL layer bound an unexpected value type: {other:?}"),
        })
        .collect()
}

/// The engine's error code (never its message text).
fn failed(sql: &str, code: String) -> ! {
    panic!("the engine rejected a statement (error code {code}):\n{sql}")
}

pub fn execute(conn: &mut Conn, sql: &str, values: &[V]) {
    match conn {
        Conn::Postgres(c) => {
            let params = pg_params(values);
            let refs: Vec<&(dyn postgres::types::ToSql + Sync)> =
                params.iter().map(|p| &**p).collect();
            if let Err(e) = c.execute(sql, &refs) {
                failed(sql, format!("{:?}", e.code().map(|c| c.code())));
            }
        }
        Conn::Mysql(c) => {
            use mysql::prelude::Queryable;
            // DDL like `USE` cannot be prepared: send statements without values as text.
            let result = if values.is_empty() {
                c.query_drop(sql)
            } else {
                c.exec_drop(sql, mysql_params(values))
            };
            if let Err(e) = result {
                failed(sql, mysql_code(&e));
            }
        }
        Conn::Sqlite(c) => {
            let params = sqlite_params(values);
            if let Err(e) = c.execute(sql, rusqlite::params_from_iter(params)) {
                failed(sql, format!("{:?}", e.sqlite_error_code()));
            }
        }
    }
}

fn mysql_code(e: &mysql::Error) -> String {
    match e {
        mysql::Error::MySqlError(m) => m.code.to_string(),
        _ => "driver".to_owned(),
    }
}

/// The first column of every row, as i64 (the ids of a list statement).
pub fn ids(conn: &mut Conn, sql: &str, values: &[V]) -> Vec<i64> {
    match conn {
        Conn::Postgres(c) => {
            let params = pg_params(values);
            let refs: Vec<&(dyn postgres::types::ToSql + Sync)> =
                params.iter().map(|p| &**p).collect();
            match c.query(sql, &refs) {
                Ok(rows) => rows.iter().map(|r| r.get::<_, i64>(0)).collect(),
                Err(e) => failed(sql, format!("{:?}", e.code().map(|c| c.code()))),
            }
        }
        Conn::Mysql(c) => {
            use mysql::prelude::Queryable;
            match c.exec::<mysql::Row, _, _>(sql, mysql_params(values)) {
                Ok(rows) => (rows.iter())
                    .map(|r| r.get::<i64, _>(0).expect("an integer first column"))
                    .collect(),
                Err(e) => failed(sql, mysql_code(&e)),
            }
        }
        Conn::Sqlite(c) => {
            let params = sqlite_params(values);
            let run = || -> rusqlite::Result<Vec<i64>> {
                let mut stmt = c.prepare(sql)?;
                let rows =
                    stmt.query_map(rusqlite::params_from_iter(params), |r| r.get::<_, i64>(0))?;
                rows.collect()
            };
            run().unwrap_or_else(|e| failed(sql, format!("{:?}", e.sqlite_error_code())))
        }
    }
}

/// The one row of a count statement: `total` as i64, then `extra` text columns.
pub fn count_row(
    conn: &mut Conn,
    sql: &str,
    values: &[V],
    extra: usize,
) -> (i64, Vec<Option<String>>) {
    match conn {
        Conn::Postgres(c) => {
            let params = pg_params(values);
            let refs: Vec<&(dyn postgres::types::ToSql + Sync)> =
                params.iter().map(|p| &**p).collect();
            match c.query_one(sql, &refs) {
                Ok(row) => (
                    row.get(0),
                    (1..=extra)
                        .map(|i| row.get::<_, Option<String>>(i))
                        .collect(),
                ),
                Err(e) => failed(sql, format!("{:?}", e.code().map(|c| c.code()))),
            }
        }
        Conn::Mysql(c) => {
            use mysql::prelude::Queryable;
            match c.exec_first::<mysql::Row, _, _>(sql, mysql_params(values)) {
                Ok(Some(row)) => (
                    row.get::<i64, _>(0).expect("total"),
                    (1..=extra)
                        .map(|i| row.get::<Option<String>, _>(i).expect("text column"))
                        .collect(),
                ),
                Ok(None) => panic!("count statement returned no row:\n{sql}"),
                Err(e) => failed(sql, mysql_code(&e)),
            }
        }
        Conn::Sqlite(c) => {
            let params = sqlite_params(values);
            c.query_row(sql, rusqlite::params_from_iter(params), |r| {
                let total: i64 = r.get(0)?;
                let texts = (1..=extra)
                    .map(|i| r.get::<_, Option<String>>(i))
                    .collect::<rusqlite::Result<Vec<_>>>()?;
                Ok((total, texts))
            })
            .unwrap_or_else(|e| failed(sql, format!("{:?}", e.sqlite_error_code())))
        }
    }
}

/// The first column of the first row as text (an `EXPLAIN` plan as JSON).
pub fn plan_text(conn: &mut Conn, sql: &str, values: &[V]) -> String {
    match conn {
        Conn::Postgres(c) => {
            let params = pg_params(values);
            let refs: Vec<&(dyn postgres::types::ToSql + Sync)> =
                params.iter().map(|p| &**p).collect();
            match c.query_one(sql, &refs) {
                Ok(row) => row.get::<_, serde_json::Value>(0).to_string(),
                Err(e) => failed(sql, format!("{:?}", e.code().map(|c| c.code()))),
            }
        }
        Conn::Mysql(c) => {
            use mysql::prelude::Queryable;
            match c.exec_first::<String, _, _>(sql, mysql_params(values)) {
                Ok(Some(text)) => text,
                Ok(None) => panic!("no plan:\n{sql}"),
                Err(e) => failed(sql, mysql_code(&e)),
            }
        }
        Conn::Sqlite(_) => panic!("SQLite has no JSON plans"),
    }
}

/// The rows of SQLite's `EXPLAIN QUERY PLAN`, their detail column joined.
pub fn plan_rows(conn: &mut Conn, sql: &str, values: &[V]) -> String {
    let Conn::Sqlite(c) = conn else {
        panic!("EXPLAIN QUERY PLAN is SQLite's")
    };
    let mut stmt = c.prepare(sql).unwrap();
    let rows = stmt
        .query_map(rusqlite::params_from_iter(sqlite_params(values)), |r| {
            r.get::<_, String>(3)
        })
        .unwrap();
    rows.collect::<rusqlite::Result<Vec<_>>>()
        .unwrap()
        .join("; ")
}

//! The three SQL dialects and the few rules in which they differ.

use std::fmt;
use std::str::FromStr;

use sea_query::{
    MysqlQueryBuilder, PostgresQueryBuilder, QueryStatementWriter, SqliteQueryBuilder, Values,
};

/// A database dialect, chosen at run time.
///
/// ```
/// use listquery::sql::Dialect;
/// let d: Dialect = "mysql".parse().unwrap();
/// assert_eq!(d, Dialect::Mysql);
/// assert_eq!(d.as_str(), "mysql");
/// assert!("oracle".parse::<Dialect>().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Dialect {
    /// PostgreSQL (sea-query's `PostgresQueryBuilder`, `$1` placeholders).
    Postgres,
    /// MySQL and MariaDB (`MysqlQueryBuilder`, `?` placeholders).
    Mysql,
    /// SQLite (`SqliteQueryBuilder`, `?` placeholders).
    Sqlite,
}

impl Dialect {
    /// Every dialect.
    pub const ALL: [Dialect; 3] = [Self::Postgres, Self::Mysql, Self::Sqlite];

    /// `"postgres"`, `"mysql"` or `"sqlite"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Postgres => "postgres",
            Self::Mysql => "mysql",
            Self::Sqlite => "sqlite",
        }
    }

    /// Renders a statement for this dialect: the SQL text with placeholders and
    /// the values to bind, in placeholder order.
    pub fn build(self, statement: &impl QueryStatementWriter) -> (String, Values) {
        match self {
            Self::Postgres => statement.build(PostgresQueryBuilder),
            Self::Mysql => statement.build(MysqlQueryBuilder),
            Self::Sqlite => statement.build(SqliteQueryBuilder),
        }
    }

    /// Renders a statement with the values inlined, for logs and docs only
    /// (never send this to a database: bind the values of [`Dialect::build`]).
    pub fn to_inline_string(self, statement: &impl QueryStatementWriter) -> String {
        match self {
            Self::Postgres => statement.to_string(PostgresQueryBuilder),
            Self::Mysql => statement.to_string(MysqlQueryBuilder),
            Self::Sqlite => statement.to_string(SqliteQueryBuilder),
        }
    }

    pub(crate) fn rules(self) -> &'static dyn DialectRules {
        match self {
            Self::Postgres => &PostgresRules,
            Self::Mysql => &MysqlRules,
            Self::Sqlite => &SqliteRules,
        }
    }
}

impl fmt::Display for Dialect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A dialect name that is not `postgres`, `mysql` or `sqlite`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown SQL dialect {0:?}; expected postgres, mysql or sqlite")]
pub struct UnknownDialect(pub String);

impl FromStr for Dialect {
    type Err = UnknownDialect;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "postgres" | "postgresql" => Ok(Self::Postgres),
            "mysql" | "mariadb" => Ok(Self::Mysql),
            "sqlite" => Ok(Self::Sqlite),
            other => Err(UnknownDialect(other.to_owned())),
        }
    }
}

/// What listquery itself does differently per dialect (sea-query already covers
/// quoting, placeholders and MySQL's missing `NULLS FIRST/LAST`). Each dialect
/// overrides only what differs from the defaults.
pub(crate) trait DialectRules: Sync {
    /// The type to `CAST` aggregate results to so every driver reads them as text.
    fn text_type(&self) -> &'static str {
        "TEXT"
    }
    /// Whether `DECIMAL`/`NUMERIC` columns hold exact values. When not (SQLite),
    /// aggregates over decimal fields with a declared scale run on integers.
    fn exact_decimals(&self) -> bool {
        true
    }
}

struct PostgresRules;
impl DialectRules for PostgresRules {}

struct MysqlRules;
impl DialectRules for MysqlRules {
    // MySQL has no `CAST(... AS TEXT)`.
    fn text_type(&self) -> &'static str {
        "CHAR"
    }
}

struct SqliteRules;
impl DialectRules for SqliteRules {
    // SQLite stores NUMERIC as REAL (binary floating point).
    fn exact_decimals(&self) -> bool {
        false
    }
}

//! The explain view: each statement's SQL text and bound values as JSON (SPEC §11).

use sea_query::{QueryStatementWriter, SelectStatement};
use serde::Serialize;

use super::{Dialect, ListSql, SqlError};

/// The `"sql"` block of `listquery explain`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SqlExplain {
    /// The dialect's name.
    pub dialect: &'static str,
    /// The list statement.
    pub select: StatementExplain,
    /// The count (and aggregates) statement.
    pub count: StatementExplain,
}

/// One statement: its text with placeholders and its values in order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StatementExplain {
    /// The SQL text.
    pub text: String,
    /// The bound values, typed as in SPEC §11.
    pub values: Vec<serde_json::Value>,
}

impl StatementExplain {
    /// Renders `statement` for `dialect`.
    pub fn new(dialect: Dialect, statement: &impl QueryStatementWriter) -> Self {
        let (text, values) = dialect.build(statement);
        Self {
            text,
            values: values.0.iter().map(value_json).collect(),
        }
    }
}

impl ListSql<'_> {
    /// The select and count statements for `base` as text and JSON values, for
    /// logs and the CLI.
    ///
    /// ```
    /// # use listquery::sql::{BaseStatement, Dialect, ListSql};
    /// # use listquery::{ListQuery, RequestOptions, Role, Schema};
    /// # let schema = Schema::from_toml_str(r#"
    /// #     [resources.invoices]
    /// #     table = "invoices"
    /// #     [resources.invoices.fields]
    /// #     id     = { type = "integer", sort = true }
    /// #     amount = { type = "decimal", filter = ["gte"] }
    /// #     due_on = { type = "date", filter = ["lte"] }
    /// #     paid   = { type = "boolean", filter = true }
    /// # "#).unwrap();
    /// let query = ListQuery::parse("filter[amount][gte]=12.50&filter[due_on][lte]=2024-03-01&filter[paid]=1",
    ///     schema.resource("invoices").unwrap(), RequestOptions::for_role(Role::Admin)).unwrap();
    /// let base = BaseStatement::for_resource(query.resource(), Dialect::Postgres);
    /// let explain = ListSql::new(&query, Dialect::Postgres).explain(base.statement()).unwrap();
    /// assert_eq!(serde_json::to_string(&explain.select.values).unwrap(),
    ///     r#"["12.50","2024-03-01",true,15,0]"#);
    /// assert_eq!(explain.count.text,
    ///     r#"SELECT COUNT(*) AS "total" FROM "invoices" WHERE "amount" >= $1 AND "due_on" <= $2 AND "paid" = $3"#);
    /// ```
    pub fn explain(&self, base: &SelectStatement) -> Result<SqlExplain, SqlError> {
        let select = self.select(base)?;
        let count = self.count(base)?;
        Ok(SqlExplain {
            dialect: self.dialect.as_str(),
            select: StatementExplain::new(self.dialect, &select),
            count: StatementExplain::new(self.dialect, count.statement()),
        })
    }
}

/// A bound value as JSON: integers as numbers, decimals as strings in
/// canonical form (`"12.50"`), booleans, dates `"YYYY-MM-DD"`, datetimes
/// `"YYYY-MM-DD HH:MM:SS"`, SQL NULL as `null`; types listquery never binds
/// (bytes, JSON, ...) from a caller's own conditions also show as `null`.
pub fn value_json(value: &sea_query::Value) -> serde_json::Value {
    use sea_query::Value as V;
    use serde_json::Value as J;
    match value {
        V::Bool(Some(b)) => J::Bool(*b),
        V::TinyInt(Some(i)) => J::from(*i),
        V::SmallInt(Some(i)) => J::from(*i),
        V::Int(Some(i)) => J::from(*i),
        V::BigInt(Some(i)) => J::from(*i),
        V::TinyUnsigned(Some(i)) => J::from(*i),
        V::SmallUnsigned(Some(i)) => J::from(*i),
        V::Unsigned(Some(i)) => J::from(*i),
        V::BigUnsigned(Some(i)) => J::from(*i),
        V::Float(Some(f)) => J::from(*f),
        V::Double(Some(f)) => J::from(*f),
        V::String(Some(s)) => J::String(s.clone()),
        V::Char(Some(c)) => J::String(c.to_string()),
        V::Decimal(Some(d)) => J::String(d.to_string()),
        V::ChronoDate(Some(d)) => J::String(d.format("%Y-%m-%d").to_string()),
        V::ChronoDateTime(Some(dt)) => J::String(crate::timestamp::formatted(dt).to_string()),
        V::ChronoDateTimeUtc(Some(dt)) => J::String(crate::timestamp::formatted(dt).to_string()),
        _ => J::Null,
    }
}

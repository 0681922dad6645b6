//! Estimated counts (SPEC §12): the planner's row estimate for the filtered
//! set, read from `EXPLAIN` as JSON, instead of a `COUNT(*)` that scans it.

use sea_query::{Expr, SelectStatement, Values};

use super::{Dialect, ListSql, SqlError};
use crate::schema::{CountMode, PaginationMode};

/// The `EXPLAIN` statement whose plan estimates a request's total.
///
/// Run it, read its one row's one column as text (the plan as JSON), and
/// hand it to [`EstimateQuery::decode`]. Use the estimate as the total when
/// [`EstimateQuery::is_used`] says so (it is at least the resource's
/// `exact_count_below`: [`PageTotals::estimated`]); otherwise run the exact
/// count statement as usual.
///
/// An estimate is the planner's: after bulk changes it may be off by a large
/// factor until the table is analysed (PostgreSQL `ANALYZE`, MySQL `ANALYZE
/// TABLE`). Where filters are selective the planner guesses their
/// selectivity; that is the price of not scanning.
///
/// [`PageTotals::estimated`]: crate::page::PageTotals::estimated
#[derive(Debug, Clone)]
pub struct EstimateQuery {
    dialect: Dialect,
    text: String,
    values: Values,
    exact_below: u64,
}

impl EstimateQuery {
    /// The statement text and its values.
    pub fn build(&self) -> (String, Values) {
        (self.text.clone(), self.values.clone())
    }
    /// The statement text.
    pub fn text(&self) -> &str {
        &self.text
    }
    /// The values to bind.
    pub fn values(&self) -> &Values {
        &self.values
    }
    /// Whether `estimate` is taken as the total: it is at least the
    /// resource's `exact_count_below`.
    pub fn is_used(&self, estimate: u64) -> bool {
        estimate >= self.exact_below
    }
    /// The estimated rows from the plan (the statement's one column, as text).
    ///
    /// - PostgreSQL: the top node's `Plan Rows`.
    /// - MySQL: the first table's `rows_produced_per_join`; MariaDB: its
    ///   `rows` times `filtered` percent.
    ///
    /// # Errors
    ///
    /// [`SqlError::Decode`] when the text is not such a plan.
    pub fn decode(&self, plan: &str) -> Result<u64, SqlError> {
        let unreadable = || SqlError::Decode {
            column: "EXPLAIN".to_owned(),
            value: plan.chars().take(200).collect(),
            expected: "a query plan as JSON with a row estimate",
        };
        let json: serde_json::Value = serde_json::from_str(plan).map_err(|_| unreadable())?;
        let rows = match self.dialect {
            Dialect::Postgres => json.pointer("/0/Plan/Plan Rows").and_then(number),
            _ => mysql_rows(&json),
        };
        let rows = rows
            .filter(|r| r.is_finite() && *r >= 0.0)
            .ok_or_else(unreadable)?;
        // Rounded to whole rows; `as` saturates at u64::MAX.
        Ok(rows.round() as u64)
    }
}

fn number(value: &serde_json::Value) -> Option<f64> {
    match value {
        serde_json::Value::Number(n) => n.as_f64(),
        // MariaDB writes some numbers as strings.
        serde_json::Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

/// The first table node of a MySQL or MariaDB plan, depth first.
fn mysql_rows(json: &serde_json::Value) -> Option<f64> {
    match json {
        serde_json::Value::Object(map) => {
            if let Some(rows) = map.get("rows_produced_per_join").and_then(number) {
                return Some(rows);
            }
            let rows = map.get("rows").and_then(number);
            if let (true, Some(rows)) = (map.contains_key("table_name"), rows) {
                let filtered = map.get("filtered").and_then(number).unwrap_or(100.0);
                return Some(rows * filtered / 100.0);
            }
            map.values().find_map(mysql_rows)
        }
        serde_json::Value::Array(items) => items.iter().find_map(mysql_rows),
        _ => None,
    }
}

impl ListSql<'_> {
    /// The estimate statement of an offset page on a resource with
    /// `count = "estimated"`, on PostgreSQL and MySQL; `None` otherwise (an
    /// exact count then runs: on SQLite, which has no row estimates and
    /// counts fast, for other modes, and for metadata, whose statement counts
    /// anyway).
    ///
    /// ```
    /// use listquery::sql::{Dialect, ListSql};
    /// use listquery::{ListQuery, RequestOptions, Role, Schema};
    /// let schema = Schema::from_toml_str(r#"
    ///     [resources.events]
    ///     table = "events"
    ///     count = "estimated"
    ///     exact_count_below = 50000
    ///     [resources.events.fields]
    ///     id   = { type = "integer", sort = true }
    ///     kind = { type = "string", filter = true }
    /// "#)?;
    /// let query = ListQuery::parse("filter[kind]=click", schema.resource("events").unwrap(),
    ///     RequestOptions::for_role(Role::Admin))?;
    /// let base = sea_query::Query::select().column(sea_query::Asterisk).from("events").to_owned();
    /// let estimate = ListSql::new(&query, Dialect::Postgres).estimate(&base)?.unwrap();
    /// assert_eq!(estimate.text(), r#"EXPLAIN (FORMAT JSON) SELECT 1 FROM "events" WHERE "kind" = $1"#);
    /// assert_eq!(estimate.decode(r#"[{"Plan": {"Plan Rows": 81234.0}}]"#)?, 81234);
    /// assert!(estimate.is_used(81234) && !estimate.is_used(49999));
    /// assert!(ListSql::new(&query, Dialect::Sqlite).estimate(&base)?.is_none());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`ListSql::count`].
    pub fn estimate(&self, base: &SelectStatement) -> Result<Option<EstimateQuery>, SqlError> {
        let query = self.query();
        let resource = query.resource();
        let wanted = resource.count_mode() == CountMode::Estimated
            && query.pagination_mode() == Some(PaginationMode::Offset)
            && !query.metadata()
            && self.dialect() != Dialect::Sqlite;
        if !wanted {
            return Ok(None);
        }
        let mut statement = base.clone();
        statement
            .clear_selects()
            .clear_order_by()
            .reset_limit()
            .reset_offset()
            .expr(Expr::cust("1"));
        self.apply_filters(&mut statement)?;
        let (text, values) = self.build(&statement);
        let explain = match self.dialect() {
            Dialect::Postgres => "EXPLAIN (FORMAT JSON) ",
            _ => "EXPLAIN FORMAT=JSON ",
        };
        Ok(Some(EstimateQuery {
            dialect: self.dialect(),
            text: format!("{explain}{text}"),
            values,
            exact_below: resource.exact_count_below(),
        }))
    }
}

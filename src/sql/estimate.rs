//! Estimated counts (SPEC §12): the planner's row estimate for the filtered
//! set, read from `EXPLAIN` as JSON, instead of a `COUNT(*)` that scans it.

use sea_query::{Expr, SelectStatement, Values};

use super::{Dialect, ListSql, SqlError, unordered};
use crate::schema::{CountMode, PaginationMode};

/// The `EXPLAIN` statement whose plan estimates a request's total.
///
/// Run it, read its one row's one column as text (the plan as JSON), and
/// hand it to [`EstimateQuery::decode`]. Use the estimate as the total when
/// there is one and [`EstimateQuery::is_used`] says so (it is at least the
/// resource's `exact_count_below`: [`PageTotals::estimated`]); otherwise run
/// the exact count statement as usual.
///
/// An estimate below the true count makes the last pages unreachable through
/// `next_page_url` (the envelope's `last_page` comes from the estimate); that
/// is why small totals are counted exactly.
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
    /// The estimated rows from the plan (the statement's one column, as
    /// text), or `None` when the plan gives no usable estimate: then run the
    /// exact count.
    ///
    /// - PostgreSQL: the top node's `Plan Rows` (joins and subqueries
    ///   included).
    /// - MySQL: the table's `rows_produced_per_join`; MariaDB: its `rows`
    ///   times `filtered` percent. A plan that reads several tables (a join,
    ///   or a subquery in your base statement) has no single figure for the
    ///   result, and a plan with no table at all (MySQL's "Impossible WHERE",
    ///   "no matching row in const table") none either: both are `None`.
    ///
    /// # Errors
    ///
    /// [`SqlError::Decode`] when the text is not a plan as JSON.
    pub fn decode(&self, plan: &str) -> Result<Option<u64>, SqlError> {
        let json: serde_json::Value = serde_json::from_str(plan).map_err(|_| SqlError::Decode {
            column: "EXPLAIN".to_owned(),
            value: plan.chars().take(200).collect(),
            expected: "a query plan as JSON",
        })?;
        let rows = match self.dialect {
            Dialect::Postgres => json.pointer("/0/Plan/Plan Rows").and_then(number),
            _ => {
                let mut tables = Vec::new();
                mysql_tables(&json, &mut tables);
                match tables.as_slice() {
                    [one] => Some(*one),
                    _ => None,
                }
            }
        };
        // Rounded to whole rows; `as` saturates at u64::MAX.
        Ok(rows
            .filter(|r| r.is_finite() && *r >= 0.0)
            .map(|r| r.round() as u64))
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

/// The row estimate of each table a MySQL or MariaDB plan reads, depth first.
fn mysql_tables(json: &serde_json::Value, out: &mut Vec<f64>) {
    match json {
        serde_json::Value::Object(map) => {
            if map.contains_key("table_name") {
                let mysql = map.get("rows_produced_per_join").and_then(number);
                let mariadb = map.get("rows").and_then(number).map(|rows| {
                    rows * map.get("filtered").and_then(number).unwrap_or(100.0) / 100.0
                });
                if let Some(rows) = mysql.or(mariadb) {
                    out.push(rows);
                    return;
                }
            }
            map.values().for_each(|v| mysql_tables(v, out));
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| mysql_tables(v, out)),
        _ => {}
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
    /// assert_eq!(estimate.decode(r#"[{"Plan": {"Plan Rows": 81234.0}}]"#)?, Some(81234));
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
        let mut statement = unordered(base);
        statement.expr(Expr::cust("1"));
        let joins = self.counting_joins(base, []);
        super::add_joins(resource, &joins, &mut statement);
        self.joining(&joins).apply_filters(&mut statement)?;
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

#[cfg(test)]
mod tests {
    use super::*;

    fn estimate(dialect: Dialect) -> EstimateQuery {
        EstimateQuery {
            dialect,
            text: String::new(),
            values: Values(Vec::new()),
            exact_below: 10,
        }
    }

    #[test]
    fn plans_of_each_engine() {
        let pg = estimate(Dialect::Postgres);
        assert_eq!(
            pg.decode(r#"[{"Plan": {"Node Type": "Seq Scan", "Plan Rows": 1200.4}}]"#),
            Ok(Some(1200))
        );
        let my = estimate(Dialect::Mysql);
        // MySQL 8: one table.
        let mysql = r#"{"query_block": {"select_id": 1, "table": {"table_name": "invoices", "rows_examined_per_scan": 400000, "rows_produced_per_join": 200000, "filtered": "50.00"}}}"#;
        assert_eq!(my.decode(mysql), Ok(Some(200_000)));
        // MariaDB: rows times filtered percent.
        let mariadb = r#"{"query_block": {"select_id": 1, "table": {"table_name": "invoices", "access_type": "ALL", "rows": 398000, "filtered": 49.5}}}"#;
        assert_eq!(my.decode(mariadb), Ok(Some(197_010)));
        // No table (an impossible WHERE), or several (a join or subquery): none.
        let impossible =
            r#"{"query_block": {"select_id": 1, "message": "no matching row in const table"}}"#;
        assert_eq!(my.decode(impossible), Ok(None));
        let mariadb_impossible =
            r#"{"query_block": {"select_id": 1, "table": {"message": "Impossible WHERE"}}}"#;
        assert_eq!(my.decode(mariadb_impossible), Ok(None));
        let join = r#"{"query_block": {"nested_loop": [{"table": {"table_name": "customers", "rows_produced_per_join": 40}}, {"table": {"table_name": "invoices", "rows_produced_per_join": 80}}]}}"#;
        assert_eq!(my.decode(join), Ok(None));
        assert!(my.decode("not json").is_err());
    }
}

//! The count statement: `SELECT COUNT(*) AS total` plus the resource's
//! aggregates when metadata is asked for, all in one statement so they agree.

use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};
use sea_query::{Alias, Asterisk, Expr, ExprTrait, Func, SelectStatement, Values};

use super::{Dialect, ListSql, SqlError, unordered};
use crate::schema::{Aggregate, AggregateFn, AggregateValue, FieldType};

/// The alias of the row count in every count statement.
pub const TOTAL_ALIAS: &str = "total";

/// Decimal places added to an `avg` over the field's scale (as MySQL does).
const AVG_EXTRA_SCALE: u32 = 4;

/// The count/aggregate statement of a request and how to read its one row.
///
/// Read the row driver-independently: column `total` as an `i64`, then every
/// column of [`CountQuery::columns`], in order, as nullable text (the
/// statement casts them to text), and hand them to [`CountQuery::decode`].
///
/// - `sum` over no rows is `0` (in the field's scale), not NULL: a total of
///   nothing is zero. `min`, `max` and `avg` over no rows are
///   [`AggregateValue::Null`].
/// - `avg` is computed from an exact `SUM` and `COUNT` (two columns) and
///   rounded half away from zero to the field's scale plus 4, so it is the
///   same on every engine.
/// - On SQLite, aggregates of a decimal field with a declared `scale` run on
///   integers (`CAST(ROUND(amount * 100) AS INTEGER)`) and are exact; without a
///   scale they are SQLite's floating point.
/// - `sum`, `avg`, `min` and `max` take `integer` and `decimal` fields; `count`
///   takes any field (its non-NULL values) or none (`COUNT(*)`).
#[derive(Debug, Clone)]
pub struct CountQuery {
    dialect: Dialect,
    statement: SelectStatement,
    columns: Vec<CountColumn>,
    aggregates: Vec<AggregatePlan>,
}

/// One text column of a count statement after `total`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountColumn {
    alias: String,
}

impl CountColumn {
    /// The column's alias in the statement.
    pub fn alias(&self) -> &str {
        &self.alias
    }
}

/// The decoded row of a count statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountResult {
    /// Rows matching the filters (and your base statement's scoping).
    pub total: u64,
    /// The aggregates, by name, in the resource's declaration order (empty
    /// without metadata).
    pub aggregates: Vec<(String, AggregateValue)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NumberKind {
    /// An integer result, read from integer text.
    Integer,
    /// An exact decimal, rescaled to the field's scale when it has one.
    Decimal(Option<u32>),
    /// An integer counting units of `10^-scale` (SQLite's exact decimals).
    Scaled(u32),
}

#[derive(Debug, Clone)]
struct AggregatePlan {
    name: String,
    function: AggregateFn,
    kind: NumberKind,
    /// The scale of the field's values, for `avg` and `sum` results.
    scale: Option<u32>,
}

impl ListSql<'_> {
    /// The count statement for `base`: its select list, ORDER BY, LIMIT and
    /// OFFSET replaced by `COUNT(*) AS total` (and the aggregates, when the
    /// request asked for metadata), the request's filters AND'ed onto its
    /// conditions. A base with `GROUP BY` or `DISTINCT` is not counted by this.
    ///
    /// ```
    /// # use listquery::sql::{Dialect, ListSql};
    /// # use listquery::{ListQuery, RequestOptions, Role, Schema};
    /// # use sea_query::{Asterisk, Query};
    /// # let schema = Schema::from_toml_str(r#"
    /// #     [resources.invoices]
    /// #     table = "invoices"
    /// #     [resources.invoices.fields]
    /// #     id     = { type = "integer", sort = true }
    /// #     paid   = { type = "boolean", filter = true }
    /// #     amount = { type = "decimal", scale = 2 }
    /// #     [resources.invoices.aggregates]
    /// #     total_amount = { function = "sum", field = "amount" }
    /// # "#).unwrap();
    /// let query = ListQuery::parse("filter[paid]=true&metadata=1",
    ///     schema.resource("invoices").unwrap(), RequestOptions::for_role(Role::Admin)).unwrap();
    /// let base = Query::select().column(Asterisk).from("invoices").to_owned();
    ///
    /// let pg = ListSql::new(&query, Dialect::Postgres).count(&base).unwrap();
    /// assert_eq!(pg.build().0, concat!(
    ///     r#"SELECT COUNT(*) AS "total", CAST(SUM("amount") AS TEXT) AS "total_amount" "#,
    ///     r#"FROM "invoices" WHERE "paid" = $1"#));
    /// let my = ListSql::new(&query, Dialect::Mysql).count(&base).unwrap();
    /// assert_eq!(my.build().0, concat!(
    ///     "SELECT COUNT(*) AS `total`, CAST(SUM(`amount`) AS CHAR) AS `total_amount` ",
    ///     "FROM `invoices` WHERE `paid` = ?"));
    /// let lite = ListSql::new(&query, Dialect::Sqlite).count(&base).unwrap();
    /// assert_eq!(lite.build().0, concat!(
    ///     r#"SELECT COUNT(*) AS "total", CAST(SUM(CAST(ROUND("amount" * 100) AS INTEGER)) AS TEXT) AS "total_amount" "#,
    ///     r#"FROM "invoices" WHERE "paid" = ?"#));
    ///
    /// // The row as read from the driver: total as i64, the rest as text.
    /// let result = lite.decode(3, &[Some("1230")]).unwrap();
    /// assert_eq!(result.total, 3);
    /// assert_eq!(serde_json::to_string(&result.aggregates[0].1).unwrap(), r#""12.30""#);
    /// ```
    pub fn count(&self, base: &SelectStatement) -> Result<CountQuery, SqlError> {
        // Joins only for what counts: the filters, the aggregates asked for,
        // and the inner joins the list makes.
        let aggregated = (self.query.metadata())
            .then(|| {
                self.query
                    .resource()
                    .aggregates()
                    .iter()
                    .filter_map(|a| a.field())
            })
            .into_iter()
            .flatten();
        let joins = self.counting_joins(base, aggregated);
        self.joining(&joins).count_joined(base, &joins)
    }

    fn count_joined(
        &self,
        base: &SelectStatement,
        joins: &[usize],
    ) -> Result<CountQuery, SqlError> {
        let mut statement = unordered(base);
        statement.expr_as(Func::count(Expr::col(Asterisk)), Alias::new(TOTAL_ALIAS));
        let mut columns = Vec::new();
        let mut aggregates = Vec::new();
        if self.query.metadata() {
            for aggregate in self.query.resource().aggregates() {
                let plan = self.aggregate_plan(aggregate);
                for (alias, expr) in self.aggregate_columns(aggregate, &plan) {
                    let text = Func::cast_as(expr, Alias::new(self.dialect.rules().text_type()));
                    statement.expr_as(text, Alias::new(alias.clone()));
                    columns.push(CountColumn { alias });
                }
                aggregates.push(plan);
            }
        }
        super::add_joins(self.query.resource(), joins, &mut statement);
        self.apply_filters_checked(&mut statement)?;
        Ok(CountQuery {
            dialect: self.dialect,
            statement,
            columns,
            aggregates,
        })
    }

    /// How an aggregate's result is read. The schema allows `sum`, `avg`, `min`
    /// and `max` only over integer and decimal fields, and a field-less aggregate
    /// only for `count`.
    fn aggregate_plan(&self, aggregate: &Aggregate) -> AggregatePlan {
        let field = aggregate.field().map(|id| self.query.resource().field(id));
        let (kind, scale) = match (aggregate.function(), field) {
            (AggregateFn::Count, _) | (_, None) => (NumberKind::Integer, None),
            (_, Some(field)) => match (field.ty(), field.scale()) {
                (FieldType::Decimal, Some(scale)) if !self.dialect.rules().exact_decimals() => {
                    (NumberKind::Scaled(scale), Some(scale))
                }
                (FieldType::Decimal, scale) => (NumberKind::Decimal(scale), scale),
                _ => (NumberKind::Integer, None),
            },
        };
        AggregatePlan {
            name: aggregate.name().to_owned(),
            function: aggregate.function(),
            kind,
            scale,
        }
    }

    /// The result columns of one aggregate: `(alias, expression)`.
    fn aggregate_columns(
        &self,
        aggregate: &Aggregate,
        plan: &AggregatePlan,
    ) -> Vec<(String, Expr)> {
        let field = aggregate.field().map(|id| self.query.resource().field(id));
        let Some(column) = field.map(|f| self.column(f)) else {
            return vec![(plan.name.clone(), Func::count(Expr::col(Asterisk)).into())];
        };
        let value = match plan.kind {
            NumberKind::Scaled(scale) => {
                // The schema caps scale at 18, so 10^scale fits and never saturates.
                let factor = 10_i64.saturating_pow(scale);
                let scaled = column.clone().mul(Expr::Constant(factor.into()));
                Func::cast_as(Func::round(scaled), Alias::new("INTEGER")).into()
            }
            NumberKind::Integer | NumberKind::Decimal(_) => column.clone(),
        };
        match plan.function {
            AggregateFn::Sum => vec![(plan.name.clone(), Func::sum(value).into())],
            AggregateFn::Min => vec![(plan.name.clone(), Func::min(value).into())],
            AggregateFn::Max => vec![(plan.name.clone(), Func::max(value).into())],
            AggregateFn::Count => vec![(plan.name.clone(), Func::count(column).into())],
            AggregateFn::Avg => vec![
                (plan.name.clone(), Func::sum(value).into()),
                (format!("{}_count", plan.name), Func::count(column).into()),
            ],
        }
    }
}

impl CountQuery {
    /// The statement.
    pub fn statement(&self) -> &SelectStatement {
        &self.statement
    }

    /// Renders the statement for its dialect: SQL text and values to bind.
    pub fn build(&self) -> (String, Values) {
        self.dialect.build(&self.statement)
    }

    /// The text columns after `total`, in order.
    pub fn columns(&self) -> &[CountColumn] {
        &self.columns
    }

    /// Decodes the statement's row: `total` as read (an `i64`), then the
    /// [`CountQuery::columns`] as nullable text, in order.
    pub fn decode<S: AsRef<str>>(
        &self,
        total: i64,
        columns: &[Option<S>],
    ) -> Result<CountResult, SqlError> {
        if columns.len() != self.columns.len() {
            return Err(SqlError::ColumnCount {
                expected: self.columns.len(),
                actual: columns.len(),
            });
        }
        let total = u64::try_from(total).map_err(|_| SqlError::Decode {
            column: TOTAL_ALIAS.to_owned(),
            value: total.to_string(),
            expected: "a row count",
        })?;
        let mut texts = self
            .columns
            .iter()
            .zip(columns.iter().map(|c| c.as_ref().map(AsRef::as_ref)));
        let mut aggregates = Vec::with_capacity(self.aggregates.len());
        for plan in &self.aggregates {
            let Some((column, text)) = texts.next() else {
                break;
            };
            let value = match plan.function {
                AggregateFn::Avg => {
                    let (count_column, count_text) = texts.next().ok_or(SqlError::ColumnCount {
                        expected: self.columns.len(),
                        actual: columns.len(),
                    })?;
                    let count = read_number(count_column, count_text, NumberKind::Integer)?;
                    decode_avg(plan, read_number(column, text, plan.kind)?, count)
                }
                AggregateFn::Count => to_value(
                    read_number(column, text, NumberKind::Integer)?,
                    NumberKind::Integer,
                    column,
                )?,
                AggregateFn::Sum => {
                    let zero = Some(Decimal::ZERO);
                    to_value(
                        read_number(column, text, plan.kind)?.or(zero),
                        plan.kind,
                        column,
                    )?
                }
                AggregateFn::Min | AggregateFn::Max => {
                    to_value(read_number(column, text, plan.kind)?, plan.kind, column)?
                }
            };
            aggregates.push((plan.name.clone(), value));
        }
        Ok(CountResult { total, aggregates })
    }
}

fn decode_avg(
    plan: &AggregatePlan,
    sum: Option<Decimal>,
    count: Option<Decimal>,
) -> AggregateValue {
    match (sum, count) {
        (Some(sum), Some(count)) if !count.is_zero() => {
            let scale = plan
                .scale
                .unwrap_or_else(|| sum.scale())
                .saturating_add(AVG_EXTRA_SCALE);
            sum.checked_div(count).map_or(AggregateValue::Null, |avg| {
                AggregateValue::Decimal(
                    avg.round_dp_with_strategy(scale, RoundingStrategy::MidpointAwayFromZero),
                )
            })
        }
        _ => AggregateValue::Null,
    }
}

/// Reads one text column as an exact number (`None` for SQL NULL).
fn read_number(
    column: &CountColumn,
    text: Option<&str>,
    kind: NumberKind,
) -> Result<Option<Decimal>, SqlError> {
    let Some(text) = text.map(str::trim) else {
        return Ok(None);
    };
    let error = |expected| SqlError::Decode {
        column: column.alias.clone(),
        value: text.chars().take(64).collect(),
        expected,
    };
    let number = match kind {
        NumberKind::Integer => text
            .parse::<i64>()
            .map(Decimal::from)
            .map_err(|_| error("an integer"))?,
        NumberKind::Scaled(scale) => {
            let units = text.parse::<i64>().map_err(|_| error("an integer"))?;
            Decimal::try_from_i128_with_scale(i128::from(units), scale)
                .map_err(|_| error("a scaled integer"))?
        }
        NumberKind::Decimal(_) => Decimal::from_str(text)
            .or_else(|_| Decimal::from_scientific(text))
            .map_err(|_| error("a decimal"))?,
    };
    Ok(Some(number))
}

fn to_value(
    number: Option<Decimal>,
    kind: NumberKind,
    column: &CountColumn,
) -> Result<AggregateValue, SqlError> {
    let Some(mut number) = number else {
        return Ok(AggregateValue::Null);
    };
    Ok(match kind {
        NumberKind::Integer => {
            AggregateValue::Integer(i64::try_from(number).map_err(|_| SqlError::Decode {
                column: column.alias.clone(),
                value: number.to_string(),
                expected: "a 64-bit integer",
            })?)
        }
        NumberKind::Decimal(Some(scale)) | NumberKind::Scaled(scale) => {
            number.rescale(scale);
            AggregateValue::Decimal(number)
        }
        NumberKind::Decimal(None) => AggregateValue::Decimal(number.normalize()),
    })
}

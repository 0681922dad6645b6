//! The SQL layer: a validated [`ListQuery`] applied to your own sea-query
//! [`SelectStatement`], and the matching count/aggregate statement (SPEC §7).
//!
//! You keep the statement: its table, joins and scoping (`WHERE agent_id = ?`)
//! stay yours. [`ListSql`] adds the request's filters (AND'ed onto your
//! conditions), its sort and its LIMIT/OFFSET, and builds the count statement
//! from the same base. It also adds the schema's declared joins that the
//! request uses (SPEC §15; qualify your own conditions' columns, as a join
//! may make a bare name ambiguous), and writes the select list when your
//! statement has none, or when the client sent `fields` (SPEC §16): the
//! selected fields and the primary key (and a cursor's keys), each column
//! under its own name and a joined one under its field's name. Identifiers come from the schema only
//! ([`Field::column`], `name` or `table.name`); every value is bound with its
//! real type (`i64`, exact [`Decimal`](rust_decimal::Decimal), `bool`, chrono
//! dates and datetimes), never pasted into the text.
//!
//! ```
//! use std::sync::Arc;
//! use listquery::sql::{Dialect, ListSql};
//! use listquery::{ListQuery, RequestOptions, Role, Schema};
//! use sea_query::{Asterisk, Expr, ExprTrait, Query};
//!
//! let schema = Schema::from_toml_str(r#"
//!     [resources.invoices]
//!     table = "invoices"
//!     default_sort = "-created_at"
//!     [resources.invoices.fields]
//!     id         = { type = "integer", sort = true }
//!     status     = { type = "enum", values = ["draft", "sent", "paid"], filter = true }
//!     number     = { type = "string", filter = ["contains"] }
//!     amount     = { type = "decimal", scale = 2, sort = true, filter = ["gte"] }
//!     created_at = { type = "datetime", sort = true }
//!     [resources.invoices.aggregates]
//!     total_amount = { function = "sum", field = "amount" }
//! "#).unwrap();
//! let invoices = schema.resource("invoices").unwrap();
//! let query = ListQuery::parse(
//!     "filter[status]=paid,sent&filter[number][contains]=2024&sort=-amount&page=2&per_page=10",
//!     invoices,
//!     RequestOptions::for_role(Role::Admin),
//! ).unwrap();
//!
//! // Your statement: your table, your scoping.
//! let base = Query::select()
//!     .column(Asterisk)
//!     .from("invoices")
//!     .and_where(Expr::col("customer_id").eq(7))
//!     .to_owned();
//!
//! let pg = ListSql::new(&query, Dialect::Postgres);
//! let (sql, values) = pg.build(&pg.select(&base).unwrap());
//! assert_eq!(sql, concat!(
//!     r#"SELECT * FROM "invoices" WHERE "customer_id" = $1 AND "status" IN ($2, $3) "#,
//!     r#"AND LOWER("number") LIKE LOWER($4) ESCAPE '!' "#,
//!     r#"ORDER BY "amount" DESC NULLS LAST, "id" ASC LIMIT $5 OFFSET $6"#,
//! ));
//! assert_eq!(values.0.len(), 6);
//!
//! let my = ListSql::new(&query, Dialect::Mysql);
//! assert_eq!(my.build(&my.select(&base).unwrap()).0, concat!(
//!     "SELECT * FROM `invoices` WHERE `customer_id` = ? AND `status` IN (?, ?) ",
//!     "AND LOWER(`number`) LIKE LOWER(?) ESCAPE '!' ",
//!     "ORDER BY `amount` IS NULL ASC, `amount` DESC, `id` ASC LIMIT ? OFFSET ?",
//! ));
//!
//! // On SQLite the enum filter is `+status` beside a sort on another column,
//! // so that the planner reads the sort's index (see "Planner steering").
//! let lite = ListSql::new(&query, Dialect::Sqlite);
//! assert_eq!(lite.build(&lite.select(&base).unwrap()).0, concat!(
//!     r#"SELECT * FROM "invoices" WHERE "customer_id" = ? AND (+"status") IN (?, ?) "#,
//!     r#"AND LOWER("number") LIKE LOWER(?) ESCAPE '!' "#,
//!     r#"ORDER BY "amount" DESC NULLS LAST, "id" ASC LIMIT ? OFFSET ?"#,
//! ));
//! ```
//!
//! # What is the same on every engine
//!
//! - **Sort**: NULLs go last in both directions unless the field says
//!   `nulls = "first"`; the placement is written out (`NULLS LAST`, and on
//!   MySQL, which lacks it, `col IS NULL ASC, col`). The primary key ends every
//!   sort, so offset pages never repeat or skip rows. The order of *strings*
//!   is the column's collation: identical across engines only with binary
//!   collations (PostgreSQL `C`, MySQL `utf8mb4_bin`, SQLite `BINARY`).
//!   listquery never changes your collations.
//! - **`contains`/`starts_with`/`ends_with`**: `LOWER(col) LIKE LOWER(?) ESCAPE '!'`,
//!   with `!`, `%` and `_` in the value escaped, several values OR'ed. Both
//!   sides are folded by the same engine function, so a value always matches
//!   text of the same case, and ASCII letters match case-insensitively
//!   everywhere. Folding of non-ASCII letters is the engine's: none on SQLite
//!   and on PostgreSQL's `C` locale, Unicode on MySQL and on PostgreSQL with a
//!   real locale. A MySQL `_ci` collation also makes `LIKE` and `=`
//!   accent-insensitive, and `=` case-insensitive.
//! - **`ne`** follows SQL: `status <> 'paid'` does not match rows whose status is NULL.
//! - **Decimals** compare and sum exactly on PostgreSQL (`NUMERIC`) and MySQL
//!   (`DECIMAL`). SQLite has no decimal type: store decimals in a `NUMERIC`
//!   column (they become `REAL`, exact up to 15 significant digits), and
//!   declare the field's `scale`; aggregates then run on integers
//!   (`CAST(ROUND(col * 100) AS INTEGER)`) and stay exact. Bind decimals as text
//!   (`"12.50"`) on SQLite, as `sea-query-rusqlite` does: the column's
//!   `NUMERIC` affinity turns them into numbers before comparing.
//! - **Dates and datetimes on SQLite** are stored as text, `YYYY-MM-DD` and
//!   `YYYY-MM-DD HH:MM:SS` (UTC), which is what rusqlite binds for chrono
//!   values, so text comparison is chronological. Booleans are `0`/`1`.
//!
//! # Planner steering (SQLite)
//!
//! In the list statement on SQLite, an `eq`/`ne` filter on an enum (none of
//! whose values reads as a number: `+column` has no affinity, so a number
//! stored for `'2'` would not match) or boolean (stored `0`/`1`) field,
//! beside a sort that leads with another column of the table, is written
//! `+column`: SQLite then reads the sort's index in order and checks
//! the filter row by row, stopping after the page, instead of finding a
//! quarter of the table by the category's index and sorting it. On 400,000
//! invoices, `filter[status]=paid,sent&sort=-created_at` takes 0.07 ms
//! instead of 114 ms for the select (150,000 rows deep: 160 instead of 726).
//! The count statement is written plainly (the category's index serves it
//! best). Filters that (almost) never match together are the case this
//! makes slower: the whole sort index is read (40 to 135 ms on the same
//! table). docs/performance.md has the measurements.
//!
//! # Unpaginated lists
//!
//! Without a page the statement fetches `max_unpaginated_rows + 1` rows
//! ([`ListSql::row_limit`]); if you get more than the cap, answer
//! `too_many_rows` instead of cutting the list: [`ListResponse::new`] does, or
//! call [`check_row_count`] yourself.
//!
//! [`ListResponse::new`]: crate::page::ListResponse::new
//! [`check_row_count`]: crate::page::check_row_count

mod cache;
mod count;
mod dialect;
mod error;
mod estimate;
mod explain;
mod indexes;

use sea_query::{
    Alias, Condition, Expr, ExprTrait, Func, IntoTableRef, JoinType, MysqlQueryBuilder,
    NullOrdering, Order, PostgresQueryBuilder, QueryStatementWriter, SelectStatement, SqlWriter,
    SqliteQueryBuilder, Values,
};

pub use cache::{
    BaseStatement, BoundStatement, CacheCapacity, CacheStats, ListStatements, SqlCache,
};
pub use count::{CountColumn, CountQuery, CountResult};
pub use dialect::{Dialect, UnknownDialect};
pub use error::SqlError;
pub use estimate::EstimateQuery;
pub use explain::{SqlExplain, StatementExplain, value_json};
pub use indexes::{IndexAdvice, index_advice};

use crate::cursor::{Cursor, nulls_after, read_direction};
use crate::parse::SortDirection;
use crate::schema::{Field, FieldId, FieldType, FilterOp, JoinKind, PaginationMode, Resource};
use crate::validate::{Filter, ListQuery, Value};

/// The escape character of every `LIKE` pattern; it behaves the same on all
/// three engines (a backslash does not).
pub const LIKE_ESCAPE: char = '!';

/// A [`ListQuery`] compiled for one [`Dialect`].
#[derive(Debug, Clone, Copy)]
pub struct ListSql<'q> {
    query: &'q ListQuery,
    dialect: Dialect,
    /// The statement being built joins another table (SPEC §15): the
    /// resource's own columns are then written `table.column`.
    qualify: bool,
    /// The statement is a SQLite list select: see [`ListSql::steered`].
    steer: bool,
}

impl<'q> ListSql<'q> {
    /// Compiles `query` for `dialect`.
    pub fn new(query: &'q ListQuery, dialect: Dialect) -> Self {
        Self {
            query,
            dialect,
            qualify: false,
            steer: false,
        }
    }

    /// This compiler for a statement that joins `joins` (see `qualify`).
    fn joining(&self, joins: &[usize]) -> Self {
        Self {
            qualify: !joins.is_empty(),
            ..*self
        }
    }

    /// The column of `field`, qualified when the statement joins.
    fn column(&self, field: &Field) -> Expr {
        column_expr(self.query.resource(), field, self.qualify)
    }

    /// The query.
    pub fn query(&self) -> &'q ListQuery {
        self.query
    }

    /// The dialect.
    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    /// A copy of `base` with the request's filters, sort and LIMIT/OFFSET
    /// applied (see [`ListSql::apply`]).
    pub fn select(&self, base: &SelectStatement) -> Result<SelectStatement, SqlError> {
        let mut select = base.clone();
        self.apply(&mut select)?;
        Ok(select)
    }

    /// Applies the request to your statement: the filters AND'ed onto its
    /// conditions, the sort appended to its ORDER BY, and LIMIT/OFFSET (the page,
    /// or `max_unpaginated_rows + 1` rows when unpaginated) replacing its own.
    ///
    /// Build your conditions with `and_where`/`cond_where`: sea-query cannot mix
    /// them with the deprecated `and_or_where` chain.
    ///
    /// # Errors
    ///
    /// [`SqlError::BoundValues`] when the statement would bind more than
    /// `max_bound_values` values (your own included); the statement is then
    /// unusable.
    pub fn apply(&self, select: &mut SelectStatement) -> Result<(), SqlError> {
        let resource = self.query.resource();
        let selected = self.written_select_list(select);
        let joins = self.joins_of(self.list_fields(selected.as_deref()));
        let this = Self {
            steer: self.dialect == Dialect::Sqlite,
            ..self.joining(&joins)
        };
        if let Some(selected) = selected {
            select.clear_selects();
            for id in selected {
                let field = resource.field(id);
                match field.join() {
                    Some(_) => select.expr_as(this.column(field), Alias::new(field.name())),
                    None => select.expr(this.column(field)),
                };
            }
        }
        add_joins(resource, &joins, select);
        this.apply_rest(select)
    }

    /// [`ListSql::apply`] after the select list and joins.
    fn apply_rest(&self, select: &mut SelectStatement) -> Result<(), SqlError> {
        match (self.query.pagination(), self.query.pagination_mode()) {
            (Some(page), Some(PaginationMode::Cursor)) => {
                select.limit(page.per_page.saturating_add(1)).reset_offset();
            }
            (Some(page), _) => {
                select.limit(self.row_limit()).offset(page.offset);
            }
            (None, _) => {
                select.limit(self.row_limit()).reset_offset();
            }
        }
        self.apply_sort(select);
        self.apply_filters_checked(select)?;
        if let Some(cursor) = self.query.cursor() {
            let before = count_values(self.dialect, select);
            select.cond_where(self.keyset_condition(cursor));
            debug_assert_eq!(
                before + self.query.keyset_value_count(),
                count_values(self.dialect, select)
            );
        }
        Ok(())
    }

    /// Only the filters, AND'ed onto `select`'s conditions: those outside OR
    /// groups one by one, then the OR of the groups, each group's filters
    /// AND'ed (SPEC §14). Adds no join: for a filter on a related field use
    /// [`ListSql::apply`], which does.
    pub fn apply_filters(&self, select: &mut SelectStatement) -> Result<(), SqlError> {
        let (plain, groups) = split_groups(self.query);
        for filter in plain {
            select.cond_where(self.filter_condition(filter)?);
        }
        if !groups.is_empty() {
            let mut any = Condition::any();
            for (_, filters) in groups {
                let mut all = Condition::all();
                for filter in filters {
                    all = all.add(self.filter_condition(filter)?);
                }
                any = any.add(all);
            }
            select.cond_where(any);
        }
        Ok(())
    }

    /// Only the sort, appended to `select`'s ORDER BY (no join is added; see
    /// [`ListSql::apply_filters`]). NULL placement is
    /// explicit for fields that may hold NULL and left out for `NOT NULL`
    /// ones (so that an index serves the order on every engine). For a
    /// previous-items cursor the order is read backwards (every direction and
    /// NULL placement flipped); the page layer puts the rows back.
    pub fn apply_sort(&self, select: &mut SelectStatement) {
        let resource = self.query.resource();
        let forwards = self.query.cursor().is_none_or(Cursor::points_to_next_items);
        for key in self.query.sort() {
            let field = resource.field(key.field);
            let column = self.column(field);
            let order = match read_direction(key, forwards) {
                SortDirection::Asc => Order::Asc,
                SortDirection::Desc => Order::Desc,
            };
            if !field.nullable() {
                select.order_by_expr(column, order);
                continue;
            }
            let nulls = if nulls_after(key, forwards) {
                NullOrdering::Last
            } else {
                NullOrdering::First
            };
            select.order_by_expr_with_nulls(column, order, nulls);
        }
    }

    /// The select list the library writes on `base` (SPEC §16): when the
    /// client sent `fields`, or `base` has none of its own.
    fn written_select_list(&self, base: &SelectStatement) -> Option<Vec<FieldId>> {
        (self.query.fields().is_some() || has_no_columns(base))
            .then(|| self.query.selected_fields())
    }

    /// The fields the list statement uses: its filters, its sort, and the
    /// select list the library writes.
    fn list_fields(&self, selected: Option<&[FieldId]>) -> Vec<FieldId> {
        (self.query.filters().iter().map(|f| f.field))
            .chain(self.query.sort().iter().map(|k| k.field))
            .chain(selected.into_iter().flatten().copied())
            .collect()
    }

    /// The joins a count or estimate over `base` makes: those of its
    /// filters and `also`, and every inner join the list statement makes
    /// (an inner join drops rows without a related row, so the count must
    /// drop them too).
    fn counting_joins(
        &self,
        base: &SelectStatement,
        also: impl IntoIterator<Item = FieldId>,
    ) -> Vec<usize> {
        let resource = self.query.resource();
        let selected = self.written_select_list(base);
        let inner = (self
            .joins_of(self.list_fields(selected.as_deref()))
            .into_iter())
        .filter(|&j| {
            resource
                .joins()
                .get(j)
                .is_some_and(|j| j.kind() == JoinKind::Inner)
        });
        let mut joins = self.joins_of(self.query.filters().iter().map(|f| f.field).chain(also));
        joins.extend(inner);
        joins.sort_unstable();
        joins.dedup();
        joins
    }

    /// The declared joins the `fields` are on, each once, ascending.
    fn joins_of(&self, fields: impl IntoIterator<Item = FieldId>) -> Vec<usize> {
        let resource = self.query.resource();
        let mut joins: Vec<usize> = (fields.into_iter())
            .filter_map(|id| resource.field(id).join())
            .collect();
        joins.sort_unstable();
        joins.dedup();
        joins
    }

    /// The LIMIT of the select statement: the page size (one more in simple
    /// and cursor mode, to see whether another page exists), or
    /// `max_unpaginated_rows + 1` for an unpaginated list.
    pub fn row_limit(&self) -> u64 {
        match (self.query.pagination(), self.query.pagination_mode()) {
            (Some(page), Some(PaginationMode::Offset)) => page.per_page,
            (Some(page), _) => page.per_page.saturating_add(1),
            (None, _) => self.max_unpaginated_rows().saturating_add(1),
        }
    }

    /// Renders a statement for this dialect: SQL text and values to bind.
    pub fn build(&self, statement: &impl QueryStatementWriter) -> (String, Values) {
        self.dialect.build(statement)
    }

    fn max_unpaginated_rows(&self) -> u64 {
        self.query.resource().limits().max_unpaginated_rows
    }

    /// The filters AND'ed onto `statement`, then `max_bound_values` checked.
    /// The statement's own values are counted by a walk before the filters go
    /// in; the filters' come from [`ListQuery::filter_value_count`].
    fn apply_filters_checked(&self, statement: &mut SelectStatement) -> Result<(), SqlError> {
        let own = count_values(self.dialect, statement);
        self.apply_filters(statement)?;
        debug_assert_eq!(
            own + self.query.filter_value_count(),
            count_values(self.dialect, statement)
        );
        self.check_bound_values(own)
    }

    /// `Err(SqlError::BoundValues)` when a statement binding `own` values of
    /// its own (the base's, LIMIT and OFFSET) plus the filters' and a
    /// cursor's keyset condition's is over `max_bound_values`.
    fn check_bound_values(&self, own: usize) -> Result<(), SqlError> {
        let max = self.query.resource().limits().max_bound_values;
        let actual = own + self.query.filter_value_count() + self.query.keyset_value_count();
        if actual > max {
            Err(SqlError::BoundValues { max, actual })
        } else {
            Ok(())
        }
    }

    /// The rows after the cursor's boundary row in the order the statement
    /// reads (SPEC §12): `k1 after v1 OR (k1 = v1 AND (k2 after v2 OR ...))`,
    /// where "after" honours each key's direction and NULL placement, led by
    /// a plain bound on the first key (`k1 >= v1`) that lets an index seek.
    fn keyset_condition(&self, cursor: &Cursor) -> Condition {
        let resource = self.query.resource();
        let forwards = cursor.points_to_next_items();
        let mut rest: Option<Condition> = None;
        let keys = self.query.sort().iter().zip(cursor.values());
        for (key, value) in keys.rev() {
            let field = resource.field(key.field);
            let column = self.column(field);
            let asc = read_direction(key, forwards) == SortDirection::Asc;
            let nulls_after = field.nullable() && nulls_after(key, forwards);
            let after = match value {
                Some(value) => {
                    let value = bind_value(value);
                    let beyond = if asc {
                        column.clone().gt(value)
                    } else {
                        column.clone().lt(value)
                    };
                    let mut after = Condition::any().add(beyond);
                    if nulls_after {
                        after = after.add(column.clone().is_null());
                    }
                    after
                }
                // Past a NULL come the values when NULLs go first, nothing when they go last.
                None if nulls_after => Condition::any(),
                None => Condition::any().add(column.clone().is_not_null()),
            };
            let same = match value {
                Some(value) => column.eq(bind_value(value)),
                None => column.is_null(),
            };
            rest = Some(match rest {
                None => after,
                Some(rest) => after.add(Condition::all().add(same).add(rest)),
            });
        }
        let mut condition = Condition::all();
        if let Some((key, value)) = self.query.sort().iter().zip(cursor.values()).next() {
            let field = resource.field(key.field);
            let column = self.column(field);
            let asc = read_direction(key, forwards) == SortDirection::Asc;
            let nulls_after = field.nullable() && nulls_after(key, forwards);
            match value {
                Some(value) if !nulls_after => {
                    let value = bind_value(value);
                    condition = condition.add(if asc {
                        column.gte(value)
                    } else {
                        column.lte(value)
                    });
                }
                None if nulls_after => condition = condition.add(column.is_null()),
                _ => {}
            }
        }
        match rest {
            Some(rest) => condition.add(rest),
            None => condition,
        }
    }

    /// Whether the list select writes `filter`'s column as `+column`, which
    /// keeps SQLite from using an index for it (SQLite only). For `eq`/`ne`
    /// on an enum or boolean field while the sort leads with another column
    /// of the table, SQLite's planner otherwise finds the rows by the
    /// filter's index (a fair share of the table: a quarter for one of four
    /// statuses) and sorts them all, where reading the sort's index in order
    /// and checking the filter row by row stops after one page: on 400,000
    /// invoices, `status IN (...)` sorted by `-created_at` takes 90 ms one
    /// way and 0.03 ms the other (docs/performance.md). The count statement
    /// keeps the filter's index, which serves it best.
    fn steered(&self, filter: &Filter) -> bool {
        let resource = self.query.resource();
        let field = resource.field(filter.field);
        // `+column` has no affinity: an enum whose values read as numbers may
        // be stored as numbers, and `+column = '2'` would then match nothing.
        let text_values = match field.ty() {
            FieldType::Enum(values) => values.iter().all(|v| v.trim().parse::<f64>().is_err()),
            FieldType::Boolean => true,
            _ => false,
        };
        self.steer
            && text_values
            && matches!(filter.op, FilterOp::Eq | FilterOp::Ne)
            && field.join().is_none()
            && (self.query.sort().first()).is_some_and(|key| {
                key.field != filter.field && resource.field(key.field).join().is_none()
            })
    }

    fn filter_condition(&self, filter: &Filter) -> Result<Condition, SqlError> {
        let field = self.query.resource().field(filter.field);
        let column = if self.steered(filter) {
            Expr::cust_with_expr("+?", self.column(field))
        } else {
            self.column(field)
        };
        let malformed = || SqlError::MalformedFilter {
            field: field.name().to_owned(),
            op: filter.op.as_str(),
        };
        let values: Vec<sea_query::Value> = filter.values.iter().map(bind_value).collect();
        let expr = match (filter.op, values.as_slice()) {
            (FilterOp::Eq, [one]) => column.eq(one.clone()),
            (FilterOp::Eq, [_, _, ..]) => column.is_in(values),
            (FilterOp::Ne, [one]) => column.ne(one.clone()),
            (FilterOp::Ne, [_, _, ..]) => column.is_not_in(values),
            (FilterOp::Gt, [one]) => column.gt(one.clone()),
            (FilterOp::Gte, [one]) => column.gte(one.clone()),
            (FilterOp::Lt, [one]) => column.lt(one.clone()),
            (FilterOp::Lte, [one]) => column.lte(one.clone()),
            (FilterOp::Between, [low, high]) => column.between(low.clone(), high.clone()),
            (FilterOp::Null, [sea_query::Value::Bool(Some(true))]) => column.is_null(),
            (FilterOp::Null, [sea_query::Value::Bool(Some(false))]) => column.is_not_null(),
            (op @ (FilterOp::Contains | FilterOp::StartsWith | FilterOp::EndsWith), _) => {
                let mut any = Condition::any();
                for value in &filter.values {
                    let Value::String(text) = value else {
                        return Err(malformed());
                    };
                    any = any.add(like_expr(column.clone(), &like_pattern(op, text)));
                }
                return if any.is_empty() {
                    Err(malformed())
                } else {
                    Ok(any)
                };
            }
            _ => return Err(malformed()),
        };
        Ok(Condition::all().add(expr))
    }
}

/// The query's filters outside OR groups, in request order, and its OR
/// groups by number, each with its filters in request order.
type Groups<'q> = Vec<(u32, Vec<&'q Filter>)>;

fn split_groups(query: &ListQuery) -> (Vec<&Filter>, Groups<'_>) {
    let mut plain = Vec::new();
    let mut groups: Groups<'_> = Vec::new();
    for filter in query.filters() {
        match filter.group {
            None => plain.push(filter),
            Some(g) => match groups.iter_mut().find(|(n, _)| *n == g) {
                Some((_, filters)) => filters.push(filter),
                None => groups.push((g, vec![filter])),
            },
        }
    }
    groups.sort_by_key(|(g, _)| *g);
    (plain, groups)
}

/// The filters in the order [`ListSql::apply_filters`] writes them, which is
/// the order of their bound values.
pub(crate) fn filters_in_sql_order(query: &ListQuery) -> impl Iterator<Item = &Filter> {
    let (plain, groups) = split_groups(query);
    plain
        .into_iter()
        .chain(groups.into_iter().flat_map(|(_, filters)| filters))
}

/// `base` without its select list, ORDER BY, LIMIT and OFFSET: the rows a
/// count or an estimate is over.
pub(crate) fn unordered(base: &SelectStatement) -> SelectStatement {
    let mut statement = base.clone();
    statement
        .clear_selects()
        .clear_order_by()
        .reset_limit()
        .reset_offset();
    statement
}

/// The number of values `statement` binds, without building its text.
fn count_values(dialect: Dialect, statement: &impl QueryStatementWriter) -> usize {
    let mut counter = ValueCounter(0);
    match dialect {
        Dialect::Postgres => statement.build_collect_into(PostgresQueryBuilder, &mut counter),
        Dialect::Mysql => statement.build_collect_into(MysqlQueryBuilder, &mut counter),
        Dialect::Sqlite => statement.build_collect_into(SqliteQueryBuilder, &mut counter),
    }
    counter.0
}

/// A [`SqlWriter`] that drops the text and counts the parameters.
struct ValueCounter(usize);

impl std::fmt::Write for ValueCounter {
    fn write_str(&mut self, _: &str) -> std::fmt::Result {
        Ok(())
    }
}

impl std::fmt::Display for ValueCounter {
    fn fmt(&self, _: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        Ok(())
    }
}

impl SqlWriter for ValueCounter {
    fn push_param<T: sea_query::QueryBuilder>(&mut self, _: sea_query::Value, _: &T) {
        self.0 += 1;
    }
    fn as_writer(&mut self) -> &mut dyn std::fmt::Write {
        self
    }
}

/// `LOWER(column) LIKE LOWER(pattern) ESCAPE '!'`.
fn like_expr(column: Expr, pattern: &str) -> Expr {
    Expr::Binary(
        Box::new(Func::lower(column).into()),
        sea_query::BinOper::Like,
        Box::new(Expr::Binary(
            Box::new(Func::lower(Expr::val(pattern)).into()),
            sea_query::BinOper::Escape,
            Box::new(Expr::Constant(LIKE_ESCAPE.into())),
        )),
    )
}

/// The `LIKE` pattern for a value: `!`, `%` and `_` escaped with `!`, then
/// wrapped in `%` as the operator needs.
///
/// ```
/// use listquery::FilterOp;
/// use listquery::sql::like_pattern;
/// assert_eq!(like_pattern(FilterOp::Contains, "50%_off!"), "%50!%!_off!!%");
/// assert_eq!(like_pattern(FilterOp::StartsWith, "ab"), "ab%");
/// assert_eq!(like_pattern(FilterOp::EndsWith, "ab"), "%ab");
/// ```
pub fn like_pattern(op: FilterOp, value: &str) -> String {
    let mut pattern = String::with_capacity(value.len() + 2);
    if matches!(op, FilterOp::Contains | FilterOp::EndsWith) {
        pattern.push('%');
    }
    for c in value.chars() {
        if matches!(c, '%' | '_') || c == LIKE_ESCAPE {
            pattern.push(LIKE_ESCAPE);
        }
        pattern.push(c);
    }
    if matches!(op, FilterOp::Contains | FilterOp::StartsWith) {
        pattern.push('%');
    }
    pattern
}

/// The sea-query value a filter value is bound as: its real type, never text
/// (except strings).
pub fn bind_value(value: &Value) -> sea_query::Value {
    match value {
        Value::String(s) => sea_query::Value::String(Some(s.to_string())),
        Value::Integer(i) => sea_query::Value::BigInt(Some(*i)),
        Value::Decimal(d) => sea_query::Value::Decimal(Some(*d)),
        Value::Boolean(b) => sea_query::Value::Bool(Some(*b)),
        Value::Date(d) => sea_query::Value::ChronoDate(Some(*d)),
        Value::DateTime(dt) => sea_query::Value::ChronoDateTime(Some(*dt)),
    }
}

/// The column of a field as an expression, each part quoted by sea-query
/// (the schema checked that they are identifiers): `name`, `table.name`, or
/// `alias.name` on a join. In a statement that joins (`qualify`), the
/// resource's own columns are qualified with its table, so that no name is
/// ambiguous.
pub(crate) fn column_expr(resource: &Resource, field: &Field, qualify: bool) -> Expr {
    match field.column().split_once('.') {
        Some((table, name)) => Expr::col((Alias::new(table), Alias::new(name))),
        None if !qualify => Expr::col(Alias::new(field.column())),
        None => Expr::col((
            Alias::new(resource.table_name()),
            Alias::new(field.column()),
        )),
    }
}

/// Whether `select` has no select list of its own: the library then writes
/// it from the request (SPEC §16).
fn has_no_columns(select: &SelectStatement) -> bool {
    let mut cleared = select.clone();
    cleared.clear_selects();
    cleared == *select
}

/// A schema's table name as sea-query's table: `table`, or `schema.table`
/// with each part quoted on its own (the form the schema's `table` and a
/// join's `table` take).
///
/// ```
/// use listquery::sql::{Dialect, table_ref};
/// let select = sea_query::Query::select().column("id").from(table_ref("billing.invoices")).to_owned();
/// assert_eq!(Dialect::Postgres.build(&select).0, r#"SELECT "id" FROM "billing"."invoices""#);
/// ```
pub fn table_ref(table: &str) -> sea_query::TableRef {
    match table.split_once('.') {
        Some((schema, table)) => (Alias::new(schema), Alias::new(table)).into_table_ref(),
        None => Alias::new(table).into_table_ref(),
    }
}

/// Adds the declared joins `joins` (indices into [`Resource::joins`],
/// ascending) to `select` (SPEC §15).
fn add_joins(resource: &Resource, joins: &[usize], select: &mut SelectStatement) {
    for join in joins.iter().filter_map(|&j| resource.joins().get(j)) {
        let kind = match join.kind() {
            JoinKind::Inner => JoinType::InnerJoin,
            _ => JoinType::LeftJoin,
        };
        let table = table_ref(join.table());
        let on = Expr::col((Alias::new(join.alias()), Alias::new(join.foreign())))
            .equals((Alias::new(resource.table_name()), Alias::new(join.local())));
        select.join_as(kind, table, Alias::new(join.alias()), on);
    }
}

#[cfg(test)]
mod tests;

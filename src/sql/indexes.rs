//! Index advice (SPEC §12): the `CREATE INDEX` statements that let each
//! sortable field's pages, and deep cursor pages, read about `per_page`
//! index entries instead of sorting the table.
//!
//! Every sort ends with the primary key ascending (the tie-breaker), so the
//! index for a field `f` is `(f, pk)`:
//!
//! - PostgreSQL reads it forwards for `sort=f` and backwards for `sort=-f`,
//!   sorting only the rows that tie on `f` (incremental sort). A nullable
//!   field's index carries the field's NULL placement, and a second index
//!   `(f DESC NULLS …, pk)` serves the descending order.
//! - SQLite, MySQL and MariaDB give `sort=-f` its own index `(f DESC, pk)`
//!   (descending index columns: MySQL 8, MariaDB 10.8). Read backwards,
//!   `(f, pk)` is `f DESC, pk DESC`, so the ties would be sorted again, and
//!   that sort reads every row an OFFSET skips: on SQLite a page 200,000
//!   rows deep by `-amount` takes about 500 ms without the descending index
//!   and 10 ms with it. SQLite's planner also needs statistics (`ANALYZE`)
//!   to prefer such an index over a filter's: without them,
//!   `filter[status]=paid,sent&sort=-created_at` sorts every matching row.
//! - A multi-key default sort gets its own index, in its own directions.
//!
//! Declare `nullable = false` for `NOT NULL` columns: their ORDER BY then has
//! no NULLS clause, which every engine matches with an index. A nullable
//! field's `NULLS LAST` ascending is not index order on SQLite and MySQL.
//! Fields on a joined table (`customers.name`) get no advice: index them on
//! their own table. Filters are not considered: an equality filter that is
//! always sent (a tenant column) belongs in front of these indexes.

use crate::parse::SortDirection;
use crate::schema::{Field, FieldId, NullsOrder, Resource};
use crate::sql::Dialect;

/// One advised index.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct IndexAdvice {
    /// The index name, `<table>_<column>[_desc]..._idx`.
    pub name: String,
    /// The `CREATE INDEX` statement, ending in `;`.
    pub statement: String,
}

/// The indexes that serve `resource`'s sorts on `dialect`, in field order,
/// the default sort's last; none twice.
///
/// ```
/// use listquery::sql::{Dialect, index_advice};
/// use listquery::{FieldType, Resource};
/// let invoices = Resource::builder("invoices", "invoices")
///     .field("id", FieldType::Integer, |f| f.sortable())
///     .field("amount", FieldType::Decimal, |f| f.sortable().not_null())
///     .build()?;
/// let sqlite: Vec<_> = index_advice(&invoices, Dialect::Sqlite).into_iter().map(|a| a.statement).collect();
/// assert_eq!(sqlite, [
///     r#"CREATE INDEX IF NOT EXISTS "invoices_amount_id_idx" ON "invoices" ("amount", "id");"#,
///     r#"CREATE INDEX IF NOT EXISTS "invoices_amount_desc_id_idx" ON "invoices" ("amount" DESC, "id");"#,
/// ]);
/// let pg: Vec<_> = index_advice(&invoices, Dialect::Postgres).into_iter().map(|a| a.statement).collect();
/// assert_eq!(pg, [r#"CREATE INDEX IF NOT EXISTS "invoices_amount_id_idx" ON "invoices" ("amount", "id");"#]);
/// let mysql: Vec<_> = index_advice(&invoices, Dialect::Mysql).into_iter().map(|a| a.statement).collect();
/// assert_eq!(mysql, [
///     "CREATE INDEX `invoices_amount_id_idx` ON `invoices` (`amount`, `id`);",
///     "CREATE INDEX `invoices_amount_desc_id_idx` ON `invoices` (`amount` DESC, `id`);",
/// ]);
/// # Ok::<(), listquery::SchemaError>(())
/// ```
pub fn index_advice(resource: &Resource, dialect: Dialect) -> Vec<IndexAdvice> {
    let pk = resource.primary_key();
    let mut keys: Vec<Vec<(FieldId, SortDirection)>> = Vec::new();
    for (i, field) in resource.fields().iter().enumerate() {
        let Some(id) = FieldId::at(i) else { continue };
        if id == pk || !field.sortable() {
            continue;
        }
        keys.push(vec![(id, SortDirection::Asc), (pk, SortDirection::Asc)]);
        let descending_needs_own = match dialect {
            Dialect::Mysql | Dialect::Sqlite => true,
            Dialect::Postgres => field.nullable(),
        };
        if descending_needs_own {
            keys.push(vec![(id, SortDirection::Desc), (pk, SortDirection::Asc)]);
        }
    }
    let mut default: Vec<(FieldId, SortDirection)> = resource.default_sort().to_vec();
    if !default.iter().any(|(id, _)| *id == pk) {
        default.push((pk, SortDirection::Asc));
    }
    if default.len() > 2 {
        keys.push(default);
    }
    let mut advice: Vec<IndexAdvice> = Vec::new();
    for key in keys {
        let Some(index) = statement(resource, dialect, &key) else {
            continue;
        };
        if !advice.iter().any(|a| a.name == index.name) {
            advice.push(index);
        }
    }
    advice
}

/// The index over `key`'s columns; `None` when a column is on another table.
fn statement(
    resource: &Resource,
    dialect: Dialect,
    key: &[(FieldId, SortDirection)],
) -> Option<IndexAdvice> {
    let table = resource.table();
    let table_name = table.rsplit('.').next().unwrap_or(table);
    let mut name = table_name.to_owned();
    let mut columns = Vec::with_capacity(key.len());
    for &(id, direction) in key {
        let field = resource.field(id);
        let column = own_column(field, table_name)?;
        name.push('_');
        name.push_str(column);
        let mut text = quote(dialect, column);
        if direction == SortDirection::Desc {
            name.push_str("_desc");
            text.push_str(" DESC");
        }
        if dialect == Dialect::Postgres && field.nullable() {
            text.push_str(match field.nulls() {
                NullsOrder::First => " NULLS FIRST",
                NullsOrder::Last => " NULLS LAST",
            });
        }
        columns.push(text);
    }
    name.push_str("_idx");
    let table_text = table
        .split('.')
        .map(|part| quote(dialect, part))
        .collect::<Vec<_>>()
        .join(".");
    // MySQL has no IF NOT EXISTS for indexes (MariaDB has).
    let if_not_exists = if dialect == Dialect::Mysql {
        ""
    } else {
        "IF NOT EXISTS "
    };
    let statement = format!(
        "CREATE INDEX {if_not_exists}{} ON {table_text} ({});",
        quote(dialect, &name),
        columns.join(", ")
    );
    Some(IndexAdvice { name, statement })
}

/// The field's column on the resource's own table.
fn own_column<'f>(field: &'f Field, table: &str) -> Option<&'f str> {
    match field.column().split_once('.') {
        None => Some(field.column()),
        Some((owner, column)) if owner == table => Some(column),
        Some(_) => None,
    }
}

/// An identifier quoted for `dialect` (the schema checked that it is one).
fn quote(dialect: Dialect, identifier: &str) -> String {
    match dialect {
        Dialect::Mysql => format!("`{identifier}`"),
        Dialect::Postgres | Dialect::Sqlite => format!("\"{identifier}\""),
    }
}

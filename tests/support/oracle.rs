//! The oracle: a [`ListQuery`]'s filters, sort and page computed in plain Rust
//! over the fixture rows, independently of the SQL layer.
//!
//! It follows the documented semantics: SQL's NULL (no comparison but `null`
//! matches a NULL), LIKE operators fold ASCII letters only, strings compare by
//! bytes (the binary collations the test databases use), decimals by value.

use std::cmp::Ordering;

use rust_decimal::Decimal;

use listquery::{
    AggregateFn, AggregateValue, FilterOp, JoinKind, ListQuery, NullsOrder, Resource,
    SortDirection, Value,
};

use super::fixture::{Cell, Table};

/// The oracle's answer to one query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expected {
    /// The ids the list statement returns, in order.
    pub ids: Vec<i64>,
    /// Rows matching the filters.
    pub total: u64,
    /// The aggregates, by name (only with metadata).
    pub aggregates: Vec<(String, AggregateValue)>,
}

fn compare(cell: &Cell, value: &Value) -> Option<Ordering> {
    match (cell, value) {
        (Cell::Int(a), Value::Integer(b)) => Some(a.cmp(b)),
        (Cell::Dec(a), Value::Decimal(b)) => Some(a.cmp(b)),
        (Cell::Str(a), Value::String(b)) => Some(a.as_bytes().cmp(b.as_bytes())),
        (Cell::Bool(a), Value::Boolean(b)) => Some(a.cmp(b)),
        (Cell::Date(a), Value::Date(b)) => Some(a.cmp(b)),
        (Cell::DateTime(a), Value::DateTime(b)) => Some(a.cmp(b)),
        (Cell::Null, _) => None,
        (cell, value) => panic!("fixture cell {cell:?} cannot be compared with {value:?}"),
    }
}

fn cell_order(a: &Cell, b: &Cell) -> Ordering {
    match (a, b) {
        (Cell::Int(a), Cell::Int(b)) => a.cmp(b),
        (Cell::Dec(a), Cell::Dec(b)) => a.cmp(b),
        (Cell::Str(a), Cell::Str(b)) => a.as_bytes().cmp(b.as_bytes()),
        (Cell::Bool(a), Cell::Bool(b)) => a.cmp(b),
        (Cell::Date(a), Cell::Date(b)) => a.cmp(b),
        (Cell::DateTime(a), Cell::DateTime(b)) => a.cmp(b),
        (a, b) => panic!("cells of different types: {a:?} {b:?}"),
    }
}

fn matches(cell: &Cell, op: FilterOp, values: &[Value]) -> bool {
    let cmp = |v: &Value| compare(cell, v);
    match op {
        FilterOp::Eq => values.iter().any(|v| cmp(v) == Some(Ordering::Equal)),
        FilterOp::Ne => {
            !matches!(cell, Cell::Null) && values.iter().all(|v| cmp(v) != Some(Ordering::Equal))
        }
        FilterOp::Gt => cmp(&values[0]) == Some(Ordering::Greater),
        FilterOp::Gte => matches!(cmp(&values[0]), Some(Ordering::Greater | Ordering::Equal)),
        FilterOp::Lt => cmp(&values[0]) == Some(Ordering::Less),
        FilterOp::Lte => matches!(cmp(&values[0]), Some(Ordering::Less | Ordering::Equal)),
        FilterOp::Between => {
            matches!(cmp(&values[0]), Some(Ordering::Greater | Ordering::Equal))
                && matches!(cmp(&values[1]), Some(Ordering::Less | Ordering::Equal))
        }
        FilterOp::Contains | FilterOp::StartsWith | FilterOp::EndsWith => {
            let Cell::Str(text) = cell else { return false };
            let text = text.to_ascii_lowercase();
            values.iter().any(|v| {
                let Value::String(needle) = v else {
                    panic!("LIKE on {v:?}")
                };
                let needle = needle.to_ascii_lowercase();
                match op {
                    FilterOp::Contains => text.contains(&needle),
                    FilterOp::StartsWith => text.starts_with(&needle),
                    _ => text.ends_with(&needle),
                }
            })
        }
        FilterOp::Null => matches!(cell, Cell::Null) == (values[0] == Value::Boolean(true)),
        other => panic!("operator {other} unknown to the oracle"),
    }
}

/// Each row of `table` as the resource's fields see it, in field order: a
/// field of the table reads its column, a field on a declared join (SPEC
/// §15) the related row's column, NULL when a left join finds no related
/// row; an inner join drops such a row.
pub fn field_rows(resource: &Resource, table: &Table) -> Vec<Vec<Cell>> {
    let all = super::fixture::tables();
    let mut out = Vec::with_capacity(table.rows.len());
    'rows: for row in &table.rows {
        let mut cells = Vec::with_capacity(resource.fields().len());
        for field in resource.fields() {
            let Some(join) = field.join().map(|j| &resource.joins()[j]) else {
                let column = field.column().rsplit('.').next().unwrap();
                cells.push(row[table.column_index(column)].clone());
                continue;
            };
            let related = all.iter().find(|t| t.name == join.table()).unwrap();
            let local = &row[table.column_index(join.local())];
            let foreign = related.column_index(join.foreign());
            let column = related.column_index(field.column().split_once('.').unwrap().1);
            let hit = (*local != Cell::Null)
                .then(|| related.rows.iter().find(|r| r[foreign] == *local))
                .flatten();
            match (hit, join.kind()) {
                (Some(r), _) => cells.push(r[column].clone()),
                (None, JoinKind::Inner) => continue 'rows,
                (None, _) => cells.push(Cell::Null),
            }
        }
        out.push(cells);
    }
    out
}

/// The oracle's answer for `query` over `table`.
pub fn expected(query: &ListQuery, table: &Table) -> Expected {
    let resource = query.resource();
    let column = |id: listquery::FieldId| id.index();
    let all_rows = field_rows(resource, table);
    let mut rows: Vec<&Vec<Cell>> = all_rows
        .iter()
        .filter(|row| {
            let holds = |f: &&listquery::Filter| matches(&row[column(f.field)], f.op, &f.values);
            let filters = query.filters();
            // Outside groups: all hold. The OR groups (SPEC §14): some group
            // whose filters all hold, unless there are no groups.
            let mut groups: Vec<u32> = filters.iter().filter_map(|f| f.group).collect();
            groups.dedup();
            filters
                .iter()
                .filter(|f| f.group.is_none())
                .all(|f| holds(&f))
                && (groups.is_empty()
                    || groups.iter().any(|g| {
                        filters
                            .iter()
                            .filter(|f| f.group == Some(*g))
                            .all(|f| holds(&f))
                    }))
        })
        .collect();
    let total = rows.len() as u64;

    let aggregates = if query.metadata() {
        resource
            .aggregates()
            .iter()
            .map(|a| {
                let field = a.field().expect("fixture aggregates name a field");
                let idx = column(field);
                let scale = resource
                    .field(field)
                    .scale()
                    .expect("fixture decimals declare a scale");
                let values: Vec<Decimal> = rows
                    .iter()
                    .filter_map(|r| match &r[idx] {
                        Cell::Dec(d) => Some(*d),
                        Cell::Null => None,
                        other => panic!("aggregate over {other:?}"),
                    })
                    .collect();
                let value = match a.function() {
                    AggregateFn::Sum => {
                        let mut sum: Decimal = values.iter().sum();
                        sum.rescale(scale);
                        AggregateValue::Decimal(sum)
                    }
                    other => panic!("the oracle knows sum only, not {other:?}"),
                };
                (a.name().to_owned(), value)
            })
            .collect()
    } else {
        vec![]
    };

    rows.sort_by(|a, b| {
        for key in query.sort() {
            let idx = column(key.field);
            let (x, y) = (&a[idx], &b[idx]);
            let nulls_first = key.nulls == NullsOrder::First;
            let ord = match (x, y) {
                (Cell::Null, Cell::Null) => Ordering::Equal,
                (Cell::Null, _) => {
                    if nulls_first {
                        Ordering::Less
                    } else {
                        Ordering::Greater
                    }
                }
                (_, Cell::Null) => {
                    if nulls_first {
                        Ordering::Greater
                    } else {
                        Ordering::Less
                    }
                }
                _ => match key.direction {
                    SortDirection::Asc => cell_order(x, y),
                    SortDirection::Desc => cell_order(y, x),
                },
            };
            if ord != Ordering::Equal {
                return ord;
            }
        }
        Ordering::Equal
    });

    let id_idx = column(resource.primary_key());
    let ids = rows.iter().map(|r| match r[id_idx] {
        Cell::Int(id) => id,
        ref other => panic!("id {other:?}"),
    });
    let ids = match query.pagination() {
        Some(p) => ids
            .skip(p.offset as usize)
            .take(p.per_page as usize)
            .collect(),
        None => ids
            .take(resource.limits().max_unpaginated_rows as usize + 1)
            .collect(),
    };
    Expected {
        ids,
        total,
        aggregates,
    }
}

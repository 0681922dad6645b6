//! Each endpoint's table and base statement with the caller's scoping, and
//! the rows it returns: read by the select list listquery writes (the
//! selectable fields, or the client's `fields`), typed by the schema.

use std::sync::Arc;

use chrono::{NaiveDate, NaiveDateTime};
use listquery::{Decimal, FieldType, ListQuery};
use sea_query::{Alias, Expr, ExprTrait, Query, SelectStatement};
use serde::ser::{Serialize, SerializeMap, Serializer};

use crate::store::{Columns, DbError};

/// One list endpoint's table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    Customers,
    Orders,
    Invoices,
}

impl Table {
    pub const ALL: [Table; 3] = [Self::Customers, Self::Orders, Self::Invoices];

    /// The table, and the endpoint's path and resource name.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Customers => "customers",
            Self::Orders => "orders",
            Self::Invoices => "invoices",
        }
    }

    /// The table's columns, in the order the seed writes them.
    pub const fn columns(self) -> &'static [&'static str] {
        match self {
            Self::Customers => &[
                "id",
                "name",
                "email",
                "country",
                "status",
                "verified",
                "credit_limit",
                "agent_id",
                "created_at",
                "updated_at",
            ],
            Self::Orders => &[
                "id",
                "number",
                "customer_id",
                "status",
                "total",
                "currency",
                "placed_on",
                "shipped_at",
                "note",
                "created_at",
                "updated_at",
            ],
            Self::Invoices => &[
                "id",
                "number",
                "status",
                "amount",
                "paid",
                "due_on",
                "created_at",
                "updated_at",
                "customer_id",
                "order_id",
            ],
        }
    }

    /// `FROM <table>` with no select list (listquery writes it from the
    /// request), scoped to what agent `agent_id` may see.
    pub fn base_select(self, agent_id: Option<i64>) -> SelectStatement {
        let mut select = Query::select().from(self.name()).to_owned();
        let Some(agent_id) = agent_id else {
            return select;
        };
        // Qualified: a request may join another table (SPEC §15).
        let own = |column: &str| Expr::col((Alias::new(self.name()), Alias::new(column)));
        match self {
            Self::Customers => select.and_where(own("agent_id").eq(agent_id)),
            // Orders and invoices belong to an agent through their customer.
            Self::Orders | Self::Invoices => select.and_where(
                own("customer_id").in_subquery(
                    Query::select()
                        .column("id")
                        .from("customers")
                        .and_where(Expr::col("agent_id").eq(agent_id))
                        .to_owned(),
                ),
            ),
        };
        select
    }
}

/// How a column is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Int,
    Text,
    Bool,
    Decimal,
    Date,
    DateTime,
}

impl Kind {
    fn of(ty: &FieldType) -> Self {
        match ty {
            FieldType::Integer => Self::Int,
            FieldType::Decimal => Self::Decimal,
            FieldType::Boolean => Self::Bool,
            FieldType::Date => Self::Date,
            FieldType::DateTime => Self::DateTime,
            _ => Self::Text,
        }
    }
}

/// A page's select list: each column's name in the rows and how it is read.
#[derive(Debug, Clone)]
pub struct Layout(Arc<[(String, Kind)]>);

impl Layout {
    /// The select list listquery writes for `query` (`ListQuery::selected_fields`).
    pub fn of(query: &ListQuery) -> Self {
        let resource = query.resource();
        let columns = (query.selected_fields().into_iter())
            .map(|id| {
                let field = resource.field(id);
                (field.row_name().to_owned(), Kind::of(field.ty()))
            })
            .collect();
        Self(columns)
    }
}

/// One value of a row.
#[derive(Debug)]
enum Cell {
    Null,
    Int(i64),
    Text(String),
    Bool(bool),
    Decimal(Decimal),
    Date(NaiveDate),
    DateTime(NaiveDateTime),
}

/// One row of any endpoint, a JSON object in select-list order.
#[derive(Debug)]
pub struct Row {
    layout: Layout,
    cells: Vec<Cell>,
}

impl Row {
    /// Reads one row of a select whose list is `layout`, whatever the engine.
    pub fn read(row: &dyn Columns, layout: &Layout) -> Result<Self, DbError> {
        let mut cells = Vec::with_capacity(layout.0.len());
        for (i, (_, kind)) in layout.0.iter().enumerate() {
            let cell = match kind {
                Kind::Int => row.opt_int(i)?.map(Cell::Int),
                Kind::Text => row.opt_text(i)?.map(Cell::Text),
                Kind::Bool => row.opt_bool(i)?.map(Cell::Bool),
                Kind::Decimal => row.opt_decimal(i)?.map(Cell::Decimal),
                Kind::Date => row.opt_date(i)?.map(Cell::Date),
                Kind::DateTime => row.opt_datetime(i)?.map(Cell::DateTime),
            };
            cells.push(cell.unwrap_or(Cell::Null));
        }
        Ok(Self {
            layout: layout.clone(),
            cells,
        })
    }
}

impl Serialize for Row {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.cells.len()))?;
        for ((name, _), cell) in self.layout.0.iter().zip(&self.cells) {
            match cell {
                Cell::Null => map.serialize_entry(name, &())?,
                Cell::Int(i) => map.serialize_entry(name, i)?,
                Cell::Text(t) => map.serialize_entry(name, t)?,
                Cell::Bool(b) => map.serialize_entry(name, b)?,
                Cell::Decimal(d) => map.serialize_entry(name, d)?,
                Cell::Date(d) => map.serialize_entry(name, d)?,
                Cell::DateTime(t) => {
                    map.serialize_entry(name, &listquery::timestamp::formatted(t))?
                }
            }
        }
        map.end()
    }
}

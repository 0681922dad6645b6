//! The rows each endpoint returns, how they are read from SQLite, and each
//! endpoint's base SELECT with the caller's scoping.

use std::str::FromStr;

use chrono::{NaiveDate, NaiveDateTime};
use listquery::Decimal;
use rusqlite::Row;
use rusqlite::types::{FromSqlError, ValueRef};
use sea_query::{Expr, ExprTrait, Query, SelectStatement};
use serde::Serialize;

/// A row type of one endpoint.
pub trait Record: Serialize + Send + Sized + 'static {
    /// The table.
    const TABLE: &'static str;
    /// The columns selected, in the order [`Record::from_row`] reads them.
    const COLUMNS: &'static [&'static str];

    /// Reads one row of the base SELECT.
    fn from_row(row: &Row<'_>) -> rusqlite::Result<Self>;

    /// Restricts `select` to what agent `agent_id` may see.
    fn scope_to_agent(select: &mut SelectStatement, agent_id: i64) {
        // Orders and invoices belong to an agent through their customer. A
        // subquery, not a join, keeps the schema's unqualified columns unambiguous.
        select.and_where(
            Expr::col("customer_id").in_subquery(
                Query::select()
                    .column("id")
                    .from("customers")
                    .and_where(Expr::col("agent_id").eq(agent_id))
                    .to_owned(),
            ),
        );
    }

    /// `SELECT <columns> FROM <table>`, scoped for an agent.
    fn base_select(agent_id: Option<i64>) -> SelectStatement {
        let mut select = Query::select()
            .columns(Self::COLUMNS.iter().copied())
            .from(Self::TABLE)
            .to_owned();
        if let Some(agent_id) = agent_id {
            Self::scope_to_agent(&mut select, agent_id);
        }
        select
    }
}

/// A NUMERIC(12,2) column (SQLite stores it as INTEGER or REAL, exact to 15
/// significant digits) as a decimal with two places.
fn money(row: &Row<'_>, index: usize) -> rusqlite::Result<Option<Decimal>> {
    let number = match row.get_ref(index)? {
        ValueRef::Null => return Ok(None),
        ValueRef::Integer(i) => i as f64,
        ValueRef::Real(r) => r,
        other => {
            return Err(rusqlite::Error::FromSqlConversionFailure(
                index,
                other.data_type(),
                Box::new(FromSqlError::InvalidType),
            ));
        }
    };
    Decimal::from_str(&format!("{number:.2}"))
        .map(Some)
        .map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(
                index,
                rusqlite::types::Type::Real,
                Box::new(e),
            )
        })
}

fn required_money(row: &Row<'_>, index: usize) -> rusqlite::Result<Decimal> {
    money(row, index)?.ok_or(rusqlite::Error::InvalidColumnType(
        index,
        "NULL decimal".to_owned(),
        rusqlite::types::Type::Null,
    ))
}

/// `GET /customers`.
#[derive(Debug, Serialize)]
pub struct Customer {
    id: i64,
    name: String,
    email: String,
    country: String,
    status: String,
    verified: bool,
    credit_limit: Option<Decimal>,
    agent_id: i64,
    #[serde(with = "listquery::timestamp")]
    created_at: NaiveDateTime,
    #[serde(with = "listquery::timestamp")]
    updated_at: NaiveDateTime,
}

impl Record for Customer {
    const TABLE: &'static str = "customers";
    const COLUMNS: &'static [&'static str] = &[
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
    ];

    fn from_row(row: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(Self {
            id: row.get(0)?,
            name: row.get(1)?,
            email: row.get(2)?,
            country: row.get(3)?,
            status: row.get(4)?,
            verified: row.get(5)?,
            credit_limit: money(row, 6)?,
            agent_id: row.get(7)?,
            created_at: row.get(8)?,
            updated_at: row.get(9)?,
        })
    }

    fn scope_to_agent(select: &mut SelectStatement, agent_id: i64) {
        select.and_where(Expr::col("agent_id").eq(agent_id));
    }
}

/// `GET /orders`.
#[derive(Debug, Serialize)]
pub struct Order {
    id: i64,
    number: String,
    customer_id: i64,
    status: String,
    total: Decimal,
    currency: String,
    placed_on: Option<NaiveDate>,
    #[serde(with = "listquery::timestamp::option")]
    shipped_at: Option<NaiveDateTime>,
    note: Option<String>,
    #[serde(with = "listquery::timestamp")]
    created_at: NaiveDateTime,
    #[serde(with = "listquery::timestamp")]
    updated_at: NaiveDateTime,
}

impl Record for Order {
    const TABLE: &'static str = "orders";
    const COLUMNS: &'static [&'static str] = &[
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
    ];

    fn from_row(row: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(Self {
            id: row.get(0)?,
            number: row.get(1)?,
            customer_id: row.get(2)?,
            status: row.get(3)?,
            total: required_money(row, 4)?,
            currency: row.get(5)?,
            placed_on: row.get(6)?,
            shipped_at: row.get(7)?,
            note: row.get(8)?,
            created_at: row.get(9)?,
            updated_at: row.get(10)?,
        })
    }
}

/// `GET /invoices`.
#[derive(Debug, Serialize)]
pub struct Invoice {
    id: i64,
    number: String,
    status: String,
    amount: Decimal,
    paid: bool,
    due_on: Option<NaiveDate>,
    #[serde(with = "listquery::timestamp")]
    created_at: NaiveDateTime,
    #[serde(with = "listquery::timestamp")]
    updated_at: NaiveDateTime,
    customer_id: i64,
    order_id: Option<i64>,
}

impl Record for Invoice {
    const TABLE: &'static str = "invoices";
    const COLUMNS: &'static [&'static str] = &[
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
    ];

    fn from_row(row: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(Self {
            id: row.get(0)?,
            number: row.get(1)?,
            status: row.get(2)?,
            amount: required_money(row, 3)?,
            paid: row.get(4)?,
            due_on: row.get(5)?,
            created_at: row.get(6)?,
            updated_at: row.get(7)?,
            customer_id: row.get(8)?,
            order_id: row.get(9)?,
        })
    }
}

//! The rows each endpoint returns, how they are read from any engine, and
//! each endpoint's base SELECT with the caller's scoping.

use chrono::{NaiveDate, NaiveDateTime};
use listquery::Decimal;
use sea_query::{Expr, ExprTrait, Query, SelectStatement};
use serde::Serialize;

use crate::store::{Columns, DbError};

/// A row type of one endpoint.
pub trait Record: Serialize + Send + Sized + 'static {
    /// The table.
    const TABLE: &'static str;
    /// The columns selected, in the order [`Record::from_row`] reads them.
    const COLUMNS: &'static [&'static str];

    /// Reads one row of the base SELECT, whatever the engine.
    fn from_row(row: &dyn Columns) -> Result<Self, DbError>;

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

    fn from_row(row: &dyn Columns) -> Result<Self, DbError> {
        Ok(Self {
            id: row.int(0)?,
            name: row.text(1)?,
            email: row.text(2)?,
            country: row.text(3)?,
            status: row.text(4)?,
            verified: row.boolean(5)?,
            credit_limit: row.opt_decimal(6)?,
            agent_id: row.int(7)?,
            created_at: row.datetime(8)?,
            updated_at: row.datetime(9)?,
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

    fn from_row(row: &dyn Columns) -> Result<Self, DbError> {
        Ok(Self {
            id: row.int(0)?,
            number: row.text(1)?,
            customer_id: row.int(2)?,
            status: row.text(3)?,
            total: row.decimal(4)?,
            currency: row.text(5)?,
            placed_on: row.opt_date(6)?,
            shipped_at: row.opt_datetime(7)?,
            note: row.opt_text(8)?,
            created_at: row.datetime(9)?,
            updated_at: row.datetime(10)?,
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

    fn from_row(row: &dyn Columns) -> Result<Self, DbError> {
        Ok(Self {
            id: row.int(0)?,
            number: row.text(1)?,
            status: row.text(2)?,
            amount: row.decimal(3)?,
            paid: row.boolean(4)?,
            due_on: row.opt_date(5)?,
            created_at: row.datetime(6)?,
            updated_at: row.datetime(7)?,
            customer_id: row.int(8)?,
            order_id: row.opt_int(9)?,
        })
    }
}

//! SQL text of every operator, checked without a parser (the real-engine
//! tests in `tests/sql_engines.rs` run all of this on the databases).

use std::sync::Arc;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use sea_query::{Asterisk, Cond, Expr, ExprTrait, Query};

use super::{BaseStatement, Dialect, ListSql, SqlError};
use crate::limits::Limits;
use crate::parse::SortDirection;
use crate::schema::{AggregateFn, FieldId, FieldType, FilterOp, NullsOrder, Resource};
use crate::validate::{Filter, ListQuery, Pagination, SortKey, SortOrigin, Value};

/// Built through the schema builder, so every invariant the SQL layer trusts holds.
fn invoices(limits: Limits) -> Arc<Resource> {
    let resource = Resource::builder("invoices", "invoices")
        .field("id", FieldType::Integer, |f| f.sortable())
        .field("number", FieldType::String, |f| {
            f.column("invoices.number").sortable()
        })
        .field("amount", FieldType::Decimal, |f| f.scale(2).sortable())
        .field("due_on", FieldType::Date, |f| {
            f.sortable().nulls(NullsOrder::First)
        })
        .field("paid", FieldType::Boolean, |f| f.sortable())
        .aggregate("total_amount", AggregateFn::Sum, Some("amount"))
        .aggregate("avg_amount", AggregateFn::Avg, Some("amount"))
        .limits(limits)
        .build()
        .unwrap();
    Arc::new(resource)
}

fn query(filters: Vec<Filter>, pagination: Option<Pagination>) -> ListQuery {
    let resource = invoices(Limits::new().max_bound_values(6).max_unpaginated_rows(50));
    ListQuery {
        resource,
        filters: filters.into(),
        sort: smallvec::smallvec![
            SortKey {
                field: FieldId(3),
                direction: SortDirection::Desc,
                nulls: NullsOrder::First,
                origin: SortOrigin::Request,
            },
            SortKey {
                field: FieldId(0),
                direction: SortDirection::Asc,
                nulls: NullsOrder::Last,
                origin: SortOrigin::TieBreaker,
            },
        ],
        pagination,
        mode: crate::schema::PaginationMode::Offset,
        cursor: None,
        metadata: true,
        params: smallvec::SmallVec::new(),
        extra: Vec::new(),
        fields: None,
    }
}

fn f(field: u32, op: FilterOp, values: Vec<Value>) -> Filter {
    Filter {
        group: None,
        field: FieldId(field),
        op,
        values: values.into(),
    }
}

fn s(text: &str) -> Value {
    Value::String(text.into())
}

#[test]
fn every_operator_on_postgres() {
    let date = |d| Value::Date(NaiveDate::from_ymd_opt(2024, 1, d).unwrap());
    let cases = [
        (f(0, FilterOp::Eq, vec![Value::Integer(1)]), r#""id" = $1"#),
        (
            f(0, FilterOp::Eq, vec![Value::Integer(1), Value::Integer(2)]),
            r#""id" IN ($1, $2)"#,
        ),
        (f(0, FilterOp::Ne, vec![Value::Integer(1)]), r#""id" <> $1"#),
        (
            f(0, FilterOp::Ne, vec![Value::Integer(1), Value::Integer(2)]),
            r#""id" NOT IN ($1, $2)"#,
        ),
        (
            f(2, FilterOp::Gt, vec![Value::Decimal(Decimal::new(1250, 2))]),
            r#""amount" > $1"#,
        ),
        (
            f(
                2,
                FilterOp::Gte,
                vec![Value::Decimal(Decimal::new(1250, 2))],
            ),
            r#""amount" >= $1"#,
        ),
        (f(3, FilterOp::Lt, vec![date(1)]), r#""due_on" < $1"#),
        (f(3, FilterOp::Lte, vec![date(1)]), r#""due_on" <= $1"#),
        (
            f(3, FilterOp::Between, vec![date(1), date(9)]),
            r#""due_on" BETWEEN $1 AND $2"#,
        ),
        (
            f(3, FilterOp::Null, vec![Value::Boolean(true)]),
            r#""due_on" IS NULL"#,
        ),
        (
            f(3, FilterOp::Null, vec![Value::Boolean(false)]),
            r#""due_on" IS NOT NULL"#,
        ),
        (
            f(1, FilterOp::Contains, vec![s("a")]),
            r#"LOWER("invoices"."number") LIKE LOWER($1) ESCAPE '!'"#,
        ),
        (
            f(1, FilterOp::StartsWith, vec![s("a"), s("b")]),
            r#"LOWER("invoices"."number") LIKE LOWER($1) ESCAPE '!' OR LOWER("invoices"."number") LIKE LOWER($2) ESCAPE '!'"#,
        ),
    ];
    for (filter, expected) in cases {
        let q = query(vec![filter], None);
        let sql = ListSql::new(&q, Dialect::Postgres);
        let base = BaseStatement::for_resource(q.resource(), Dialect::Postgres);
        let (text, _) = sql.build(sql.count(base.statement()).unwrap().statement());
        let where_clause = text.split(" WHERE ").nth(1).unwrap();
        assert_eq!(where_clause, expected);
    }
}

#[test]
fn caller_scoping_is_kept_and_filters_are_anded() {
    let q = query(
        vec![
            f(1, FilterOp::EndsWith, vec![s("x"), s("y")]),
            f(4, FilterOp::Eq, vec![Value::Boolean(true)]),
        ],
        None,
    );
    let base = Query::select()
        .column(Asterisk)
        .from("invoices")
        .cond_where(
            Cond::any()
                .add(Expr::col("agent_id").eq(1))
                .add(Expr::col("shared").eq(true)),
        )
        .to_owned();
    let sql = ListSql::new(&q, Dialect::Sqlite);
    let (text, values) = sql.build(&sql.select(&base).unwrap());
    assert_eq!(
        text,
        concat!(
            r#"SELECT * FROM "invoices" WHERE ("agent_id" = ? OR "shared" = ?) AND "#,
            r#"(LOWER("invoices"."number") LIKE LOWER(?) ESCAPE '!' OR LOWER("invoices"."number") LIKE LOWER(?) ESCAPE '!') "#,
            // A boolean filter beside a sort on another column: `+paid`
            // on SQLite, so that the sort's index serves the page.
            r#"AND (+"paid") = ? ORDER BY "due_on" DESC NULLS FIRST, "id" ASC LIMIT ?"#
        )
    );
    assert_eq!(
        values.0.last(),
        Some(&sea_query::Value::BigUnsigned(Some(51)))
    );
}

#[test]
fn bound_values_over_the_limit_are_an_error() {
    let many = (0..6).map(Value::Integer).collect();
    let q = query(
        vec![f(0, FilterOp::Eq, many)],
        Some(Pagination {
            page: 1,
            per_page: 10,
            offset: 0,
        }),
    );
    let sql = ListSql::new(&q, Dialect::Mysql);
    let base = BaseStatement::for_resource(q.resource(), Dialect::Mysql);
    let err = sql.select(base.statement()).unwrap_err();
    assert_eq!(err, SqlError::BoundValues { max: 6, actual: 8 });
    assert_eq!(err.code(), Some(crate::ErrorCode::LimitExceeded));
    // The count statement binds no LIMIT/OFFSET and fits.
    assert!(sql.count(base.statement()).is_ok());
}

#[test]
fn avg_and_empty_sums_decode_the_same_on_every_engine() {
    let q = query(
        vec![],
        Some(Pagination {
            page: 1,
            per_page: 10,
            offset: 0,
        }),
    );
    let dec = |s: &str| crate::AggregateValue::Decimal(s.parse().unwrap());
    for (dialect, row) in [
        (Dialect::Postgres, [Some("0.30"), Some("3")]),
        (Dialect::Mysql, [Some("0.30"), Some("3")]),
        (Dialect::Sqlite, [Some("30"), Some("3")]),
    ] {
        let count = ListSql::new(&q, dialect)
            .count(&Query::select().from("invoices").to_owned())
            .unwrap();
        let aliases: Vec<_> = count.columns().iter().map(|c| c.alias()).collect();
        assert_eq!(aliases, ["total_amount", "avg_amount", "avg_amount_count"]);
        let got = count.decode(3, &[row[0], row[0], row[1]]).unwrap();
        assert_eq!(
            got.aggregates,
            vec![
                ("total_amount".into(), dec("0.30")),
                ("avg_amount".into(), dec("0.100000"))
            ]
        );
        let empty = count.decode::<&str>(0, &[None, None, Some("0")]).unwrap();
        assert_eq!(
            empty.aggregates,
            vec![
                ("total_amount".into(), dec("0.00")),
                ("avg_amount".into(), crate::AggregateValue::Null)
            ]
        );
    }
}

/// SQLite steering (`+column`) leaves out enums whose values read as numbers:
/// such a column may store numbers, which `+column = '2'` would not match.
#[test]
fn enums_of_numbers_are_not_steered() {
    let build = |values: &[&str]| {
        Resource::builder("tickets", "tickets")
            .field("id", FieldType::Integer, |f| f.sortable())
            .field(
                "priority",
                FieldType::Enum(values.iter().map(|v| (*v).to_owned()).collect()),
                |f| f.filter(&[FilterOp::Eq]),
            )
            .field("opened_at", FieldType::DateTime, |f| f.sortable())
            .default_sort("-opened_at")
            .build()
            .unwrap()
    };
    for (values, steered) in [(&["1", "2"][..], false), (&["low", "high"][..], true)] {
        let raw = format!("filter[priority]={}", values[0]);
        let q = ListQuery::parse(&raw, build(values), crate::RequestOptions::default()).unwrap();
        let sql = ListSql::new(&q, Dialect::Sqlite);
        let base = BaseStatement::for_resource(q.resource(), Dialect::Sqlite);
        let (text, _) = sql.build(&sql.select(base.statement()).unwrap());
        assert_eq!(
            text.contains(r#"(+"priority")"#),
            steered,
            "{values:?}: {text}"
        );
    }
}

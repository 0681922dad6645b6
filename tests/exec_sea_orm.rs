//! `listquery::exec::sea_orm` on the fixture data, on each engine through a
//! sea-orm connection: `Entity::find()` with the caller's own filter, the
//! request's filters, sort and page applied; the rows, totals and aggregates
//! equal the oracle's; sparse `fields` rows as JSON; `fetch_on` inside the
//! caller's transaction; estimated counts from the planner.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod support;

use listquery::exec::sea_orm::{apply, fetch, fetch_on, list};
use listquery::page::PageOptions;
use listquery::sql::Dialect;
use listquery::{ListQuery, RequestOptions, Role};
use sea_orm::entity::prelude::*;
use sea_orm::{QueryOrder, TransactionTrait};
use support::db::{Engine, on_each_engine};
use support::fixture::Cell;
use support::oracle::expected;
use support::pools::with_pool;

mod invoice {
    use sea_orm::entity::prelude::*;

    /// Some of the fixture's invoice columns (a model need not read all).
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "invoices")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub number: String,
        pub status: String,
        pub customer_id: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

fn parse(raw: &str, role: Role) -> ListQuery {
    support::parse("invoices", raw, role)
}

fn invoices() -> support::fixture::Table {
    support::fixture::table("invoices")
}

on_each_engine!(
    pages_equal_the_oracle,
    the_callers_select_and_transaction_are_kept,
    estimated_counts_come_from_the_plan
);

/// Offset pages with metadata, OR groups, a related field (the library's
/// join) and a cursor page: the oracle's ids, total and aggregates.
fn pages_equal_the_oracle(engine: Engine) {
    let table = invoices();
    with_pool(engine, async |pool| {
        let db = pool.into_sea_orm();
        for raw in [
            "filter[status]=paid,sent&sort=-amount&per_page=25&page=2&metadata=1",
            "filter[or][0][due_on][null]=true&filter[or][1][amount][gte]=1&sort=due_on",
            "filter[order_number][contains]=1&sort=-order_placed_on,number",
            "sort=-created_at&per_page=30&page=3",
        ] {
            let query = parse(raw, Role::Admin);
            let want = expected(&query, &table);
            let got = fetch::<_, invoice::Model>(&db, &query, invoice::Entity::find())
                .await
                .unwrap_or_else(|e| panic!("{engine:?} {raw}: {e}"));
            let ids: Vec<i64> = got.rows.iter().map(|m| m.id).collect();
            assert_eq!(ids, want.ids, "{engine:?} {raw}");
            let totals = got.totals.expect("offset pages count");
            assert_eq!(totals.total, want.total, "{engine:?} {raw}");
            assert_eq!(totals.aggregates, want.aggregates, "{engine:?} {raw}");
        }

        // A cursor page: no count, the next cursor from the rows' sort field.
        let page = PageOptions::new("https://api.example.com/invoices").unwrap();
        let raw = "sort=number&per_page=5&cursor=";
        let query = parse(raw, Role::Admin);
        let want = expected(&query, &table);
        let answer = list::<_, invoice::Model>(&db, &query, invoice::Entity::find(), &page)
            .await
            .unwrap();
        let json = serde_json::to_value(&answer).unwrap();
        let ids: Vec<i64> = json["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_i64().unwrap())
            .collect();
        assert_eq!(ids, want.ids[..5], "{engine:?} {raw}");
        assert!(json.get("total").is_none());
        assert!(json["next_cursor"].is_string(), "{engine:?} {json}");
    });
}

/// The caller's `filter` and select list stay; an agent's list is the plain
/// array; `fields` rows read as JSON hold only what was asked; `fetch_on`
/// runs inside the caller's transaction and leaves it open.
fn the_callers_select_and_transaction_are_kept(engine: Engine) {
    let table = invoices();
    let customer = table.column_index("customer_id");
    with_pool(engine, async |pool| {
        let db = pool.into_sea_orm();
        let page = PageOptions::new("https://api.example.com/invoices").unwrap();

        // Scoped by sea-orm, unpaginated for an agent: every matching row of
        // the oracle that the scope lets through, in the request's order.
        let query = parse("filter[status]=paid&sort=number", Role::Agent);
        let scoped = invoice::Entity::find().filter(invoice::Column::CustomerId.lt(40));
        let answer = list::<_, invoice::Model>(&db, &query, scoped, &page)
            .await
            .unwrap();
        let json = serde_json::to_value(&answer).unwrap();
        let rows = json.as_array().expect("an agent's list is a plain array");
        let want: Vec<i64> = expected(&query, &table)
            .ids
            .into_iter()
            .filter(|id| {
                let row = table.rows.iter().find(|r| r[0] == Cell::Int(*id)).unwrap();
                matches!(row[customer], Cell::Int(c) if c < 40)
            })
            .collect();
        let ids: Vec<i64> = rows.iter().map(|r| r["id"].as_i64().unwrap()).collect();
        assert!(!want.is_empty());
        assert_eq!(ids, want, "{engine:?}");

        // A sparse request, read as JSON: the fields asked for and the key.
        let query = parse("fields=number&sort=-amount&per_page=3", Role::Admin);
        let got = fetch::<_, serde_json::Value>(&db, &query, invoice::Entity::find())
            .await
            .unwrap();
        assert_eq!(got.rows.len(), 3, "{engine:?}");
        for row in &got.rows {
            let mut keys: Vec<&str> = row.as_object().unwrap().keys().map(|k| &**k).collect();
            keys.sort_unstable();
            assert_eq!(keys, ["id", "number"], "{engine:?} {row}");
        }

        // Inside the caller's transaction, which stays theirs.
        let query = parse("filter[status]=sent&metadata=1", Role::Admin);
        let want = expected(&query, &table);
        let tx = db.begin().await.unwrap();
        let got = fetch_on::<_, _, invoice::Model>(&tx, &query, invoice::Entity::find())
            .await
            .unwrap();
        assert_eq!(got.totals.unwrap().total, want.total, "{engine:?}");
        let first = invoice::Entity::find()
            .order_by_asc(invoice::Column::Id)
            .one(&tx)
            .await
            .unwrap();
        assert!(first.is_some(), "the transaction is still usable");
        tx.rollback().await.unwrap();

        // `apply` gives the statement for running it yourself.
        let statement = apply(&query, invoice::Entity::find(), Dialect::Postgres).unwrap();
        let text = statement.build(sea_query::PostgresQueryBuilder).0;
        assert!(
            text.starts_with(r#"SELECT "invoices"."id", "invoices"."number""#),
            "{text}"
        );
        assert!(text.contains(r#""status" = $1"#), "{text}");
    });
}

/// `count = "estimated"` in examples/schema.toml: the planner's estimate on
/// PostgreSQL and MySQL when the threshold allows it; SQLite counts.
fn estimated_counts_come_from_the_plan(engine: Engine) {
    let schema = support::estimated_schema(1);
    let query = ListQuery::parse(
        "filter[status]=paid,sent&sort=-amount",
        schema.resource("invoices").unwrap(),
        RequestOptions::for_role(Role::Admin),
    )
    .unwrap();
    let want = expected(&query, &invoices());
    with_pool(engine, async |pool| {
        let db = pool.into_sea_orm();
        let got = fetch::<_, invoice::Model>(&db, &query, invoice::Entity::find())
            .await
            .unwrap();
        let ids: Vec<i64> = got.rows.iter().map(|m| m.id).collect();
        assert_eq!(ids, want.ids, "{engine:?}");
        let totals = got.totals.unwrap();
        assert_eq!(totals.estimated, engine != Engine::Sqlite, "{engine:?}");
        match engine {
            Engine::Sqlite => assert_eq!(totals.total, want.total),
            _ => assert!(totals.total >= 1, "{engine:?}: {totals:?}"),
        }
    });
}

//! The page layer on real data: metadata requests on invoices run on every
//! engine (list + one count/aggregate statement) and the envelope the client
//! receives carries the oracle's rows, total and exact `total_amount`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod support;

use listquery::page::{ListResponse, PageOptions, PageTotals};
use listquery::{AggregateValue, ListQuery, ListSql, RequestOptions, Role};
use sea_query::{Alias, Query};
use serde_json::{Value, json};
use support::db::{Conn, Engine, count_row, ids, on_each_engine, with_engine};
use support::fixture::tables;
use support::oracle::expected;

fn envelope(engine: Engine, conn: &mut Conn, query: &ListQuery) -> (Value, String, usize) {
    let base = Query::select()
        .column(Alias::new("id"))
        .from(Alias::new("invoices"))
        .to_owned();
    let sql = ListSql::new(query, engine.dialect());
    let (text, values) = sql.build(&sql.select(&base).unwrap());
    let rows: Vec<Value> = ids(conn, &text, &values.0)
        .into_iter()
        .map(|id| json!({ "id": id }))
        .collect();
    let count = sql.count(&base).unwrap();
    let (text, values) = sql.build(count.statement());
    // One statement gives the total and every aggregate.
    let (total, texts) = count_row(conn, &text, &values.0, count.columns().len());
    let totals = PageTotals::from(count.decode(total, &texts).unwrap());
    let options = PageOptions::new("https://api.example.com/invoices").unwrap();
    let response = ListResponse::new(query, rows, Some(totals), &options).unwrap();
    let statements = text.matches("SELECT").count();
    let text = serde_json::to_string(&response).unwrap();
    (serde_json::from_str(&text).unwrap(), text, statements)
}

on_each_engine!(metadata_envelopes_equal_the_oracle);

fn metadata_envelopes_equal_the_oracle(engine: Engine) {
    let invoices = tables().into_iter().find(|t| t.name == "invoices").unwrap();
    let resource = support::resource("invoices");
    let cases = [
        "metadata=1",
        "filter[status]=paid,sent&sort=-created_at&page=2&per_page=15&metadata=1",
        "filter[amount]=0.10&metadata=true&per_page=100",
        "filter[amount][between]=0.1,1.00&metadata&sort=-amount&per_page=7&page=3",
        "filter[paid]=false&filter[due_on][null]=true&metadata=1",
        "filter[amount][lt]=0&metadata=1",
        "filter[status]=void&filter[amount][gt]=999999&metadata=1",
    ];
    let mut checked = 0;
    with_engine(engine, |conn| {
        for raw in cases {
            let query =
                ListQuery::parse(raw, resource, RequestOptions::for_role(Role::Collaborator))
                    .unwrap();
            let want = expected(&query, &invoices);
            let (json, text, selects) = envelope(engine, conn, &query);
            assert_eq!(
                selects, 1,
                "{engine:?} {raw}: total and sums in one statement"
            );
            assert_eq!(json["total"], json!(want.total), "{engine:?} {raw}");
            let ids: Vec<i64> = json["data"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["id"].as_i64().unwrap())
                .collect();
            assert_eq!(ids, want.ids, "{engine:?} {raw}");
            let AggregateValue::Decimal(sum) = &want.aggregates[0].1 else {
                panic!(
                    "the oracle's total_amount is a decimal: {:?}",
                    want.aggregates
                )
            };
            assert_eq!(
                json["metadata"],
                json!({ "total_amount": sum.to_string() }),
                "{engine:?} {raw}"
            );
            // Key order as SPEC §6: metadata last.
            assert!(text.find("\"data\"") < text.find("\"metadata\""), "{text}");
            assert!(text.starts_with("{\"total\":"), "{text}");
            checked += 1;
        }
    });
    assert_eq!(checked, cases.len());
}

on_each_engine!(estimated_totals_come_from_the_plan);

/// `count = "estimated"`: on PostgreSQL and MySQL the EXPLAIN statement runs
/// on the engine and its estimate becomes the total, flagged in the envelope;
/// below `exact_count_below`, on SQLite, and with metadata, the count is exact.
fn estimated_totals_come_from_the_plan(engine: Engine) {
    let invoices = tables().into_iter().find(|t| t.name == "invoices").unwrap();
    let schema = support::estimated_schema;
    let (eager, reluctant) = (schema(1), schema(u64::MAX));
    let base = Query::select()
        .column(Alias::new("id"))
        .from(Alias::new("invoices"))
        .to_owned();
    let admin = RequestOptions::for_role(Role::Admin);
    with_engine(engine, |conn| {
        for raw in ["", "filter[status]=paid,sent&sort=-amount"] {
            let query = ListQuery::parse(raw, eager.resource("invoices").unwrap(), admin).unwrap();
            let sql = ListSql::new(&query, engine.dialect());
            let Some(estimate) = sql.estimate(&base).unwrap() else {
                assert_eq!(
                    engine,
                    Engine::Sqlite,
                    "{raw}: estimates on PostgreSQL and MySQL"
                );
                continue;
            };
            let plan = support::db::plan_text(conn, estimate.text(), &estimate.values().0);
            let rows = estimate
                .decode(&plan)
                .unwrap_or_else(|e| panic!("{engine:?} {raw}: {e}"))
                .unwrap_or_else(|| panic!("{engine:?} {raw}: no estimate in {plan}"));
            assert!(rows >= 1, "{engine:?} {raw}: {plan}");
            assert!(estimate.is_used(rows));
            let options = PageOptions::new("https://api.example.com/invoices").unwrap();
            let response = ListResponse::new(
                &query,
                vec![json!({"id": 1})],
                Some(PageTotals::estimated(rows)),
                &options,
            )
            .unwrap();
            let text = serde_json::to_string(&response).unwrap();
            assert!(
                text.starts_with(&format!("{{\"total\":{rows},\"total_is_estimate\":true,")),
                "{text}"
            );
            // Below the threshold the estimate is not used: the exact count runs.
            let exact =
                ListQuery::parse(raw, reluctant.resource("invoices").unwrap(), admin).unwrap();
            let estimate = ListSql::new(&exact, engine.dialect())
                .estimate(&base)
                .unwrap()
                .unwrap();
            assert!(!estimate.is_used(rows));
            let want = expected(&exact, &invoices).total;
            let count = ListSql::new(&exact, engine.dialect()).count(&base).unwrap();
            let (text, values) = count.build();
            let (total, _) = count_row(conn, &text, &values.0, 0);
            assert_eq!(total as u64, want, "{engine:?} {raw}");
        }
        // Metadata counts exactly in its own statement: no estimate.
        let query =
            ListQuery::parse("metadata=1", eager.resource("invoices").unwrap(), admin).unwrap();
        assert!(
            ListSql::new(&query, engine.dialect())
                .estimate(&base)
                .unwrap()
                .is_none()
        );
    });
}

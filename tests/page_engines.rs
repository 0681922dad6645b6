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

//! `listquery::exec::rusqlite` on the fixture data: what the helper returns
//! (rows, totals, aggregates, the envelope of each mode, the 400 a client
//! earns) equals the oracle, and the rows read by the select list the library
//! writes hold the fields asked for.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod support;

use listquery::exec::rusqlite::{ExecError, fetch, list};
use listquery::page::PageOptions;
use listquery::{ErrorCode, Role};
use sea_query::{Alias, Expr, ExprTrait, Query};
use support::db::{Conn, Engine, with_engine};
use support::fixture::table;
use support::oracle::expected;
use support::parse;

fn sqlite(f: impl FnOnce(&mut rusqlite::Connection)) {
    with_engine(Engine::Sqlite, |conn| match conn {
        Conn::Sqlite(conn) => f(conn),
        _ => unreachable!(),
    });
}

#[test]
fn fetch_returns_the_oracles_rows_and_totals() {
    let cases = [
        (
            "invoices",
            "filter[status]=paid,sent&sort=-amount&per_page=25&page=2&metadata=1",
        ),
        (
            "invoices",
            "filter[or][0][due_on][null]=true&filter[or][1][amount][gte]=1&sort=due_on",
        ),
        (
            "orders",
            "filter[customer_country]=DE,FR&sort=customer_name,-total&per_page=40",
        ),
        ("customers", "filter[name][contains]=ann&sort=-credit_limit"),
    ];
    sqlite(|conn| {
        for (resource, raw) in cases {
            let query = parse(resource, raw, Role::Admin);
            let want = expected(&query, &table(resource));
            let base = Query::select().from(Alias::new(resource)).to_owned();
            let got = fetch(conn, &query, &base, |row| row.get::<_, i64>("id")).unwrap();
            assert_eq!(got.rows, want.ids, "{resource}?{raw}");
            let totals = got.totals.expect("offset pages count");
            assert_eq!(totals.total, want.total, "{resource}?{raw}");
            assert_eq!(totals.aggregates, want.aggregates, "{resource}?{raw}");
        }
    });
}

#[test]
fn list_answers_each_mode_and_keeps_the_callers_scoping() {
    let page = PageOptions::new("https://api.example.com/invoices").unwrap();
    sqlite(|conn| {
        // Sparse fields: the row holds those and the primary key, by name.
        let query = parse(
            "invoices",
            "fields=number,amount&sort=-amount&per_page=3",
            Role::Admin,
        );
        let base = Query::select().from("invoices").to_owned();
        let answer = list(conn, &query, &base, &page, |row| {
            assert_eq!(row.as_ref().column_count(), 3);
            Ok((row.get::<_, i64>("id")?, row.get::<_, String>("number")?))
        })
        .unwrap();
        let json = serde_json::to_value(&answer).unwrap();
        assert_eq!(json["per_page"], 3);
        assert!(
            json["next_page_url"]
                .as_str()
                .unwrap()
                .contains("fields=number%2Camount")
        );

        // Cursor mode: no count, a next cursor made of the rows' sort fields.
        let query = parse("invoices", "sort=amount&per_page=5&cursor=", Role::Admin);
        let answer = list(conn, &query, &base, &page, |row| {
            Ok(serde_json::json!({
                "id": row.get::<_, i64>("id")?,
                "amount": row.get::<_, f64>("amount")?.to_string(),
            }))
        })
        .unwrap();
        let json = serde_json::to_value(&answer).unwrap();
        assert!(json.get("total").is_none());
        assert_eq!(json["data"].as_array().unwrap().len(), 5);
        assert!(json["next_cursor"].is_string());

        // The caller's own condition stays, AND'ed with the request's.
        let query = parse("invoices", "filter[status]=paid", Role::Agent);
        let scoped = Query::select()
            .from("invoices")
            .and_where(Expr::col(("invoices", "customer_id")).lt(40))
            .to_owned();
        let answer = list(conn, &query, &scoped, &page, |row| {
            Ok((
                row.get::<_, i64>("customer_id")?,
                row.get::<_, String>("status")?,
            ))
        })
        .unwrap();
        let json = serde_json::to_value(&answer).unwrap();
        let rows = json.as_array().expect("an agent's list is a plain array");
        assert!(!rows.is_empty());
        assert!(
            rows.iter()
                .all(|r| r[0].as_i64().unwrap() < 40 && r[1] == "paid")
        );
    });
}

#[test]
fn an_unpaginated_list_over_its_cap_is_the_clients_400() {
    sqlite(|conn| {
        let base = Query::select().from("orders").to_owned();
        let page = PageOptions::new("https://api.example.com/orders").unwrap();
        // The fixture's 220 orders, unpaginated, over a cap of 100.
        let query = support::orders_over_their_cap();
        let err = list(conn, &query, &base, &page, |row| row.get::<_, i64>("id")).unwrap_err();
        assert!(matches!(err, ExecError::Page(_)), "{err}");
        let body = err.to_json_api().expect("the client's error");
        assert_eq!(body.errors[0].code, ErrorCode::TooManyRows);
        // A failing mapping is the server's error, with no body for the client.
        let err = fetch(conn, &query, &base, |row| {
            row.get::<_, String>("no_such_column")
        })
        .unwrap_err();
        assert!(err.to_json_api().is_none(), "{err}");
    });
}

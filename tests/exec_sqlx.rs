//! `listquery::exec::sqlx` on the fixture data, on each engine through a
//! real sqlx pool: the rows, totals and aggregates equal the oracle's,
//! whether handed a pooled connection, one of its own or the caller's
//! transaction (whose own changes it sees, and which it leaves open);
//! `list_as` answers each mode's envelope from a `FromRow` type; estimated
//! counts come from the planner on PostgreSQL and MySQL; a client's fault
//! is a 400 body and a server's is not.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod support;

use listquery::exec::sqlx::{Engine as SqlxEngine, fetch, list, list_as};
use listquery::page::PageOptions;
use listquery::{ErrorCode, ListQuery, RequestOptions, Role};
use sea_query::{Alias, Expr, ExprTrait, Query};
use sqlx::{Acquire, Connection, Row};
use support::db::{Engine, on_each_engine};
use support::fixture::table;
use support::oracle::expected;
use support::parse;
use support::pools::{Pool, with_pool};

/// Runs `check` on a sqlx pool of `engine` holding the fixture.
fn on_pool(engine: Engine, check: impl AsyncCheck) {
    with_pool(engine, async |pool| match pool {
        Pool::Postgres(pool) => check.postgres(&pool).await,
        Pool::Mysql(pool) => check.mysql(&pool).await,
        Pool::Sqlite(pool) => check.sqlite(&pool).await,
    });
}

/// A check written once, generic over the engine, run on each pool type.
trait AsyncCheck {
    async fn run<DB>(&self, pool: &sqlx::Pool<DB>, engine: Engine)
    where
        DB: SqlxEngine,
        for<'r> Invoice: sqlx::FromRow<'r, DB::Row>,
        i64: sqlx::Type<DB> + for<'r> sqlx::Decode<'r, DB>,
        for<'a> &'a str: sqlx::ColumnIndex<DB::Row>;

    async fn postgres(&self, pool: &sqlx::PgPool) {
        self.run(pool, Engine::Postgres).await
    }
    async fn mysql(&self, pool: &sqlx::MySqlPool) {
        self.run(pool, Engine::Mysql).await
    }
    async fn sqlite(&self, pool: &sqlx::SqlitePool) {
        self.run(pool, Engine::Sqlite).await
    }
}

#[derive(Debug, serde::Serialize, sqlx::FromRow)]
struct Invoice {
    id: i64,
    number: String,
    status: String,
}

on_each_engine!(
    fetch_returns_the_oracles_rows_and_totals,
    list_as_answers_each_mode,
    estimated_counts_come_from_the_plan,
    client_faults_are_400s
);

const CASES: [(&str, &str); 5] = [
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
    ("invoices", "sort=-created_at&per_page=30&page=3"),
];

/// Every case through a pooled connection, a connection of its own and the caller's open
/// transaction (which stays open and usable): the oracle's ids, total and
/// aggregates each time.
fn fetch_returns_the_oracles_rows_and_totals(engine: Engine) {
    struct Check;
    impl AsyncCheck for Check {
        async fn run<DB>(&self, pool: &sqlx::Pool<DB>, engine: Engine)
        where
            DB: SqlxEngine,
            for<'r> Invoice: sqlx::FromRow<'r, DB::Row>,
            i64: sqlx::Type<DB> + for<'r> sqlx::Decode<'r, DB>,
            for<'a> &'a str: sqlx::ColumnIndex<DB::Row>,
        {
            let id = |row: &DB::Row| row.try_get::<i64, _>("id");
            for (resource, raw) in CASES {
                let query = parse(resource, raw, Role::Admin);
                let want = expected(&query, &table(resource));
                let base = Query::select().from(Alias::new(resource)).to_owned();
                let what = format!("{engine:?} {resource}?{raw}");

                let mut conn = pool.acquire().await.unwrap();
                let by_conn = fetch(&mut *conn, &query, &base, id).await.unwrap();
                // A connection of its own, not from the pool.
                let mut own = DB::Connection::connect_with(&pool.connect_options())
                    .await
                    .unwrap();
                let by_own = fetch(&mut own, &query, &base, id).await.unwrap();
                own.close().await.unwrap();
                let mut tx = conn.begin().await.unwrap();
                let in_tx = fetch(&mut *tx, &query, &base, id).await.unwrap();
                tx.rollback().await.unwrap();

                for got in [by_conn, by_own, in_tx] {
                    assert_eq!(got.rows, want.ids, "{what}");
                    let totals = got.totals.expect("offset pages count");
                    assert_eq!(totals.total, want.total, "{what}");
                    assert_eq!(totals.aggregates, want.aggregates, "{what}");
                    assert!(!totals.estimated, "{what}");
                }
            }

            // In the caller's transaction it sees the caller's own change,
            // and leaves the transaction open: neither committed nor ended.
            let query = parse("invoices", "filter[status]=sent&metadata=1", Role::Admin);
            let base = Query::select().from("invoices").to_owned();
            let sent = expected(&query, &table("invoices")).total;
            assert!(sent > 0);
            let mut conn = pool.acquire().await.unwrap();
            let mut tx = conn.begin().await.unwrap();
            let delete = "DELETE FROM invoices WHERE status = 'sent'".to_owned();
            DB::rows(&mut *tx, delete, sea_query::Values(Vec::new()))
                .await
                .unwrap();
            for _ in 0..2 {
                let inside = fetch(&mut *tx, &query, &base, id).await.unwrap();
                assert!(inside.rows.is_empty(), "{engine:?}");
                assert_eq!(inside.totals.unwrap().total, 0, "{engine:?}");
            }
            tx.rollback().await.unwrap();
            let after = fetch(&mut *conn, &query, &base, id).await.unwrap();
            assert_eq!(after.totals.unwrap().total, sent, "{engine:?}: rolled back");
        }
    }
    on_pool(engine, Check);
}

/// `list_as` with a derived `FromRow`: the envelope of each mode, its rows
/// the oracle's, the caller's scoping kept.
fn list_as_answers_each_mode(engine: Engine) {
    struct Check;
    impl AsyncCheck for Check {
        async fn run<DB>(&self, pool: &sqlx::Pool<DB>, engine: Engine)
        where
            DB: SqlxEngine,
            for<'r> Invoice: sqlx::FromRow<'r, DB::Row>,
            i64: sqlx::Type<DB> + for<'r> sqlx::Decode<'r, DB>,
            for<'a> &'a str: sqlx::ColumnIndex<DB::Row>,
        {
            let page = PageOptions::new("https://api.example.com/invoices").unwrap();
            let base = Query::select().from("invoices").to_owned();
            let invoices = table("invoices");
            for raw in [
                "sort=-amount&per_page=7&page=3",
                "filter[status]=paid&sort=number&per_page=5&page=2",
                "sort=number&per_page=5&cursor=",
            ] {
                let query = parse("invoices", raw, Role::Admin);
                let want = expected(&query, &invoices);
                let answer = list_as::<_, Invoice>(
                    &mut *pool.acquire().await.unwrap(),
                    &query,
                    &base,
                    &page,
                )
                .await
                .unwrap_or_else(|e| panic!("{engine:?} {raw}: {e}"));
                let json = serde_json::to_value(&answer).unwrap();
                let ids: Vec<i64> = json["data"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|r| r["id"].as_i64().unwrap())
                    .collect();
                let page_size = json["per_page"].as_u64().unwrap() as usize;
                assert_eq!(
                    ids,
                    want.ids[..page_size.min(want.ids.len())],
                    "{engine:?} {raw}"
                );
                match json.get("total") {
                    Some(total) => assert_eq!(total.as_u64(), Some(want.total), "{raw}"),
                    None => assert!(raw.contains("cursor"), "{raw}"),
                }
                if raw.contains("cursor") {
                    assert!(json["next_cursor"].is_string(), "{engine:?} {raw}");
                }
            }

            // The caller's own condition stays, AND'ed with the request's;
            // an agent's list is the plain array.
            let query = parse("invoices", "filter[status]=paid", Role::Agent);
            let scoped = Query::select()
                .from("invoices")
                .and_where(Expr::col(("invoices", "customer_id")).lt(40))
                .to_owned();
            let answer = list(
                &mut *pool.acquire().await.unwrap(),
                &query,
                &scoped,
                &page,
                |row| {
                    Ok((
                        row.try_get::<i64, _>("customer_id")?,
                        row.try_get::<i64, _>("id")?,
                    ))
                },
            )
            .await
            .unwrap();
            let json = serde_json::to_value(&answer).unwrap();
            let rows = json.as_array().expect("an agent's list is a plain array");
            assert!(!rows.is_empty());
            assert!(rows.iter().all(|r| r[0].as_i64().unwrap() < 40));
        }
    }
    on_pool(engine, Check);
}

/// `count = "estimated"` (examples/schema.toml): the planner's estimate on
/// PostgreSQL and MySQL, flagged in the envelope; the exact count on SQLite
/// and below `exact_count_below`.
fn estimated_counts_come_from_the_plan(engine: Engine) {
    struct Check;
    impl AsyncCheck for Check {
        async fn run<DB>(&self, pool: &sqlx::Pool<DB>, engine: Engine)
        where
            DB: SqlxEngine,
            for<'r> Invoice: sqlx::FromRow<'r, DB::Row>,
            i64: sqlx::Type<DB> + for<'r> sqlx::Decode<'r, DB>,
            for<'a> &'a str: sqlx::ColumnIndex<DB::Row>,
        {
            let schema = support::estimated_schema;
            let admin = RequestOptions::for_role(Role::Admin);
            let base = Query::select().from("invoices").to_owned();
            let id = |row: &DB::Row| row.try_get::<i64, _>("id");
            let raw = "filter[status]=paid,sent&sort=-amount";
            let (eager, reluctant) = (schema(1), schema(u64::MAX));

            let query = ListQuery::parse(raw, eager.resource("invoices").unwrap(), admin).unwrap();
            let want = expected(&query, &table("invoices"));
            let got = fetch(&mut *pool.acquire().await.unwrap(), &query, &base, id)
                .await
                .unwrap();
            assert_eq!(got.rows, want.ids, "{engine:?}");
            let totals = got.totals.unwrap();
            match engine {
                Engine::Sqlite => {
                    assert!(!totals.estimated);
                    assert_eq!(totals.total, want.total);
                }
                _ => {
                    assert!(totals.estimated, "{engine:?}: {totals:?}");
                    assert!(totals.total >= 1, "{engine:?}: {totals:?}");
                }
            }

            let query =
                ListQuery::parse(raw, reluctant.resource("invoices").unwrap(), admin).unwrap();
            let totals = fetch(&mut *pool.acquire().await.unwrap(), &query, &base, id)
                .await
                .unwrap()
                .totals
                .unwrap();
            assert!(!totals.estimated, "{engine:?}");
            assert_eq!(totals.total, want.total, "{engine:?}");
        }
    }
    on_pool(engine, Check);
}

/// Over the unpaginated cap: the client's 400 (`too_many_rows`). A mapping
/// that fails: the server's error, with no body for the client.
fn client_faults_are_400s(engine: Engine) {
    struct Check;
    impl AsyncCheck for Check {
        async fn run<DB>(&self, pool: &sqlx::Pool<DB>, _engine: Engine)
        where
            DB: SqlxEngine,
            for<'r> Invoice: sqlx::FromRow<'r, DB::Row>,
            i64: sqlx::Type<DB> + for<'r> sqlx::Decode<'r, DB>,
            for<'a> &'a str: sqlx::ColumnIndex<DB::Row>,
        {
            let base = Query::select().from("orders").to_owned();
            let page = PageOptions::new("https://api.example.com/orders").unwrap();
            // The fixture's 220 orders, unpaginated, over a cap of 100.
            let query = support::orders_over_their_cap();
            let id = |row: &DB::Row| row.try_get::<i64, _>("id");
            let err = list(
                &mut *pool.acquire().await.unwrap(),
                &query,
                &base,
                &page,
                id,
            )
            .await
            .unwrap_err();
            let body = err.to_json_api().expect("the client's error");
            assert_eq!(body.errors[0].code, ErrorCode::TooManyRows);

            let err = fetch(
                &mut *pool.acquire().await.unwrap(),
                &query,
                &base,
                |row: &DB::Row| row.try_get::<i64, _>("no_such_column"),
            )
            .await
            .unwrap_err();
            assert!(err.to_json_api().is_none(), "{err}");
        }
    }
    on_pool(engine, Check);
}

/// Compile-time: the helpers' futures are `Send` on every engine, as axum's
/// and actix's handlers need (this file does not build otherwise).
#[allow(dead_code)]
fn futures_are_send(
    pg: &mut sqlx::PgConnection,
    my: &mut sqlx::MySqlConnection,
    lite: &mut sqlx::SqliteConnection,
    query: &ListQuery,
    base: &sea_query::SelectStatement,
    page: &PageOptions,
) {
    fn send<T: Send>(_: T) {}
    send(list_as::<_, Invoice>(pg, query, base, page));
    send(list_as::<_, Invoice>(my, query, base, page));
    send(fetch(lite, query, base, |row| row.try_get::<i64, _>("id")));
}

//! Cursor and simple pagination on the real engines: a client that follows
//! `next_page_url` from the first page to the last, then `prev_page_url` back
//! to the first, sees every row exactly once, in the order of the oracle (the
//! offset order), over sorts with ties and NULLs in both placements, both
//! directions, mixed directions, and filters.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod support;

use listquery::page::{ListResponse, PageOptions};
use listquery::{ListQuery, ListSql, PaginationMode, RequestOptions, Resource, Role};
use sea_query::{Alias, Query};
use serde_json::{Value, json};
use support::db::{Conn, Engine, ids, on_each_engine, with_engine};
use support::fixture::{Cell, Table, tables};
use support::oracle::{expected, field_rows};

const PATH: &str = "https://api.example.com/list";

/// The row as the app's JSON shows it: every field of the resource under its
/// name (decimals, dates and datetimes as strings).
fn row_json(resource: &Resource, table: &Table, id: i64) -> Value {
    // Related fields (SPEC §15) read the joined row, as the oracle does.
    let rows = field_rows(resource, table);
    let pk = resource.primary_key().index();
    let row = (rows.iter())
        .find(|r| r[pk] == Cell::Int(id))
        .unwrap_or_else(|| panic!("no row {id}"));
    let mut object = serde_json::Map::new();
    for (field, cell) in resource.fields().iter().zip(row) {
        let value = match cell {
            Cell::Null => Value::Null,
            Cell::Int(n) => json!(n),
            Cell::Str(s) => json!(s),
            Cell::Dec(d) => json!(d.to_string()),
            Cell::Bool(b) => json!(b),
            Cell::Date(d) => json!(d.format("%Y-%m-%d").to_string()),
            Cell::DateTime(dt) => json!(dt.format("%Y-%m-%d %H:%M:%S").to_string()),
        };
        object.insert(field.name().to_owned(), value);
    }
    Value::Object(object)
}

/// One request as a client sends it: runs the select on the engine and
/// answers with the envelope, as JSON.
fn request(engine: Engine, conn: &mut Conn, table: &Table, raw: &str) -> Value {
    let resource = support::resource(table.name);
    let query = ListQuery::parse(raw, resource, RequestOptions::for_role(Role::Admin))
        .unwrap_or_else(|e| panic!("{raw}: {e}"));
    assert!(!query.needs_totals(), "{raw}: no COUNT in this mode");
    // No select list: listquery writes it (SPEC §16), the primary key first
    // (it is declared first) and the cursor's keys, joined ones aliased.
    let base = Query::select().from(Alias::new(table.name)).to_owned();
    let sql = ListSql::new(&query, engine.dialect());
    let (text, values) = sql.build(&sql.select(&base).unwrap());
    assert!(!text.contains("OFFSET") || query.pagination_mode() == Some(PaginationMode::Simple));
    let rows: Vec<Value> = ids(conn, &text, &values.0)
        .into_iter()
        .map(|id| row_json(resource, table, id))
        .collect();
    let options = PageOptions::new(PATH).unwrap();
    let response = ListResponse::new(&query, rows, None, &options).unwrap();
    serde_json::to_value(&response).unwrap()
}

fn page_ids(page: &Value) -> Vec<i64> {
    page["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect()
}

/// The query string of a page URL.
fn query_of(url: &Value) -> Option<String> {
    let url = url.as_str()?;
    Some(
        url.strip_prefix(PATH)
            .unwrap()
            .trim_start_matches('?')
            .to_owned(),
    )
}

/// Follows `next_page_url` to the end, then `prev_page_url` back; returns the
/// rows of each walk in display order.
fn walk(engine: Engine, conn: &mut Conn, table: &Table, first: &str) -> (Vec<i64>, Vec<i64>) {
    let mut forwards = Vec::new();
    let mut page = request(engine, conn, table, first);
    let mut pages = 1;
    loop {
        forwards.extend(page_ids(&page));
        let Some(next) = query_of(&page["next_page_url"]) else {
            break;
        };
        page = request(engine, conn, table, &next);
        pages += 1;
        assert!(pages < 1000, "{first}: no end");
    }
    let mut backwards: Vec<Vec<i64>> = vec![page_ids(&page)];
    while let Some(prev) = query_of(&page["prev_page_url"]) {
        page = request(engine, conn, table, &prev);
        backwards.push(page_ids(&page));
        assert!(backwards.len() < 1000, "{first}: no start");
    }
    backwards.reverse();
    (forwards, backwards.concat())
}

on_each_engine!(cursor_walks_see_every_row_once_in_order);

fn cursor_walks_see_every_row_once_in_order(engine: Engine) {
    let all = tables();
    let cases: [(&str, &str); 16] = [
        ("invoices", ""),
        ("invoices", "sort=amount"),
        ("invoices", "sort=-amount"),
        // due_on: NULLs first (the field's setting), in both directions.
        ("invoices", "sort=due_on"),
        ("invoices", "sort=-due_on,-amount"),
        ("invoices", "sort=status,-created_at"),
        ("invoices", "filter[status]=paid,sent&sort=-created_at"),
        ("invoices", "filter[due_on][null]=false&sort=due_on,number"),
        // placed_on: NULLs first; shipped_at: NULLs last (the default).
        ("orders", ""),
        ("orders", "sort=shipped_at"),
        ("orders", "sort=-shipped_at,total"),
        (
            "orders",
            "filter[total][gte]=10&sort=currency,-placed_on,number",
        ),
        // Related fields (SPEC §15): an inner join, and a left join whose
        // rows without an order read NULL (NULLs first for order_placed_on).
        ("orders", "sort=customer_name"),
        ("orders", "sort=-customer_country,-total"),
        ("invoices", "sort=order_placed_on"),
        (
            "invoices",
            "filter[amount][lte]=1&sort=-order_number,amount",
        ),
    ];
    with_engine(engine, |conn| {
        for (name, filters) in cases {
            let table = all.iter().find(|t| t.name == name).unwrap();
            let resource = support::resource(name);
            let everything =
                ListQuery::parse(filters, resource, RequestOptions::for_role(Role::Agent)).unwrap();
            let want = expected(&everything, table).ids;
            assert!(want.len() > 20, "{name}?{filters}: a walk of several pages");
            let sep = if filters.is_empty() { "" } else { "&" };
            let first = format!("{filters}{sep}per_page=7&cursor=");
            let (forwards, backwards) = walk(engine, conn, table, &first);
            assert_eq!(forwards, want, "{engine:?} {name}?{first}: forwards");
            assert_eq!(backwards, want, "{engine:?} {name}?{first}: backwards");
        }
    });
}

on_each_engine!(simple_pages_follow_the_offset_order);

fn simple_pages_follow_the_offset_order(engine: Engine) {
    let all = tables();
    let table = all.iter().find(|t| t.name == "invoices").unwrap();
    // The seed schema offers offset and cursor; simple mode is checked on a
    // resource built for it.
    let resource =
        listquery::Schema::from_toml_str(&include_str!("../examples/schema.toml").replace(
            "pagination = [\"offset\", \"cursor\"]\n# On PostgreSQL",
            "pagination = [\"simple\", \"cursor\"]\n# On PostgreSQL",
        ))
        .unwrap();
    let resource = resource.resource("invoices").unwrap();
    assert_eq!(resource.pagination_modes()[0], PaginationMode::Simple);
    let filters = "filter[status]=paid,sent&sort=-amount";
    let everything =
        ListQuery::parse(filters, resource, RequestOptions::for_role(Role::Agent)).unwrap();
    let want = expected(&everything, table).ids;
    with_engine(engine, |conn| {
        let mut seen = Vec::new();
        let mut raw = format!("{filters}&per_page=6");
        loop {
            let query =
                ListQuery::parse(&raw, resource, RequestOptions::for_role(Role::Admin)).unwrap();
            assert_eq!(query.pagination_mode(), Some(PaginationMode::Simple));
            let base = Query::select()
                .column(Alias::new("id"))
                .from(Alias::new("invoices"))
                .to_owned();
            let sql = ListSql::new(&query, engine.dialect());
            let (text, values) = sql.build(&sql.select(&base).unwrap());
            let rows: Vec<Value> = ids(conn, &text, &values.0)
                .into_iter()
                .map(|id| json!({ "id": id }))
                .collect();
            let options = PageOptions::new(PATH).unwrap();
            let page =
                serde_json::to_value(ListResponse::new(&query, rows, None, &options).unwrap())
                    .unwrap();
            assert!(page.get("total").is_none(), "simple pages have no total");
            seen.extend(page_ids(&page));
            match query_of(&page["next_page_url"]) {
                Some(next) => raw = next,
                None => break,
            }
        }
        assert_eq!(seen, want, "{engine:?}");
    });
}

on_each_engine!(advised_indexes_serve_deep_cursor_pages);

/// `listquery indexes`' statements run on every engine, and the plan of a
/// deep cursor page seeks in the advised `(created_at, id)` index instead of
/// reading the table and sorting it. (On tables this small PostgreSQL would
/// rather scan: its plan is read with sequential scans disabled, which shows
/// that the index serves the order and the keyset condition.)
fn advised_indexes_serve_deep_cursor_pages(engine: Engine) {
    let resource = support::resource("invoices");
    let advice = listquery::sql::index_advice(resource, engine.dialect());
    assert!(
        advice
            .iter()
            .any(|a| a.name == "invoices_created_at_id_idx")
    );
    let cursor = listquery::cursor::encode(
        [
            ("created_at", &json!("2024-02-01 08:30:00")),
            ("id", &json!(120)),
        ],
        true,
    );
    let query = ListQuery::parse(
        &format!("sort=-created_at&cursor={cursor}"),
        resource,
        RequestOptions::for_role(Role::Admin),
    )
    .unwrap();
    let base = Query::select()
        .column(Alias::new("id"))
        .from(Alias::new("invoices"))
        .to_owned();
    let sql = ListSql::new(&query, engine.dialect());
    let (text, values) = sql.build(&sql.select(&base).unwrap());
    with_engine(engine, |conn| {
        for index in &advice {
            support::db::execute(conn, &index.statement, &[]);
        }
        let plan = match engine {
            Engine::Sqlite => {
                support::db::plan_rows(conn, &format!("EXPLAIN QUERY PLAN {text}"), &values.0)
            }
            Engine::Postgres => {
                support::db::execute(conn, "SET enable_seqscan = off", &[]);
                let plan = support::db::plan_text(
                    conn,
                    &format!("EXPLAIN (FORMAT JSON) {text}"),
                    &values.0,
                );
                support::db::execute(conn, "SET enable_seqscan = on", &[]);
                plan
            }
            Engine::Mysql => {
                support::db::plan_text(conn, &format!("EXPLAIN FORMAT=JSON {text}"), &values.0)
            }
        };
        // One of the two advised indexes on created_at; on SQLite the
        // descending one, read in order with nothing left to sort.
        assert!(
            plan.contains("invoices_created_at_id_idx")
                || plan.contains("invoices_created_at_desc_id_idx"),
            "{engine:?}: {plan}"
        );
        if engine == Engine::Sqlite {
            assert!(
                plan.contains("invoices_created_at_desc_id_idx") && !plan.contains("TEMP B-TREE"),
                "{plan}"
            );
        }
        // The page is still right with the indexes in place.
        let got = ids(conn, &text, &values.0);
        let all = ListQuery::parse(
            "sort=-created_at",
            resource,
            RequestOptions::for_role(Role::Agent),
        )
        .unwrap();
        let invoices = tables().into_iter().find(|t| t.name == "invoices").unwrap();
        let order = expected(&all, &invoices).ids;
        let at = order.iter().position(|&id| {
            let row = invoices
                .rows
                .iter()
                .find(|r| r[0] == Cell::Int(id))
                .unwrap();
            let created = &row[invoices.column_index("created_at")];
            matches!(created, Cell::DateTime(t) if t.to_string().as_str() < "2024-02-01 08:30:00"
                || (t.to_string() == "2024-02-01 08:30:00" && id > 120))
        });
        let want: Vec<i64> = order[at.unwrap()..].iter().take(16).copied().collect();
        assert_eq!(got, want, "{engine:?}");
    });
}

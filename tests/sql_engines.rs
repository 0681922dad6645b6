//! Every statement of the SQL layer run on the real engines: the rows, their
//! order, totals and aggregates must equal a plain-Rust oracle, on every engine.
//! Each check is one test per engine (`CHECK::sqlite`, `CHECK::postgres`,
//! `CHECK::mysql`); the server ones are ignored unless scripts/test.sh runs
//! them (see tests/support/db.rs).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod support;

use std::collections::BTreeSet;

use listquery::page::{PageError, check_row_count};
use listquery::sql::{CountResult, ListSql};
use listquery::{ListQuery, RequestOptions, Role};
use sea_query::{Alias, Query};

use support::db::{Conn, Engine, count_row, ids, on_each_engine, with_engine};
use support::fixture::table;
use support::oracle::{Expected, expected};
use support::parse;

/// The caller's statement: `SELECT <table>.id FROM <table>` (qualified: a
/// request may join another table, SPEC §15).
fn base(table: &str) -> sea_query::SelectStatement {
    Query::select()
        .column((Alias::new(table), Alias::new("id")))
        .from(Alias::new(table))
        .to_owned()
}

/// Runs the list and count statements of `query` on `conn`.
fn run(
    engine: Engine,
    conn: &mut Conn,
    query: &ListQuery,
    base: &sea_query::SelectStatement,
) -> Expected {
    let sql = ListSql::new(query, engine.dialect());
    let (text, values) = sql.build(&sql.select(base).unwrap());
    let got_ids = ids(conn, &text, &values.0);
    let count = sql.count(base).unwrap();
    let (text, values) = sql.build(count.statement());
    let (total, texts) = count_row(conn, &text, &values.0, count.columns().len());
    let CountResult { total, aggregates } = count.decode(total, &texts).unwrap();
    Expected {
        ids: got_ids,
        total,
        aggregates,
    }
}

/// (resource, query, role): every operator and type, multi-key sorts both ways
/// on nullable fields, pages past the end, metadata, hostile strings.
const QUERIES: &[(&str, &str, Role)] = &[
    // customers: strings, enums, booleans, decimals, datetimes, integers
    ("customers", "", Role::Admin),
    ("customers", "", Role::Agent),
    ("customers", "sort=name", Role::Admin),
    ("customers", "sort=-name&per_page=100", Role::Admin),
    (
        "customers",
        "sort=email,-id&per_page=50&page=2",
        Role::Admin,
    ),
    ("customers", "sort=-email&per_page=40", Role::Admin),
    (
        "customers",
        "sort=country,-credit_limit&per_page=100",
        Role::Admin,
    ),
    (
        "customers",
        "sort=-country,credit_limit&per_page=100&page=2",
        Role::Admin,
    ),
    (
        "customers",
        "sort=-verified,status,-created_at&per_page=30&page=3",
        Role::Admin,
    ),
    ("customers", "sort=updated_at&per_page=100", Role::Admin),
    ("customers", "filter[name]=Acme%20Corp", Role::Admin),
    (
        "customers",
        "filter[name]=acme%20corp,zeta&sort=-id",
        Role::Admin,
    ),
    (
        "customers",
        "filter[name][ne]=Alpha,alpha&per_page=100",
        Role::Admin,
    ),
    ("customers", "filter[name][ne]=Alpha", Role::Agent),
    ("customers", "filter[name][contains]=acme", Role::Admin),
    ("customers", "filter[name][contains]=ACME,zoë", Role::Agent),
    ("customers", "filter[name][contains]=%25", Role::Admin),
    ("customers", "filter[name][contains]=_", Role::Admin),
    ("customers", "filter[name][contains]=!", Role::Admin),
    (
        "customers",
        "filter[name][contains]=%22quoted%22,%22o'brien%2C%22",
        Role::Agent,
    ),
    (
        "customers",
        "filter[name][contains]=%22Smith%2C%20John%22",
        Role::Admin,
    ),
    (
        "customers",
        "filter[name][starts_with]=al,%C3%89lo",
        Role::Agent,
    ),
    (
        "customers",
        "filter[name][starts_with]=50%25%20off_",
        Role::Admin,
    ),
    (
        "customers",
        "filter[name][ends_with]=SHOP,%C3%B6hne",
        Role::Agent,
    ),
    ("customers", "filter[name][ends_with]=bang!", Role::Admin),
    (
        "customers",
        "filter[name][contains]=%F0%9F%9A%80",
        Role::Admin,
    ),
    (
        "customers",
        "filter[name][contains]=%E6%9D%B1%E4%BA%AC",
        Role::Admin,
    ),
    (
        "customers",
        "filter[email][contains]=.ORG&sort=email",
        Role::Agent,
    ),
    (
        "customers",
        "filter[email][ends_with]=@example.de",
        Role::Agent,
    ),
    (
        "customers",
        "filter[country]=DE,FR&sort=-country,name",
        Role::Agent,
    ),
    (
        "customers",
        "filter[country][ne]=US&sort=country&per_page=100",
        Role::Admin,
    ),
    (
        "customers",
        "filter[status]=blocked&filter[verified]=true",
        Role::Agent,
    ),
    (
        "customers",
        "filter[status][ne]=active&filter[verified]=0&sort=-created_at",
        Role::Admin,
    ),
    ("customers", "filter[credit_limit]=0.1", Role::Agent),
    (
        "customers",
        "filter[credit_limit]=0.10,2500.50",
        Role::Agent,
    ),
    (
        "customers",
        "filter[credit_limit][gt]=1000&sort=-credit_limit",
        Role::Admin,
    ),
    (
        "customers",
        "filter[credit_limit][between]=0.10,2500.5",
        Role::Agent,
    ),
    (
        "customers",
        "filter[credit_limit][null]=true&sort=name",
        Role::Agent,
    ),
    (
        "customers",
        "filter[credit_limit][null]=false&filter[credit_limit][lte]=1000&sort=credit_limit",
        Role::Agent,
    ),
    ("customers", "filter[agent]=2&sort=-id", Role::Agent),
    (
        "customers",
        "filter[id][gte]=10&filter[id][lt]=40&filter[id][ne]=15,16",
        Role::Agent,
    ),
    (
        "customers",
        "filter[id][gt]=150&filter[id][lte]=155",
        Role::Admin,
    ),
    (
        "customers",
        "filter[created_at][between]=2024-01-10%2000:00:00,2024-02-10%2008:30:00",
        Role::Agent,
    ),
    (
        "customers",
        "filter[created_at][gt]=2024-03-01T09:30:00%2B01:00&sort=created_at",
        Role::Agent,
    ),
    (
        "customers",
        "filter[updated_at][gte]=2024-02-01%2016:30:00&filter[updated_at][lte]=2024-03-01%2000:00:00",
        Role::Agent,
    ),
    (
        "customers",
        "filter[name]=%22'%3B%20DROP%20TABLE%20customers%3B%20--%22",
        Role::Agent,
    ),
    ("customers", "page=99", Role::Admin),
    ("customers", "page=11&per_page=15", Role::Admin),
    // orders: dates with nulls first, nullable datetimes and notes
    ("orders", "", Role::Admin),
    ("orders", "", Role::Agent),
    ("orders", "sort=placed_on&per_page=100", Role::Admin),
    (
        "orders",
        "sort=-placed_on,total&per_page=100&page=2",
        Role::Admin,
    ),
    (
        "orders",
        "sort=shipped_at,-customer&per_page=100",
        Role::Admin,
    ),
    ("orders", "sort=-shipped_at&per_page=60&page=2", Role::Admin),
    (
        "orders",
        "sort=currency,-total,number&per_page=100",
        Role::Admin,
    ),
    (
        "orders",
        "sort=-status,updated_at&per_page=25&page=4",
        Role::Admin,
    ),
    ("orders", "filter[number][contains]=ORD-2024", Role::Agent),
    ("orders", "filter[number][contains]=_1%25", Role::Agent),
    (
        "orders",
        "filter[number][starts_with]=o!,%22ord%2C%22",
        Role::Agent,
    ),
    ("orders", "filter[number]=%22Ord%2C3'x%22", Role::Agent),
    (
        "orders",
        "filter[customer]=5,6,7,8,9&filter[customer][ne]=7",
        Role::Agent,
    ),
    (
        "orders",
        "filter[status][ne]=cancelled,refunded&filter[currency]=EUR",
        Role::Admin,
    ),
    ("orders", "filter[total]=0.10", Role::Agent),
    (
        "orders",
        "filter[total][ne]=0.1&filter[total][lt]=2500&sort=-total",
        Role::Admin,
    ),
    (
        "orders",
        "filter[total][gte]=19.99&filter[total][lte]=2500.00",
        Role::Agent,
    ),
    ("orders", "filter[total][between]=0.05,19.99", Role::Agent),
    (
        "orders",
        "filter[placed_on]=2024-01-04,2024-01-07",
        Role::Agent,
    ),
    (
        "orders",
        "filter[placed_on][between]=2024-01-10,2024-02-09&sort=placed_on",
        Role::Agent,
    ),
    ("orders", "filter[placed_on][null]=true", Role::Agent),
    (
        "orders",
        "filter[placed_on][gte]=2024-03-01&filter[placed_on][lte]=2024-04-01",
        Role::Agent,
    ),
    (
        "orders",
        "filter[shipped_at][null]=true&sort=-placed_on",
        Role::Agent,
    ),
    (
        "orders",
        "filter[shipped_at][between]=2024-01-01%2000:00:00,2024-02-01%2016:30:00",
        Role::Agent,
    ),
    ("orders", "filter[note][contains]=!!,%25", Role::Agent),
    (
        "orders",
        "filter[note][contains]=%22it's%20%5C%22special%5C%22%22",
        Role::Agent,
    ),
    ("orders", "filter[note][contains]=NA%C3%AFVE", Role::Agent),
    (
        "orders",
        "filter[note][null]=false&sort=-id&per_page=10&page=3",
        Role::Admin,
    ),
    (
        "orders",
        "filter[created_at][gte]=2024-02-15%2000:00:00",
        Role::Agent,
    ),
    ("orders", "page=1000&per_page=100", Role::Admin),
    // invoices: metadata sums, booleans, nullable dates first
    ("invoices", "", Role::Admin),
    ("invoices", "metadata=1", Role::Admin),
    ("invoices", "metadata&per_page=100&page=2", Role::Admin),
    ("invoices", "filter[amount]=0.10&metadata=true", Role::Admin),
    (
        "invoices",
        "filter[amount][gt]=0.10&metadata=1&sort=-amount",
        Role::Admin,
    ),
    (
        "invoices",
        "filter[amount][between]=0.1,1.00&metadata=1&per_page=50",
        Role::Admin,
    ),
    ("invoices", "filter[amount][lt]=0&metadata=1", Role::Admin),
    (
        "invoices",
        "filter[status]=paid,sent&sort=-created_at&page=2&per_page=15&metadata=1",
        Role::Admin,
    ),
    (
        "invoices",
        "filter[status][ne]=void&filter[paid]=false&metadata=1&per_page=100",
        Role::Admin,
    ),
    (
        "invoices",
        "filter[paid]=1&sort=due_on&per_page=100",
        Role::Admin,
    ),
    (
        "invoices",
        "sort=-due_on,amount&per_page=100&page=2",
        Role::Admin,
    ),
    (
        "invoices",
        "sort=due_on,-updated_at&per_page=100",
        Role::Admin,
    ),
    (
        "invoices",
        "filter[due_on][null]=true&metadata=1",
        Role::Admin,
    ),
    (
        "invoices",
        "filter[due_on][between]=2024-02-01,2024-03-01&filter[due_on][null]=false",
        Role::Agent,
    ),
    (
        "invoices",
        "filter[due_on][gte]=2024-03-10&filter[due_on][lte]=2024-04-01&metadata=1&per_page=100",
        Role::Admin,
    ),
    (
        "invoices",
        "filter[number][contains]=inv%20%25,_1!&sort=number",
        Role::Agent,
    ),
    (
        "invoices",
        "filter[number][starts_with]=INV-2024&sort=-number&per_page=100&page=2",
        Role::Admin,
    ),
    ("invoices", "filter[number]=inv_3!,INV-004", Role::Agent),
    (
        "invoices",
        "filter[customer]=1,2,3,4,5,6,7,8,9,10,11,12&sort=-amount",
        Role::Agent,
    ),
    (
        "invoices",
        "filter[order][null]=true&metadata=1&per_page=7&page=3",
        Role::Admin,
    ),
    ("invoices", "filter[order]=5,10,15,20", Role::Agent),
    (
        "invoices",
        "filter[id][gte]=100&filter[id][lt]=200&filter[id][ne]=150&metadata=1",
        Role::Admin,
    ),
    (
        "invoices",
        "filter[created_at][between]=2024-01-01%2000:00:00,2024-01-31%2023:59:59&sort=created_at",
        Role::Agent,
    ),
    ("invoices", "page=3&per_page=100&metadata=1", Role::Admin),
    ("invoices", "page=4&per_page=100&metadata=1", Role::Admin),
    // OR groups (SPEC §14): every operator, NULLs inside groups, AND'ed with
    // the filters outside groups, with metadata over the same rows.
    (
        "invoices",
        "filter[or][0][status]=void&filter[or][1][amount][gt]=500&filter[or][1][paid]=true&metadata=1&per_page=100",
        Role::Admin,
    ),
    (
        "invoices",
        "filter[or][0][due_on][null]=true&filter[or][1][due_on][lte]=2024-02-01&sort=due_on&per_page=100",
        Role::Admin,
    ),
    (
        "invoices",
        "filter[status][ne]=void&filter[or][0][amount][between]=0.1,1.00&filter[or][1][amount][gte]=900&filter[or][2][number][contains]=7&metadata=1&per_page=100",
        Role::Admin,
    ),
    (
        "invoices",
        "filter[or][3][number][starts_with]=INV-2024&filter[or][3][amount][lte]=100&filter[or][0][order][null]=true&filter[or][0][id][lt]=50",
        Role::Agent,
    ),
    (
        "invoices",
        "filter[or][0][customer]=1,2,3&filter[or][1][status][ne]=paid,sent&filter[or][1][due_on][gte]=2024-03-01",
        Role::Agent,
    ),
    (
        "orders",
        "filter[or][0][note][contains]=!!,%25&filter[or][1][note][null]=true&filter[or][2][placed_on][null]=false&filter[or][2][placed_on][lte]=2024-01-20&sort=-placed_on&per_page=100",
        Role::Admin,
    ),
    (
        "orders",
        "filter[or][0][shipped_at][null]=true&filter[or][1][shipped_at][gte]=2024-02-01%2000:00:00&filter[status]=paid,shipped",
        Role::Agent,
    ),
    (
        "customers",
        "filter[or][0][credit_limit][null]=true&filter[or][1][country][ne]=DE&filter[or][1][credit_limit][gte]=1000&filter[or][2][name][contains]=ann&sort=-credit_limit&per_page=100",
        Role::Admin,
    ),
    (
        "customers",
        "filter%5Bor%5D%5B0%5D%5Bcountry%5D%5B%5D=DE&filter%5Bor%5D%5B0%5D%5Bcountry%5D%5B%5D=FR&filter%5Bor%5D%5B1%5D%5Bcredit_limit%5D%5Bnull%5D=1",
        Role::Agent,
    ),
    // Related fields (SPEC §15): orders reach their customer by an inner
    // join, invoices their order by a left join (no order: NULL fields).
    (
        "orders",
        "sort=customer_name,-total&per_page=100",
        Role::Admin,
    ),
    (
        "orders",
        "sort=-customer_country,customer_name&per_page=100&page=2",
        Role::Admin,
    ),
    (
        "orders",
        "filter[customer_country]=DE,FR&sort=customer_country&per_page=100",
        Role::Admin,
    ),
    (
        "orders",
        "filter[customer_country][ne]=DE&filter[customer_name][starts_with]=a&sort=-placed_on",
        Role::Agent,
    ),
    (
        "orders",
        "filter[customer_name][contains]=ann&filter[status]=paid,shipped&per_page=100",
        Role::Admin,
    ),
    (
        "invoices",
        "sort=order_placed_on,-amount&per_page=100&metadata=1",
        Role::Admin,
    ),
    (
        "invoices",
        "sort=-order_placed_on&per_page=100&page=3",
        Role::Admin,
    ),
    (
        "invoices",
        "filter[order_placed_on][null]=true&sort=-order_number&metadata=1&per_page=100",
        Role::Admin,
    ),
    (
        "invoices",
        "filter[order_placed_on][gte]=2024-01-15&filter[order_placed_on][lte]=2024-03-01&sort=order_number",
        Role::Agent,
    ),
    (
        "invoices",
        "filter[or][0][order_number][contains]=%25&filter[or][1][amount][gt]=500&filter[or][1][order][null]=true&metadata=1&per_page=100",
        Role::Admin,
    ),
    (
        "invoices",
        "filter[order_number]=ORD-0010,O!3&sort=order_number,-id",
        Role::Agent,
    ),
];

on_each_engine!(
    every_query_returns_the_oracles_rows,
    sums_are_exact_where_floats_are_not,
    walking_every_page_of_a_sort_with_ties_returns_each_row_once,
    caller_scoping_stays_and_filters_are_anded,
    unpaginated_lists_over_the_cap_are_detected,
    a_hostile_value_is_bound_never_spliced,
);

fn every_query_returns_the_oracles_rows(engine: Engine) {
    assert!(QUERIES.len() >= 60);
    let parsed: Vec<(ListQuery, Expected, &str, &str)> = QUERIES
        .iter()
        .map(|(resource, raw, role)| {
            let query = parse(resource, raw, *role);
            let want = expected(&query, &table(resource));
            (query, want, *resource, *raw)
        })
        .collect();
    // The corpus must not be vacuous: most queries match rows, some match none.
    let non_empty = parsed
        .iter()
        .filter(|(_, w, _, _)| !w.ids.is_empty())
        .count();
    assert!(
        non_empty >= QUERIES.len() * 3 / 4,
        "only {non_empty} queries return rows"
    );
    assert!(
        parsed
            .iter()
            .any(|(_, w, _, _)| w.ids.is_empty() && w.total > 0),
        "a page past the end"
    );
    assert!(parsed.iter().any(|(_, w, _, _)| !w.aggregates.is_empty()));

    with_engine(engine, |conn| {
        for (query, want, resource, raw) in &parsed {
            let got = run(engine, conn, query, &base(resource));
            assert_eq!(&got, want, "{engine:?}: {resource}?{raw}");
        }
    });
}

fn sums_are_exact_where_floats_are_not(engine: Engine) {
    let query = parse("invoices", "filter[amount]=0.10&metadata=1", Role::Admin);
    let want = expected(&query, &table("invoices"));
    let float_sum: f64 = (0..want.total).map(|_| 0.1_f64).sum();
    let exact = format!("{}.{:02}", want.total / 10, (want.total % 10) * 10);
    assert_ne!(
        float_sum.to_string(),
        exact,
        "the fixture must make a float sum inexact"
    );
    with_engine(engine, |conn| {
        let got = run(engine, conn, &query, &base("invoices"));
        let json = serde_json::to_string(&got.aggregates[0].1).unwrap();
        assert_eq!(json, format!("\"{exact}\""), "{engine:?}");
    });
}

fn walking_every_page_of_a_sort_with_ties_returns_each_row_once(engine: Engine) {
    for (resource, raw) in [
        ("orders", "sort=status&per_page=7"),
        ("orders", "sort=-placed_on,currency&per_page=9"),
        ("invoices", "sort=due_on,-status&per_page=11"),
        ("orders", "sort=-customer_country,status&per_page=13"),
        ("invoices", "sort=order_placed_on,status&per_page=17"),
        ("invoices", "sort=-order_number&per_page=23"),
        (
            "customers",
            "filter[verified]=true&sort=-credit_limit,country&per_page=6",
        ),
    ] {
        let first = parse(resource, raw, Role::Admin);
        let total = expected(&first, &table(resource)).total;
        with_engine(engine, |conn| {
            let mut seen = Vec::new();
            for page in 1.. {
                let query = first.with_page(page).unwrap();
                let got = run(engine, conn, &query, &base(resource));
                assert_eq!(got.total, total);
                // Order, NULL placement and tie-breaker as the oracle's.
                let want = expected(&query, &table(resource)).ids;
                assert_eq!(got.ids, want, "{engine:?} {resource}?{raw} page {page}");
                if got.ids.is_empty() {
                    break;
                }
                seen.extend(got.ids);
            }
            let unique: BTreeSet<_> = seen.iter().collect();
            assert_eq!(
                unique.len(),
                seen.len(),
                "{engine:?} {resource}?{raw}: a row repeated"
            );
            assert_eq!(
                seen.len() as u64,
                total,
                "{engine:?} {resource}?{raw}: a row skipped"
            );
        });
    }
}

fn caller_scoping_stays_and_filters_are_anded(engine: Engine) {
    use sea_query::{Cond, Expr, ExprTrait};
    let query = parse("customers", "filter[status]=active&sort=-name", Role::Agent);
    let scoped = Query::select()
        .column(Alias::new("id"))
        .from(Alias::new("customers"))
        .cond_where(
            Cond::any()
                .add(Expr::col(Alias::new("agent_id")).eq(2))
                .add(Expr::col(Alias::new("agent_id")).eq(3)),
        )
        .to_owned();
    let all = expected(&query, &table("customers"));
    with_engine(engine, |conn| {
        let got = run(engine, conn, &query, &scoped);
        let agents: Vec<i64> = table("customers")
            .rows
            .iter()
            .filter(|r| matches!(r[7], support::fixture::Cell::Int(2 | 3)))
            .map(|r| match r[0] {
                support::fixture::Cell::Int(id) => id,
                _ => unreachable!(),
            })
            .collect();
        let want: Vec<i64> = all
            .ids
            .iter()
            .copied()
            .filter(|id| agents.contains(id))
            .collect();
        assert!(!want.is_empty());
        assert_eq!(got.ids, want, "{engine:?}");
        assert_eq!(got.total, want.len() as u64, "{engine:?}");
    });
}

fn unpaginated_lists_over_the_cap_are_detected(engine: Engine) {
    // 160 customers, capped at 1000 by default: fits. A cap of 100 does not.
    let schema =
        listquery::Schema::from_toml_str(&include_str!("../examples/schema.toml").replace(
            "max_filters = 10",
            "max_filters = 10\n[resources.customers.limits]\nmax_unpaginated_rows = 100",
        ))
        .unwrap();
    let customers = schema.resource("customers").unwrap();
    let capped = ListQuery::parse("", customers, RequestOptions::for_role(Role::Agent)).unwrap();
    let narrow = ListQuery::parse(
        "filter[agent]=1",
        customers,
        RequestOptions::for_role(Role::Agent),
    )
    .unwrap();
    with_engine(engine, |conn| {
        let got = run(engine, conn, &capped, &base("customers"));
        assert_eq!(
            got.ids.len(),
            101,
            "{engine:?}: one row over the cap is fetched"
        );
        assert!(matches!(
            check_row_count(&capped, got.ids.len()),
            Err(PageError::TooManyRows { max: 100, .. })
        ));
        let got = run(engine, conn, &narrow, &base("customers"));
        assert!(got.ids.len() <= 100 && !got.ids.is_empty());
        assert_eq!(check_row_count(&narrow, got.ids.len()), Ok(()));
    });
}

#[test]
fn invalid_queries_never_reach_sql_and_errors_carry_no_database_text() {
    for (resource, raw) in [
        ("invoices", "filter[amount]=1e3"),
        ("invoices", "filter[amount]=abc');DROP TABLE invoices;--"),
        ("invoices", "sort=amount;DROP"),
        ("invoices", "filter[number][null]=true"),
        ("customers", "metadata=1"),
        ("orders", "filter[placed_on]=2024-02-30"),
        ("customers", "filter[verified]=yes"),
    ] {
        let err = ListQuery::parse(raw, support::resource(resource), RequestOptions::default())
            .unwrap_err();
        let body = err.to_json_api().to_json();
        for leak in ["SELECT", "syntax", "ERROR", "sqlite", "postgres", "mysql"] {
            assert!(!body.contains(leak), "{body}");
        }
    }
}

/// A hostile value that validates is bound, never spliced: the table survives.
fn a_hostile_value_is_bound_never_spliced(engine: Engine) {
    let query = parse(
        "invoices",
        "filter[number]=%22x'%3B%20DROP%20TABLE%20invoices%3B%20--%22",
        Role::Agent,
    );
    with_engine(engine, |conn| {
        assert!(run(engine, conn, &query, &base("invoices")).ids.is_empty());
        let all = parse("invoices", "per_page=1&metadata=1", Role::Admin);
        assert_eq!(
            run(engine, conn, &all, &base("invoices")).total,
            300,
            "{engine:?}"
        );
    });
}

/// SQLite only (the steering is SQLite's): a filter on a category (an enum
/// or boolean) with a sort on another column reads the sort's index in order
/// and stops after the page, instead of finding a quarter of the table by the
/// category's index and sorting it; the count keeps the category's index.
#[test]
fn a_category_filter_reads_the_sort_index_on_sqlite() {
    let resource = support::resource("invoices");
    let raw = "filter[status]=paid,sent&filter[paid]=false&sort=-created_at&page=2";
    let query = parse("invoices", raw, Role::Admin);
    let sql = ListSql::new(&query, listquery::sql::Dialect::Sqlite);
    let (select, values) = sql.build(&sql.select(&base("invoices")).unwrap());
    assert!(select.contains(r#"(+"status") IN (?, ?)"#), "{select}");
    let count = sql.count(&base("invoices")).unwrap();
    let (count_text, count_values) = sql.build(count.statement());
    assert!(!count_text.contains('+'), "{count_text}");
    with_engine(Engine::Sqlite, |conn| {
        for index in listquery::sql::index_advice(resource, listquery::sql::Dialect::Sqlite) {
            support::db::execute(conn, &index.statement, &[]);
        }
        support::db::execute(conn, "ANALYZE", &[]);
        let plan = support::db::plan_rows(conn, &format!("EXPLAIN QUERY PLAN {select}"), &values.0);
        assert!(
            plan.contains("invoices_created_at_desc_id_idx") && !plan.contains("TEMP B-TREE"),
            "{plan}"
        );
        // An inner join the list makes for its sort is in the count too, so
        // both drop the rows without a related row.
        let orders = parse("orders", "sort=customer_name", Role::Admin);
        let sql = ListSql::new(&orders, listquery::sql::Dialect::Sqlite);
        let (count, _) = sql.build(sql.count(&base("orders")).unwrap().statement());
        assert!(
            count.contains(r#"INNER JOIN "customers" AS "customer""#),
            "{count}"
        );
        // The count's filters stay plain (its plan is the planner's choice).
        let (total, _) = support::db::count_row(conn, &count_text, &count_values.0, 0);
        assert_eq!(
            u64::try_from(total).unwrap(),
            expected(&query, &table("invoices")).total
        );
        let want = expected(&query, &table("invoices"));
        assert_eq!(run(Engine::Sqlite, conn, &query, &base("invoices")), want);
    });
}

//! Properties of the emitted SQL: the text depends on the query's shape only
//! (never on its values), and every value is a bound placeholder.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod support;

use listquery::sql::{BaseStatement, Dialect, ListSql};
use listquery::{ListQuery, RequestOptions, Role};
use proptest::prelude::*;

/// The values of one query; the shape (which filters) is chosen separately.
#[derive(Debug, Clone)]
struct Values {
    statuses: (usize, usize),
    amounts: (u32, u32),
    number: String,
    id: i64,
    due_on: (u32, u32),
    paid: bool,
    page: u64,
    per_page: u64,
}

fn values() -> impl Strategy<Value = Values> {
    (
        (0..4usize, 0..4usize),
        (0..1_000_000u32, 0..1_000_000u32),
        "[a-zA-Z0-9%_!'é]{1,12}",
        any::<i64>(),
        (1..28u32, 1..12u32),
        any::<bool>(),
        (1..50u64, 1..=100u64),
    )
        .prop_map(
            |(statuses, amounts, number, id, due_on, paid, (page, per_page))| Values {
                statuses,
                amounts,
                number,
                id,
                due_on,
                paid,
                page,
                per_page,
            },
        )
}

fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn query_string(shape: &[bool; 7], v: &Values) -> String {
    const STATUS: [&str; 4] = ["draft", "sent", "paid", "void"];
    let mut parts = vec![];
    if shape[0] {
        parts.push(format!(
            "filter[status]={},{}",
            STATUS[v.statuses.0], STATUS[v.statuses.1]
        ));
    }
    if shape[1] {
        let (a, b) = v.amounts;
        parts.push(format!(
            "filter[amount][between]={}.{:02},{}",
            a / 100,
            a % 100,
            b
        ));
    }
    if shape[2] {
        parts.push(format!(
            "filter[number][contains]={}",
            percent_encode(&format!("\"{}\"", v.number))
        ));
    }
    if shape[3] {
        parts.push(format!("filter[id][gt]={}", v.id));
    }
    if shape[4] {
        parts.push(format!(
            "filter[due_on][between]=2024-{:02}-{:02},2025-01-01",
            v.due_on.1, v.due_on.0
        ));
    }
    if shape[5] {
        parts.push(format!("filter[paid]={}", v.paid));
    }
    if shape[6] {
        parts.push(format!(
            "page={}&per_page={}&metadata=1",
            v.page, v.per_page
        ));
    }
    parts.join("&")
}

fn placeholders(dialect: Dialect, text: &str) -> usize {
    match dialect {
        Dialect::Postgres => text
            .match_indices('$')
            .filter(|(i, _)| text[i + 1..].starts_with(|c: char| c.is_ascii_digit()))
            .count(),
        _ => text.matches('?').count(),
    }
}

proptest! {
    #[test]
    fn sql_text_depends_on_the_shape_only(shape in any::<[bool; 7]>(), a in values(), b in values()) {
        let invoices = support::resource("invoices");
        let parse = |v: &Values| {
            ListQuery::parse(&query_string(&shape, v), invoices, RequestOptions::for_role(Role::Admin))
                .unwrap_or_else(|e| panic!("{}: {e}", query_string(&shape, v)))
        };
        let (qa, qb) = (parse(&a), parse(&b));
        for dialect in Dialect::ALL {
            let (sa, sb) = (ListSql::new(&qa, dialect), ListSql::new(&qb, dialect));
            let base = BaseStatement::for_resource(invoices, dialect);
            let base = base.statement();
            let select = |s: &ListSql<'_>| s.build(&s.select(base).unwrap());
            let count = |s: &ListSql<'_>| s.count(base).unwrap().build();
            for ((text_a, values_a), (text_b, values_b)) in [(select(&sa), select(&sb)), (count(&sa), count(&sb))] {
                prop_assert_eq!(&text_a, &text_b);
                prop_assert_eq!(placeholders(dialect, &text_a), values_a.0.len(), "{}", text_a);
                prop_assert_eq!(placeholders(dialect, &text_b), values_b.0.len(), "{}", text_b);
            }
        }
    }
}

//! Round trip (SPEC §6): every URL an envelope emits, parsed again, gives the
//! same `ListQuery` with that page. Also the unpaginated answer and its cap.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::sync::Arc;

use listquery::page::{LinkOptions, ListResponse, PageError, PageOptions, PageTotals};
use listquery::{
    AggregateFn, AggregateValue, Decimal, ErrorCode, FieldType, FilterOp, Limits, ListQuery,
    RequestOptions, Resource, Role,
};
use proptest::prelude::*;

fn invoices(max_unpaginated_rows: u64) -> Arc<Resource> {
    Resource::builder("invoices", "invoices")
        .field("id", FieldType::Integer, |f| {
            f.sortable().filter(&[FilterOp::Eq, FilterOp::Gt])
        })
        .field("name", FieldType::String, |f| {
            f.sortable()
                .filter(&[FilterOp::Eq, FilterOp::Ne, FilterOp::Contains])
        })
        .field("note", FieldType::String, |f| {
            f.filter(&[FilterOp::Eq, FilterOp::StartsWith])
        })
        .field("amount", FieldType::Decimal, |f| {
            f.sortable().filter(&[FilterOp::Between])
        })
        .aggregate("total_amount", AggregateFn::Sum, Some("amount"))
        .aggregate("invoice_count", AggregateFn::Count, None)
        .limits(Limits::new().max_unpaginated_rows(max_unpaginated_rows))
        .build()
        .unwrap()
        .into()
}

/// Values with the characters URLs and the list grammar care about.
fn text_value() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            prop::sample::select(vec![
                ",", "\"", "\\", "&", "+", "%", " ", "=", "#", "?", "[x]", "ü", "東京", "🙂",
            ])
            .prop_map(str::to_owned),
            "[a-zA-Z0-9._~-]{1,4}",
        ],
        1..6,
    )
    .prop_map(|parts| parts.concat())
}

/// A value list as a client writes it: every item quoted (so commas, quotes
/// and edge spaces are literal), or bare when nothing needs quoting.
fn value_list(items: &[String]) -> String {
    items
        .iter()
        .map(|v| {
            let bare = !v.is_empty() && !v.contains([',', '"']) && v.trim_matches(' ') == v;
            if bare {
                v.clone()
            } else {
                format!("\"{}\"", v.replace('\\', "\\\\").replace('"', "\\\""))
            }
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// Form-encodes a key or value; spaces as `+` or `%20` (both decode to a space).
fn form_encode(text: &str, plus_for_space: bool) -> String {
    let encoded = listquery::encode_component(text).into_owned();
    if plus_for_space {
        encoded.replace("%20", "+")
    } else {
        encoded
    }
}

#[derive(Debug, Clone)]
struct Request {
    params: Vec<(String, String)>,
    plus_for_space: bool,
    total: u64,
}

fn request() -> impl Strategy<Value = Request> {
    let filters = (
        prop::collection::vec(text_value(), 1..4),
        prop::collection::vec(text_value(), 1..3),
        text_value(),
        prop::bool::ANY,
        prop::bool::ANY,
    )
        .prop_map(|(names, notes, like, with_notes, with_id)| {
            let mut f = vec![("filter[name]".to_owned(), value_list(&names))];
            if with_notes {
                f.push(("filter[note][starts_with]".to_owned(), value_list(&notes)));
                f.push(("filter[name][contains]".to_owned(), value_list(&[like])));
            }
            if with_id {
                f.push(("filter[id][gt]".to_owned(), "7".to_owned()));
                f.push((
                    "filter[amount][between]".to_owned(),
                    "1.50,20.00".to_owned(),
                ));
            }
            f
        });
    let sort = prop::sample::subsequence(vec!["name", "-amount", "id"], 0..=3)
        .prop_map(|keys| keys.join(","));
    (
        filters,
        sort,
        prop::option::of(1u64..=30),
        prop::option::of(1u64..=100),
        prop::bool::ANY,
        prop::option::of(text_value()),
        prop::bool::ANY,
        0u64..5000,
        any::<prop::sample::Index>(),
    )
        .prop_map(
            |(filters, sort, page, per_page, metadata, extra, plus, total, shuffle)| {
                let mut params = filters;
                if !sort.is_empty() {
                    params.push(("sort".to_owned(), sort));
                }
                if let Some(p) = page {
                    params.push(("page".to_owned(), p.to_string()));
                }
                if let Some(n) = per_page {
                    params.push(("per_page".to_owned(), n.to_string()));
                }
                if metadata {
                    params.push(("metadata".to_owned(), "1".to_owned()));
                }
                if let Some(v) = extra {
                    params.push(("tenant".to_owned(), v));
                }
                // Any order: page URLs must keep the request's.
                let at = shuffle.index(params.len());
                params.rotate_left(at);
                Request {
                    params,
                    plus_for_space: plus,
                    total,
                }
            },
        )
}

fn raw_query(r: &Request) -> String {
    r.params
        .iter()
        .map(|(k, v)| {
            format!(
                "{}={}",
                form_encode(k, false),
                form_encode(v, r.plus_for_space)
            )
        })
        .collect::<Vec<_>>()
        .join("&")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn every_emitted_url_parses_back_to_the_query_with_that_page(r in request()) {
        let res = invoices(1000);
        let options = RequestOptions::for_role(Role::Admin);
        let raw = raw_query(&r);
        let query = ListQuery::parse(&raw, &res, options)
            .unwrap_or_else(|e| panic!("generated request rejected: {raw}: {e}"));
        let p = query.pagination().unwrap();
        let on_page = r.total.saturating_sub(p.offset).min(p.per_page);
        let rows: Vec<u64> = (0..on_page).collect();
        let totals = PageTotals::new(r.total).with_aggregates([
            ("invoice_count", AggregateValue::Integer(i64::try_from(r.total).unwrap())),
            ("total_amount", AggregateValue::Decimal(Decimal::new(123_450, 2))),
        ]);
        let page_options = PageOptions::new("https://api.example.com/v1/invoices/")
            .unwrap()
            .links(LinkOptions::default())
            .keep_unknown_params(true);
        let ListResponse::Page(env) = ListResponse::new(&query, rows, Some(totals), &page_options).unwrap() else {
            panic!("a paginated request answered without a page");
        };
        let mut urls = vec![(1, env.first_page_url.clone()), (env.last_page, env.last_page_url.clone())];
        urls.extend(env.next_page_url.clone().map(|u| (env.current_page + 1, u)));
        urls.extend(env.prev_page_url.clone().map(|u| (env.current_page - 1, u)));
        for link in env.links.as_deref().unwrap() {
            if let (Some(url), Some(page)) = (&link.url, link.page) {
                urls.push((page, url.clone()));
            }
        }
        for (page, url) in urls {
            prop_assert!(url.starts_with("https://api.example.com/v1/invoices?"), "{url}");
            let (_, query_part) = url.split_once('?').unwrap();
            let again = ListQuery::parse(query_part, &res, options)
                .unwrap_or_else(|e| panic!("emitted URL rejected: {url}: {e}"));
            prop_assert_eq!(&again, &query.with_page(page).unwrap(), "{} -> {}", raw, url);
        }
    }
}

#[test]
fn unpaginated_at_the_cap_returns_every_row_as_a_plain_array() {
    let res = invoices(3);
    let query = ListQuery::parse("sort=name", &res, RequestOptions::for_role(Role::Agent)).unwrap();
    assert_eq!(query.pagination(), None);
    let options = PageOptions::new("/v1/invoices").unwrap();
    let response = ListResponse::new(&query, vec![1, 2, 3], None, &options).unwrap();
    assert_eq!(serde_json::to_string(&response).unwrap(), "[1,2,3]");
}

#[test]
fn unpaginated_over_the_cap_is_too_many_rows_never_a_cut() {
    let res = invoices(3);
    let query = ListQuery::parse("", &res, RequestOptions::for_role(Role::Agent)).unwrap();
    let options = PageOptions::new("/v1/invoices").unwrap();
    // The select fetched max_unpaginated_rows + 1 rows: the extra one arrived.
    let err = ListResponse::new(&query, vec![1, 2, 3, 4], None, &options).unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::TooManyRows));
    let body: serde_json::Value =
        serde_json::from_str(&err.to_json_api().unwrap().to_json()).unwrap();
    let e = &body["errors"][0];
    assert_eq!(e["code"], "too_many_rows");
    assert_eq!(e["status"], "400");
    let detail = e["detail"].as_str().unwrap();
    assert!(
        detail.contains("more than 3 rows") && detail.contains("'page'"),
        "{detail}"
    );
}

#[test]
fn an_agent_asking_for_a_page_gets_the_envelope_with_metadata_in_resource_order() {
    let res = invoices(3);
    let query = ListQuery::parse(
        "metadata=1&per_page=2&filter%5Bname%5D=a%20b",
        &res,
        RequestOptions::for_role(Role::Agent),
    )
    .unwrap();
    let options = PageOptions::new("/v1/invoices").unwrap();
    // The count statement's values, in another order than the resource's.
    let totals = PageTotals::new(5).with_aggregates([
        ("invoice_count", AggregateValue::Integer(5)),
        (
            "total_amount",
            AggregateValue::Decimal(Decimal::new(123_450, 2)),
        ),
    ]);
    let response = ListResponse::new(&query, vec![1, 2], Some(totals), &options).unwrap();
    let json = serde_json::to_string(&response).unwrap();
    assert!(
        json.ends_with(r#""data":[1,2],"metadata":{"total_amount":"1234.50","invoice_count":5}}"#),
        "{json}"
    );
    assert!(
        json.contains(
            r#""next_page_url":"/v1/invoices?metadata=1&per_page=2&filter%5Bname%5D=a%20b&page=2""#
        ),
        "{json}"
    );

    let missing =
        PageTotals::new(5).with_aggregates([("invoice_count", AggregateValue::Integer(5))]);
    assert_eq!(
        ListResponse::new(&query, vec![1, 2], Some(missing), &options).unwrap_err(),
        PageError::MissingAggregate {
            name: "total_amount".into()
        }
    );
    assert_eq!(
        ListResponse::new(&query, vec![1, 2], None, &options).unwrap_err(),
        PageError::MissingTotal
    );
}

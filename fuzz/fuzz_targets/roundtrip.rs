//! Round trip (SPEC §6, §12): arbitrary bytes as a request; when it validates
//! as a page, every URL its envelope emits (first, last, next, prev and the
//! `links` buttons, unknown parameters kept) must parse back to the same
//! query with that page; a cursor page's next and previous URLs parse back to
//! the same query with a cursor. Requests may send lists as arrays
//! (`filter[status][]=a`, `sort[0]=id`, SPEC §13), which links write in the
//! comma form, and parameter aliases (`limit`; JSON:API's `page[number]`
//! and `page[size]` on the `jsonapi` resource), which links write by their
//! first name.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use listquery::page::{LinkOptions, ListResponse, PageOptions, PageTotals};
use listquery::{
    AggregateValue, Decimal, FieldType, LimitKind, ListParam, ListQuery, PaginationMode,
    ParseError, QueryError, QueryErrors, RequestOptions, Resource, Role, Schema,
};

fn schema() -> &'static Schema {
    static SCHEMA: OnceLock<Schema> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        let seed = include_str!("../../examples/schema.toml");
        Schema::from_toml_str(&format!("{seed}\n{JSON_API}")).expect("the example schema loads")
    })
}

/// A resource with JSON:API's parameter names beside the usual ones.
const JSON_API: &str = r#"
[resources.jsonapi]
table = "invoices"
default_sort = "-created_at"
pagination = ["offset", "cursor"]
[resources.jsonapi.params]
page = ["page[number]", "page"]
per_page = ["page[size]", "per_page", "limit"]
cursor = ["page[cursor]", "cursor"]
sort = ["sort", "order_by"]
[resources.jsonapi.fields]
id = { type = "integer", sort = true, filter = ["eq", "gt", "lt"] }
number = { type = "string", sort = true, filter = ["eq", "contains"], nullable = false }
status = { type = "enum", values = ["draft", "sent", "paid", "void"], sort = true, filter = ["eq", "ne"], nullable = false }
amount = { type = "decimal", scale = 2, sort = true, filter = ["between", "gte"], nullable = false }
due_on = { type = "date", sort = true, nulls = "first", filter = ["null", "between"] }
created_at = { type = "datetime", sort = true, filter = ["between"], nullable = false }
"#;

/// Page options, and whether they keep the request's unknown parameters.
fn page_options() -> &'static [(PageOptions, bool)] {
    static OPTIONS: OnceLock<Vec<(PageOptions, bool)>> = OnceLock::new();
    OPTIONS.get_or_init(|| {
        vec![
            (
                PageOptions::new("https://api.example.com/v1/list/")
                    .expect("a valid path")
                    .links(LinkOptions::default())
                    .keep_unknown_params(true),
                true,
            ),
            // A path that already has a query: the page query follows with `&`.
            (
                PageOptions::new("/v1/list?tenant=7").expect("a valid path"),
                false,
            ),
        ]
    })
}

/// Whether every error is the query length or parameter count limit.
fn grown_past_a_limit(errors: &QueryErrors) -> bool {
    errors.iter().all(|e| {
        matches!(
            e,
            QueryError::Parse(ParseError::LimitExceeded {
                limit: LimitKind::Params | LimitKind::QueryLength,
                ..
            })
        )
    })
}

/// Totals around the interesting edges: none, one, exactly pages, many pages.
const TOTALS: [u64; 4] = [0, 1, 45, 100_000];

/// A row with a value of the right type for every field (a cursor is made
/// from the boundary rows' sort fields).
fn row(resource: &Resource, n: u64) -> serde_json::Value {
    let mut row = serde_json::Map::new();
    for field in resource.fields() {
        let value = match field.ty() {
            FieldType::Integer => serde_json::json!(n),
            FieldType::Decimal => serde_json::json!(format!("{n}.50")),
            FieldType::Boolean => serde_json::json!(n % 2 == 0),
            FieldType::Date => serde_json::json!("2024-05-01"),
            FieldType::DateTime => serde_json::json!("2024-05-01 10:00:00"),
            FieldType::Enum(values) => serde_json::json!(values.first()),
            _ => serde_json::json!(format!("a/ü\"{n}")),
        };
        row.insert(field.name().to_owned(), value);
    }
    serde_json::Value::Object(row)
}

/// A cursor page: its next and previous URLs parse back to the query with a
/// cursor in place of the request's (and the same everything else).
fn cursor_round_trip(raw: &str, resource: &std::sync::Arc<Resource>, query: &ListQuery) {
    let options = RequestOptions::for_role(Role::Collaborator);
    let per_page = query.pagination().map_or(1, |p| p.per_page);
    let rows: Vec<serde_json::Value> = (0..=per_page.min(3)).map(|n| row(resource, n)).collect();
    let (page_options, _) = &page_options()[0];
    // Totals only matter for metadata, which a cursor page may carry.
    let aggregates = resource.aggregates().iter().map(|a| {
        (
            a.name().to_owned(),
            AggregateValue::Decimal(Decimal::new(123_450, 2)),
        )
    });
    let totals = PageTotals::new(0).with_aggregates(aggregates);
    let response = ListResponse::new(query, rows, Some(totals), page_options)
        .unwrap_or_else(|e| panic!("cursor envelope of {raw:?} fails: {e}"));
    let ListResponse::Cursor(envelope) = response else {
        panic!("a cursor request of {raw:?} answered without a cursor page");
    };
    let without_cursor = |q: &ListQuery| {
        let name = &resource.params().cursor;
        q.to_pairs()
            .into_iter()
            .filter(|(k, _)| !name.is(k))
            .collect::<Vec<_>>()
    };
    for url in [&envelope.next_page_url, &envelope.prev_page_url]
        .into_iter()
        .flatten()
    {
        let query_part = url
            .strip_prefix(envelope.path.as_str())
            .and_then(|rest| rest.strip_prefix(['?', '&']))
            .unwrap_or_else(|| panic!("{url:?} does not extend the path {:?}", envelope.path));
        let again = match ListQuery::parse(query_part, resource, options) {
            Ok(again) => again,
            Err(e) if grown_past_a_limit(&e) => continue,
            Err(e) => panic!("emitted URL {url:?} (from {raw:?}) is rejected: {e}"),
        };
        assert_eq!(
            again.pagination_mode(),
            Some(PaginationMode::Cursor),
            "{url:?}"
        );
        assert!(again.cursor().is_some(), "{url:?} has no cursor");
        assert_eq!(
            again.params().last(),
            Some(&ListParam::Cursor),
            "{url:?}: cursor last"
        );
        assert_eq!(
            without_cursor(&again),
            without_cursor(query),
            "{raw:?} -> {url:?}"
        );
    }
}

fuzz_target!(|data: &[u8]| {
    let raw = String::from_utf8_lossy(data);
    for resource in schema().resources() {
        let options = RequestOptions::for_role(Role::Collaborator);
        let Ok(query) = ListQuery::parse(&raw, resource, options) else {
            continue;
        };
        let Some(pagination) = query.pagination() else {
            continue;
        };
        if query.pagination_mode() == Some(PaginationMode::Cursor) {
            cursor_round_trip(&raw, resource, &query);
            continue;
        }
        for (total, (page_options, keeps_unknown)) in
            TOTALS.iter().zip(page_options().iter().cycle())
        {
            let on_page = total
                .saturating_sub(pagination.offset)
                .min(pagination.per_page);
            let rows: Vec<u64> = (0..on_page).collect();
            let aggregates = resource.aggregates().iter().map(|a| {
                (
                    a.name().to_owned(),
                    AggregateValue::Decimal(Decimal::new(123_450, 2)),
                )
            });
            let totals = PageTotals::new(*total).with_aggregates(aggregates);
            let response = ListResponse::new(&query, rows, Some(totals), page_options)
                .unwrap_or_else(|e| panic!("envelope of {raw:?} fails: {e}"));
            let ListResponse::Page(envelope) = response else {
                panic!("a paginated request of {raw:?} answered without a page");
            };
            let mut urls = vec![
                (1, envelope.first_page_url.clone()),
                (envelope.last_page, envelope.last_page_url.clone()),
            ];
            urls.extend(
                envelope
                    .next_page_url
                    .clone()
                    .map(|u| (envelope.current_page + 1, u)),
            );
            urls.extend(
                envelope
                    .prev_page_url
                    .clone()
                    .map(|u| (envelope.current_page - 1, u)),
            );
            for link in envelope.links.iter().flatten() {
                if let (Some(url), Some(page)) = (&link.url, link.page) {
                    urls.push((page, url.clone()));
                }
            }
            for (page, url) in urls {
                let query_part = url
                    .strip_prefix(envelope.path.as_str())
                    .and_then(|rest| rest.strip_prefix(['?', '&']))
                    .unwrap_or_else(|| {
                        panic!("{url:?} does not extend the path {:?}", envelope.path)
                    });
                let again = ListQuery::parse(query_part, resource, options);
                match query.with_page(page) {
                    Some(expected) => {
                        let again = match again {
                            Ok(again) => again,
                            // Known, reported: a request at max_params without a page, or
                            // near max_query_len, grows past the limit once the page
                            // pair is added or its text is re-encoded.
                            Err(e) if grown_past_a_limit(&e) => continue,
                            Err(e) => panic!("emitted URL {url:?} (from {raw:?}) is rejected: {e}"),
                        };
                        if *keeps_unknown {
                            assert_eq!(
                                again, expected,
                                "{raw:?} -> {url:?} parses to another query"
                            );
                        } else {
                            // Unknown parameters were dropped: the list query is the same.
                            assert_eq!(again.to_pairs(), expected.to_pairs(), "{raw:?} -> {url:?}");
                            assert_eq!(
                                serde_json::to_value(&again).expect("serializes"),
                                serde_json::to_value(&expected).expect("serializes"),
                                "{raw:?} -> {url:?}"
                            );
                        }
                    }
                    // A page past max_offset: the URL exists, the server refuses it.
                    None => assert!(again.is_err(), "{url:?} should pass max_offset"),
                }
            }
        }
    }
});

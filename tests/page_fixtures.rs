//! Conformance with Laravel 13's real paginator output
//! (`../shared/fixtures/*.jsonl`, read at test time, never copied here).
//!
//! Every line of `laravel_paginator.jsonl` is checked twice:
//! - the way a server uses listquery: the fixture's `query` (a PHP array) as a
//!   request query string, `ListQuery::parse`, then `ListResponse::new` with
//!   `links` enabled — the whole JSON must equal Laravel's `output`;
//! - through the URL builder alone (`PageUrls` + `PageEnvelope`), fed the
//!   PHP array's pairs as Laravel keeps them.
//!
//! `laravel_page_resolution.jsonl` checks the lenient page option
//! (`RequestOptions::lenient_page`) against Laravel's `resolveCurrentPage`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::sync::Arc;

use listquery::page::{LinkOptions, ListResponse, PageEnvelope, PageOptions, PageTotals, PageUrls};
use listquery::{
    ErrorCode, FieldType, FilterOp, Limits, ListQuery, Pagination, RequestOptions, Resource,
};
use serde_json::{Value, json};

#[path = "support/laravel.rs"]
mod laravel;
use laravel::{Php, fixture_lines, pairs_of};

/// A customers-like resource whose default page size is `per_page`, so that
/// the request carries no `per_page` (Laravel's `query` has none either).
fn resource(per_page: u64) -> Arc<Resource> {
    Resource::builder("customers", "customers")
        .per_page(per_page)
        .max_per_page(100)
        .field("id", FieldType::Integer, |f| f.sortable())
        .field("name", FieldType::String, |f| {
            f.sortable().filter(&[FilterOp::Eq])
        })
        .field("status", FieldType::String, |f| f.filter(&[FilterOp::Eq]))
        .build()
        .unwrap()
        .into()
}

/// One line of `laravel_paginator.jsonl`.
#[derive(serde::Deserialize)]
struct Case {
    input: Input,
    output: Value,
}

#[derive(serde::Deserialize)]
struct Input {
    total: u64,
    per_page: u64,
    current_page: Value,
    path: Option<String>,
    query: Php,
    fragment: Option<String>,
    appends: Php,
    items_count: u64,
}

fn query_string(pairs: &[(String, String)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| {
            format!(
                "{}={}",
                listquery::encode_component(k),
                listquery::encode_component(v)
            )
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// The raw `page` value a client would have sent for Laravel's `current_page`.
fn raw_page(current: &Value) -> String {
    match current {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Whether a raw page is a plain integer >= 1 (what the strict default takes;
/// Laravel's `"3"` is one, as a query string has no types).
fn is_plain_page(raw: &str) -> bool {
    raw.starts_with(|c: char| ('1'..='9').contains(&c))
        && raw.bytes().all(|b| b.is_ascii_digit())
        && raw.parse::<u64>().is_ok()
}

/// Laravel's placeholder rows: `{"id": n}` for the page's row numbers.
fn placeholder_rows(from: u64, count: u64) -> Vec<Value> {
    (from..from + count).map(|id| json!({ "id": id })).collect()
}

#[test]
fn laravel_paginator_output() {
    let Some(lines) = fixture_lines("laravel_paginator.jsonl") else {
        return;
    };
    let resources: Vec<(u64, Arc<Resource>)> = [1, 15, 100].map(|n| (n, resource(n))).into();
    let mut checked_through_parser = 0;
    for (n, line) in lines.iter().enumerate() {
        let at = format!("laravel_paginator.jsonl line {}: {line}", n + 1);
        let case: Case = serde_json::from_str(line).unwrap_or_else(|e| panic!("{at}: {e}"));
        let (input, expected) = (&case.input, &case.output);
        let (total, per_page, items) = (input.total, input.per_page, input.items_count);
        // `null` is Laravel's default path, `/`.
        let path = input.path.as_deref().unwrap_or("/");
        let fragment = input.fragment.as_deref().unwrap_or("");
        let appends = pairs_of(&input.appends);
        let kept = pairs_of(&input.query);
        let current = &input.current_page;
        let current_page = expected["current_page"].as_u64().unwrap();
        let offset = (current_page - 1) * per_page;
        let rows = placeholder_rows(offset + 1, items);

        // 1. Through the URL builder, with the pairs exactly as Laravel keeps them.
        let mut urls = PageUrls::new(path).unwrap().pairs(kept.clone());
        for (k, v) in &appends {
            urls = urls.append(k.as_str(), v.as_str());
        }
        let urls = urls.fragment(fragment);
        let pagination = Pagination {
            page: current_page,
            per_page,
            offset,
        };
        let env = PageEnvelope::new(pagination, total, rows.clone(), &urls)
            .with_links(&urls, &LinkOptions::default());
        assert_eq!(
            &serde_json::to_value(&env).unwrap(),
            expected,
            "URL builder, {at}"
        );

        // 2. The way a server sees it: the request's query string.
        let (_, res) = resources.iter().find(|(n, _)| *n == per_page).unwrap();
        // The request's `page` is the page asked for: where Laravel's `query`
        // has one (line 88), the request sends it there. A Laravel app's
        // paginator never gets the request's page in `query` (`appends()` skips
        // it), so its URLs end with the page: SPEC §6 says so too.
        let page_in_query = kept.iter().any(|(k, _)| k == "page");
        let expected = &if page_in_query {
            page_last(expected)
        } else {
            expected.clone()
        };
        let mut request = kept.clone();
        match request.iter_mut().find(|(k, _)| k == "page") {
            Some(pair) => pair.1 = raw_page(current),
            None => request.push(("page".to_owned(), raw_page(current))),
        }
        let raw = query_string(&request);
        let lenient = !is_plain_page(&raw_page(current));
        let options = RequestOptions::default().lenient_page(lenient);
        // A PHP array in Laravel's `query` (`filter[status][0]=paid`) is a
        // list (SPEC §13); page links write it in the comma form.
        let php_lists = kept.iter().any(|(k, _)| k.matches('[').count() > 1);
        let expected = &if php_lists {
            comma_lists(expected)
        } else {
            expected.clone()
        };
        let query = ListQuery::parse(&raw, res, options)
            .unwrap_or_else(|errors| panic!("{at}: unexpected errors {errors}"));
        if lenient {
            // The strict default rejects what Laravel resolves leniently.
            let strict = ListQuery::parse(&raw, res, RequestOptions::default()).unwrap_err();
            assert_eq!(strict.codes(), [ErrorCode::InvalidPage], "{at}");
        }
        // Laravel's `query` may hold app parameters (`empty`, `t`, `f`): a server
        // that keeps them asks for it (`withQueryString()` in Laravel). Laravel
        // drops `nul => null` (PHP's `http_build_query`); a query string cannot
        // even send a null, so there is nothing to compare there.
        let mut page_options = PageOptions::new(path)
            .unwrap()
            .links(LinkOptions::default())
            .keep_unknown_params(true)
            .fragment(fragment);
        for (k, v) in &appends {
            page_options = page_options.append(k.as_str(), v.as_str());
        }
        let response =
            ListResponse::new(&query, rows, Some(PageTotals::new(total)), &page_options).unwrap();
        assert!(matches!(response, ListResponse::Page(_)), "{at}");
        assert_eq!(
            &serde_json::to_value(&response).unwrap(),
            expected,
            "parsed request, {at}"
        );
        checked_through_parser += 1;
    }
    assert_eq!(checked_through_parser, lines.len());
}

/// `output` with every PHP list in its URLs (`k%5B0%5D=a&k%5B1%5D=b`)
/// written as listquery's links write it, `k=a%2Cb`, where the list began.
fn comma_lists(output: &Value) -> Value {
    match output {
        Value::String(url) if url.contains("%5D%5B0%5D=") => {
            let (rest, fragment) = match url.split_once('#') {
                Some((rest, fragment)) => (rest, format!("#{fragment}")),
                None => (url.as_str(), String::new()),
            };
            let (path, query) = rest.split_once('?').unwrap();
            let mut pairs: Vec<(String, String)> = Vec::new();
            for pair in query.split('&') {
                let (key, value) = pair.split_once('=').unwrap();
                // The fixture's list items need no quoting.
                assert!(!value.contains("%2C") && !value.contains("%22"), "{url}");
                let list = key
                    .strip_suffix("%5D")
                    .and_then(|k| k.rsplit_once("%5B"))
                    .filter(|(_, index)| index.bytes().all(|b| b.is_ascii_digit()))
                    .map(|(base, _)| base);
                match (
                    list,
                    pairs.iter_mut().find(|(k, _)| Some(k.as_str()) == list),
                ) {
                    (Some(_), Some((_, values))) => {
                        values.push_str("%2C");
                        values.push_str(value);
                    }
                    (Some(base), None) => pairs.push((base.to_owned(), value.to_owned())),
                    (None, _) => pairs.push((key.to_owned(), value.to_owned())),
                }
            }
            let query: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect();
            Value::String(format!("{path}?{}{fragment}", query.join("&")))
        }
        Value::Array(items) => Value::Array(items.iter().map(comma_lists).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), comma_lists(v)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// `output` with `page=N` moved to the end of every URL's query, as Laravel
/// writes it when the page is not part of the paginator's `query` option.
fn page_last(output: &Value) -> Value {
    match output {
        Value::String(url) if url.contains("page=") => {
            let (rest, fragment) = match url.split_once('#') {
                Some((rest, fragment)) => (rest, format!("#{fragment}")),
                None => (url.as_str(), String::new()),
            };
            let Some((path, query)) = rest.split_once('?') else {
                return output.clone();
            };
            let mut pairs: Vec<&str> = query.split('&').collect();
            let Some(at) = pairs.iter().position(|p| p.starts_with("page=")) else {
                return output.clone();
            };
            let page = pairs.remove(at);
            pairs.push(page);
            Value::String(format!("{path}?{}{fragment}", pairs.join("&")))
        }
        Value::Array(items) => Value::Array(items.iter().map(page_last).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| {
                    (
                        k.clone(),
                        if k == "path" { v.clone() } else { page_last(v) },
                    )
                })
                .collect(),
        ),
        other => other.clone(),
    }
}

#[test]
fn laravel_page_resolution() {
    let Some(lines) = fixture_lines("laravel_page_resolution.jsonl") else {
        return;
    };
    // Page size 1 and no offset limit, so that every page Laravel resolves
    // (up to i64::MAX) is a valid listquery page too.
    let res: Arc<Resource> = Resource::builder("customers", "customers")
        .per_page(1)
        .field("id", FieldType::Integer, |f| f.sortable())
        .limits(Limits::new().max_offset(u64::MAX))
        .build()
        .unwrap()
        .into();
    let lenient = RequestOptions::default().lenient_page(true);
    for (n, line) in lines.iter().enumerate() {
        let at = format!("laravel_page_resolution.jsonl line {}: {line}", n + 1);
        let line: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{at}: {e}"));
        let expected = line["resolveCurrentPage"].as_u64().unwrap();
        let raw = match &line["raw"] {
            // No `page` at all (`"raw": null`, or the no-resolver case).
            Value::Null => String::new(),
            Value::String(s) => format!("page={}", listquery::encode_component(s)),
            // PHP's `?page[]=1`, as http_build_query writes it.
            Value::Array(items) => query_string(
                &items
                    .iter()
                    .enumerate()
                    .map(|(i, v)| (format!("page[{i}]"), v.as_str().unwrap().to_owned()))
                    .collect::<Vec<_>>(),
            ),
            other => panic!("{at}: unexpected raw {other}"),
        };
        let parsed = ListQuery::parse(&raw, &res, lenient);
        let raw_text = line["raw"].as_str();
        if raw_text.is_some_and(|s| s.chars().any(char::is_control)) {
            // listquery deliberately rejects control characters in any value
            // (SPEC §1.2), even where Laravel would trim them (`"\t3\n"`).
            assert_eq!(
                parsed.unwrap_err().codes(),
                [ErrorCode::InvalidEncoding],
                "{at}"
            );
            continue;
        }
        if line["raw"].is_array() {
            // `page[0]=1`: a PHP array of a recognised key is a client mistake
            // listquery reports (Laravel ignores it and shows page 1).
            assert_eq!(
                parsed.unwrap_err().codes(),
                [ErrorCode::MalformedParameter],
                "{at}"
            );
            continue;
        }
        let q = parsed.unwrap_or_else(|e| panic!("{at}: {e}"));
        assert_eq!(q.pagination().unwrap().page, expected, "{at}");

        // The strict default takes exactly the plain integers >= 1.
        let strict = ListQuery::parse(&raw, &res, RequestOptions::default());
        let plain = raw_text.is_some_and(is_plain_page);
        match (raw_text, plain) {
            (None, _) => assert_eq!(strict.unwrap().pagination().unwrap().page, 1, "{at}"),
            (Some(s), true) => assert_eq!(
                strict.unwrap().pagination().unwrap().page,
                s.parse::<u64>().unwrap(),
                "{at}"
            ),
            (Some(_), false) => {
                assert_eq!(
                    strict.unwrap_err().codes(),
                    [ErrorCode::InvalidPage],
                    "{at}"
                )
            }
        }
    }
}

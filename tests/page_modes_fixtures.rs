//! Conformance of simple and cursor pagination with Laravel 13.26.1's real
//! output (`../shared/fixtures/laravel_{simple,cursor}_paginator.jsonl` and
//! `laravel_cursor_encoding.jsonl`, read at test time, never copied here):
//! every key, its order and value, the URLs and the cursor text byte for
//! byte; where Laravel silently restarts on a bad cursor, listquery answers
//! `invalid_cursor`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::sync::Arc;

use base64::Engine as _;
use listquery::page::{CursorEnvelope, PageUrls, SimpleEnvelope};
use listquery::{
    ErrorCode, FieldType, ListQuery, PaginationMode, RequestOptions, Resource, Value as Typed,
};
use serde_json::{Value, json};

#[path = "support/laravel.rs"]
mod laravel;
use laravel::{Php, fixture_lines, pairs_of};

/// The keys of the JSON object `text`, in order.
fn key_order(value: &Php) -> Vec<String> {
    match value {
        Php::Map(entries) => entries.iter().map(|(k, _)| k.clone()).collect(),
        _ => panic!("not an object"),
    }
}

/// The `output` object of a fixture line, with its key order.
fn output_keys(line: &str) -> Vec<String> {
    let Php::Map(entries) = serde_json::from_str::<Php>(line).unwrap() else {
        panic!("a line is an object")
    };
    let (_, output) = entries.iter().find(|(k, _)| k == "output").unwrap();
    key_order(output)
}

/// `line`'s `input.KEY` as a PHP array, in its key order (a
/// `serde_json::Value` would sort the keys, and their order is the URL's).
fn php_input(line: &str, key: &str) -> Php {
    let field = |value: &Php, name: &str| match value {
        Php::Map(entries) => entries
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| match v {
                Php::Null => Php::Null,
                Php::Scalar(s) => Php::Scalar(s.clone()),
                other => serde_json::from_str(&php_json(other)).unwrap(),
            })
            .unwrap_or(Php::Null),
        _ => Php::Null,
    };
    let line: Php = serde_json::from_str(line).unwrap();
    field(&field(&line, "input"), key)
}

/// A PHP array back as JSON text, keys in order.
fn php_json(value: &Php) -> String {
    match value {
        Php::Null => "null".to_owned(),
        Php::Scalar(s) => serde_json::to_string(s).unwrap(),
        Php::List(items) => format!(
            "[{}]",
            items.iter().map(php_json).collect::<Vec<_>>().join(",")
        ),
        Php::Map(entries) => format!(
            "{{{}}}",
            entries
                .iter()
                .map(|(k, v)| format!("{}:{}", serde_json::to_string(k).unwrap(), php_json(v)))
                .collect::<Vec<_>>()
                .join(",")
        ),
    }
}

/// Page URLs as Laravel builds them for a case: path (null is `/`), the kept
/// query, `appends()`, the fragment; `page_name` is `page` or `cursor`.
fn urls(line: &str, input: &Value, page_name: &str) -> PageUrls {
    let path = input["path"].as_str().unwrap_or("/");
    let mut urls = PageUrls::new(path)
        .unwrap()
        .page_name(page_name)
        .pairs(pairs_of(&php_input(line, "query")));
    for (k, v) in pairs_of(&php_input(line, "appends")) {
        urls = urls.append(k, v);
    }
    urls.fragment(input["fragment"].as_str().unwrap_or(""))
}

fn check_keys_and_values<T: serde::Serialize>(
    envelope: &T,
    line: &str,
    expected: &Value,
    at: &str,
) {
    let ours = serde_json::to_string(envelope).unwrap();
    assert_eq!(
        &serde_json::from_str::<Value>(&ours).unwrap(),
        expected,
        "{at}"
    );
    assert_eq!(
        key_order(&serde_json::from_str::<Php>(&ours).unwrap()),
        output_keys(line),
        "key order, {at}"
    );
}

#[test]
fn laravel_simple_paginator_output() {
    let Some(lines) = fixture_lines("laravel_simple_paginator.jsonl") else {
        return;
    };
    let mut string_per_page = 0;
    for (n, line) in lines.iter().enumerate() {
        let at = format!("laravel_simple_paginator.jsonl line {}: {line}", n + 1);
        let case: Value = serde_json::from_str(line).unwrap();
        let (input, expected) = (&case["input"], &case["output"]);
        let Some(per_page) = input["per_page"].as_u64() else {
            // Laravel's simple paginator echoes a string page size ("15") as a
            // string; listquery's page size is always a number.
            assert_eq!(expected["per_page"], input["per_page"], "{at}");
            string_per_page += 1;
            continue;
        };
        // 0 and -1 are page 1 for Laravel; a page below 1 never reaches the
        // envelope through `ListQuery::parse`, and `SimpleEnvelope` takes 0 as 1.
        let page = input["current_page"].as_u64().unwrap_or(0);
        let offset = page.max(1).saturating_sub(1) * per_page;
        let items = input["items_count"].as_u64().unwrap();
        let rows: Vec<Value> = (offset + 1..=offset + items)
            .map(|id| json!({ "id": id }))
            .collect();
        let env = SimpleEnvelope::new(page, per_page, rows, &urls(line, input, "page"));
        check_keys_and_values(&env, line, expected, &at);
    }
    assert!(
        string_per_page <= 1,
        "only the one edge line passes a string"
    );
}

#[test]
fn laravel_cursor_paginator_output() {
    let Some(lines) = fixture_lines("laravel_cursor_paginator.jsonl") else {
        return;
    };
    for (n, line) in lines.iter().enumerate() {
        let at = format!("laravel_cursor_paginator.jsonl line {}: {line}", n + 1);
        let case: Value = serde_json::from_str(line).unwrap();
        let (input, expected) = (&case["input"], &case["output"]);
        // Laravel casts the cursor paginator's page size: "5" is 5.
        let per_page = (input["per_page"].as_u64())
            .or_else(|| input["per_page"].as_str()?.parse().ok())
            .unwrap();
        let keys: Vec<&str> = (input["parameters"].as_array().unwrap().iter())
            .map(|p| p.as_str().unwrap())
            .collect();
        let cursor = &input["cursor"];
        let points_to_next = cursor["points_to_next_items"].as_bool();
        if let Some(encoded) = cursor["encoded"].as_str() {
            // The request's cursor is Laravel's text for its parameters.
            let parameters = cursor["parameters"].as_object().unwrap();
            let entries: Vec<(&str, &Value)> = keys.iter().map(|k| (*k, &parameters[*k])).collect();
            assert_eq!(
                listquery::cursor::encode(entries, points_to_next.unwrap()),
                encoded,
                "{at}"
            );
        }
        let rows = input["items"].as_array().unwrap().clone();
        let env = CursorEnvelope::new(
            rows,
            per_page,
            points_to_next,
            &keys,
            &urls(line, input, "cursor"),
        )
        .unwrap_or_else(|e| panic!("{at}: {e}"));
        check_keys_and_values(&env, line, expected, &at);
    }
}

/// An `orders` endpoint paged with cursors over `id`, as the fixture's
/// `cursorPaginate(3)` on `orderBy('id')`.
fn orders() -> Arc<Resource> {
    Resource::builder("orders", "orders")
        .field("id", FieldType::Integer, |f| f.sortable())
        .default_sort("id")
        .pagination(&[PaginationMode::Cursor])
        .build()
        .unwrap()
        .into()
}

#[test]
fn laravel_cursor_encoding() {
    let Some(lines) = fixture_lines("laravel_cursor_encoding.jsonl") else {
        return;
    };
    let orders = orders();
    let (mut encoded_cases, mut decoded_cases) = (0, 0);
    for (n, line) in lines.iter().enumerate() {
        let at = format!("laravel_cursor_encoding.jsonl line {}: {line}", n + 1);
        let case: Value = serde_json::from_str(line).unwrap();
        let (input, output) = (&case["input"], &case["output"]);
        match input["op"].as_str().unwrap() {
            "encode" => {
                let Php::Map(entries) = serde_json::from_str::<Php>(line).unwrap() else {
                    panic!()
                };
                // The parameters in their PHP order, read from the line itself.
                let order: Vec<String> =
                    match &entries.iter().find(|(k, _)| k == "input").unwrap().1 {
                        Php::Map(input) => {
                            key_order(&input.iter().find(|(k, _)| k == "parameters").unwrap().1)
                        }
                        _ => panic!(),
                    };
                let parameters = input["parameters"].as_object().unwrap();
                let pairs: Vec<(&str, &Value)> =
                    order.iter().map(|k| (k.as_str(), &parameters[k])).collect();
                let next = input["points_to_next_items"].as_bool().unwrap();
                let ours = listquery::cursor::encode(pairs, next);
                assert_eq!(ours, output["encoded"].as_str().unwrap(), "{at}");
                let json = base64::engine::general_purpose::URL_SAFE_NO_PAD
                    .decode(&ours)
                    .unwrap();
                assert_eq!(
                    String::from_utf8(json).unwrap(),
                    output["json"].as_str().unwrap(),
                    "{at}"
                );
                encoded_cases += 1;
            }
            "fromEncoded" => {
                let Some(text) = input["encoded"].as_str() else {
                    // A non-string cursor (PHP's `?cursor[]=`) cannot come as
                    // one query-string value; it is a malformed parameter.
                    continue;
                };
                let raw = format!("cursor={}", listquery::encode_component(text));
                let parsed = ListQuery::parse(&raw, &orders, RequestOptions::default());
                // What listquery accepts: exactly Laravel's own cursor for this
                // sort, `{"id": <integer>, "_pointsToNextItems": true|false}`.
                let result = &output["result"];
                let usable = result["to_array"].as_object().is_some_and(|a| {
                    a.len() == 2
                        && a.keys().any(|k| k == "id")
                        && a["id"].is_i64()
                        && a.get("_pointsToNextItems").is_some_and(Value::is_boolean)
                });
                if usable {
                    let query = parsed.unwrap_or_else(|e| panic!("{at}: {e}"));
                    let cursor = query.cursor().unwrap();
                    assert_eq!(
                        cursor.values(),
                        [Some(Typed::Integer(
                            result["to_array"]["id"].as_i64().unwrap()
                        ))],
                        "{at}"
                    );
                    assert_eq!(
                        cursor.points_to_next_items(),
                        result["points_to_next_items"].as_bool().unwrap(),
                        "{at}"
                    );
                } else {
                    // Laravel restarts at page 1 or throws; listquery says why.
                    let errors = parsed.err().unwrap_or_else(|| panic!("{at}: accepted"));
                    assert_eq!(errors.codes(), [ErrorCode::InvalidCursor], "{at}");
                    let doc = errors.to_json_api().to_json();
                    assert!(doc.contains(r#""parameter":"cursor""#), "{at}: {doc}");
                }
                decoded_cases += 1;
            }
            _ => {}
        }
    }
    assert!(encoded_cases > 0 && decoded_cases > 0);
}

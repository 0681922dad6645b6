//! Property tests over the parse and validate layers:
//! - no input string makes them panic;
//! - a valid query printed back to its canonical form parses to the same `ListQuery`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::sync::{Arc, OnceLock};

use listquery::{
    FieldType, FilterOp, ListQuery, RequestOptions, Resource, Role, Schema, encode_component,
};
use proptest::prelude::*;

fn schema() -> &'static Schema {
    static SCHEMA: OnceLock<Schema> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        Schema::from_path(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/schema.toml")).unwrap()
    })
}

fn resources() -> Vec<Arc<Resource>> {
    schema().resources().cloned().collect()
}

/// Query-ish text: the characters that matter to the grammars, encoded and not.
fn queryish() -> impl Strategy<Value = String> {
    let atoms = prop_oneof![
        Just("filter".to_owned()),
        Just("[".to_owned()),
        Just("]".to_owned()),
        Just("%5B".to_owned()),
        Just("%5d".to_owned()),
        Just("sort".to_owned()),
        Just("page".to_owned()),
        Just("per_page".to_owned()),
        Just("metadata".to_owned()),
        Just("status".to_owned()),
        Just("amount".to_owned()),
        Just("created_at".to_owned()),
        Just("between".to_owned()),
        Just("null".to_owned()),
        Just("=".to_owned()),
        Just("&".to_owned()),
        Just(",".to_owned()),
        Just("\"".to_owned()),
        Just("\\".to_owned()),
        Just("%".to_owned()),
        Just("%2C".to_owned()),
        Just("%22".to_owned()),
        Just("%FF".to_owned()),
        Just("%00".to_owned()),
        Just("+".to_owned()),
        Just("-".to_owned()),
        Just(" ".to_owned()),
        "[0-9]{1,20}",
        "[a-z_]{1,8}",
        any::<char>().prop_map(String::from),
    ];
    prop::collection::vec(atoms, 0..40).prop_map(|v| v.concat())
}

fn role() -> impl Strategy<Value = RequestOptions> {
    (
        prop_oneof![
            Just(Role::Agent),
            Just(Role::Admin),
            Just(Role::Collaborator)
        ],
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(r, strict, lenient)| {
            RequestOptions::for_role(r)
                .strict(strict)
                .lenient_page(lenient)
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn never_panics_on_queryish_input(q in queryish(), opts in role()) {
        for r in resources() {
            let _ = ListQuery::parse(&q, &r, opts);
        }
    }

    #[test]
    fn never_panics_on_any_string(q in any::<String>(), opts in role()) {
        for r in resources() {
            let _ = ListQuery::parse(&q, &r, opts);
        }
    }

    #[test]
    fn errors_always_name_a_code_and_nonempty_detail(q in queryish()) {
        for r in resources() {
            if let Err(errors) = ListQuery::parse(&q, &r, RequestOptions::default()) {
                prop_assert!(!errors.is_empty());
                let body: serde_json::Value = serde_json::from_str(&errors.to_json_api().to_json()).unwrap();
                prop_assert_eq!(body["errors"].as_array().unwrap().len(), errors.len());
                // SPEC §8's codes; each error reaches the client's body with its code and parameter.
                const SPEC_CODES: [&str; 18] = [
                    "invalid_encoding", "duplicate_parameter", "malformed_parameter",
                    "unknown_parameter", "sort_not_allowed", "invalid_sort", "filter_not_allowed",
                    "operator_not_allowed", "invalid_value", "value_count", "invalid_page",
                    "invalid_per_page", "offset_too_large", "metadata_unavailable",
                    "limit_exceeded", "too_many_rows", "invalid_cursor", "field_not_allowed",
                ];
                for (e, sent) in errors.iter().zip(body["errors"].as_array().unwrap()) {
                    prop_assert!(!e.to_string().is_empty());
                    prop_assert!(SPEC_CODES.contains(&e.code().as_str()), "{} is not a SPEC §8 code", e.code().as_str());
                    prop_assert_eq!(&sent["code"], e.code().as_str());
                    prop_assert_eq!(&sent["source"]["parameter"], &serde_json::json!(e.parameter()));
                }
            }
        }
    }
}

/// Text values with the characters that stress quoting and encoding.
fn nasty_text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            Just(",".to_owned()),
            Just("\"".to_owned()),
            Just("\\".to_owned()),
            Just(" ".to_owned()),
            Just("&".to_owned()),
            Just("+".to_owned()),
            Just("%".to_owned()),
            Just("=".to_owned()),
            Just("#".to_owned()),
            Just("ü".to_owned()),
            Just("日本".to_owned()),
            Just("😀".to_owned()),
            "[A-Za-z0-9]{1,6}",
        ],
        0..8,
    )
    .prop_map(|v| v.concat())
}

/// One value of the given type, as a client would write it (before list quoting).
fn value_text(ty: &FieldType) -> BoxedStrategy<String> {
    match ty {
        FieldType::String => nasty_text().boxed(),
        FieldType::Integer => any::<i64>().prop_map(|i| i.to_string()).boxed(),
        FieldType::Decimal => (any::<i32>(), 0u32..4)
            .prop_map(|(m, scale)| rust_decimal::Decimal::new(m.into(), scale).to_string())
            .boxed(),
        FieldType::Boolean => prop_oneof![Just("true"), Just("false"), Just("1"), Just("0")]
            .prop_map(str::to_owned)
            .boxed(),
        FieldType::Date => (1970i32..2100, 1u32..13, 1u32..29)
            .prop_map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}"))
            .boxed(),
        FieldType::DateTime => (
            1970i32..2100,
            1u32..13,
            1u32..29,
            0u32..24,
            0u32..60,
            -12i32..13,
        )
            .prop_map(|(y, mo, d, h, mi, off)| {
                if off == 0 {
                    format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:05")
                } else {
                    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:05{off:+03}:00")
                }
            })
            .boxed(),
        FieldType::Enum(values) => prop::sample::select(values.clone()).boxed(),
        _ => Just("x".to_owned()).boxed(),
    }
}

/// Quotes an item the way a client would when it holds list syntax.
fn client_item(text: &str) -> String {
    if text.is_empty() || text.contains([',', '"']) || text.trim() != text {
        format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
    } else {
        text.to_owned()
    }
}

/// A valid request for a resource: (raw query, options).
fn valid_request() -> impl Strategy<Value = (Arc<Resource>, String, RequestOptions)> {
    prop::sample::select(resources()).prop_flat_map(|r| {
        let filterable: Vec<(String, FieldType, Vec<FilterOp>)> = r
            .fields()
            .iter()
            .filter(|f| !f.filter_ops().is_empty())
            .map(|f| {
                (
                    f.name().to_owned(),
                    f.ty().clone(),
                    f.filter_ops().iter().collect(),
                )
            })
            .collect();
        let sortable = r.sortable_fields();
        let filter = prop::sample::select(filterable).prop_flat_map(|(name, ty, ops)| {
            prop::sample::select(ops).prop_flat_map(move |op| {
                let (min, max) = op.arity();
                let max = max.unwrap_or(4);
                let item: BoxedStrategy<String> = if op == FilterOp::Null {
                    prop_oneof![Just("true".to_owned()), Just("false".to_owned())].boxed()
                } else if op.is_like() {
                    nasty_text().boxed()
                } else {
                    value_text(&ty)
                };
                let name = name.clone();
                prop::collection::vec(item, min..=max).prop_map(move |values| {
                    let list: Vec<String> = values.iter().map(|v| client_item(v)).collect();
                    (format!("filter[{name}][{op}]"), list.join(","))
                })
            })
        });
        let sort = prop::sample::subsequence(sortable.clone(), 0..=sortable.len().min(5))
            .prop_flat_map(|fields| {
                let n = fields.len();
                (Just(fields), prop::collection::vec(any::<bool>(), n))
            })
            .prop_map(|(fields, desc)| {
                let keys: Vec<String> = fields
                    .iter()
                    .zip(desc)
                    .map(|(f, d)| if d { format!("-{f}") } else { f.clone() })
                    .collect();
                keys.join(",")
            });
        let has_aggregates = !r.aggregates().is_empty();
        (
            Just(r),
            prop::collection::vec(filter, 0..5),
            sort,
            prop::option::of(1u64..500),
            prop::option::of(1u64..=100),
            any::<bool>(),
            role(),
        )
            .prop_map(move |(r, filters, sort, page, per_page, metadata, opts)| {
                let mut pairs: Vec<(String, String)> = Vec::new();
                let mut seen = std::collections::HashSet::new();
                for (k, v) in filters {
                    if seen.insert(k.clone()) {
                        pairs.push((k, v));
                    }
                }
                if !sort.is_empty() {
                    pairs.push(("sort".into(), sort));
                }
                if let Some(p) = page {
                    pairs.push(("page".into(), p.to_string()));
                }
                if let Some(p) = per_page {
                    pairs.push(("per_page".into(), p.to_string()));
                }
                let paginated = page.is_some() || per_page.is_some() || opts.paginate_by_default;
                if metadata && has_aggregates && paginated {
                    pairs.push(("metadata".into(), "1".into()));
                }
                let raw: Vec<String> = pairs
                    .iter()
                    .map(|(k, v)| format!("{}={}", encode_component(k), encode_component(v)))
                    .collect();
                (r, raw.join("&"), opts.strict(false).lenient_page(false))
            })
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

    #[test]
    fn canonical_form_round_trips((r, raw, opts) in valid_request()) {
        let q = ListQuery::parse(&raw, &r, opts)
            .unwrap_or_else(|e| panic!("generated query {raw:?} is invalid: {e}"));
        let printed = q.to_query_string();
        let again = ListQuery::parse(&printed, &r, opts)
            .unwrap_or_else(|e| panic!("canonical {printed:?} is invalid: {e}"));
        prop_assert_eq!(&again, &q);
        // Printing is a fixed point.
        prop_assert_eq!(again.to_query_string(), printed);
    }

    #[test]
    fn every_page_round_trips((r, raw, opts) in valid_request(), page in 1u64..1000) {
        let q = ListQuery::parse(&raw, &r, opts).unwrap();
        if let Some(other) = q.with_page(page) {
            let again = ListQuery::parse(&other.to_query_string(), &r, opts).unwrap();
            prop_assert_eq!(again.pagination().map(|p| p.page), Some(page));
            prop_assert_eq!(again, other);
        }
    }
}

/// Pairs are split at every `&` and keys at the first `=`, wherever they fall
/// (the separators are found eight bytes at a time): each offset around the
/// word boundaries, next to bytes one bit away from the separators and to
/// multi-byte UTF-8.
#[test]
fn separators_are_found_at_every_offset() {
    let invoices = schema().resource("invoices").unwrap();
    let options = RequestOptions::for_role(Role::Admin);
    for filler in ["a", "'", "<", "é"] {
        for n in 0..40 {
            let text = filler.repeat(n);
            let raw = format!("{text}=v{text}&page=2&{text}x={text}&per_page=3");
            let q = ListQuery::parse(&raw, invoices, options).unwrap();
            let p = q.pagination().unwrap();
            assert_eq!((p.page, p.per_page), (2, 3), "{raw}");
            let want = [
                (text.clone(), format!("v{text}")),
                (format!("{text}x"), text.clone()),
            ];
            assert_eq!(q.extra_params(), want.as_slice(), "{raw}");
        }
    }
}

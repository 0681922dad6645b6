//! The conformance corpus: every `tests/corpus/*.json` case is a query string
//! against `examples/schema.toml` with either the expected `ListQuery` (in the
//! `explain` JSON form, compared key by key, plus the canonical `pairs`) or the
//! expected errors (code, parameter and, where given, byte offset), in order.
//!
//! A query may use `{TEXT*N}` to repeat TEXT N times (for limit cases).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::Arc;

use listquery::{ErrorCode, ListQuery, RequestOptions, Resource, Role, Schema};
use serde_json::Value as Json;

#[path = "support/corpus_query.rs"]
mod corpus_query;
use corpus_query::expand;

fn options(case: &Json) -> RequestOptions {
    let role = match case["role"].as_str().unwrap_or("admin") {
        "agent" => Role::Agent,
        "collaborator" => Role::Collaborator,
        "admin" => Role::Admin,
        other => panic!("unknown role {other}"),
    };
    RequestOptions::for_role(role)
        .strict(case["strict"].as_bool().unwrap_or(false))
        .lenient_page(case["lenient"].as_bool().unwrap_or(false))
}

/// Checks one case; returns a description of each mismatch.
fn check(case: &Json, resource: &Arc<Resource>) -> Vec<String> {
    let query = expand(case["query"].as_str().expect("query"));
    let options = options(case);
    let result = ListQuery::parse(&query, resource, options);
    let mut problems = Vec::new();
    match (&case["errors"], &case["expect"], result) {
        (Json::Array(expected), _, Err(errors)) => {
            let got: Vec<Json> = errors
                .iter()
                .map(|e| {
                    serde_json::json!({"code": e.code().as_str(), "parameter": e.parameter(), "offset": e.offset()})
                })
                .collect();
            let matches = expected.len() == got.len()
                && expected.iter().zip(&got).all(|(want, got)| {
                    want.as_object()
                        .expect("error object")
                        .iter()
                        .all(|(k, v)| &got[k] == v)
                });
            if !matches {
                problems.push(format!(
                    "errors differ\n   want {expected:?}\n   got  {got:?}\n   messages: {errors}"
                ));
            }
        }
        (Json::Array(expected), _, Ok(q)) => {
            problems.push(format!(
                "expected errors {expected:?}, got a query: {}",
                serde_json::to_string(&q).unwrap()
            ));
        }
        (_, Json::Object(expect), Ok(q)) => {
            let json = serde_json::to_value(&q).unwrap();
            for (key, want) in expect {
                let got = if key == "pairs" {
                    serde_json::to_value(q.to_pairs()).unwrap()
                } else {
                    json[key].clone()
                };
                if &got != want {
                    problems.push(format!("{key}: want {want}, got {got}"));
                }
            }
            // The canonical form parses back to the same query.
            match ListQuery::parse(&q.to_query_string(), resource, options) {
                Ok(again)
                    if serde_json::to_value(&again).unwrap() == json
                        && again.to_pairs() == q.to_pairs() => {}
                other => problems.push(format!(
                    "canonical form {:?} does not parse back to the same query: {other:?}",
                    q.to_query_string()
                )),
            }
        }
        (_, Json::Object(_), Err(errors)) => {
            problems.push(format!("expected a query, got errors: {errors}"));
        }
        _ => problems.push("case has neither `expect` nor `errors`".into()),
    }
    problems
}

/// The keys a case may have; any other (a typo such as `expected`) is a failure.
const CASE_KEYS: [&str; 8] = [
    "name", "resource", "query", "role", "strict", "lenient", "expect", "errors",
];

/// Checks one case of a file, naming it in each problem; a panic (of the
/// library or of a malformed case) is a problem too, so every case runs.
fn check_case(schema: &Schema, file: &str, index: usize, case: &Json) -> Vec<String> {
    let name = case["name"].as_str().unwrap_or("(no name)");
    let query: String = case["query"]
        .as_str()
        .unwrap_or("(no query)")
        .chars()
        .take(120)
        .collect();
    let run = || -> Vec<String> {
        let mut problems: Vec<String> = case
            .as_object()
            .map(|o| {
                o.keys()
                    .filter(|k| !CASE_KEYS.contains(&k.as_str()))
                    .map(|k| format!("unknown key {k:?} in the case"))
                    .collect()
            })
            .unwrap_or_else(|| vec!["the case is not a JSON object".into()]);
        match case["resource"].as_str().and_then(|r| schema.resource(r)) {
            Some(resource) => problems.extend(check(case, resource)),
            None => problems.push(format!("unknown resource {}", case["resource"])),
        }
        problems
    };
    let problems =
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(run)).unwrap_or_else(|panic| {
            let message = panic
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| panic.downcast_ref::<&str>().copied())
                .unwrap_or("(no message)");
            vec![format!("panicked: {message}")]
        });
    problems
        .into_iter()
        .map(|problem| format!("{file} #{index} {name:?}\n   query {query:?}\n   {problem}"))
        .collect()
}

#[test]
fn conformance_corpus() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let schema =
        Schema::from_path(root.join("examples/schema.toml")).expect("example schema loads");
    let mut files: Vec<_> = std::fs::read_dir(root.join("tests/corpus"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();

    let mut failures = Vec::new();
    let mut failed_cases = 0;
    let mut cases = 0;
    let mut codes_seen = BTreeSet::new();
    for path in &files {
        let file = path.file_name().unwrap().to_string_lossy();
        let list: Vec<Json> = match std::fs::read_to_string(path)
            .map_err(|e| e.to_string())
            .and_then(|text| serde_json::from_str(&text).map_err(|e| e.to_string()))
        {
            Ok(list) => list,
            Err(e) => {
                failures.push(format!("{file}: not a JSON list of cases: {e}"));
                failed_cases += 1;
                continue;
            }
        };
        for (index, case) in list.iter().enumerate() {
            cases += 1;
            for e in case["errors"].as_array().into_iter().flatten() {
                codes_seen.extend(e["code"].as_str().map(str::to_owned));
            }
            let problems = check_case(&schema, &file, index, case);
            failed_cases += usize::from(!problems.is_empty());
            failures.extend(problems);
        }
    }
    println!("{cases} corpus cases in {} files", files.len());
    assert!(
        failures.is_empty(),
        "{failed_cases} of {cases} cases failed:\n{}",
        failures.join("\n")
    );
    assert!(cases >= 150, "the corpus has only {cases} cases");
    let missing: Vec<_> = ErrorCode::ALL
        .iter()
        .filter(|c| **c != ErrorCode::TooManyRows && !codes_seen.contains(c.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "no corpus case for the codes {missing:?}"
    );
}

#[test]
fn expand_repeats() {
    assert_eq!(expand("a{b*3}c"), "abbbc");
    assert_eq!(expand("{x=1&*2}x"), "x=1&x=1&x");
    assert_eq!(expand("{no}"), "{no}");
}

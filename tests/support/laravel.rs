//! Reading `../shared/fixtures/` (Laravel's real output) in the tests: the
//! fixture lines, and PHP arrays with their key order.
#![allow(dead_code, clippy::unwrap_used, clippy::panic)]

use std::io::Write;
use std::path::PathBuf;

/// The fixture lines, or `None` (with a plain message) when the shared
/// fixtures are not there; under `CI=true` a missing directory fails.
pub fn fixture_lines(name: &str) -> Option<Vec<String>> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures");
    let path = dir.join(name);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) => {
            if std::env::var("CI").is_ok_and(|v| v == "true" || v == "1") {
                panic!("fixtures missing under CI: {}: {e}", path.display());
            }
            // Straight to the terminal: the harness hides a passing test's eprintln!.
            let _ = writeln!(
                std::io::stderr().lock(),
                "listquery: the Laravel fixture test on {name} did NOT run: {} is missing ({e})",
                path.display()
            );
            return None;
        }
    };
    let lines: Vec<String> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(str::to_owned)
        .collect();
    assert!(!lines.is_empty(), "{name} is empty");
    Some(lines)
}

/// A PHP array as JSON, keeping the key order (`serde_json::Value` sorts
/// keys, and PHP's order is the order of the page URL's parameters).
pub enum Php {
    Null,
    Scalar(String),
    List(Vec<Php>),
    Map(Vec<(String, Php)>),
}

impl<'de> serde::Deserialize<'de> for Php {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Php;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a PHP value as JSON")
            }
            fn visit_unit<E>(self) -> Result<Php, E> {
                Ok(Php::Null)
            }
            // PHP's http_build_query writes true/false as 1/0.
            fn visit_bool<E>(self, b: bool) -> Result<Php, E> {
                Ok(Php::Scalar(if b { "1" } else { "0" }.to_owned()))
            }
            fn visit_i64<E>(self, n: i64) -> Result<Php, E> {
                Ok(Php::Scalar(n.to_string()))
            }
            fn visit_u64<E>(self, n: u64) -> Result<Php, E> {
                Ok(Php::Scalar(n.to_string()))
            }
            fn visit_f64<E>(self, n: f64) -> Result<Php, E> {
                Ok(Php::Scalar(n.to_string()))
            }
            fn visit_str<E>(self, s: &str) -> Result<Php, E> {
                Ok(Php::Scalar(s.to_owned()))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut a: A) -> Result<Php, A::Error> {
                let mut items = Vec::new();
                while let Some(v) = a.next_element()? {
                    items.push(v);
                }
                Ok(Php::List(items))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut a: A) -> Result<Php, A::Error> {
                let mut items = Vec::new();
                while let Some(kv) = a.next_entry()? {
                    items.push(kv);
                }
                Ok(Php::Map(items))
            }
        }
        d.deserialize_any(V)
    }
}

/// PHP's `http_build_query` flattening of an array: nested keys as
/// `filter[status]`, lists as `filter[status][0]`, `null` left out.
pub fn php_pairs(prefix: Option<&str>, value: &Php, out: &mut Vec<(String, String)>) {
    let key = |k: &str| prefix.map_or_else(|| k.to_owned(), |p| format!("{p}[{k}]"));
    match value {
        Php::Map(map) => {
            for (k, v) in map {
                php_pairs(Some(&key(k)), v, out);
            }
        }
        Php::List(items) => {
            for (i, v) in items.iter().enumerate() {
                php_pairs(Some(&key(&i.to_string())), v, out);
            }
        }
        Php::Null => {}
        Php::Scalar(s) => out.push((prefix.unwrap().to_owned(), s.clone())),
    }
}

pub fn pairs_of(value: &Php) -> Vec<(String, String)> {
    let mut out = Vec::new();
    php_pairs(None, value, &mut out);
    out
}

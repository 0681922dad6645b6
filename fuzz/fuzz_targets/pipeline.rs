//! Arbitrary bytes through the whole pipeline: parse → validate → SQL on all
//! three dialects, built directly and through the shape cache. A query that
//! validates must compile; every quoted identifier in the SQL must come from
//! the schema (a table, a column, or an alias the crate chose: `total` and
//! the aggregates', a declared join's table, alias and columns, a joined
//! field's name); the placeholders must match the bound values one for
//! one; and the cache must give exactly the text and values of a direct build.
#![no_main]

use std::collections::BTreeSet;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use listquery::sql::{BaseStatement, CacheCapacity, Dialect, ListSql, SqlCache};
use listquery::{ListQuery, RequestOptions, Resource, Role, Schema};

fn schema() -> &'static Schema {
    static SCHEMA: OnceLock<Schema> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        Schema::from_toml_str(include_str!("../../examples/schema.toml"))
            .expect("the example schema loads")
    })
}

/// Small, so that eviction runs all the time.
fn cache() -> &'static SqlCache {
    static CACHE: OnceLock<SqlCache> = OnceLock::new();
    CACHE.get_or_init(|| SqlCache::new(CacheCapacity::new().entries(64).bytes(64 * 1024)))
}

/// The identifiers a statement of `resource` may quote.
fn allowed_identifiers(resource: &Resource) -> BTreeSet<String> {
    let mut names: BTreeSet<String> = resource
        .fields()
        .iter()
        .flat_map(|f| f.column().split('.').map(str::to_owned).collect::<Vec<_>>())
        .collect();
    names.extend(resource.table().split('.').map(str::to_owned));
    // Declared joins (SPEC §15): the table, its alias and the ON columns; a
    // joined column is selected under its field's name.
    for join in resource.joins() {
        names.extend(join.table().split('.').map(str::to_owned));
        names.extend([join.alias(), join.local(), join.foreign()].map(str::to_owned));
    }
    names.extend(
        resource
            .fields()
            .iter()
            .filter(|f| f.join().is_some())
            .map(|f| f.name().to_owned()),
    );
    names.insert("total".to_owned());
    for aggregate in resource.aggregates() {
        names.insert(aggregate.name().to_owned());
        names.insert(format!("{}_count", aggregate.name()));
    }
    names
}

/// The quoted identifiers of `sql` and its number of placeholders; string
/// literals (`ESCAPE '!'`) are skipped.
fn scan(sql: &str, dialect: Dialect) -> (Vec<String>, Vec<usize>) {
    let quote = if dialect == Dialect::Mysql { '`' } else { '"' };
    let mut identifiers = Vec::new();
    let mut placeholders = Vec::new();
    let mut chars = sql.char_indices().peekable();
    while let Some((_, c)) = chars.next() {
        if c == quote {
            let name: String = chars
                .by_ref()
                .map(|(_, c)| c)
                .take_while(|&c| c != quote)
                .collect();
            identifiers.push(name);
        } else if c == '\'' {
            chars
                .by_ref()
                .map(|(_, c)| c)
                .take_while(|&c| c != '\'')
                .for_each(drop);
        } else if c == '?' && dialect != Dialect::Postgres {
            placeholders.push(placeholders.len() + 1);
        } else if c == '$' && dialect == Dialect::Postgres {
            let mut digits = String::new();
            while let Some((_, d)) = chars.peek().filter(|(_, d)| d.is_ascii_digit()) {
                digits.push(*d);
                chars.next();
            }
            placeholders.push(digits.parse().expect("a numbered placeholder"));
        }
    }
    (identifiers, placeholders)
}

fn check(sql: &str, values: usize, dialect: Dialect, allowed: &BTreeSet<String>, raw: &str) {
    let (identifiers, placeholders) = scan(sql, dialect);
    for name in &identifiers {
        assert!(
            allowed.contains(name),
            "{raw:?}: {sql:?} quotes {name:?}, not in the schema"
        );
    }
    assert_eq!(
        placeholders,
        (1..=values).collect::<Vec<_>>(),
        "{raw:?}: {sql:?} has placeholders {placeholders:?} for {values} values"
    );
}

fuzz_target!(|data: &[u8]| {
    let raw = String::from_utf8_lossy(data);
    for resource in schema().resources() {
        for options in [
            RequestOptions::for_role(Role::Admin),
            RequestOptions::for_role(Role::Agent).lenient_page(true),
        ] {
            let Ok(query) = ListQuery::parse(&raw, resource, options) else {
                continue;
            };
            let allowed = allowed_identifiers(resource);
            for dialect in Dialect::ALL {
                let sql = ListSql::new(&query, dialect);
                let base = BaseStatement::for_resource(resource, dialect);
                let select = sql
                    .select(base.statement())
                    .unwrap_or_else(|e| panic!("{raw:?} validates but its SELECT fails: {e}"));
                let count = sql
                    .count(base.statement())
                    .unwrap_or_else(|e| panic!("{raw:?} validates but its COUNT fails: {e}"));
                let (select_text, select_values) = sql.build(&select);
                let (count_text, count_values) = count.build();
                check(&select_text, select_values.0.len(), dialect, &allowed, &raw);
                check(&count_text, count_values.0.len(), dialect, &allowed, &raw);

                let cached = cache().statements(&query, &base).unwrap_or_else(|e| {
                    panic!("{raw:?}: the cache fails where a build works: {e}")
                });
                assert_eq!(
                    cached.select.into_parts(),
                    (select_text, select_values),
                    "{raw:?}"
                );
                assert_eq!(
                    cached.count.into_parts(),
                    (count_text, count_values),
                    "{raw:?}"
                );
            }
        }
    }
});

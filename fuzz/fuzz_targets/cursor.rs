//! Hostile cursors (SPEC §12): arbitrary bytes as the JSON inside a cursor
//! (base64url-encoded, as a client would have to forge it) and as the raw
//! cursor text, under several sorts of `invoices`. Every request is a valid
//! query or `invalid_cursor`-style errors with a JSON:API body, never a
//! panic; a valid one compiles on all three dialects with one placeholder per
//! bound value, and its canonical form parses back to the same query.
#![no_main]

use std::sync::{Arc, OnceLock};

use base64::Engine as _;
use libfuzzer_sys::fuzz_target;
use listquery::sql::{BaseStatement, Dialect, ListSql};
use listquery::{ListQuery, RequestOptions, Resource, Role, Schema};

fn invoices() -> &'static Arc<Resource> {
    static SCHEMA: OnceLock<Schema> = OnceLock::new();
    let schema = SCHEMA.get_or_init(|| {
        Schema::from_toml_str(include_str!("../../examples/schema.toml"))
            .expect("the example schema loads")
    });
    schema.resource("invoices").expect("invoices")
}

const SORTS: [&str; 5] = [
    "",
    "sort=amount",
    "sort=-due_on,number",
    "sort=status,-created_at",
    "filter[status]=paid&sort=-updated_at,due_on",
];

fn placeholders(sql: &str, dialect: Dialect) -> usize {
    match dialect {
        Dialect::Postgres => sql.matches('$').count(),
        _ => sql.matches('?').count(),
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&pick, json)) = data.split_first() else {
        return;
    };
    let sort = SORTS[usize::from(pick) % SORTS.len()];
    let forged = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json);
    let raw_text = String::from_utf8_lossy(json).into_owned();
    for text in [forged, raw_text] {
        let raw = format!("{sort}&cursor={}", listquery::encode_component(&text));
        let resource = invoices();
        let query = match ListQuery::parse(&raw, resource, RequestOptions::for_role(Role::Admin)) {
            Ok(query) => query,
            Err(errors) => {
                assert!(!errors.to_json_api().to_json().is_empty());
                continue;
            }
        };
        for dialect in [Dialect::Postgres, Dialect::Mysql, Dialect::Sqlite] {
            let base = BaseStatement::for_resource(resource, dialect);
            let sql = ListSql::new(&query, dialect);
            let select = sql
                .select(base.statement())
                .expect("a valid query compiles");
            let (text, values) = sql.build(&select);
            assert_eq!(placeholders(&text, dialect), values.0.len(), "{text}");
        }
        let again = ListQuery::parse(
            &query.to_query_string(),
            resource,
            RequestOptions::for_role(Role::Admin),
        )
        .expect("the canonical form parses");
        assert_eq!(again, query);
    }
});

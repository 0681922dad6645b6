//! Arbitrary bytes through parse + validate against the seed API's schema, for
//! every resource and every role. Beyond "never panics", a query that
//! validates must print to a canonical form that parses back to it (when that
//! form is within `max_query_len`).
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use listquery::{ListQuery, RequestOptions, Role, Schema};

fn schema() -> &'static Schema {
    static SCHEMA: OnceLock<Schema> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        Schema::from_toml_str(include_str!("../../examples/schema.toml"))
            .expect("the example schema loads")
    })
}

fuzz_target!(|data: &[u8]| {
    let raw = String::from_utf8_lossy(data);
    for resource in schema().resources() {
        for options in [
            RequestOptions::for_role(Role::Admin),
            RequestOptions::for_role(Role::Agent).strict(true),
            RequestOptions::for_role(Role::Collaborator).lenient_page(true),
        ] {
            let Ok(query) = ListQuery::parse(&raw, resource, options) else {
                continue;
            };
            let printed = query.to_query_string();
            // Known and documented (docs/performance.md, Fuzzing): the canonical
            // form percent-encodes what the client may send raw (`+` → `%20`,
            // `,` → `%2C`, UTF-8 → `%XX`), so a query near `max_query_len`,
            // which counts raw bytes, can print past it.
            if printed.len() > resource.limits().max_query_len {
                continue;
            }
            let again = ListQuery::parse(&printed, resource, options.lenient_page(false))
                .unwrap_or_else(|e| panic!("canonical form {printed:?} of {raw:?} fails: {e}"));
            assert_eq!(
                serde_json::to_value(&again).unwrap(),
                serde_json::to_value(&query).unwrap(),
                "canonical form {printed:?} of {raw:?} parses to another query"
            );
            assert_eq!(again.to_pairs(), query.to_pairs());
        }
    }
});

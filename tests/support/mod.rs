//! Shared helpers of the integration tests: the fixture data set, the three
//! engines with it loaded, and a plain-Rust oracle.
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

pub mod db;
pub mod fixture;
pub mod oracle;
pub mod pools;

use std::sync::{Arc, OnceLock};

use listquery::{ListQuery, RequestOptions, Resource, Role, Schema};

/// examples/schema.toml, loaded once.
pub fn schema() -> &'static Schema {
    static SCHEMA: OnceLock<Schema> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        Schema::from_toml_str(include_str!("../../examples/schema.toml"))
            .expect("examples/schema.toml loads")
    })
}

/// A resource of examples/schema.toml.
pub fn resource(name: &str) -> &'static Arc<Resource> {
    schema()
        .resource(name)
        .unwrap_or_else(|| panic!("no resource {name}"))
}

/// `raw` parsed for `resource` of examples/schema.toml as `role`; panics
/// when it is not valid.
pub fn parse(resource: &str, raw: &str, role: Role) -> ListQuery {
    ListQuery::parse(
        raw,
        self::resource(resource),
        RequestOptions::for_role(role),
    )
    .unwrap_or_else(|e| panic!("{resource}?{raw} should be valid: {e}"))
}

/// examples/schema.toml with `exact_count_below = below` on its estimated
/// resource (invoices), for the estimated-count tests.
pub fn estimated_schema(below: u64) -> Schema {
    Schema::from_toml_str(&include_str!("../../examples/schema.toml").replace(
        "count = \"estimated\"\n",
        &format!("count = \"estimated\"\nexact_count_below = {below}\n"),
    ))
    .expect("examples/schema.toml loads")
}

/// An agent's unpaginated list of orders from a resource capped at 100 rows:
/// over the cap on the fixture's 220 orders (`too_many_rows`).
pub fn orders_over_their_cap() -> ListQuery {
    let small = Schema::from_toml_str(
        "[resources.orders]\ntable = \"orders\"\nlimits.max_unpaginated_rows = 100\n[resources.orders.fields]\nid = { type = \"integer\", sort = true }",
    )
    .expect("the capped schema loads");
    let orders = small.resource("orders").expect("declared above");
    ListQuery::parse("", orders, RequestOptions::for_role(Role::Agent)).expect("an empty query")
}

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

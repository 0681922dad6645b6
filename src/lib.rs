//! # listquery
//!
//! Parse, validate and compile list-endpoint query strings the way good public
//! APIs take them:
//!
//! ```text
//! GET /invoices?filter[status]=paid,sent&sort=-created_at&page=2&per_page=15&metadata=1
//! ```
//!
//! The pipeline, one module per layer, data flowing one way:
//!
//! 1. [`parse`]: the raw query string → a [`RawQuery`] (percent-decoding, the key
//!    grammar, sort and value lists), rejecting malformed or duplicated input.
//! 2. [`schema`]: the allow-list of what may be filtered and sorted, per resource.
//! 3. [`validate`](ListQuery::parse): raw query + resource → a typed [`ListQuery`].
//! 4. [`sql`]: a [`ListQuery`] applied to your own sea-query `SelectStatement`.
//! 5. [`page`]: the Laravel-compatible page envelope.
//! 6. [`integrations`]: extractors for axum and actix-web (features `axum`,
//!    `actix`), and how to plug listquery into any other framework.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod canonical;
pub use canonical::{RFC3986_QUERY, encode_component};
pub mod error;
pub mod integrations;
mod limits;
pub mod parse;
pub mod schema;
mod validate;

pub use error::{
    ErrorCode, ErrorDocument, ErrorObject, ErrorSource, ParseError, QueryError, QueryErrors,
    ValidationError,
};
pub use limits::{LimitKind, Limits};
pub use parse::{ParamNames, RawQuery, SortDirection};
pub use rust_decimal::Decimal;
pub use schema::{
    Aggregate, AggregateFn, AggregateValue, Field, FieldId, FieldType, FilterOp, NullsOrder, OpSet,
    Resource, Schema, SchemaError,
};
pub use validate::{
    Filter, ListParam, ListQuery, Pagination, RequestOptions, Role, SortKey, SortOrigin, Value,
    resolve_page_leniently,
};

/// The timestamp format of the seed API: `YYYY-MM-DD HH:MM:SS` (UTC).
pub const TIMESTAMP_FORMAT: &str = "%Y-%m-%d %H:%M:%S";

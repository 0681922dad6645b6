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
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod canonical;
pub use canonical::{RFC3986_QUERY, encode_component};
pub mod error;
mod limits;
pub mod page;
pub mod parse;
pub mod schema;
pub mod sql;
pub mod timestamp;
mod validate;

pub use error::{
    ErrorCode, ErrorDocument, ErrorObject, ErrorSource, ParseError, QueryError, QueryErrors,
    ValidationError,
};
pub use limits::{LimitKind, Limits};
pub use page::{ListResponse, PageEnvelope, PageError, PageOptions, PageTotals, PageUrls};
pub use parse::{ParamNames, RawQuery, SortDirection};
pub use rust_decimal::Decimal;
pub use schema::{
    Aggregate, AggregateFn, AggregateValue, Field, FieldId, FieldType, FilterOp, NullsOrder, OpSet,
    Resource, Schema, SchemaError,
};
pub use sql::{CountQuery, CountResult, Dialect, ListSql, SqlError, SqlExplain};
pub use validate::{
    Filter, ListParam, ListQuery, Pagination, RequestOptions, Role, SortKey, SortOrigin, Value,
    resolve_page_leniently,
};

/// The timestamp format of the seed API: `YYYY-MM-DD HH:MM:SS` (UTC).
pub const TIMESTAMP_FORMAT: &str = "%Y-%m-%d %H:%M:%S";

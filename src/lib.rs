//! # listquery
//!
//! Serve list endpoints the way good public APIs do. A request such as
//!
//! ```text
//! GET /invoices?filter[status]=paid,sent&sort=-created_at&page=2&per_page=15&metadata=1
//! ```
//!
//! goes through one layer per module, data flowing one way:
//!
//! 1. parse (private): the raw query string split into pairs, each
//!    percent-decoded (form rules) and read by its nom grammar — the key
//!    (`filter[FIELD][OP]`), the sort list, the value list — with duplicates
//!    and malformed keys rejected. Each parameter goes straight to validation;
//!    nothing is copied where nothing needed decoding.
//! 2. [`schema`]: the allow-list of each resource — fields, types, operators,
//!    sortability, NULL placement, aggregates, limits — built in Rust or loaded
//!    from TOML/JSON, checked once at load time.
//! 3. [`ListQuery::parse`]: raw query + resource + [`RequestOptions`] → a typed,
//!    validated [`ListQuery`], or *all* the request's errors ([`QueryErrors`],
//!    with stable codes and a JSON:API body).
//! 4. [`sql`]: the [`ListQuery`] applied to *your* sea-query `SelectStatement`
//!    (your joins and scoping stay yours) for PostgreSQL, MySQL/MariaDB or
//!    SQLite, with every value bound, plus the matching count/aggregate statement.
//! 5. [`page`]: the Laravel-compatible envelope (`total`, `per_page`,
//!    `current_page`, `last_page`, the page URLs, `from`, `to`, `data`, optional
//!    `links` and `metadata`), or a plain array for unpaginated lists.
//!
//! Framework glue lives in [`integrations`] behind the `axum` and `actix`
//! features; any other framework passes the raw query string to
//! [`ListQuery::parse`]. Running the statements on a driver, from the
//! validated query to the answer, is [`exec`]: rusqlite, sqlx and sea-orm, each
//! behind its feature.
//!
//! # The query language in one example
//!
//! ```
//! use listquery::{ErrorCode, ListQuery, RequestOptions, Role, Schema, Value};
//!
//! let schema = Schema::from_toml_str(r#"
//!     [resources.customers]
//!     table = "customers"
//!     default_sort = "name"
//!     [resources.customers.fields]
//!     id         = { type = "integer", sort = true, filter = ["eq", "gt"] }
//!     name       = { type = "string", sort = true, filter = ["eq", "contains"] }
//!     created_at = { type = "datetime", sort = true, filter = ["gte", "lte"] }
//! "#)?;
//! let customers = schema.resource("customers").expect("declared above");
//!
//! // Quoted items keep commas; %2C and %5B/%5D decode before the grammar runs;
//! // RFC 3339 datetimes are normalised to UTC.
//! let q = ListQuery::parse(
//!     "filter%5Bname%5D=%22Smith%2C%20John%22,Doe&filter[created_at][gte]=2024-05-01T10:00:00%2B02:00&sort=-created_at",
//!     customers,
//!     RequestOptions::for_role(Role::Agent),
//! )?;
//! assert_eq!(q.filters()[0].values[..], [Value::String("Smith, John".into()), Value::String("Doe".into())]);
//! assert_eq!(q.filters()[1].values[0].to_text(), "2024-05-01 08:00:00");
//! assert_eq!(q.sort().len(), 2); // created_at DESC, then the primary key as tie-breaker
//! assert_eq!(q.pagination(), None); // agents get unpaginated lists unless they send page
//!
//! // Every error of the request, each naming its parameter, with a stable code.
//! let errors = ListQuery::parse(
//!     "sort=+name&filter[id][gt]=ten&filter[email]=x&page=0",
//!     customers,
//!     RequestOptions::for_role(Role::Admin),
//! ).unwrap_err();
//! let got: Vec<_> = errors.iter().map(|e| (e.code(), e.parameter().unwrap_or(""))).collect();
//! assert_eq!(got, [
//!     (ErrorCode::InvalidSort, "sort"),            // a raw '+' decodes to a space
//!     (ErrorCode::InvalidValue, "filter[id][gt]"),
//!     (ErrorCode::FilterNotAllowed, "filter[email]"),
//!     (ErrorCode::InvalidPage, "page"),
//! ]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # What real clients send: arrays and aliases
//!
//! qs, axios and PHP send lists as arrays; each element is one value, taken
//! literally (no comma splitting, no quoting), and page links write the list
//! back in the comma form. A schema can give a parameter other names
//! (`limit` for `per_page`, JSON:API's `page[number]`); links use the first.
//!
//! ```
//! use listquery::{ErrorCode, ListQuery, RequestOptions, Role, Schema};
//!
//! let schema = Schema::from_toml_str(r#"
//!     [resources.customers]
//!     table = "customers"
//!     empty_filter = "ignore"          # a cleared form field is no filter
//!     [resources.customers.params]
//!     per_page = ["per_page", "limit"] # vue-api-query sends limit
//!     [resources.customers.fields]
//!     id   = { type = "integer", sort = true }
//!     name = { type = "string", sort = true, filter = ["eq"] }
//! "#)?;
//! let customers = schema.resource("customers").expect("declared above");
//! let admin = RequestOptions::for_role(Role::Admin);
//!
//! // qs.stringify({filter: {name: ['Smith, John', 'Doe']}, sort: ['-name'], limit: 5})
//! let q = ListQuery::parse(
//!     "filter%5Bname%5D%5B0%5D=Smith%2C%20John&filter%5Bname%5D%5B1%5D=Doe&sort%5B0%5D=-name&limit=5",
//!     customers,
//!     admin,
//! )?;
//! assert_eq!(q.filters()[0].values.len(), 2); // "Smith, John" and "Doe"
//! assert_eq!(q.pagination().map(|p| p.per_page), Some(5));
//! assert_eq!(
//!     q.to_query_string(),
//!     "per_page=5&filter%5Bname%5D=%22Smith%2C%20John%22%2CDoe&sort=-name" // arrays after the rest
//! );
//!
//! // A cleared field is no filter; a list in two forms, or under two names, is
//! // one parameter given twice.
//! assert!(ListQuery::parse("filter[name]=", customers, admin)?.filters().is_empty());
//! for twice in ["filter[name]=a&filter[name][]=b", "per_page=5&limit=5"] {
//!     let errors = ListQuery::parse(twice, customers, admin).unwrap_err();
//!     assert_eq!(errors.codes(), [ErrorCode::DuplicateParameter]);
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # OR groups
//!
//! `filter[or][G][FIELD][OP]=…` puts a condition in group G: a group's
//! conditions are AND'ed, the groups OR'ed, and that OR AND'ed with the other
//! filters (SPEC §14).
//!
//! ```
//! use listquery::sql::{Dialect, ListSql};
//! use listquery::{ListQuery, RequestOptions, Role, Schema};
//!
//! let schema = Schema::from_toml_str(r#"
//!     [resources.invoices]
//!     table = "invoices"
//!     [resources.invoices.fields]
//!     id       = { type = "integer", sort = true }
//!     status   = { type = "enum", values = ["paid", "void"], filter = true }
//!     amount   = { type = "decimal", filter = ["gte"] }
//!     customer = { type = "integer", column = "customer_id", filter = true }
//! "#)?;
//! let invoices = schema.resource("invoices").expect("declared above");
//! // qs.stringify({filter: {customer: 7, or: [{status: 'void'}, {amount: {gte: 1000}}]}})
//! let q = ListQuery::parse(
//!     "filter%5Bcustomer%5D=7&filter%5Bor%5D%5B0%5D%5Bstatus%5D=void&filter%5Bor%5D%5B1%5D%5Bamount%5D%5Bgte%5D=1000",
//!     invoices,
//!     RequestOptions::for_role(Role::Agent),
//! )?;
//! let base = sea_query::Query::select().column(sea_query::Asterisk).from("invoices").to_owned();
//! let sql = ListSql::new(&q, Dialect::Postgres);
//! assert_eq!(
//!     sql.build(&sql.select(&base)?).0,
//!     r#"SELECT * FROM "invoices" WHERE "customer_id" = $1 AND ("status" = $2 OR "amount" >= $3) ORDER BY "id" ASC LIMIT $4"#
//! );
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Related fields and sparse fieldsets
//!
//! A field may read a column of a related table through a declared to-one
//! join (SPEC §15), added to a statement only when the request uses the
//! field. `fields` (or JSON:API's `fields[RESOURCE]`) asks for some fields
//! only (SPEC §16): leave your base's select list empty and listquery writes
//! it, the primary key always included.
//!
//! ```
//! use listquery::sql::{Dialect, ListSql};
//! use listquery::{ListQuery, RequestOptions, Role, Schema};
//!
//! let schema = Schema::from_toml_str(r#"
//!     [resources.orders]
//!     table = "orders"
//!     [resources.orders.joins.customer]
//!     table = "customers"
//!     on = { local = "customer_id", foreign = "id" }
//!     [resources.orders.fields]
//!     id            = { type = "integer", sort = true }
//!     total         = { type = "decimal", sort = true }
//!     customer_name = { type = "string", column = "customer.name", sort = true, filter = ["contains"] }
//! "#)?;
//! let orders = schema.resource("orders").expect("declared above");
//! let base = sea_query::Query::select().from("orders").to_owned(); // no select list
//!
//! let q = ListQuery::parse("fields=total&sort=-customer_name", orders, RequestOptions::for_role(Role::Agent))?;
//! let sql = ListSql::new(&q, Dialect::Sqlite);
//! assert_eq!(sql.build(&sql.select(&base)?).0, concat!(
//!     r#"SELECT "orders"."id", "orders"."total" FROM "orders" "#,
//!     r#"LEFT JOIN "customers" AS "customer" ON "customer"."id" = "orders"."customer_id" "#,
//!     r#"ORDER BY "customer"."name" DESC NULLS LAST, "orders"."id" ASC LIMIT ?"#,
//! ));
//! // No `fields`: every selectable field, the joined one under its name.
//! let q = ListQuery::parse("sort=-total", orders, RequestOptions::for_role(Role::Agent))?;
//! let sql = ListSql::new(&q, Dialect::Sqlite);
//! assert!(sql.build(&sql.select(&base)?).0.starts_with(
//!     r#"SELECT "orders"."id", "orders"."total", "customer"."name" AS "customer_name" FROM "orders" LEFT JOIN"#,
//! ));
//! // No related field used: no join, and plain column names.
//! let q = ListQuery::parse("fields=total&sort=-total", orders, RequestOptions::for_role(Role::Agent))?;
//! let sql = ListSql::new(&q, Dialect::Sqlite);
//! assert_eq!(
//!     sql.build(&sql.select(&base)?).0,
//!     r#"SELECT "id", "total" FROM "orders" ORDER BY "total" DESC NULLS LAST, "id" ASC LIMIT ?"#,
//! );
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Pages on big tables: cursor mode
//!
//! A resource that offers cursor pagination (`pagination = ["offset", "cursor"]`)
//! answers `cursor=` (empty: the first page) with Laravel's `cursorPaginate()`
//! envelope; the client follows `next_page_url` until it is `null`. The SQL
//! layer adds a keyset condition that honours each key's direction and NULL
//! placement and fetches `per_page + 1` rows; [`page::ListResponse::new`]
//! makes the cursors from the page's first and last rows.
//!
//! ```
//! use listquery::page::{ListResponse, PageOptions};
//! use listquery::sql::{Dialect, ListSql};
//! use listquery::{ListQuery, PaginationMode, RequestOptions, Role, Schema};
//!
//! let schema = Schema::from_toml_str(r#"
//!     [resources.events]
//!     table = "events"
//!     default_sort = "-at"
//!     pagination = ["cursor"]
//!     [resources.events.fields]
//!     id = { type = "integer", sort = true }
//!     at = { type = "datetime", sort = true, nullable = false }
//! "#)?;
//! let events = schema.resource("events").expect("declared above");
//! let admin = RequestOptions::for_role(Role::Admin);
//!
//! // The first page: no cursor yet.
//! let first = ListQuery::parse("per_page=2", events, admin)?;
//! assert_eq!(first.pagination_mode(), Some(PaginationMode::Cursor));
//! let base = sea_query::Query::select().column(sea_query::Asterisk).from("events").to_owned();
//! let sql = ListSql::new(&first, Dialect::Sqlite);
//! assert_eq!(sql.build(&sql.select(&base)?).0,
//!     r#"SELECT * FROM "events" ORDER BY "at" DESC, "id" ASC LIMIT ?"#); // 3 rows: one to spare
//! let rows = vec![
//!     serde_json::json!({"id": 9, "at": "2024-05-01 10:00:00"}),
//!     serde_json::json!({"id": 4, "at": "2024-04-30 08:00:00"}),
//!     serde_json::json!({"id": 7, "at": "2024-04-29 23:00:00"}),
//! ];
//! let options = PageOptions::new("https://api.example.com/events")?;
//! let page = serde_json::to_value(ListResponse::new(&first, rows, None, &options)?)?;
//! let next = page["next_page_url"].as_str().expect("a third row exists");
//!
//! // The next page: the cursor holds the last row's sort values.
//! let second = ListQuery::parse(next.split_once('?').unwrap().1, events, admin)?;
//! let sql = ListSql::new(&second, Dialect::Sqlite);
//! assert_eq!(sql.build(&sql.select(&base)?).0, concat!(
//!     r#"SELECT * FROM "events" WHERE "at" <= ? AND ("at" < ? OR ("at" = ? AND "id" > ?)) "#,
//!     r#"ORDER BY "at" DESC, "id" ASC LIMIT ?"#,
//! ));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The full reference (every parameter, operator, type, error code and limit)
//! is the README, whose examples are compiled as tests of this crate.
//!
//! # The grammar, rule by rule
//!
//! Each rule of SPEC §1–3 is one nom function in `src/parse/grammar.rs`, named
//! after it; they run on percent-decoded text, and an error carries the byte
//! offset of the fault in that text ([`ParseError::offset`]).
//!
//! | SPEC rule | function |
//! |---|---|
//! | `filter_key = PREFIX segment segment? index?` (PREFIX is `filter` or one of its configured names) | `filter_key` |
//! | `segment = "[" [^\[\]]* "]"` | `segment` |
//! | `index = "[" ("0" \| [1-9][0-9]*)? "]"` (an array element, SPEC §13) | `index` |
//! | `array_key = NAME index` (`sort[]`, `sort[2]`) | `array_key` |
//! | `sort_key` alone, one element of a sort array | `sort_element` |
//! | `sort_list = sort_key ("," sort_key)*` | `sort_list` |
//! | `sort_key = direction field_name` | `sort_key` |
//! | `direction = ("-" \| "+")?` | `direction` |
//! | `field_name = [A-Za-z_][A-Za-z0-9_]*` | `field_name` |
//! | `list = item ("," item)*` | `value_list` |
//! | `item = quoted \| bare`, spaces around it | `item` |
//! | `quoted = '"' ( [^"\\] \| '\\' ["\\] )* '"'` | `quoted` |
//! | `bare = [^,"]+`, trimmed | `bare` |
//! | `X ("," X)*`, the shape both lists share | `comma_list` |
//!
//! Around them, plain functions: `pairs` (`&`-separated, split at the first
//! `=`, empty pairs skipped), `decode_into` (`%XX`, `+` as a space, UTF-8
//! and control characters checked), and the scanner that collects array
//! elements across pairs and hands each list over, in index order, after the
//! last pair.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod canonical;
pub mod cursor;
pub use canonical::{RFC3986_QUERY, encode_component};
pub use cursor::Cursor;
pub mod error;
pub mod exec;
pub mod integrations;
mod limits;
#[cfg(feature = "openapi")]
pub mod openapi;
pub mod page;
mod parse;
pub mod schema;
pub mod sql;
pub mod timestamp;
mod validate;

pub use error::{
    ErrorCode, ErrorDocument, ErrorObject, ErrorSource, ParseError, QueryError, QueryErrors,
    UnknownName, ValidationError,
};
pub use limits::{LimitKind, Limits};
pub use page::{ListResponse, PageEnvelope, PageError, PageOptions, PageTotals, PageUrls};
pub use parse::{ParamName, ParamNames, SortDirection};
pub use rust_decimal::Decimal;
pub use schema::{
    Aggregate, AggregateFn, AggregateValue, CountMode, EmptyFilter, Field, FieldId, FieldType,
    FilterOp, IntoResource, Join, JoinKind, MAX_FIELDS, NullsOrder, OpSet, PaginationMode,
    Resource, Schema, SchemaError,
};
pub use sql::{CountQuery, CountResult, Dialect, ListSql, SqlError, SqlExplain};
pub use validate::{
    Filter, ListParam, ListQuery, Pagination, RequestOptions, Role, SortKey, SortOrigin, Text,
    Value, ValueList, resolve_page_leniently,
};

#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

#[cfg(doctest)]
#[doc = include_str!("../docs/performance.md")]
struct PerformanceDoctests;

/// The timestamp format of the seed API: `YYYY-MM-DD HH:MM:SS` (UTC).
pub const TIMESTAMP_FORMAT: &str = "%Y-%m-%d %H:%M:%S";

//! Web framework integrations: extract a validated [`ListQuery`] from a request,
//! answer a bad query with HTTP 400 and the JSON:API error body.
//!
//! - `axum` (feature `axum`): `ListQuery` implements
//!   `FromRequestParts<S>` for any state `S: ListQueryContext`.
//! - `actix` (feature `actix`): `ListQuery` implements
//!   `FromRequest`, configured per app, scope or resource with
//!   `.app_data(ListQueryConfig::new(resource))`.
//!
//! Both take the request's raw query (`uri().query()`, `query_string()`) and hand
//! it to [`ListQuery::parse`] unchanged: the framework's own query deserializer
//! never sees `filter[...]`, so its rules (last value wins, `+` handling) cannot
//! differ from the ones listquery enforces. For your own extra parameters, use
//! the framework's `Query<T>` beside `ListQuery` in the same handler, or read
//! [`ListQuery::extra_params`].
//!
//! # Any other framework
//!
//! All an integration needs is the raw query string, still percent-encoded:
//!
//! ```
//! use std::sync::Arc;
//! use listquery::integrations::{ListQueryRejection, JSON_CONTENT_TYPE};
//! use listquery::{ListQuery, RequestOptions, Role, Schema};
//!
//! /// What your framework's handler would send back: status, content type, body.
//! fn list_customers(raw_query: Option<&str>, role: Role) -> (u16, &'static str, String) {
//!     let schema = Schema::from_path("examples/schema.toml").unwrap();
//!     let customers: &Arc<_> = schema.resource("customers").unwrap();
//!     match ListQuery::parse(raw_query.unwrap_or(""), customers, RequestOptions::for_role(role)) {
//!         // Apply `query` to your SELECT with `listquery::sql`, build the page…
//!         Ok(query) => (200, JSON_CONTENT_TYPE, format!("{} filter(s)", query.filters().len())),
//!         Err(errors) => {
//!             let rejection = ListQueryRejection::from(errors);
//!             (rejection.status(), JSON_CONTENT_TYPE, rejection.to_json())
//!         }
//!     }
//! }
//!
//! assert_eq!(list_customers(Some("filter[status]=active&page=2"), Role::Agent).0, 200);
//! let (status, _, body) = list_customers(Some("sort=-nope"), Role::Admin);
//! assert_eq!(status, 400);
//! assert!(body.starts_with(r#"{"errors":[{"status":"400","code":"sort_not_allowed","#));
//! ```
//!
//! [`ListQuery`]: crate::ListQuery
//! [`ListQuery::parse`]: crate::ListQuery::parse
//! [`ListQuery::extra_params`]: crate::ListQuery::extra_params

#[cfg(feature = "actix")]
pub mod actix;
#[cfg(feature = "axum")]
pub mod axum;

use crate::error::QueryErrors;

/// The content type of every body the integrations send.
pub const JSON_CONTENT_TYPE: &str = "application/json";

/// The body of a generic HTTP 500: no detail, and never database text (log the
/// cause on the server instead).
pub const INTERNAL_ERROR_BODY: &str =
    r#"{"errors":[{"status":"500","code":"internal_error","title":"Internal server error"}]}"#;

/// Why a request's [`ListQuery`](crate::ListQuery) could not be extracted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ListQueryRejection {
    /// The query string is invalid: HTTP 400 with the JSON:API error body.
    #[error(transparent)]
    Invalid(QueryErrors),
    /// The app configured no resource for this route: a server mistake, HTTP 500.
    #[error("no listquery resource is configured for this route")]
    NoResource,
}

impl ListQueryRejection {
    /// The HTTP status to answer with: 400 for [`ListQueryRejection::Invalid`],
    /// 500 otherwise.
    pub fn status(&self) -> u16 {
        match self {
            Self::Invalid(_) => 400,
            Self::NoResource => 500,
        }
    }

    /// The JSON body to answer with: [`QueryErrors::to_json_api`] for a bad
    /// query, [`INTERNAL_ERROR_BODY`] for a server mistake.
    pub fn to_json(&self) -> String {
        match self {
            Self::Invalid(errors) => errors.to_json_api().to_json(),
            Self::NoResource => INTERNAL_ERROR_BODY.to_owned(),
        }
    }
}

impl From<QueryErrors> for ListQueryRejection {
    fn from(errors: QueryErrors) -> Self {
        Self::Invalid(errors)
    }
}

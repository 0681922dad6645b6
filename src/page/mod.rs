//! The response layer (SPEC §4–§6): the Laravel-compatible page envelope,
//! page URLs, the optional `links` array, `metadata`, and the capped
//! unpaginated answer.
//!
//! The usual entry point is [`ListResponse::new`]: a validated [`ListQuery`],
//! the rows and totals the SQL layer read, and [`PageOptions`] (the base path,
//! given by the caller — never taken from `Host` or `X-Forwarded-*` headers).
//!
//! ```
//! use listquery::page::{PageEnvelope, PageUrls, LinkOptions};
//! use listquery::Pagination;
//! let urls = PageUrls::new("/v1/orders")?.pairs([("sort", "-placed_on")]);
//! let env = PageEnvelope::new(Pagination { page: 2, per_page: 15, offset: 15 }, 20, vec!["row"; 5], &urls)
//!     .with_links(&urls, &LinkOptions::default());
//! assert_eq!((env.from, env.to), (Some(16), Some(20)));
//! assert_eq!(env.prev_page_url.as_deref(), Some("/v1/orders?sort=-placed_on&page=1"));
//! assert_eq!(env.next_page_url, None);
//! # Ok::<(), listquery::page::PageError>(())
//! ```
//!
//! [`ListQuery`]: crate::ListQuery

mod envelope;
mod links;
mod modes;
mod url;

pub use envelope::{
    ListResponse, Metadata, PageEnvelope, PageOptions, PageTotals, check_row_count,
};
pub use links::{LinkOptions, PageLink, PageLinkKind};
pub use modes::{CursorEnvelope, SimpleEnvelope};
pub use url::PageUrls;

use crate::error::{ErrorCode, ErrorDocument, ErrorObject};

/// Errors of the response layer.
///
/// Only [`PageError::TooManyRows`] is the client's to fix (it has a
/// [`code`](PageError::code) and a JSON:API body); the others are mistakes in
/// the server's configuration or in what it passed in.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PageError {
    /// An unpaginated list has more rows than `max_unpaginated_rows`.
    #[error(
        "this list has more than {max} rows, too many to return at once; request it in pages with '{page_parameter}' (and '{per_page_parameter}', at most {max_per_page})"
    )]
    TooManyRows {
        /// The resource's `max_unpaginated_rows`.
        max: u64,
        /// The name of the page parameter, for the message.
        page_parameter: String,
        /// The name of the page-size parameter, for the message.
        per_page_parameter: String,
        /// The resource's `max_per_page`.
        max_per_page: u64,
    },
    /// The base path would send clients elsewhere or is not a path.
    #[error("the page base path {path:?} is rejected: {reason}")]
    InvalidPath {
        /// The path given.
        path: String,
        /// Why.
        reason: &'static str,
    },
    /// An offset page, or a page with metadata, was answered without the
    /// count statement's result.
    #[error("an offset page (and any page with metadata) needs the count statement's result")]
    MissingTotal,
    /// A cursor page's boundary row has no value for a cursor key.
    #[error("cannot make the cursor: key '{key}': {reason}")]
    CursorValue {
        /// The cursor key (a sort field's name).
        key: String,
        /// Why.
        reason: String,
    },
    /// Metadata was asked for but an aggregate the resource declares has no value.
    #[error("metadata was asked for but the aggregate '{name}' has no value")]
    MissingAggregate {
        /// The aggregate.
        name: String,
    },
    /// A value was given for an aggregate the resource does not declare.
    #[error("the aggregate '{name}' is not declared by the resource")]
    UnknownAggregate {
        /// The name given.
        name: String,
    },
}

impl PageError {
    /// The stable machine code, for errors a client should see
    /// ([`ErrorCode::TooManyRows`]); `None` for server-side mistakes.
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            Self::TooManyRows { .. } => Some(ErrorCode::TooManyRows),
            _ => None,
        }
    }

    /// The JSON:API error document for the client (HTTP 400), for errors with
    /// a [`code`](PageError::code); `None` for server-side mistakes (answer
    /// those with a 500 and log them).
    ///
    /// ```
    /// use listquery::page::PageError;
    /// let e = PageError::TooManyRows {
    ///     max: 1000,
    ///     page_parameter: "page".into(),
    ///     per_page_parameter: "per_page".into(),
    ///     max_per_page: 100,
    /// };
    /// let body = e.to_json_api().unwrap().to_json();
    /// assert!(body.starts_with(r#"{"errors":[{"status":"400","code":"too_many_rows","#));
    /// ```
    pub fn to_json_api(&self) -> Option<ErrorDocument> {
        let code = self.code()?;
        Some(ErrorDocument {
            errors: vec![ErrorObject::new(code, self.to_string(), None)],
        })
    }
}

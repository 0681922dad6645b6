//! Running a request on a database driver: from a validated [`ListQuery`]
//! and your base statement to the page and the envelope, with the page and
//! its count read in one transaction (so both see the same rows).
//!
//! - [`rusqlite`](crate::exec::rusqlite) (feature `rusqlite`): values bound
//!   with `sea-query-rusqlite`.
//!
//! [`ListQuery`]: crate::ListQuery

#[cfg(feature = "rusqlite")]
pub mod rusqlite;

use crate::page::PageTotals;

/// What a request read: its rows (one more than the page in simple and
/// cursor mode, the cap plus one when unpaginated, as
/// [`ListResponse::new`](crate::page::ListResponse::new) expects) and, when
/// the envelope needs them, the total and the aggregates.
#[derive(Debug, Clone, PartialEq)]
pub struct Fetched<T> {
    /// The rows, as your mapping made them.
    pub rows: Vec<T>,
    /// The count statement's result, when the request needs a total or
    /// metadata ([`ListQuery::needs_totals`](crate::ListQuery::needs_totals)).
    pub totals: Option<PageTotals>,
}

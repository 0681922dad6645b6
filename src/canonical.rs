//! The canonical printer: a [`ListQuery`] back to query parameters.
//!
//! Page URLs are built from this, and parsing what it prints gives the same
//! [`ListQuery`] back (tested as a property).

use crate::validate::ListQuery;

impl ListQuery {
    /// The request's list parameters as decoded `(key, value)` pairs, in the
    /// order they came, each value in canonical form (filter values quoted
    /// where the list grammar needs it). Unrecognised parameters are not
    /// included; see [`ListQuery::extra_params`].
    pub fn to_pairs(&self) -> Vec<(String, String)> {
        Vec::new()
    }

    /// [`ListQuery::to_pairs`] percent-encoded as PHP's
    /// `http_build_query(..., PHP_QUERY_RFC3986)` does (only `A-Za-z0-9-_.~`
    /// literal) and joined with `&`.
    pub fn to_query_string(&self) -> String {
        String::new()
    }
}

//! Per-resource limits (SPEC §9). Every limit is enforced as an error
//! (`limit_exceeded`, `invalid_per_page`, `offset_too_large`, `too_many_rows`),
//! never by silently truncating or clamping input.

use serde::{Deserialize, Serialize};

/// The limits one resource enforces on a request.
///
/// A small `Copy` value with safe defaults and `const fn` setters:
///
/// ```
/// use listquery::Limits;
/// const STRICT: Limits = Limits::new().max_filters(5).max_sort_keys(2);
/// assert_eq!(STRICT.max_filters, 5);
/// assert_eq!(STRICT.max_query_len, 8192);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct Limits {
    /// Raw query length in bytes (default 8192).
    pub max_query_len: usize,
    /// Number of non-empty `key=value` pairs (default 64); one plain `page`
    /// pair is not counted, so the page URLs built from an accepted request
    /// (which add `page`) are accepted too. Each filter is compared with the
    /// earlier ones to find a repeated one, so parsing costs grow with the
    /// square of this limit: keep it in the hundreds.
    pub max_params: usize,
    /// Number of filters, counting each field + operator pair (default 20).
    pub max_filters: usize,
    /// Values in one filter (default 100).
    pub max_filter_values: usize,
    /// Length in bytes of one decoded filter value (default 1024).
    pub max_value_len: usize,
    /// Sort keys sent by the client (default 5).
    pub max_sort_keys: usize,
    /// Largest offset `(page - 1) * per_page` (default 1,000,000).
    pub max_offset: u64,
    /// Rows an unpaginated list may return (default 1000).
    pub max_unpaginated_rows: u64,
    /// Bound values in one SQL statement (default 1000).
    pub max_bound_values: usize,
    /// OR groups (`filter[or][G][...]`, SPEC §14) in one request (default 10).
    pub max_or_groups: usize,
    /// `contains`, `starts_with` and `ends_with` values in one request, each
    /// a `LIKE` that reads every row it is applied to (default 20).
    pub max_like_patterns: usize,
}

impl Limits {
    /// The defaults of SPEC §9.
    pub const fn new() -> Self {
        Self {
            max_query_len: 8192,
            max_params: 64,
            max_filters: 20,
            max_filter_values: 100,
            max_value_len: 1024,
            max_sort_keys: 5,
            max_offset: 1_000_000,
            max_unpaginated_rows: 1000,
            max_bound_values: 1000,
            max_or_groups: 10,
            max_like_patterns: 20,
        }
    }

    /// Sets [`Limits::max_query_len`].
    pub const fn max_query_len(mut self, n: usize) -> Self {
        self.max_query_len = n;
        self
    }
    /// Sets [`Limits::max_params`].
    pub const fn max_params(mut self, n: usize) -> Self {
        self.max_params = n;
        self
    }
    /// Sets [`Limits::max_filters`].
    pub const fn max_filters(mut self, n: usize) -> Self {
        self.max_filters = n;
        self
    }
    /// Sets [`Limits::max_filter_values`].
    pub const fn max_filter_values(mut self, n: usize) -> Self {
        self.max_filter_values = n;
        self
    }
    /// Sets [`Limits::max_value_len`].
    pub const fn max_value_len(mut self, n: usize) -> Self {
        self.max_value_len = n;
        self
    }
    /// Sets [`Limits::max_sort_keys`].
    pub const fn max_sort_keys(mut self, n: usize) -> Self {
        self.max_sort_keys = n;
        self
    }
    /// Sets [`Limits::max_offset`].
    pub const fn max_offset(mut self, n: u64) -> Self {
        self.max_offset = n;
        self
    }
    /// Sets [`Limits::max_unpaginated_rows`].
    pub const fn max_unpaginated_rows(mut self, n: u64) -> Self {
        self.max_unpaginated_rows = n;
        self
    }
    /// Sets [`Limits::max_bound_values`].
    pub const fn max_bound_values(mut self, n: usize) -> Self {
        self.max_bound_values = n;
        self
    }
    /// Sets [`Limits::max_or_groups`].
    pub const fn max_or_groups(mut self, n: usize) -> Self {
        self.max_or_groups = n;
        self
    }
    /// Sets [`Limits::max_like_patterns`].
    pub const fn max_like_patterns(mut self, n: usize) -> Self {
        self.max_like_patterns = n;
        self
    }
}

impl Default for Limits {
    fn default() -> Self {
        Self::new()
    }
}

/// Which limit an input went over; `as_str` is the key in the schema's
/// `limits` table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum LimitKind {
    /// `max_query_len`
    QueryLength,
    /// `max_params`
    Params,
    /// `max_filters`
    Filters,
    /// `max_filter_values`
    FilterValues,
    /// `max_value_len`
    ValueLength,
    /// `max_sort_keys`
    SortKeys,
    /// `max_bound_values`
    BoundValues,
    /// `max_or_groups`
    OrGroups,
    /// `max_like_patterns`
    LikePatterns,
}

impl LimitKind {
    /// The limit's key, as written in a schema's `limits` table.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::QueryLength => "max_query_len",
            Self::Params => "max_params",
            Self::Filters => "max_filters",
            Self::FilterValues => "max_filter_values",
            Self::ValueLength => "max_value_len",
            Self::SortKeys => "max_sort_keys",
            Self::BoundValues => "max_bound_values",
            Self::OrGroups => "max_or_groups",
            Self::LikePatterns => "max_like_patterns",
        }
    }

    /// What is being counted, for messages ("query bytes", "filters", ...).
    pub const fn counts(self) -> &'static str {
        match self {
            Self::QueryLength => "bytes in the query string",
            Self::Params => "parameters",
            Self::Filters => "filters",
            Self::FilterValues => "values in one filter",
            Self::ValueLength => "bytes in one value",
            Self::SortKeys => "sort keys",
            Self::BoundValues => "bound values in one statement",
            Self::OrGroups => "OR groups",
            Self::LikePatterns => "contains/starts_with/ends_with patterns",
        }
    }
}

impl std::fmt::Display for LimitKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

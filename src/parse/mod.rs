//! The query-string layer (SPEC §1) and the grammars of its values: the key
//! grammar (`filter[FIELD][OP]`), the sort list (§2) and the filter value
//! list (§3). It knows nothing of schemas or SQL.
//!
//! One route: [`scan_query`] splits a raw query into pairs, percent-decodes
//! each into two buffers reused for every pair, recognises the key, checks
//! the value by its grammar and hands the parameter to the validator
//! ([`crate::ListQuery::parse`]), which keeps only typed values.
//!
//! The grammars are nom parsers, one function per SPEC rule (the table is in
//! the crate docs); pairs and percent-decoding are plain functions.

mod decode;
mod grammar;
mod query;

use serde::{Deserialize, Serialize};

pub(crate) use grammar::{SortItem, SortItems, sort_list};
pub(crate) use query::{Param, ParamKind, scan_query};

use crate::limits::Limits;

/// The names of the recognised query parameters; each is configurable per
/// resource (schema table `parameters`).
///
/// ```
/// use listquery::ParamNames;
/// let names = ParamNames::default().per_page("limit");
/// assert_eq!((names.page.as_str(), names.per_page.as_str()), ("page", "limit"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct ParamNames {
    /// Sort list (default `sort`).
    pub sort: String,
    /// Filter prefix, as in `filter[status]` (default `filter`).
    pub filter: String,
    /// Page number (default `page`).
    pub page: String,
    /// Page size (default `per_page`).
    pub per_page: String,
    /// Metadata flag (default `metadata`).
    pub metadata: String,
    /// Cursor (default `cursor`); recognised, so never silently taken as an app parameter.
    pub cursor: String,
}

impl Default for ParamNames {
    fn default() -> Self {
        Self {
            sort: "sort".into(),
            filter: "filter".into(),
            page: "page".into(),
            per_page: "per_page".into(),
            metadata: "metadata".into(),
            cursor: "cursor".into(),
        }
    }
}

impl ParamNames {
    /// Sets [`ParamNames::sort`].
    pub fn sort(mut self, name: impl Into<String>) -> Self {
        self.sort = name.into();
        self
    }
    /// Sets [`ParamNames::filter`].
    pub fn filter(mut self, name: impl Into<String>) -> Self {
        self.filter = name.into();
        self
    }
    /// Sets [`ParamNames::page`].
    pub fn page(mut self, name: impl Into<String>) -> Self {
        self.page = name.into();
        self
    }
    /// Sets [`ParamNames::per_page`].
    pub fn per_page(mut self, name: impl Into<String>) -> Self {
        self.per_page = name.into();
        self
    }
    /// Sets [`ParamNames::metadata`].
    pub fn metadata(mut self, name: impl Into<String>) -> Self {
        self.metadata = name.into();
        self
    }
    /// Sets [`ParamNames::cursor`].
    pub fn cursor(mut self, name: impl Into<String>) -> Self {
        self.cursor = name.into();
        self
    }
}

/// How to parse: parameter names, limits, and whether unknown keys are errors.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ParseConfig<'a> {
    /// The recognised parameter names.
    pub(crate) names: &'a ParamNames,
    /// The limits to enforce.
    pub(crate) limits: &'a Limits,
    /// Reject unrecognised keys with `unknown_parameter` (default: ignore them).
    pub(crate) strict: bool,
    /// Take a filter with an empty value as absent (`empty_filter = "ignore"`).
    pub(crate) ignore_empty_filters: bool,
}

/// Sort direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SortDirection {
    /// Ascending (no prefix, or `+` sent as `%2B`).
    #[default]
    Asc,
    /// Descending (`-` prefix).
    Desc,
}

impl SortDirection {
    /// `"asc"` or `"desc"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Asc => "asc",
            Self::Desc => "desc",
        }
    }
}

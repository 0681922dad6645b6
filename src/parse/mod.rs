//! The query-string layer (SPEC §1) and the grammars of its values: the key
//! grammar (`filter[FIELD][OP]`), the sort list (§2) and the filter value list (§3).
//!
//! This layer knows nothing of schemas or SQL: it turns a raw query into a
//! [`RawQuery`] of decoded, structurally checked parameters, borrowing from the
//! input wherever nothing needed decoding.
//!
//! One scanner does the work. [`parse_query`] collects what it finds;
//! [`crate::ListQuery::parse`] does not build a `RawQuery` at all: it validates
//! each parameter as the scanner finds it, decoded into two buffers reused for
//! every pair, so a request costs a single pass and allocates only what the
//! resulting `ListQuery` keeps. Both give the same result and the same errors
//! (a property test checks it).

mod decode;
mod grammar;
mod query;

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

pub(crate) use grammar::SortItem;
pub use grammar::{parse_sort_list, parse_value_list};
pub(crate) use query::{FilterParam, Lists, Param, ParamKind, ParamSink, scan_query};
pub use query::{parse_query, parse_query_partial};

use crate::limits::Limits;

/// The names of the recognised query parameters; each is configurable per resource.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
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

/// How to parse: parameter names, limits, and whether unknown keys are errors.
#[derive(Debug, Clone, Copy)]
pub struct ParseConfig<'a> {
    /// The recognised parameter names.
    pub names: &'a ParamNames,
    /// The limits to enforce.
    pub limits: &'a Limits,
    /// Reject unrecognised keys with `unknown_parameter` (default: ignore them).
    pub strict: bool,
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

/// One key of a sort list, as sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawSortKey<'a> {
    /// The field name (`created_at`), syntactically valid but not yet checked
    /// against a schema.
    pub field: Cow<'a, str>,
    /// The direction.
    pub direction: SortDirection,
    /// Byte offset of the key in the decoded sort value.
    pub offset: usize,
}

/// One item of a filter's value list, after unquoting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawValue<'a> {
    /// The text: a bare item trimmed, or a quoted item unescaped.
    pub text: Cow<'a, str>,
    /// Whether the item was quoted.
    pub quoted: bool,
    /// Byte offset of the item in the decoded filter value.
    pub offset: usize,
}

/// A `filter[FIELD]` or `filter[FIELD][OP]` parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawFilter<'a> {
    /// The field name between the first brackets.
    pub field: Cow<'a, str>,
    /// The operator between the second brackets, if any.
    pub op: Option<Cow<'a, str>>,
    /// The parsed value list.
    pub values: Vec<RawValue<'a>>,
}

/// What a parameter is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RawParamKind<'a> {
    /// The sort list.
    Sort(Vec<RawSortKey<'a>>),
    /// A filter.
    Filter(RawFilter<'a>),
    /// `page`; the value is checked by validation.
    Page,
    /// `per_page`; the value is checked by validation.
    PerPage,
    /// `metadata`.
    Metadata,
    /// `cursor`.
    Cursor,
    /// An unrecognised key (kept so apps and page URLs can use it).
    Other,
}

/// One decoded `key=value` pair.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawParam<'a> {
    /// The decoded key, e.g. `filter[status]`.
    pub key: Cow<'a, str>,
    /// The decoded value.
    pub value: Cow<'a, str>,
    /// What the key is, with the value parsed by its grammar.
    pub kind: RawParamKind<'a>,
}

/// A parsed query string: its parameters in the order they came.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RawQuery<'a> {
    /// Every non-empty pair, recognised or not, in request order.
    pub params: Vec<RawParam<'a>>,
}

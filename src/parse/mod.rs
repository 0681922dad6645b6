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

/// Whether two names (a parameter, a field, a sort key, an enum value) are
/// equal: the comparison a request makes against every candidate. Names are
/// short, so up to 16 bytes they are compared as two (overlapping) words
/// each, inline: `==` on `str` calls `memcmp`, whose call and size dispatch
/// cost more than the comparison.
#[inline]
pub(crate) fn same_name(a: &str, b: &str) -> bool {
    same_bytes(a.as_bytes(), b.as_bytes())
}

/// [`same_name`] on bytes: the words of [`ends`], compared one at a time.
#[inline]
pub(crate) fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    match n {
        0 => true,
        1..=3 => {
            let mid = n / 2;
            byte(a, 0) == byte(b, 0)
                && byte(a, mid) == byte(b, mid)
                && byte(a, n - 1) == byte(b, n - 1)
        }
        4..=7 => word4(a, 0) == word4(b, 0) && word4(a, n - 4) == word4(b, n - 4),
        8..=WHOLE => word8(a, 0) == word8(b, 0) && word8(a, n - 8) == word8(b, n - 8),
        _ => a == b,
    }
}

/// Names up to this long are wholly in their [`ends`].
pub(crate) const WHOLE: usize = 16;

/// Two words that, with its length, are the whole of a name of up to
/// [`WHOLE`] bytes: its first and last eight bytes (overlapping), four for a
/// shorter name, and its first, middle and last byte below four.
#[inline]
pub(crate) fn ends(b: &[u8]) -> (u64, u64) {
    let n = b.len();
    match n {
        0 => (0, 0),
        1..=3 => (byte(b, 0) | byte(b, n / 2) << 8 | byte(b, n - 1) << 16, 0),
        4..=7 => (word4(b, 0), word4(b, n - 4)),
        _ => (word8(b, 0), word8(b, n - 8)),
    }
}

/// The byte of `s` at `at` (0 past its end).
#[inline]
fn byte(s: &[u8], at: usize) -> u64 {
    u64::from(s.get(at).copied().unwrap_or_default())
}

/// The four bytes of `s` from `at` as a word (0 past its end).
#[inline]
fn word4(s: &[u8], at: usize) -> u64 {
    let w = s.get(at..at + 4).and_then(|w| <[u8; 4]>::try_from(w).ok());
    u64::from(w.map(u32::from_ne_bytes).unwrap_or_default())
}

/// The eight bytes of `s` from `at` as a word (0 past its end).
#[inline]
fn word8(s: &[u8], at: usize) -> u64 {
    let w = s.get(at..at + 8).and_then(|w| <[u8; 8]>::try_from(w).ok());
    w.map(u64::from_ne_bytes).unwrap_or_default()
}

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

#[cfg(test)]
mod tests {
    use super::same_bytes;

    /// Names compared in words agree with `==` at every length around the
    /// word sizes, for a difference at every position (and none).
    #[test]
    fn same_bytes_is_equality() {
        for len in 0..=40 {
            let a: Vec<u8> = (0..len).map(|i| b'a' + (i % 26) as u8).collect();
            assert!(same_bytes(&a, &a.clone()), "{len}");
            for at in 0..len {
                let mut b = a.clone();
                if let Some(byte) = b.get_mut(at) {
                    *byte ^= 1;
                }
                assert!(!same_bytes(&a, &b), "{len} {at}");
            }
            assert!(!same_bytes(&a, &[a.as_slice(), b"x"].concat()), "{len}");
        }
    }
}

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

use std::fmt;

use serde::{Deserialize, Serialize};

pub(crate) use grammar::{SortItem, SortItems, sort_list};
pub(crate) use query::{Param, ParamKind, scan_query};

use crate::limits::Limits;

/// The names of the recognised query parameters, each configurable per
/// resource (schema table `params`, SPEC §10 and §13). A parameter may have
/// aliases: the first name is the one page links write, and every name is
/// accepted in requests.
///
/// ```
/// use listquery::ParamNames;
/// // Rename `per_page` to `limit`.
/// let renamed = ParamNames::default().per_page("limit");
/// assert_eq!(renamed.per_page.names(), ["limit"]);
/// // Accept `limit` too (vue-api-query sends it); links keep `per_page`.
/// let aliased = ParamNames::default().per_page(["per_page", "limit"]);
/// assert_eq!(aliased.per_page.name(), "per_page");
/// assert!(aliased.per_page.is("limit"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct ParamNames {
    /// Sort list (default `sort`).
    pub sort: ParamName,
    /// Filter prefix, as in `filter[status]` (default `filter`).
    pub filter: ParamName,
    /// Page number (default `page`).
    pub page: ParamName,
    /// Page size (default `per_page`).
    pub per_page: ParamName,
    /// Metadata flag (default `metadata`).
    pub metadata: ParamName,
    /// Cursor (default `cursor`); recognised, so never silently taken as an app parameter.
    pub cursor: ParamName,
    /// Sparse fieldset (SPEC §16; default `fields`, and JSON:API's
    /// `fields[RESOURCE]` as an alias once the resource is built).
    pub fields: ParamName,
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
            fields: "fields".into(),
        }
    }
}

impl ParamNames {
    /// Sets [`ParamNames::sort`].
    pub fn sort(mut self, names: impl Into<ParamName>) -> Self {
        self.sort = names.into();
        self
    }
    /// Sets [`ParamNames::filter`].
    pub fn filter(mut self, names: impl Into<ParamName>) -> Self {
        self.filter = names.into();
        self
    }
    /// Sets [`ParamNames::page`].
    pub fn page(mut self, names: impl Into<ParamName>) -> Self {
        self.page = names.into();
        self
    }
    /// Sets [`ParamNames::per_page`].
    pub fn per_page(mut self, names: impl Into<ParamName>) -> Self {
        self.per_page = names.into();
        self
    }
    /// Sets [`ParamNames::metadata`].
    pub fn metadata(mut self, names: impl Into<ParamName>) -> Self {
        self.metadata = names.into();
        self
    }
    /// Sets [`ParamNames::cursor`].
    pub fn cursor(mut self, names: impl Into<ParamName>) -> Self {
        self.cursor = names.into();
        self
    }

    /// Sets [`ParamNames::fields`].
    pub fn fields(mut self, names: impl Into<ParamName>) -> Self {
        self.fields = names.into();
        self
    }

    /// Each parameter's schema key and names, in a fixed order.
    pub(crate) fn all(&self) -> [(&'static str, &ParamName); 7] {
        [
            ("sort", &self.sort),
            ("filter", &self.filter),
            ("page", &self.page),
            ("per_page", &self.per_page),
            ("metadata", &self.metadata),
            ("cursor", &self.cursor),
            ("fields", &self.fields),
        ]
    }
}

/// The names one recognised parameter answers to: the first is its name in
/// page links, the others are aliases accepted in requests. In a schema file
/// it is a string or a list of strings (`per_page = ["per_page", "limit"]`).
///
/// ```
/// use listquery::ParamName;
/// let size = ParamName::from(["page[size]", "per_page"]);
/// assert_eq!(size.to_string(), "page[size]");
/// assert_eq!(size.aliases(), ["per_page"]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(from = "OneOrMany", into = "OneOrMany")]
pub struct ParamName(Vec<String>);

impl ParamName {
    /// The name page links write.
    pub fn name(&self) -> &str {
        self.0.first().map_or("", String::as_str)
    }
    /// The other accepted names.
    pub fn aliases(&self) -> &[String] {
        self.0.get(1..).unwrap_or_default()
    }
    /// Every accepted name, the link name first.
    pub fn names(&self) -> &[String] {
        &self.0
    }
    /// Whether `key` is one of the names.
    pub fn is(&self, key: &str) -> bool {
        self.0.iter().any(|name| name == key)
    }
}

impl fmt::Display for ParamName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl From<&str> for ParamName {
    fn from(name: &str) -> Self {
        Self(vec![name.to_owned()])
    }
}

impl From<String> for ParamName {
    fn from(name: String) -> Self {
        Self(vec![name])
    }
}

impl<const N: usize> From<[&str; N]> for ParamName {
    fn from(names: [&str; N]) -> Self {
        Self(names.iter().map(|&name| name.to_owned()).collect())
    }
}

impl From<Vec<String>> for ParamName {
    fn from(names: Vec<String>) -> Self {
        Self(names)
    }
}

/// A [`ParamName`] in a schema file: one name, or the name and its aliases.
#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

/// An empty list is the schema checker's to reject, with the resource named.
impl From<OneOrMany> for ParamName {
    fn from(names: OneOrMany) -> Self {
        match names {
            OneOrMany::One(name) => Self(vec![name]),
            OneOrMany::Many(names) => Self(names),
        }
    }
}

impl From<ParamName> for OneOrMany {
    fn from(mut names: ParamName) -> Self {
        if names.0.len() == 1 {
            Self::One(names.0.remove(0))
        } else {
            Self::Many(names.0)
        }
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

//! Errors, one enum per layer (SPEC §8), each with a stable machine [`ErrorCode`].
//!
//! A request's errors are all collected ([`QueryErrors`]), not only the first, and
//! turn into a ready JSON:API body for HTTP 400 with [`QueryErrors::to_json_api`].
//! No error ever carries database text: validation happens before SQL exists.

use std::fmt;

use serde::Serialize;

use crate::limits::LimitKind;

/// The stable machine code of an error; part of the public contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum ErrorCode {
    /// Bad `%` escape, bytes that are not UTF-8, or a control character.
    InvalidEncoding,
    /// A recognised key given twice.
    DuplicateParameter,
    /// `filter`, `filter[]`, `filter[a][b][c]`, an array with a gap or a
    /// repeated index.
    MalformedParameter,
    /// Any other key, only with the strict option.
    UnknownParameter,
    /// Unknown or unsortable sort field.
    SortNotAllowed,
    /// Empty sort key, a field twice, a raw `+`, bad characters.
    InvalidSort,
    /// Unknown or unfilterable field.
    FilterNotAllowed,
    /// Unknown operator, or one the field does not allow.
    OperatorNotAllowed,
    /// A value that does not fit its type, an empty item, an unterminated quote.
    InvalidValue,
    /// Wrong number of values for the operator.
    ValueCount,
    /// `page` is not an integer >= 1.
    InvalidPage,
    /// `per_page` is not an integer in `1..=max_per_page`.
    InvalidPerPage,
    /// `(page - 1) * per_page` is over `max_offset`.
    OffsetTooLarge,
    /// Metadata asked on an unpaginated request or a resource without aggregates.
    MetadataUnavailable,
    /// A limit of SPEC §9 was exceeded.
    LimitExceeded,
    /// An unpaginated result has more rows than `max_unpaginated_rows`.
    TooManyRows,
    /// A cursor that does not decode, does not match the request's sort, has a
    /// value of the wrong type, comes with `page`, or is sent to an endpoint
    /// without cursor pagination.
    InvalidCursor,
    /// A `fields` entry that is unknown or not selectable.
    FieldNotAllowed,
}

impl ErrorCode {
    /// Every code, in SPEC order.
    pub const ALL: [ErrorCode; 18] = [
        Self::InvalidEncoding,
        Self::DuplicateParameter,
        Self::MalformedParameter,
        Self::UnknownParameter,
        Self::SortNotAllowed,
        Self::InvalidSort,
        Self::FilterNotAllowed,
        Self::OperatorNotAllowed,
        Self::InvalidValue,
        Self::ValueCount,
        Self::InvalidPage,
        Self::InvalidPerPage,
        Self::OffsetTooLarge,
        Self::MetadataUnavailable,
        Self::LimitExceeded,
        Self::TooManyRows,
        Self::InvalidCursor,
        Self::FieldNotAllowed,
    ];

    /// The code as sent to clients, e.g. `"invalid_encoding"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::InvalidEncoding => "invalid_encoding",
            Self::DuplicateParameter => "duplicate_parameter",
            Self::MalformedParameter => "malformed_parameter",
            Self::UnknownParameter => "unknown_parameter",
            Self::SortNotAllowed => "sort_not_allowed",
            Self::InvalidSort => "invalid_sort",
            Self::FilterNotAllowed => "filter_not_allowed",
            Self::OperatorNotAllowed => "operator_not_allowed",
            Self::InvalidValue => "invalid_value",
            Self::ValueCount => "value_count",
            Self::InvalidPage => "invalid_page",
            Self::InvalidPerPage => "invalid_per_page",
            Self::OffsetTooLarge => "offset_too_large",
            Self::MetadataUnavailable => "metadata_unavailable",
            Self::LimitExceeded => "limit_exceeded",
            Self::TooManyRows => "too_many_rows",
            Self::InvalidCursor => "invalid_cursor",
            Self::FieldNotAllowed => "field_not_allowed",
        }
    }

    /// A short human title, the same for every error of this code.
    pub const fn title(self) -> &'static str {
        match self {
            Self::InvalidEncoding => "Invalid encoding",
            Self::DuplicateParameter => "Duplicate parameter",
            Self::MalformedParameter => "Malformed parameter",
            Self::UnknownParameter => "Unknown parameter",
            Self::SortNotAllowed => "Sort not allowed",
            Self::InvalidSort => "Invalid sort",
            Self::FilterNotAllowed => "Filter not allowed",
            Self::OperatorNotAllowed => "Operator not allowed",
            Self::InvalidValue => "Invalid value",
            Self::ValueCount => "Wrong number of values",
            Self::InvalidPage => "Invalid page",
            Self::InvalidPerPage => "Invalid page size",
            Self::OffsetTooLarge => "Offset too large",
            Self::MetadataUnavailable => "Metadata unavailable",
            Self::LimitExceeded => "Limit exceeded",
            Self::TooManyRows => "Too many rows",
            Self::InvalidCursor => "Invalid cursor",
            Self::FieldNotAllowed => "Field not allowed",
        }
    }
}

/// A code from its string form (`"invalid_page"`).
///
/// ```
/// use listquery::ErrorCode;
/// assert_eq!("invalid_page".parse(), Ok(ErrorCode::InvalidPage));
/// assert!("no_such_code".parse::<ErrorCode>().is_err());
/// ```
impl std::str::FromStr for ErrorCode {
    type Err = UnknownName;
    fn from_str(s: &str) -> Result<Self, UnknownName> {
        Self::ALL
            .into_iter()
            .find(|c| c.as_str() == s)
            .ok_or_else(|| UnknownName(s.to_owned()))
    }
}

/// A name that is not one of a closed set's (an [`ErrorCode`], a
/// [`crate::FilterOp`]): the `FromStr` error.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown name {0:?}")]
pub struct UnknownName(pub String);

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for ErrorCode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// What is wrong with a percent-encoded key or value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum EncodingProblem {
    /// `%` not followed by two hex digits (`%G1`, a trailing `%`).
    MalformedEscape,
    /// The decoded bytes are not UTF-8.
    NotUtf8,
    /// A decoded control character (U+0000–U+001F, U+007F).
    ControlCharacter,
}

impl fmt::Display for EncodingProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::MalformedEscape => "a '%' that is not followed by two hex digits",
            Self::NotUtf8 => "percent-decoded bytes that are not UTF-8",
            Self::ControlCharacter => "a control character",
        })
    }
}

/// What is wrong with a sort list.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SortProblem {
    /// An empty key, as in `a,,b` or a trailing comma.
    EmptyKey,
    /// The same field twice.
    DuplicateField(String),
    /// A raw `+` in the URL, which decodes to a space.
    RawPlus,
    /// A space after a comma (`-amount, id`, as `join(', ')` writes it).
    SpaceAfterComma,
    /// A character that cannot start or continue a field name.
    BadCharacter(char),
}

impl fmt::Display for SortProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::EmptyKey => f.write_str("an empty sort key (two commas in a row, or a comma at an end)"),
            Self::DuplicateField(name) => write!(f, "the field '{name}' is sorted on twice"),
            Self::RawPlus => f.write_str(
                "a space where a sort direction was expected: a raw '+' in a URL decodes to a space; send '%2B' for ascending, or nothing",
            ),
            Self::SpaceAfterComma => f.write_str(
                "a space after a comma: separate sort keys with a comma alone (sort=-amount,id); for an ascending '+' send '%2B'",
            ),
            Self::BadCharacter(c) => write!(
                f,
                "the character {c:?}: a sort key is an optional '-' (descending) or '+' (ascending) and a field name [A-Za-z_][A-Za-z0-9_]*"
            ),
        }
    }
}

/// How to send a repeated parameter once: a list parameter (a filter, or the
/// sort) takes its values joined by commas.
fn duplicate_message(parameter: &str, first: &str, list: bool) -> String {
    let join = if list {
        format!(
            "send it once, with its values joined by commas ({}=a,b)",
            first.strip_suffix("[]").unwrap_or(first)
        )
    } else {
        "send it once".to_owned()
    };
    if parameter == first {
        format!("{parameter} is given more than once; {join}")
    } else {
        format!("{parameter} and {first} are the same parameter; {join}")
    }
}

/// What is wrong with a filter's value list (the grammar of SPEC §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ValueProblem {
    /// An empty item, as in `a,,b`, a trailing comma, or an empty value.
    EmptyItem,
    /// A `"` that opens a quoted item without a closing `"`.
    UnterminatedQuote,
    /// A `"` inside a bare item, or text after a closing quote.
    StrayQuote,
    /// A `\` inside quotes that is not followed by `"` or `\`.
    BadEscape,
    /// An empty element in a list sent as an array (`filter[status][]=`
    /// beside other elements).
    EmptyElement,
}

impl fmt::Display for ValueProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::EmptyItem => "an empty item (write values separated by single commas; quote an item to keep spaces)",
            Self::UnterminatedQuote => "a '\"' that is never closed",
            Self::StrayQuote => {
                "a '\"' in the middle of an item or text after a closing quote: quote the whole item, as \"a, b\""
            }
            Self::BadEscape => "a '\\' inside quotes that is not followed by '\"' or '\\'",
            Self::EmptyElement => "an empty element (each element of an array is one value)",
        })
    }
}

/// Errors of the query-string layer and its grammars (`src/parse`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ParseError {
    /// A key or value with a bad `%` escape, non-UTF-8 bytes or a control character.
    #[error("{parameter}: {problem} (at byte {offset})")]
    InvalidEncoding {
        /// The parameter, as much of its key as could be decoded.
        parameter: String,
        /// The raw (still encoded) text that failed.
        value: String,
        /// Byte offset of the problem in `value`.
        offset: usize,
        /// What is wrong.
        problem: EncodingProblem,
    },
    /// A recognised key given twice.
    #[error("{}", duplicate_message(.parameter, .first, *.list))]
    DuplicateParameter {
        /// The parameter, as the key that repeated it was sent.
        parameter: String,
        /// The key that gave it first: the same key, an alias
        /// (`per_page`, `limit`) or another form (`filter[status]`,
        /// `filter[status][]`).
        first: String,
        /// Whether it takes a list, whose values are joined by commas.
        list: bool,
    },
    /// A `filter` key that is not `filter[FIELD]` or `filter[FIELD][OP]`.
    #[error("{parameter} is malformed; {expected}")]
    MalformedParameter {
        /// The parameter as sent (decoded).
        parameter: String,
        /// The accepted form.
        expected: String,
    },
    /// An unrecognised key, with the strict option.
    #[error("{parameter} is not a parameter of this endpoint")]
    UnknownParameter {
        /// The parameter.
        parameter: String,
    },
    /// A sort list that does not follow the grammar.
    #[error("{parameter}: {problem} (at byte {offset} of {value:?})")]
    InvalidSort {
        /// The parameter (`sort`).
        parameter: String,
        /// The decoded value.
        value: String,
        /// Byte offset of the problem in `value`.
        offset: usize,
        /// What is wrong.
        problem: SortProblem,
    },
    /// A filter value list that does not follow the grammar.
    #[error("{parameter}: {problem} (at byte {offset} of {value:?})")]
    InvalidValue {
        /// The parameter (`filter[name]`).
        parameter: String,
        /// The decoded value.
        value: String,
        /// Byte offset of the problem in `value`.
        offset: usize,
        /// What is wrong.
        problem: ValueProblem,
    },
    /// A limit of SPEC §9.
    #[error("{}too many {}: {actual}, at most {max} ({limit})", parameter.as_ref().map(|p| format!("{p}: ")).unwrap_or_default(), limit.counts())]
    LimitExceeded {
        /// The parameter, when one is to blame.
        parameter: Option<String>,
        /// Which limit.
        limit: LimitKind,
        /// The limit.
        max: usize,
        /// What the request had (a lower bound when counting stopped early).
        actual: usize,
    },
}

impl ParseError {
    /// The stable machine code.
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::InvalidEncoding { .. } => ErrorCode::InvalidEncoding,
            Self::DuplicateParameter { .. } => ErrorCode::DuplicateParameter,
            Self::MalformedParameter { .. } => ErrorCode::MalformedParameter,
            Self::UnknownParameter { .. } => ErrorCode::UnknownParameter,
            Self::InvalidSort { .. } => ErrorCode::InvalidSort,
            Self::InvalidValue { .. } => ErrorCode::InvalidValue,
            Self::LimitExceeded { .. } => ErrorCode::LimitExceeded,
        }
    }

    /// The parameter to blame, e.g. `filter[status]`.
    pub fn parameter(&self) -> Option<&str> {
        match self {
            Self::InvalidEncoding { parameter, .. }
            | Self::DuplicateParameter { parameter, .. }
            | Self::MalformedParameter { parameter, .. }
            | Self::UnknownParameter { parameter }
            | Self::InvalidSort { parameter, .. }
            | Self::InvalidValue { parameter, .. } => Some(parameter),
            Self::LimitExceeded { parameter, .. } => parameter.as_deref(),
        }
    }

    /// The offending value, where there is one.
    pub fn value(&self) -> Option<&str> {
        match self {
            Self::InvalidEncoding { value, .. }
            | Self::InvalidSort { value, .. }
            | Self::InvalidValue { value, .. } => Some(value),
            _ => None,
        }
    }

    /// Byte offset of a grammar or encoding error in [`ParseError::value`].
    pub fn offset(&self) -> Option<usize> {
        match self {
            Self::InvalidEncoding { offset, .. }
            | Self::InvalidSort { offset, .. }
            | Self::InvalidValue { offset, .. } => Some(*offset),
            _ => None,
        }
    }
}

/// Errors found when checking a parsed query against a resource (`src/validate.rs`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ValidationError {
    /// Unknown or unsortable sort field.
    #[error(
        "{parameter}: cannot sort by '{field}'; sortable fields: {}",
        list(allowed)
    )]
    SortNotAllowed {
        /// The parameter (`sort`).
        parameter: String,
        /// The field asked for.
        field: String,
        /// The sortable fields.
        allowed: Vec<String>,
    },
    /// Unknown or unfilterable field.
    #[error(
        "{parameter}: cannot filter by '{field}'; filterable fields: {}",
        list(allowed)
    )]
    FilterNotAllowed {
        /// The parameter (`filter[field]`).
        parameter: String,
        /// The field asked for.
        field: String,
        /// The filterable fields.
        allowed: Vec<String>,
    },
    /// A `fields` entry that is unknown or not selectable (SPEC §16).
    #[error(
        "{parameter}: cannot select {}; selectable fields: {}",
        if field.is_empty() { "an empty entry (two commas in a row, or a comma at an end)".to_owned() } else { format!("'{field}'") },
        list(allowed)
    )]
    FieldNotAllowed {
        /// The parameter (`fields`).
        parameter: String,
        /// The entry as sent.
        field: String,
        /// The selectable fields.
        allowed: Vec<String>,
    },
    /// Unknown operator, or one the field does not allow.
    #[error(
        "{parameter}: the operator '{operator}' is not allowed here; allowed: {}",
        list(allowed)
    )]
    OperatorNotAllowed {
        /// The parameter (`filter[field][op]`).
        parameter: String,
        /// The operator asked for.
        operator: String,
        /// The operators this field allows.
        allowed: Vec<String>,
    },
    /// A value that does not fit the field's type.
    #[error("{parameter}: {value:?} is not {expected}")]
    InvalidValue {
        /// The parameter.
        parameter: String,
        /// The value.
        value: String,
        /// What was expected, e.g. `an integer` or `a date (YYYY-MM-DD)`.
        expected: String,
    },
    /// Wrong number of values for an operator.
    #[error("{parameter}: '{operator}' takes {expected}, got {actual}")]
    ValueCount {
        /// The parameter.
        parameter: String,
        /// The operator.
        operator: String,
        /// What the operator takes, e.g. `exactly 2 values`.
        expected: String,
        /// How many were sent.
        actual: usize,
    },
    /// `page` is not an integer >= 1.
    #[error(
        "{parameter}: {value:?} is not a page number; send an integer from 1 to {max}, without sign or leading zeros"
    )]
    InvalidPage {
        /// The parameter (`page`).
        parameter: String,
        /// The value.
        value: String,
        /// The last page whose offset is within `max_offset` at the
        /// request's page size.
        max: u64,
    },
    /// `per_page` is not an integer in `1..=max_per_page`.
    #[error("{parameter}: {value:?} is not a page size; send an integer from 1 to {max}")]
    InvalidPerPage {
        /// The parameter (`per_page`).
        parameter: String,
        /// The value.
        value: String,
        /// The resource's `max_per_page`.
        max: u64,
    },
    /// `(page - 1) * per_page` is over `max_offset`.
    #[error(
        "{parameter}: page {page} of size {per_page} starts past row {max}; narrow the filters, or use cursor pagination for deep pages"
    )]
    OffsetTooLarge {
        /// The parameter (`page`).
        parameter: String,
        /// The page asked for.
        page: u64,
        /// The page size.
        per_page: u64,
        /// The resource's `max_offset`.
        max: u64,
    },
    /// A `cursor` that cannot be used.
    #[error("{parameter}: {reason}")]
    InvalidCursor {
        /// The parameter (`cursor`).
        parameter: String,
        /// The value.
        value: String,
        /// What is wrong, in a sentence.
        reason: String,
    },
    /// Metadata asked where it is not offered.
    #[error("{parameter}: {reason}")]
    MetadataUnavailable {
        /// The parameter (`metadata`).
        parameter: String,
        /// Why, in a sentence.
        reason: String,
    },
    /// A limit of SPEC §9 that only shows after validation (bound values).
    #[error("too many {}: {actual}, at most {max} ({limit})", limit.counts())]
    LimitExceeded {
        /// The parameter, when one is to blame.
        parameter: Option<String>,
        /// Which limit.
        limit: LimitKind,
        /// The limit.
        max: usize,
        /// What the request would need.
        actual: usize,
    },
}

fn list(items: &[String]) -> String {
    if items.is_empty() {
        "none".to_owned()
    } else {
        items.join(", ")
    }
}

impl ValidationError {
    /// The stable machine code.
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::SortNotAllowed { .. } => ErrorCode::SortNotAllowed,
            Self::FilterNotAllowed { .. } => ErrorCode::FilterNotAllowed,
            Self::FieldNotAllowed { .. } => ErrorCode::FieldNotAllowed,
            Self::OperatorNotAllowed { .. } => ErrorCode::OperatorNotAllowed,
            Self::InvalidValue { .. } => ErrorCode::InvalidValue,
            Self::ValueCount { .. } => ErrorCode::ValueCount,
            Self::InvalidPage { .. } => ErrorCode::InvalidPage,
            Self::InvalidPerPage { .. } => ErrorCode::InvalidPerPage,
            Self::OffsetTooLarge { .. } => ErrorCode::OffsetTooLarge,
            Self::MetadataUnavailable { .. } => ErrorCode::MetadataUnavailable,
            Self::LimitExceeded { .. } => ErrorCode::LimitExceeded,
            Self::InvalidCursor { .. } => ErrorCode::InvalidCursor,
        }
    }

    /// The parameter to blame.
    pub fn parameter(&self) -> Option<&str> {
        match self {
            Self::SortNotAllowed { parameter, .. }
            | Self::FilterNotAllowed { parameter, .. }
            | Self::FieldNotAllowed { parameter, .. }
            | Self::OperatorNotAllowed { parameter, .. }
            | Self::InvalidValue { parameter, .. }
            | Self::ValueCount { parameter, .. }
            | Self::InvalidPage { parameter, .. }
            | Self::InvalidPerPage { parameter, .. }
            | Self::OffsetTooLarge { parameter, .. }
            | Self::MetadataUnavailable { parameter, .. }
            | Self::InvalidCursor { parameter, .. } => Some(parameter),
            Self::LimitExceeded { parameter, .. } => parameter.as_deref(),
        }
    }

    /// The offending value, where there is one.
    pub fn value(&self) -> Option<&str> {
        match self {
            Self::SortNotAllowed { field, .. }
            | Self::FilterNotAllowed { field, .. }
            | Self::FieldNotAllowed { field, .. } => Some(field),
            Self::OperatorNotAllowed { operator, .. } => Some(operator),
            Self::InvalidValue { value, .. }
            | Self::InvalidPage { value, .. }
            | Self::InvalidPerPage { value, .. }
            | Self::InvalidCursor { value, .. } => Some(value),
            _ => None,
        }
    }
}

/// One error of a request, from whichever layer found it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum QueryError {
    /// Found while parsing the query string.
    #[error(transparent)]
    Parse(#[from] ParseError),
    /// Found while checking the query against the resource.
    #[error(transparent)]
    Validation(#[from] ValidationError),
}

impl QueryError {
    /// The stable machine code.
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::Parse(e) => e.code(),
            Self::Validation(e) => e.code(),
        }
    }
    /// The parameter to blame.
    pub fn parameter(&self) -> Option<&str> {
        match self {
            Self::Parse(e) => e.parameter(),
            Self::Validation(e) => e.parameter(),
        }
    }
    /// The offending value.
    pub fn value(&self) -> Option<&str> {
        match self {
            Self::Parse(e) => e.value(),
            Self::Validation(e) => e.value(),
        }
    }
    /// Byte offset of a grammar error in [`QueryError::value`].
    pub fn offset(&self) -> Option<usize> {
        match self {
            Self::Parse(e) => e.offset(),
            Self::Validation(_) => None,
        }
    }
}

/// All errors of one request, in the order they were found (never empty when
/// returned by this crate).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct QueryErrors(pub Vec<QueryError>);

impl QueryErrors {
    /// The errors.
    pub fn iter(&self) -> std::slice::Iter<'_, QueryError> {
        self.0.iter()
    }
    /// Number of errors.
    pub fn len(&self) -> usize {
        self.0.len()
    }
    /// True when there is none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// The codes, in order.
    pub fn codes(&self) -> Vec<ErrorCode> {
        self.0.iter().map(QueryError::code).collect()
    }
    /// The JSON:API error document to send with HTTP 400.
    ///
    /// ```
    /// # use listquery::{QueryErrors, QueryError, ParseError};
    /// let errors = QueryErrors(vec![QueryError::Parse(ParseError::DuplicateParameter {
    ///     parameter: "sort".into(),
    ///     first: "sort".into(),
    ///     list: true,
    /// })]);
    /// assert_eq!(
    ///     errors.to_json_api().to_json(),
    ///     r#"{"errors":[{"status":"400","code":"duplicate_parameter","title":"Duplicate parameter","detail":"sort is given more than once; send it once, with its values joined by commas (sort=a,b)","source":{"parameter":"sort"}}]}"#
    /// );
    /// ```
    pub fn to_json_api(&self) -> ErrorDocument {
        ErrorDocument {
            errors: self
                .0
                .iter()
                .map(|e| ErrorObject::new(e.code(), e.to_string(), e.parameter()))
                .collect(),
        }
    }
}

impl fmt::Display for QueryErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for QueryErrors {}

impl From<QueryError> for QueryErrors {
    fn from(e: QueryError) -> Self {
        Self(vec![e])
    }
}

impl IntoIterator for QueryErrors {
    type Item = QueryError;
    type IntoIter = std::vec::IntoIter<QueryError>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

/// A JSON:API error document: `{"errors": [...]}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ErrorDocument {
    /// The error objects.
    pub errors: Vec<ErrorObject>,
}

impl ErrorDocument {
    /// The document as compact JSON.
    pub fn to_json(&self) -> String {
        // Serializing plain strings into a String cannot fail.
        serde_json::to_string(self).unwrap_or_else(|_| String::from(r#"{"errors":[]}"#))
    }
}

/// One JSON:API error object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ErrorObject {
    /// The HTTP status, as a string (`"400"`).
    pub status: String,
    /// The stable machine code.
    pub code: ErrorCode,
    /// The code's fixed title.
    pub title: String,
    /// A sentence about this occurrence.
    pub detail: String,
    /// Which parameter caused it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<ErrorSource>,
}

impl ErrorObject {
    /// An error object with status 400.
    pub fn new(code: ErrorCode, detail: String, parameter: Option<&str>) -> Self {
        Self {
            status: "400".to_owned(),
            code,
            title: code.title().to_owned(),
            detail,
            source: parameter.map(|p| ErrorSource {
                parameter: p.to_owned(),
            }),
        }
    }
}

/// The `source` member of a JSON:API error object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ErrorSource {
    /// The query parameter, e.g. `filter[status]`.
    pub parameter: String,
}

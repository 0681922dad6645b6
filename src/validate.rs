//! Raw query + resource + request options → a typed, validated [`ListQuery`].
//!
//! Everything a client can get wrong is found here or in [`crate::parse`], and all
//! of it is reported at once ([`QueryErrors`]); nothing past this point fails on
//! input.

use std::borrow::Cow;
use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, NaiveDateTime};
use rust_decimal::Decimal;
use smallvec::SmallVec;
use smol_str::SmolStr;

use crate::cursor::Cursor;
use crate::error::{ErrorCode, ParseError, QueryError, QueryErrors, ValidationError};
use crate::limits::LimitKind;
use crate::parse::{self, Param, ParamKind, ParseConfig, SortDirection, SortItem};
use crate::schema::{
    EmptyFilter, Field, FieldId, FieldType, FilterOp, IntoResource, NullsOrder, PaginationMode,
    Resource,
};

/// Who is asking, for the pagination default (SPEC §4). listquery does no
/// authentication: the app maps its own user to a role, or passes the default
/// directly with [`RequestOptions::new`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Role {
    /// Gets unpaginated lists unless it sends `page` or `per_page`.
    Agent,
    /// Gets pages by default.
    Admin,
    /// Gets pages by default.
    Collaborator,
}

impl Role {
    /// Whether lists are paginated when the request says nothing.
    pub const fn paginates_by_default(self) -> bool {
        !matches!(self, Self::Agent)
    }
}

/// Per-request options: the pagination default and the strictness switches.
///
/// ```
/// use listquery::{RequestOptions, Role};
/// let agent = RequestOptions::for_role(Role::Agent);
/// assert!(!agent.paginate_by_default);
/// let strict_admin = RequestOptions::for_role(Role::Admin).strict(true);
/// assert!(strict_admin.paginate_by_default && strict_admin.strict);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct RequestOptions {
    /// Paginate when the request has neither `page` nor `per_page`.
    pub paginate_by_default: bool,
    /// Reject unrecognised parameters (`unknown_parameter`) instead of ignoring them.
    pub strict: bool,
    /// Resolve a bad `page` the way Laravel does (to 1) instead of `invalid_page`.
    pub lenient_page: bool,
}

impl RequestOptions {
    /// Options with the given pagination default, not strict, not lenient.
    pub const fn new(paginate_by_default: bool) -> Self {
        Self {
            paginate_by_default,
            strict: false,
            lenient_page: false,
        }
    }
    /// The defaults for a role: agents unpaginated, admins and collaborators paginated.
    pub const fn for_role(role: Role) -> Self {
        Self::new(role.paginates_by_default())
    }
    /// Sets [`RequestOptions::strict`].
    pub const fn strict(mut self, strict: bool) -> Self {
        self.strict = strict;
        self
    }
    /// Sets [`RequestOptions::lenient_page`].
    pub const fn lenient_page(mut self, lenient: bool) -> Self {
        self.lenient_page = lenient;
        self
    }
}

impl Default for RequestOptions {
    /// Paginated, strict off, lenient off.
    fn default() -> Self {
        Self::new(true)
    }
}

/// A typed filter value, checked against its field's type.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Value {
    /// A `string` or `enum` value.
    String(Text),
    /// An `integer` value.
    Integer(i64),
    /// A `decimal` value, exact, with the scale the client sent (`12.50`).
    Decimal(Decimal),
    /// A `boolean` value (also the argument of the `null` operator).
    Boolean(bool),
    /// A `date` value.
    Date(NaiveDate),
    /// A `datetime` value, normalised to UTC.
    DateTime(NaiveDateTime),
}

impl Value {
    /// The canonical text of the value, as the query printer writes it
    /// (before list quoting): decimals keep their scale, datetimes are
    /// `YYYY-MM-DD HH:MM:SS` in UTC.
    pub fn to_text(&self) -> Cow<'_, str> {
        match self {
            Self::String(s) => Cow::Borrowed(s),
            Self::Integer(i) => Cow::Owned(i.to_string()),
            Self::Decimal(d) => Cow::Owned(d.to_string()),
            Self::Boolean(b) => Cow::Borrowed(if *b { "true" } else { "false" }),
            Self::Date(d) => Cow::Owned(d.format("%Y-%m-%d").to_string()),
            Self::DateTime(dt) => Cow::Owned(dt.format("%Y-%m-%d %H:%M:%S%.f").to_string()),
        }
    }
}

/// JSON form: integers as numbers, decimals as strings in canonical form
/// (`"12.50"`), booleans as booleans, dates `"YYYY-MM-DD"`, datetimes
/// `"YYYY-MM-DD HH:MM:SS"` (UTC), strings as strings.
impl serde::Serialize for Value {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Integer(i) => s.serialize_i64(*i),
            Self::Boolean(b) => s.serialize_bool(*b),
            other => s.serialize_str(&other.to_text()),
        }
    }
}

/// The text of a `string` or `enum` [`Value`]: derefs to `str`, made from
/// `&str` or `String` with `.into()`, cheap to clone (short texts are kept
/// inline, so a typical filter value allocates nothing).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Text(pub(crate) SmolStr);

impl Text {
    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Deref for Text {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Text {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl From<&str> for Text {
    fn from(text: &str) -> Self {
        Self(SmolStr::new(text))
    }
}

impl From<String> for Text {
    fn from(text: String) -> Self {
        Self(SmolStr::from(text))
    }
}

impl PartialEq<str> for Text {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Text {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The values of a filter, in the order sent; derefs to `[Value]`, made from
/// a `Vec<Value>` with `.into()` or collected from values.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct ValueList(SmallVec<[Value; 2]>);

impl ValueList {
    /// The values.
    pub fn as_slice(&self) -> &[Value] {
        &self.0
    }
}

impl Deref for ValueList {
    type Target = [Value];
    fn deref(&self) -> &[Value] {
        &self.0
    }
}

impl std::ops::DerefMut for ValueList {
    fn deref_mut(&mut self) -> &mut [Value] {
        &mut self.0
    }
}

impl From<Vec<Value>> for ValueList {
    fn from(values: Vec<Value>) -> Self {
        Self(SmallVec::from_vec(values))
    }
}

impl FromIterator<Value> for ValueList {
    fn from_iter<I: IntoIterator<Item = Value>>(iter: I) -> Self {
        Self(iter.into_iter().collect())
    }
}

impl<'a> IntoIterator for &'a ValueList {
    type Item = &'a Value;
    type IntoIter = std::slice::Iter<'a, Value>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl<'a> IntoIterator for &'a mut ValueList {
    type Item = &'a mut Value;
    type IntoIter = std::slice::IterMut<'a, Value>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter_mut()
    }
}

impl serde::Serialize for ValueList {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter())
    }
}

/// One validated filter: `field op values`, in an OR group or not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filter {
    /// The OR group (`filter[or][G][...]`, SPEC §14), or `None` for a filter
    /// outside every group. Filters of one group are AND'ed, the groups are
    /// OR'ed, and that OR is AND'ed with the filters outside groups.
    pub group: Option<u32>,
    /// The field.
    pub field: FieldId,
    /// The operator.
    pub op: FilterOp,
    /// The values, typed; their count fits the operator.
    pub values: ValueList,
}

/// Where a sort key came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SortOrigin {
    /// The client's `sort` parameter.
    Request,
    /// The resource's `default_sort` (the request had none).
    Default,
    /// The primary key, appended so that pages never repeat or skip rows.
    TieBreaker,
}

/// One key of the effective sort.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SortKey {
    /// The field.
    pub field: FieldId,
    /// The direction.
    pub direction: SortDirection,
    /// Where NULLs go (the field's setting).
    pub nulls: NullsOrder,
    /// Where the key came from.
    pub origin: SortOrigin,
}

/// The effective sort, inline up to three keys (two and the tie-breaker).
pub(crate) type SortKeyList = SmallVec<[SortKey; 3]>;

/// The page of a paginated request. In cursor mode ([`ListQuery::cursor`])
/// the page is always 1 and the offset 0: the cursor says where the page is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Pagination {
    /// The page, from 1.
    pub page: u64,
    /// Rows per page, `1..=max_per_page`.
    pub per_page: u64,
    /// `(page - 1) * per_page`, at most `max_offset`.
    pub offset: u64,
}

/// A list parameter of the request, in the order it came; the printer and page
/// URLs write them back in this order.
///
/// ```
/// use listquery::{FieldType, FilterOp, ListParam, ListQuery, RequestOptions, Resource};
/// let r = Resource::builder("invoices", "invoices")
///     .field("id", FieldType::Integer, |f| f.sortable().filter(&[FilterOp::Eq, FilterOp::Gt]))
///     .build()
///     .unwrap();
/// let q = ListQuery::parse("filter[id][gt]=7&page=2&filter[id]=9", r,
///     RequestOptions::default()).unwrap();
/// assert_eq!(q.params(), [ListParam::Filter(0), ListParam::Page, ListParam::Filter(1)]);
/// for param in q.params() {
///     if let ListParam::Filter(n) = param {
///         let filter = &q.filters()[*n];
///         println!("{:?} {:?}", filter.op, filter.values);
///     }
/// }
/// assert_eq!(q.filters()[1].op, FilterOp::Eq);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ListParam {
    /// The `sort` parameter (the [`SortOrigin::Request`] keys).
    Sort,
    /// A filter: its index in [`ListQuery::filters`].
    Filter(usize),
    /// `page`.
    Page,
    /// `per_page`.
    PerPage,
    /// `metadata`.
    Metadata,
    /// `cursor`.
    Cursor,
    /// `fields` (SPEC §16).
    Fields,
}

/// A validated list request: what to filter, how to sort, which page, and
/// whether to compute metadata. Built by [`ListQuery::parse`].
#[derive(Debug, Clone)]
pub struct ListQuery {
    pub(crate) resource: Arc<Resource>,
    pub(crate) filters: SmallVec<[Filter; 2]>,
    pub(crate) sort: SortKeyList,
    pub(crate) pagination: Option<Pagination>,
    /// How a paginated request pages; the resource's default when unpaginated.
    pub(crate) mode: PaginationMode,
    /// The cursor of a cursor-mode request past its first page.
    pub(crate) cursor: Option<Box<Cursor>>,
    pub(crate) metadata: bool,
    pub(crate) params: SmallVec<[ListParam; 6]>,
    pub(crate) extra: Vec<(String, String)>,
    /// The client's sparse fieldset, in declaration order (SPEC §16).
    pub(crate) fields: Option<Box<[FieldId]>>,
}

impl PartialEq for ListQuery {
    fn eq(&self, other: &Self) -> bool {
        (Arc::ptr_eq(&self.resource, &other.resource) || self.resource == other.resource)
            && self.filters == other.filters
            && self.sort == other.sort
            && self.pagination == other.pagination
            && self.mode == other.mode
            && self.cursor == other.cursor
            && self.metadata == other.metadata
            && self.params == other.params
            && self.extra == other.extra
            && self.fields == other.fields
    }
}

impl ListQuery {
    /// Parses and validates a raw query string (percent-encoded, with or without a
    /// leading `?`) for `resource`. All errors are collected.
    ///
    /// ```
    /// use listquery::{ListQuery, Resource, FieldType, FilterOp, RequestOptions, Role};
    /// let invoices = Resource::builder("invoices", "invoices")
    ///     .field("id", FieldType::Integer, |f| f.sortable())
    ///     .field("status", FieldType::Enum(vec!["paid".into(), "sent".into()]), |f| {
    ///         f.filter(&[FilterOp::Eq])
    ///     })
    ///     .build()
    ///     .unwrap();
    /// let q = ListQuery::parse("filter[status]=paid,sent&page=2", invoices,
    ///     RequestOptions::for_role(Role::Admin)).unwrap();
    /// assert_eq!(q.filters().len(), 1);
    /// assert_eq!(q.pagination().unwrap().offset, 15);
    /// ```
    pub fn parse(
        raw: &str,
        resource: impl IntoResource,
        options: RequestOptions,
    ) -> Result<ListQuery, QueryErrors> {
        let resource = &resource.into_resource();
        let config = ParseConfig {
            names: resource.params(),
            limits: resource.limits(),
            strict: options.strict,
            ignore_empty_filters: resource.empty_filter() == EmptyFilter::Ignore,
        };
        // Each parameter is validated as the scanner finds it: its decoded
        // text lives in the scanner's reused buffers, and only typed values
        // are kept.
        // Built where it is returned from: it is a few hundred bytes.
        let mut query = ListQuery {
            resource: Arc::clone(resource),
            filters: SmallVec::new(),
            sort: SmallVec::new(),
            pagination: None,
            mode: PaginationMode::Offset,
            cursor: None,
            metadata: false,
            params: SmallVec::new(),
            extra: Vec::new(),
            fields: None,
        };
        let mut validator = Validator::new(resource, options, &mut query);
        let parse_errors = parse::scan_query(raw, &config, |param| validator.param(param));
        let invalid = validator.finish();
        if parse_errors.is_empty() && invalid.is_empty() {
            return Ok(query);
        }
        // The count of values of a filter given twice would mislead: the
        // client meant `between=1&between=2` as one list, not `between=1`.
        let repeated: Vec<String> = (parse_errors.iter())
            .filter_map(|e| match e {
                ParseError::DuplicateParameter { first, .. } => Some(first.clone()),
                _ => None,
            })
            .collect();
        let mut errors: Vec<QueryError> = parse_errors.into_iter().map(QueryError::Parse).collect();
        errors.extend(invalid.into_iter().filter(|e| {
            e.code() != ErrorCode::ValueCount
                || !e
                    .parameter()
                    .is_some_and(|p| repeated.iter().any(|r| r == p))
        }));
        Err(QueryErrors(errors))
    }

    /// The resource queried.
    pub fn resource(&self) -> &Arc<Resource> {
        &self.resource
    }
    /// The fields the client listed under `fields` (SPEC §16), in
    /// declaration order; `None` when it sent none.
    pub fn fields(&self) -> Option<&[FieldId]> {
        self.fields.as_deref()
    }
    /// The fields of the select list the library writes (SPEC §16), in
    /// declaration order: the client's `fields` (every selectable field
    /// when it sent none), the primary key, and in cursor mode the sort
    /// fields a cursor is made of.
    pub fn selected_fields(&self) -> Vec<FieldId> {
        let resource = &self.resource;
        let cursor_keys = self.pagination_mode() == Some(PaginationMode::Cursor);
        (0..resource.fields().len())
            .filter_map(FieldId::at)
            .filter(|&id| {
                let asked = match &self.fields {
                    Some(fields) => fields.contains(&id),
                    None => resource.field(id).selectable(),
                };
                asked
                    || id == resource.primary_key()
                    || (cursor_keys && self.sort.iter().any(|k| k.field == id))
            })
            .collect()
    }
    /// The filters, in request order: those outside OR groups AND'ed, and
    /// AND'ed with the OR of the groups ([`Filter::group`]; SPEC §14).
    pub fn filters(&self) -> &[Filter] {
        &self.filters
    }
    /// The effective sort: the request's (or the default) plus the tie-breaker.
    pub fn sort(&self) -> &[SortKey] {
        &self.sort
    }
    /// The page, or `None` for an unpaginated list.
    pub fn pagination(&self) -> Option<Pagination> {
        self.pagination
    }
    /// How the request pages, or `None` for an unpaginated list (SPEC §12).
    pub fn pagination_mode(&self) -> Option<PaginationMode> {
        self.pagination.map(|_| self.mode)
    }
    /// Whether the count/aggregate statement must run: for an offset page
    /// (its `total`) and for any page with metadata. Simple and cursor pages
    /// without metadata run no COUNT.
    pub fn needs_totals(&self) -> bool {
        match self.pagination_mode() {
            None => false,
            Some(PaginationMode::Offset) => true,
            Some(_) => self.metadata,
        }
    }
    /// The values a cursor page's keyset condition binds (0 without a
    /// cursor); counted with the filters' toward `max_bound_values`.
    pub fn keyset_value_count(&self) -> usize {
        self.cursor
            .as_deref()
            .map_or(0, |c| c.bound_value_count(&self.resource, &self.sort))
    }
    /// The decoded cursor of a cursor-mode request, `None` on its first page
    /// (no cursor, or an empty one) and in the other modes.
    pub fn cursor(&self) -> Option<&Cursor> {
        self.cursor.as_deref()
    }
    /// Whether metadata (aggregates) was asked for.
    pub fn metadata(&self) -> bool {
        self.metadata
    }
    /// The list parameters in request order.
    pub fn params(&self) -> &[ListParam] {
        &self.params
    }
    /// The values the filters bind in SQL: one per value, none for `null`
    /// (which is `IS NULL`/`IS NOT NULL`). The one count of bound filter
    /// values: validation's `max_bound_values` check and the SQL layer use it.
    pub fn filter_value_count(&self) -> usize {
        (self.filters.iter())
            .filter(|f| f.op != FilterOp::Null)
            .map(|f| f.values.len())
            .sum()
    }
    /// The unrecognised parameters (decoded), in request order.
    pub fn extra_params(&self) -> &[(String, String)] {
        &self.extra
    }
    /// The app's own parameters (everything listquery does not recognise),
    /// deserialized into `T` with serde_qs: nested keys (`tenant[id]=7`),
    /// lists (`tags[]=a&tags[]=b`), form decoding (`+` is a space). As with the
    /// list parameters, a scalar given twice is an error, never last-wins.
    ///
    /// ```
    /// # use listquery::{ListQuery, Resource, FieldType, RequestOptions};
    /// #[derive(serde::Deserialize, Debug, PartialEq)]
    /// struct AppParams {
    ///     q: Option<String>,
    ///     #[serde(default)]
    ///     tags: Vec<String>,
    /// }
    /// # let r = Resource::builder("notes", "notes")
    /// #     .field("id", FieldType::Integer, |f| f.sortable()).build().unwrap();
    /// # let r = std::sync::Arc::new(r);
    /// let query = ListQuery::parse("page=2&q=hello+world&tags%5B%5D=a&tags[]=b", &r,
    ///     RequestOptions::default()).unwrap();
    /// let app: AppParams = query.extra_params_as().unwrap();
    /// assert_eq!(app, AppParams { q: Some("hello world".into()), tags: vec!["a".into(), "b".into()] });
    ///
    /// let twice = ListQuery::parse("q=a&q=b", &r, RequestOptions::default()).unwrap();
    /// assert!(twice.extra_params_as::<AppParams>().is_err());
    /// ```
    pub fn extra_params_as<T: serde::de::DeserializeOwned>(&self) -> Result<T, serde_qs::Error> {
        let mut raw = String::new();
        for (key, value) in self.extra_params() {
            if !raw.is_empty() {
                raw.push('&');
            }
            raw.push_str(&crate::encode_component(key));
            raw.push('=');
            raw.push_str(&crate::encode_component(value));
        }
        serde_qs::Config::new()
            .use_form_encoding(true)
            .duplicate_key_behavior(serde_qs::DuplicateKeyBehavior::Error)
            .deserialize_str(&raw)
    }

    /// A copy of this query for another page (same filters, sort and size),
    /// its page parameter last, as page URLs write it.
    ///
    /// `page` must be at least 1; a page whose offset overflows or passes
    /// `max_offset` gives `None`.
    pub fn with_page(&self, page: u64) -> Option<ListQuery> {
        let p = self
            .pagination
            .filter(|_| self.mode != PaginationMode::Cursor)?;
        let offset = page.checked_sub(1)?.checked_mul(p.per_page)?;
        if offset > self.resource.limits().max_offset {
            return None;
        }
        let mut q = self.clone();
        q.pagination = Some(Pagination { page, offset, ..p });
        // As in page URLs (SPEC §6), the page goes last.
        q.params.retain(|p| *p != ListParam::Page);
        q.params.push(ListParam::Page);
        Some(q)
    }
}

/// Resolves a raw `page` value the way Laravel's `resolveCurrentPage` does
/// (the lenient option): PHP's `FILTER_VALIDATE_INT` (surrounding whitespace
/// allowed, an optional sign, no leading zeros, within `i64`), and anything
/// that is not an integer >= 1 becomes page 1.
///
/// ```
/// use listquery::resolve_page_leniently;
/// assert_eq!(resolve_page_leniently(Some(" 3")), 3);
/// assert_eq!(resolve_page_leniently(Some("03")), 1);
/// assert_eq!(resolve_page_leniently(Some("2.5")), 1);
/// assert_eq!(resolve_page_leniently(None), 1);
/// ```
pub fn resolve_page_leniently(raw: Option<&str>) -> u64 {
    let Some(raw) = raw else { return 1 };
    let t = raw.trim_matches(|c: char| matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0b'));
    let digits = t.strip_prefix(['+', '-']).unwrap_or(t);
    let well_formed = !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
        && (digits == "0" || !digits.starts_with('0'));
    match t.parse::<i64>() {
        Ok(n) if well_formed && n >= 1 => n.unsigned_abs(),
        _ => 1,
    }
}

/// A strict positive integer: `[1-9][0-9]*` that fits `u64`.
fn positive_integer(text: &str) -> Option<u64> {
    let well_formed = text
        .bytes()
        .next()
        .is_some_and(|b| (b'1'..=b'9').contains(&b))
        && text.bytes().all(|b| b.is_ascii_digit());
    if well_formed { text.parse().ok() } else { None }
}

/// Whether `text` has the shape of `pattern`, where `9` stands for a digit.
fn shaped(text: &str, pattern: &str) -> bool {
    text.len() == pattern.len()
        && text.bytes().zip(pattern.bytes()).all(|(t, p)| {
            if p == b'9' {
                t.is_ascii_digit()
            } else {
                t == p
            }
        })
}

fn parse_decimal(text: &str) -> Option<Decimal> {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let (int, frac) = digits.split_once('.').unwrap_or((digits, "0"));
    let well_formed = !int.is_empty()
        && !frac.is_empty()
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.bytes().all(|b| b.is_ascii_digit());
    if well_formed {
        Decimal::from_str_exact(text).ok()
    } else {
        None
    }
}

fn parse_date(text: &str) -> Option<NaiveDate> {
    if shaped(text, "9999-99-99") {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
    } else {
        None
    }
}

/// `YYYY-MM-DD HH:MM:SS[.fff]` as UTC, or RFC 3339 with an offset.
fn parse_datetime(text: &str) -> Option<NaiveDateTime> {
    let (base, fraction) = match text.get(..19) {
        Some(base) => (base, text.get(19..).unwrap_or_default()),
        None => return None,
    };
    let fraction_ok = |f: &str| {
        f.is_empty()
            || f.strip_prefix('.').is_some_and(|d| {
                (1..=9).contains(&d.len()) && d.bytes().all(|b| b.is_ascii_digit())
            })
    };
    if shaped(base, "9999-99-99 99:99:99") && fraction_ok(fraction) {
        return NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f").ok();
    }
    if shaped(base, "9999-99-99T99:99:99") || shaped(base, "9999-99-99t99:99:99") {
        return DateTime::parse_from_rfc3339(text)
            .ok()
            .map(|dt| dt.naive_utc());
    }
    None
}

fn expected_text(ty: &FieldType) -> String {
    match ty {
        FieldType::String => "a string".into(),
        FieldType::Integer => "an integer (64-bit)".into(),
        FieldType::Decimal => "a decimal number such as 12.50 (digits, one optional '.' and '-' sign)".into(),
        FieldType::Boolean => "a boolean: true, false, 1 or 0".into(),
        FieldType::Date => "a date (YYYY-MM-DD)".into(),
        FieldType::DateTime => {
            "a datetime (YYYY-MM-DD HH:MM:SS in UTC, or RFC 3339 with an offset such as 2024-05-01T10:00:00Z; send '+' in an offset as %2B)".into()
        }
        FieldType::Enum(values) => format!("one of {}", values.join(", ")),
    }
}

/// One value of a filter as its type: the field's, a `LIKE` pattern's (text)
/// or the `null` operator's (a boolean); `None` when it does not fit.
pub(crate) fn typed_value(op: FilterOp, field: &Field, text: &str) -> Option<Value> {
    if op == FilterOp::Null {
        // The boolean spellings (SPEC §13): PHP sends true as 1.
        return parse_boolean(text).map(Value::Boolean);
    }
    if op.is_like() {
        return Some(Value::String(text.into()));
    }
    match field.ty() {
        FieldType::String => Some(Value::String(text.into())),
        FieldType::Enum(_) => (field.enum_values.iter())
            .find(|v| v.as_str() == text)
            .map(|v| Value::String(Text(v.clone()))),
        FieldType::Integer => text.parse().ok().map(Value::Integer),
        FieldType::Decimal => parse_decimal(text).map(Value::Decimal),
        FieldType::Boolean => parse_boolean(text).map(Value::Boolean),
        FieldType::Date => parse_date(text).map(Value::Date),
        FieldType::DateTime => parse_datetime(text).map(Value::DateTime),
    }
}

/// `true`/`1` or `false`/`0`.
fn parse_boolean(text: &str) -> Option<bool> {
    match text {
        "true" | "1" => Some(true),
        "false" | "0" => Some(false),
        _ => None,
    }
}

fn arity_text(op: FilterOp) -> String {
    match op.arity() {
        (min, None) => format!("at least {min} value{}", if min == 1 { "" } else { "s" }),
        (min, Some(max)) if min == max => {
            format!("exactly {min} value{}", if min == 1 { "" } else { "s" })
        }
        (min, Some(max)) => format!("{min} to {max} values"),
    }
}

/// A `metadata` value: empty, `1` or `true` asks; `0` or `false` does not.
fn metadata_flag(value: &str) -> Option<bool> {
    match value {
        "" | "1" | "true" => Some(true),
        "0" | "false" => Some(false),
        _ => None,
    }
}

/// A `page`, `per_page` or `metadata` parameter, kept until the whole request
/// is known: the error for a bad one depends on the others (the page range on
/// the page size), and errors keep the order of SPEC §8.
#[derive(Debug)]
enum Sent<T> {
    /// The value read.
    Read(T),
    /// Not a value of its kind: the parameter and the value as sent.
    Invalid(String, String),
}

impl<T> Sent<T> {
    fn new(key: &str, value: &str, read: Option<T>) -> Self {
        match read {
            Some(read) => Self::Read(read),
            None => Self::Invalid(key.to_owned(), value.to_owned()),
        }
    }

    fn read(&self) -> Option<&T> {
        match self {
            Self::Read(read) => Some(read),
            Self::Invalid(..) => None,
        }
    }
}

/// The most `field_not_allowed` errors one `fields` parameter gives.
const MAX_FIELD_ERRORS: usize = 5;

struct Validator<'r, 'q> {
    resource: &'r Arc<Resource>,
    options: RequestOptions,
    errors: Vec<QueryError>,
    /// The query being built: its `sort` holds the client's keys until
    /// [`Validator::finish`] makes it the effective sort.
    query: &'q mut ListQuery,
    page: Option<Sent<u64>>,
    per_page: Option<Sent<u64>>,
    metadata: Option<Sent<bool>>,
    /// The `cursor` parameter and its value, read once the sort is known.
    cursor: Option<(String, String)>,
}

impl<'r, 'q> Validator<'r, 'q> {
    fn new(resource: &'r Arc<Resource>, options: RequestOptions, query: &'q mut ListQuery) -> Self {
        Self {
            resource,
            options,
            errors: Vec::new(),
            query,
            page: None,
            per_page: None,
            metadata: None,
            cursor: None,
        }
    }

    fn fail(&mut self, error: ValidationError) {
        self.errors.push(QueryError::Validation(error));
    }

    /// One parameter, as the scanner found it.
    fn param(&mut self, param: Param<'_>) {
        let Param { key, value, kind } = param;
        let list_param = match kind {
            ParamKind::Sort { items: [], .. } => None,
            ParamKind::Sort { items, keys } => {
                self.sort(key, items, keys);
                Some(ListParam::Sort)
            }
            ParamKind::Filter {
                group,
                field,
                op,
                values,
                keys,
            } => self
                .filter(key, group, field, op, values, keys)
                .then(|| ListParam::Filter(self.query.filters.len() - 1)),
            ParamKind::Page => {
                let page = if self.options.lenient_page {
                    Some(resolve_page_leniently(Some(value)))
                } else {
                    positive_integer(value)
                };
                self.page = Some(Sent::new(key, value, page));
                Some(ListParam::Page)
            }
            ParamKind::PerPage => {
                let max = self.resource.max_per_page();
                let size = positive_integer(value).filter(|&n| n <= max);
                self.per_page = Some(Sent::new(key, value, size));
                Some(ListParam::PerPage)
            }
            ParamKind::Metadata => {
                self.metadata = Some(Sent::new(key, value, metadata_flag(value)));
                Some(ListParam::Metadata)
            }
            ParamKind::Cursor => {
                self.cursor = Some((key.to_owned(), value.to_owned()));
                Some(ListParam::Cursor)
            }
            ParamKind::Fields => {
                self.fields(key, value);
                Some(ListParam::Fields)
            }
            ParamKind::Other => {
                self.query.extra.push((key.to_owned(), value.to_owned()));
                None
            }
        };
        if let Some(list_param) = list_param {
            self.query.params.push(list_param);
        }
    }

    /// The request after its last parameter: completes the query and gives
    /// the validation errors (none: the query is valid).
    fn finish(mut self) -> Vec<QueryError> {
        let cursor = self.cursor.take();
        let pagination = self.pagination(cursor.as_ref());
        self.query.metadata = self.metadata(pagination.is_some());
        self.query.pagination = pagination;
        self.effective_sort();
        if let Some((key, value)) = cursor {
            self.read_cursor(key, value);
        }
        self.like_patterns();
        self.bound_values(pagination.is_some());
        self.errors
    }

    /// The client's sort keys, into the query's sort; `item_keys` names the
    /// parameter of each when they came as an array.
    fn sort(&mut self, parameter: &str, keys: &[SortItem<'_>], item_keys: &[&str]) {
        let resource = self.resource;
        for (n, key) in keys.iter().enumerate() {
            match resource.field_id(key.field) {
                Some(id) if resource.field(id).sortable() => self.query.sort.push(SortKey {
                    field: id,
                    direction: key.direction,
                    nulls: resource.field(id).nulls(),
                    origin: SortOrigin::Request,
                }),
                _ => self.fail(ValidationError::SortNotAllowed {
                    parameter: (*item_keys.get(n).unwrap_or(&parameter)).to_owned(),
                    field: key.field.to_owned(),
                    allowed: resource.sortable_fields(),
                }),
            }
        }
    }

    /// The client's sparse fieldset (SPEC §16): field names joined by
    /// commas, each a selectable field; an empty value selects only what
    /// is always fetched (as JSON:API's `fields[TYPE]=`). A name listed
    /// twice is selected once.
    fn fields(&mut self, parameter: &str, value: &str) {
        let resource = self.resource;
        let mut fields = Vec::new();
        let mut wrong: Vec<&str> = Vec::new();
        let entries = value.split(',').filter(|_| !value.is_empty());
        for entry in entries {
            match resource.field_id(entry) {
                Some(id) if resource.field(id).selectable() => fields.push(id),
                // Each wrong entry once, and a few at most: a long list of
                // them would make a long answer of the same message.
                _ if wrong.contains(&entry) || wrong.len() == MAX_FIELD_ERRORS => {}
                _ => wrong.push(entry),
            }
        }
        for entry in wrong {
            self.fail(ValidationError::FieldNotAllowed {
                parameter: parameter.to_owned(),
                field: entry.to_owned(),
                allowed: resource.selectable_fields(),
            });
        }
        fields.sort_unstable();
        fields.dedup();
        self.query.fields = Some(fields.into_boxed_slice());
    }

    /// The client's sort (or the default) and the tie-breaker.
    fn effective_sort(&mut self) {
        let resource = self.resource;
        let sort = &mut self.query.sort;
        if sort.is_empty() {
            sort.extend(
                resource
                    .default_sort()
                    .iter()
                    .map(|&(field, direction)| SortKey {
                        field,
                        direction,
                        nulls: resource.field(field).nulls(),
                        origin: SortOrigin::Default,
                    }),
            );
        }
        let pk = resource.primary_key();
        if !sort.iter().any(|k| k.field == pk) {
            sort.push(SortKey {
                field: pk,
                direction: SortDirection::Asc,
                nulls: resource.field(pk).nulls(),
                origin: SortOrigin::TieBreaker,
            });
        }
    }

    /// Validates a filter into the query's filters; `false` when it is in
    /// error. `item_keys` names the parameter of each item when they came as
    /// an array.
    fn filter(
        &mut self,
        parameter: &str,
        group: Option<u32>,
        field_name: &str,
        op_name: Option<&str>,
        items: &[Cow<'_, str>],
        item_keys: &[&str],
    ) -> bool {
        let resource = self.resource;
        let Some(id) = resource
            .field_id(field_name)
            .filter(|&id| !resource.field(id).filter_ops().is_empty())
        else {
            self.fail(ValidationError::FilterNotAllowed {
                parameter: parameter.to_owned(),
                field: field_name.to_owned(),
                allowed: resource.filterable_fields(),
            });
            return false;
        };
        let field = resource.field(id);
        let op = op_name.map_or(Some(FilterOp::Eq), |name| name.parse().ok());
        let Some(op) = op.filter(|&op| field.filter_ops().contains(op)) else {
            self.fail(ValidationError::OperatorNotAllowed {
                parameter: parameter.to_owned(),
                operator: op_name.unwrap_or("eq").to_owned(),
                allowed: field
                    .filter_ops()
                    .iter()
                    .map(|op| op.as_str().to_owned())
                    .collect(),
            });
            return false;
        };
        let (min, max) = op.arity();
        let count = items.len();
        if count < min || max.is_some_and(|max| count > max) {
            self.fail(ValidationError::ValueCount {
                parameter: parameter.to_owned(),
                operator: op.as_str().to_owned(),
                expected: arity_text(op),
                actual: count,
            });
            return false;
        }
        let mut values = ValueList(SmallVec::with_capacity(count));
        for (n, item) in items.iter().enumerate() {
            match typed_value(op, field, item) {
                Some(value) => values.0.push(value),
                None => self.fail(ValidationError::InvalidValue {
                    parameter: (*item_keys.get(n).unwrap_or(&parameter)).to_owned(),
                    value: item.clone().into_owned(),
                    expected: if op == FilterOp::Null {
                        "true or false (or 1 or 0)".to_owned()
                    } else {
                        expected_text(field.ty())
                    },
                }),
            }
        }
        if values.len() < count {
            return false;
        }
        self.query.filters.push(Filter {
            group,
            field: id,
            op,
            values,
        });
        true
    }

    /// The mode of a paginated request (SPEC §12): a `cursor` selects cursor
    /// mode, `page`/`per_page` the resource's offset or simple mode (cursor
    /// mode for a resource that offers only that), nothing its default mode.
    fn mode(&mut self, cursor: Option<&(String, String)>) -> Option<PaginationMode> {
        let resource = self.resource;
        let offset_mode = (resource.pagination_modes().iter())
            .find(|m| **m != PaginationMode::Cursor)
            .copied();
        let page = self.page.is_some();
        let per_page = self.per_page.is_some();
        let Some((key, value)) = cursor else {
            return if page && offset_mode.is_none() {
                let (parameter, value) = match &self.page {
                    Some(Sent::Invalid(key, value)) => (key.clone(), value.clone()),
                    Some(Sent::Read(n)) => {
                        (resource.params().page.name().to_owned(), n.to_string())
                    }
                    None => (resource.params().page.name().to_owned(), String::new()),
                };
                self.fail(ValidationError::InvalidCursor {
                    parameter,
                    value,
                    reason: format!(
                        "the {} endpoint pages with cursors, not page numbers: follow next_page_url, or send {}= for the first page",
                        resource.name(),
                        resource.params().cursor
                    ),
                });
                // The page is refused; per_page is still checked.
                self.page = None;
                Some(PaginationMode::Cursor)
            } else if page || per_page {
                Some(offset_mode.unwrap_or(PaginationMode::Cursor))
            } else {
                resource.pagination_modes().first().copied()
            };
        };
        let reason = if !resource.offers(PaginationMode::Cursor) {
            format!(
                "the {} endpoint does not offer cursor pagination; use {}",
                resource.name(),
                resource.params().page
            )
        } else if page {
            format!(
                "a cursor cannot come with {}: the cursor says where the page is; follow next_page_url or prev_page_url as they are",
                resource.params().page
            )
        } else {
            return Some(PaginationMode::Cursor);
        };
        self.fail(ValidationError::InvalidCursor {
            parameter: key.clone(),
            value: value.clone(),
            reason,
        });
        // The request is refused; page and per_page are still checked.
        resource.pagination_modes().first().copied()
    }

    /// Decodes a non-empty cursor of a cursor-mode request against the
    /// effective sort.
    fn read_cursor(&mut self, key: String, value: String) {
        if self.query.pagination.is_none() || self.query.mode != PaginationMode::Cursor {
            return;
        }
        if value.is_empty() {
            return;
        }
        match Cursor::decode(&value, self.resource, &self.query.sort) {
            Ok(cursor) => self.query.cursor = Some(Box::new(cursor)),
            Err(reason) => self.fail(ValidationError::InvalidCursor {
                parameter: key,
                value,
                reason: format!("this cursor cannot be used: {reason}"),
            }),
        }
    }

    /// The page and its size, when the request is paginated.
    fn pagination(&mut self, cursor: Option<&(String, String)>) -> Option<Pagination> {
        let explicit = self.page.is_some() || self.per_page.is_some() || cursor.is_some();
        if !explicit && !self.options.paginate_by_default {
            return None;
        }
        let mode = self.mode(cursor);
        let (page, per_page) = (self.page.take(), self.per_page.take());
        let mode = mode?;
        self.query.mode = mode;
        let resource = self.resource;
        let max_offset = resource.limits().max_offset;
        let size = match &per_page {
            None => Some(resource.per_page()),
            Some(sent) => sent.read().copied(),
        };
        let page_number = match page {
            None => Some(1),
            Some(Sent::Read(n)) => Some(n),
            Some(Sent::Invalid(key, value)) => {
                // The last page whose offset is within `max_offset`.
                let per_page = size.unwrap_or(resource.per_page()).max(1);
                self.fail(ValidationError::InvalidPage {
                    parameter: key,
                    value,
                    max: (max_offset / per_page).saturating_add(1),
                });
                None
            }
        };
        if let Some(Sent::Invalid(key, value)) = per_page {
            self.fail(ValidationError::InvalidPerPage {
                parameter: key,
                value,
                max: resource.max_per_page(),
            });
        }
        let (page, per_page) = (page_number?, size?);
        match (page - 1)
            .checked_mul(per_page)
            .filter(|&o| o <= max_offset)
        {
            Some(offset) => Some(Pagination {
                page,
                per_page,
                offset,
            }),
            None => {
                self.fail(ValidationError::OffsetTooLarge {
                    parameter: resource.params().page.name().to_owned(),
                    page,
                    per_page,
                    max: max_offset,
                });
                None
            }
        }
    }

    fn metadata(&mut self, paginated: bool) -> bool {
        let asked = match self.metadata.take() {
            None | Some(Sent::Read(false)) => return false,
            Some(Sent::Read(true)) => true,
            Some(Sent::Invalid(key, value)) => {
                self.fail(ValidationError::InvalidValue {
                    parameter: key,
                    value,
                    expected: "a flag: empty, 1 or true to ask for metadata (0 or false not to)"
                        .into(),
                });
                return false;
            }
        };
        let resource = self.resource;
        let reason = if resource.aggregates().is_empty() {
            Some(format!(
                "the {} endpoint offers no metadata (aggregates)",
                resource.name()
            ))
        } else if !paginated {
            let page = if resource
                .pagination_modes()
                .iter()
                .any(|m| *m != PaginationMode::Cursor)
            {
                format!("{}=1", resource.params().page)
            } else {
                format!("{}=", resource.params().cursor)
            };
            Some(format!(
                "metadata is only computed for paginated requests; add {page}"
            ))
        } else {
            None
        };
        if let Some(reason) = reason {
            self.fail(ValidationError::MetadataUnavailable {
                parameter: resource.params().metadata.name().to_owned(),
                reason,
            });
            return false;
        }
        asked
    }

    /// The values the SELECT will bind: filter values plus LIMIT and OFFSET.
    /// `max_like_patterns`: each `contains`/`starts_with`/`ends_with` value
    /// is a `LIKE` that reads every row it meets (SPEC §9).
    fn like_patterns(&mut self) {
        let patterns: usize = (self.query.filters.iter())
            .filter(|f| f.op.is_like())
            .map(|f| f.values.len())
            .sum();
        let max = self.resource.limits().max_like_patterns;
        if patterns > max {
            self.fail(ValidationError::LimitExceeded {
                parameter: Some(self.resource.params().filter.name().to_owned()),
                limit: LimitKind::LikePatterns,
                max,
                actual: patterns,
            });
        }
    }

    fn bound_values(&mut self, paginated: bool) {
        // LIMIT, and OFFSET for offset and simple pages.
        let limit_offset = match (paginated, self.query.mode) {
            (true, PaginationMode::Offset | PaginationMode::Simple) => 2,
            _ => 1,
        };
        let needed =
            self.query.filter_value_count() + self.query.keyset_value_count() + limit_offset;
        let max = self.resource.limits().max_bound_values;
        if needed > max {
            self.fail(ValidationError::LimitExceeded {
                parameter: None,
                limit: LimitKind::BoundValues,
                max,
                actual: needed,
            });
        }
    }
}

/// The JSON form of SPEC §11 (the `explain` output without `sql`): `resource`,
/// `filters` (`field`, `op`, `values`), the effective `sort` (`field`,
/// `direction`, `nulls`), `pagination` (`page`, `per_page`, `offset`, plus
/// `mode` and `cursor` in simple and cursor mode; or `null`),
/// `metadata`, and `fields` when the client sent a sparse fieldset.
impl serde::Serialize for ListQuery {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;

        #[derive(serde::Serialize)]
        struct FilterJson<'a> {
            /// Only for a filter in an OR group (SPEC §14).
            #[serde(skip_serializing_if = "Option::is_none")]
            group: Option<u32>,
            field: &'a str,
            op: FilterOp,
            values: &'a [Value],
        }
        #[derive(serde::Serialize)]
        struct SortJson<'a> {
            field: &'a str,
            direction: SortDirection,
            nulls: NullsOrder,
        }
        #[derive(serde::Serialize)]
        struct PaginationJson<'a> {
            page: u64,
            per_page: u64,
            offset: u64,
            /// Only for simple and cursor mode (offset mode keeps SPEC §11's shape).
            #[serde(skip_serializing_if = "Option::is_none")]
            mode: Option<PaginationMode>,
            #[serde(skip_serializing_if = "Option::is_none")]
            cursor: Option<CursorJson<'a>>,
        }
        #[derive(serde::Serialize)]
        struct CursorJson<'a> {
            points_to_next_items: bool,
            values: Vec<Option<&'a Value>>,
        }

        let r = &self.resource;
        let filters: Vec<_> = self
            .filters
            .iter()
            .map(|f| FilterJson {
                group: f.group,
                field: r.field(f.field).name(),
                op: f.op,
                values: &f.values,
            })
            .collect();
        let sort: Vec<_> = self
            .sort
            .iter()
            .map(|k| SortJson {
                field: r.field(k.field).name(),
                direction: k.direction,
                nulls: k.nulls,
            })
            .collect();
        let pagination = self.pagination.map(|p| PaginationJson {
            page: p.page,
            per_page: p.per_page,
            offset: p.offset,
            mode: (self.mode != PaginationMode::Offset).then_some(self.mode),
            cursor: self.cursor.as_ref().map(|c| CursorJson {
                points_to_next_items: c.points_to_next_items(),
                values: c.values().iter().map(Option::as_ref).collect(),
            }),
        });
        let mut st = s.serialize_struct("ListQuery", 5 + usize::from(self.fields.is_some()))?;
        st.serialize_field("resource", r.name())?;
        st.serialize_field("filters", &filters)?;
        st.serialize_field("sort", &sort)?;
        st.serialize_field("pagination", &pagination)?;
        st.serialize_field("metadata", &self.metadata)?;
        // Only when the client sent `fields` (SPEC §16).
        if let Some(fields) = &self.fields {
            let names: Vec<&str> = fields.iter().map(|&id| r.field(id).name()).collect();
            st.serialize_field("fields", &names)?;
        }
        st.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::FieldType;

    fn notes() -> Arc<Resource> {
        let resource = Resource::builder("notes", "notes")
            .field("id", FieldType::Integer, |f| f.sortable())
            .build();
        Arc::new(resource.unwrap_or_else(|e| unreachable!("{e}")))
    }

    /// Empty pairs are skipped and not counted toward `max_params`.
    #[test]
    fn empty_pairs_are_skipped() {
        let raw = format!("{}page=2{}", "&".repeat(4000), "&".repeat(4000));
        let query = ListQuery::parse(&raw, notes(), RequestOptions::default());
        let query = query.unwrap_or_else(|e| unreachable!("{e}"));
        assert_eq!(query.pagination().map(|p| p.page), Some(2));
        assert_eq!(query.params(), [ListParam::Page]);
    }

    fn feed(modes: &[PaginationMode]) -> Arc<Resource> {
        let resource = Resource::builder("feed", "feed")
            .field("id", FieldType::Integer, |f| f.sortable())
            .field("amount", FieldType::Integer, |f| f.sortable())
            .aggregate("total", crate::AggregateFn::Sum, Some("amount"))
            .pagination(modes)
            .build();
        Arc::new(resource.unwrap_or_else(|e| unreachable!("{e}")))
    }

    fn errors(
        raw: &str,
        resource: Arc<Resource>,
        options: RequestOptions,
    ) -> Vec<(String, String)> {
        match ListQuery::parse(raw, resource, options) {
            Ok(_) => Vec::new(),
            Err(errors) => errors
                .iter()
                .map(|e| (e.code().as_str().to_owned(), e.to_string()))
                .collect(),
        }
    }

    /// Which mode a request gets, and the errors where it cannot have one.
    #[test]
    fn modes_are_chosen_as_spec_12_says() {
        let admin = RequestOptions::for_role(crate::Role::Admin);
        let agent = RequestOptions::for_role(crate::Role::Agent);
        let mode = |raw: &str, modes: &[PaginationMode], options| {
            ListQuery::parse(raw, feed(modes), options)
                .ok()
                .and_then(|q| q.pagination_mode())
        };
        use PaginationMode::{Cursor, Offset, Simple};
        assert_eq!(mode("", &[Offset, Cursor], admin), Some(Offset));
        assert_eq!(mode("", &[Cursor, Offset], admin), Some(Cursor));
        assert_eq!(mode("cursor=", &[Offset, Cursor], admin), Some(Cursor));
        assert_eq!(mode("cursor=", &[Offset, Cursor], agent), Some(Cursor));
        assert_eq!(mode("per_page=5", &[Cursor, Simple], admin), Some(Simple));
        assert_eq!(mode("per_page=5", &[Cursor], admin), Some(Cursor));
        assert_eq!(mode("", &[Cursor], agent), None);

        // A page number on a cursor-only endpoint: the value sent is named, and
        // a bad per_page beside it is reported too.
        let got = errors("page=2&per_page=abc", feed(&[Cursor]), admin);
        assert_eq!(got.len(), 2, "{got:?}");
        assert_eq!(got[0].0, "invalid_cursor");
        assert!(
            got[0]
                .1
                .starts_with("page: the feed endpoint pages with cursors"),
            "{got:?}"
        );
        assert_eq!(got[1].0, "invalid_per_page");
        // A cursor with a page, and a bad page beside it.
        let got = errors("cursor=&page=0", feed(&[Offset, Cursor]), admin);
        let codes: Vec<&str> = got.iter().map(|(c, _)| c.as_str()).collect();
        assert_eq!(codes, ["invalid_cursor", "invalid_page"], "{got:?}");
        // Metadata on an unpaginated cursor-only list: add cursor=, not page=1.
        let got = errors("metadata=1", feed(&[Cursor]), agent);
        assert!(got[0].1.ends_with("add cursor="), "{got:?}");
        let got = errors("metadata=1", feed(&[Offset]), agent);
        assert!(got[0].1.ends_with("add page=1"), "{got:?}");
    }
}

//! Raw query + resource + request options → a typed, validated [`ListQuery`].
//!
//! Everything a client can get wrong is found here or in [`crate::parse`], and all
//! of it is reported at once ([`QueryErrors`]); nothing past this point fails on
//! input.

use std::borrow::Cow;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, NaiveDateTime};
use rust_decimal::Decimal;

use crate::error::{ParseError, QueryError, QueryErrors, ValidationError};
use crate::limits::LimitKind;
use crate::parse::{self, ParseConfig, RawParam, RawParamKind, RawQuery, SortDirection};
use crate::schema::{FieldId, FieldType, FilterOp, NullsOrder, Resource};

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
    String(String),
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
            Self::DateTime(dt) => Cow::Owned(dt.format(crate::TIMESTAMP_FORMAT).to_string()),
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

/// One validated filter: `field op values`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filter {
    /// The field.
    pub field: FieldId,
    /// The operator.
    pub op: FilterOp,
    /// The values, typed; their count fits the operator.
    pub values: Vec<Value>,
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

/// Offset pagination of a request.
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ListParam {
    /// The `sort` parameter (the [`SortOrigin::Request`] keys).
    Sort,
    /// The filter at this index of [`ListQuery::filters`].
    Filter(usize),
    /// `page`.
    Page,
    /// `per_page`.
    PerPage,
    /// `metadata`.
    Metadata,
}

/// A validated list request: what to filter, how to sort, which page, and
/// whether to compute metadata. Built by [`ListQuery::parse`].
#[derive(Debug, Clone)]
pub struct ListQuery {
    pub(crate) resource: Arc<Resource>,
    pub(crate) filters: Vec<Filter>,
    pub(crate) sort: Vec<SortKey>,
    pub(crate) pagination: Option<Pagination>,
    pub(crate) metadata: bool,
    pub(crate) params: Vec<ListParam>,
    pub(crate) extra: Vec<(String, String)>,
}

impl PartialEq for ListQuery {
    fn eq(&self, other: &Self) -> bool {
        (Arc::ptr_eq(&self.resource, &other.resource) || self.resource == other.resource)
            && self.filters == other.filters
            && self.sort == other.sort
            && self.pagination == other.pagination
            && self.metadata == other.metadata
            && self.params == other.params
            && self.extra == other.extra
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
    /// let q = ListQuery::parse("filter[status]=paid,sent&page=2", &invoices.into(),
    ///     RequestOptions::for_role(Role::Admin)).unwrap();
    /// assert_eq!(q.filters().len(), 1);
    /// assert_eq!(q.pagination().unwrap().offset, 15);
    /// ```
    pub fn parse(
        raw: &str,
        resource: &Arc<Resource>,
        options: RequestOptions,
    ) -> Result<ListQuery, QueryErrors> {
        let config = ParseConfig {
            names: resource.params(),
            limits: resource.limits(),
            strict: options.strict,
        };
        match parse::parse_query(raw, &config) {
            Ok(raw) => Self::from_raw(&raw, resource, options),
            Err(errors) => Err(QueryErrors(
                errors.into_iter().map(QueryError::Parse).collect(),
            )),
        }
    }

    /// Validates an already parsed [`RawQuery`].
    pub fn from_raw(
        raw: &RawQuery<'_>,
        resource: &Arc<Resource>,
        options: RequestOptions,
    ) -> Result<ListQuery, QueryErrors> {
        Validator::new(resource, options).run(raw)
    }

    /// The resource queried.
    pub fn resource(&self) -> &Arc<Resource> {
        &self.resource
    }
    /// The filters, AND'ed, in request order.
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
    /// Whether metadata (aggregates) was asked for.
    pub fn metadata(&self) -> bool {
        self.metadata
    }
    /// The list parameters in request order.
    pub fn params(&self) -> &[ListParam] {
        &self.params
    }
    /// The unrecognised parameters (decoded), in request order.
    pub fn extra_params(&self) -> &[(String, String)] {
        &self.extra
    }
    /// A copy of this query for another page (same filters, sort and size).
    ///
    /// `page` must be at least 1; a page whose offset overflows or passes
    /// `max_offset` gives `None`.
    pub fn with_page(&self, page: u64) -> Option<ListQuery> {
        let p = self.pagination?;
        let offset = page.checked_sub(1)?.checked_mul(p.per_page)?;
        if offset > self.resource.limits().max_offset {
            return None;
        }
        let mut q = self.clone();
        q.pagination = Some(Pagination { page, offset, ..p });
        if !q.params.contains(&ListParam::Page) {
            q.params.push(ListParam::Page);
        }
        Some(q)
    }
}

struct Validator<'r> {
    resource: &'r Arc<Resource>,
    options: RequestOptions,
    errors: Vec<QueryError>,
}

impl<'r> Validator<'r> {
    fn new(resource: &'r Arc<Resource>, options: RequestOptions) -> Self {
        Self {
            resource,
            options,
            errors: Vec::new(),
        }
    }

    fn run(self, _raw: &RawQuery<'_>) -> Result<ListQuery, QueryErrors> {
        let _ = (
            self.resource,
            self.options,
            FieldType::String,
            DateTime::UNIX_EPOCH,
            LimitKind::Filters,
            ParseError::DuplicateParameter {
                parameter: String::new(),
            },
            ValidationError::LimitExceeded {
                parameter: None,
                limit: LimitKind::Filters,
                max: 0,
                actual: 0,
            },
        );
        let _: Option<(&RawParam, &RawParamKind)> = None;
        Err(QueryErrors(self.errors))
    }
}

//! The page envelope (SPEC §6), the unpaginated answer and its row cap (§4),
//! and `metadata` (§5).

use serde::Serialize;
use serde::ser::SerializeMap;

use crate::cursor::Cursor;
use crate::page::links::page_links;
use crate::page::{CursorEnvelope, LinkOptions, PageError, PageLink, PageUrls, SimpleEnvelope};
use crate::schema::AggregateValue;
use crate::schema::PaginationMode;
use crate::sql::CountResult;
use crate::validate::{ListQuery, Pagination};

/// Laravel's `LengthAwarePaginator::toArray()`, field for field and in its
/// key order; `links` only when enabled, `metadata` only when asked for.
///
/// ```
/// use listquery::Pagination;
/// use listquery::page::{PageEnvelope, PageUrls};
/// let urls = PageUrls::new("http://example.app")?;
/// let page = Pagination { page: 1, per_page: 15, offset: 0 };
/// let rows: Vec<u32> = (1..=15).collect();
/// let env = PageEnvelope::new(page, 50, rows, &urls);
/// assert_eq!(env.last_page, 4);
/// assert_eq!(env.next_page_url.as_deref(), Some("http://example.app?page=2"));
/// let json = serde_json::to_string(&env).unwrap();
/// assert!(json.starts_with(r#"{"total":50,"per_page":15,"current_page":1,"last_page":4,"#));
/// # Ok::<(), listquery::page::PageError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct PageEnvelope<T> {
    /// Rows matching the filters, over all pages.
    pub total: u64,
    /// `true` when `total` is the planner's estimate (SPEC §12); only then
    /// is it in the JSON, right after `total`.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub total_is_estimate: bool,
    /// Rows per page.
    pub per_page: u64,
    /// This page (it may be past the last one).
    pub current_page: u64,
    /// `max(ceil(total / per_page), 1)`.
    pub last_page: u64,
    /// URL of page 1.
    pub first_page_url: String,
    /// URL of the last page.
    pub last_page_url: String,
    /// URL of the next page; `None` on or past the last page.
    pub next_page_url: Option<String>,
    /// URL of `current_page - 1`; `None` on page 1 (a page past the end has one).
    pub prev_page_url: Option<String>,
    /// The base path, normalised (see [`PageUrls`]).
    pub path: String,
    /// Number of this page's first row (`offset + 1`), `None` when it has none.
    pub from: Option<u64>,
    /// Number of this page's last row (`offset + rows`), `None` when it has none.
    pub to: Option<u64>,
    /// The rows.
    pub data: Vec<T>,
    /// Page buttons, when enabled ([`PageEnvelope::with_links`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub links: Option<Vec<PageLink>>,
    /// Aggregates over the whole filtered set, when asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Metadata>,
}

impl<T> PageEnvelope<T> {
    /// The envelope of one page: `rows` are the page's rows, `total` the
    /// count over all pages. Arithmetic saturates: huge totals or pages never
    /// panic.
    pub fn new(pagination: Pagination, total: u64, rows: Vec<T>, urls: &PageUrls) -> Self {
        // Validation guarantees per_page >= 1; a zero from hand-built input counts as 1.
        let per_page = pagination.per_page.max(1);
        let current = pagination.page.max(1);
        let last_page = total.div_ceil(per_page).max(1);
        let count = u64::try_from(rows.len()).unwrap_or(u64::MAX);
        let offset = (current - 1).saturating_mul(per_page);
        let (from, to) = if count == 0 {
            (None, None)
        } else {
            let from = offset.saturating_add(1);
            (Some(from), Some(offset.saturating_add(count)))
        };
        Self {
            total,
            total_is_estimate: false,
            per_page: pagination.per_page,
            current_page: current,
            last_page,
            first_page_url: urls.url(1),
            last_page_url: urls.url(last_page),
            next_page_url: (current < last_page).then(|| urls.url(current.saturating_add(1))),
            prev_page_url: (current > 1).then(|| urls.url(current - 1)),
            path: urls.path().to_owned(),
            from,
            to,
            data: rows,
            links: None,
            metadata: None,
        }
    }

    /// Adds the `links` array (Laravel's page buttons), built with the same URLs.
    pub fn with_links(mut self, urls: &PageUrls, options: &LinkOptions) -> Self {
        self.links = Some(page_links(urls, self.current_page, self.last_page, options));
        self
    }

    /// Adds `metadata`.
    pub fn with_metadata(mut self, metadata: Metadata) -> Self {
        self.metadata = Some(metadata);
        self
    }
}

/// The `metadata` object: aggregate values over the whole filtered set, by
/// name, in the resource's aggregate order.
///
/// JSON form of each value ([`AggregateValue`]):
///
/// | aggregate | JSON |
/// |---|---|
/// | `count` | number (`42`) |
/// | `sum`, `min`, `max` of an integer field | number (`1234`) |
/// | `sum`, `min`, `max`, `avg` of a decimal field, `avg` of an integer field | string, exact (`"1234.50"`) — never a float |
/// | any aggregate over no rows where SQL gives NULL (`sum`, `min`, `max`, `avg`) | `null` |
///
/// Decimals travel as strings so that no client parses them into a binary
/// float and loses cents.
///
/// ```
/// use listquery::{AggregateValue, Decimal};
/// use listquery::page::Metadata;
/// let m = Metadata::new([
///     ("total_amount", AggregateValue::Decimal(Decimal::new(123450, 2))),
///     ("invoices", AggregateValue::Integer(7)),
///     ("lowest", AggregateValue::Null),
/// ]);
/// assert_eq!(
///     serde_json::to_string(&m).unwrap(),
///     r#"{"total_amount":"1234.50","invoices":7,"lowest":null}"#
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Metadata(pub Vec<(String, AggregateValue)>);

impl Metadata {
    /// Metadata from `(name, value)` pairs, in the order given.
    pub fn new<N: Into<String>>(values: impl IntoIterator<Item = (N, AggregateValue)>) -> Self {
        Self(values.into_iter().map(|(n, v)| (n.into(), v)).collect())
    }

    /// The value of the aggregate `name`.
    pub fn get(&self, name: &str) -> Option<&AggregateValue> {
        self.0.iter().find(|(n, _)| n == name).map(|(_, v)| v)
    }
}

impl Serialize for Metadata {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (name, value) in &self.0 {
            map.serialize_entry(name, value)?;
        }
        map.end()
    }
}

/// What the count statement returned for a paginated request: the total and,
/// when metadata was asked for, the aggregate values (by name, as the SQL
/// layer reads them back). The SQL layer's [`CountResult`] converts into it
/// with `From`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PageTotals {
    /// Rows matching the filters.
    pub total: u64,
    /// Aggregate values by name; any order.
    pub aggregates: Vec<(String, AggregateValue)>,
    /// Whether `total` is the planner's estimate.
    pub estimated: bool,
}

impl PageTotals {
    /// Totals without aggregates.
    pub fn new(total: u64) -> Self {
        Self {
            total,
            aggregates: Vec::new(),
            estimated: false,
        }
    }
    /// An estimated total (see [`EstimateQuery`](crate::sql::EstimateQuery)):
    /// the envelope says `"total_is_estimate": true`.
    pub fn estimated(total: u64) -> Self {
        Self {
            estimated: true,
            ..Self::new(total)
        }
    }
    /// Totals with aggregate values.
    pub fn with_aggregates<N: Into<String>>(
        mut self,
        values: impl IntoIterator<Item = (N, AggregateValue)>,
    ) -> Self {
        self.aggregates = values.into_iter().map(|(n, v)| (n.into(), v)).collect();
        self
    }
}

impl From<CountResult> for PageTotals {
    fn from(result: CountResult) -> Self {
        Self {
            total: result.total,
            aggregates: result.aggregates,
            estimated: false,
        }
    }
}

/// How a list answers: the base path, `links`, kept parameters, fragment.
///
/// The base path comes from the caller (configuration, or the route the app
/// matched), never from a request header: see [`PageUrls`].
///
/// ```
/// use listquery::page::{LinkOptions, PageOptions};
/// let options = PageOptions::new("https://api.example.com/v1/invoices")?
///     .links(LinkOptions::default())
///     .keep_unknown_params(true)
///     .append("tenant", "7");
/// # Ok::<(), listquery::page::PageError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageOptions {
    path: String,
    links: Option<LinkOptions>,
    keep_unknown: bool,
    appends: Vec<(String, String)>,
    fragment: String,
}

impl PageOptions {
    /// Options for lists under `path` (checked as [`PageUrls::new`] does): no
    /// `links`, unknown parameters dropped from page URLs.
    pub fn new(path: &str) -> Result<Self, PageError> {
        let urls = PageUrls::new(path)?;
        Ok(Self {
            path: urls.path().to_owned(),
            links: None,
            keep_unknown: false,
            appends: Vec::new(),
            fragment: String::new(),
        })
    }
    /// Adds the `links` array, built with these options.
    pub fn links(mut self, options: LinkOptions) -> Self {
        self.links = Some(options);
        self
    }
    /// Keeps the request's unrecognised parameters in page URLs (after its
    /// list parameters). Off by default.
    pub fn keep_unknown_params(mut self, keep: bool) -> Self {
        self.keep_unknown = keep;
        self
    }
    /// Keeps `key=value` in every page URL (Laravel's `appends()`; see
    /// [`PageUrls::append`]).
    pub fn append(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.appends.push((key.into(), value.into()));
        self
    }
    /// Adds `#fragment` to every page URL.
    pub fn fragment(mut self, fragment: impl Into<String>) -> Self {
        self.fragment = fragment.into();
        self
    }
    /// The page URLs for `query` under these options.
    pub fn urls(&self, query: &ListQuery) -> Result<PageUrls, PageError> {
        let mut urls = PageUrls::for_query(&self.path, query, self.keep_unknown)?;
        for (key, value) in &self.appends {
            urls = urls.append(key.as_str(), value.as_str());
        }
        Ok(urls.fragment(self.fragment.as_str()))
    }
}

/// The answer to a list request, one type for both shapes so that a
/// framework serializes one thing: a page envelope, or (unpaginated) a plain
/// JSON array of the rows.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum ListResponse<T> {
    /// An offset page: the envelope.
    Page(Box<PageEnvelope<T>>),
    /// A simple-mode page: the envelope without totals.
    Simple(Box<SimpleEnvelope<T>>),
    /// A cursor-mode page: the envelope with cursors.
    Cursor(Box<CursorEnvelope<T>>),
    /// An unpaginated request: every row, as a plain array.
    All(Vec<T>),
}

impl<T: Serialize> ListResponse<T> {
    /// Builds the answer to `query` from what the statements returned.
    ///
    /// - Offset mode: `rows` is the page, `totals` what the count statement
    ///   returned (required: [`PageError::MissingTotal`] otherwise).
    /// - Simple and cursor mode: `rows` is what the select returned with its
    ///   LIMIT of `per_page + 1`; `totals` is needed only for metadata (no
    ///   COUNT is shown). A cursor page reads each boundary row's sort fields
    ///   from its serialized form: the field's name, else its column's name
    ///   (`customer_id`), so `T` must serialize to an object holding them.
    /// - With metadata asked for, `metadata` holds every aggregate of the
    ///   resource, in the resource's order.
    /// - Unpaginated: `rows` is what the select returned with its limit of
    ///   `max_unpaginated_rows + 1`; `totals` is ignored. More than
    ///   `max_unpaginated_rows` rows is [`PageError::TooManyRows`] (send
    ///   [`PageError::to_json_api`] to the client; see [`check_row_count`]):
    ///   rows are never cut off silently. Exactly the cap is a full answer.
    ///
    /// ```
    /// use listquery::page::{ListResponse, PageOptions, PageTotals};
    /// use listquery::{FieldType, ListQuery, RequestOptions, Resource, Role};
    /// let orders = Resource::builder("orders", "orders")
    ///     .field("id", FieldType::Integer, |f| f.sortable())
    ///     .build()?
    ///     .into();
    /// let options = PageOptions::new("https://api.example.com/v1/orders")?;
    ///
    /// let admin = ListQuery::parse("sort=-id&page=2", &orders, RequestOptions::for_role(Role::Admin))?;
    /// let page = ListResponse::new(&admin, vec![16, 17], Some(PageTotals::new(17)), &options)?;
    /// let json = serde_json::to_value(&page)?;
    /// assert_eq!(json["prev_page_url"], "https://api.example.com/v1/orders?sort=-id&page=1");
    /// assert_eq!((json["from"].as_u64(), json["to"].as_u64()), (Some(16), Some(17)));
    ///
    /// let agent = ListQuery::parse("sort=-id", &orders, RequestOptions::for_role(Role::Agent))?;
    /// let all = ListResponse::new(&agent, vec![3, 2, 1], None, &options)?;
    /// assert_eq!(serde_json::to_string(&all)?, "[3,2,1]");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(
        query: &ListQuery,
        rows: Vec<T>,
        totals: Option<PageTotals>,
        options: &PageOptions,
    ) -> Result<Self, PageError> {
        let (Some(pagination), Some(mode)) = (query.pagination(), query.pagination_mode()) else {
            check_row_count(query, rows.len())?;
            return Ok(Self::All(rows));
        };
        let urls = options.urls(query)?;
        let mut totals = totals;
        let metadata = match (query.metadata(), totals.as_mut()) {
            (false, _) => None,
            (true, None) => return Err(PageError::MissingTotal),
            (true, Some(totals)) => Some(metadata_in_order(
                query,
                std::mem::take(&mut totals.aggregates),
            )?),
        };
        let answer = match mode {
            PaginationMode::Simple => {
                let mut envelope =
                    SimpleEnvelope::new(pagination.page, pagination.per_page, rows, &urls);
                envelope.metadata = metadata;
                Self::Simple(Box::new(envelope))
            }
            PaginationMode::Cursor => {
                let resource = query.resource();
                // A row shows a field under its name, or under its column.
                let keys: Vec<(&str, &str)> = (query.sort().iter())
                    .map(|k| {
                        let field = resource.field(k.field);
                        let column = field.column().rsplit('.').next().unwrap_or_default();
                        (field.name(), column)
                    })
                    .collect();
                let came_with = query.cursor().map(Cursor::points_to_next_items);
                let mut envelope = CursorEnvelope::with_key_names(
                    rows,
                    pagination.per_page,
                    came_with,
                    &keys,
                    &urls,
                )?;
                envelope.metadata = metadata;
                Self::Cursor(Box::new(envelope))
            }
            _ => {
                let totals = totals.ok_or(PageError::MissingTotal)?;
                let mut envelope = PageEnvelope::new(pagination, totals.total, rows, &urls);
                envelope.total_is_estimate = totals.estimated;
                if let Some(links) = &options.links {
                    envelope = envelope.with_links(&urls, links);
                }
                envelope.metadata = metadata;
                Self::Page(Box::new(envelope))
            }
        };
        Ok(answer)
    }
}

/// `Err(PageError::TooManyRows)` when an unpaginated `query` fetched more than
/// `max_unpaginated_rows` rows (its select fetches one more than the cap, see
/// [`ListSql::row_limit`](crate::sql::ListSql::row_limit)); always `Ok` for a
/// page. [`ListResponse::new`] checks this itself; call it when you answer
/// with your own envelope.
///
/// ```
/// use listquery::page::{PageError, check_row_count};
/// use listquery::sql::{Dialect, ListSql};
/// use listquery::{ListQuery, RequestOptions, Role, Schema};
/// let schema = Schema::from_toml_str(r#"
///     [resources.customers]
///     table = "customers"
///     [resources.customers.fields]
///     id = { type = "integer", sort = true }
///     [resources.customers.limits]
///     max_unpaginated_rows = 2
/// "#)?;
/// let query = ListQuery::parse("", schema.resource("customers").unwrap(),
///     RequestOptions::for_role(Role::Agent))?;
/// assert_eq!(ListSql::new(&query, Dialect::Sqlite).row_limit(), 3);
/// assert!(check_row_count(&query, 2).is_ok());
/// let err = check_row_count(&query, 3).unwrap_err();
/// assert!(matches!(err, PageError::TooManyRows { max: 2, .. }));
/// assert_eq!(err.to_string(), "this list has more than 2 rows, too many to return at once; \
///     request it in pages with 'page' (and 'per_page', at most 100)");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn check_row_count(query: &ListQuery, rows: usize) -> Result<(), PageError> {
    let max = query.resource().limits().max_unpaginated_rows;
    let over = u64::try_from(rows).map_or(true, |n| n > max);
    if query.pagination().is_some() || !over {
        return Ok(());
    }
    let resource = query.resource();
    Err(PageError::TooManyRows {
        max,
        page_parameter: resource.params().page.name().to_owned(),
        per_page_parameter: resource.params().per_page.name().to_owned(),
        max_per_page: resource.max_per_page(),
    })
}

/// The aggregate values in the resource's order; every declared aggregate
/// must be there, and nothing else.
fn metadata_in_order(
    query: &ListQuery,
    mut values: Vec<(String, AggregateValue)>,
) -> Result<Metadata, PageError> {
    let mut ordered = Vec::with_capacity(values.len());
    for aggregate in query.resource().aggregates() {
        let at = values
            .iter()
            .position(|(n, _)| n == aggregate.name())
            .ok_or_else(|| PageError::MissingAggregate {
                name: aggregate.name().to_owned(),
            })?;
        ordered.push(values.swap_remove(at));
    }
    if let Some((name, _)) = values.into_iter().next() {
        return Err(PageError::UnknownAggregate { name });
    }
    Ok(Metadata(ordered))
}

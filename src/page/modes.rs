//! The envelopes of simple and cursor pagination (SPEC §12): Laravel's
//! `Paginator::toArray()` and `CursorPaginator::toArray()`, field for field.

use serde::Serialize;

use crate::cursor;
use crate::page::{Metadata, PageError, PageUrls};

/// Laravel's `simplePaginate()` envelope: no total, no last page; `rows` are
/// fetched with LIMIT `per_page + 1` and the extra row only says that a next
/// page exists.
///
/// ```
/// use listquery::page::{PageUrls, SimpleEnvelope};
/// let urls = PageUrls::new("http://example.app")?;
/// let env = SimpleEnvelope::new(2, 15, (16..=31).collect::<Vec<u32>>(), &urls);
/// assert_eq!((env.from, env.to), (Some(16), Some(30)));
/// assert_eq!(env.next_page_url.as_deref(), Some("http://example.app?page=3"));
/// let json = serde_json::to_string(&env).unwrap();
/// assert!(json.starts_with(r#"{"current_page":2,"current_page_url":"http://example.app?page=2","data":[16,"#));
/// # Ok::<(), listquery::page::PageError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct SimpleEnvelope<T> {
    /// This page.
    pub current_page: u64,
    /// URL of this page.
    pub current_page_url: String,
    /// The rows (at most `per_page`).
    pub data: Vec<T>,
    /// URL of page 1.
    pub first_page_url: String,
    /// Number of this page's first row, `None` when it has none.
    pub from: Option<u64>,
    /// URL of the next page, when the statement found one more row.
    pub next_page_url: Option<String>,
    /// The base path, normalised.
    pub path: String,
    /// Rows per page.
    pub per_page: u64,
    /// URL of `current_page - 1`; `None` on page 1.
    pub prev_page_url: Option<String>,
    /// Number of this page's last row, `None` when it has none.
    pub to: Option<u64>,
    /// Aggregates over the whole filtered set, when asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Metadata>,
}

impl<T> SimpleEnvelope<T> {
    /// The envelope of page `page`: `rows` as fetched, up to `per_page + 1`
    /// (rows past `per_page` are not shown; they mean a next page exists).
    pub fn new(page: u64, per_page: u64, mut rows: Vec<T>, urls: &PageUrls) -> Self {
        let current = page.max(1);
        let per_page_len = usize::try_from(per_page).unwrap_or(usize::MAX);
        let has_more = rows.len() > per_page_len;
        rows.truncate(per_page_len);
        let offset = (current - 1).saturating_mul(per_page);
        let count = u64::try_from(rows.len()).unwrap_or(u64::MAX);
        let (from, to) = if count == 0 {
            (None, None)
        } else {
            (
                Some(offset.saturating_add(1)),
                Some(offset.saturating_add(count)),
            )
        };
        Self {
            current_page: current,
            current_page_url: urls.url(current),
            data: rows,
            first_page_url: urls.url(1),
            from,
            next_page_url: has_more.then(|| urls.url(current.saturating_add(1))),
            path: urls.path().to_owned(),
            per_page,
            prev_page_url: (current > 1).then(|| urls.url(current - 1)),
            to,
            metadata: None,
        }
    }

    /// Adds `metadata`.
    pub fn with_metadata(mut self, metadata: Metadata) -> Self {
        self.metadata = Some(metadata);
        self
    }
}

/// Laravel's `cursorPaginate()` envelope. `rows` are fetched with LIMIT
/// `per_page + 1` in the order the statement read them (backwards for a
/// previous-items cursor); the envelope keeps `per_page` of them in display
/// order and makes the cursors of the first and last row.
///
/// ```
/// use listquery::page::{CursorEnvelope, PageUrls};
/// use serde_json::json;
/// let urls = PageUrls::new("http://example.app")?.page_name("cursor");
/// let rows = vec![json!({"id": 1}), json!({"id": 2})];
/// let env = CursorEnvelope::new(rows, 1, None, &["id"], &urls)?;
/// assert_eq!(env.data, [json!({"id": 1})]);
/// assert_eq!(env.next_cursor.as_deref(), Some("eyJpZCI6MSwiX3BvaW50c1RvTmV4dEl0ZW1zIjp0cnVlfQ"));
/// assert_eq!(env.prev_cursor, None);
/// # Ok::<(), listquery::page::PageError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct CursorEnvelope<T> {
    /// The rows, in display order (at most `per_page`).
    pub data: Vec<T>,
    /// The base path, normalised.
    pub path: String,
    /// Rows per page.
    pub per_page: u64,
    /// The cursor of the rows after this page, `None` on the last page.
    pub next_cursor: Option<String>,
    /// `next_cursor` as a URL.
    pub next_page_url: Option<String>,
    /// The cursor of the rows before this page, `None` on the first page.
    pub prev_cursor: Option<String>,
    /// `prev_cursor` as a URL.
    pub prev_page_url: Option<String>,
    /// Aggregates over the whole filtered set, when asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Metadata>,
}

impl<T: Serialize> CursorEnvelope<T> {
    /// The envelope of one cursor page.
    ///
    /// - `rows`: as fetched, up to `per_page + 1`, in the statement's order.
    /// - `points_to_next`: the request's cursor, `None` on the first page,
    ///   `Some(true)` after a `next_cursor`, `Some(false)` after a `prev_cursor`.
    /// - `keys`: the cursor's keys, the request's sort fields in order (the
    ///   tie-breaker included). A row's value for a key is its serialized
    ///   field of that name (for `table.column`, Laravel's rule: the whole
    ///   name, else the part after the last dot).
    /// - `urls`: page URLs whose page parameter is the cursor parameter.
    ///
    /// # Errors
    ///
    /// [`PageError::CursorValue`] when a boundary row does not serialize to
    /// an object holding every key.
    pub fn new(
        rows: Vec<T>,
        per_page: u64,
        points_to_next: Option<bool>,
        keys: &[&str],
        urls: &PageUrls,
    ) -> Result<Self, PageError> {
        let keys: Vec<(&str, &str)> = (keys.iter())
            .map(|&key| (key, key.rsplit('.').next().unwrap_or(key)))
            .collect();
        Self::with_key_names(rows, per_page, points_to_next, &keys, urls)
    }

    /// As [`CursorEnvelope::new`], where each key is `(name, other)`: a
    /// row's value is its field `name`, else its field `other` (the column,
    /// for rows that serialize column names).
    pub(crate) fn with_key_names(
        mut rows: Vec<T>,
        per_page: u64,
        points_to_next: Option<bool>,
        keys: &[(&str, &str)],
        urls: &PageUrls,
    ) -> Result<Self, PageError> {
        let per_page_len = usize::try_from(per_page).unwrap_or(usize::MAX);
        let has_more = rows.len() > per_page_len;
        rows.truncate(per_page_len);
        if points_to_next == Some(false) {
            rows.reverse();
        }
        // Laravel's rules: after a previous-items cursor there is always a
        // next page, and a first page (no cursor) never has a previous one.
        let backwards = points_to_next == Some(false);
        let next = match rows.last() {
            Some(last) if has_more || backwards => Some(cursor_of(last, keys, true)?),
            _ => None,
        };
        let prev = match rows.first() {
            Some(first) if points_to_next.is_some() && (has_more || !backwards) => {
                Some(cursor_of(first, keys, false)?)
            }
            _ => None,
        };
        Ok(Self {
            data: rows,
            path: urls.path().to_owned(),
            per_page,
            next_page_url: next.as_deref().map(|c| urls.url_with(c)),
            next_cursor: next,
            prev_page_url: prev.as_deref().map(|c| urls.url_with(c)),
            prev_cursor: prev,
            metadata: None,
        })
    }

    /// Adds `metadata`.
    pub fn with_metadata(mut self, metadata: Metadata) -> Self {
        self.metadata = Some(metadata);
        self
    }
}

/// The cursor of `row`: its values for `keys`, as its JSON shows them.
fn cursor_of<T: Serialize>(
    row: &T,
    keys: &[(&str, &str)],
    next: bool,
) -> Result<String, PageError> {
    let json = serde_json::to_value(row).map_err(|e| PageError::CursorValue {
        key: keys.first().map(|k| k.0).unwrap_or_default().to_owned(),
        reason: format!("the row does not serialize: {e}"),
    })?;
    let mut entries = Vec::with_capacity(keys.len());
    for &(key, other) in keys {
        let value = json
            .get(key)
            .or_else(|| json.get(other))
            .ok_or_else(|| PageError::CursorValue {
                key: key.to_owned(),
                reason: "the row's JSON has no such field (a cursor page needs the sort fields in every row)".to_owned(),
            })?;
        entries.push((key, value));
    }
    Ok(cursor::encode(entries, next))
}

//! Page URLs: `path` + `?`/`&` + the kept query + `page=N` + `#fragment`,
//! byte for byte as Laravel's `AbstractPaginator::url()` builds them.

use percent_encoding::utf8_percent_encode;

use crate::RFC3986_QUERY;
use crate::page::PageError;
use crate::schema::PaginationMode;
use crate::validate::ListQuery;

/// Percent-encodes one key or value as `http_build_query(..., PHP_QUERY_RFC3986)`
/// (only `A-Za-z0-9-_.~` literal, space as `%20`), like the canonical printer.
fn encode_into(out: &mut String, text: &str) {
    out.extend(utf8_percent_encode(text, RFC3986_QUERY));
}

/// Builds the URLs of a list's pages (SPEC §6).
///
/// `URL = path + ("&" if path has a "?", else "?") + query + "page=N" + "#fragment"`.
///
/// - `path` is taken as given by the caller (configuration, or the request
///   path the app routed): listquery **never** reads a `Host` or
///   `X-Forwarded-*` header. Pass an absolute URL (`https://api.example.com/v1/orders`)
///   to get absolute links, or a path (`/v1/orders`) for relative ones. A
///   trailing `/` is removed unless the path is `/`. A protocol-relative path
///   (`//host`, `/\host`) or one starting with `\` or containing a control
///   character is rejected: browsers would follow it to another host.
/// - The query keeps decoded `(key, value)` pairs in order, encoded as PHP's
///   `http_build_query(..., PHP_QUERY_RFC3986)` (only `A-Za-z0-9-_.~` literal).
/// - For a request ([`PageUrls::for_query`]) the request's own page (or
///   cursor) parameter is dropped and the page goes last, after
///   [`PageUrls::append`]ed pairs, as Laravel's paginator writes it (its
///   `appends()` skips the page parameter). Pairs given with
///   [`PageUrls::pairs`] are Laravel's `query` option: a page among them keeps
///   its place (PHP's `array_merge`).
/// - The fragment is appended as given (as Laravel does); an empty one is none.
///
/// ```
/// use listquery::page::PageUrls;
/// let urls = PageUrls::new("https://api.example.com/v1/orders/")?
///     .pairs([("filter[status]", "paid,sent"), ("sort", "-placed_on")]);
/// assert_eq!(urls.path(), "https://api.example.com/v1/orders");
/// assert_eq!(
///     urls.url(2),
///     "https://api.example.com/v1/orders?filter%5Bstatus%5D=paid%2Csent&sort=-placed_on&page=2"
/// );
/// assert!(PageUrls::new("//evil.example/x").is_err());
/// # Ok::<(), listquery::page::PageError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageUrls {
    path: String,
    page_name: String,
    /// The kept pairs, without the page parameter.
    pairs: Vec<(String, String)>,
    /// Where the page parameter goes among `pairs`; `None`: last.
    page_at: Option<usize>,
    fragment: Option<String>,
}

impl PageUrls {
    /// URLs under `path`, with no query yet and the page parameter `page`.
    pub fn new(path: &str) -> Result<Self, PageError> {
        Ok(Self {
            path: normalize_path(path)?,
            page_name: "page".to_owned(),
            pairs: Vec::new(),
            page_at: None,
            fragment: None,
        })
    }

    /// URLs for the pages of `query`: its list parameters
    /// ([`ListQuery::to_pairs`], in request order) without its page, then the
    /// page (the cursor in cursor mode) last (SPEC §6). With `keep_unknown`,
    /// the request's unrecognised parameters ([`ListQuery::extra_params`]) are
    /// kept too, after the list parameters (their order among themselves is
    /// kept).
    pub fn for_query(path: &str, query: &ListQuery, keep_unknown: bool) -> Result<Self, PageError> {
        let names = query.resource().params();
        let page_name = match query.pagination_mode() {
            Some(PaginationMode::Cursor) => names.cursor.name(),
            _ => names.page.name(),
        };
        let mut urls = Self::new(path)?.page_name(page_name);
        let extra = if keep_unknown {
            query.extra_params()
        } else {
            &[]
        };
        urls = urls.pairs(query.to_pairs());
        // The request's page is dropped: the page goes last.
        urls.page_at = None;
        urls.pairs.extend(extra.iter().cloned());
        Ok(urls)
    }

    /// Sets the name of the page parameter (default `page`). Call it before
    /// [`PageUrls::pairs`] so that the page pair among them is recognised.
    pub fn page_name(mut self, name: &str) -> Self {
        self.page_name = name.to_owned();
        self
    }

    /// Adds decoded request pairs, in order. A pair named like the page
    /// parameter marks where the page goes (its value is replaced in every
    /// URL; if it is the last pair, the page simply goes last); a second one
    /// is dropped, since a URL with the page twice would not parse again.
    pub fn pairs<K, V>(mut self, pairs: impl IntoIterator<Item = (K, V)>) -> Self
    where
        K: Into<String>,
        V: Into<String>,
    {
        let mut page_seen = self.page_at.is_some();
        for (key, value) in pairs {
            let key = key.into();
            if key == self.page_name {
                if !page_seen {
                    self.page_at = Some(self.pairs.len());
                    page_seen = true;
                }
                continue;
            }
            self.pairs.push((key, value.into()));
        }
        // A page that ended the request stays last, also after appended pairs.
        if self.page_at == Some(self.pairs.len()) {
            self.page_at = None;
        }
        self
    }

    /// Laravel's `appends()`: keeps `key=value` in every page URL. An existing
    /// pair with the same key gets the new value in place; a new key goes
    /// after the request's pairs. Keys are flat (`filter[name]`): appending
    /// `filter[name]` replaces that one pair, where PHP would replace the whole
    /// `filter` array. The page parameter cannot be appended (ignored, as in
    /// Laravel).
    pub fn append(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        let (key, value) = (key.into(), value.into());
        if key == self.page_name {
            return self;
        }
        match self.pairs.iter_mut().find(|(k, _)| *k == key) {
            Some(pair) => pair.1 = value,
            None => self.pairs.push((key, value)),
        }
        self
    }

    /// Adds `#fragment` to every URL, as given (not encoded, as in Laravel);
    /// an empty fragment, and `"0"` (falsy in PHP, so Laravel drops it), add
    /// nothing.
    pub fn fragment(mut self, fragment: impl Into<String>) -> Self {
        let fragment = fragment.into();
        self.fragment = (!fragment.is_empty() && fragment != "0").then_some(fragment);
        self
    }

    /// The normalised path, as the envelope's `path` shows it.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The URL of page `page` (0 is taken as 1, as Laravel does).
    pub fn url(&self, page: u64) -> String {
        self.url_with(&page.max(1).to_string())
    }

    /// The URL with `value` for the page parameter (a cursor's text, for a
    /// cursor page: see [`PageUrls::page_name`]).
    pub fn url_with(&self, page: &str) -> String {
        let mut out = String::with_capacity(self.path.len() + 16 + 24 * self.pairs.len());
        out.push_str(&self.path);
        out.push(if self.path.contains('?') { '&' } else { '?' });
        let page_at = self.page_at.unwrap_or(self.pairs.len());
        let mut page_written = false;
        for (i, (key, value)) in self.pairs.iter().enumerate() {
            if i == page_at {
                push_pair(&mut out, &self.page_name, page);
                out.push('&');
                page_written = true;
            }
            push_pair(&mut out, key, value);
            out.push('&');
        }
        if !page_written {
            push_pair(&mut out, &self.page_name, page);
        } else {
            out.pop();
        }
        if let Some(fragment) = &self.fragment {
            out.push('#');
            out.push_str(fragment);
        }
        out
    }
}

fn push_pair(out: &mut String, key: &str, value: &str) {
    encode_into(out, key);
    out.push('=');
    encode_into(out, value);
}

/// Checks a base path and removes trailing slashes (Laravel: `rtrim($path, '/')`
/// unless the path is `/`).
fn normalize_path(path: &str) -> Result<String, PageError> {
    let invalid = |reason: &'static str| PageError::InvalidPath {
        path: path.to_owned(),
        reason,
    };
    if path.chars().any(char::is_control) {
        return Err(invalid("it contains a control character"));
    }
    if path.starts_with('\\') {
        return Err(invalid("it starts with '\\', which browsers read as '/'"));
    }
    // `//host` and `/\host` are protocol-relative for browsers: another host.
    if path.starts_with("//") || path.starts_with("/\\") {
        return Err(invalid(
            "it is protocol-relative ('//host'): pass an absolute URL or a path on this host",
        ));
    }
    if path.starts_with(char::is_whitespace) {
        return Err(invalid("it starts with whitespace"));
    }
    if path == "/" {
        return Ok(path.to_owned());
    }
    Ok(path.trim_end_matches('/').to_owned())
}

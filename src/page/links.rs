//! The optional `links` array: Laravel's page buttons (`UrlWindow` and
//! `LengthAwarePaginator::linkCollection()`), entry for entry.

use serde::Serialize;
use serde::ser::SerializeStruct;

use crate::page::PageUrls;

/// How the `links` array is built: the button labels and the window size.
///
/// ```
/// use listquery::page::LinkOptions;
/// let fr = LinkOptions::new().labels("Précédent", "Suivant").on_each_side(2);
/// assert_eq!(fr.previous_label, "Précédent");
/// assert_eq!(LinkOptions::default().on_each_side, 3);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkOptions {
    /// Label of the first entry (default `Previous`).
    pub previous_label: String,
    /// Label of the last entry (default `Next`).
    pub next_label: String,
    /// Pages shown on each side of the current one (Laravel's `onEachSide`,
    /// default 3). A `u8`, so the array stays small whatever the total.
    pub on_each_side: u8,
}

impl LinkOptions {
    /// Labels `Previous`/`Next`, 3 pages on each side (Laravel's defaults).
    pub fn new() -> Self {
        Self {
            previous_label: "Previous".to_owned(),
            next_label: "Next".to_owned(),
            on_each_side: 3,
        }
    }
    /// Sets the labels of the previous and next buttons (e.g. translated).
    pub fn labels(mut self, previous: impl Into<String>, next: impl Into<String>) -> Self {
        self.previous_label = previous.into();
        self.next_label = next.into();
        self
    }
    /// Sets [`LinkOptions::on_each_side`].
    pub fn on_each_side(mut self, n: u8) -> Self {
        self.on_each_side = n;
        self
    }
}

impl Default for LinkOptions {
    fn default() -> Self {
        Self::new()
    }
}

/// What a [`PageLink`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PageLinkKind {
    /// The first entry: the previous page.
    Previous,
    /// A numbered page.
    Page,
    /// A `...` gap between numbered pages.
    Gap,
    /// The last entry: the next page.
    Next,
}

/// One entry of the `links` array.
///
/// JSON: `{"url": ..., "label": ..., "page": ..., "active": ...}`; a gap is
/// `{"url": null, "label": "...", "active": false}` (no `page`), as in Laravel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageLink {
    /// The page's URL; `None` for a gap, or a previous/next that does not exist.
    pub url: Option<String>,
    /// The button text: the page number, `...`, or a previous/next label.
    pub label: String,
    /// The page it leads to; `None` for a gap or a missing previous/next.
    pub page: Option<u64>,
    /// Whether it is the current page.
    pub active: bool,
    /// What the entry is (not serialized).
    pub kind: PageLinkKind,
}

impl Serialize for PageLink {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let gap = self.kind == PageLinkKind::Gap;
        let mut st = s.serialize_struct("PageLink", if gap { 3 } else { 4 })?;
        st.serialize_field("url", &self.url)?;
        st.serialize_field("label", &self.label)?;
        if gap {
            st.skip_field("page")?;
        } else {
            st.serialize_field("page", &self.page)?;
        }
        st.serialize_field("active", &self.active)?;
        st.end()
    }
}

/// The `links` array of page `current` out of `last` (Laravel's
/// `linkCollection()`): previous, the window of numbered pages with `...`
/// gaps, next.
pub(crate) fn page_links(
    urls: &PageUrls,
    current: u64,
    last: u64,
    options: &LinkOptions,
) -> Vec<PageLink> {
    let mut links = Vec::new();
    let prev = (current > 1).then(|| current.saturating_sub(1));
    links.push(PageLink {
        url: prev.map(|p| urls.url(p)),
        label: options.previous_label.clone(),
        page: prev,
        active: false,
        kind: PageLinkKind::Previous,
    });
    for (i, range) in window(current, last, u64::from(options.on_each_side))
        .into_iter()
        .enumerate()
    {
        if i > 0 {
            links.push(PageLink {
                url: None,
                label: "...".to_owned(),
                page: None,
                active: false,
                kind: PageLinkKind::Gap,
            });
        }
        for page in range.0..=range.1 {
            links.push(PageLink {
                url: Some(urls.url(page)),
                label: page.to_string(),
                page: Some(page),
                active: page == current,
                kind: PageLinkKind::Page,
            });
        }
    }
    let next = (current < last).then(|| current.saturating_add(1));
    links.push(PageLink {
        url: next.map(|p| urls.url(p)),
        label: options.next_label.clone(),
        page: next,
        active: false,
        kind: PageLinkKind::Next,
    });
    links
}

/// Laravel's `UrlWindow`: the inclusive page ranges to show, a `...` between
/// each two. With `k` pages on each side: every page when there are fewer than
/// `2k + 8`; else the first `2k + 4` pages and the last two when the current
/// page is near the start, the first two and the last `2k + 4` near the end,
/// otherwise the first two, `current ± k` and the last two.
fn window(current: u64, last: u64, k: u64) -> Vec<(u64, u64)> {
    let last = last.max(1);
    if last < k.saturating_mul(2).saturating_add(8) {
        return vec![(1, last)];
    }
    let window = k.saturating_add(4);
    let start = (1, 2);
    let finish = (last.saturating_sub(1), last);
    if current <= window {
        vec![(1, window.saturating_add(k)), finish]
    } else if current > last.saturating_sub(window) {
        let from = last.saturating_sub(window.saturating_add(k).saturating_sub(1));
        vec![start, (from, last)]
    } else {
        vec![
            start,
            (current.saturating_sub(k), current.saturating_add(k)),
            finish,
        ]
    }
}

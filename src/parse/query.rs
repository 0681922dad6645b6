//! Splitting a raw query into pairs and classifying them (SPEC §1).
//!
//! One scanner, two consumers: [`parse_query`] collects what it finds into a
//! [`RawQuery`], and validation ([`crate::ListQuery::parse`]) takes each
//! parameter as it is found ([`ParamSink`]), so that a request is decoded into
//! two reused buffers and its value lists are never stored as parse results.

use std::borrow::Cow;
use std::collections::HashSet;

use smallvec::SmallVec;

use crate::error::ParseError;
use crate::error::SortProblem;
use crate::limits::LimitKind;
use crate::parse::decode::{any_needs_decoding, decode_into};
use crate::parse::grammar::{Item, SortItem, filter_key_segments, sort_item, value_item};
use crate::parse::{
    ParseConfig, RawFilter, RawParam, RawParamKind, RawQuery, RawSortKey, RawValue, same_bytes,
    same_name,
};

/// The accepted forms of a filter key, for `malformed_parameter` messages.
fn filter_forms(prefix: &str) -> String {
    format!(
        "send {prefix}[FIELD]=v1,v2 or {prefix}[FIELD][OP]=v1,v2 (PHP arrays such as {prefix}[status][]=a are not accepted: send {prefix}[status]=a,b)"
    )
}

/// Parses a raw query string (percent-encoded, with or without a leading `?`)
/// into its parameters, in request order.
///
/// Checks encoding, duplicates, the key grammar, the sort and value-list
/// grammars and the parse-time limits; all errors are collected. Values of
/// `page`, `per_page`, `metadata` and `cursor` are kept as text for
/// validation.
///
/// ```
/// use listquery::parse::{parse_query, ParseConfig, RawParamKind};
/// use listquery::{Limits, ParamNames};
/// let names = ParamNames::default();
/// let limits = Limits::new();
/// let config = ParseConfig { names: &names, limits: &limits, strict: false };
/// let q = parse_query("filter%5Bstatus%5D=paid%2Csent&page=2", &config).unwrap();
/// let RawParamKind::Filter(f) = &q.params[0].kind else { panic!() };
/// assert_eq!(f.field, "status");
/// assert_eq!(f.values.len(), 2);
/// ```
pub fn parse_query<'a>(
    raw: &'a str,
    config: &ParseConfig<'_>,
) -> Result<RawQuery<'a>, Vec<ParseError>> {
    let (query, errors) = parse_query_partial(raw, config);
    if errors.is_empty() {
        Ok(query)
    } else {
        Err(errors)
    }
}

/// Like [`parse_query`], but also returns the parameters that did parse when
/// others did not, so that validation can report their errors too (a request
/// gets all its errors at once). The pairs in error are left out.
pub fn parse_query_partial<'a>(
    raw: &'a str,
    config: &ParseConfig<'_>,
) -> (RawQuery<'a>, Vec<ParseError>) {
    let mut collect = Collect {
        raw,
        params: Vec::new(),
    };
    let errors = scan_query(raw, config, &mut collect);
    (
        RawQuery {
            params: collect.params,
        },
        errors,
    )
}

// ------------------------------------------------------------- the scanner

/// One parameter as the scanner hands it to a [`ParamSink`]: its decoded text
/// is borrowed for the call only (it may sit in a buffer reused by the next pair).
#[derive(Debug)]
pub(crate) struct Param<'t> {
    /// The decoded key.
    pub(crate) key: &'t str,
    /// The decoded value.
    pub(crate) value: &'t str,
    /// What the key is, with the value checked by its grammar.
    pub(crate) kind: ParamKind<'t>,
}

/// [`RawParamKind`], borrowed.
#[derive(Debug)]
pub(crate) enum ParamKind<'t> {
    /// The keys of the sort list, checked whole (empty for `sort=`).
    Sort(&'t [SortItem<'t>]),
    Filter(FilterParam<'t>),
    Page,
    PerPage,
    Metadata,
    Cursor,
    Other,
}

/// [`RawFilter`], borrowed.
#[derive(Debug)]
pub(crate) struct FilterParam<'t> {
    pub(crate) field: &'t str,
    pub(crate) op: Option<&'t str>,
    /// The items of the value list, checked whole.
    pub(crate) values: &'t [Item<'t>],
}

/// The lists of one [`RawParam`] as the scanner hands them over (slices of
/// `Copy` items; the scanner keeps its own on the stack for each pair, so
/// that they may borrow that pair's decoded text).
#[derive(Default)]
pub(crate) struct Lists<'t> {
    sort: SmallVec<[SortItem<'t>; 4]>,
    values: SmallVec<[Item<'t>; 8]>,
}

impl RawParam<'_> {
    /// This parameter as the scanner would hand it over, its lists copied
    /// into `lists`.
    pub(crate) fn as_param<'l, 's: 'l>(&'s self, lists: &'l mut Lists<'s>) -> Param<'l> {
        let kind = match &self.kind {
            RawParamKind::Sort(keys) => {
                lists.sort.extend(keys.iter().map(|k| SortItem {
                    field: &k.field,
                    direction: k.direction,
                    offset: k.offset,
                }));
                ParamKind::Sort(&lists.sort)
            }
            RawParamKind::Filter(f) => {
                // Already unescaped.
                lists.values.extend(f.values.iter().map(|v| Item {
                    body: &v.text,
                    quoted: v.quoted,
                    escaped: false,
                    offset: v.offset,
                }));
                ParamKind::Filter(FilterParam {
                    field: &f.field,
                    op: f.op.as_deref(),
                    values: &lists.values,
                })
            }
            RawParamKind::Page => ParamKind::Page,
            RawParamKind::PerPage => ParamKind::PerPage,
            RawParamKind::Metadata => ParamKind::Metadata,
            RawParamKind::Cursor => ParamKind::Cursor,
            RawParamKind::Other => ParamKind::Other,
        };
        Param {
            key: &self.key,
            value: &self.value,
            kind,
        }
    }
}

/// Takes the parameters of a request as [`scan_query`] finds them.
pub(crate) trait ParamSink {
    /// Called before any parameter of a long query, with the most pairs it
    /// can have (a short one is not counted).
    fn start(&mut self, _most_pairs: usize) {}
    /// One parameter that parsed.
    fn param(&mut self, param: &Param<'_>);
}

/// Builds a [`RawQuery`] borrowing from `raw` wherever nothing was decoded.
struct Collect<'a> {
    raw: &'a str,
    params: Vec<RawParam<'a>>,
}

impl<'a> Collect<'a> {
    /// `text` borrowed from the input when it is a slice of it, else copied.
    fn rebase(&self, text: &str) -> Cow<'a, str> {
        match subslice_range(self.raw, text).and_then(|(start, end)| self.raw.get(start..end)) {
            Some(s) => Cow::Borrowed(s),
            None => Cow::Owned(text.to_owned()),
        }
    }
}

impl ParamSink for Collect<'_> {
    fn start(&mut self, pairs: usize) {
        self.params.reserve(pairs);
    }

    fn param(&mut self, param: &Param<'_>) {
        let kind = match &param.kind {
            ParamKind::Sort(keys) => RawParamKind::Sort(
                keys.iter()
                    .map(|k| RawSortKey {
                        field: self.rebase(k.field),
                        direction: k.direction,
                        offset: k.offset,
                    })
                    .collect(),
            ),
            ParamKind::Filter(f) => RawParamKind::Filter(RawFilter {
                field: self.rebase(f.field),
                op: f.op.map(|op| self.rebase(op)),
                values: (f.values.iter())
                    .map(|v| RawValue {
                        text: self.rebase(&v.text()),
                        quoted: v.quoted,
                        offset: v.offset,
                    })
                    .collect(),
            }),
            ParamKind::Page => RawParamKind::Page,
            ParamKind::PerPage => RawParamKind::PerPage,
            ParamKind::Metadata => RawParamKind::Metadata,
            ParamKind::Cursor => RawParamKind::Cursor,
            ParamKind::Other => RawParamKind::Other,
        };
        let param = RawParam {
            key: self.rebase(param.key),
            value: self.rebase(param.value),
            kind,
        };
        self.params.push(param);
    }
}

/// Scans a raw query, handing every parameter that parses to `sink` in
/// request order, and returns the parse errors (SPEC §1: all of them).
pub(crate) fn scan_query(
    raw: &str,
    config: &ParseConfig<'_>,
    sink: &mut impl ParamSink,
) -> Vec<ParseError> {
    let limits = config.limits;
    let raw = raw.strip_prefix('?').unwrap_or(raw);
    if raw.len() > limits.max_query_len {
        return vec![ParseError::LimitExceeded {
            parameter: None,
            limit: LimitKind::QueryLength,
            max: limits.max_query_len,
            actual: raw.len(),
        }];
    }
    let pairs = Pairs { rest: raw };
    // A query has at most one pair more than it has `&`s (a vectorized
    // count): only one that may be over the limit is counted exactly. One
    // plain `page` pair is not counted: page URLs add it to a request that had
    // none, and every URL the envelope emits must parse again.
    // Too short to hold more pairs than allowed (one per two bytes): not
    // counted at all, and the sink gets no size hint.
    let mut most = (raw.len().div_ceil(2) > limits.max_params)
        .then(|| memchr::memchr_iter(b'&', raw.as_bytes()).count() + 1);
    if most.is_some_and(|most| most > limits.max_params) {
        // Empty pairs (`&&`) do not count: only the exact count can tell, and
        // it, not the `&`s, is the hint (so `&&&…` reserves nothing big).
        let (mut count, mut page_pair) = (0, 0);
        for (key, _) in pairs.clone() {
            count += 1;
            if key == config.names.page {
                page_pair = 1;
            }
        }
        if count - page_pair > limits.max_params {
            return vec![ParseError::LimitExceeded {
                parameter: None,
                limit: LimitKind::Params,
                max: limits.max_params,
                actual: count,
            }];
        }
        most = Some(count);
    }
    if let Some(most) = most {
        sink.start(most);
    }

    // Made where it stays: moved into the scanner, its inline array was
    // copied whole (912 bytes) on every request.
    let mut seen_filters = SeenFilters::new(raw);
    let mut scanner = Scanner {
        config,
        errors: Vec::new(),
        seen_keys: 0,
        seen_filters: &mut seen_filters,
        filters: 0,
    };
    let (mut key_buf, mut value_buf) = (Vec::new(), Vec::new());
    // One check of the whole query, eight bytes at a time: most have nothing
    // to decode, and then no key or value is looked at again for it.
    let plain = !any_needs_decoding(raw.as_bytes());
    for (raw_key, raw_value) in pairs {
        let key = match decode(raw_key, plain, &mut key_buf) {
            Ok(key) => key,
            Err((offset, problem)) => {
                scanner.error(|| ParseError::InvalidEncoding {
                    parameter: raw_key.to_owned(),
                    value: raw_key.to_owned(),
                    offset,
                    problem,
                });
                continue;
            }
        };
        let value = match decode(raw_value, plain, &mut value_buf) {
            Ok(value) => value,
            Err((offset, problem)) => {
                scanner.error(|| ParseError::InvalidEncoding {
                    parameter: key.to_owned(),
                    value: raw_value.to_owned(),
                    offset,
                    problem,
                });
                continue;
            }
        };
        scanner.classify(key, value, sink);
    }
    let filters = scanner.filters;
    if filters > limits.max_filters {
        scanner.error(|| ParseError::LimitExceeded {
            parameter: Some(config.names.filter.clone()),
            limit: LimitKind::Filters,
            max: limits.max_filters,
            actual: filters,
        });
    }
    scanner.errors
}

/// The non-empty `&`-separated pairs of a raw query, each split at its first
/// `=` (a pair without one has an empty value). [`find`] finds the
/// separators: `str::split`'s searcher cost more than the rest of scanning a
/// short query.
#[derive(Clone)]
struct Pairs<'a> {
    rest: &'a str,
}

impl<'a> Iterator for Pairs<'a> {
    type Item = (&'a str, &'a str);

    #[inline]
    fn next(&mut self) -> Option<(&'a str, &'a str)> {
        loop {
            let bytes = self.rest.as_bytes();
            if bytes.is_empty() {
                return None;
            }
            let end = find(b'&', bytes).unwrap_or(bytes.len());
            let rest = self.rest;
            self.rest = rest.get(end + 1..).unwrap_or_default();
            if end == 0 {
                continue;
            }
            // Searched up to the pair's end rounded up to a whole word (not
            // in the pair alone): the search rarely ends bytewise, and never
            // reads more than a word past the pair.
            let window = bytes.get(..end.next_multiple_of(8)).unwrap_or(bytes);
            return Some(match find(b'=', window).filter(|&eq| eq < end) {
                Some(eq) => (
                    rest.get(..eq).unwrap_or_default(),
                    rest.get(eq + 1..end).unwrap_or_default(),
                ),
                None => (rest.get(..end).unwrap_or_default(), ""),
            });
        }
    }
}

/// `raw` decoded into `buf`, or `raw` itself when the whole query is `plain`.
#[inline(always)]
fn decode<'s>(
    raw: &'s str,
    plain: bool,
    buf: &'s mut Vec<u8>,
) -> Result<&'s str, (usize, crate::error::EncodingProblem)> {
    if plain {
        Ok(raw)
    } else {
        decode_into(raw, buf)
    }
}

/// The first `needle` in `haystack`, eight bytes at a time (a pair is
/// short: a vectorized search's set-up costs more than it saves, and a byte
/// loop more than this).
fn find(needle: u8, haystack: &[u8]) -> Option<usize> {
    const LOW7: u64 = u64::from_ne_bytes([0x7f; 8]);
    let splat = u64::from_ne_bytes([needle; 8]);
    let mut words = haystack.chunks_exact(8);
    let mut at = 0;
    for word in &mut words {
        let Ok(word) = <[u8; 8]>::try_from(word) else {
            break;
        };
        // The high bit of each byte of `x` that is zero, exactly.
        let x = u64::from_le_bytes(word) ^ splat;
        let zero = !(((x & LOW7) + LOW7) | x | LOW7);
        if zero != 0 {
            return Some(at + (zero.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    let tail = words.remainder().iter().position(|&b| b == needle);
    tail.map(|i| at + i)
}

/// The filters seen so far, by decoded field and operator (`filter[f]` and
/// `filter[f][eq]` are one filter), for duplicate detection. A request has a
/// handful: they sit in an array, named by their place in the raw query (or,
/// when decoded, in one text buffer), and a linear scan finds them (hashing
/// was a third of parsing Q2 in the benchmark); past [`SeenFilters::SCAN`] a
/// hash set takes over, so that a large `max_params` cannot make parsing
/// quadratic.
struct SeenFilters<'a> {
    raw: &'a str,
    /// Decoded names that are not slices of `raw`.
    text: String,
    /// `(fingerprint, field, op)`, not initialised past what is used (a
    /// request scans few filters).
    few: SmallVec<[(u64, Span, Span); SeenFilters::SCAN]>,
    /// `field NUL op` (decoded text has no control characters), made only
    /// past [`SeenFilters::SCAN`] (making one reads the thread's hash keys).
    many: Option<HashSet<String>>,
}

/// Where a name of [`SeenFilters`] is.
#[derive(Clone, Copy)]
enum Span {
    /// The implicit operator `eq`.
    Eq,
    /// A range of the raw query.
    Raw(usize, usize),
    /// A range of the text buffer.
    Text(usize, usize),
}

impl<'a> SeenFilters<'a> {
    const SCAN: usize = 16;

    fn new(raw: &'a str) -> Self {
        Self {
            raw,
            text: String::new(),
            few: SmallVec::new(),
            many: None,
        }
    }

    fn span(&mut self, name: &str) -> Span {
        match subslice_range(self.raw, name) {
            Some((start, end)) => Span::Raw(start, end),
            None => {
                if self.text.capacity() == 0 {
                    // Decoded names are shorter than the query: one allocation.
                    self.text.reserve(self.raw.len());
                }
                let start = self.text.len();
                self.text.push_str(name);
                Span::Text(start, self.text.len())
            }
        }
    }

    fn name(&self, span: Span) -> &str {
        match span {
            Span::Eq => "eq",
            Span::Raw(start, end) => self.raw.get(start..end).unwrap_or_default(),
            Span::Text(start, end) => self.text.get(start..end).unwrap_or_default(),
        }
    }

    /// Adds the filter (`op` `None` is `eq`); `false` when it was already there.
    fn insert(&mut self, field: &str, op: Option<&str>) -> bool {
        let op = op.unwrap_or("eq");
        if self.few.len() < Self::SCAN {
            // Names are compared only when their fingerprints match.
            let print = fingerprint(field, op);
            let seen = (self.few.iter())
                .any(|&(p, f, o)| p == print && self.name(f) == field && self.name(o) == op);
            if !seen {
                let slot = (
                    print,
                    self.span(field),
                    if op == "eq" { Span::Eq } else { self.span(op) },
                );
                self.few.push(slot);
            }
            return !seen;
        }
        let many = match self.many.take() {
            Some(many) => many,
            None => (self.few.iter())
                .map(|&(_, f, o)| format!("{}\0{}", self.name(f), self.name(o)))
                .collect(),
        };
        let many = self.many.insert(many);
        many.insert(format!("{field}\0{op}"))
    }
}

/// The lengths and end bytes of a filter's names: equal for equal names,
/// and different for almost all others.
fn fingerprint(field: &str, op: &str) -> u64 {
    let ends = |name: &str| {
        let bytes = name.as_bytes();
        let (first, last) = (bytes.first(), bytes.last());
        u64::from(first.copied().unwrap_or_default()) << 8
            | u64::from(last.copied().unwrap_or_default())
    };
    let lengths = (field.len() as u64) << 48 ^ (op.len() as u64) << 32;
    lengths ^ ends(field) << 16 ^ ends(op)
}

/// The byte range of `inner` in `outer` when it is a slice of it.
fn subslice_range(outer: &str, inner: &str) -> Option<(usize, usize)> {
    let start = inner.as_ptr().addr().checked_sub(outer.as_ptr().addr())?;
    let end = start.checked_add(inner.len())?;
    let slice = outer.get(start..end)?;
    (slice.as_ptr() == inner.as_ptr()).then_some((start, end))
}

/// The recognised keys other than filters, one bit each, for duplicate detection.
#[derive(Clone, Copy)]
enum SimpleKey {
    Sort = 1,
    Page = 2,
    PerPage = 4,
    Metadata = 8,
    Cursor = 16,
}

struct Scanner<'c, 'a, 's> {
    config: &'c ParseConfig<'c>,
    errors: Vec<ParseError>,
    /// [`SimpleKey`] bits.
    seen_keys: u8,
    seen_filters: &'s mut SeenFilters<'a>,
    filters: usize,
}

impl Scanner<'_, '_, '_> {
    /// Records an error, made by `make` out of line: error paths built in
    /// place sat between the lines that every valid request runs, and made
    /// it slower (docs/performance.md).
    #[cold]
    #[inline(never)]
    fn error(&mut self, make: impl FnOnce() -> ParseError) {
        self.errors.push(make());
    }

    /// Recognises the key and checks the value by its grammar; a pair in
    /// error is recorded and not handed over.
    ///
    /// Hands the parameter to `sink` from where it is made (a returned one
    /// was stored and read back in pieces, which stalled the processor).
    fn classify<'t>(&mut self, key: &'t str, value: &'t str, sink: &mut impl ParamSink) {
        let param = |kind| Param { key, value, kind };
        let names = self.config.names;
        let simple = if same_name(key, &names.sort) {
            Some(SimpleKey::Sort)
        } else if same_name(key, &names.page) {
            Some(SimpleKey::Page)
        } else if same_name(key, &names.per_page) {
            Some(SimpleKey::PerPage)
        } else if same_name(key, &names.metadata) {
            Some(SimpleKey::Metadata)
        } else if same_name(key, &names.cursor) {
            Some(SimpleKey::Cursor)
        } else {
            None
        };
        if let Some(simple) = simple {
            let bit = simple as u8;
            if self.seen_keys & bit != 0 {
                self.duplicate(key);
                return;
            }
            self.seen_keys |= bit;
            return match simple {
                SimpleKey::Sort => {
                    let mut keys = SmallVec::new();
                    if self.sort(key, value, &mut keys) {
                        sink.param(&param(ParamKind::Sort(&keys)));
                    }
                }
                SimpleKey::Page => sink.param(&param(ParamKind::Page)),
                SimpleKey::PerPage => sink.param(&param(ParamKind::PerPage)),
                SimpleKey::Metadata => sink.param(&param(ParamKind::Metadata)),
                SimpleKey::Cursor => sink.param(&param(ParamKind::Cursor)),
            };
        }
        let prefix = names.filter.len();
        if let Some(suffix) = (key.as_bytes().get(..prefix))
            .filter(|&start| same_bytes(start, names.filter.as_bytes()))
            .and_then(|_| key.get(prefix..))
            && (suffix.is_empty() || suffix.starts_with('['))
        {
            return self.filter(key, suffix, value, sink);
        }
        if let Some(name) = [
            &names.sort,
            &names.page,
            &names.per_page,
            &names.metadata,
            &names.cursor,
        ]
        .into_iter()
        .find(|name| {
            key.strip_prefix(name.as_str())
                .is_some_and(|s| s.starts_with('['))
        }) {
            // `sort[]=name`, `page[0]=2`: a PHP array of a recognised key is a
            // client mistake, not an app parameter to ignore.
            self.error(|| ParseError::MalformedParameter {
                parameter: key.to_owned(),
                expected: format!("send {name}=VALUE once, without brackets"),
            });
            return;
        }
        if self.config.strict {
            self.error(|| ParseError::UnknownParameter {
                parameter: key.to_owned(),
            });
            return;
        }
        sink.param(&param(ParamKind::Other));
    }

    fn duplicate(&mut self, key: &str) {
        self.error(|| ParseError::DuplicateParameter {
            parameter: key.to_owned(),
        });
    }

    /// Checks a sort list into `keys`; `false` when it is in error (recorded).
    fn sort<'t>(
        &mut self,
        key: &str,
        value: &'t str,
        keys: &mut SmallVec<[SortItem<'t>; 4]>,
    ) -> bool {
        let limits = self.config.limits;
        if !value.is_empty() {
            // Count before parsing so a huge list costs nothing more.
            let keys = value.bytes().filter(|&b| b == b',').count() + 1;
            if keys > limits.max_sort_keys {
                self.error(|| ParseError::LimitExceeded {
                    parameter: Some(key.to_owned()),
                    limit: LimitKind::SortKeys,
                    max: limits.max_sort_keys,
                    actual: keys,
                });
                return false;
            }
        }
        // One pass over the list; a key is compared with the earlier ones (at
        // most `max_sort_keys` of them).
        let mut rest = (!value.is_empty()).then_some(value);
        while let Some(r) = rest {
            let checked = sort_item(value, r).and_then(|(sort_key, next)| {
                if keys
                    .iter()
                    .any(|k: &SortItem<'_>| same_name(k.field, sort_key.field))
                {
                    let problem = SortProblem::DuplicateField(sort_key.field.to_owned());
                    return Err((sort_key.offset, problem));
                }
                keys.push(sort_key);
                next
            });
            match checked {
                Ok(next) => rest = next,
                Err((offset, problem)) => {
                    self.error(|| ParseError::InvalidSort {
                        parameter: key.to_owned(),
                        value: value.to_owned(),
                        offset,
                        problem,
                    });
                    return false;
                }
            }
        }
        true
    }

    /// Checks a filter and hands it to `sink`.
    fn filter(&mut self, key: &str, suffix: &str, value: &str, sink: &mut impl ParamSink) {
        let names = self.config.names;
        let (field, op) = match filter_key_segments(suffix) {
            Some((field, None)) if !field.is_empty() => (field, None),
            Some((field, Some(op)))
                if !field.is_empty()
                    && !op.is_empty()
                    && !op.bytes().all(|b| b.is_ascii_digit()) =>
            {
                (field, Some(op))
            }
            _ => {
                self.error(|| ParseError::MalformedParameter {
                    parameter: key.to_owned(),
                    expected: filter_forms(&names.filter),
                });
                return;
            }
        };
        if !self.seen_filters.insert(field, op) {
            self.duplicate(key);
            return;
        }
        self.filters += 1;

        // One pass over the list: its grammar, its length, its first over-long
        // item, and where the items are (validation reads them from there).
        let limits = self.config.limits;
        let mut too_long = None;
        let mut items = SmallVec::<[Item<'_>; 8]>::new();
        let mut rest = Some(value);
        while let Some(r) = rest {
            match value_item(value, r) {
                Ok((item, next)) => {
                    if too_long.is_none() && item.text_len() > limits.max_value_len {
                        too_long = Some(item.text_len());
                    }
                    items.push(item);
                    rest = next;
                }
                Err((offset, problem)) => {
                    self.error(|| ParseError::InvalidValue {
                        parameter: key.to_owned(),
                        value: value.to_owned(),
                        offset,
                        problem,
                    });
                    return;
                }
            }
        }
        let count = items.len();
        if count > limits.max_filter_values {
            self.error(|| ParseError::LimitExceeded {
                parameter: Some(key.to_owned()),
                limit: LimitKind::FilterValues,
                max: limits.max_filter_values,
                actual: count,
            });
            return;
        }
        if let Some(long) = too_long {
            self.error(|| ParseError::LimitExceeded {
                parameter: Some(key.to_owned()),
                limit: LimitKind::ValueLength,
                max: limits.max_value_len,
                actual: long,
            });
            return;
        }
        let filter = FilterParam {
            field,
            op,
            values: &items,
        };
        sink.param(&Param {
            key,
            value,
            kind: ParamKind::Filter(filter),
        });
    }
}

impl RawSortKey<'_> {
    /// The same key, owning its text.
    pub fn into_owned(self) -> RawSortKey<'static> {
        RawSortKey {
            field: Cow::Owned(self.field.into_owned()),
            direction: self.direction,
            offset: self.offset,
        }
    }
}

impl RawValue<'_> {
    /// The same value, owning its text.
    pub fn into_owned(self) -> RawValue<'static> {
        RawValue {
            text: Cow::Owned(self.text.into_owned()),
            quoted: self.quoted,
            offset: self.offset,
        }
    }
}

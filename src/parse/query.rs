//! Splitting a raw query into pairs and classifying them (SPEC §1).

use std::borrow::Cow;
use std::collections::HashSet;

use crate::error::ParseError;
use crate::limits::LimitKind;
use crate::parse::decode::decode_component;
use crate::parse::grammar::{filter_key_segments, parse_sort_list, parse_value_list};
use crate::parse::{
    ParseConfig, RawFilter, RawParam, RawParamKind, RawQuery, RawSortKey, RawValue,
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
    let limits = config.limits;
    let raw = raw.strip_prefix('?').unwrap_or(raw);
    if raw.len() > limits.max_query_len {
        let error = ParseError::LimitExceeded {
            parameter: None,
            limit: LimitKind::QueryLength,
            max: limits.max_query_len,
            actual: raw.len(),
        };
        return (RawQuery::default(), vec![error]);
    }
    let pairs = raw.split('&').filter(|p| !p.is_empty());
    let count = pairs.clone().count();
    // One plain `page` pair is not counted: page URLs add it to a request that
    // had none, and every URL the envelope emits must parse again.
    let page_pairs = pairs
        .clone()
        .filter(|p| p.split_once('=').map_or(*p, |(k, _)| k) == config.names.page)
        .count()
        .min(1);
    if count - page_pairs > limits.max_params {
        let error = ParseError::LimitExceeded {
            parameter: None,
            limit: LimitKind::Params,
            max: limits.max_params,
            actual: count,
        };
        return (RawQuery::default(), vec![error]);
    }

    let mut parser = QueryParser {
        config,
        errors: Vec::new(),
        seen: SeenSlots::default(),
        filters: 0,
    };
    let mut params = Vec::with_capacity(count);
    for pair in pairs {
        if let Some(param) = parser.pair(pair) {
            params.push(param);
        }
    }
    if parser.filters > limits.max_filters {
        parser.errors.push(ParseError::LimitExceeded {
            parameter: Some(config.names.filter.clone()),
            limit: LimitKind::Filters,
            max: limits.max_filters,
            actual: parser.filters,
        });
    }
    (RawQuery { params }, parser.errors)
}

/// The identity of a recognised parameter, for duplicate detection: the
/// decoded key, except that `filter[f]` and `filter[f][eq]` are one filter.
#[derive(Clone, Hash, PartialEq, Eq)]
enum Slot<'a> {
    Key(Cow<'a, str>),
    Filter(Cow<'a, str>, Cow<'a, str>),
}

/// The recognised parameters seen so far. A request has a handful, so a
/// linear scan beats hashing (SipHash and the table's allocation were a third
/// of parsing Q2 in the benchmark); past [`SeenSlots::SCAN`] it switches to a
/// hash set so a large `max_params` cannot make parsing quadratic.
#[derive(Default)]
struct SeenSlots<'a> {
    few: Vec<Slot<'a>>,
    many: HashSet<Slot<'a>>,
}

impl<'a> SeenSlots<'a> {
    const SCAN: usize = 16;

    /// Adds `slot`; `false` when it was already there.
    fn insert(&mut self, slot: Slot<'a>) -> bool {
        if self.few.len() < Self::SCAN {
            if self.few.contains(&slot) {
                return false;
            }
            self.few.push(slot);
            return true;
        }
        if self.many.is_empty() {
            self.many.extend(self.few.iter().cloned());
        }
        self.many.insert(slot)
    }
}

struct QueryParser<'c, 'a> {
    config: &'c ParseConfig<'c>,
    errors: Vec<ParseError>,
    seen: SeenSlots<'a>,
    filters: usize,
}

impl<'a> QueryParser<'_, 'a> {
    /// One non-empty `key=value` pair; `None` when it is in error (recorded).
    fn pair(&mut self, pair: &'a str) -> Option<RawParam<'a>> {
        let (raw_key, raw_value) = pair.split_once('=').unwrap_or((pair, ""));
        let key = match decode_component(raw_key) {
            Ok(key) => key,
            Err((offset, problem)) => {
                self.errors.push(ParseError::InvalidEncoding {
                    parameter: raw_key.to_owned(),
                    value: raw_key.to_owned(),
                    offset,
                    problem,
                });
                return None;
            }
        };
        let value = match decode_component(raw_value) {
            Ok(value) => value,
            Err((offset, problem)) => {
                self.errors.push(ParseError::InvalidEncoding {
                    parameter: key.into_owned(),
                    value: raw_value.to_owned(),
                    offset,
                    problem,
                });
                return None;
            }
        };
        let kind = self.classify(&key, &value)?;
        Some(RawParam { key, value, kind })
    }

    /// Recognises the key and parses the value by its grammar.
    fn classify(&mut self, key: &Cow<'a, str>, value: &Cow<'a, str>) -> Option<RawParamKind<'a>> {
        let names = self.config.names;
        let simple = if *key == names.sort {
            Some(RawParamKind::Sort(Vec::new()))
        } else if *key == names.page {
            Some(RawParamKind::Page)
        } else if *key == names.per_page {
            Some(RawParamKind::PerPage)
        } else if *key == names.metadata {
            Some(RawParamKind::Metadata)
        } else if *key == names.cursor {
            Some(RawParamKind::Cursor)
        } else {
            None
        };
        if let Some(kind) = simple {
            if !self.seen.insert(Slot::Key(key.clone())) {
                self.duplicate(key);
                return None;
            }
            return match kind {
                RawParamKind::Sort(_) => self.sort(key, value).map(RawParamKind::Sort),
                kind => Some(kind),
            };
        }
        if let Some(suffix) = key.strip_prefix(names.filter.as_str())
            && (suffix.is_empty() || suffix.starts_with('['))
        {
            return self.filter(key, suffix, value).map(RawParamKind::Filter);
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
            self.errors.push(ParseError::MalformedParameter {
                parameter: key.clone().into_owned(),
                expected: format!("send {name}=VALUE once, without brackets"),
            });
            return None;
        }
        if self.config.strict {
            self.errors.push(ParseError::UnknownParameter {
                parameter: key.clone().into_owned(),
            });
            return None;
        }
        Some(RawParamKind::Other)
    }

    fn duplicate(&mut self, key: &str) {
        self.errors.push(ParseError::DuplicateParameter {
            parameter: key.to_owned(),
        });
    }

    fn sort(&mut self, key: &str, value: &Cow<'a, str>) -> Option<Vec<RawSortKey<'a>>> {
        if value.is_empty() {
            return Some(Vec::new());
        }
        let limits = self.config.limits;
        // Count before parsing so a huge list costs nothing more.
        let keys = value.bytes().filter(|&b| b == b',').count() + 1;
        if keys > limits.max_sort_keys {
            self.errors.push(ParseError::LimitExceeded {
                parameter: Some(key.to_owned()),
                limit: LimitKind::SortKeys,
                max: limits.max_sort_keys,
                actual: keys,
            });
            return None;
        }
        let parsed = match value {
            Cow::Borrowed(s) => parse_sort_list(s),
            Cow::Owned(s) => parse_sort_list(s)
                .map(|keys| keys.into_iter().map(RawSortKey::into_owned).collect()),
        };
        match parsed {
            Ok(keys) => Some(keys),
            Err((offset, problem)) => {
                self.errors.push(ParseError::InvalidSort {
                    parameter: key.to_owned(),
                    value: value.clone().into_owned(),
                    offset,
                    problem,
                });
                None
            }
        }
    }

    fn filter(
        &mut self,
        key: &Cow<'a, str>,
        suffix: &str,
        value: &Cow<'a, str>,
    ) -> Option<RawFilter<'a>> {
        let names = self.config.names;
        let malformed = |this: &mut Self| {
            this.errors.push(ParseError::MalformedParameter {
                parameter: key.clone().into_owned(),
                expected: filter_forms(&names.filter),
            });
            None
        };
        let (field, op) = match filter_key_segments(suffix).as_deref() {
            Some([field]) if !field.is_empty() => (*field, None),
            Some([field, op])
                if !field.is_empty()
                    && !op.is_empty()
                    && !op.bytes().all(|b| b.is_ascii_digit()) =>
            {
                (*field, Some(*op))
            }
            _ => return malformed(self),
        };
        // Sub-slices of the decoded key, borrowed from the input when it was.
        let prefix = names.filter.len();
        let field_at = prefix + 1;
        let op_at = field_at + field.len() + 2;
        let field = sub(key, field_at, field.len());
        let op = op.map(|op| sub(key, op_at, op.len()));

        let eq: Cow<'a, str> = Cow::Borrowed("eq");
        let slot = Slot::Filter(field.clone(), op.clone().unwrap_or(eq));
        if !self.seen.insert(slot) {
            self.duplicate(key);
            return None;
        }
        self.filters += 1;

        let parsed = match value {
            Cow::Borrowed(s) => parse_value_list(s),
            Cow::Owned(s) => parse_value_list(s)
                .map(|items| items.into_iter().map(RawValue::into_owned).collect()),
        };
        let values = match parsed {
            Ok(values) => values,
            Err((offset, problem)) => {
                self.errors.push(ParseError::InvalidValue {
                    parameter: key.clone().into_owned(),
                    value: value.clone().into_owned(),
                    offset,
                    problem,
                });
                return None;
            }
        };
        let limits = self.config.limits;
        if values.len() > limits.max_filter_values {
            self.errors.push(ParseError::LimitExceeded {
                parameter: Some(key.clone().into_owned()),
                limit: LimitKind::FilterValues,
                max: limits.max_filter_values,
                actual: values.len(),
            });
            return None;
        }
        if let Some(long) = values
            .iter()
            .map(|v| v.text.len())
            .find(|&n| n > limits.max_value_len)
        {
            self.errors.push(ParseError::LimitExceeded {
                parameter: Some(key.clone().into_owned()),
                limit: LimitKind::ValueLength,
                max: limits.max_value_len,
                actual: long,
            });
            return None;
        }
        Some(RawFilter { field, op, values })
    }
}

/// `len` bytes of `s` from `at`, borrowed when `s` is.
fn sub<'a>(s: &Cow<'a, str>, at: usize, len: usize) -> Cow<'a, str> {
    match s {
        Cow::Borrowed(b) => Cow::Borrowed(b.get(at..at + len).unwrap_or_default()),
        Cow::Owned(o) => Cow::Owned(o.get(at..at + len).unwrap_or_default().to_owned()),
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

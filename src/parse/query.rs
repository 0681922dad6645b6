//! Splitting a raw query into pairs and recognising each (SPEC §1).

use std::borrow::Cow;

use smallvec::SmallVec;

use crate::error::{EncodingProblem, ParseError};
use crate::limits::LimitKind;
use crate::parse::ParseConfig;
use crate::parse::decode::{decode_into, needs_decoding};
use crate::parse::grammar::{SortItem, SortItems, ValueItems, filter_key, sort_list, value_list};

/// One parameter as the scanner hands it over. Its text is borrowed for the
/// call only: it may sit in a buffer that the next pair reuses.
#[derive(Debug)]
pub(crate) struct Param<'t> {
    /// The decoded key.
    pub(crate) key: &'t str,
    /// The decoded value.
    pub(crate) value: &'t str,
    /// What the key is, with the value checked by its grammar.
    pub(crate) kind: ParamKind<'t>,
}

/// What a parameter is.
#[derive(Debug)]
pub(crate) enum ParamKind<'t> {
    /// The sort list (empty for `sort=`).
    Sort(&'t [SortItem<'t>]),
    /// `filter[FIELD]` (`op` is `None`) or `filter[FIELD][OP]`, and its values.
    Filter {
        field: &'t str,
        op: Option<&'t str>,
        values: &'t [Cow<'t, str>],
    },
    Page,
    PerPage,
    Metadata,
    Cursor,
    /// Not a list parameter: the app's own.
    Other,
}

/// Scans a raw query (percent-encoded, with or without a leading `?`),
/// handing every parameter that parses to `sink` in request order, and
/// returns the parse errors (all of them: a pair in error is left out and
/// the scan goes on).
pub(crate) fn scan_query(
    raw: &str,
    config: &ParseConfig<'_>,
    mut sink: impl FnMut(Param<'_>),
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
    // A pair takes at least two bytes (`a&`), so a short query cannot be
    // over the limit and is not counted.
    if raw.len().div_ceil(2) > limits.max_params {
        // One plain `page` pair is not counted: page URLs add it to a request
        // that had none, and every URL the envelope emits must parse again.
        let count = pairs(raw).count();
        let page = usize::from(pairs(raw).any(|(key, _)| key == config.names.page));
        if count - page > limits.max_params {
            return vec![ParseError::LimitExceeded {
                parameter: None,
                limit: LimitKind::Params,
                max: limits.max_params,
                actual: count,
            }];
        }
    }

    let mut scanner = Scanner {
        config,
        errors: Vec::new(),
        seen_keys: SmallVec::new(),
        seen_filters: SeenFilters::new(raw.len()),
    };
    let (mut key_buf, mut value_buf) = (Vec::new(), Vec::new());
    // Most queries have nothing to decode: one look at the whole query then
    // spares a look at each key and value.
    let plain = !needs_decoding(raw);
    for (raw_key, raw_value) in pairs(raw) {
        let key = match decode(raw_key, plain, &mut key_buf) {
            Ok(key) => key,
            Err((offset, problem)) => {
                scanner.errors.push(ParseError::InvalidEncoding {
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
                scanner.errors.push(ParseError::InvalidEncoding {
                    parameter: key.to_owned(),
                    value: raw_value.to_owned(),
                    offset,
                    problem,
                });
                continue;
            }
        };
        // The value's lists, filled in place by its grammar.
        let (mut sort_keys, mut values) = (SortItems::new(), ValueItems::new());
        if let Some(kind) = scanner.classify(key, value, &mut sort_keys, &mut values) {
            sink(Param { key, value, kind });
        }
    }
    let filters = scanner.seen_filters.len();
    if filters > limits.max_filters {
        scanner.errors.push(ParseError::LimitExceeded {
            parameter: Some(config.names.filter.clone()),
            limit: LimitKind::Filters,
            max: limits.max_filters,
            actual: filters,
        });
    }
    scanner.errors
}

/// `raw` decoded into `buf`, or `raw` itself when the whole query is `plain`.
fn decode<'s>(
    raw: &'s str,
    plain: bool,
    buf: &'s mut Vec<u8>,
) -> Result<&'s str, (usize, EncodingProblem)> {
    if plain {
        Ok(raw)
    } else {
        decode_into(raw, buf)
    }
}

/// `query = pair ("&" pair)*`, `pair = key ("=" value)?`: the non-empty
/// pairs, each split at its first `=` (a pair without one has an empty value).
fn pairs(raw: &str) -> impl Iterator<Item = (&str, &str)> {
    let mut rest = Some(raw);
    let next_pair = move || {
        let text = rest?;
        let (pair, after) = match memchr::memchr(b'&', text.as_bytes()) {
            Some(at) => (text.get(..at)?, text.get(at + 1..)),
            None => (text, None),
        };
        rest = after;
        Some(pair)
    };
    std::iter::from_fn(next_pair)
        .filter(|pair| !pair.is_empty())
        .map(split_pair)
}

/// A pair split at its first `=`.
fn split_pair(pair: &str) -> (&str, &str) {
    match memchr::memchr(b'=', pair.as_bytes()) {
        Some(eq) => (
            pair.get(..eq).unwrap_or(pair),
            pair.get(eq + 1..).unwrap_or(""),
        ),
        None => (pair, ""),
    }
}

/// The filters seen so far, for duplicate detection: their fields and
/// operators (`eq` for the bare form: `filter[f]` and `filter[f][eq]` are one
/// filter), one after another in `names`. A linear scan finds a duplicate: a
/// request has at most `max_params` pairs.
struct SeenFilters {
    names: String,
    /// Where each filter's field and operator end in `names`.
    ends: SmallVec<[(usize, usize); 8]>,
    /// The raw query's length: decoded names are shorter, so `names` never
    /// outgrows it.
    capacity: usize,
}

impl SeenFilters {
    fn new(capacity: usize) -> Self {
        Self {
            names: String::new(),
            ends: SmallVec::new(),
            capacity,
        }
    }

    /// Adds the filter; `false` when it was there already.
    fn insert(&mut self, field: &str, op: &str) -> bool {
        let mut start = 0;
        for &(field_end, op_end) in &self.ends {
            if self.names.get(start..field_end) == Some(field)
                && self.names.get(field_end..op_end) == Some(op)
            {
                return false;
            }
            start = op_end;
        }
        if self.names.capacity() == 0 {
            self.names.reserve(self.capacity);
        }
        self.names.push_str(field);
        let field_end = self.names.len();
        self.names.push_str(op);
        self.ends.push((field_end, self.names.len()));
        true
    }

    fn len(&self) -> usize {
        self.ends.len()
    }
}

/// The recognised keys other than filters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SimpleKey {
    Sort,
    Page,
    PerPage,
    Metadata,
    Cursor,
}

struct Scanner<'c> {
    config: &'c ParseConfig<'c>,
    errors: Vec<ParseError>,
    /// The simple keys seen so far, for duplicate detection.
    seen_keys: SmallVec<[SimpleKey; 5]>,
    seen_filters: SeenFilters,
}

impl Scanner<'_> {
    /// Recognises the key and checks the value by its grammar; a pair in
    /// error is recorded and gives `None`.
    fn classify<'k, 't: 'k>(
        &mut self,
        key: &'t str,
        value: &'t str,
        sort_keys: &'k mut SortItems<'t>,
        values: &'k mut ValueItems<'t>,
    ) -> Option<ParamKind<'k>> {
        let names = self.config.names;
        let simple = [
            (&names.sort, SimpleKey::Sort),
            (&names.page, SimpleKey::Page),
            (&names.per_page, SimpleKey::PerPage),
            (&names.metadata, SimpleKey::Metadata),
            (&names.cursor, SimpleKey::Cursor),
        ];
        if let Some(&(_, simple)) = simple.iter().find(|(name, _)| key == name.as_str()) {
            if self.seen_keys.contains(&simple) {
                self.duplicate(key);
                return None;
            }
            self.seen_keys.push(simple);
            return match simple {
                SimpleKey::Sort => self
                    .sort(key, value, sort_keys)
                    .then_some(ParamKind::Sort(sort_keys)),
                SimpleKey::Page => Some(ParamKind::Page),
                SimpleKey::PerPage => Some(ParamKind::PerPage),
                SimpleKey::Metadata => Some(ParamKind::Metadata),
                SimpleKey::Cursor => Some(ParamKind::Cursor),
            };
        }
        if let Some(suffix) = key.strip_prefix(names.filter.as_str())
            && (suffix.is_empty() || suffix.starts_with('['))
        {
            return self.filter(key, value, values);
        }
        if let Some((name, _)) = simple.iter().find(|(name, _)| {
            key.strip_prefix(name.as_str())
                .is_some_and(|s| s.starts_with('['))
        }) {
            // `sort[]=name`, `page[0]=2`: a PHP array of a recognised key is a
            // client mistake, not an app parameter to ignore.
            self.errors.push(ParseError::MalformedParameter {
                parameter: key.to_owned(),
                expected: format!("send {name}=VALUE once, without brackets"),
            });
            return None;
        }
        if self.config.strict {
            self.errors.push(ParseError::UnknownParameter {
                parameter: key.to_owned(),
            });
            return None;
        }
        Some(ParamKind::Other)
    }

    fn duplicate(&mut self, key: &str) {
        self.errors.push(ParseError::DuplicateParameter {
            parameter: key.to_owned(),
        });
    }

    /// The keys of a sort list into `keys` (none for an empty value); `false`
    /// when it is in error.
    fn sort<'t>(&mut self, key: &str, value: &'t str, keys: &mut SortItems<'t>) -> bool {
        if value.is_empty() {
            return true;
        }
        let limits = self.config.limits;
        // Counted before parsing, so that a huge list costs nothing more.
        let count = value.bytes().filter(|&b| b == b',').count() + 1;
        if count > limits.max_sort_keys {
            self.errors.push(ParseError::LimitExceeded {
                parameter: Some(key.to_owned()),
                limit: LimitKind::SortKeys,
                max: limits.max_sort_keys,
                actual: count,
            });
            return false;
        }
        match sort_list(value, keys) {
            Ok(()) => true,
            Err((offset, problem)) => {
                self.errors.push(ParseError::InvalidSort {
                    parameter: key.to_owned(),
                    value: value.to_owned(),
                    offset,
                    problem,
                });
                false
            }
        }
    }

    /// A filter: its key, its place among the filters, its value list and
    /// the value limits.
    fn filter<'k, 't: 'k>(
        &mut self,
        key: &'t str,
        value: &'t str,
        values: &'k mut ValueItems<'t>,
    ) -> Option<ParamKind<'k>> {
        let names = self.config.names;
        let (field, op) = match filter_key(&names.filter, key) {
            Some((field, op))
                if !field.is_empty()
                    && op.is_none_or(|op| {
                        !op.is_empty() && !op.bytes().all(|b| b.is_ascii_digit())
                    }) =>
            {
                (field, op)
            }
            _ => {
                let prefix = &names.filter;
                let expected = match list_key(key) {
                    // A PHP array of a filter: name the key to send instead.
                    Some(list) => format!(
                        "send {list}=a,b (arrays such as {key}=a are not accepted: join the values with commas)"
                    ),
                    None => format!("send {prefix}[FIELD]=v1,v2 or {prefix}[FIELD][OP]=v1,v2"),
                };
                self.errors.push(ParseError::MalformedParameter {
                    parameter: key.to_owned(),
                    expected,
                });
                return None;
            }
        };
        let op_name = op.unwrap_or("eq");
        if !self.seen_filters.insert(field, op_name) {
            self.duplicate(key);
            return None;
        }
        // A cleared form field, where the resource takes it as no filter.
        if value.is_empty() && self.config.ignore_empty_filters {
            return None;
        }

        if let Err((offset, problem)) = value_list(value, values) {
            self.errors.push(ParseError::InvalidValue {
                parameter: key.to_owned(),
                value: value.to_owned(),
                offset,
                problem,
            });
            return None;
        }
        let limits = self.config.limits;
        if values.len() > limits.max_filter_values {
            self.errors.push(ParseError::LimitExceeded {
                parameter: Some(key.to_owned()),
                limit: LimitKind::FilterValues,
                max: limits.max_filter_values,
                actual: values.len(),
            });
            return None;
        }
        if let Some(long) = (values.iter())
            .map(|v| v.len())
            .find(|&len| len > limits.max_value_len)
        {
            self.errors.push(ParseError::LimitExceeded {
                parameter: Some(key.to_owned()),
                limit: LimitKind::ValueLength,
                max: limits.max_value_len,
                actual: long,
            });
            return None;
        }
        Some(ParamKind::Filter { field, op, values })
    }
}

/// `filter[F]` or `filter[F][OP]` for a PHP array key such as `filter[F][]`,
/// `filter[F][0]` or `filter[F][OP][1]`: the key without its array
/// segments; `None` for any other key.
fn list_key(key: &str) -> Option<&str> {
    let mut end = key.len();
    let mut trimmed = false;
    while let Some(rest) = key.get(..end).and_then(|k| k.strip_suffix(']')) {
        let open = rest.rfind('[')?;
        let segment = rest.get(open + 1..)?;
        if !segment.bytes().all(|b| b.is_ascii_digit()) {
            break;
        }
        end = open;
        trimmed = true;
    }
    let list = key.get(..end)?;
    // At least the field's segment must remain: `filter[F]`.
    (trimmed && list.ends_with(']') && list.matches('[').count() <= 2).then_some(list)
}

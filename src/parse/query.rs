//! Splitting a raw query into pairs and recognising each (SPEC §1).

use std::borrow::Cow;

use smallvec::SmallVec;

use crate::error::{EncodingProblem, ParseError, SortProblem, ValueProblem};
use crate::limits::LimitKind;
use crate::parse::decode::{decode_into, needs_decoding};
use crate::parse::grammar::{
    FilterKey, Index, SortItem, SortItems, ValueItems, array_key, filter_key, sort_element,
    sort_list, value_list,
};
use crate::parse::{ParamName, ParamNames, ParseConfig};

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
    /// The sort list (empty for `sort=`). `keys` names the key each item
    /// came in when the list came as an array (`sort[]`), and is empty
    /// otherwise.
    Sort {
        items: &'t [SortItem<'t>],
        keys: &'t [&'t str],
    },
    /// `filter[FIELD]` (`op` is `None`) or `filter[FIELD][OP]`, and its
    /// values; `keys` as for `Sort`. `group` is the OR group of
    /// `filter[or][G][FIELD]...` (SPEC §14).
    Filter {
        group: Option<u32>,
        field: &'t str,
        op: Option<&'t str>,
        values: &'t [Cow<'t, str>],
        keys: &'t [&'t str],
    },
    Page,
    PerPage,
    Metadata,
    Cursor,
    /// The sparse fieldset (SPEC §16); its value is checked by the validator.
    Fields,
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
        let page = usize::from(pairs(raw).any(|(key, _)| config.names.page.is(key)));
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
        arrays: Vec::new(),
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
    // The lists sent as arrays are whole only now.
    let arrays = std::mem::take(&mut scanner.arrays);
    for array in &arrays {
        scanner.array(array, &mut sink);
    }
    let groups = scanner.seen_filters.groups();
    if groups > limits.max_or_groups {
        scanner.errors.push(ParseError::LimitExceeded {
            parameter: Some(format!("{}[or]", config.names.filter.name())),
            limit: LimitKind::OrGroups,
            max: limits.max_or_groups,
            actual: groups,
        });
    }
    let filters = scanner.seen_filters.len();
    if filters > limits.max_filters {
        scanner.errors.push(ParseError::LimitExceeded {
            parameter: Some(config.names.filter.name().to_owned()),
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

/// The filters seen so far, for duplicate detection: their OR groups,
/// fields and operators (`eq` for the bare form: `filter[f]` and
/// `filter[f][eq]` are one filter) and the key each first came in, one after
/// another in `names`. A linear scan finds a duplicate: a request has at most
/// `max_params` pairs.
struct SeenFilters {
    names: String,
    ends: SmallVec<[SeenFilter; 8]>,
    /// Twice the raw query's length: decoded names and keys are shorter, so
    /// `names` never outgrows it.
    capacity: usize,
}

/// A filter's OR group, and where its field, operator and key end in
/// [`SeenFilters::names`].
type SeenFilter = (Option<u32>, usize, usize, usize);

impl SeenFilters {
    fn new(query_len: usize) -> Self {
        Self {
            names: String::new(),
            ends: SmallVec::new(),
            capacity: 2 * query_len,
        }
    }

    /// Adds the filter; when it was there already, gives the key it first
    /// came in.
    fn insert(&mut self, group: Option<u32>, field: &str, op: &str, key: &str) -> Result<(), &str> {
        let mut start = 0;
        for &(seen_group, field_end, op_end, key_end) in &self.ends {
            if seen_group == group
                && self.names.get(start..field_end) == Some(field)
                && self.names.get(field_end..op_end) == Some(op)
            {
                return Err(self.names.get(op_end..key_end).unwrap_or_default());
            }
            start = key_end;
        }
        if self.names.capacity() == 0 {
            self.names.reserve(self.capacity);
        }
        self.names.push_str(field);
        let field_end = self.names.len();
        self.names.push_str(op);
        let op_end = self.names.len();
        self.names.push_str(key);
        self.ends.push((group, field_end, op_end, self.names.len()));
        Ok(())
    }

    fn len(&self) -> usize {
        self.ends.len()
    }

    /// The number of OR groups among the filters.
    fn groups(&self) -> usize {
        let mut groups: SmallVec<[u32; 8]> = self.ends.iter().filter_map(|e| e.0).collect();
        groups.sort_unstable();
        groups.dedup();
        groups.len()
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
    Fields,
}

impl SimpleKey {
    const ALL: [Self; 6] = [
        Self::Sort,
        Self::Page,
        Self::PerPage,
        Self::Metadata,
        Self::Cursor,
        Self::Fields,
    ];

    /// The names the key answers to.
    fn names(self, names: &ParamNames) -> &ParamName {
        match self {
            Self::Sort => &names.sort,
            Self::Page => &names.page,
            Self::PerPage => &names.per_page,
            Self::Metadata => &names.metadata,
            Self::Cursor => &names.cursor,
            Self::Fields => &names.fields,
        }
    }
}

/// A list sent as an array (SPEC §13), `filter[status][]=a&filter[status][]=b`:
/// its elements are collected across pairs and handed over after the last.
#[derive(Debug)]
struct ArrayParam {
    /// The key without its index (`filter[status]`): the list's identity.
    base: String,
    list: ArrayList,
    /// In request order.
    elements: Vec<Element>,
    /// The list's parameter was given before in another form: reported
    /// once, at its first element.
    rejected: bool,
}

#[derive(Debug)]
enum ArrayList {
    Sort,
    Filter {
        group: Option<u32>,
        field: String,
        op: Option<String>,
    },
}

#[derive(Debug)]
struct Element {
    index: Index,
    key: String,
    value: String,
}

struct Scanner<'c> {
    config: &'c ParseConfig<'c>,
    errors: Vec<ParseError>,
    /// The simple keys seen so far, for duplicate detection, each with the
    /// position of the name it came in among its names (`None`: as an array).
    seen_keys: SmallVec<[(SimpleKey, Option<usize>); 6]>,
    seen_filters: SeenFilters,
    arrays: Vec<ArrayParam>,
}

impl Scanner<'_> {
    /// Recognises the key and checks the value by its grammar; a pair in
    /// error is recorded and gives `None`, and so does an array element,
    /// which is kept for [`Scanner::array`].
    fn classify<'k, 't: 'k>(
        &mut self,
        key: &'t str,
        value: &'t str,
        sort_keys: &'k mut SortItems<'t>,
        values: &'k mut ValueItems<'t>,
    ) -> Option<ParamKind<'k>> {
        let names = self.config.names;
        let simple = SimpleKey::ALL.map(|simple| (simple.names(names), simple));
        for &(param, simple) in &simple {
            let Some(alias) = param.names().iter().position(|name| name == key) else {
                continue;
            };
            if self.check_new(simple, key) {
                self.seen_keys.push((simple, Some(alias)));
            } else {
                return None;
            }
            return match simple {
                SimpleKey::Sort => self.sort(key, value, sort_keys).then_some(ParamKind::Sort {
                    items: sort_keys,
                    keys: &[],
                }),
                SimpleKey::Page => Some(ParamKind::Page),
                SimpleKey::PerPage => Some(ParamKind::PerPage),
                SimpleKey::Metadata => Some(ParamKind::Metadata),
                SimpleKey::Cursor => Some(ParamKind::Cursor),
                SimpleKey::Fields => Some(ParamKind::Fields),
            };
        }
        if let Some(prefix) = names.filter.names().iter().find(|prefix| {
            key.strip_prefix(prefix.as_str())
                .is_some_and(|suffix| suffix.is_empty() || suffix.starts_with('['))
        }) {
            return self.filter(prefix, key, value, values);
        }
        for &(param, simple) in &simple {
            let Some(name) = param.names().iter().find(|name| {
                key.strip_prefix(name.as_str())
                    .is_some_and(|s| s.starts_with('['))
            }) else {
                continue;
            };
            if simple == SimpleKey::Sort
                && let Some(index) = array_key(name, key)
            {
                self.element(ArrayList::Sort, key, value, index);
                return None;
            }
            // `page[0]=2`: a PHP array of a recognised key is a client
            // mistake, not an app parameter to ignore.
            let expected = if simple == SimpleKey::Sort {
                format!("send {name}=a,-b or {name}[]=a&{name}[]=-b")
            } else if simple == SimpleKey::Fields {
                format!("send {}=a,b once", param.names().join(" or "))
            } else {
                format!("send {name}=VALUE once, without brackets")
            };
            self.errors.push(ParseError::MalformedParameter {
                parameter: key.to_owned(),
                expected,
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

    /// Whether `simple` is new in the request; a duplicate is reported.
    fn check_new(&mut self, simple: SimpleKey, key: &str) -> bool {
        let Some(&(_, first)) = self.seen_keys.iter().find(|(seen, _)| *seen == simple) else {
            return true;
        };
        let names = self.config.names;
        let param = simple.names(names);
        let first = match first {
            Some(alias) => param.names().get(alias).cloned(),
            // The sort came as an array: its first element.
            None => (self.arrays.iter())
                .find(|a| matches!(a.list, ArrayList::Sort))
                .and_then(|a| a.elements.first())
                .map(|e| e.key.clone()),
        };
        self.errors.push(ParseError::DuplicateParameter {
            parameter: key.to_owned(),
            first: first.unwrap_or_else(|| key.to_owned()),
            list: simple == SimpleKey::Sort,
        });
        false
    }

    /// The keys of a sort list into `keys` (none for an empty value); `false`
    /// when it is in error.
    fn sort<'t>(&mut self, key: &str, value: &'t str, keys: &mut SortItems<'t>) -> bool {
        if value.is_empty() {
            return true;
        }
        // Counted before parsing, so that a huge list costs nothing more.
        let count = value.bytes().filter(|&b| b == b',').count() + 1;
        if !self.sort_count(key, count) {
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

    /// Whether `count` sort keys are within `max_sort_keys`; if not, reported.
    fn sort_count(&mut self, key: &str, count: usize) -> bool {
        let max = self.config.limits.max_sort_keys;
        if count > max {
            self.errors.push(ParseError::LimitExceeded {
                parameter: Some(key.to_owned()),
                limit: LimitKind::SortKeys,
                max,
                actual: count,
            });
        }
        count <= max
    }

    /// A filter: its key, its place among the filters, its value list and
    /// the value limits. An array element is kept for [`Scanner::array`].
    fn filter<'k, 't: 'k>(
        &mut self,
        prefix: &str,
        key: &'t str,
        value: &'t str,
        values: &'k mut ValueItems<'t>,
    ) -> Option<ParamKind<'k>> {
        // `or` names no field: `filter[or]` and `filter[or][0]` are OR groups
        // without a condition.
        let well_formed = |k: &FilterKey<'_>| {
            !k.field.is_empty()
                && k.field != "or"
                && k.op
                    .is_none_or(|op| !op.is_empty() && !op.bytes().all(|b| b.is_ascii_digit()))
        };
        let Some(FilterKey {
            group,
            field,
            op,
            index,
        }) = filter_key(prefix, key).filter(well_formed)
        else {
            self.errors.push(ParseError::MalformedParameter {
                parameter: key.to_owned(),
                expected: format!(
                    "send {prefix}[FIELD]=a,b or {prefix}[FIELD][OP]=a,b, or an array: {prefix}[FIELD][]=a&{prefix}[FIELD][]=b; in an OR group, {prefix}[or][0][FIELD]=a"
                ),
            });
            return None;
        };
        if let Some(index) = index {
            let list = ArrayList::Filter {
                group,
                field: field.to_owned(),
                op: op.map(str::to_owned),
            };
            self.element(list, key, value, index);
            return None;
        }
        if let Err(first) = (self.seen_filters).insert(group, field, op.unwrap_or("eq"), key) {
            let first = first.to_owned();
            self.errors.push(ParseError::DuplicateParameter {
                parameter: key.to_owned(),
                first,
                list: true,
            });
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
        let items = values.iter().map(|v| (key, v.as_ref()));
        self.value_limits(key, values.len(), items)
            .then_some(ParamKind::Filter {
                group,
                field,
                op,
                values,
                keys: &[],
            })
    }

    /// Whether a filter's values are within `max_filter_values` and
    /// `max_value_len`; if not, reported against `key` (the count) and each
    /// item's key (its length).
    fn value_limits<'i>(
        &mut self,
        key: &str,
        count: usize,
        mut items: impl Iterator<Item = (&'i str, &'i str)>,
    ) -> bool {
        let limits = self.config.limits;
        if count > limits.max_filter_values {
            self.errors.push(ParseError::LimitExceeded {
                parameter: Some(key.to_owned()),
                limit: LimitKind::FilterValues,
                max: limits.max_filter_values,
                actual: count,
            });
            return false;
        }
        if let Some((key, long)) = items.find(|(_, v)| v.len() > limits.max_value_len) {
            self.errors.push(ParseError::LimitExceeded {
                parameter: Some(key.to_owned()),
                limit: LimitKind::ValueLength,
                max: limits.max_value_len,
                actual: long.len(),
            });
            return false;
        }
        true
    }

    /// One element of a list sent as an array, kept with the others of its
    /// list. The first element of a list claims its parameter, as a key
    /// without brackets would.
    fn element(&mut self, list: ArrayList, key: &str, value: &str, index: Index) {
        let element = Element {
            index,
            key: key.to_owned(),
            value: value.to_owned(),
        };
        // The key without its index segment.
        let base = key.rfind('[').and_then(|at| key.get(..at)).unwrap_or(key);
        if let Some(array) = self.arrays.iter_mut().find(|a| a.base == base) {
            array.elements.push(element);
            return;
        }
        let new = match &list {
            ArrayList::Sort => {
                let new = self.check_new(SimpleKey::Sort, key);
                if new {
                    self.seen_keys.push((SimpleKey::Sort, None));
                }
                new
            }
            ArrayList::Filter { group, field, op } => {
                match (self.seen_filters).insert(*group, field, op.as_deref().unwrap_or("eq"), key)
                {
                    Ok(()) => true,
                    Err(first) => {
                        let first = first.to_owned();
                        self.errors.push(ParseError::DuplicateParameter {
                            parameter: key.to_owned(),
                            first,
                            list: true,
                        });
                        false
                    }
                }
            }
        };
        self.arrays.push(ArrayParam {
            base: base.to_owned(),
            list,
            elements: vec![element],
            rejected: !new,
        });
    }

    /// A list sent as an array, whole: its elements in index order, each one
    /// value (SPEC §13), checked as the comma form is and handed to `sink`.
    fn array(&mut self, array: &ArrayParam, sink: &mut impl FnMut(Param<'_>)) {
        let Some(first) = array.elements.first() else {
            return;
        };
        if array.rejected {
            return;
        }
        let Some(elements) = self.in_index_order(array) else {
            return;
        };
        let keys: SmallVec<[&str; 8]> = elements.iter().map(|e| e.key.as_str()).collect();
        let key = first.key.as_str();
        // An array of only empty elements is `sort=` or a cleared field.
        let all_empty = elements.iter().all(|e| e.value.is_empty());
        match &array.list {
            ArrayList::Sort => {
                if all_empty || !self.sort_count(key, elements.len()) {
                    return;
                }
                let mut items = SortItems::new();
                for element in &elements {
                    let read = sort_element(&element.value).and_then(|item| {
                        match items.iter().any(|i: &SortItem<'_>| i.field == item.field) {
                            true => Err((0, SortProblem::DuplicateField(item.field.to_owned()))),
                            false => Ok(item),
                        }
                    });
                    match read {
                        Ok(item) => items.push(item),
                        Err((offset, problem)) => {
                            self.errors.push(ParseError::InvalidSort {
                                parameter: element.key.clone(),
                                value: element.value.clone(),
                                offset,
                                problem,
                            });
                            return;
                        }
                    }
                }
                let kind = ParamKind::Sort {
                    items: &items,
                    keys: &keys,
                };
                sink(Param {
                    key,
                    value: "",
                    kind,
                });
            }
            ArrayList::Filter { group, field, op } => {
                if all_empty && self.config.ignore_empty_filters {
                    return;
                }
                if let Some(empty) = elements.iter().find(|e| e.value.is_empty()) {
                    self.errors.push(ParseError::InvalidValue {
                        parameter: empty.key.clone(),
                        value: String::new(),
                        offset: 0,
                        problem: ValueProblem::EmptyElement,
                    });
                    return;
                }
                let items = elements.iter().map(|e| (e.key.as_str(), e.value.as_str()));
                if !self.value_limits(key, elements.len(), items) {
                    return;
                }
                let values: ValueItems<'_> = elements
                    .iter()
                    .map(|e| Cow::Borrowed(e.value.as_str()))
                    .collect();
                let kind = ParamKind::Filter {
                    group: *group,
                    field,
                    op: op.as_deref(),
                    values: &values,
                    keys: &keys,
                };
                sink(Param {
                    key,
                    value: "",
                    kind,
                });
            }
        }
    }

    /// The elements of `array` in index order: request order for `[]`, the
    /// indices for `[N]`, which must run from 0 without a gap or a repeat.
    /// A list in both forms, a gap or a repeat is reported and gives `None`.
    fn in_index_order<'a>(&mut self, array: &'a ArrayParam) -> Option<Vec<&'a Element>> {
        let base = &array.base;
        let mut elements: Vec<&Element> = array.elements.iter().collect();
        let appended = elements.iter().filter(|e| e.index == Index::Next).count();
        if appended == elements.len() {
            return Some(elements);
        }
        let mut fault = |parameter: &str, expected: String| {
            self.errors.push(ParseError::MalformedParameter {
                parameter: parameter.to_owned(),
                expected,
            });
            None
        };
        if appended > 0 {
            let other = elements.iter().find(|e| e.index != Index::Next);
            let parameter = other.map_or(base.as_str(), |e| e.key.as_str());
            return fault(
                parameter,
                format!(
                    "send the list in one array form: {base}[]=a&{base}[]=b, or {base}[0]=a&{base}[1]=b"
                ),
            );
        }
        elements.sort_by_key(|e| match e.index {
            Index::At(n) => n,
            Index::Next => 0,
        });
        for pair in elements.windows(2) {
            if let [before, after] = pair
                && before.index == after.index
            {
                return fault(
                    &after.key,
                    format!(
                        "{} is given more than once; give each index once, from 0",
                        after.key
                    ),
                );
            }
        }
        for (expected, element) in elements.iter().enumerate() {
            if element.index != Index::At(expected) {
                return fault(
                    &element.key,
                    format!("{base}[{expected}] is missing; array indices run from 0 without gaps"),
                );
            }
        }
        Some(elements)
    }
}

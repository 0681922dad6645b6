//! The grammars of keys, sort lists and value lists, one function per rule.
//!
//! Each grammar runs on text that is already percent-decoded, so a literal `,`
//! sent as `%2C` separates items exactly as a raw `,` does (Laravel encodes
//! every comma in its links). Errors carry a byte offset into that decoded text.

use std::borrow::Cow;

use nom::IResult;
use nom::Parser;

use crate::error::{SortProblem, ValueProblem};
use crate::parse::{RawSortKey, RawValue, SortDirection};

/// One key of a sort list as the grammar finds it: a slice of the list.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SortItem<'v> {
    pub(crate) field: &'v str,
    pub(crate) direction: SortDirection,
    /// Byte offset of the key in the decoded sort value.
    pub(crate) offset: usize,
}

impl<'v> SortItem<'v> {
    pub(crate) fn to_raw(self) -> RawSortKey<'v> {
        RawSortKey {
            field: Cow::Borrowed(self.field),
            direction: self.direction,
            offset: self.offset,
        }
    }
}

/// One item of a value list as the grammar finds it: a slice of the list,
/// still escaped when `escaped` (a quoted item with `\"` or `\\`), so that
/// checking a list copies nothing; [`Item::text`] unescapes.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Item<'v> {
    /// A bare item trimmed, or the inside of the quotes.
    pub(crate) body: &'v str,
    pub(crate) quoted: bool,
    /// `body` holds escapes.
    pub(crate) escaped: bool,
    /// Byte offset of the item in the decoded filter value.
    pub(crate) offset: usize,
}

impl<'v> Item<'v> {
    /// The item's text, unescaped.
    #[inline]
    pub(crate) fn text(&self) -> Cow<'v, str> {
        if !self.escaped {
            return Cow::Borrowed(self.body);
        }
        let mut text = String::with_capacity(self.body.len());
        let mut chars = self.body.chars();
        while let Some(c) = chars.next() {
            // The grammar let only `\"` and `\\` through.
            text.push(if c == '\\' {
                chars.next().unwrap_or(c)
            } else {
                c
            });
        }
        Cow::Owned(text)
    }

    /// The length of [`Item::text`].
    pub(crate) fn text_len(&self) -> usize {
        if self.escaped {
            self.text().len()
        } else {
            self.body.len()
        }
    }

    pub(crate) fn to_raw(self) -> RawValue<'v> {
        RawValue {
            text: self.text(),
            quoted: self.quoted,
            offset: self.offset,
        }
    }
}

// ---------------------------------------------------------------- sort list

/// `direction = ("-" | "+")?` — `+` arrives only when sent as `%2B`.
fn direction(input: &str) -> IResult<&str, SortDirection> {
    let rest = || input.get(1..).unwrap_or_default();
    Ok(match input.as_bytes().first() {
        Some(b'-') => (rest(), SortDirection::Desc),
        Some(b'+') => (rest(), SortDirection::Asc),
        _ => (input, SortDirection::Asc),
    })
}

/// The bytes of `[A-Za-z0-9_]`, one lookup per byte of a name.
// Evaluated at compile time: an index out of bounds fails the build.
#[allow(clippy::indexing_slicing)]
const WORD: [bool; 256] = {
    let mut word = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        word[b] = c.is_ascii_alphanumeric() || c == b'_';
        b += 1;
    }
    word
};

/// `field_name = [A-Za-z_][A-Za-z0-9_]*` (ASCII, so matched on bytes).
pub(crate) fn field_name(input: &str) -> IResult<&str, &str> {
    let word = |b: u8| WORD.get(usize::from(b)).copied().unwrap_or(false);
    let bytes = input.as_bytes();
    if !bytes
        .first()
        .is_some_and(|&b| word(b) && !b.is_ascii_digit())
    {
        return Err(nom::Err::Error(nom::error::Error::new(
            input,
            nom::error::ErrorKind::AlphaNumeric,
        )));
    }
    let n = bytes.iter().take_while(|&&b| word(b)).count();
    Ok((
        input.get(n..).unwrap_or_default(),
        input.get(..n).unwrap_or_default(),
    ))
}

/// `sort_key = direction field_name`
fn sort_key(input: &str) -> IResult<&str, (SortDirection, &str)> {
    (direction, field_name).parse(input)
}

/// Parses a sort list (`-created_at,name`), after percent-decoding:
/// `sort_list = sort_key ("," sort_key)*`.
///
/// An empty value is not a list; callers treat it as "no sort" before calling.
/// On error, gives the byte offset of the problem in `value` and what it is.
///
/// ```
/// use listquery::parse::parse_sort_list;
/// use listquery::SortDirection;
/// let keys = parse_sort_list("-created_at,name").unwrap();
/// assert_eq!(keys[0].field, "created_at");
/// assert_eq!(keys[0].direction, SortDirection::Desc);
/// assert_eq!(keys[1].offset, 12);
/// assert!(parse_sort_list("name,,id").is_err());
/// ```
pub fn parse_sort_list(value: &str) -> Result<Vec<RawSortKey<'_>>, (usize, SortProblem)> {
    let mut keys: Vec<RawSortKey<'_>> = Vec::new();
    let mut rest = Some(value);
    while let Some(r) = rest {
        let (key, next) = sort_item(value, r)?;
        if keys.iter().any(|k| k.field == key.field) {
            return Err((
                key.offset,
                SortProblem::DuplicateField(key.field.to_owned()),
            ));
        }
        keys.push(key.to_raw());
        rest = next?;
    }
    Ok(keys)
}

/// What follows a sort key: the rest after its comma, `None` at the end of
/// the list, or what is wrong with the character after it.
pub(crate) type SortNext<'v> = Result<Option<&'v str>, (usize, SortProblem)>;

/// `sort_key` at `rest`, a suffix of the list `value`, and what follows it:
/// one step of `sort_list`. Duplicates are the caller's to find, before it
/// looks at what follows (`a,a-b` is a duplicate, not a bad `-`).
///
/// Inlined, like [`value_item`]: its result, returned through memory, was
/// read back before its stores had landed, which stalled the processor.
#[inline(always)]
pub(crate) fn sort_item<'v>(
    value: &'v str,
    rest: &'v str,
) -> Result<(SortItem<'v>, SortNext<'v>), (usize, SortProblem)> {
    let offset_of = |rest: &str| value.len() - rest.len();
    let offset = offset_of(rest);
    let (after, (direction, field)) = match sort_key(rest) {
        Ok(ok) => ok,
        Err(_) => return Err(sort_key_problem(rest, offset)),
    };
    let key = SortItem {
        field,
        direction,
        offset,
    };
    let next = match after.as_bytes().first() {
        None => Ok(None),
        Some(b',') => Ok(Some(after.get(1..).unwrap_or_default())),
        Some(_) => {
            let c = after.chars().next().unwrap_or_default();
            Err((offset_of(after), SortProblem::BadCharacter(c)))
        }
    };
    Ok((key, next))
}

/// Why `sort_key` failed at `rest` (which starts at `offset`).
fn sort_key_problem(rest: &str, offset: usize) -> (usize, SortProblem) {
    let mut chars = rest.chars();
    match chars.next() {
        None | Some(',') => (offset, SortProblem::EmptyKey),
        // A raw `+` decodes to a space: the one mistake worth its own message.
        Some(' ') => (offset, SortProblem::RawPlus),
        Some('-' | '+') => match chars.next() {
            None | Some(',') => (offset + 1, SortProblem::EmptyKey),
            Some(c) => (offset + 1, SortProblem::BadCharacter(c)),
        },
        Some(c) => (offset, SortProblem::BadCharacter(c)),
    }
}

// --------------------------------------------------------------- value list

/// `bare = [^,"]*` (trimmed of spaces by the caller, and must not be empty).
/// The delimiters are ASCII, so the search runs on bytes.
fn bare(input: &str) -> IResult<&str, &str> {
    // Items are short: a plain loop beats a vectorized search's set-up.
    let end = input
        .bytes()
        .position(|b| b == b',' || b == b'"')
        .unwrap_or(input.len());
    Ok((
        input.get(end..).unwrap_or_default(),
        input.get(..end).unwrap_or_default(),
    ))
}

/// The inside of `quoted = '"' ( [^"\\] | '\\' ["\\] )* '"'`, up to (not
/// including) the closing quote, still escaped: `(rest after the quote, body,
/// whether it has escapes)`.
fn quoted_body(input: &str) -> Result<(&str, &str, bool), (usize, ValueProblem)> {
    let bytes = input.as_bytes();
    let mut escaped = false;
    let mut from = 0;
    loop {
        let rest = bytes.get(from..).unwrap_or_default();
        let Some(at) = memchr::memchr2(b'"', b'\\', rest).map(|at| from + at) else {
            return Err((input.len(), ValueProblem::UnterminatedQuote));
        };
        if bytes.get(at) == Some(&b'"') {
            let body = input.get(..at).unwrap_or_default();
            return Ok((input.get(at + 1..).unwrap_or_default(), body, escaped));
        }
        match bytes.get(at + 1) {
            Some(b'"' | b'\\') => escaped = true,
            _ => return Err((at, ValueProblem::BadEscape)),
        }
        from = at + 2;
    }
}

/// Skips the spaces around items.
fn spaces(input: &str) -> IResult<&str, &str> {
    let n = input.bytes().take_while(|&b| b == b' ').count();
    Ok((
        input.get(n..).unwrap_or_default(),
        input.get(..n).unwrap_or_default(),
    ))
}

/// Parses a filter value list (`paid,"Smith, John"`), after percent-decoding:
/// `list = item ("," item)*`, `item = quoted | bare`.
///
/// Bare items are trimmed of spaces and must not be empty; quoted items keep
/// everything between the quotes, with `\"` and `\\` unescaped.
/// On error, gives the byte offset of the problem in `value` and what it is.
///
/// ```
/// use listquery::parse::parse_value_list;
/// let items = parse_value_list(r#""Smith, John",Doe"#).unwrap();
/// assert_eq!(items[0].text, "Smith, John");
/// assert_eq!(items[1].text, "Doe");
/// assert!(parse_value_list("paid,,sent").is_err());
/// ```
pub fn parse_value_list(value: &str) -> Result<Vec<RawValue<'_>>, (usize, ValueProblem)> {
    // At most one item per comma, plus one: no regrowth.
    let mut items = Vec::with_capacity(value.bytes().filter(|&b| b == b',').count() + 1);
    let mut rest = Some(value);
    while let Some(r) = rest {
        let (item, next) = value_item(value, r)?;
        items.push(item.to_raw());
        rest = next;
    }
    Ok(items)
}

/// `item` at `rest`, a suffix of the list `value`, and what follows its comma
/// (`None` when it ends the list): one step of `list = item ("," item)*`.
/// Inlined: see [`sort_item`].
#[inline(always)]
pub(crate) fn value_item<'v>(
    value: &'v str,
    rest: &'v str,
) -> Result<(Item<'v>, Option<&'v str>), (usize, ValueProblem)> {
    let offset_of = |rest: &str| value.len() - rest.len();
    let (after_spaces, _) = spaces(rest).unwrap_or((rest, ""));
    let (item, after_item) = if let Some(body) = after_spaces.strip_prefix('"') {
        let quote_at = offset_of(after_spaces);
        let (after, body, escaped) = quoted_body(body).map_err(|(i, problem)| match problem {
            ValueProblem::UnterminatedQuote => (quote_at, problem),
            _ => (quote_at + 1 + i, problem),
        })?;
        let item = Item {
            body,
            quoted: true,
            escaped,
            offset: quote_at,
        };
        (item, spaces(after).map_or(after, |(a, _)| a))
    } else {
        // `after_spaces` has no leading spaces left: only trailing ones to trim.
        let (after, raw) = bare(after_spaces).unwrap_or((after_spaces, after_spaces));
        let text = raw.trim_end_matches(' ');
        if after.starts_with('"') {
            return Err((offset_of(after), ValueProblem::StrayQuote));
        }
        if text.is_empty() {
            return Err((offset_of(rest), ValueProblem::EmptyItem));
        }
        let item = Item {
            body: text,
            quoted: false,
            escaped: false,
            offset: offset_of(after_spaces),
        };
        (item, after)
    };
    match after_item.as_bytes().first() {
        None => Ok((item, None)),
        Some(b',') => Ok((item, Some(after_item.get(1..).unwrap_or_default()))),
        Some(_) => Err((offset_of(after_item), ValueProblem::StrayQuote)),
    }
}

// ---------------------------------------------------------------- filter key

/// `segment = "[" [^\[\]]* "]"`: `(rest, inside)`. On bytes (the brackets
/// are ASCII); a key has one or two short segments, so a plain loop is the
/// cheapest search.
fn bracket_segment(input: &str) -> Option<(&str, &str)> {
    let inside = input.strip_prefix('[')?;
    let end = inside.bytes().position(|b| b == b'[' || b == b']')?;
    let rest = inside.get(end..)?.strip_prefix(']')?;
    Some((rest, inside.get(..end)?))
}

/// The part of a filter key after the prefix: `segment segment?`, which must
/// consume everything: `(FIELD, OP)`. `None` for anything else (`filter`,
/// `filter[a`, `filter[a]x`, `filter[a][b][c]`).
pub(crate) fn filter_key_segments(suffix: &str) -> Option<(&str, Option<&str>)> {
    let (rest, field) = bracket_segment(suffix)?;
    if rest.is_empty() {
        return Some((field, None));
    }
    let (rest, op) = bracket_segment(rest)?;
    rest.is_empty().then_some((field, Some(op)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(v: &str) -> Vec<String> {
        parse_value_list(v)
            .unwrap()
            .into_iter()
            .map(|i| i.text.into_owned())
            .collect()
    }

    #[test]
    fn value_lists() {
        assert_eq!(texts("paid,sent"), ["paid", "sent"]);
        assert_eq!(texts(" paid , sent "), ["paid", "sent"]);
        assert_eq!(texts(r#""Smith, John",Doe"#), ["Smith, John", "Doe"]);
        assert_eq!(texts(r#" "a\"b\\c" ,x"#), [r#"a"b\c"#, "x"]);
        assert_eq!(texts(r#""""#), [""]);
        assert_eq!(texts(r#"" lead""#), [" lead"]);
    }

    #[test]
    fn value_list_errors() {
        assert_eq!(parse_value_list(""), Err((0, ValueProblem::EmptyItem)));
        assert_eq!(parse_value_list("a,,b"), Err((2, ValueProblem::EmptyItem)));
        assert_eq!(parse_value_list("a,"), Err((2, ValueProblem::EmptyItem)));
        assert_eq!(parse_value_list("a, ,b"), Err((2, ValueProblem::EmptyItem)));
        assert_eq!(
            parse_value_list(r#"a,"bc"#),
            Err((2, ValueProblem::UnterminatedQuote))
        );
        assert_eq!(
            parse_value_list(r#"ab"c"#),
            Err((2, ValueProblem::StrayQuote))
        );
        assert_eq!(
            parse_value_list(r#""a"b"#),
            Err((3, ValueProblem::StrayQuote))
        );
        assert_eq!(
            parse_value_list(r#""a\nb""#),
            Err((2, ValueProblem::BadEscape))
        );
    }

    #[test]
    fn sort_lists() {
        let keys = parse_sort_list("-a,+b,c_1").unwrap();
        let got: Vec<_> = keys
            .iter()
            .map(|k| (k.field.as_ref(), k.direction, k.offset))
            .collect();
        assert_eq!(
            got,
            [
                ("a", SortDirection::Desc, 0),
                ("b", SortDirection::Asc, 3),
                ("c_1", SortDirection::Asc, 6)
            ]
        );
    }

    #[test]
    fn sort_errors() {
        assert_eq!(parse_sort_list("a,,b"), Err((2, SortProblem::EmptyKey)));
        assert_eq!(parse_sort_list("a,"), Err((2, SortProblem::EmptyKey)));
        assert_eq!(parse_sort_list(" name"), Err((0, SortProblem::RawPlus)));
        assert_eq!(parse_sort_list("-"), Err((1, SortProblem::EmptyKey)));
        assert_eq!(
            parse_sort_list("1a"),
            Err((0, SortProblem::BadCharacter('1')))
        );
        assert_eq!(
            parse_sort_list("a-b"),
            Err((1, SortProblem::BadCharacter('-')))
        );
        assert_eq!(
            parse_sort_list("a,-a"),
            Err((2, SortProblem::DuplicateField("a".into())))
        );
    }

    #[test]
    fn key_segments() {
        assert_eq!(filter_key_segments("[a][eq]"), Some(("a", Some("eq"))));
        assert_eq!(filter_key_segments("[a]"), Some(("a", None)));
        assert_eq!(filter_key_segments("[]"), Some(("", None)));
        assert_eq!(filter_key_segments(""), None);
        assert_eq!(filter_key_segments("[a"), None);
        assert_eq!(filter_key_segments("[a]x"), None);
        assert_eq!(filter_key_segments("[a][b][c]"), None);
    }
}

//! The grammars of keys, sort lists and value lists, one function per rule.
//!
//! Each grammar runs on text that is already percent-decoded, so a literal `,`
//! sent as `%2C` separates items exactly as a raw `,` does (Laravel encodes
//! every comma in its links). Errors carry a byte offset into that decoded text.

use std::borrow::Cow;

use nom::IResult;
use nom::Parser;
use nom::bytes::complete::{take_till, take_while};
use nom::character::complete::{char, one_of, satisfy};
use nom::combinator::{opt, recognize};
use nom::multi::many0;
use nom::sequence::delimited;

use crate::error::{SortProblem, ValueProblem};
use crate::parse::{RawSortKey, RawValue, SortDirection};

// ---------------------------------------------------------------- sort list

/// `direction = ("-" | "+")?` — `+` arrives only when sent as `%2B`.
fn direction(input: &str) -> IResult<&str, SortDirection> {
    opt(one_of("+-"))
        .map(|sign| match sign {
            Some('-') => SortDirection::Desc,
            _ => SortDirection::Asc,
        })
        .parse(input)
}

/// `field_name = [A-Za-z_][A-Za-z0-9_]*`
pub(crate) fn field_name(input: &str) -> IResult<&str, &str> {
    recognize((
        satisfy(|c| c.is_ascii_alphabetic() || c == '_'),
        take_while(|c: char| c.is_ascii_alphanumeric() || c == '_'),
    ))
    .parse(input)
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
    let offset_of = |rest: &str| value.len() - rest.len();
    let mut keys: Vec<RawSortKey<'_>> = Vec::new();
    let mut rest = value;
    loop {
        let offset = offset_of(rest);
        let (after, (direction, field)) = match sort_key(rest) {
            Ok(ok) => ok,
            Err(_) => return Err(sort_key_problem(rest, offset)),
        };
        if keys.iter().any(|k| k.field == field) {
            return Err((offset, SortProblem::DuplicateField(field.to_owned())));
        }
        keys.push(RawSortKey {
            field: Cow::Borrowed(field),
            direction,
            offset,
        });
        match after.chars().next() {
            None => return Ok(keys),
            Some(',') => rest = after.get(1..).unwrap_or_default(),
            Some(c) => return Err((offset_of(after), SortProblem::BadCharacter(c))),
        }
    }
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
fn bare(input: &str) -> IResult<&str, &str> {
    take_till(|c| c == ',' || c == '"').parse(input)
}

/// The inside of `quoted = '"' ( [^"\\] | '\\' ["\\] )* '"'`, up to (not
/// including) the closing quote. Borrows when there is no escape.
fn quoted_body(input: &str) -> Result<(&str, Cow<'_, str>), (usize, ValueProblem)> {
    let mut owned: Option<String> = None;
    let mut chars = input.char_indices();
    let mut run_start = 0;
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => {
                let run = input.get(run_start..i).unwrap_or_default();
                let text = match owned {
                    Some(mut s) => {
                        s.push_str(run);
                        Cow::Owned(s)
                    }
                    None => Cow::Borrowed(run),
                };
                return Ok((input.get(i + 1..).unwrap_or_default(), text));
            }
            '\\' => {
                let s = owned.get_or_insert_with(String::new);
                s.push_str(input.get(run_start..i).unwrap_or_default());
                match chars.next() {
                    Some((_, e @ ('"' | '\\'))) => s.push(e),
                    _ => return Err((i, ValueProblem::BadEscape)),
                }
                run_start = i + 2;
            }
            _ => {}
        }
    }
    Err((input.len(), ValueProblem::UnterminatedQuote))
}

/// Skips the spaces around items.
fn spaces(input: &str) -> IResult<&str, &str> {
    take_while(|c| c == ' ').parse(input)
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
    let offset_of = |rest: &str| value.len() - rest.len();
    // At most one item per comma, plus one: no regrowth.
    let mut items = Vec::with_capacity(value.bytes().filter(|&b| b == b',').count() + 1);
    let mut rest = value;
    loop {
        let (after_spaces, _) = spaces(rest).unwrap_or((rest, ""));
        let after_item = if let Ok((body, _)) = char::<&str, ()>('"').parse(after_spaces) {
            let quote_at = offset_of(after_spaces);
            let (after, text) = quoted_body(body).map_err(|(i, problem)| match problem {
                ValueProblem::UnterminatedQuote => (quote_at, problem),
                _ => (quote_at + 1 + i, problem),
            })?;
            items.push(RawValue {
                text,
                quoted: true,
                offset: quote_at,
            });
            spaces(after).map_or(after, |(a, _)| a)
        } else {
            let (after, raw) = bare(rest).unwrap_or((rest, rest));
            let text = raw.trim_matches(' ');
            if after.starts_with('"') {
                return Err((offset_of(after), ValueProblem::StrayQuote));
            }
            if text.is_empty() {
                return Err((offset_of(rest), ValueProblem::EmptyItem));
            }
            items.push(RawValue {
                text: Cow::Borrowed(text),
                quoted: false,
                offset: offset_of(after_spaces),
            });
            after
        };
        match after_item.chars().next() {
            None => return Ok(items),
            Some(',') => rest = after_item.get(1..).unwrap_or_default(),
            Some(_) => return Err((offset_of(after_item), ValueProblem::StrayQuote)),
        }
    }
}

// ---------------------------------------------------------------- filter key

/// `segment = "[" [^\[\]]* "]"`
fn bracket_segment(input: &str) -> IResult<&str, &str> {
    delimited(char('['), take_while(|c| c != '[' && c != ']'), char(']')).parse(input)
}

/// The part of a filter key after the prefix: `segment*`, which must consume
/// everything. Returns `None` for anything else (`filter[a`, `filter[a]x`).
pub(crate) fn filter_key_segments(suffix: &str) -> Option<Vec<&str>> {
    match many0(bracket_segment).parse(suffix) {
        Ok(("", segments)) => Some(segments),
        _ => None,
    }
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
        assert_eq!(filter_key_segments("[a][eq]"), Some(vec!["a", "eq"]));
        assert_eq!(filter_key_segments(""), Some(vec![]));
        assert_eq!(filter_key_segments("[]"), Some(vec![""]));
        assert_eq!(filter_key_segments("[a"), None);
        assert_eq!(filter_key_segments("[a]x"), None);
    }
}

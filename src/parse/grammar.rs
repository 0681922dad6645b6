//! The grammars of SPEC §1–3 as nom parsers, one function per rule, named
//! after it (the table is in the crate docs).
//!
//! Each grammar runs on percent-decoded text, so a `,` sent as `%2C` separates
//! items exactly as a raw `,` does (Laravel encodes every comma in its links).
//! A failure carries the input where it happened ([`Failure::at`]); the list
//! parsers turn that into a byte offset into the decoded value.

use std::borrow::Cow;

use nom::branch::alt;
use nom::bytes::complete::{is_not, tag, take_while, take_while1};
use nom::character::complete::{char, digit1, one_of, satisfy};
use nom::combinator::{all_consuming, cut, iterator, map, map_res, opt, recognize, value, verify};
use nom::error::{ErrorKind, ParseError};
use nom::multi::many0_count;
use nom::sequence::{delimited, preceded};
use nom::{IResult, Parser};
use smallvec::SmallVec;

use crate::error::{SortProblem, ValueProblem};
use crate::parse::SortDirection;

/// Why a rule failed and where: `at` is the rest of the input at the fault.
/// `problem` is `None` for nom's own errors, which the rule that knows what
/// was expected turns into a problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Failure<'a, P> {
    pub(crate) at: &'a str,
    pub(crate) problem: Option<P>,
}

impl<'a, P> ParseError<&'a str> for Failure<'a, P> {
    fn from_error_kind(at: &'a str, _: ErrorKind) -> Self {
        Self { at, problem: None }
    }

    fn append(_: &'a str, _: ErrorKind, other: Self) -> Self {
        other
    }
}

type Res<'a, O, P> = IResult<&'a str, O, Failure<'a, P>>;

/// A failure that ends the parse (no other branch is tried).
fn fail_at<O, P>(at: &str, problem: P) -> Res<'_, O, P> {
    Err(nom::Err::Failure(Failure {
        at,
        problem: Some(problem),
    }))
}

/// The byte offset of `rest`, a suffix of `text`.
fn offset(text: &str, rest: &str) -> usize {
    text.len().saturating_sub(rest.len())
}

/// The problem and offset of a failed list parse, `default` for nom's own errors.
fn located<P>(text: &str, error: nom::Err<Failure<'_, P>>, default: P) -> (usize, P) {
    match error {
        nom::Err::Error(f) | nom::Err::Failure(f) => {
            (offset(text, f.at), f.problem.unwrap_or(default))
        }
        // Complete parsers never ask for more input.
        nom::Err::Incomplete(_) => (text.len(), default),
    }
}

/// `item ("," item)*`, the shape of both list rules: each item goes to
/// `push` as it is read. Gives the rest after the last item.
fn comma_list<'v, O, P>(
    input: &'v str,
    mut item: impl Parser<&'v str, Output = O, Error = Failure<'v, P>>,
    mut push: impl FnMut(O),
) -> Res<'v, (), P> {
    let (rest, first) = item.parse(input)?;
    push(first);
    let mut more = iterator(rest, preceded(char(','), cut(item)));
    more.by_ref().for_each(&mut push);
    more.finish()
}

// ---------------------------------------------------------------- filter key

/// `segment = "[" [^\[\]]* "]"`
fn segment(input: &str) -> IResult<&str, &str, ()> {
    delimited(char('['), take_while(|c| c != '[' && c != ']'), char(']')).parse(input)
}

/// Where an array element goes (SPEC §13): `[]` after the others, `[N]` at N.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Index {
    Next,
    At(usize),
}

/// `index = "[" ("0" | [1-9][0-9]*)? "]"`: an array element's place.
fn index(input: &str) -> IResult<&str, Index, ()> {
    let number = verify(digit1, |d: &str| d == "0" || !d.starts_with('0'));
    let at = map_res(number, |d: &str| d.parse().map(Index::At));
    delimited(
        char('['),
        map(opt(at), |at| at.unwrap_or(Index::Next)),
        char(']'),
    )
    .parse(input)
}

/// A filter key, split: `filter[or][2][FIELD][OP][N]` is
/// `FilterKey { group: Some(2), field: "FIELD", op: Some("OP"), index: Some(At(N)) }`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FilterKey<'k> {
    /// The OR group (SPEC §14), `None` for a filter outside any group.
    pub(crate) group: Option<u32>,
    pub(crate) field: &'k str,
    pub(crate) op: Option<&'k str>,
    /// `Some` for an element of the array form.
    pub(crate) index: Option<Index>,
}

/// `group = "[or][" ("0" | [1-9][0-9]*) "]"`: an OR group's number, below
/// `u32::MAX`.
fn group(input: &str) -> IResult<&str, u32, ()> {
    let digits = verify(digit1, |d: &str| d == "0" || !d.starts_with('0'));
    let number = verify(map_res(digits, str::parse::<u32>), |&g| g < u32::MAX);
    preceded(tag("[or]"), delimited(char('['), number, char(']'))).parse(input)
}

/// `condition = segment segment? index?`: a field, its operator and an array
/// index. A second segment that reads as an index is one (`[a][0]`), so
/// `[a][0][1]` is an operator `0`.
fn condition(input: &str) -> IResult<&str, (&str, Option<&str>, Option<Index>), ()> {
    let without_op = map((segment, opt(index)), |(field, index)| (field, None, index));
    let with_op = map((segment, segment, opt(index)), |(field, op, index)| {
        (field, Some(op), index)
    });
    alt((all_consuming(without_op), all_consuming(with_op))).parse(input)
}

/// `filter_key = PREFIX group? condition` (PREFIX is the resource's filter
/// parameter name, `filter` by default), or `None` when the key is not
/// wholly that (`filter`, `filter[a`, `filter[a]x`, `filter[a][b][c]`).
/// `filter[or]` not followed by a group number is a field named `or`, which
/// no schema has. Empty segments are the caller's to reject.
pub(crate) fn filter_key<'k>(prefix: &str, key: &'k str) -> Option<FilterKey<'k>> {
    let grouped = map((group, condition), |(group, (field, op, index))| {
        FilterKey {
            group: Some(group),
            field,
            op,
            index,
        }
    });
    let plain = map(condition, |(field, op, index)| FilterKey {
        group: None,
        field,
        op,
        index,
    });
    let mut rule = preceded(tag(prefix), alt((grouped, plain)));
    rule.parse(key).ok().map(|(_, key)| key)
}

/// `array_key = NAME index`: the place of an element of a `sort[]`-style
/// array, or `None` when `key` is not `name` followed by one index.
pub(crate) fn array_key(name: &str, key: &str) -> Option<Index> {
    let mut rule = all_consuming(preceded(tag(name), index));
    rule.parse(key).ok().map(|(_, index)| index)
}

// ---------------------------------------------------------------- sort list

/// One key of a sort list: a slice of the decoded value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SortItem<'v> {
    /// The field name, syntactically valid, not yet checked against a schema.
    pub(crate) field: &'v str,
    pub(crate) direction: SortDirection,
    /// Byte offset of the key in the decoded sort value.
    pub(crate) offset: usize,
}

/// The keys of a sort list; a client sends at most `max_sort_keys` of them.
pub(crate) type SortItems<'v> = SmallVec<[SortItem<'v>; 4]>;

/// `direction = ("-" | "+")?`: `+` arrives only when sent as `%2B`.
fn direction(input: &str) -> Res<'_, SortDirection, SortProblem> {
    let sign = alt((
        value(SortDirection::Desc, char('-')),
        value(SortDirection::Asc, char('+')),
    ));
    map(opt(sign), Option::unwrap_or_default).parse(input)
}

/// `field_name = [A-Za-z_][A-Za-z0-9_]*`
pub(crate) fn field_name<P>(input: &str) -> Res<'_, &str, P> {
    let first = satisfy(|c| c.is_ascii_alphabetic() || c == '_');
    let rest = take_while(|c: char| c.is_ascii_alphanumeric() || c == '_');
    recognize((first, rest)).parse(input)
}

/// `sort_key = direction field_name`, at `offset` in the list `value`.
fn sort_key<'v>(value: &'v str, input: &'v str) -> Res<'v, SortItem<'v>, SortProblem> {
    match (direction, field_name).parse(input) {
        Ok((rest, (direction, field))) => Ok((
            rest,
            SortItem {
                field,
                direction,
                offset: offset(value, input),
            },
        )),
        Err(nom::Err::Error(f) | nom::Err::Failure(f)) => {
            let at_key_start = f.at.len() == input.len();
            let after_comma = at_key_start && offset(value, input) > 0;
            fail_at(f.at, sort_key_problem(f.at, at_key_start, after_comma))
        }
        Err(e) => Err(e),
    }
}

/// What stands where a field name should start: `at_key_start` when no
/// direction came before it, `after_comma` when a key came before it.
fn sort_key_problem(at: &str, at_key_start: bool, after_comma: bool) -> SortProblem {
    match at.chars().next() {
        None | Some(',') => SortProblem::EmptyKey,
        // `join(', ')` in a client: a space after the comma.
        Some(' ') if after_comma => SortProblem::SpaceAfterComma,
        // A raw `+` decodes to a space: the one mistake worth its own message.
        Some(' ') if at_key_start => SortProblem::RawPlus,
        Some(c) => SortProblem::BadCharacter(c),
    }
}

/// `sort_list = sort_key ("," sort_key)*`, on a decoded, non-empty sort
/// value (an empty one means "no sort" and is the caller's to skip), into
/// `keys`.
///
/// A field named twice is an error at its second key. On error, gives the
/// byte offset of the problem in `value` and what it is.
pub(crate) fn sort_list<'v>(
    value: &'v str,
    keys: &mut SortItems<'v>,
) -> Result<(), (usize, SortProblem)> {
    let key = |input| sort_key(value, input);
    let parsed = comma_list(value, key, |key| keys.push(key));
    // The keys read before any fault are in `keys`: a field named twice among
    // them is reported first, as a reader going left to right finds it.
    for (n, key) in keys.iter().enumerate() {
        if keys.iter().take(n).any(|k| k.field == key.field) {
            return Err((
                key.offset,
                SortProblem::DuplicateField(key.field.to_owned()),
            ));
        }
    }
    let (rest, ()) = parsed.map_err(|e| located(value, e, SortProblem::EmptyKey))?;
    // A key ends at a comma or the end: anything else is a bad character.
    match rest.chars().next() {
        None => Ok(()),
        Some(c) => Err((offset(value, rest), SortProblem::BadCharacter(c))),
    }
}

/// `sort_key` alone, for one element of a sort array (SPEC §13), where a
/// comma is a character like any other. On error, gives the byte offset of
/// the problem in `value` and what it is.
pub(crate) fn sort_element(value: &str) -> Result<SortItem<'_>, (usize, SortProblem)> {
    let (rest, key) =
        sort_key(value, value).map_err(|e| located(value, e, SortProblem::EmptyKey))?;
    match rest.chars().next() {
        None => Ok(key),
        Some(c) => Err((offset(value, rest), SortProblem::BadCharacter(c))),
    }
}

// --------------------------------------------------------------- value list

/// The items of a value list, each a bare item trimmed or a quoted item's
/// inside unescaped; most filters have a few.
pub(crate) type ValueItems<'v> = SmallVec<[Cow<'v, str>; 8]>;

/// The spaces around an item.
fn spaces<P>(input: &str) -> Res<'_, &str, P> {
    take_while(|c| c == ' ').parse(input)
}

/// `bare = [^,"]+`, trimmed of trailing spaces (the caller skips the leading ones).
fn bare(input: &str) -> Res<'_, Cow<'_, str>, ValueProblem> {
    let body = take_while1(|c| c != ',' && c != '"');
    map(body, |text: &str| Cow::Borrowed(text.trim_end_matches(' '))).parse(input)
}

/// `quoted = '"' ( [^"\\] | '\\' ["\\] )* '"'`: the text between the quotes,
/// unescaped.
fn quoted(input: &str) -> Res<'_, Cow<'_, str>, ValueProblem> {
    let escape = recognize(preceded(char('\\'), one_of("\"\\")));
    let body = recognize(many0_count(alt((is_not("\"\\"), escape))));
    let (rest, body) = preceded(char('"'), body).parse(input)?;
    match char::<_, Failure<'_, ValueProblem>>('"').parse(rest) {
        Ok((rest, _)) => Ok((rest, unescape(body))),
        // The body stops at a closing quote, a bad escape or the end.
        Err(_) if rest.starts_with('\\') => fail_at(rest, ValueProblem::BadEscape),
        Err(_) => fail_at(input, ValueProblem::UnterminatedQuote),
    }
}

/// A quoted body with `\"` and `\\` replaced by what they stand for.
fn unescape(body: &str) -> Cow<'_, str> {
    if !body.contains('\\') {
        return Cow::Borrowed(body);
    }
    let mut text = String::with_capacity(body.len());
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        // `quoted` let only `\"` and `\\` through.
        text.push(if c == '\\' {
            chars.next().unwrap_or(c)
        } else {
            c
        });
    }
    Cow::Owned(text)
}

/// `item = quoted | bare`, with spaces around it (bare tried first: most items are).
fn item(input: &str) -> Res<'_, Cow<'_, str>, ValueProblem> {
    let (start, _) = spaces(input)?;
    let (rest, text) = alt((bare, quoted)).parse(start).map_err(|e| match e {
        // Neither a quote nor a character of a bare item: the item is empty.
        nom::Err::Error(_) => nom::Err::Failure(Failure {
            at: input,
            problem: Some(ValueProblem::EmptyItem),
        }),
        failure => failure,
    })?;
    let (rest, _) = spaces(rest)?;
    Ok((rest, text))
}

/// `list = item ("," item)*`, on a decoded filter value, into `items`.
///
/// Bare items are trimmed of spaces and must not be empty; quoted items keep
/// everything between the quotes, with `\"` and `\\` unescaped. On error,
/// gives the byte offset of the problem in `value` and what it is.
pub(crate) fn value_list<'v>(
    value: &'v str,
    items: &mut ValueItems<'v>,
) -> Result<(), (usize, ValueProblem)> {
    let list = |input| comma_list(input, item, |item| items.push(item));
    // An item ends at a comma or the end: anything else is a stray quote
    // (inside a bare item, or after a closing one).
    all_consuming(list)
        .parse(value)
        .map(|_| ())
        .map_err(|e| located(value, e, ValueProblem::StrayQuote))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value_list(v: &str) -> Result<ValueItems<'_>, (usize, ValueProblem)> {
        let mut items = ValueItems::new();
        super::value_list(v, &mut items).map(|()| items)
    }

    fn sort_list(v: &str) -> Result<SortItems<'_>, (usize, SortProblem)> {
        let mut keys = SortItems::new();
        super::sort_list(v, &mut keys).map(|()| keys)
    }

    fn texts(v: &str) -> Vec<String> {
        let items = value_list(v).unwrap();
        items.into_iter().map(Cow::into_owned).collect()
    }

    fn error(v: &str) -> (usize, ValueProblem) {
        value_list(v).unwrap_err()
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
        assert_eq!(error(""), (0, ValueProblem::EmptyItem));
        assert_eq!(error("a,,b"), (2, ValueProblem::EmptyItem));
        assert_eq!(error("a,"), (2, ValueProblem::EmptyItem));
        assert_eq!(error("a, ,b"), (2, ValueProblem::EmptyItem));
        assert_eq!(error(r#"a,"bc"#), (2, ValueProblem::UnterminatedQuote));
        assert_eq!(error(r#"ab"c"#), (2, ValueProblem::StrayQuote));
        assert_eq!(error(r#"a "b""#), (2, ValueProblem::StrayQuote));
        assert_eq!(error(r#""a"b"#), (3, ValueProblem::StrayQuote));
        assert_eq!(error(r#""a" b"#), (4, ValueProblem::StrayQuote));
        assert_eq!(error(r#""a\nb""#), (2, ValueProblem::BadEscape));
        assert_eq!(error(r#""a\"#), (2, ValueProblem::BadEscape));
    }

    fn keys(v: &str) -> Vec<(&str, SortDirection, usize)> {
        let keys = sort_list(v).unwrap();
        keys.iter()
            .map(|k| (k.field, k.direction, k.offset))
            .collect()
    }

    #[test]
    fn sort_lists() {
        assert_eq!(
            keys("-a,+b,c_1"),
            [
                ("a", SortDirection::Desc, 0),
                ("b", SortDirection::Asc, 3),
                ("c_1", SortDirection::Asc, 6)
            ]
        );
    }

    #[test]
    fn sort_errors() {
        assert_eq!(sort_list("a,,b"), Err((2, SortProblem::EmptyKey)));
        assert_eq!(sort_list("a,"), Err((2, SortProblem::EmptyKey)));
        assert_eq!(sort_list(" name"), Err((0, SortProblem::RawPlus)));
        assert_eq!(sort_list("a, b"), Err((2, SortProblem::SpaceAfterComma)));
        assert_eq!(sort_list("-"), Err((1, SortProblem::EmptyKey)));
        assert_eq!(sort_list("- a"), Err((1, SortProblem::BadCharacter(' '))));
        assert_eq!(sort_list("1a"), Err((0, SortProblem::BadCharacter('1'))));
        assert_eq!(sort_list("a-b"), Err((1, SortProblem::BadCharacter('-'))));
        assert_eq!(
            sort_list("a,-a"),
            Err((2, SortProblem::DuplicateField("a".into())))
        );
        // The duplicate is found before what follows it.
        assert_eq!(
            sort_list("a,a-b"),
            Err((2, SortProblem::DuplicateField("a".into())))
        );
        assert_eq!(
            sort_list("id,id,"),
            Err((3, SortProblem::DuplicateField("id".into())))
        );
        assert_eq!(
            sort_list("id,-id,+name"),
            Err((3, SortProblem::DuplicateField("id".into())))
        );
        assert_eq!(sort_list("a,b,,a"), Err((4, SortProblem::EmptyKey)));
    }

    #[test]
    fn filter_keys() {
        let key = |k| filter_key("filter", k).map(|k| (k.field, k.op, k.index));
        assert_eq!(key("filter[a][eq]"), Some(("a", Some("eq"), None)));
        assert_eq!(key("filter[a]"), Some(("a", None, None)));
        assert_eq!(key("filter[]"), Some(("", None, None)));
        assert_eq!(key("filter"), None);
        assert_eq!(key("filter[a"), None);
        assert_eq!(key("filter[a]x"), None);
        assert_eq!(key("filter[a][b][c]"), None);
        assert_eq!(key("filter[a[b]]"), None);
        assert_eq!(filter_key("f", "f[x][gt]").map(|k| k.op), Some(Some("gt")));
        // Array elements.
        assert_eq!(key("filter[a][]"), Some(("a", None, Some(Index::Next))));
        assert_eq!(key("filter[a][12]"), Some(("a", None, Some(Index::At(12)))));
        assert_eq!(
            key("filter[a][in][0]"),
            Some(("a", Some("in"), Some(Index::At(0))))
        );
        assert_eq!(
            key("filter[a][gt][]"),
            Some(("a", Some("gt"), Some(Index::Next)))
        );
        // Not an index: an operator the caller rejects, or no filter key.
        assert_eq!(key("filter[a][01]"), Some(("a", Some("01"), None)));
        assert_eq!(
            key("filter[a][0][1]"),
            Some(("a", Some("0"), Some(Index::At(1))))
        );
        assert_eq!(key("filter[a][b][x]"), None);
        // OR groups.
        let grouped = |k| filter_key("filter", k).map(|k| (k.group, k.field, k.op, k.index));
        assert_eq!(
            grouped("filter[or][0][a]"),
            Some((Some(0), "a", None, None))
        );
        assert_eq!(
            grouped("filter[or][12][a][gt][1]"),
            Some((Some(12), "a", Some("gt"), Some(Index::At(1))))
        );
        assert_eq!(
            grouped("filter[or][0][a][]"),
            Some((Some(0), "a", None, Some(Index::Next)))
        );
        // Not a group: a field named `or` (no schema has one).
        assert_eq!(grouped("filter[or]"), Some((None, "or", None, None)));
        assert_eq!(
            grouped("filter[or][x]"),
            Some((None, "or", Some("x"), None))
        );
        assert_eq!(grouped("filter[or][01][a]"), None);
        assert_eq!(
            grouped("filter[or][0]"),
            Some((None, "or", None, Some(Index::At(0))))
        );
        assert_eq!(
            key("filter[a][99999999999999999999999]"),
            Some(("a", Some("99999999999999999999999"), None))
        );
    }

    #[test]
    fn array_keys() {
        assert_eq!(array_key("sort", "sort[]"), Some(Index::Next));
        assert_eq!(array_key("sort", "sort[3]"), Some(Index::At(3)));
        assert_eq!(array_key("sort", "sort"), None);
        assert_eq!(array_key("sort", "sort[x]"), None);
        assert_eq!(array_key("sort", "sort[0][1]"), None);
    }

    #[test]
    fn sort_elements() {
        let key = |v| sort_element(v).map(|k| (k.field, k.direction));
        assert_eq!(key("-amount"), Ok(("amount", SortDirection::Desc)));
        assert_eq!(key("+id"), Ok(("id", SortDirection::Asc)));
        assert_eq!(key("a,b"), Err((1, SortProblem::BadCharacter(','))));
        assert_eq!(key(""), Err((0, SortProblem::EmptyKey)));
        assert_eq!(key(" id"), Err((0, SortProblem::RawPlus)));
    }
}

//! Cursors of keyset pagination (SPEC §12): Laravel's text, read strictly.
//!
//! A cursor is base64url without padding of the JSON object
//! `{<sort field>: <boundary row's value>, ..., "_pointsToNextItems": true|false}`,
//! written as PHP's `json_encode` with no flags writes it (`/` as `\/`,
//! non-ASCII as `\uXXXX`), so that it is byte-identical to Laravel's where the
//! sort is unique and has no NULLs. Reading is stricter than Laravel's: every
//! problem is a reason for `invalid_cursor`, never a silent first page.
//!
//! A boundary value is what the row's JSON shows. Datetimes serialize as
//! `YYYY-MM-DD HH:MM:SS` (SPEC §6), so a datetime sort field used with cursors
//! must store whole seconds (`timestamp(0)`, `DATETIME`, or text in that
//! form): a fraction of a second that the JSON drops would make the keyset
//! condition skip or repeat the rows within that second.

use std::fmt::Write as _;

use base64::Engine as _;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, URL_SAFE_NO_PAD};
use base64::engine::{DecodePaddingMode, general_purpose};
use serde::Deserialize;
use serde::de::{MapAccess, Visitor};

use crate::parse::SortDirection;
use crate::schema::{Field, FieldType, FilterOp, NullsOrder, Resource};
use crate::validate::{SortKey, Value, typed_value};

/// The key that says which way a cursor points.
pub const POINTS_TO_NEXT_KEY: &str = "_pointsToNextItems";

/// A decoded cursor: the boundary row's value for each key of the request's
/// sort (the tie-breaker included), and which way it points.
#[derive(Debug, Clone, PartialEq)]
pub struct Cursor {
    text: String,
    values: Vec<Option<Value>>,
    points_to_next: bool,
}

impl Cursor {
    /// The cursor as the client sent it (decoded from the query string).
    pub fn text(&self) -> &str {
        &self.text
    }
    /// The boundary row's values, one per sort key in order; `None` is NULL.
    pub fn values(&self) -> &[Option<Value>] {
        &self.values
    }
    /// `true`: the rows after the boundary (a `next_cursor`); `false`: the
    /// rows before it (a `prev_cursor`).
    pub fn points_to_next_items(&self) -> bool {
        self.points_to_next
    }

    /// Reads `text` for `resource` sorted by `sort` (the effective sort, the
    /// tie-breaker last). `Err` is the reason, for `invalid_cursor`.
    pub(crate) fn decode(
        text: &str,
        resource: &Resource,
        sort: &[SortKey],
    ) -> Result<Self, String> {
        let json = decode_base64(text)?;
        let entries = parse_object(&json)?;
        let mut points_to_next = None;
        let mut keys: Vec<(&str, &serde_json::Value)> = Vec::with_capacity(entries.len());
        for (key, value) in &entries {
            if key == POINTS_TO_NEXT_KEY {
                if points_to_next.is_some() {
                    return Err(format!("it holds {POINTS_TO_NEXT_KEY} twice"));
                }
                points_to_next = Some(value.as_bool().ok_or_else(|| {
                    format!("its {POINTS_TO_NEXT_KEY} is {value}, not true or false")
                })?);
            } else {
                keys.push((key.as_str(), value));
            }
        }
        let points_to_next = points_to_next
            .ok_or_else(|| format!("it lacks {POINTS_TO_NEXT_KEY} (true or false)"))?;
        let names: Vec<&str> = sort
            .iter()
            .map(|k| resource.field(k.field).name())
            .collect();
        let sent: Vec<&str> = keys.iter().map(|(k, _)| *k).collect();
        if sent != names {
            return Err(format!(
                "it was made for the sort {}, but this request sorts by {}; send the cursor with the sort and filters of the page it came from",
                list_or_nothing(&sent),
                names.join(","),
            ));
        }
        let mut values = Vec::with_capacity(keys.len());
        for (key, (name, value)) in sort.iter().zip(keys) {
            let field = resource.field(key.field);
            values.push(cursor_value(field, value).ok_or_else(|| {
                format!(
                    "its value for '{name}' is {value}, not {}",
                    expected_json(field)
                )
            })?);
        }
        Ok(Self {
            text: text.to_owned(),
            values,
            points_to_next,
        })
    }
}

/// Whether NULLs come after the values of `key` in the order a statement
/// reads: the field's placement, flipped when a previous-items cursor reads
/// the sort backwards.
pub(crate) fn nulls_after(key: &SortKey, forwards: bool) -> bool {
    (key.nulls == NullsOrder::Last) == forwards
}

impl Cursor {
    /// The values the keyset condition binds for `sort` of `resource`: for
    /// each non-NULL boundary value one in its "after" comparison and one in
    /// its equality (none for the last key), plus the leading bound on the
    /// first key (see `ListSql`).
    pub(crate) fn bound_value_count(&self, resource: &Resource, sort: &[SortKey]) -> usize {
        let last = self.values.len().saturating_sub(1);
        let mut count = 0;
        for (i, (key, value)) in sort.iter().zip(&self.values).enumerate() {
            if value.is_none() {
                continue;
            }
            count += 1 + usize::from(i < last);
            let nullable = resource.field(key.field).nullable();
            if i == 0 && !(nullable && nulls_after(key, self.points_to_next)) {
                count += 1;
            }
        }
        count
    }
}

/// The keyset direction of `key` as read for a cursor that points the given
/// way: a previous-items cursor reads the sort backwards.
pub(crate) fn read_direction(key: &SortKey, points_to_next: bool) -> SortDirection {
    match (key.direction, points_to_next) {
        (d, true) => d,
        (SortDirection::Asc, false) => SortDirection::Desc,
        (SortDirection::Desc, false) => SortDirection::Asc,
    }
}

/// Laravel's cursor text for a boundary row: `entries` are the sort keys'
/// names and the row's values as its JSON shows them, in sort order.
///
/// ```
/// use listquery::cursor::encode;
/// let id = serde_json::json!(15);
/// assert_eq!(encode([("id", &id)], true), "eyJpZCI6MTUsIl9wb2ludHNUb05leHRJdGVtcyI6dHJ1ZX0");
/// ```
pub fn encode<'a>(
    entries: impl IntoIterator<Item = (&'a str, &'a serde_json::Value)>,
    points_to_next: bool,
) -> String {
    let mut json = String::from("{");
    for (key, value) in entries {
        write_php_string(&mut json, key);
        json.push(':');
        write_php_json(&mut json, value);
        json.push(',');
    }
    write_php_string(&mut json, POINTS_TO_NEXT_KEY);
    json.push_str(if points_to_next { ":true}" } else { ":false}" });
    URL_SAFE_NO_PAD.encode(json)
}

/// Both base64 alphabets, padded or not (as Laravel reads them); a space is a
/// `+` that a form decoder turned into a space.
fn decode_base64(text: &str) -> Result<String, String> {
    const LENIENT: GeneralPurpose = GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        GeneralPurposeConfig::new()
            .with_decode_padding_mode(DecodePaddingMode::Indifferent)
            .with_decode_allow_trailing_bits(true),
    );
    let standard: String = text
        .chars()
        .map(|c| match c {
            '-' | ' ' => '+',
            '_' => '/',
            c => c,
        })
        .collect();
    let bytes = LENIENT
        .decode(standard.as_bytes())
        .or_else(|_| general_purpose::STANDARD.decode(standard.as_bytes()))
        .map_err(|_| "it is not base64url text (a cursor is copied from next_cursor or prev_cursor, unchanged)".to_owned())?;
    String::from_utf8(bytes).map_err(|_| "it does not decode to UTF-8 text".to_owned())
}

/// The JSON object's entries in order (a `serde_json::Map` would sort them).
fn parse_object(json: &str) -> Result<Vec<(String, serde_json::Value)>, String> {
    struct Entries(Vec<(String, serde_json::Value)>);
    impl<'de> Deserialize<'de> for Entries {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V;
            impl<'de> Visitor<'de> for V {
                type Value = Entries;
                fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.write_str("a JSON object")
                }
                fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Entries, A::Error> {
                    let mut entries = Vec::new();
                    while let Some(entry) = map.next_entry::<String, serde_json::Value>()? {
                        if entries.iter().any(|(k, _): &(String, _)| *k == entry.0) {
                            return Err(serde::de::Error::custom(format!(
                                "the key {:?} appears twice",
                                entry.0
                            )));
                        }
                        entries.push(entry);
                    }
                    Ok(Entries(entries))
                }
            }
            d.deserialize_map(V)
        }
    }
    serde_json::from_str::<Entries>(json)
        .map(|e| e.0)
        .map_err(|e| format!("it does not hold the cursor's JSON object ({e})"))
}

fn list_or_nothing(names: &[&str]) -> String {
    if names.is_empty() {
        "(no keys)".to_owned()
    } else {
        names.join(",")
    }
}

/// A cursor value as the field's type: as the field's values appear in JSON
/// responses (integers as numbers; decimals, dates and datetimes as strings),
/// or `null` for a nullable field. `None` when it does not fit.
fn cursor_value(field: &Field, value: &serde_json::Value) -> Option<Option<Value>> {
    use serde_json::Value as J;
    let typed = match (field.ty(), value) {
        (_, J::Null) => return field.nullable().then_some(None),
        (FieldType::Integer, J::Number(n)) => n.as_i64().map(Value::Integer),
        (FieldType::Boolean, J::Bool(b)) => Some(Value::Boolean(*b)),
        (FieldType::Boolean, J::Number(n)) => match n.as_i64() {
            Some(0) => Some(Value::Boolean(false)),
            Some(1) => Some(Value::Boolean(true)),
            _ => None,
        },
        (FieldType::Decimal, J::Number(n)) => typed_value(FilterOp::Eq, field, &n.to_string()),
        (FieldType::Integer | FieldType::Boolean, _) => None,
        (_, J::String(text)) => typed_value(FilterOp::Eq, field, text),
        _ => None,
    };
    typed.map(Some)
}

fn expected_json(field: &Field) -> String {
    let kind = match field.ty() {
        FieldType::Integer => "an integer",
        FieldType::Boolean => "true or false",
        FieldType::Decimal => "a decimal such as \"12.50\"",
        FieldType::Date => "a date string (YYYY-MM-DD)",
        FieldType::DateTime => "a datetime string (YYYY-MM-DD HH:MM:SS)",
        FieldType::String => "a string",
        FieldType::Enum(_) => "one of the field's values",
    };
    if field.nullable() {
        format!("{kind} or null")
    } else {
        kind.to_owned()
    }
}

/// A JSON value as PHP's `json_encode($v)` (no flags) writes it.
fn write_php_json(out: &mut String, value: &serde_json::Value) {
    use serde_json::Value as J;
    match value {
        J::Null => out.push_str("null"),
        J::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        J::Number(n) => {
            let _ = write!(out, "{n}");
        }
        J::String(s) => write_php_string(out, s),
        J::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_php_json(out, item);
            }
            out.push(']');
        }
        J::Object(map) => {
            out.push('{');
            for (i, (k, v)) in map.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_php_string(out, k);
                out.push(':');
                write_php_json(out, v);
            }
            out.push('}');
        }
    }
}

/// A JSON string as PHP writes it: `/` escaped, every non-ASCII character as
/// `\uXXXX` (UTF-16, lowercase hex).
fn write_php_string(out: &mut String, text: &str) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '/' => out.push_str("\\/"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_ascii() && !c.is_ascii_control() || c == '\u{7f}' => out.push(c),
            c => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    let _ = write!(out, "\\u{unit:04x}");
                }
            }
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn php_escapes() {
        let mut out = String::new();
        write_php_string(&mut out, "Jürgen/O'B \"x\" 東 😀\u{1}");
        assert_eq!(out, r#""J\u00fcrgen\/O'B \"x\" \u6771 \ud83d\ude00\u0001""#);
    }

    #[test]
    fn base64_variants_decode() {
        let text = encode([("id", &serde_json::json!(15))], true);
        let padded = format!("{}=", text.replace('-', "+").replace('_', "/"));
        assert_eq!(decode_base64(&text), decode_base64(&padded));
        assert!(decode_base64("!!!").is_err());
    }
}

//! The canonical printer: a [`ListQuery`] back to query parameters.
//!
//! Page URLs are built from this, and parsing what it prints gives the same
//! [`ListQuery`] back (a property test checks it).

use std::borrow::Cow;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use crate::parse::SortDirection;
use crate::schema::FilterOp;
use crate::validate::{ListParam, ListQuery, SortOrigin};

/// What PHP's `http_build_query(..., PHP_QUERY_RFC3986)` leaves literal:
/// `A-Za-z0-9-_.~`; everything else is percent-encoded (space as `%20`).
pub const RFC3986_QUERY: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// Percent-encodes one key or value as Laravel's page links do.
///
/// ```
/// assert_eq!(listquery::encode_component("filter[status]"), "filter%5Bstatus%5D");
/// assert_eq!(listquery::encode_component("a b,ü"), "a%20b%2C%C3%BC");
/// ```
pub fn encode_component(text: &str) -> Cow<'_, str> {
    utf8_percent_encode(text, RFC3986_QUERY).into()
}

/// Writes one filter value as an item of the value-list grammar, quoting it
/// when it is empty, holds a `,` or `"`, or starts or ends with a space.
fn write_item(out: &mut String, text: &str) {
    let needs_quotes = text.is_empty()
        || text.starts_with(' ')
        || text.ends_with(' ')
        || text.contains([',', '"']);
    if !needs_quotes {
        out.push_str(text);
        return;
    }
    out.push('"');
    for c in text.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
}

impl ListQuery {
    /// The request's list parameters as decoded `(key, value)` pairs, in the
    /// order they came, each value in canonical form (filter values quoted
    /// where the list grammar needs it, `filter[f][eq]` written `filter[f]`).
    /// Unrecognised parameters are not included; see [`ListQuery::extra_params`].
    ///
    /// ```
    /// # use listquery::{ListQuery, Resource, FieldType, FilterOp, RequestOptions};
    /// # let r = Resource::builder("customers", "customers")
    /// #     .field("id", FieldType::Integer, |f| f.sortable())
    /// #     .field("name", FieldType::String, |f| f.sortable().filter(&[FilterOp::Eq]))
    /// #     .build().unwrap();
    /// # let r = std::sync::Arc::new(r);
    /// let q = ListQuery::parse("sort=-name&filter%5Bname%5D=%22Smith%2C+J%22,Doe&page=2",
    ///     &r, RequestOptions::default()).unwrap();
    /// assert_eq!(q.to_pairs(), [
    ///     ("sort".to_string(), "-name".to_string()),
    ///     ("filter[name]".to_string(), r#""Smith, J",Doe"#.to_string()),
    ///     ("page".to_string(), "2".to_string()),
    /// ]);
    /// ```
    pub fn to_pairs(&self) -> Vec<(String, String)> {
        let names = self.resource.params();
        let mut pairs = Vec::with_capacity(self.params.len());
        for param in &self.params {
            let pair = match *param {
                ListParam::Sort => {
                    let mut value = String::new();
                    for key in self.sort.iter().filter(|k| k.origin == SortOrigin::Request) {
                        if !value.is_empty() {
                            value.push(',');
                        }
                        if key.direction == SortDirection::Desc {
                            value.push('-');
                        }
                        value.push_str(self.resource.field(key.field).name());
                    }
                    (names.sort.name().to_owned(), value)
                }
                ListParam::Filter(n) => {
                    let Some(filter) = self.filters.get(n) else {
                        continue;
                    };
                    let field = self.resource.field(filter.field).name();
                    let group = filter.group.map(|g| format!("[or][{g}]"));
                    let group = group.as_deref().unwrap_or("");
                    let key = if filter.op == FilterOp::Eq {
                        format!("{}{group}[{field}]", names.filter)
                    } else {
                        format!("{}{group}[{field}][{}]", names.filter, filter.op)
                    };
                    let mut value = String::new();
                    for (n, v) in filter.values.iter().enumerate() {
                        if n > 0 {
                            value.push(',');
                        }
                        write_item(&mut value, &v.to_text());
                    }
                    (key, value)
                }
                ListParam::Page => {
                    let Some(p) = self.pagination else { continue };
                    (names.page.name().to_owned(), p.page.to_string())
                }
                ListParam::PerPage => {
                    let Some(p) = self.pagination else { continue };
                    (names.per_page.name().to_owned(), p.per_page.to_string())
                }
                ListParam::Cursor => {
                    let text = self.cursor.as_ref().map_or("", |c| c.text());
                    (names.cursor.name().to_owned(), text.to_owned())
                }
                ListParam::Fields => {
                    let fields = self.fields.as_deref().unwrap_or_default();
                    let listed: Vec<&str> = (fields.iter())
                        .map(|&id| self.resource.field(id).name())
                        .collect();
                    (names.fields.name().to_owned(), listed.join(","))
                }
                ListParam::Metadata => (
                    names.metadata.name().to_owned(),
                    if self.metadata { "1" } else { "0" }.to_owned(),
                ),
            };
            pairs.push(pair);
        }
        pairs
    }

    /// [`ListQuery::to_pairs`] percent-encoded as PHP's
    /// `http_build_query(..., PHP_QUERY_RFC3986)` does (only `A-Za-z0-9-_.~`
    /// literal) and joined with `&`.
    pub fn to_query_string(&self) -> String {
        let mut out = String::new();
        for (key, value) in self.to_pairs() {
            if !out.is_empty() {
                out.push('&');
            }
            out.push_str(&encode_component(&key));
            out.push('=');
            out.push_str(&encode_component(&value));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting() {
        let mut s = String::new();
        for t in ["plain", "", " lead", "a,b", r#"say "hi"\"#] {
            write_item(&mut s, t);
            s.push('|');
        }
        assert_eq!(s, r#"plain|""|" lead"|"a,b"|"say \"hi\"\\"|"#);
    }
}

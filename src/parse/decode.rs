//! Percent-decoding with form rules (SPEC §1.2): `%XX` is a byte, `+` is a space.
//!
//! Stricter than `application/x-www-form-urlencoded` parsers such as
//! `form_urlencoded`, which pass a malformed `%` through: here it is an error
//! with its byte offset, and so are bytes that are not UTF-8 and control
//! characters.

use std::borrow::Cow;

use crate::error::EncodingProblem;

/// Decodes one key or value. Borrows when there is nothing to decode.
///
/// On error, gives the byte offset in `raw` of the escape or character at fault.
pub(crate) fn decode_component(raw: &str) -> Result<Cow<'_, str>, (usize, EncodingProblem)> {
    let bytes = raw.as_bytes();
    let Some(first) = bytes.iter().position(|&b| b == b'%' || b == b'+') else {
        check_controls(raw, |i| i)?;
        return Ok(Cow::Borrowed(raw));
    };
    let mut out = Vec::with_capacity(bytes.len());
    out.extend_from_slice(bytes.get(..first).unwrap_or_default());
    let mut i = first;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b'%' => {
                let hi = bytes.get(i + 1).copied().and_then(hex_value);
                let lo = bytes.get(i + 2).copied().and_then(hex_value);
                match (hi, lo) {
                    (Some(hi), Some(lo)) => out.push(hi << 4 | lo),
                    _ => return Err((i, EncodingProblem::MalformedEscape)),
                }
                i += 3;
            }
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    match String::from_utf8(out) {
        Ok(s) => {
            check_controls(&s, |decoded| raw_offset(raw, decoded))?;
            Ok(Cow::Owned(s))
        }
        Err(e) => Err((
            raw_offset(raw, e.utf8_error().valid_up_to()),
            EncodingProblem::NotUtf8,
        )),
    }
}

fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Rejects U+0000–U+001F and U+007F; `offset` maps a decoded offset to a raw one.
fn check_controls(
    decoded: &str,
    offset: impl Fn(usize) -> usize,
) -> Result<(), (usize, EncodingProblem)> {
    match decoded.bytes().position(|b| b < 0x20 || b == 0x7f) {
        Some(i) => Err((offset(i), EncodingProblem::ControlCharacter)),
        None => Ok(()),
    }
}

/// The offset in `raw` of the escape or character that produced decoded byte `target`.
fn raw_offset(raw: &str, target: usize) -> usize {
    let bytes = raw.as_bytes();
    let (mut i, mut decoded) = (0, 0);
    while decoded < target && i < bytes.len() {
        i += if bytes.get(i) == Some(&b'%') { 3 } else { 1 };
        decoded += 1;
    }
    i.min(raw.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn borrows_plain_text() {
        assert!(matches!(
            decode_component("paid,sent"),
            Ok(Cow::Borrowed("paid,sent"))
        ));
    }

    #[test]
    fn decodes_form_rules() {
        assert_eq!(decode_component("a+b%20c%5Bx%5d").unwrap(), "a b c[x]");
        assert_eq!(decode_component("J%C3%BCrgen").unwrap(), "Jürgen");
    }

    #[test]
    fn reports_offsets() {
        assert_eq!(
            decode_component("ab%G1"),
            Err((2, EncodingProblem::MalformedEscape))
        );
        assert_eq!(
            decode_component("ab%"),
            Err((2, EncodingProblem::MalformedEscape))
        );
        assert_eq!(
            decode_component("ab%4"),
            Err((2, EncodingProblem::MalformedEscape))
        );
        assert_eq!(
            decode_component("x%FFy"),
            Err((1, EncodingProblem::NotUtf8))
        );
        assert_eq!(
            decode_component("a+b%00"),
            Err((3, EncodingProblem::ControlCharacter))
        );
        assert_eq!(
            decode_component("a\tb"),
            Err((1, EncodingProblem::ControlCharacter))
        );
        assert_eq!(
            decode_component("%7F"),
            Err((0, EncodingProblem::ControlCharacter))
        );
    }
}

//! Percent-decoding with form rules (SPEC §1.2): `%XX` is a byte, `+` is a space.
//!
//! Stricter than `application/x-www-form-urlencoded` parsers such as
//! `form_urlencoded`, which pass a malformed `%` through: here it is an error
//! with its byte offset, and so are bytes that are not UTF-8 and control
//! characters.

use crate::error::EncodingProblem;

/// Decodes one key or value: `raw` itself when there is nothing to decode,
/// else the text decoded into `buf` (cleared first), which the scanner reuses
/// for every pair of a request.
///
/// On error, gives the byte offset in `raw` of the escape or character at fault.
pub(crate) fn decode_into<'s>(
    raw: &'s str,
    buf: &'s mut Vec<u8>,
) -> Result<&'s str, (usize, EncodingProblem)> {
    let bytes = raw.as_bytes();
    let Some(first) = bytes.iter().position(|&b| byte_needs_decoding(b)) else {
        return Ok(raw);
    };
    buf.clear();
    buf.reserve(bytes.len());
    buf.extend_from_slice(bytes.get(..first).unwrap_or_default());
    let mut i = first;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'+' => buf.push(b' '),
            b'%' => {
                let hex = |at: usize| bytes.get(at).and_then(|&h| char::from(h).to_digit(16));
                let (Some(hi), Some(lo)) = (hex(i + 1), hex(i + 2)) else {
                    return Err((i, EncodingProblem::MalformedEscape));
                };
                // Two hex digits make a byte.
                buf.push((hi * 16 + lo) as u8);
                i += 2;
            }
            _ => buf.push(b),
        }
        i += 1;
    }
    // A malformed escape anywhere is reported before a control character.
    match std::str::from_utf8(buf) {
        Ok(s) => match s.bytes().position(is_control) {
            None => Ok(s),
            Some(at) => Err((raw_offset(raw, at), EncodingProblem::ControlCharacter)),
        },
        Err(e) => Err((raw_offset(raw, e.valid_up_to()), EncodingProblem::NotUtf8)),
    }
}

/// Whether any byte of `raw` [`byte_needs_decoding`]. A fold, not `any`:
/// without an early exit the compiler checks many bytes at a time.
pub(crate) fn needs_decoding(raw: &str) -> bool {
    raw.bytes()
        .fold(false, |any, b| any | byte_needs_decoding(b))
}

/// Whether a raw byte makes a key or value go through decoding: `%`, `+`,
/// and the control characters (which decoding reports).
const fn byte_needs_decoding(b: u8) -> bool {
    b == b'%' || b == b'+' || is_control(b)
}

/// U+0000–U+001F and U+007F, which no decoded key or value may hold.
const fn is_control(b: u8) -> bool {
    b < 0x20 || b == 0x7f
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

    fn decode_component(raw: &str) -> Result<String, (usize, EncodingProblem)> {
        decode_into(raw, &mut Vec::new()).map(str::to_owned)
    }

    #[test]
    fn borrows_plain_text() {
        let raw = "paid,sent";
        let mut buf = Vec::new();
        assert!(std::ptr::eq(decode_into(raw, &mut buf).unwrap(), raw));
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

//! Percent-decoding with form rules (SPEC §1.2): `%XX` is a byte, `+` is a space.
//!
//! Stricter than `application/x-www-form-urlencoded` parsers such as
//! `form_urlencoded`, which pass a malformed `%` through: here it is an error
//! with its byte offset, and so are bytes that are not UTF-8 and control
//! characters.

use crate::error::EncodingProblem;

/// Decodes one key or value: `raw` itself when there is nothing to decode,
/// else the text decoded into `buf` (cleared first), which a parser reuses for
/// every pair of a request.
///
/// On error, gives the byte offset in `raw` of the escape or character at fault.
pub(crate) fn decode_into<'s>(
    raw: &'s str,
    buf: &'s mut Vec<u8>,
) -> Result<&'s str, (usize, EncodingProblem)> {
    let bytes = raw.as_bytes();
    // The caller has checked the whole query at once: here, most texts need
    // decoding, and their first escape is near their start.
    let Some(first) = bytes.iter().position(|&b| needs_decoding(b)) else {
        return Ok(raw);
    };
    // From here on the decoded text is built (a raw control character is
    // reported after decoding, so a malformed escape anywhere comes first),
    // into a buffer sized for the worst case and written by index: no
    // capacity check per byte.
    buf.clear();
    buf.resize(bytes.len(), 0);
    let mut written = first;
    if let (Some(head), Some(to)) = (bytes.get(..first), buf.get_mut(..first)) {
        to.copy_from_slice(head);
    }
    let (mut i, mut control) = (first, false);
    while let Some(&b) = bytes.get(i) {
        let (out, step) = match b {
            b'+' => (b' ', 1),
            b'%' => {
                let hex = |at: usize| {
                    let digit = bytes.get(at).and_then(|&h| HEX.get(usize::from(h)));
                    digit.copied().unwrap_or(INVALID)
                };
                let (hi, lo) = (hex(i + 1), hex(i + 2));
                if hi == INVALID || lo == INVALID {
                    return Err((i, EncodingProblem::MalformedEscape));
                }
                (hi << 4 | lo, 3)
            }
            _ => (b, 1),
        };
        control |= is_control(out);
        if let Some(slot) = buf.get_mut(written) {
            *slot = out;
        }
        written += 1;
        i += step;
    }
    buf.truncate(written);
    match std::str::from_utf8(buf) {
        Ok(s) if !control => Ok(s),
        Ok(s) => {
            let at = s.bytes().position(is_control).unwrap_or_default();
            Err((raw_offset(raw, at), EncodingProblem::ControlCharacter))
        }
        Err(e) => Err((raw_offset(raw, e.valid_up_to()), EncodingProblem::NotUtf8)),
    }
}

/// Whether a raw byte makes a key or value go through decoding: `%`, `+`,
/// and the control characters (which decoding reports).
pub(crate) const fn needs_decoding(b: u8) -> bool {
    b == b'%' || b == b'+' || is_control(b)
}

/// Whether any byte of a raw query [`needs_decoding`], eight bytes at a
/// time with no branch per byte (a query is checked once, before it is split;
/// a bytewise loop cost a few instructions per byte).
pub(crate) fn any_needs_decoding(bytes: &[u8]) -> bool {
    const LOW: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGH: u64 = u64::from_ne_bytes([0x80; 8]);
    // Non-zero exactly when some byte of `x` is zero.
    let has_zero = |x: u64| x.wrapping_sub(LOW) & !x & HIGH;
    let needs = |word: [u8; 8]| {
        let w = u64::from_ne_bytes(word);
        has_zero(w ^ u64::from_ne_bytes([b'%'; 8]))
            | has_zero(w ^ u64::from_ne_bytes([b'+'; 8]))
            | has_zero(w ^ u64::from_ne_bytes([0x7f; 8]))
            // Below 0x20: the top three bits are clear.
            | has_zero(w & u64::from_ne_bytes([0xe0; 8]))
    };
    let mut words = bytes.chunks_exact(8);
    let mut any = 0;
    for word in &mut words {
        any |= <[u8; 8]>::try_from(word).map_or(0, needs);
    }
    // The tail: the last eight bytes again (a word built from fewer bytes
    // would be read back before its stores land, which stalls).
    let tail = words.remainder();
    if !tail.is_empty() {
        any |= match bytes.last_chunk::<8>() {
            Some(&last) => needs(last),
            None => u64::from(tail.iter().any(|&b| needs_decoding(b))),
        };
    }
    any != 0
}

/// U+0000–U+001F and U+007F, which no decoded key or value may hold.
const fn is_control(b: u8) -> bool {
    b < 0x20 || b == 0x7f
}

/// [`hex_value`] of a byte that is not a hex digit.
const INVALID: u8 = 0xff;

/// [`hex_value`] of every byte.
// Evaluated at compile time: an index out of bounds would fail the build.
#[allow(clippy::indexing_slicing)]
static HEX: [u8; 256] = {
    let mut table = [INVALID; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = hex_value(b as u8);
        b += 1;
    }
    table
};

/// The value of a hex digit, or [`INVALID`].
const fn hex_value(b: u8) -> u8 {
    match b {
        b'0'..=b'9' => b - b'0',
        b'a'..=b'f' => b - b'a' + 10,
        b'A'..=b'F' => b - b'A' + 10,
        _ => INVALID,
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

    fn decode_component(raw: &str) -> Result<String, (usize, EncodingProblem)> {
        decode_into(raw, &mut Vec::new()).map(str::to_owned)
    }

    #[test]
    fn the_whole_query_check_finds_every_byte_that_needs_decoding() {
        // Every byte value, at every place of texts of 0 to 40 bytes (the
        // word loop, the overlapping last word and the short tail).
        let bytewise = |b: &[u8]| b.iter().any(|&c| needs_decoding(c));
        for len in 0..=40 {
            let plain = vec![b'a'; len];
            assert!(!any_needs_decoding(&plain), "len {len}");
            for at in 0..len {
                for byte in 0..=u8::MAX {
                    let mut text = plain.clone();
                    text[at] = byte;
                    assert_eq!(
                        any_needs_decoding(&text),
                        bytewise(&text),
                        "byte {byte:#04x} at {at} of {len}"
                    );
                }
            }
        }
        for byte in [b'%', b'+', 0x00, 0x1f, 0x7f] {
            assert!(needs_decoding(byte));
        }
        for byte in [b' ', b'a', b'=', b'&', 0x80, 0xff] {
            assert!(!needs_decoding(byte));
        }
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

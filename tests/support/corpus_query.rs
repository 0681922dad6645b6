//! The corpus's query templates: `{TEXT*N}` repeats TEXT N times (for limit
//! cases). Shared by tests/corpus.rs and tests/server_e2e.rs without the
//! database helpers of `support`.
#![allow(clippy::indexing_slicing)]

/// Expands every `{TEXT*N}` in a corpus query.
pub fn expand(query: &str) -> String {
    let mut out = String::new();
    let mut rest = query;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|c| open + c) else {
            break;
        };
        let inner = &rest[open + 1..close];
        match inner
            .rsplit_once('*')
            .and_then(|(t, n)| Some((t, n.parse::<usize>().ok()?)))
        {
            Some((text, n)) => {
                out.push_str(&rest[..open]);
                out.push_str(&text.repeat(n));
            }
            None => out.push_str(&rest[..=close]),
        }
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    out
}

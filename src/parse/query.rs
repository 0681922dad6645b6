//! Splitting a raw query into pairs and classifying them.

use crate::error::ParseError;
use crate::parse::{ParseConfig, RawQuery};

/// Parses a raw query string (percent-encoded, with or without a leading `?`).
///
/// All errors are collected.
pub fn parse_query<'a>(
    raw: &'a str,
    config: &ParseConfig<'_>,
) -> Result<RawQuery<'a>, Vec<ParseError>> {
    let _ = (raw, config);
    Ok(RawQuery::default())
}

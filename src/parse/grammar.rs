//! The grammars of keys, sort lists and value lists.

use crate::error::{SortProblem, ValueProblem};
use crate::parse::{RawSortKey, RawValue};

/// Parses a sort list (`-created_at,name`), after percent-decoding.
///
/// On error, gives the byte offset of the problem and what it is.
pub fn parse_sort_list(value: &str) -> Result<Vec<RawSortKey<'_>>, (usize, SortProblem)> {
    let _ = value;
    Err((0, SortProblem::EmptyKey))
}

/// Parses a filter value list (`paid,"Smith, John"`), after percent-decoding.
///
/// On error, gives the byte offset of the problem and what it is.
pub fn parse_value_list(value: &str) -> Result<Vec<RawValue<'_>>, (usize, ValueProblem)> {
    let _ = value;
    Err((0, ValueProblem::EmptyItem))
}

//! SQL layer.

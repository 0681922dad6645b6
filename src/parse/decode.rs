//! Percent-decoding with form rules.

//! Page envelope.

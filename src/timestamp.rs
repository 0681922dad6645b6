//! A serde `with` module for timestamps in the API's form,
//! `YYYY-MM-DD HH:MM:SS` ([`TIMESTAMP_FORMAT`], UTC), for chrono's
//! [`NaiveDateTime`] and [`DateTime<Utc>`].
//!
//! ```
//! use chrono::{DateTime, NaiveDateTime, Utc};
//! use serde::{Deserialize, Serialize};
//!
//! #[derive(Serialize, Deserialize)]
//! struct Invoice {
//!     id: i64,
//!     #[serde(with = "listquery::timestamp")]
//!     created_at: DateTime<Utc>,
//!     #[serde(with = "listquery::timestamp::option")]
//!     paid_at: Option<NaiveDateTime>,
//! }
//!
//! let json = r#"{"id":1,"created_at":"2024-03-01 09:30:00","paid_at":null}"#;
//! let invoice: Invoice = serde_json::from_str(json).unwrap();
//! assert_eq!(serde_json::to_string(&invoice).unwrap(), json);
//! ```
//!
//! Writing drops fractions of a second (the form has none). Reading accepts
//! exactly `YYYY-MM-DD HH:MM:SS` (zero-padded, a space between date and time,
//! no offset) and fails with a message naming the expected form.
//!
//! [`TIMESTAMP_FORMAT`]: crate::TIMESTAMP_FORMAT

use std::fmt;

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::de::{self, Visitor};
use serde::{Deserializer, Serializer};

use crate::TIMESTAMP_FORMAT;

/// A chrono type that reads and writes as a UTC `YYYY-MM-DD HH:MM:SS`.
pub trait Timestamp: Sized {
    /// The value as a naive UTC date and time.
    fn to_naive_utc(&self) -> NaiveDateTime;
    /// The value from a naive UTC date and time.
    fn from_naive_utc(naive: NaiveDateTime) -> Self;
}

impl Timestamp for NaiveDateTime {
    fn to_naive_utc(&self) -> NaiveDateTime {
        *self
    }
    fn from_naive_utc(naive: NaiveDateTime) -> Self {
        naive
    }
}

impl Timestamp for DateTime<Utc> {
    fn to_naive_utc(&self) -> NaiveDateTime {
        self.naive_utc()
    }
    fn from_naive_utc(naive: NaiveDateTime) -> Self {
        naive.and_utc()
    }
}

/// Writes `value` as `YYYY-MM-DD HH:MM:SS`.
pub fn serialize<T: Timestamp, S: Serializer>(value: &T, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_str(&value.to_naive_utc().format(TIMESTAMP_FORMAT))
}

/// Reads a `YYYY-MM-DD HH:MM:SS` string.
pub fn deserialize<'de, T: Timestamp, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<T, D::Error> {
    deserializer
        .deserialize_str(TimestampVisitor)
        .map(T::from_naive_utc)
}

/// Parses the exact form: chrono alone would also take unpadded fields.
fn parse(text: &str) -> Option<NaiveDateTime> {
    let shape = "dddd-dd-dd dd:dd:dd";
    let fits = text.len() == shape.len()
        && text.bytes().zip(shape.bytes()).all(|(c, s)| match s {
            b'd' => c.is_ascii_digit(),
            other => c == other,
        });
    if !fits {
        return None;
    }
    NaiveDateTime::parse_from_str(text, TIMESTAMP_FORMAT).ok()
}

struct TimestampVisitor;

impl Visitor<'_> for TimestampVisitor {
    type Value = NaiveDateTime;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a timestamp \"YYYY-MM-DD HH:MM:SS\"")
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Self::Value, E> {
        parse(text).ok_or_else(|| {
            E::custom(format_args!(
                "invalid timestamp {text:?}: expected \"YYYY-MM-DD HH:MM:SS\" (UTC, e.g. \"2024-03-01 09:30:00\")"
            ))
        })
    }
}

/// The same for `Option<T>`: `None` is `null`
/// (`#[serde(with = "listquery::timestamp::option")]`). Add
/// `#[serde(default)]` to accept a missing field as `None`.
pub mod option {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use super::Timestamp;

    struct Ser<'a, T>(&'a T);

    impl<T: Timestamp> Serialize for Ser<'_, T> {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            super::serialize(self.0, serializer)
        }
    }

    struct De<T>(T);

    impl<'de, T: Timestamp> Deserialize<'de> for De<T> {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            super::deserialize(deserializer).map(De)
        }
    }

    /// Writes `Some` as `YYYY-MM-DD HH:MM:SS`, `None` as `null`.
    pub fn serialize<T: Timestamp, S: Serializer>(
        value: &Option<T>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            Some(t) => serializer.serialize_some(&Ser(t)),
            None => serializer.serialize_none(),
        }
    }

    /// Reads `null` as `None`, a `YYYY-MM-DD HH:MM:SS` string as `Some`.
    pub fn deserialize<'de, T: Timestamp, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<T>, D::Error> {
        Option::<De<T>>::deserialize(deserializer).map(|o| o.map(|d| d.0))
    }
}

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
//! A serializer written by hand, or a log line, takes [`formatted`]:
//!
//! ```
//! use chrono::NaiveDate;
//! use serde::ser::{SerializeMap, Serializer};
//!
//! let at = NaiveDate::from_ymd_opt(2024, 3, 1).unwrap().and_hms_opt(9, 30, 0).unwrap();
//! assert_eq!(listquery::timestamp::formatted(&at).to_string(), "2024-03-01 09:30:00");
//!
//! let mut json = Vec::new();
//! let mut serializer = serde_json::Serializer::new(&mut json);
//! let mut map = serializer.serialize_map(Some(1)).unwrap();
//! map.serialize_entry("created_at", &listquery::timestamp::formatted(&at)).unwrap();
//! map.end().unwrap();
//! assert_eq!(json, br#"{"created_at":"2024-03-01 09:30:00"}"#);
//! ```
//!
//! [`TIMESTAMP_FORMAT`]: crate::TIMESTAMP_FORMAT

use std::fmt;

use chrono::format::{Item, Numeric, Pad};
use chrono::{DateTime, Datelike, NaiveDateTime, Timelike, Utc};
use serde::de::{self, Visitor};
use serde::{Deserializer, Serialize, Serializer};

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

/// [`TIMESTAMP_FORMAT`](crate::TIMESTAMP_FORMAT) as chrono's items, parsed
/// once rather than for every value read or written.
const ITEMS: &[Item<'static>] = &[
    Item::Numeric(Numeric::Year, Pad::Zero),
    Item::Literal("-"),
    Item::Numeric(Numeric::Month, Pad::Zero),
    Item::Literal("-"),
    Item::Numeric(Numeric::Day, Pad::Zero),
    Item::Literal(" "),
    Item::Numeric(Numeric::Hour, Pad::Zero),
    Item::Literal(":"),
    Item::Numeric(Numeric::Minute, Pad::Zero),
    Item::Literal(":"),
    Item::Numeric(Numeric::Second, Pad::Zero),
];

/// A timestamp that displays and serializes as `YYYY-MM-DD HH:MM:SS`, as
/// chrono's `format(TIMESTAMP_FORMAT)` writes it; made by [`formatted`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Formatted(NaiveDateTime);

/// `value` (UTC) in the API's form, to display or to serialize.
pub fn formatted<T: Timestamp>(value: &T) -> Formatted {
    Formatted(value.to_naive_utc())
}

impl Formatted {
    /// The text, written field by field into its template, for four-digit
    /// years without a leap second; `None` for the others, which chrono
    /// writes (a signed year, `:60`). chrono's `format` takes about ten times
    /// as long: it goes through a `String` of its own.
    fn plain(&self) -> Option<[u8; 19]> {
        let (date, time) = (self.0.date(), self.0.time());
        let year = u32::try_from(date.year())
            .ok()
            .filter(|year| *year <= 9999)?;
        if time.nanosecond() >= 1_000_000_000 {
            return None;
        }
        let mut text = *b"0000-00-00 00:00:00";
        let fields = [
            (0, 4, year),
            (5, 2, date.month()),
            (8, 2, date.day()),
            (11, 2, time.hour()),
            (14, 2, time.minute()),
            (17, 2, time.second()),
        ];
        for (at, width, mut value) in fields {
            for digit in text.iter_mut().skip(at).take(width).rev() {
                *digit = b'0' + (value % 10) as u8;
                value /= 10;
            }
        }
        Some(text)
    }
}

impl fmt::Display for Formatted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.plain() {
            Some(text) => f.pad(std::str::from_utf8(&text).map_err(|_| fmt::Error)?),
            None => self.0.format_with_items(ITEMS.iter()).fmt(f),
        }
    }
}

impl Serialize for Formatted {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.plain() {
            Some(text) => serializer
                .serialize_str(std::str::from_utf8(&text).map_err(serde::ser::Error::custom)?),
            None => serializer.collect_str(self),
        }
    }
}

/// Writes `value` as `YYYY-MM-DD HH:MM:SS`.
pub fn serialize<T: Timestamp, S: Serializer>(value: &T, serializer: S) -> Result<S::Ok, S::Error> {
    formatted(value).serialize(serializer)
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
    let mut parsed = chrono::format::Parsed::new();
    chrono::format::parse(&mut parsed, text, ITEMS.iter()).ok()?;
    parsed.to_naive_datetime_with_offset(0).ok()
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

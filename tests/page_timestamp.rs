//! `listquery::timestamp`: the `YYYY-MM-DD HH:MM:SS` serde helper.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use chrono::{DateTime, NaiveDate, NaiveDateTime, Timelike, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Row {
    id: i64,
    #[serde(with = "listquery::timestamp")]
    created_at: DateTime<Utc>,
    #[serde(with = "listquery::timestamp")]
    updated_at: NaiveDateTime,
    #[serde(with = "listquery::timestamp::option", default)]
    deleted_at: Option<DateTime<Utc>>,
    #[serde(with = "listquery::timestamp::option", default)]
    paid_at: Option<NaiveDateTime>,
}

fn at(y: i32, m: u32, d: u32, h: u32, mi: u32, s: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(y, m, d)
        .and_then(|d| d.and_hms_opt(h, mi, s))
        .unwrap()
}

#[test]
fn writes_and_reads_back_the_api_form() {
    let row = Row {
        id: 7,
        created_at: at(2024, 3, 1, 9, 30, 5).and_utc(),
        updated_at: at(1999, 12, 31, 23, 59, 59),
        deleted_at: None,
        paid_at: Some(at(2024, 2, 29, 0, 0, 0)),
    };
    let json = serde_json::to_string(&row).unwrap();
    assert_eq!(
        json,
        r#"{"id":7,"created_at":"2024-03-01 09:30:05","updated_at":"1999-12-31 23:59:59","deleted_at":null,"paid_at":"2024-02-29 00:00:00"}"#
    );
    assert_eq!(serde_json::from_str::<Row>(&json).unwrap(), row);
}

#[test]
fn a_utc_datetime_with_another_offset_is_written_in_utc() {
    let paris = DateTime::parse_from_rfc3339("2024-03-01T10:30:00+01:00").unwrap();
    let row = Row {
        id: 1,
        created_at: paris.with_timezone(&Utc),
        updated_at: at(2024, 1, 1, 0, 0, 0),
        deleted_at: Some(paris.with_timezone(&Utc)),
        paid_at: None,
    };
    let v = serde_json::to_value(&row).unwrap();
    assert_eq!(v["created_at"], "2024-03-01 09:30:00");
    assert_eq!(v["deleted_at"], "2024-03-01 09:30:00");
}

#[test]
fn option_accepts_null_and_missing() {
    let row: Row = serde_json::from_str(
        r#"{"id":1,"created_at":"2024-01-01 00:00:00","updated_at":"2024-01-01 00:00:00","paid_at":null}"#,
    )
    .unwrap();
    assert_eq!((row.deleted_at, row.paid_at), (None, None));
}

#[test]
fn sub_second_precision_is_dropped_on_write() {
    let with_nanos = at(2024, 3, 1, 9, 30, 5)
        .with_nanosecond(123_456_789)
        .unwrap();
    let row = Row {
        id: 1,
        created_at: with_nanos.and_utc(),
        updated_at: with_nanos,
        deleted_at: None,
        paid_at: None,
    };
    let v = serde_json::to_value(&row).unwrap();
    assert_eq!(v["created_at"], "2024-03-01 09:30:05");
    assert_eq!(v["updated_at"], "2024-03-01 09:30:05");
}

#[test]
fn malformed_input_is_a_clear_serde_error() {
    for bad in [
        r#""2024-03-01T09:30:05""#,
        r#""2024-03-01 09:30:05Z""#,
        r#""2024-3-1 9:30:05""#,
        r#""2024-02-30 00:00:00""#,
        r#""2024-03-01 24:00:00""#,
        r#""2024-03-01""#,
        r#""""#,
        r#"" 2024-03-01 09:30:05""#,
        r#""２０２４-03-01 09:30:05""#,
    ] {
        let json = format!(r#"{{"id":1,"created_at":{bad},"updated_at":"2024-01-01 00:00:00"}}"#);
        let err = serde_json::from_str::<Row>(&json).unwrap_err().to_string();
        assert!(
            err.contains("invalid timestamp") && err.contains("YYYY-MM-DD HH:MM:SS"),
            "{bad}: {err}"
        );
        let json = format!(
            r#"{{"id":1,"created_at":"2024-01-01 00:00:00","updated_at":"2024-01-01 00:00:00","paid_at":{bad}}}"#
        );
        let err = serde_json::from_str::<Row>(&json).unwrap_err().to_string();
        assert!(err.contains("invalid timestamp"), "option {bad}: {err}");
    }
    let err = serde_json::from_str::<Row>(
        r#"{"id":1,"created_at":1709285405,"updated_at":"2024-01-01 00:00:00"}"#,
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("YYYY-MM-DD HH:MM:SS"), "{err}");
}

/// `formatted` writes what chrono's `format(TIMESTAMP_FORMAT)` writes, for
/// every kind of value: leap seconds, the ends of the four-digit years and
/// years outside them (signed, as chrono writes them); what it writes in the
/// four-digit years reads back.
#[test]
fn formatted_writes_what_chrono_writes_and_reads_back() {
    let leap = at(2016, 12, 31, 23, 59, 59)
        .with_nanosecond(1_000_000_000)
        .unwrap();
    let mut values = vec![
        at(0, 1, 1, 0, 0, 0),
        at(9999, 12, 31, 23, 59, 59),
        at(-1, 6, 15, 12, 0, 0),
        at(10_000, 1, 1, 0, 0, 0),
        at(2024, 2, 29, 7, 5, 9)
            .with_nanosecond(999_999_999)
            .unwrap(),
        leap,
    ];
    // A spread of ordinary values: every month, hours, minutes and seconds.
    for i in 0..500_u32 {
        values.push(at(
            1970 + (i % 80) as i32,
            1 + i % 12,
            1 + i % 28,
            i % 24,
            (i * 7) % 60,
            (i * 13) % 60,
        ));
    }
    for value in values {
        let formatted = listquery::timestamp::formatted(&value);
        let chrono = value.format(listquery::TIMESTAMP_FORMAT).to_string();
        assert_eq!(formatted.to_string(), chrono);
        // Width and alignment as chrono's Display honours them.
        assert_eq!(format!("{formatted:>24}"), format!("{chrono:>24}"));
        assert_eq!(serde_json::to_value(formatted).unwrap(), chrono.as_str());
        assert_eq!(listquery::timestamp::formatted(&value.and_utc()), formatted);
        if (0..=9999).contains(&chrono::Datelike::year(&value)) {
            let read: Row = serde_json::from_value(serde_json::json!({
                "id": 1, "created_at": chrono, "updated_at": chrono,
            }))
            .unwrap();
            let whole_seconds = value
                .with_nanosecond(value.nanosecond() / 1_000_000_000 * 1_000_000_000)
                .unwrap();
            assert_eq!(read.updated_at, whole_seconds, "{chrono}");
            assert_eq!(read.created_at, whole_seconds.and_utc(), "{chrono}");
        }
    }
}

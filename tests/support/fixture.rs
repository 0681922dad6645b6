//! The fixture data set: customers, orders and invoices with the columns of
//! examples/schema.toml, generated deterministically (no files, no RNG crate).
//!
//! It has NULLs in every nullable column, ties in every sortable field,
//! unicode, values with `%`, `_`, `!`, quotes and commas, and many `0.10`
//! amounts whose float sum would be inexact.
//!
//! Non-ASCII letters in the data are lowercase or caseless (plus one exact-case
//! `Élodie`): listquery guarantees ASCII case-folding everywhere, non-ASCII
//! folding is each engine's own.

use chrono::{NaiveDate, NaiveDateTime};
use rust_decimal::Decimal;

/// A column type, mapped to each engine's SQL type in `db.rs`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColType {
    Int,
    Str,
    Dec,
    Bool,
    Date,
    DateTime,
}

/// One stored value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    Null,
    Int(i64),
    Str(String),
    Dec(Decimal),
    Bool(bool),
    Date(NaiveDate),
    DateTime(NaiveDateTime),
}

/// One table of the fixture.
#[derive(Debug, Clone)]
pub struct Table {
    pub name: &'static str,
    pub columns: Vec<(&'static str, ColType)>,
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    pub fn column_index(&self, column: &str) -> usize {
        self.columns
            .iter()
            .position(|(c, _)| *c == column)
            .unwrap_or_else(|| panic!("no column {column} in {}", self.name))
    }
}

/// A small deterministic generator (xorshift64*).
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn pick<T: Clone>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize].clone()
    }
    /// `Cell::Null` one time in `one_in`.
    fn nullable(&mut self, one_in: u64, cell: impl FnOnce(&mut Gen) -> Cell) -> Cell {
        if self.below(one_in) == 0 {
            Cell::Null
        } else {
            cell(self)
        }
    }
}

const NAMES: &[&str] = &[
    "Acme Corp",
    "acme corp",
    "ACME Labs",
    "Zoë Bakery",
    "Müller & Söhne",
    "José's Tacos",
    "東京商事",
    "Søren Kierkegaard",
    "Élodie Martin",
    "50% Off_Store",
    "Bang! Bang!",
    "O'Brien, Ltd",
    "\"Quoted\" Name",
    "under_score",
    "percent%sign",
    "emoji 🚀 shop",
    "Smith, John",
    "zeta",
    "Alpha",
    "alpha",
];

const COUNTRIES: &[&str] = &["DE", "FR", "US", "GB", "JP", "ES"];
const NOTES: &[&str] = &[
    "leave at door",
    "call before, please",
    "100% urgent!",
    "gift_wrap",
    "fragile!!",
    "ring twice",
    "naïve request",
    "it's \"special\"",
];

fn dec(cents: i64) -> Decimal {
    Decimal::new(cents, 2)
}

fn date(g: &mut Gen) -> NaiveDate {
    // 40 distinct days: plenty of ties.
    NaiveDate::from_ymd_opt(2024, 1, 1).unwrap() + chrono::Days::new(g.below(40) * 3)
}

fn datetime(g: &mut Gen) -> NaiveDateTime {
    // 60 distinct instants: ties again.
    date(g).and_hms_opt(g.below(3) as u32 * 8, 30, 0).unwrap()
}

/// The three tables, the same on every call.
pub fn tables() -> Vec<Table> {
    let mut g = Gen(0x5EED_1157_0000_0001);
    let mut customers = Table {
        name: "customers",
        columns: vec![
            ("id", ColType::Int),
            ("name", ColType::Str),
            ("email", ColType::Str),
            ("country", ColType::Str),
            ("status", ColType::Str),
            ("verified", ColType::Bool),
            ("credit_limit", ColType::Dec),
            ("agent_id", ColType::Int),
            ("created_at", ColType::DateTime),
            ("updated_at", ColType::DateTime),
        ],
        rows: vec![],
    };
    for id in 1..=160_i64 {
        let name = NAMES[(id as usize * 7) % NAMES.len()];
        let email = format!(
            "{}{}@example.{}",
            name.chars()
                .filter(char::is_ascii_alphanumeric)
                .collect::<String>()
                .to_ascii_lowercase(),
            id % 9,
            g.pick(&["com", "org", "de"])
        );
        customers.rows.push(vec![
            Cell::Int(id),
            Cell::Str(name.to_owned()),
            g.nullable(6, |_| Cell::Str(email)),
            g.nullable(5, |g| Cell::Str(g.pick(COUNTRIES).to_owned())),
            Cell::Str(
                g.pick(&["active", "active", "inactive", "blocked"])
                    .to_owned(),
            ),
            Cell::Bool(g.below(2) == 0),
            g.nullable(4, |g| {
                Cell::Dec(dec(g.pick(&[10, 10, 10, 100_000, 250_050, 99_999_999])))
            }),
            Cell::Int(1 + g.below(4) as i64),
            Cell::DateTime(datetime(&mut g)),
            Cell::DateTime(datetime(&mut g)),
        ]);
    }

    let mut orders = Table {
        name: "orders",
        columns: vec![
            ("id", ColType::Int),
            ("number", ColType::Str),
            ("customer_id", ColType::Int),
            ("status", ColType::Str),
            ("total", ColType::Dec),
            ("currency", ColType::Str),
            ("placed_on", ColType::Date),
            ("shipped_at", ColType::DateTime),
            ("note", ColType::Str),
            ("created_at", ColType::DateTime),
            ("updated_at", ColType::DateTime),
        ],
        rows: vec![],
    };
    for id in 1..=220_i64 {
        let number = match id % 5 {
            0 => format!("ORD-{:04}", id % 50),
            1 => format!("ord_{}%", id % 30),
            2 => format!("O!{}", id % 20),
            3 => format!("Ord,{}'x", id % 10),
            _ => format!("ORD-2024-{id}"),
        };
        orders.rows.push(vec![
            Cell::Int(id),
            Cell::Str(number),
            Cell::Int(1 + g.below(160) as i64),
            Cell::Str(
                g.pick(&["pending", "paid", "shipped", "cancelled", "refunded"])
                    .to_owned(),
            ),
            Cell::Dec(dec(g.pick(&[10, 10, 10, 1999, 1999, 250_000, 5]))),
            Cell::Str(g.pick(&["EUR", "USD", "GBP"]).to_owned()),
            g.nullable(5, |g| Cell::Date(date(g))),
            g.nullable(3, |g| Cell::DateTime(datetime(g))),
            g.nullable(3, |g| Cell::Str(g.pick(NOTES).to_owned())),
            Cell::DateTime(datetime(&mut g)),
            Cell::DateTime(datetime(&mut g)),
        ]);
    }

    let mut invoices = Table {
        name: "invoices",
        columns: vec![
            ("id", ColType::Int),
            ("number", ColType::Str),
            ("status", ColType::Str),
            ("amount", ColType::Dec),
            ("paid", ColType::Bool),
            ("due_on", ColType::Date),
            ("created_at", ColType::DateTime),
            ("updated_at", ColType::DateTime),
            ("customer_id", ColType::Int),
            ("order_id", ColType::Int),
        ],
        rows: vec![],
    };
    for id in 1..=300_i64 {
        let number = match id % 4 {
            0 => format!("INV-{:03}", id % 60),
            1 => format!("inv_{}!", id % 25),
            2 => format!("Inv %{}", id % 15),
            _ => format!("INV-2024-{id}"),
        };
        // Mostly 0.10: a float sum of these is not exact.
        let amount = if id % 3 == 0 {
            10
        } else {
            g.pick(&[10, 10, 20, 1_234_567, 99, 100])
        };
        invoices.rows.push(vec![
            Cell::Int(id),
            Cell::Str(number),
            Cell::Str(g.pick(&["draft", "sent", "paid", "void"]).to_owned()),
            Cell::Dec(dec(amount)),
            Cell::Bool(g.below(3) == 0),
            g.nullable(4, |g| Cell::Date(date(g))),
            Cell::DateTime(datetime(&mut g)),
            Cell::DateTime(datetime(&mut g)),
            Cell::Int(1 + g.below(160) as i64),
            g.nullable(3, |g| Cell::Int(1 + g.below(220) as i64)),
        ]);
    }
    vec![customers, orders, invoices]
}

/// The fixture table `name`.
pub fn table(name: &str) -> Table {
    tables()
        .into_iter()
        .find(|t| t.name == name)
        .unwrap_or_else(|| panic!("no fixture table {name}"))
}

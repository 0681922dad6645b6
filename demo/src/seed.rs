//! The demo data: a deterministic generator (a fixed seed gives the same rows
//! on every machine and engine), written by each engine's loader.

use chrono::{Duration, NaiveDate, NaiveDateTime};

use crate::records::Table;

/// Agents own customers round-robin: customer `i` belongs to agent `(i - 1) % AGENTS + 1`.
pub const AGENTS: i64 = 5;

/// One generated value.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Null,
    Int(i64),
    Text(String),
    Bool(bool),
    /// An amount in cents (a NUMERIC(12,2) column).
    Money(i64),
    Date(NaiveDate),
    DateTime(NaiveDateTime),
}

/// The columns of each table, in the order the generator writes them: the
/// columns each endpoint selects.
pub const TABLES: [(&str, &[&str]); 3] = [
    (Table::Customers.name(), Table::Customers.columns()),
    (Table::Orders.name(), Table::Orders.columns()),
    (Table::Invoices.name(), Table::Invoices.columns()),
];

/// SplitMix64: a fixed seed gives the same database on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// A number in `0..n` (`n > 0`).
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    /// An integer in `lo..=hi`.
    fn between(&mut self, lo: i64, hi: i64) -> i64 {
        let span = u64::try_from(hi - lo + 1).unwrap_or(1);
        lo + i64::try_from(self.below(span)).unwrap_or(0)
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        let i = usize::try_from(self.below(items.len() as u64)).unwrap_or(0);
        items.get(i).copied().unwrap_or_default()
    }
    /// True with probability `percent` / 100.
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

const FIRST: &[&str] = &[
    "Ada", "Alan", "Barbara", "Claude", "Dennis", "Edsger", "Frances", "Grace", "Hedy", "Ivan",
    "John", "Ken", "Linus", "Margaret", "Niklaus", "Radia", "Sophie", "Tim", "Ursula", "Zoë",
];
const LAST: &[&str] = &[
    "Lovelace",
    "Turing",
    "Liskov",
    "Shannon",
    "Ritchie",
    "Dijkstra",
    "Allen",
    "Hopper",
    "Lamarr",
    "Sutherland",
    "McCarthy",
    "Thompson",
    "Torvalds",
    "Hamilton",
    "Wirth",
    "Perlman",
    "Wilson",
    "Berners-Lee",
    "Franklin",
    "O'Neil",
];
const COUNTRIES: &[&str] = &["DE", "FR", "NL", "US", "GB", "ES", "IT", "PL"];
const NOTES: &[&str] = &[
    "gift wrap",
    "call before delivery",
    "50% off, promo_code SPRING",
    "leave at the door",
    "\"fragile\"",
];

fn epoch() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2023, 1, 1)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .unwrap_or_default()
}

/// The seed rows, table by table (customers, then orders, then invoices), each
/// in `Table::columns` order; the same on every engine and machine.
pub fn generate<E>(
    customers: u32,
    sink: &mut dyn FnMut(&'static str, Vec<Cell>) -> Result<(), E>,
) -> Result<(), E> {
    let mut rng = Rng(0x5EED_1157);
    let customers = i64::from(customers.max(1));
    let orders = customers * 2;
    let invoices = customers * 2;
    let start = epoch();

    for id in 1..=customers {
        let first = rng.pick(FIRST);
        let last = rng.pick(LAST);
        let created = start + Duration::minutes(id * 97 + rng.between(0, 60));
        let updated = created + Duration::hours(rng.between(0, 24 * 90));
        let status = match rng.below(10) {
            0 => "blocked",
            1 | 2 => "inactive",
            _ => "active",
        };
        let credit = (!rng.chance(15)).then(|| rng.between(0, 50_000) * 100);
        sink(
            "customers",
            vec![
                Cell::Int(id),
                Cell::Text(format!("{first} {last}")),
                Cell::Text(format!(
                    "{}.{}{id}@example.{}",
                    first.to_lowercase(),
                    last.to_lowercase(),
                    rng.pick(&["com", "org", "net"])
                )),
                Cell::Text(rng.pick(COUNTRIES).to_owned()),
                Cell::Text(status.to_owned()),
                Cell::Bool(rng.chance(60)),
                credit.map_or(Cell::Null, Cell::Money),
                Cell::Int((id - 1) % AGENTS + 1),
                Cell::DateTime(created),
                Cell::DateTime(updated),
            ],
        )?;
    }

    for id in 1..=orders {
        let created = start + Duration::minutes(id * 53 + rng.between(0, 50));
        let status = rng.pick(&["pending", "paid", "shipped", "cancelled", "refunded"]);
        let placed = (!rng.chance(5)).then(|| created.date());
        let shipped =
            (status == "shipped").then(|| created + Duration::hours(rng.between(2, 24 * 10)));
        let note = rng.chance(30).then(|| rng.pick(NOTES));
        sink(
            "orders",
            vec![
                Cell::Int(id),
                Cell::Text(format!("ORD-{id:06}")),
                Cell::Int(rng.between(1, customers)),
                Cell::Text(status.to_owned()),
                Cell::Money(rng.between(100, 500_000)),
                Cell::Text(rng.pick(&["EUR", "USD", "GBP"]).to_owned()),
                placed.map_or(Cell::Null, Cell::Date),
                shipped.map_or(Cell::Null, Cell::DateTime),
                note.map_or(Cell::Null, |n| Cell::Text(n.to_owned())),
                Cell::DateTime(created),
                Cell::DateTime(created + Duration::hours(rng.between(0, 24 * 30))),
            ],
        )?;
    }

    for id in 1..=invoices {
        let created = start + Duration::minutes(id * 61 + rng.between(0, 55));
        let status = rng.pick(&["draft", "sent", "paid", "void"]);
        let due = (!rng.chance(10)).then(|| created.date() + Duration::days(rng.between(7, 60)));
        let order = (!rng.chance(20)).then(|| rng.between(1, orders));
        sink(
            "invoices",
            vec![
                Cell::Int(id),
                Cell::Text(format!("INV-{id:06}")),
                Cell::Text(status.to_owned()),
                Cell::Money(rng.between(500, 250_000)),
                Cell::Bool(status == "paid"),
                due.map_or(Cell::Null, Cell::Date),
                Cell::DateTime(created),
                Cell::DateTime(created + Duration::hours(rng.between(0, 24 * 30))),
                Cell::Int(rng.between(1, customers)),
                order.map_or(Cell::Null, Cell::Int),
            ],
        )?;
    }
    Ok(())
}

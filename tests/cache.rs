//! The SQL shape cache: the same text and values as building with sea-query,
//! over many generated queries on every dialect; a repeated shape is a hit;
//! scoped bases share entries; bases it cannot cache are built every time;
//! and its memory stays within its bound under a flood of distinct shapes.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::sync::Arc;

use listquery::sql::{BaseStatement, CacheCapacity, Dialect, ListSql, SqlCache};
use listquery::{FieldType, FilterOp, ListQuery, RequestOptions, Resource, Role, Schema, SqlError};
use sea_query::{Alias, Asterisk, Expr, ExprTrait, Func, Query, SelectStatement};

fn schema() -> Schema {
    Schema::from_path("examples/schema.toml").unwrap()
}

/// A small deterministic generator (xorshift), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

fn value_text(rng: &mut Rng, ty: &FieldType, op: FilterOp) -> String {
    if op == FilterOp::Null {
        return rng.pick(&["true", "false"]).to_string();
    }
    if op.is_like() {
        return rng
            .pick(&["ab", "50%_off!", "Zürich", "x_y", "%"])
            .to_string();
    }
    match ty {
        FieldType::Integer => (rng.below(2000) as i64 - 1000).to_string(),
        FieldType::Decimal => format!("{}.{:02}", rng.below(1000), rng.below(100)),
        FieldType::Boolean => rng.pick(&["true", "false", "1", "0"]).to_string(),
        FieldType::Date => format!("2024-0{}-1{}", 1 + rng.below(9), rng.below(10)),
        FieldType::DateTime => format!("2024-05-0{} 10:{}0:00", 1 + rng.below(9), rng.below(6)),
        FieldType::Enum(values) => rng.pick(values).clone(),
        _ => rng.pick(&["paid", "Smith", "O'Brien", "a b"]).to_string(),
    }
}

/// A random valid request on `resource`, as a query string.
fn generated_query(rng: &mut Rng, resource: &Resource) -> String {
    let mut pairs = Vec::new();
    let filterable: Vec<_> = resource
        .fields()
        .iter()
        .filter(|f| !f.filter_ops().is_empty())
        .collect();
    for _ in 0..rng.below(4) {
        let field = *rng.pick(&filterable);
        let ops: Vec<FilterOp> = field.filter_ops().iter().collect();
        let op = *rng.pick(&ops);
        let count = match op.arity() {
            (min, Some(max)) if min == max => min,
            _ => 1 + rng.below(4),
        };
        let values: Vec<String> = (0..count)
            .map(|_| value_text(rng, field.ty(), op))
            .collect();
        // Some filters go in one of three OR groups (SPEC §14), so that the
        // cache meets group shapes too.
        let group = match rng.below(5) {
            g @ 0..=2 => format!("[or][{g}]"),
            _ => String::new(),
        };
        let key = format!("filter{group}[{}][{}]", field.name(), op.as_str());
        if pairs.iter().any(|(k, _): &(String, String)| *k == key) {
            continue;
        }
        let quoted: Vec<String> = values
            .iter()
            .map(|v| format!("\"{}\"", v.replace('\\', "\\\\").replace('"', "\\\"")))
            .collect();
        pairs.push((key, quoted.join(",")));
    }
    let sortable: Vec<_> = resource.fields().iter().filter(|f| f.sortable()).collect();
    if rng.below(2) == 0 {
        let field = rng.pick(&sortable);
        let sign = if rng.below(2) == 0 { "-" } else { "" };
        pairs.push(("sort".into(), format!("{sign}{}", field.name())));
    }
    if rng.below(3) > 0 {
        pairs.push(("page".into(), (1 + rng.below(5)).to_string()));
        pairs.push(("per_page".into(), (1 + rng.below(100)).to_string()));
        if !resource.aggregates().is_empty() && rng.below(2) == 0 {
            pairs.push(("metadata".into(), "1".into()));
        }
    }
    pairs
        .iter()
        .map(|(k, v)| {
            format!(
                "{}={}",
                listquery::encode_component(k),
                listquery::encode_component(v)
            )
        })
        .collect::<Vec<_>>()
        .join("&")
}

fn options(rng: &mut Rng) -> RequestOptions {
    RequestOptions::for_role(*rng.pick(&[Role::Admin, Role::Agent]))
}

/// One rendered statement: text and values.
type Built = (String, sea_query::Values);

/// What building with sea-query gives: `(select, count)` as text and values.
fn uncached(
    query: &ListQuery,
    base: &SelectStatement,
    dialect: Dialect,
) -> Result<(Built, Built), SqlError> {
    let sql = ListSql::new(query, dialect);
    let select = sql.build(&sql.select(base)?);
    let count = sql.count(base)?.build();
    Ok((select, count))
}

fn cached(
    cache: &SqlCache,
    query: &ListQuery,
    base: &BaseStatement,
) -> Result<(Built, Built), SqlError> {
    let s = cache.statements(query, base)?;
    Ok((s.select.into_parts(), s.count.into_parts()))
}

#[test]
fn cached_sql_is_the_sql_sea_query_builds_for_many_queries_on_every_dialect() {
    let schema = schema();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let cache = SqlCache::new(CacheCapacity::default());
    let mut checked = 0;
    for _ in 0..3000 {
        let resource = schema.resources().nth(rng.below(3)).unwrap();
        let raw = generated_query(&mut rng, resource);
        let query = ListQuery::parse(&raw, resource, options(&mut rng))
            .unwrap_or_else(|e| panic!("generated {raw:?} is rejected: {e}"));
        for dialect in Dialect::ALL {
            let base = BaseStatement::for_resource(resource, dialect);
            let expected = uncached(&query, base.statement(), dialect).unwrap();
            // Twice: the first may build, the second is from the cache.
            assert_eq!(cached(&cache, &query, &base).unwrap(), expected, "{raw}");
            assert_eq!(cached(&cache, &query, &base).unwrap(), expected, "{raw}");
            checked += 1;
        }
    }
    let stats = cache.stats();
    assert_eq!(checked, 9000);
    assert!(stats.hits >= 9000, "{stats:?}");
    // Shapes repeat with other values: fewer misses than queries.
    assert!(stats.misses < 9000, "{stats:?}");
}

#[test]
fn a_scoped_base_shares_one_entry_across_its_values() {
    let schema = schema();
    let customers = schema.resource("customers").unwrap();
    let cache = SqlCache::new(CacheCapacity::default());
    let query = ListQuery::parse(
        "filter[name][contains]=50%25_off&sort=-created_at&page=2",
        customers,
        RequestOptions::for_role(Role::Agent),
    )
    .unwrap();
    for dialect in Dialect::ALL {
        for agent in [7, 8, 9] {
            // "An agent sees only their own customers."
            let scoped = Query::select()
                .column(Asterisk)
                .from(Alias::new("customers"))
                .and_where(Expr::col(Alias::new("agent_id")).eq(agent))
                .to_owned();
            let base = BaseStatement::new(scoped.clone(), dialect);
            let got = cached(&cache, &query, &base).unwrap();
            assert_eq!(got, uncached(&query, &scoped, dialect).unwrap());
            assert_eq!(got.0.1.0[0], sea_query::Value::Int(Some(agent)));
        }
    }
    let stats = cache.stats();
    assert_eq!((stats.entries, stats.misses, stats.hits), (3, 3, 6));
}

#[test]
fn a_base_with_values_after_the_filters_is_built_every_time_and_stays_right() {
    let schema = schema();
    let invoices = schema.resource("invoices").unwrap();
    let cache = SqlCache::new(CacheCapacity::default());
    for (status, threshold) in [("paid", 10), ("sent", 20), ("paid", 10)] {
        // A HAVING value binds after the WHERE values the request adds.
        let base = Query::select()
            .column(Alias::new("customer_id"))
            .expr(Func::count(Expr::col(Asterisk)))
            .from(Alias::new("invoices"))
            .group_by_col(Alias::new("customer_id"))
            .and_having(Func::count(Expr::col(Asterisk)).gt(threshold))
            .to_owned();
        let raw = format!("filter[status]={status}&filter[customer]={threshold}");
        let query =
            ListQuery::parse(&raw, invoices, RequestOptions::for_role(Role::Admin)).unwrap();
        for dialect in Dialect::ALL {
            let cached = cached(&cache, &query, &BaseStatement::new(base.clone(), dialect));
            assert_eq!(cached.unwrap(), uncached(&query, &base, dialect).unwrap());
        }
    }
    assert_eq!(cache.stats().hits, 0, "{:?}", cache.stats());
}

#[test]
fn errors_are_the_errors_of_an_uncached_build() {
    let schema = schema();
    let invoices = schema.resource("invoices").unwrap();
    let cache = SqlCache::new(CacheCapacity::default());
    // 100 values on a resource whose max_bound_values is 1000: fine; then a
    // base that binds 950 values of its own pushes it over.
    let ids = (1..=100)
        .map(|i| i.to_string())
        .collect::<Vec<_>>()
        .join(",");
    let query = ListQuery::parse(
        &format!("filter[id]={ids}"),
        invoices,
        RequestOptions::for_role(Role::Admin),
    )
    .unwrap();
    let heavy = Query::select()
        .column(Asterisk)
        .from(Alias::new("invoices"))
        .and_where(Expr::col(Alias::new("order_id")).is_in(0..950))
        .to_owned();
    for dialect in Dialect::ALL {
        let base = BaseStatement::new(heavy.clone(), dialect);
        for _ in 0..2 {
            let got = cache.statements(&query, &base).unwrap_err();
            assert_eq!(got, uncached(&query, &heavy, dialect).unwrap_err());
            assert!(matches!(got, SqlError::BoundValues { max: 1000, .. }));
        }
    }
}

/// Distinct shapes: `filter[id]` with `a` values and `filter[customer]` with
/// `b` values, 1..=100 each, times three dialects.
fn distinct_shape(invoices: &Arc<Resource>, a: usize, b: usize) -> ListQuery {
    let list = |n: usize| (1..=n).map(|i| i.to_string()).collect::<Vec<_>>().join(",");
    let raw = format!("filter[id]={}&filter[customer]={}&page=2", list(a), list(b));
    ListQuery::parse(&raw, invoices, RequestOptions::for_role(Role::Admin)).unwrap()
}

#[test]
fn a_flood_of_distinct_shapes_stays_within_the_bound() {
    let schema = schema();
    let invoices = schema.resource("invoices").unwrap();
    let bases: Vec<_> = Dialect::ALL
        .iter()
        .map(|&d| BaseStatement::for_resource(invoices, d))
        .collect();
    for capacity in [
        CacheCapacity::new().entries(100).bytes(usize::MAX),
        CacheCapacity::new().entries(usize::MAX).bytes(64 * 1024),
        CacheCapacity::new().entries(500).bytes(256 * 1024),
    ] {
        let cache = SqlCache::new(capacity);
        let mut peak = (0, 0);
        let mut inserted = 0;
        for a in 1..=60 {
            for b in 1..=60 {
                let query = distinct_shape(invoices, a, b);
                for base in &bases {
                    cache.statements(&query, base).unwrap();
                    inserted += 1;
                    let stats = cache.stats();
                    assert!(stats.entries <= capacity.max_entries, "{stats:?}");
                    assert!(stats.bytes <= capacity.max_bytes, "{stats:?}");
                    peak = (
                        Ord::max(peak.0, stats.entries),
                        Ord::max(peak.1, stats.bytes),
                    );
                }
            }
        }
        let stats = cache.stats();
        assert_eq!(stats.misses, inserted, "every shape is new");
        assert!(stats.evictions > 0, "{capacity:?}: {stats:?}");
        assert!(
            peak.0 == capacity.max_entries || peak.1 + 8 * 1024 > capacity.max_bytes,
            "the cache fills up to its bound: {capacity:?} peak {peak:?}"
        );
    }
}

#[test]
fn an_evicted_shape_is_built_again_the_same() {
    let schema = schema();
    let invoices = schema.resource("invoices").unwrap();
    let cache = SqlCache::new(CacheCapacity::new().entries(2));
    let base = BaseStatement::for_resource(invoices, Dialect::Mysql);
    let first = distinct_shape(invoices, 1, 1);
    let before = cached(&cache, &first, &base).unwrap();
    for b in 2..=5 {
        cache
            .statements(&distinct_shape(invoices, 1, b), &base)
            .unwrap();
    }
    assert_eq!(cached(&cache, &first, &base).unwrap(), before);
    let stats = cache.stats();
    assert_eq!((stats.entries, stats.misses, stats.hits), (2, 6, 0));
}

#[test]
fn threads_share_one_cache() {
    let schema = schema();
    let invoices = Arc::clone(schema.resource("invoices").unwrap());
    let cache = Arc::new(SqlCache::new(CacheCapacity::new().entries(128)));
    let threads: Vec<_> = (0..4)
        .map(|t| {
            let (cache, invoices) = (Arc::clone(&cache), Arc::clone(&invoices));
            std::thread::spawn(move || {
                for i in 0..200 {
                    let dialect = Dialect::ALL[(i + t) % 3];
                    let query = distinct_shape(&invoices, 1 + i % 7, 1 + t);
                    let base = BaseStatement::for_resource(&invoices, dialect);
                    assert_eq!(
                        cached(&cache, &query, &base).unwrap(),
                        uncached(&query, base.statement(), dialect).unwrap()
                    );
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap();
    }
    let stats = cache.stats();
    assert!(stats.entries <= 128 && stats.hits >= 800 - 84, "{stats:?}");
}

#[test]
fn metadata_count_rows_decode_through_the_cached_statements() {
    let schema = schema();
    let invoices = schema.resource("invoices").unwrap();
    let cache = SqlCache::new(CacheCapacity::default());
    let query = ListQuery::parse(
        "filter[paid]=1&metadata=1&page=1",
        invoices,
        RequestOptions::for_role(Role::Admin),
    )
    .unwrap();
    let base = BaseStatement::for_resource(invoices, Dialect::Sqlite);
    for _ in 0..2 {
        let statements = cache.statements(&query, &base).unwrap();
        assert_eq!(
            statements.count_columns().collect::<Vec<_>>(),
            ["total_amount"]
        );
        let result = statements.decode_count(3, &[Some("1230")]).unwrap();
        assert_eq!(result.total, 3);
        assert_eq!(
            serde_json::to_string(&result.aggregates).unwrap(),
            r#"[["total_amount","12.30"]]"#
        );
    }
}

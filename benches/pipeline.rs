//! The request pipeline against hand-rolled baselines, one criterion group per
//! input so that each input's peers are measured side by side in one run.
//!
//! Inputs (on the seed schema's `invoices`, examples/schema.toml):
//! - Q1 `page=2&per_page=15`
//! - Q2 the query with the seed schema's names: `filter[customer]`
//!   (column `customer_id`) and `sort=-created_at,number` (invoices has no `name`)
//! - Q3 10 filters × 5 values (the `max_filters` of invoices), percent-encoded
//!   UTF-8, about 600 bytes
//!
//! Baselines: `form_urlencoded` tokenise+decode; serde_qs into a struct plus a
//! comma split by hand; the same statements written directly with sea-query.
//!
//! Run: `cargo bench --bench pipeline`; docs/performance.md has the table.
#![allow(
    missing_docs,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::hint::black_box;
use std::sync::Arc;
use std::time::Duration;

use chrono::{NaiveDate, NaiveDateTime};
use criterion::{Criterion, criterion_group};
use listquery::page::{ListResponse, PageOptions, PageTotals};
use listquery::sql::{BaseStatement, CacheCapacity, Dialect, ListSql, SqlCache};
use listquery::{ListQuery, RequestOptions, Resource, Role, Schema};
use rust_decimal::Decimal;
use sea_query::{
    Alias, Asterisk, Condition, Expr, ExprTrait, Func, LikeExpr, NullOrdering, Order,
    PostgresQueryBuilder, Query, SelectStatement,
};
use serde::{Deserialize, Serialize};

const Q1: &str = "page=2&per_page=15";
const Q2: &str =
    "sort=-created_at,number&filter[status]=paid,sent&filter[customer]=42&page=3&per_page=25";
const Q3: &str = concat!(
    "filter%5Bnumber%5D%5Beq%5D=M%C3%BCller-1%2CF%C3%B6rde-2%2C%C3%86r%C3%B8-3%2C%E6%9D%B1%E4%BA%AC-4%2CZ%C3%BCrich-5",
    "&filter%5Bnumber%5D%5Bcontains%5D=%C3%9F%2C%C3%A9%2C%C3%B8%2C%C3%BC%2C%C3%A5",
    "&filter%5Bnumber%5D%5Bstarts_with%5D=%C3%84%2C%C3%96%2C%C3%9C%2C%C3%85%2C%C3%91",
    "&filter%5Bid%5D%5Beq%5D=1%2C2%2C3%2C4%2C5",
    "&filter%5Bid%5D%5Bne%5D=6%2C7%2C8%2C9%2C10",
    "&filter%5Bstatus%5D%5Beq%5D=paid%2Csent%2Cdraft%2Cvoid%2Cpaid",
    "&filter%5Bstatus%5D%5Bne%5D=void%2Cdraft%2Csent%2Cpaid%2Cvoid",
    "&filter%5Bamount%5D=12.50%2C13.75%2C99.99%2C100.00%2C0.01",
    "&filter%5Bcustomer%5D=42%2C43%2C44%2C45%2C46",
    "&filter%5Border%5D=7%2C8%2C9%2C10%2C11",
    "&page=2&per_page=15",
);

fn invoices() -> Arc<Resource> {
    let schema = Schema::from_toml_str(include_str!("../examples/schema.toml")).unwrap();
    Arc::clone(schema.resource("invoices").unwrap())
}

// ------------------------------------------------------------ the baselines

/// What a hand-rolled endpoint deserializes with serde_qs.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct HandParams {
    sort: Option<String>,
    filter: BTreeMap<String, HandFilter>,
    page: Option<u64>,
    per_page: Option<u64>,
    metadata: Option<String>,
}

/// `filter[f]=v` or `filter[f][op]=v`.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum HandFilter {
    Bare(String),
    Ops(BTreeMap<String, String>),
}

/// The request after the comma split by hand: `(field, op, values)`.
struct HandQuery {
    filters: Vec<(String, String, Vec<String>)>,
    sort: Vec<(String, bool)>,
    page: u64,
    per_page: u64,
}

/// serde_qs into [`HandParams`], then the comma split (no quoting, no typing).
fn hand_parse(raw: &str) -> HandQuery {
    let config = serde_qs::Config::new().use_form_encoding(true);
    let params: HandParams = config.deserialize_str(raw).unwrap();
    let split = |v: &str| v.split(',').map(str::to_owned).collect::<Vec<_>>();
    let mut filters = Vec::new();
    for (field, filter) in &params.filter {
        match filter {
            HandFilter::Bare(v) => filters.push((field.clone(), "eq".to_owned(), split(v))),
            HandFilter::Ops(ops) => {
                for (op, v) in ops {
                    filters.push((field.clone(), op.clone(), split(v)));
                }
            }
        }
    }
    let sort = params
        .sort
        .as_deref()
        .unwrap_or("-created_at")
        .split(',')
        .map(|k| match k.strip_prefix('-') {
            Some(f) => (f.to_owned(), true),
            None => (k.to_owned(), false),
        })
        .collect();
    black_box(&params.metadata);
    HandQuery {
        filters,
        sort,
        page: params.page.unwrap_or(1),
        per_page: params.per_page.unwrap_or(15),
    }
}

/// The conditions of [`HandQuery`] written directly with sea-query, values
/// typed as the app's columns need them.
fn hand_conditions(q: &HandQuery) -> Condition {
    let mut all = Condition::all();
    for (field, op, values) in &q.filters {
        let column = if field == "customer" || field == "order" {
            format!("{field}_id")
        } else {
            field.clone()
        };
        let col = || Expr::col(Alias::new(column.as_str()));
        let typed: Vec<sea_query::Value> = values
            .iter()
            .map(|v| match field.as_str() {
                "id" | "customer" | "order" => v.parse::<i64>().unwrap().into(),
                "amount" => v.parse::<Decimal>().unwrap().into(),
                _ => v.as_str().into(),
            })
            .collect();
        let like = |pattern: String| {
            Func::lower(col()).like(LikeExpr::new(pattern.to_lowercase()).escape('!'))
        };
        let cond = match (op.as_str(), typed.as_slice()) {
            ("eq", [one]) => Condition::all().add(col().eq(one.clone())),
            ("eq", _) => Condition::all().add(col().is_in(typed)),
            ("ne", [one]) => Condition::all().add(col().ne(one.clone())),
            ("ne", _) => Condition::all().add(col().is_not_in(typed)),
            ("contains", _) => values
                .iter()
                .fold(Condition::any(), |c, v| c.add(like(format!("%{v}%")))),
            ("starts_with", _) => values
                .iter()
                .fold(Condition::any(), |c, v| c.add(like(format!("{v}%")))),
            (other, _) => panic!("baseline has no {other}"),
        };
        all = all.add(cond);
    }
    all
}

fn hand_select(q: &HandQuery, conditions: Condition) -> SelectStatement {
    let mut select = Query::select();
    select
        .column(Asterisk)
        .from(Alias::new("invoices"))
        .cond_where(conditions);
    for (field, desc) in &q.sort {
        let order = if *desc { Order::Desc } else { Order::Asc };
        select.order_by_with_nulls(Alias::new(field.as_str()), order, NullOrdering::Last);
    }
    select
        .order_by_with_nulls(Alias::new("id"), Order::Asc, NullOrdering::Last)
        .limit(q.per_page)
        .offset((q.page - 1) * q.per_page);
    select
}

fn hand_count(conditions: Condition) -> SelectStatement {
    Query::select()
        .expr_as(Func::count(Expr::col(Asterisk)), Alias::new("total"))
        .from(Alias::new("invoices"))
        .cond_where(conditions)
        .to_owned()
}

/// The whole hand-rolled request: serde_qs + split, SELECT and COUNT built.
fn hand_pipeline(raw: &str) -> (String, String) {
    let q = hand_parse(raw);
    let conditions = hand_conditions(&q);
    let (select, _) = hand_select(&q, conditions.clone()).build(PostgresQueryBuilder);
    let (count, _) = hand_count(conditions).build(PostgresQueryBuilder);
    (select, count)
}

fn form_urlencoded_tokenise(raw: &str) -> Vec<(Cow<'_, str>, Cow<'_, str>)> {
    form_urlencoded::parse(raw.as_bytes()).collect()
}

// --------------------------------------------------------------- listquery

/// A row of the envelope's `data`.
#[derive(Serialize)]
struct InvoiceRow {
    id: i64,
    number: &'static str,
    status: &'static str,
    amount: Decimal,
    #[serde(with = "listquery::timestamp")]
    created_at: NaiveDateTime,
    #[serde(with = "listquery::timestamp")]
    updated_at: NaiveDateTime,
}

/// One workload of the benchmark; [`Input::run`] runs one iteration of it.
#[derive(Clone, Copy)]
enum Bench {
    FormTokenise,
    ParseValidate,
    HandPipeline,
    PipelineCached,
    PipelineUncached,
    PipelineCachedBase,
    SerdeQs,
    SeaSelect,
    SeaCount,
    SqlUncached,
    SqlCached,
    Envelope,
}

/// The workloads in the order they run, each listquery one right after the
/// baseline it is held against (parse+validate after form_urlencoded, the
/// pipelines after the hand-rolled one, the closest comparison first):
/// criterion times them one after the other, and the machine's speed drifts
/// less between neighbours.
const BENCHES: [(Bench, &str); 12] = [
    (Bench::FormTokenise, "baseline: form_urlencoded tokenise"),
    (Bench::ParseValidate, "listquery: parse+validate"),
    (Bench::HandPipeline, "baseline: hand-rolled pipeline"),
    (Bench::PipelineUncached, "listquery: pipeline uncached"),
    (Bench::PipelineCached, "listquery: pipeline cached"),
    (
        Bench::PipelineCachedBase,
        "listquery: pipeline cached, base per request",
    ),
    (Bench::SerdeQs, "baseline: serde_qs + split"),
    (Bench::SeaSelect, "baseline: sea-query SELECT"),
    (Bench::SeaCount, "baseline: sea-query COUNT"),
    (Bench::SqlUncached, "listquery: SELECT+COUNT uncached"),
    (Bench::SqlCached, "listquery: SELECT+COUNT cached"),
    (Bench::Envelope, "listquery: envelope to JSON"),
];

/// One input and everything its benchmarks share, prepared outside the timing.
struct Input<'r> {
    raw: &'static str,
    res: &'r Arc<Resource>,
    options: RequestOptions,
    query: ListQuery,
    hand: HandQuery,
    cache: SqlCache,
    base: BaseStatement,
    page_options: PageOptions,
}

/// SQL: PostgreSQL, as the baselines.
const DIALECT: Dialect = Dialect::Postgres;

impl<'r> Input<'r> {
    fn new(raw: &'static str, res: &'r Arc<Resource>) -> Self {
        let options = RequestOptions::for_role(Role::Admin);
        // The baselines and listquery agree on what the request is.
        let query = ListQuery::parse(raw, res, options).unwrap();
        let hand = hand_parse(raw);
        assert_eq!(hand.filters.len(), query.filters().len());
        assert_eq!(
            hand.filters.iter().map(|f| f.2.len()).sum::<usize>(),
            query
                .filters()
                .iter()
                .map(|f| f.values.len())
                .sum::<usize>()
        );
        let cache = SqlCache::new(CacheCapacity::default());
        let base = BaseStatement::for_resource(res, DIALECT);
        // Warm: the shape is cached.
        cache.statements(&query, &base).unwrap();
        let page_options = PageOptions::new("https://api.example.com/v1/invoices").unwrap();
        Self {
            raw,
            res,
            options,
            query,
            hand,
            cache,
            base,
            page_options,
        }
    }

    fn uncached(query: &ListQuery) -> impl Sized {
        // The caller's own base, built per request as the hand-rolled pipeline does.
        let base = Query::select()
            .column(Asterisk)
            .from(Alias::new(query.resource().table()))
            .to_owned();
        let sql = ListSql::new(query, DIALECT);
        let select = sql.build(&sql.select(&base).unwrap());
        let count = sql.count(&base).unwrap().build();
        (select, count)
    }

    fn parse(&self) -> ListQuery {
        ListQuery::parse(black_box(self.raw), self.res, self.options).unwrap()
    }

    /// One iteration of `bench`.
    fn run(&self, bench: Bench) {
        let raw = black_box(self.raw);
        match bench {
            Bench::FormTokenise => drop(black_box(form_urlencoded_tokenise(raw))),
            Bench::SerdeQs => drop(black_box(hand_parse(raw))),
            Bench::SeaSelect => {
                let conditions = hand_conditions(black_box(&self.hand));
                black_box(hand_select(&self.hand, conditions).build(PostgresQueryBuilder));
            }
            Bench::SeaCount => {
                let count = hand_count(hand_conditions(black_box(&self.hand)));
                black_box(count.build(PostgresQueryBuilder));
            }
            Bench::HandPipeline => drop(black_box(hand_pipeline(raw))),
            Bench::ParseValidate => drop(black_box(self.parse())),
            Bench::SqlUncached => drop(black_box(Self::uncached(black_box(&self.query)))),
            Bench::SqlCached => {
                let statements = self.cache.statements(black_box(&self.query), &self.base);
                drop(black_box(statements.unwrap()));
            }
            Bench::PipelineUncached => drop(black_box(Self::uncached(&self.parse()))),
            Bench::PipelineCached => {
                let statements = self.cache.statements(&self.parse(), &self.base);
                drop(black_box(statements.unwrap()));
            }
            Bench::PipelineCachedBase => {
                let base = BaseStatement::for_resource(self.res, DIALECT);
                drop(black_box(
                    self.cache.statements(&self.parse(), &base).unwrap(),
                ));
            }
            Bench::Envelope => drop(black_box(self.envelope())),
        }
    }

    /// The page's rows in the envelope, serialized.
    fn envelope(&self) -> String {
        let per_page = self.query.pagination().unwrap().per_page;
        let at = NaiveDate::from_ymd_opt(2024, 3, 1)
            .and_then(|d| d.and_hms_opt(9, 30, 5))
            .unwrap();
        let rows: Vec<InvoiceRow> = (0..per_page)
            .map(|i| InvoiceRow {
                id: i64::try_from(i).unwrap(),
                number: "RE-2024-0001",
                status: "paid",
                amount: Decimal::new(12_350, 2),
                created_at: at,
                updated_at: at,
            })
            .collect();
        let totals = PageTotals::new(1_000);
        let response = ListResponse::new(
            black_box(&self.query),
            rows,
            Some(totals),
            &self.page_options,
        )
        .unwrap();
        serde_json::to_string(&response).unwrap()
    }
}

const INPUTS: [(&str, &str); 3] = [("Q1", Q1), ("Q2", Q2), ("Q3", Q3)];

fn pipeline(c: &mut Criterion) {
    let res = invoices();
    for (name, raw) in INPUTS {
        let input = Input::new(raw, &res);
        let mut group = c.benchmark_group(name);
        // Short windows (criterion's defaults are 3 s and 5 s): a workload and
        // the baseline before it run seconds apart, so the VM drifts less
        // between them; 100 samples of millions of iterations each remain.
        group
            .warm_up_time(Duration::from_secs(1))
            .measurement_time(Duration::from_secs(3));
        for (bench, name) in BENCHES {
            group.bench_function(name, |b| b.iter(|| input.run(bench)));
        }
        group.finish();
    }
}

/// `LISTQUERY_BENCH_ITERATIONS="Q2/listquery: parse+validate=1000"` runs one
/// benchmark that many times and exits, without criterion: under
/// `valgrind --tool=callgrind`, the difference of two counts gives exact,
/// reproducible instructions per iteration.
fn run_fixed(spec: &str) {
    let (name, count) = spec.rsplit_once('=').expect("NAME=ITERATIONS");
    let (group, bench) = name.split_once('/').expect("Qn/benchmark");
    let raw = INPUTS
        .iter()
        .find(|(q, _)| *q == group)
        .expect("Q1, Q2 or Q3")
        .1;
    let (bench, _) = BENCHES
        .into_iter()
        .find(|(_, b)| *b == bench)
        .expect("a benchmark name");
    let res = invoices();
    let input = Input::new(raw, &res);
    for _ in 0..count.parse::<u64>().expect("a number of iterations") {
        input.run(bench);
    }
}

criterion_group!(benches, pipeline);

fn main() {
    match std::env::var("LISTQUERY_BENCH_ITERATIONS") {
        Ok(spec) => run_fixed(&spec),
        Err(_) => {
            benches();
            Criterion::default().configure_from_args().final_summary();
        }
    }
}

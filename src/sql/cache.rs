//! A bounded cache of compiled SQL text per query *shape*, so that a repeated
//! shape costs only binding its values.
//!
//! The shape is everything that decides the text: the resource, the dialect,
//! your base statement (by its rendered text), each filter's field, operator
//! and value count (and `null=true`/`false`, which is text, not a value), the
//! sort, the pagination mode (or none), and metadata. The values — filter values,
//! LIMIT and OFFSET, your base's own values — are never part of the text: they
//! stay bound parameters, taken from each request.
//!
//! The first request of a shape is built by sea-query exactly as
//! [`ListSql::select`] and [`ListSql::count`] build it; later ones reuse that
//! text. A base whose own values do not all come before the request's (values
//! in its select list, `GROUP BY`, `HAVING` or `ORDER BY`) is detected on the
//! first build and never cached: such requests are built by sea-query every
//! time, with the same result.

use std::hash::{BuildHasherDefault, Hash, Hasher};

// The rustc hash (Fx): keys are ours, not an attacker's choice of strings
// (only shapes, bounded by the schema), so a fast non-keyed hash is fine.
use rustc_hash::FxHasher;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use lru::LruCache;
use sea_query::{Query, SelectStatement, Values};

use super::{CountQuery, CountResult, Dialect, ListSql, SqlError, bind_value, like_pattern};
use crate::schema::{FilterOp, PaginationMode, Resource};
use crate::validate::{ListQuery, Value};

/// How much a [`SqlCache`] may hold: a number of entries and a number of bytes
/// (the SQL texts, the key and a fixed per-entry overhead). Whichever is hit
/// first evicts the least recently used entries.
///
/// ```
/// use listquery::sql::CacheCapacity;
/// let capacity = CacheCapacity::new().entries(256).bytes(256 * 1024);
/// assert_eq!((capacity.max_entries, capacity.max_bytes), (256, 262_144));
/// assert_eq!(CacheCapacity::default().max_entries, 1024);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CacheCapacity {
    /// Most entries held (default 1024).
    pub max_entries: usize,
    /// Most bytes held, by the cache's own accounting (default 4 MiB).
    pub max_bytes: usize,
}

impl CacheCapacity {
    /// 1024 entries, 4 MiB.
    pub const fn new() -> Self {
        Self {
            max_entries: 1024,
            max_bytes: 4 << 20,
        }
    }
    /// Sets [`CacheCapacity::max_entries`].
    pub const fn entries(mut self, max_entries: usize) -> Self {
        self.max_entries = max_entries;
        self
    }
    /// Sets [`CacheCapacity::max_bytes`].
    pub const fn bytes(mut self, max_bytes: usize) -> Self {
        self.max_bytes = max_bytes;
        self
    }
}

impl Default for CacheCapacity {
    fn default() -> Self {
        Self::new()
    }
}

/// Your base statement for one dialect, rendered once: its text is part of the
/// cache key, its values are bound before the request's.
///
/// Build it once per request (when it carries per-request values such as the
/// caller's tenant) or once at start-up (when it does not).
#[derive(Debug, Clone)]
pub struct BaseStatement {
    statement: SelectStatement,
    dialect: Dialect,
    text: Arc<str>,
    text_hash: u64,
    values: Values,
}

impl BaseStatement {
    /// Renders `statement` for `dialect`.
    pub fn new(statement: SelectStatement, dialect: Dialect) -> Self {
        let (text, values) = dialect.build(&statement);
        let mut hasher = FxHasher::default();
        text.hash(&mut hasher);
        Self {
            statement,
            dialect,
            text: text.into(),
            text_hash: hasher.finish(),
            values,
        }
    }

    /// The default base: `FROM <table>` of `resource` with no select list,
    /// so that [`ListSql`] writes it from the request (SPEC §16: the
    /// selectable fields, or the client's `fields`, with the primary key).
    /// Pass [`BaseStatement::statement`] to [`ListSql`]'s builders.
    pub fn for_resource(resource: &Resource, dialect: Dialect) -> Self {
        let statement = Query::select()
            .from(super::table_ref(resource.table()))
            .to_owned();
        Self::new(statement, dialect)
    }

    /// The statement.
    pub fn statement(&self) -> &SelectStatement {
        &self.statement
    }

    /// The dialect it was rendered for.
    pub fn dialect(&self) -> Dialect {
        self.dialect
    }
}

/// One statement ready to send: SQL text with placeholders, and its values.
#[derive(Debug, Clone, PartialEq)]
pub struct BoundStatement {
    text: Arc<str>,
    values: Values,
}

impl BoundStatement {
    /// The SQL text (shared with the cache).
    pub fn text(&self) -> &str {
        &self.text
    }
    /// The values to bind, in placeholder order.
    pub fn values(&self) -> &Values {
        &self.values
    }
    /// Text and values, as [`Dialect::build`] returns them.
    pub fn into_parts(self) -> (String, Values) {
        (self.text.as_ref().to_owned(), self.values)
    }
}

/// The list and count statements of one request, from a [`SqlCache`].
#[derive(Debug, Clone)]
pub struct ListStatements {
    /// The list statement: [`ListSql::select`] of the base, rendered.
    pub select: BoundStatement,
    /// The count (and aggregates) statement: [`ListSql::count`] of the base, rendered.
    pub count: BoundStatement,
    /// Decodes the count statement's row. Its statement may carry another
    /// request's values, so it is only reachable through [`ListStatements::decode_count`].
    decoder: Arc<CountQuery>,
}

impl ListStatements {
    /// The count statement's text columns after `total` (see [`CountQuery::columns`]).
    pub fn count_columns(&self) -> impl Iterator<Item = &str> {
        self.decoder.columns().iter().map(|c| c.alias())
    }

    /// Decodes the count statement's row, as [`CountQuery::decode`].
    pub fn decode_count<S: AsRef<str>>(
        &self,
        total: i64,
        columns: &[Option<S>],
    ) -> Result<CountResult, SqlError> {
        self.decoder.decode(total, columns)
    }
}

/// What a [`SqlCache`] holds and how it has done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CacheStats {
    /// Entries held now.
    pub entries: usize,
    /// Bytes held now, by the cache's own accounting.
    pub bytes: usize,
    /// Requests answered from the cache.
    pub hits: u64,
    /// Requests built by sea-query.
    pub misses: u64,
    /// Entries evicted to stay within the capacity.
    pub evictions: u64,
}

/// A thread-safe, bounded (LRU) cache of compiled SQL per query shape.
///
/// ```
/// use listquery::sql::{BaseStatement, CacheCapacity, Dialect, ListSql, SqlCache};
/// use listquery::{ListQuery, RequestOptions, Role, Schema};
///
/// let schema = Schema::from_path("examples/schema.toml").unwrap();
/// let invoices = schema.resource("invoices").unwrap();
/// let cache = SqlCache::new(CacheCapacity::new().entries(512));
/// let base = BaseStatement::for_resource(invoices, Dialect::Postgres);
///
/// for customer in [42, 43] {
///     let raw = format!("filter[status]=paid,sent&filter[customer]={customer}&page=2");
///     let query = ListQuery::parse(&raw, invoices, RequestOptions::for_role(Role::Admin)).unwrap();
///     let statements = cache.statements(&query, &base).unwrap();
///
///     // The same text and values as building it with sea-query.
///     let sql = ListSql::new(&query, Dialect::Postgres);
///     let built = sql.build(&sql.select(base.statement()).unwrap());
///     assert_eq!(statements.select.clone().into_parts(), built);
///     assert_eq!(statements.count.text(), sql.count(base.statement()).unwrap().build().0);
/// }
/// let stats = cache.stats();
/// assert_eq!((stats.misses, stats.hits, stats.entries), (1, 1, 1));
/// ```
#[derive(Debug)]
pub struct SqlCache {
    capacity: CacheCapacity,
    inner: Mutex<Inner>,
    hits: AtomicU64,
    misses: AtomicU64,
}

#[derive(Debug)]
struct Inner {
    entries: LruCache<ShapeKey, Arc<Entry>, BuildHasherDefault<FxHasher>>,
    bytes: usize,
    evictions: u64,
}

#[derive(Debug)]
enum Entry {
    /// The shape's texts, built once by sea-query.
    Compiled {
        select: Arc<str>,
        count: Arc<str>,
        decoder: Arc<CountQuery>,
        bytes: usize,
    },
    /// The base's values do not all precede the request's: build every time.
    Uncacheable { bytes: usize },
}

impl Entry {
    fn bytes(&self) -> usize {
        match self {
            Self::Compiled { bytes, .. } | Self::Uncacheable { bytes } => *bytes,
        }
    }
}

/// Bytes counted per entry beyond its texts and key: the LRU's node and map
/// slot, the entry, the decoder (a statement tree, estimated from its text).
const ENTRY_OVERHEAD: usize = 256;

impl SqlCache {
    /// An empty cache of the given capacity.
    pub fn new(capacity: CacheCapacity) -> Self {
        Self {
            capacity,
            inner: Mutex::new(Inner {
                entries: LruCache::unbounded_with_hasher(BuildHasherDefault::default()),
                bytes: 0,
                evictions: 0,
            }),
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
        }
    }

    /// The capacity.
    pub fn capacity(&self) -> CacheCapacity {
        self.capacity
    }

    /// Entries, bytes, hits, misses and evictions so far.
    pub fn stats(&self) -> CacheStats {
        let inner = self.lock();
        CacheStats {
            entries: inner.entries.len(),
            bytes: inner.bytes,
            hits: self.hits.load(Ordering::Relaxed),
            misses: self.misses.load(Ordering::Relaxed),
            evictions: inner.evictions,
        }
    }

    /// Drops every entry.
    pub fn clear(&self) {
        let mut inner = self.lock();
        inner.entries.clear();
        inner.bytes = 0;
    }

    /// The list and count statements of `query` on `base`: from the cache when
    /// the shape was seen, else built by sea-query (and cached). The same text
    /// and values as [`ListSql::select`] and [`ListSql::count`] rendered with
    /// [`Dialect::build`], and the same errors.
    ///
    /// # Errors
    ///
    /// As [`ListSql::select`] and [`ListSql::count`].
    pub fn statements(
        &self,
        query: &ListQuery,
        base: &BaseStatement,
    ) -> Result<ListStatements, SqlError> {
        if query.cursor().is_some() {
            // A keyset condition's text depends on the cursor's NULLs and
            // direction: built by sea-query every time.
            self.misses.fetch_add(1, Ordering::Relaxed);
            return build_uncached(query, base).map(|(statements, _)| statements);
        }
        let key = ShapeKey::new(query, base);
        let cached = self.lock().entries.get(&key).cloned();
        if let Some(entry) = cached {
            match entry.as_ref() {
                Entry::Compiled {
                    select,
                    count,
                    decoder,
                    ..
                } => {
                    self.hits.fetch_add(1, Ordering::Relaxed);
                    return bind(query, base, select, count, decoder);
                }
                Entry::Uncacheable { .. } => {
                    self.misses.fetch_add(1, Ordering::Relaxed);
                    return build_uncached(query, base).map(|(statements, _)| statements);
                }
            }
        }
        self.misses.fetch_add(1, Ordering::Relaxed);
        let (statements, cacheable) = build_uncached(query, base)?;
        let texts = statements.select.text.len() + statements.count.text.len();
        let bytes = ENTRY_OVERHEAD + key.bytes() + 2 * texts;
        let entry = if cacheable && probe_agrees(query, base, &statements)? {
            Entry::Compiled {
                select: Arc::clone(&statements.select.text),
                count: Arc::clone(&statements.count.text),
                decoder: Arc::clone(&statements.decoder),
                bytes,
            }
        } else {
            Entry::Uncacheable {
                bytes: ENTRY_OVERHEAD + key.bytes(),
            }
        };
        self.insert(key, entry);
        Ok(statements)
    }

    fn insert(&self, key: ShapeKey, entry: Entry) {
        let bytes = entry.bytes();
        if bytes > self.capacity.max_bytes || self.capacity.max_entries == 0 {
            return;
        }
        let mut inner = self.lock();
        if let Some((_, old)) = inner.entries.push(key, Arc::new(entry)) {
            inner.bytes = inner.bytes.saturating_sub(old.bytes());
        }
        inner.bytes += bytes;
        while inner.entries.len() > self.capacity.max_entries
            || inner.bytes > self.capacity.max_bytes
        {
            let Some((_, old)) = inner.entries.pop_lru() else {
                break;
            };
            inner.bytes = inner.bytes.saturating_sub(old.bytes());
            inner.evictions += 1;
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic while holding the lock leaves the map consistent (every
        // mutation is one call), so a poisoned lock is still usable.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Builds both statements with sea-query; `true` when the values came out as
/// base values then the request's, in order (the precondition for caching).
fn build_uncached(
    query: &ListQuery,
    base: &BaseStatement,
) -> Result<(ListStatements, bool), SqlError> {
    let sql = ListSql::new(query, base.dialect);
    let select = sql.select(&base.statement)?;
    let count = sql.count(&base.statement)?;
    let (select_text, select_values) = sql.build(&select);
    let (count_text, count_values) = count.build();
    let cacheable = select_values == select_values_of(query, base)
        && count_values == count_values_of(query, base);
    let statements = ListStatements {
        select: BoundStatement {
            text: select_text.into(),
            values: select_values,
        },
        count: BoundStatement {
            text: count_text.into(),
            values: count_values,
        },
        decoder: Arc::new(count),
    };
    Ok((statements, cacheable))
}

/// The statements of a cached shape: its texts, this request's values.
fn bind(
    query: &ListQuery,
    base: &BaseStatement,
    select: &Arc<str>,
    count: &Arc<str>,
    decoder: &Arc<CountQuery>,
) -> Result<ListStatements, SqlError> {
    // The select binds the base's values, LIMIT (and OFFSET for a page) and
    // the filters'; the count binds fewer, so checking the select is enough.
    let limit_offset = match query.pagination_mode() {
        None | Some(PaginationMode::Cursor) => 1,
        Some(_) => 2,
    };
    ListSql::new(query, base.dialect).check_bound_values(base.values.0.len() + limit_offset)?;
    let select_values = select_values_of(query, base);
    Ok(ListStatements {
        select: BoundStatement {
            text: Arc::clone(select),
            values: select_values,
        },
        count: BoundStatement {
            text: Arc::clone(count),
            values: count_values_of(query, base),
        },
        decoder: Arc::clone(decoder),
    })
}

/// The base's values, then every filter's bound values in request order.
fn count_values_of(query: &ListQuery, base: &BaseStatement) -> Values {
    let mut values = Vec::with_capacity(base.values.0.len() + query.filter_value_count() + 2);
    values.extend(base.values.0.iter().cloned());
    for filter in super::filters_in_sql_order(query) {
        match filter.op {
            FilterOp::Null => {}
            op if op.is_like() => values.extend(filter.values.iter().map(|v| match v {
                Value::String(text) => sea_query::Value::from(like_pattern(op, text)),
                other => bind_value(other),
            })),
            _ => values.extend(filter.values.iter().map(bind_value)),
        }
    }
    Values(values)
}

/// [`count_values_of`], then LIMIT and OFFSET (LIMIT alone when unpaginated).
fn select_values_of(query: &ListQuery, base: &BaseStatement) -> Values {
    let mut values = count_values_of(query, base);
    values
        .0
        .push(ListSql::new(query, base.dialect).row_limit().into());
    if let (Some(page), Some(PaginationMode::Offset | PaginationMode::Simple)) =
        (query.pagination(), query.pagination_mode())
    {
        values.0.push(page.offset.into());
    }
    values
}

/// Rebuilds the shape with every request value replaced by a sentinel that no
/// base value equals, and checks that the sentinels land exactly after the
/// base's values, in order, with the same text: then the base's values cannot
/// sit after the request's (a `HAVING` value equal to a filter value would
/// fool a check on the real values alone).
fn probe_agrees(
    query: &ListQuery,
    base: &BaseStatement,
    real: &ListStatements,
) -> Result<bool, SqlError> {
    let mut probe = query.clone();
    let mut next = Sentinels::new(&base.values);
    for filter in &mut probe.filters {
        if filter.op == FilterOp::Null {
            continue;
        }
        let like = filter.op.is_like();
        for value in &mut filter.values {
            *value = if like {
                Value::String(next.text().into())
            } else {
                Value::Integer(next.integer())
            };
        }
    }
    if let Some(page) = &mut probe.pagination {
        page.per_page = next.unsigned();
        page.offset = next.unsigned();
    }
    let (probed, _) = build_uncached(&probe, base)?;
    Ok(probed.select.text == real.select.text
        && probed.count.text == real.count.text
        && probed.select.values == select_values_of(&probe, base)
        && probed.count.values == count_values_of(&probe, base))
}

/// Values unequal to every base value and to each other.
struct Sentinels<'a> {
    base: &'a Values,
    next: u64,
}

impl<'a> Sentinels<'a> {
    fn new(base: &'a Values) -> Self {
        Self {
            base,
            next: 0x5e47_1000_0000,
        }
    }
    fn fresh(&mut self, make: impl Fn(u64) -> sea_query::Value) -> u64 {
        loop {
            self.next += 1;
            if !self.base.0.contains(&make(self.next)) {
                return self.next;
            }
        }
    }
    fn integer(&mut self) -> i64 {
        // Below 2^62: the cast back is exact.
        let n = self.fresh(|n| sea_query::Value::BigInt(i64::try_from(n).ok()));
        i64::try_from(n).unwrap_or(i64::MAX)
    }
    fn unsigned(&mut self) -> u64 {
        self.fresh(|n| sea_query::Value::BigUnsigned(Some(n)))
    }
    fn text(&mut self) -> String {
        let n = self.fresh(|n| sea_query::Value::from(format!("%s{n}%")));
        format!("s{n}")
    }
}

/// Everything that decides a request's SQL text.
#[derive(Debug, Clone)]
struct ShapeKey {
    resource: Arc<Resource>,
    dialect: Dialect,
    base_text: Arc<str>,
    base_hash: u64,
    /// Filters `(OR group, field, op, count | null flag)`, a separator, sort keys
    /// `(field, direction, nulls)`, then pagination and metadata.
    shape: Box<[u32]>,
}

impl ShapeKey {
    fn new(query: &ListQuery, base: &BaseStatement) -> Self {
        let mut shape = Vec::with_capacity(4 * (query.filters().len() + query.sort().len()) + 3);
        for filter in query.filters() {
            let count = match (filter.op, &filter.values[..]) {
                // `null=true` is `IS NULL`, `null=false` `IS NOT NULL`: text, not values.
                (FilterOp::Null, [Value::Boolean(is_null)]) => u32::from(*is_null),
                (_, values) => u32::try_from(values.len()).unwrap_or(u32::MAX),
            };
            // The grammar keeps group numbers below u32::MAX.
            let group = filter.group.map_or(0, |g| g.saturating_add(1));
            shape.extend([group, small(filter.field.index()), filter.op as u32, count]);
        }
        shape.push(u32::MAX);
        for key in query.sort() {
            shape.extend([
                small(key.field.index()),
                key.direction as u32,
                key.nulls as u32,
            ]);
        }
        shape.push(query.pagination_mode().map_or(0, |mode| mode as u32 + 1));
        shape.push(u32::from(query.metadata()));
        // The client's `fields` decide the select list (SPEC §16).
        if let Some(fields) = query.fields() {
            shape.push(u32::MAX);
            shape.extend(fields.iter().map(|id| small(id.index())));
        }
        Self {
            resource: Arc::clone(query.resource()),
            dialect: base.dialect,
            base_text: Arc::clone(&base.text),
            base_hash: base.text_hash,
            shape: shape.into_boxed_slice(),
        }
    }

    fn bytes(&self) -> usize {
        std::mem::size_of::<Self>() + self.base_text.len() + 4 * self.shape.len()
    }
}

fn small(index: usize) -> u32 {
    u32::try_from(index).unwrap_or(u32::MAX)
}

impl PartialEq for ShapeKey {
    fn eq(&self, other: &Self) -> bool {
        // The key holds its resource, so its address stays unique while cached.
        Arc::ptr_eq(&self.resource, &other.resource)
            && self.dialect == other.dialect
            && self.shape == other.shape
            && self.base_hash == other.base_hash
            && self.base_text == other.base_text
    }
}

impl Eq for ShapeKey {}

impl Hash for ShapeKey {
    fn hash<H: Hasher>(&self, state: &mut H) {
        Arc::as_ptr(&self.resource).hash(state);
        self.dialect.hash(state);
        self.base_hash.hash(state);
        self.shape.hash(state);
    }
}

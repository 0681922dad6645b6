//! The allow-list schema: which fields of a resource may be filtered or sorted,
//! their types and the resource's limits (SPEC §10).
//!
//! A schema is plain data, built in Rust with [`ResourceBuilder`] or loaded from
//! the TOML/JSON form with [`Schema::from_toml_str`] / [`Schema::from_json_str`].
//! Every mistake in a schema is a [`SchemaError`] at load time, naming the
//! resource and field; nothing about the schema can fail at request time.

mod builder;
mod file;

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;
use std::sync::Arc;

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use smol_str::SmolStr;

pub use builder::{FieldBuilder, ResourceBuilder};

use crate::limits::Limits;
use crate::parse::{ParamNames, SortDirection};

/// A set of resources, by name.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Schema {
    resources: BTreeMap<String, Arc<Resource>>,
}

impl Schema {
    /// An empty schema.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds (or replaces) a resource under its name.
    pub fn insert(&mut self, resource: Resource) -> &mut Self {
        self.resources
            .insert(resource.name.clone(), Arc::new(resource));
        self
    }

    /// The resource called `name`.
    pub fn resource(&self, name: &str) -> Option<&Arc<Resource>> {
        self.resources.get(name)
    }

    /// All resources, by name.
    pub fn resources(&self) -> impl Iterator<Item = &Arc<Resource>> {
        self.resources.values()
    }

    /// Loads a schema from its TOML form (SPEC §10).
    ///
    /// Each `[resources.NAME]` table has `table` (required), `primary_key`
    /// (default `id`), `default_sort`, `per_page`, `max_per_page`, a `fields`
    /// table (`type`, `values` for enums, `sort`, `filter` = a bool or operator
    /// names, `column`, `nulls` = `"first"`/`"last"`, `scale` for decimals), an
    /// `aggregates` table (`function`, `field`), and optional `limits`
    /// ([`Limits`] keys) and `params` ([`ParamNames`] keys, to rename
    /// `sort`, `filter`, `page`, `per_page`, `metadata`, `cursor` or give
    /// them aliases: `per_page = ["per_page", "limit"]`) tables.
    /// Fields keep the order of the file.
    ///
    /// Unknown keys are errors. A file that is not well-formed TOML, or has keys
    /// of the wrong shape, is a [`SchemaError::Syntax`] with the parser's line and
    /// column; a mistake in a resource is a [`SchemaError::Invalid`] naming the
    /// resource and field (every check of [`ResourceBuilder::build`] applies).
    /// A schema without resources is an error.
    ///
    /// ```
    /// use listquery::{FilterOp, Schema, SchemaError};
    ///
    /// let schema = Schema::from_toml_str(r#"
    ///     [resources.invoices]
    ///     table = "invoices"
    ///     default_sort = "-id"
    ///
    ///     [resources.invoices.fields]
    ///     id     = { type = "integer", sort = true }
    ///     status = { type = "enum", values = ["paid", "sent"], filter = true }
    /// "#).unwrap();
    /// let invoices = schema.resource("invoices").unwrap();
    /// let status = invoices.field(invoices.field_id("status").unwrap());
    /// assert!(status.filter_ops().contains(FilterOp::Eq));
    ///
    /// let err = Schema::from_toml_str(r#"
    ///     [resources.invoices]
    ///     table = "invoices"
    ///     fields = { id = { type = "integer" }, amount = { type = "money" } }
    /// "#).unwrap_err();
    /// assert!(matches!(&err, SchemaError::Invalid { resource, field: Some(field), .. }
    ///     if resource == "invoices" && field == "amount"));
    /// assert!(err.to_string().starts_with(
    ///     "resource 'invoices', field 'amount': unknown type 'money'; expected one of string, integer"));
    /// ```
    pub fn from_toml_str(text: &str) -> Result<Schema, SchemaError> {
        const FORMAT: &str = "TOML";
        let file: file::SchemaFile = toml::from_str(text).map_err(|e| SchemaError::Syntax {
            format: FORMAT,
            message: e.to_string().trim_end().to_owned(),
        })?;
        file.into_schema(FORMAT)
    }

    /// Loads a schema from its JSON form: the same shape as the TOML form,
    /// `{"resources": {"invoices": {"table": "invoices", "fields": {...}}}}`.
    ///
    /// Errors as for [`Schema::from_toml_str`]; a key given twice in one JSON
    /// object (a field, a resource) is an error too.
    ///
    /// ```
    /// use listquery::Schema;
    ///
    /// let schema = Schema::from_json_str(r#"{"resources": {"customers": {
    ///     "table": "customers",
    ///     "fields": {"id": {"type": "integer", "sort": true, "filter": ["eq", "gt"]}}
    /// }}}"#).unwrap();
    /// assert_eq!(schema.resource("customers").unwrap().table(), "customers");
    ///
    /// let err = Schema::from_json_str(r#"{"resources": {"#).unwrap_err();
    /// assert!(err.to_string().contains("line 1"));
    /// ```
    pub fn from_json_str(text: &str) -> Result<Schema, SchemaError> {
        const FORMAT: &str = "JSON";
        let file: file::SchemaFile =
            serde_json::from_str(text).map_err(|e| SchemaError::Syntax {
                format: FORMAT,
                message: e.to_string(),
            })?;
        file.into_schema(FORMAT)
    }

    /// Reads a schema file, TOML or JSON by its extension (`.toml`, `.json`).
    ///
    /// A file that cannot be read, or has another extension, is a
    /// [`SchemaError::Io`]; otherwise as [`Schema::from_toml_str`].
    ///
    /// ```
    /// use listquery::{Schema, SchemaError};
    ///
    /// let schema = Schema::from_path("examples/schema.toml").unwrap();
    /// assert!(schema.resource("invoices").is_some());
    /// assert!(matches!(Schema::from_path("no/such/schema.toml"), Err(SchemaError::Io { .. })));
    /// ```
    pub fn from_path(path: impl AsRef<Path>) -> Result<Schema, SchemaError> {
        let path = path.as_ref();
        let io_error = |message: String| SchemaError::Io {
            path: path.display().to_string(),
            message,
        };
        let extension = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        let from_str: fn(&str) -> Result<Schema, SchemaError> = match extension.as_deref() {
            Some("toml") => Schema::from_toml_str,
            Some("json") => Schema::from_json_str,
            _ => {
                return Err(io_error(
                    "unknown extension; a schema file ends in .toml or .json".to_owned(),
                ));
            }
        };
        let text = std::fs::read_to_string(path).map_err(|e| io_error(e.to_string()))?;
        from_str(&text)
    }
}

/// What [`crate::ListQuery::parse`] takes as its resource: the
/// `&Arc<Resource>` that [`Schema::resource`] gives, an `Arc<Resource>`, or a
/// `Resource` (put in an `Arc` on the way in).
pub trait IntoResource {
    /// The resource, shared.
    fn into_resource(self) -> Arc<Resource>;
}

impl IntoResource for &Arc<Resource> {
    fn into_resource(self) -> Arc<Resource> {
        Arc::clone(self)
    }
}

impl IntoResource for Arc<Resource> {
    fn into_resource(self) -> Arc<Resource> {
        self
    }
}

impl IntoResource for Resource {
    fn into_resource(self) -> Arc<Resource> {
        Arc::new(self)
    }
}

/// Index of a field in its [`Resource`]; cheap to copy and compare. Four
/// bytes: a resource has at most [`MAX_FIELDS`] fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FieldId(pub(crate) u32);

/// The most fields a resource may declare (PostgreSQL tables have at most
/// 1,600 columns, MySQL's 4,096); a larger resource is a [`SchemaError`].
pub const MAX_FIELDS: usize = 65_535;

impl FieldId {
    /// The position of the field in [`Resource::fields`].
    pub const fn index(self) -> usize {
        self.0 as usize
    }

    /// The id of the field at `index`; `None` past [`MAX_FIELDS`].
    pub(crate) fn at(index: usize) -> Option<Self> {
        if index < MAX_FIELDS {
            u32::try_from(index).ok().map(Self)
        } else {
            None
        }
    }
}

/// One list endpoint (`customers`, `orders`, `invoices`).
#[derive(Debug, Clone, PartialEq)]
pub struct Resource {
    pub(crate) name: String,
    pub(crate) table: String,
    pub(crate) primary_key: FieldId,
    pub(crate) default_sort: Vec<(FieldId, SortDirection)>,
    pub(crate) per_page: u64,
    pub(crate) max_per_page: u64,
    pub(crate) fields: Vec<Field>,
    /// `fields` by name (the keys are the schema's, so a fast hash is safe).
    pub(crate) index: FxHashMap<String, FieldId>,
    pub(crate) aggregates: Vec<Aggregate>,
    pub(crate) limits: Limits,
    pub(crate) params: ParamNames,
    /// The pagination modes offered, the default first (never empty).
    pub(crate) pagination: Vec<PaginationMode>,
    pub(crate) count: CountMode,
    pub(crate) exact_count_below: u64,
    pub(crate) empty_filter: EmptyFilter,
    /// The declared to-one joins (SPEC §15), by alias.
    pub(crate) joins: Vec<Join>,
}

impl Resource {
    /// Starts building a resource called `name` over `table`.
    pub fn builder(name: impl Into<String>, table: impl Into<String>) -> ResourceBuilder {
        ResourceBuilder::new(name, table)
    }

    /// The resource's name.
    pub fn name(&self) -> &str {
        &self.name
    }
    /// The SQL table.
    pub fn table(&self) -> &str {
        &self.table
    }
    /// The primary-key field, appended to every sort as the last tie-breaker.
    pub fn primary_key(&self) -> FieldId {
        self.primary_key
    }
    /// The sort used when the request has none.
    pub fn default_sort(&self) -> &[(FieldId, SortDirection)] {
        &self.default_sort
    }
    /// The default page size.
    pub fn per_page(&self) -> u64 {
        self.per_page
    }
    /// The largest page size a client may ask for.
    pub fn max_per_page(&self) -> u64 {
        self.max_per_page
    }
    /// All fields, in declaration order; [`FieldId`] indexes this slice.
    pub fn fields(&self) -> &[Field] {
        &self.fields
    }
    /// The field with this id.
    ///
    /// # Panics
    ///
    /// If `id` came from another resource with more fields (ids are only made by
    /// this crate, from this resource's own field list).
    #[allow(clippy::indexing_slicing)] // an id of this resource is always in range
    pub fn field(&self, id: FieldId) -> &Field {
        &self.fields[id.index()]
    }
    /// Looks a field up by its API name.
    pub fn field_id(&self, name: &str) -> Option<FieldId> {
        self.index.get(name).copied()
    }
    /// The aggregates offered under `metadata`.
    pub fn aggregates(&self) -> &[Aggregate] {
        &self.aggregates
    }
    /// The resource's limits.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }
    /// The names of the recognised query parameters.
    pub fn params(&self) -> &ParamNames {
        &self.params
    }
    /// The pagination modes the resource offers, its default first (SPEC §12).
    pub fn pagination_modes(&self) -> &[PaginationMode] {
        &self.pagination
    }
    /// Whether the resource offers `mode`.
    pub fn offers(&self, mode: PaginationMode) -> bool {
        self.pagination.contains(&mode)
    }
    /// How offset pages count their total (SPEC §12).
    pub fn count_mode(&self) -> CountMode {
        self.count
    }
    /// With [`CountMode::Estimated`]: an estimate below this is replaced by
    /// an exact count (default 10,000).
    pub fn exact_count_below(&self) -> u64 {
        self.exact_count_below
    }
    /// What a filter with an empty value (`filter[status]=`) is (SPEC §13).
    pub fn empty_filter(&self) -> EmptyFilter {
        self.empty_filter
    }
    /// The declared to-one joins (SPEC §15); [`Field::join`] indexes this slice.
    pub fn joins(&self) -> &[Join] {
        &self.joins
    }
    /// The table's own name, without a `schema.` prefix: what its own
    /// columns are qualified with when a request joins another table.
    pub fn table_name(&self) -> &str {
        self.table.rsplit('.').next().unwrap_or(&self.table)
    }
    /// Names of the fields a client may list under `fields` (SPEC §16).
    pub fn selectable_fields(&self) -> Vec<String> {
        self.fields
            .iter()
            .filter(|f| f.selectable)
            .map(|f| f.name.clone())
            .collect()
    }
    /// Names of the fields a client may sort by.
    pub fn sortable_fields(&self) -> Vec<String> {
        self.fields
            .iter()
            .filter(|f| f.sortable)
            .map(|f| f.name.clone())
            .collect()
    }
    /// Names of the fields a client may filter by.
    pub fn filterable_fields(&self) -> Vec<String> {
        self.fields
            .iter()
            .filter(|f| !f.filter_ops.is_empty())
            .map(|f| f.name.clone())
            .collect()
    }
}

/// One API-visible field and the SQL column it maps to.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub(crate) name: String,
    pub(crate) column: String,
    pub(crate) ty: FieldType,
    /// An enum's values, made once: a filter's value is a copy of one.
    pub(crate) enum_values: Box<[SmolStr]>,
    pub(crate) sortable: bool,
    pub(crate) filter_ops: OpSet,
    pub(crate) nulls: NullsOrder,
    pub(crate) nullable: bool,
    pub(crate) scale: Option<u32>,
    /// Whether `fields` may list it and the default select list has it.
    pub(crate) selectable: bool,
    /// The join its column is on (an index into [`Resource::joins`]).
    pub(crate) join: Option<usize>,
}

impl Field {
    /// The API name (`customer`).
    pub fn name(&self) -> &str {
        &self.name
    }
    /// The SQL column (`customer_id`).
    pub fn column(&self) -> &str {
        &self.column
    }
    /// The value type.
    pub fn ty(&self) -> &FieldType {
        &self.ty
    }
    /// Whether clients may sort by it.
    pub fn sortable(&self) -> bool {
        self.sortable
    }
    /// The filter operators clients may use on it (empty: not filterable).
    pub fn filter_ops(&self) -> OpSet {
        self.filter_ops
    }
    /// Where NULLs sort, in both directions.
    pub fn nulls(&self) -> NullsOrder {
        self.nulls
    }
    /// Whether the column may hold NULL (schema key `nullable`, default
    /// `true`; the primary key never does). For a field that cannot, the sort
    /// leaves out its NULL placement, so that every engine can read it in
    /// index order, and a cursor may not hold `null` for it.
    pub fn nullable(&self) -> bool {
        self.nullable
    }
    /// For a `decimal` field, the number of digits after the point the column
    /// stores (schema key `scale`), if declared. SQLite has no exact decimal type:
    /// with a scale, sums and averages there are computed on integers
    /// (`ROUND(x * 10^scale)`) and stay exact.
    pub fn scale(&self) -> Option<u32> {
        self.scale
    }
    /// Whether the field is in the select list the library writes, and a
    /// client may list it under `fields` (schema key `select`, default
    /// `true`; SPEC §16).
    pub fn selectable(&self) -> bool {
        self.selectable
    }
    /// The join the field's column is on (`column = "customer.name"` with a
    /// declared join `customer`), as an index into [`Resource::joins`].
    pub fn join(&self) -> Option<usize> {
        self.join
    }
    /// The field's name in the rows of the select list the library writes
    /// (SPEC §16): the column's own name for a column of the resource's
    /// table (`customer_id`), the field's name for a column on a join
    /// (`customer.name AS customer_name`), where the joined table's column
    /// names could clash with the table's.
    pub fn row_name(&self) -> &str {
        match self.join {
            Some(_) => &self.name,
            None => self.column.rsplit('.').next().unwrap_or(&self.column),
        }
    }
}

/// A declared to-one join (SPEC §15): `LEFT JOIN <table> AS <alias> ON
/// <alias>.<foreign> = <resource table>.<local>`, added to a statement only
/// when the request uses one of its fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Join {
    pub(crate) alias: String,
    pub(crate) table: String,
    pub(crate) local: String,
    pub(crate) foreign: String,
    pub(crate) kind: JoinKind,
}

impl Join {
    /// The alias fields qualify their column with (`customer`).
    pub fn alias(&self) -> &str {
        &self.alias
    }
    /// The joined table (`customers`).
    pub fn table(&self) -> &str {
        &self.table
    }
    /// The resource table's column that points at the joined row (`customer_id`).
    pub fn local(&self) -> &str {
        &self.local
    }
    /// The joined table's column it points at (`id`).
    pub fn foreign(&self) -> &str {
        &self.foreign
    }
    /// `LEFT` or `INNER`.
    pub fn kind(&self) -> JoinKind {
        self.kind
    }
}

/// How a declared join joins (SPEC §15).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum JoinKind {
    /// `LEFT JOIN` (the default): rows without a related row stay, and the
    /// related fields are NULL for them.
    #[default]
    Left,
    /// `INNER JOIN`: every row has its related row (a `NOT NULL` foreign key).
    Inner,
}

impl JoinKind {
    /// `"left"` or `"inner"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Left => "left",
            Self::Inner => "inner",
        }
    }
}

/// The type of a field's values, checked before any SQL is built.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FieldType {
    /// Any text.
    String,
    /// A signed 64-bit integer.
    Integer,
    /// An exact decimal (no float rounding).
    Decimal,
    /// `true`/`false`/`1`/`0`.
    Boolean,
    /// `YYYY-MM-DD`.
    Date,
    /// `YYYY-MM-DD HH:MM:SS` (UTC), or RFC 3339 with an offset.
    DateTime,
    /// One of a fixed list of strings.
    Enum(Vec<String>),
}

impl FieldType {
    /// The type's name as written in a schema file.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::String => "string",
            Self::Integer => "integer",
            Self::Decimal => "decimal",
            Self::Boolean => "boolean",
            Self::Date => "date",
            Self::DateTime => "datetime",
            Self::Enum(_) => "enum",
        }
    }
}

/// How a paginated list pages (SPEC §12); a resource lists the modes it
/// offers, its default first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum PaginationMode {
    /// `page`/`per_page`, LIMIT/OFFSET and a COUNT: Laravel's `paginate()`.
    Offset,
    /// `page`/`per_page`, LIMIT `per_page + 1`/OFFSET, no COUNT: Laravel's
    /// `simplePaginate()`. A resource offers `offset` or `simple`, not both.
    Simple,
    /// A `cursor` parameter, a keyset WHERE and LIMIT `per_page + 1`, no
    /// OFFSET and no COUNT: Laravel's `cursorPaginate()`.
    Cursor,
}

impl PaginationMode {
    /// `"offset"`, `"simple"` or `"cursor"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Offset => "offset",
            Self::Simple => "simple",
            Self::Cursor => "cursor",
        }
    }
}

impl std::str::FromStr for PaginationMode {
    type Err = crate::error::UnknownName;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "offset" => Ok(Self::Offset),
            "simple" => Ok(Self::Simple),
            "cursor" => Ok(Self::Cursor),
            _ => Err(crate::error::UnknownName(s.to_owned())),
        }
    }
}

/// How an offset page's `total` is counted (SPEC §12).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum CountMode {
    /// `COUNT(*)` on every request (the default).
    #[default]
    Exact,
    /// The planner's estimate on PostgreSQL and MySQL when it is at least
    /// `exact_count_below` rows (the envelope then says
    /// `"total_is_estimate": true`); an exact count below it, on SQLite, and
    /// whenever metadata is asked for (its statement counts anyway).
    Estimated,
}

/// What a filter with an empty value is (`filter[status]=`, as a cleared form
/// field sends it; SPEC §13).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum EmptyFilter {
    /// An `invalid_value` error (the default).
    #[default]
    Error,
    /// Absent: no filter, and left out of page URLs. An empty item inside a
    /// longer list (`a,,b`) is still an error.
    Ignore,
}

/// Where NULLs go in a sort, the same on every database.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NullsOrder {
    /// NULLs before all values, ascending and descending.
    First,
    /// NULLs after all values, ascending and descending (the default).
    #[default]
    Last,
}

impl NullsOrder {
    /// `"first"` or `"last"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::First => "first",
            Self::Last => "last",
        }
    }
}

/// A filter operator (SPEC §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum FilterOp {
    /// `=` / `IN`, 1..n values; also the bare `filter[f]` form.
    Eq,
    /// `<>` / `NOT IN`, 1..n values.
    Ne,
    /// `>`, exactly 1 value.
    Gt,
    /// `>=`, exactly 1 value.
    Gte,
    /// `<`, exactly 1 value.
    Lt,
    /// `<=`, exactly 1 value.
    Lte,
    /// `BETWEEN a AND b` (inclusive), exactly 2 values.
    Between,
    /// Case-insensitive substring, 1..n values OR'ed.
    Contains,
    /// Case-insensitive prefix, 1..n values OR'ed.
    StartsWith,
    /// Case-insensitive suffix, 1..n values OR'ed.
    EndsWith,
    /// `IS NULL` (`true`) / `IS NOT NULL` (`false`), exactly 1 value.
    Null,
}

impl FilterOp {
    /// Every operator.
    pub const ALL: [FilterOp; 11] = [
        Self::Eq,
        Self::Ne,
        Self::Gt,
        Self::Gte,
        Self::Lt,
        Self::Lte,
        Self::Between,
        Self::Contains,
        Self::StartsWith,
        Self::EndsWith,
        Self::Null,
    ];

    /// The operator's name in `filter[field][op]`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Eq => "eq",
            Self::Ne => "ne",
            Self::Gt => "gt",
            Self::Gte => "gte",
            Self::Lt => "lt",
            Self::Lte => "lte",
            Self::Between => "between",
            Self::Contains => "contains",
            Self::StartsWith => "starts_with",
            Self::EndsWith => "ends_with",
            Self::Null => "null",
        }
    }

    /// How many values the operator takes: `(min, max)`.
    pub const fn arity(self) -> (usize, Option<usize>) {
        match self {
            Self::Eq | Self::Ne | Self::Contains | Self::StartsWith | Self::EndsWith => (1, None),
            Self::Gt | Self::Gte | Self::Lt | Self::Lte | Self::Null => (1, Some(1)),
            Self::Between => (2, Some(2)),
        }
    }

    /// Whether the operator is a case-insensitive `LIKE` match.
    pub const fn is_like(self) -> bool {
        matches!(self, Self::Contains | Self::StartsWith | Self::EndsWith)
    }

    const fn bit(self) -> u16 {
        1 << (self as u16)
    }
}

/// The operator called `name` (`"starts_with"`).
///
/// ```
/// use listquery::FilterOp;
/// assert_eq!("starts_with".parse(), Ok(FilterOp::StartsWith));
/// assert!("like".parse::<FilterOp>().is_err());
/// ```
impl std::str::FromStr for FilterOp {
    type Err = crate::error::UnknownName;
    fn from_str(name: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|op| op.as_str() == name)
            .ok_or_else(|| crate::error::UnknownName(name.to_owned()))
    }
}

impl fmt::Display for FilterOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A set of [`FilterOp`]s (a small bit set).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct OpSet(u16);

impl OpSet {
    /// No operator: the field is not filterable.
    pub const EMPTY: OpSet = OpSet(0);

    /// A set from a list of operators.
    pub const fn of(ops: &[FilterOp]) -> Self {
        let mut bits = 0;
        let mut rest = ops;
        while let [op, tail @ ..] = rest {
            bits |= op.bit();
            rest = tail;
        }
        OpSet(bits)
    }
    /// Whether `op` is in the set.
    pub const fn contains(self, op: FilterOp) -> bool {
        self.0 & op.bit() != 0
    }
    /// Whether the set is empty.
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }
    /// The set with `op` added.
    pub const fn with(self, op: FilterOp) -> Self {
        OpSet(self.0 | op.bit())
    }
    /// The operators, in [`FilterOp::ALL`] order.
    pub fn iter(self) -> impl Iterator<Item = FilterOp> {
        FilterOp::ALL
            .into_iter()
            .filter(move |op| self.contains(*op))
    }
}

impl FromIterator<FilterOp> for OpSet {
    fn from_iter<I: IntoIterator<Item = FilterOp>>(iter: I) -> Self {
        iter.into_iter().fold(OpSet::EMPTY, OpSet::with)
    }
}

/// An aggregate offered under `metadata` (`total_amount = SUM(amount)`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Aggregate {
    pub(crate) name: String,
    pub(crate) function: AggregateFn,
    /// `None` only for `count` over all rows.
    pub(crate) field: Option<FieldId>,
}

impl Aggregate {
    /// The key under `metadata`.
    pub fn name(&self) -> &str {
        &self.name
    }
    /// The SQL function.
    pub fn function(&self) -> AggregateFn {
        self.function
    }
    /// The field aggregated (`None` for `COUNT(*)`).
    pub fn field(&self) -> Option<FieldId> {
        self.field
    }
}

/// An aggregate function.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AggregateFn {
    /// `SUM`
    Sum,
    /// `AVG`
    Avg,
    /// `MIN`
    Min,
    /// `MAX`
    Max,
    /// `COUNT`
    Count,
}

impl AggregateFn {
    /// The function's name in a schema file.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Sum => "sum",
            Self::Avg => "avg",
            Self::Min => "min",
            Self::Max => "max",
            Self::Count => "count",
        }
    }
}

/// The value of one aggregate, as read back from the count statement.
///
/// JSON form (under `"metadata"`): integers as numbers, decimals as strings in
/// exact canonical form (`"1234.50"`), no value (an aggregate over no rows
/// where SQL gives NULL) as `null`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AggregateValue {
    /// SQL NULL (e.g. `MIN` over no rows).
    Null,
    /// An integer result (`COUNT`, or `SUM`/`MIN`/`MAX` of an integer field).
    Integer(i64),
    /// An exact decimal result.
    Decimal(rust_decimal::Decimal),
}

impl Serialize for AggregateValue {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Null => s.serialize_none(),
            Self::Integer(i) => s.serialize_i64(*i),
            Self::Decimal(d) => s.collect_str(d),
        }
    }
}

/// A mistake in a schema, found when it is loaded or built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SchemaError {
    /// The file could not be read.
    #[error("cannot read schema file {path}: {message}")]
    Io {
        /// The path.
        path: String,
        /// The OS error.
        message: String,
    },
    /// The TOML or JSON is not well-formed, or has unknown or mistyped keys.
    #[error("schema {format} is invalid: {message}")]
    Syntax {
        /// `TOML` or `JSON`.
        format: &'static str,
        /// The deserializer's message (with line and column).
        message: String,
    },
    /// A resource (and possibly one of its fields) is wrong.
    #[error("resource '{resource}'{}: {problem}", field.as_ref().map(|f| format!(", field '{f}'")).unwrap_or_default())]
    Invalid {
        /// The resource.
        resource: String,
        /// The field, when one is to blame.
        field: Option<String>,
        /// What is wrong.
        problem: String,
    },
}

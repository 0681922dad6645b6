//! Building a [`Resource`] in Rust.

use crate::limits::Limits;
use crate::parse::ParamNames;
use crate::schema::{AggregateFn, FieldType, FilterOp, NullsOrder, OpSet, Resource, SchemaError};

/// Builds a [`Resource`]; [`ResourceBuilder::build`] checks it as a schema file
/// is checked.
#[derive(Debug, Clone)]
pub struct ResourceBuilder {
    pub(crate) name: String,
    pub(crate) table: String,
    pub(crate) primary_key: String,
    pub(crate) default_sort: Option<String>,
    pub(crate) per_page: u64,
    pub(crate) max_per_page: u64,
    pub(crate) fields: Vec<FieldBuilder>,
    pub(crate) aggregates: Vec<(String, AggregateFn, Option<String>)>,
    pub(crate) limits: Limits,
    pub(crate) params: ParamNames,
}

/// Describes one field for [`ResourceBuilder::field`].
#[derive(Debug, Clone)]
pub struct FieldBuilder {
    pub(crate) name: String,
    pub(crate) ty: FieldType,
    pub(crate) column: Option<String>,
    pub(crate) sortable: bool,
    pub(crate) ops: OpSet,
    pub(crate) nulls: NullsOrder,
    pub(crate) scale: Option<u32>,
}

impl FieldBuilder {
    /// The SQL column, when it differs from the field name (`customer_id`, or
    /// `customers.name` qualified for a join).
    pub fn column(mut self, column: impl Into<String>) -> Self {
        self.column = Some(column.into());
        self
    }
    /// Lets clients sort by the field.
    pub fn sortable(mut self) -> Self {
        self.sortable = true;
        self
    }
    /// Lets clients filter the field with these operators.
    pub fn filter(mut self, ops: &[FilterOp]) -> Self {
        self.ops = OpSet::of(ops);
        self
    }
    /// For a decimal field: the digits after the point the column stores.
    pub fn scale(mut self, scale: u32) -> Self {
        self.scale = Some(scale);
        self
    }
    /// Where NULLs sort (default: last).
    pub fn nulls(mut self, nulls: NullsOrder) -> Self {
        self.nulls = nulls;
        self
    }
}

impl ResourceBuilder {
    /// A resource called `name` over `table`, with the defaults of SPEC §10.
    pub fn new(name: impl Into<String>, table: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            table: table.into(),
            primary_key: "id".into(),
            default_sort: None,
            per_page: 15,
            max_per_page: 100,
            fields: Vec::new(),
            aggregates: Vec::new(),
            limits: Limits::new(),
            params: ParamNames::default(),
        }
    }
    /// The primary-key field (default `id`), the last sort tie-breaker.
    pub fn primary_key(mut self, field: impl Into<String>) -> Self {
        self.primary_key = field.into();
        self
    }
    /// The sort used when the request has none, in the `?sort=` grammar.
    pub fn default_sort(mut self, sort: impl Into<String>) -> Self {
        self.default_sort = Some(sort.into());
        self
    }
    /// The default page size (default 15).
    pub fn per_page(mut self, n: u64) -> Self {
        self.per_page = n;
        self
    }
    /// The largest page size (default 100).
    pub fn max_per_page(mut self, n: u64) -> Self {
        self.max_per_page = n;
        self
    }
    /// Adds a field; `configure` sets its column, sorting, operators and nulls.
    pub fn field(
        mut self,
        name: impl Into<String>,
        ty: FieldType,
        configure: impl FnOnce(FieldBuilder) -> FieldBuilder,
    ) -> Self {
        self.fields.push(configure(FieldBuilder {
            name: name.into(),
            ty,
            column: None,
            sortable: false,
            ops: OpSet::EMPTY,
            nulls: NullsOrder::Last,
            scale: None,
        }));
        self
    }
    /// Adds an aggregate offered under `metadata`; `field` is `None` only for `count`.
    pub fn aggregate(
        mut self,
        name: impl Into<String>,
        function: AggregateFn,
        field: Option<&str>,
    ) -> Self {
        self.aggregates
            .push((name.into(), function, field.map(str::to_owned)));
        self
    }
    /// The resource's limits.
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }
    /// The names of the recognised parameters.
    pub fn params(mut self, params: ParamNames) -> Self {
        self.params = params;
        self
    }
    /// Checks everything and builds the resource.
    pub fn build(self) -> Result<Resource, SchemaError> {
        todo!("schema builder")
    }
}

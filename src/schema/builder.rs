//! Building a [`Resource`] in Rust.

use smol_str::SmolStr;

use crate::error::SortProblem;
use crate::limits::Limits;
use crate::parse::{ParamName, ParamNames, SortDirection, SortItems, sort_list};
use crate::schema::{
    Aggregate, AggregateFn, CountMode, EmptyFilter, Field, FieldId, FieldType, FilterOp, Join,
    JoinKind, MAX_FIELDS, NullsOrder, OpSet, PaginationMode, Resource, SchemaError,
};

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
    pub(crate) pagination: Vec<PaginationMode>,
    pub(crate) count: CountMode,
    pub(crate) exact_count_below: u64,
    pub(crate) empty_filter: EmptyFilter,
    pub(crate) joins: Vec<Join>,
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
    pub(crate) nullable: bool,
    pub(crate) scale: Option<u32>,
    pub(crate) selectable: bool,
}

impl FieldBuilder {
    /// The SQL column, when it differs from the field name: `customer_id`,
    /// `invoices.number` (the resource's own table), or `customer.name` on
    /// a join declared with [`ResourceBuilder::join`].
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
    /// Declares that the column is `NOT NULL` (see [`Field::nullable`]): its
    /// sort then needs no NULL placement and an index serves it on every
    /// engine. The primary key is always taken as `NOT NULL`.
    pub fn not_null(mut self) -> Self {
        self.nullable = false;
        self
    }
    /// Whether the field is in the select list the library writes and may
    /// be listed under `fields` (default `true`; SPEC §16).
    pub fn select(mut self, selectable: bool) -> Self {
        self.selectable = selectable;
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
            pagination: vec![PaginationMode::Offset],
            count: CountMode::Exact,
            exact_count_below: 10_000,
            empty_filter: EmptyFilter::Error,
            joins: Vec::new(),
        }
    }
    /// Declares a to-one join (SPEC §15) that fields reach with
    /// `column = "ALIAS.column"`: `kind JOIN table AS alias ON
    /// alias.foreign = <table>.local`. It is added to a statement only when
    /// the request's filters, sort or select list use one of its fields.
    ///
    /// ```
    /// use listquery::{FieldType, FilterOp, JoinKind, Resource};
    /// let orders = Resource::builder("orders", "orders")
    ///     .join("customer", "customers", "customer_id", "id", JoinKind::Left)
    ///     .field("id", FieldType::Integer, |f| f.sortable())
    ///     .field("customer_name", FieldType::String, |f| {
    ///         f.column("customer.name").sortable().filter(&[FilterOp::Contains])
    ///     })
    ///     .build()
    ///     .unwrap();
    /// let name = orders.field(orders.field_id("customer_name").unwrap());
    /// assert_eq!(orders.joins()[name.join().unwrap()].table(), "customers");
    /// ```
    pub fn join(
        mut self,
        alias: impl Into<String>,
        table: impl Into<String>,
        local: impl Into<String>,
        foreign: impl Into<String>,
        kind: JoinKind,
    ) -> Self {
        self.joins.push(Join {
            alias: alias.into(),
            table: table.into(),
            local: local.into(),
            foreign: foreign.into(),
            kind,
        });
        self
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
            nullable: true,
            scale: None,
            selectable: true,
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
    /// The pagination modes offered, the default first (default `[Offset]`;
    /// SPEC §12).
    pub fn pagination(mut self, modes: &[PaginationMode]) -> Self {
        self.pagination = modes.to_vec();
        self
    }
    /// How offset pages count their total (default exact; SPEC §12).
    pub fn count(mut self, mode: CountMode) -> Self {
        self.count = mode;
        self
    }
    /// With an estimated count, the estimate below which the count is exact
    /// (default 10,000).
    pub fn exact_count_below(mut self, rows: u64) -> Self {
        self.exact_count_below = rows;
        self
    }
    /// What a filter with an empty value is (default an error; SPEC §13).
    ///
    /// ```
    /// use listquery::{EmptyFilter, ErrorCode, FieldType, FilterOp, ListQuery, RequestOptions, Resource};
    /// let build = |empty| Resource::builder("invoices", "invoices")
    ///     .field("id", FieldType::Integer, |f| f.sortable())
    ///     .field("status", FieldType::String, |f| f.filter(&[FilterOp::Eq]))
    ///     .empty_filter(empty)
    ///     .build()
    ///     .unwrap();
    /// let form = build(EmptyFilter::Ignore);
    /// let q = ListQuery::parse("filter[status]=&page=2", form, RequestOptions::default()).unwrap();
    /// assert!(q.filters().is_empty());
    /// assert_eq!(q.to_query_string(), "page=2"); // and not in page URLs
    /// // An empty item inside a list, and a repeated key, are still errors.
    /// let e = ListQuery::parse("filter[status]=a,,b", build(EmptyFilter::Ignore), RequestOptions::default());
    /// assert_eq!(e.unwrap_err().codes(), [ErrorCode::InvalidValue]);
    /// let e = ListQuery::parse("filter[status]=", build(EmptyFilter::Error), RequestOptions::default());
    /// assert_eq!(e.unwrap_err().codes(), [ErrorCode::InvalidValue]);
    /// ```
    pub fn empty_filter(mut self, empty: EmptyFilter) -> Self {
        self.empty_filter = empty;
        self
    }
    /// Checks everything and builds the resource.
    ///
    /// Every mistake is a [`SchemaError::Invalid`] naming the resource and, where
    /// one is to blame, the field; the first one found is returned. Checked:
    ///
    /// - the resource name is non-empty and made of `[A-Za-z0-9_.-]`;
    /// - the table is one identifier or `schema.table`, and the resource has fields;
    /// - field names match `[A-Za-z_][A-Za-z0-9_]*`, are unique, and are not
    ///   `or` (reserved for OR groups);
    /// - a column is `column` or `QUALIFIER.column` (identifier parts, at
    ///   most one dot), where the qualifier is the resource's table or a
    ///   declared join's alias;
    /// - a join's alias is an identifier, unique, and not the table's name;
    ///   its table is `table` or `schema.table`, its columns identifiers;
    ///   a field on a left join may not be `nullable = false` (a row without
    ///   a related row reads NULL), and the primary key is not on a join;
    /// - an enum has values, none empty, none twice;
    /// - `scale` only on decimal fields, at most 18;
    /// - `contains`/`starts_with`/`ends_with` only on string fields, and
    ///   `gt`/`gte`/`lt`/`lte`/`between` not on boolean fields;
    /// - the primary key names a declared field;
    /// - `default_sort` follows the `?sort=` grammar and names sortable fields, each once;
    /// - `1 <= per_page <= max_per_page`;
    /// - aggregates have unique identifier names, name a declared field (only
    ///   `count` may have none), `sum`/`avg`/`min`/`max` only over integer or
    ///   decimal fields;
    /// - parameter names are non-empty, distinct and made of `[A-Za-z0-9_.-]`;
    /// - every limit is at least 1 (a zero limit would reject every request), except
    ///   `max_offset`, where 0 still serves page 1.
    ///
    /// ```
    /// use listquery::{FieldType, FilterOp, Resource, SchemaError};
    ///
    /// let invoices = Resource::builder("invoices", "invoices")
    ///     .field("id", FieldType::Integer, |f| f.sortable())
    ///     .field("amount", FieldType::Decimal, |f| f.scale(2).filter(&[FilterOp::Gte]))
    ///     .build()
    ///     .unwrap();
    /// assert_eq!(invoices.field_id("amount").map(|id| id.index()), Some(1));
    ///
    /// let err = Resource::builder("invoices", "invoices")
    ///     .field("id", FieldType::Integer, |f| f.sortable())
    ///     .default_sort("-amount")
    ///     .build()
    ///     .unwrap_err();
    /// assert_eq!(
    ///     err.to_string(),
    ///     "resource 'invoices', field 'amount': default_sort names a field that is not declared"
    /// );
    /// ```
    pub fn build(self) -> Result<Resource, SchemaError> {
        let checker = Checker {
            resource: &self.name,
        };
        checker.name()?;
        checker.table(&self.table)?;
        checker.joins(&self.table, &self.joins)?;
        let fields = self.build_fields(&checker)?;
        let field_id = |name: &str| {
            fields
                .iter()
                .position(|f| f.name == name)
                .and_then(FieldId::at)
        };

        let primary_key = field_id(&self.primary_key).ok_or_else(|| {
            checker.field_error(
                &self.primary_key,
                "primary_key names a field that is not declared (the primary key must be a field: it is the sort tie-breaker)",
            )
        })?;
        let default_sort = self.build_default_sort(&checker, &fields)?;
        checker.page_sizes(self.per_page, self.max_per_page)?;
        let aggregates = self.build_aggregates(&checker, &fields)?;
        checker.params(&self.params)?;
        checker.limits(&self.limits)?;
        checker.pagination(&self.pagination)?;
        // Two fields under one name in the rows of the library's select list
        // (a column `status` and a joined field named `status`) would clash.
        let mut row_names: std::collections::HashMap<&str, &str> =
            std::collections::HashMap::with_capacity(fields.len());
        for field in &fields {
            if let Some(other) = row_names.insert(field.row_name(), &field.name) {
                return Err(checker.field_error(
                    &field.name,
                    format!(
                        "is read as '{}' in rows, as the field '{other}' is; give one of them another name",
                        field.row_name()
                    ),
                ));
            }
        }
        let mut fields = fields;
        if let Some(pk) = fields.get_mut(primary_key.index()) {
            if pk.join.is_some() {
                return Err(checker.field_error(
                    &self.primary_key,
                    "the primary key is on a join; it must be a column of the resource's table",
                ));
            }
            pk.nullable = false;
        }
        let mut params = self.params;
        // JSON:API's name for a sparse fieldset, unless the schema renamed it.
        if params.fields == ParamNames::default().fields {
            params.fields =
                ParamName::from(vec!["fields".to_owned(), format!("fields[{}]", self.name)]);
        }

        Ok(Resource {
            name: self.name,
            table: self.table,
            primary_key,
            default_sort,
            per_page: self.per_page,
            max_per_page: self.max_per_page,
            index: (fields.iter().enumerate())
                .filter_map(|(i, f)| Some((f.name.clone(), FieldId::at(i)?)))
                .collect(),
            fields,
            aggregates,
            limits: self.limits,
            params,
            pagination: self.pagination,
            count: self.count,
            exact_count_below: self.exact_count_below,
            empty_filter: self.empty_filter,
            joins: self.joins,
        })
    }

    fn build_fields(&self, checker: &Checker<'_>) -> Result<Vec<Field>, SchemaError> {
        if self.fields.is_empty() {
            return Err(
                checker.error("declares no fields; a resource needs at least its primary key")
            );
        }
        if self.fields.len() > MAX_FIELDS {
            return Err(checker.error(format!(
                "declares {} fields; a resource has at most {MAX_FIELDS}",
                self.fields.len()
            )));
        }
        let mut fields: Vec<Field> = Vec::with_capacity(self.fields.len());
        let mut names = std::collections::HashSet::with_capacity(self.fields.len());
        for f in &self.fields {
            checker.field(f)?;
            if !names.insert(f.name.as_str()) {
                return Err(checker.field_error(&f.name, "is declared twice"));
            }
            let join = checker.column_join(f, &self.table, &self.joins)?;
            fields.push(Field {
                name: f.name.clone(),
                column: f.column.clone().unwrap_or_else(|| f.name.clone()),
                ty: f.ty.clone(),
                enum_values: match &f.ty {
                    FieldType::Enum(values) => values.iter().map(SmolStr::new).collect(),
                    _ => Box::default(),
                },
                sortable: f.sortable,
                filter_ops: f.ops,
                nulls: f.nulls,
                nullable: f.nullable,
                scale: f.scale,
                selectable: f.selectable,
                join,
            });
        }
        Ok(fields)
    }

    fn build_default_sort(
        &self,
        checker: &Checker<'_>,
        fields: &[Field],
    ) -> Result<Vec<(FieldId, SortDirection)>, SchemaError> {
        let Some(sort) = self.default_sort.as_deref() else {
            return Ok(Vec::new());
        };
        // An empty value means "no sort", as it does for `?sort=`.
        if sort.is_empty() {
            return Ok(Vec::new());
        }
        let mut keys = SortItems::new();
        sort_list(sort, &mut keys).map_err(|(offset, problem)| match problem {
            SortProblem::DuplicateField(name) => {
                checker.field_error(&name, "default_sort names the field twice")
            }
            problem => checker.error(format!("default_sort {sort:?}: {problem} at byte {offset}")),
        })?;
        let mut out: Vec<(FieldId, SortDirection)> = Vec::with_capacity(keys.len());
        for key in keys {
            let name = key.field;
            let Some(index) = fields.iter().position(|f| f.name == name) else {
                return Err(
                    checker.field_error(name, "default_sort names a field that is not declared")
                );
            };
            let Some(id) = FieldId::at(index) else {
                return Err(checker.field_error(name, "default_sort names a field past MAX_FIELDS"));
            };
            if !fields.get(index).is_some_and(|f| f.sortable) {
                return Err(checker.field_error(
                    name,
                    "default_sort names a field that is not sortable (add `sort = true` to the field)",
                ));
            }
            if out.iter().any(|(seen, _)| *seen == id) {
                return Err(checker.field_error(name, "default_sort names the field twice"));
            }
            out.push((id, key.direction));
        }
        Ok(out)
    }

    fn build_aggregates(
        &self,
        checker: &Checker<'_>,
        fields: &[Field],
    ) -> Result<Vec<Aggregate>, SchemaError> {
        let mut out: Vec<Aggregate> = Vec::with_capacity(self.aggregates.len());
        for (name, function, field) in &self.aggregates {
            let (name, function) = (name.as_str(), *function);
            if !is_identifier(name) {
                return Err(checker.error(format!(
                    "aggregate {name:?}: the name must match [A-Za-z_][A-Za-z0-9_]*"
                )));
            }
            if out.iter().any(|a| a.name == name) {
                return Err(checker.error(format!("aggregate '{name}' is declared twice")));
            }
            let fn_name = function.as_str();
            let field = match field.as_deref() {
                None if function == AggregateFn::Count => None,
                None => {
                    return Err(checker.error(format!(
                        "aggregate '{name}': {fn_name} needs a field (only count may have none)"
                    )));
                }
                Some(field_name) => {
                    let Some((index, f)) = fields
                        .iter()
                        .enumerate()
                        .find(|(_, f)| f.name == field_name)
                    else {
                        return Err(checker.field_error(
                            field_name,
                            format!("aggregate '{name}' names a field that is not declared"),
                        ));
                    };
                    // The SQL layer reads sum/avg/min/max back as exact numbers only.
                    let numeric = matches!(f.ty, FieldType::Integer | FieldType::Decimal);
                    if function != AggregateFn::Count && !numeric {
                        return Err(checker.field_error(
                            field_name,
                            format!(
                                "aggregate '{name}': {fn_name} needs an integer or decimal field, not a {} field",
                                f.ty.as_str()
                            ),
                        ));
                    }
                    let Some(id) = FieldId::at(index) else {
                        return Err(checker.field_error(
                            field_name,
                            format!("aggregate '{name}' names a field past MAX_FIELDS"),
                        ));
                    };
                    Some(id)
                }
            };
            out.push(Aggregate {
                name: name.to_owned(),
                function,
                field,
            });
        }
        Ok(out)
    }
}

/// Whether `s` matches `[A-Za-z_][A-Za-z0-9_]*`.
pub(crate) fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Whether `s` is `name` or `qualifier.name`, each part an identifier.
fn is_qualified_identifier(s: &str) -> bool {
    match s.split_once('.') {
        Some((qualifier, name)) => is_identifier(qualifier) && is_identifier(name),
        None => is_identifier(s),
    }
}

/// Checks one resource's settings, making errors that name it.
struct Checker<'a> {
    resource: &'a str,
}

impl Checker<'_> {
    fn error(&self, problem: impl Into<String>) -> SchemaError {
        SchemaError::Invalid {
            resource: self.resource.to_owned(),
            field: None,
            problem: problem.into(),
        }
    }

    fn field_error(&self, field: &str, problem: impl Into<String>) -> SchemaError {
        SchemaError::Invalid {
            resource: self.resource.to_owned(),
            field: Some(field.to_owned()),
            problem: problem.into(),
        }
    }

    fn name(&self) -> Result<(), SchemaError> {
        if self.resource.is_empty() || !self.resource.chars().all(is_param_char) {
            return Err(
                self.error("the resource name must be non-empty and made of [A-Za-z0-9_.-]")
            );
        }
        Ok(())
    }

    fn table(&self, table: &str) -> Result<(), SchemaError> {
        if table.is_empty() {
            return Err(self.error("table is empty"));
        }
        if !is_qualified_identifier(table) {
            return Err(self.error(format!(
                "table {table:?} must be an identifier [A-Za-z_][A-Za-z0-9_]*, or schema.table"
            )));
        }
        Ok(())
    }

    fn field(&self, f: &FieldBuilder) -> Result<(), SchemaError> {
        let name = f.name.as_str();
        if !is_identifier(name) {
            return Err(self.field_error(name, "the field name must match [A-Za-z_][A-Za-z0-9_]*"));
        }
        if name == "or" {
            return Err(self.field_error(
                name,
                "`or` is reserved for OR groups (filter[or][0][FIELD]=...); give the field another name and keep the column with column = \"or\"",
            ));
        }
        if let Some(column) = &f.column {
            if column.is_empty() {
                return Err(self.field_error(name, "column is empty"));
            }
            if !is_qualified_identifier(column) {
                return Err(self.field_error(
                    name,
                    format!(
                        "column {column:?} must be an identifier [A-Za-z_][A-Za-z0-9_]*, or table.column (one dot)"
                    ),
                ));
            }
        }
        if let FieldType::Enum(values) = &f.ty {
            if values.is_empty() {
                return Err(self.field_error(name, "an enum field needs at least one value"));
            }
            if values.iter().any(String::is_empty) {
                return Err(self.field_error(name, "an enum value is empty"));
            }
            for (i, v) in values.iter().enumerate() {
                if values.iter().take(i).any(|seen| seen == v) {
                    return Err(
                        self.field_error(name, format!("the enum value {v:?} is listed twice"))
                    );
                }
            }
        }
        if let Some(scale) = f.scale {
            if f.ty != FieldType::Decimal {
                return Err(self.field_error(
                    name,
                    format!(
                        "scale is only for decimal fields, not a {} field",
                        f.ty.as_str()
                    ),
                ));
            }
            if scale > MAX_SCALE {
                return Err(self.field_error(
                    name,
                    format!(
                        "scale {scale} is over {MAX_SCALE}: SQLite aggregates decimals exactly as 64-bit integers of 10^-scale units"
                    ),
                ));
            }
        }
        for op in f.ops.iter() {
            let fits = match op {
                FilterOp::Contains | FilterOp::StartsWith | FilterOp::EndsWith => {
                    f.ty == FieldType::String
                }
                FilterOp::Gt | FilterOp::Gte | FilterOp::Lt | FilterOp::Lte | FilterOp::Between => {
                    f.ty != FieldType::Boolean
                }
                _ => true,
            };
            if !fits {
                return Err(self.field_error(
                    name,
                    format!(
                        "the operator '{op}' does not apply to a {} field",
                        f.ty.as_str()
                    ),
                ));
            }
        }
        Ok(())
    }

    fn joins(&self, table: &str, joins: &[Join]) -> Result<(), SchemaError> {
        let own = table.rsplit('.').next().unwrap_or(table);
        for (i, join) in joins.iter().enumerate() {
            let alias = join.alias.as_str();
            if !is_identifier(alias) {
                return Err(self.error(format!(
                    "join {alias:?}: the alias must match [A-Za-z_][A-Za-z0-9_]*"
                )));
            }
            if alias == own {
                return Err(self.error(format!(
                    "join '{alias}': the alias is the resource's own table name; choose another"
                )));
            }
            if joins.iter().take(i).any(|seen| seen.alias == alias) {
                return Err(self.error(format!("join '{alias}' is declared twice")));
            }
            if !is_qualified_identifier(&join.table) {
                return Err(self.error(format!(
                    "join '{alias}': table {:?} must be an identifier, or schema.table",
                    join.table
                )));
            }
            for (key, column) in [("local", &join.local), ("foreign", &join.foreign)] {
                if !is_identifier(column) {
                    return Err(self.error(format!(
                        "join '{alias}': on.{key} {column:?} must be a column name [A-Za-z_][A-Za-z0-9_]*"
                    )));
                }
            }
        }
        Ok(())
    }

    /// The join a field's column is on: `None` for a column of the table.
    fn column_join(
        &self,
        f: &FieldBuilder,
        table: &str,
        joins: &[Join],
    ) -> Result<Option<usize>, SchemaError> {
        let Some((qualifier, _)) = f.column.as_deref().and_then(|c| c.split_once('.')) else {
            return Ok(None);
        };
        if qualifier == table.rsplit('.').next().unwrap_or(table) {
            return Ok(None);
        }
        let Some(index) = joins.iter().position(|j| j.alias == qualifier) else {
            return Err(self.field_error(
                &f.name,
                format!(
                    "column {:?} is on '{qualifier}', which is neither the table nor a declared join; declare it under [resources.{}.joins.{qualifier}] (listquery adds the join when a request uses the field)",
                    f.column.as_deref().unwrap_or_default(),
                    self.resource
                ),
            ));
        };
        if joins.get(index).is_some_and(|j| j.kind == JoinKind::Left) && !f.nullable {
            return Err(self.field_error(
                &f.name,
                format!(
                    "is on the left join '{qualifier}', so it reads NULL for a row without a related row; remove nullable = false, or make the join inner"
                ),
            ));
        }
        Ok(Some(index))
    }

    fn pagination(&self, modes: &[PaginationMode]) -> Result<(), SchemaError> {
        if modes.is_empty() {
            return Err(self.error(
                "pagination lists no mode; offer offset, simple or cursor (the first is the default)",
            ));
        }
        for (i, mode) in modes.iter().enumerate() {
            if modes.iter().take(i).any(|seen| seen == mode) {
                return Err(self.error(format!("pagination lists '{}' twice", mode.as_str())));
            }
        }
        let both = [PaginationMode::Offset, PaginationMode::Simple];
        if both.iter().all(|m| modes.contains(m)) {
            return Err(self.error(
                "pagination lists both offset and simple; page and per_page select one of them, so offer one",
            ));
        }
        Ok(())
    }

    fn page_sizes(&self, per_page: u64, max_per_page: u64) -> Result<(), SchemaError> {
        if per_page == 0 {
            return Err(self.error("per_page must be at least 1"));
        }
        if max_per_page == 0 {
            return Err(self.error("max_per_page must be at least 1"));
        }
        if per_page > max_per_page {
            return Err(self.error(format!(
                "per_page ({per_page}) is larger than max_per_page ({max_per_page})"
            )));
        }
        Ok(())
    }

    fn params(&self, p: &ParamNames) -> Result<(), SchemaError> {
        let all = p.all();
        let filters = p.filter.names();
        let mut seen: Vec<(&str, &str)> = Vec::new();
        for (key, names) in all {
            if names.names().is_empty() {
                return Err(self.error(format!(
                    "params.{key} = []: a parameter needs at least one name"
                )));
            }
            for name in names.names() {
                let shape_ok = if key == "filter" {
                    is_plain_param_name(name)
                } else {
                    is_param_name(name)
                };
                if !shape_ok {
                    let shape = if key == "filter" {
                        "non-empty and made of [A-Za-z0-9_.-]"
                    } else {
                        "non-empty, made of [A-Za-z0-9_.-] and optionally followed by segments such as [number]"
                    };
                    return Err(self.error(format!(
                        "params.{key} = {name:?}: a parameter name must be {shape}"
                    )));
                }
                if let Some((other, _)) = seen.iter().find(|(_, seen)| seen == name) {
                    return Err(self.error(format!(
                        "params.{key} and params.{other} both accept {name:?}; each name belongs to one parameter"
                    )));
                }
                if key != "filter"
                    && let Some(filter) = filters.iter().find(|f| {
                        name.strip_prefix(f.as_str())
                            .is_some_and(|rest| rest.starts_with('['))
                    })
                {
                    return Err(self.error(format!(
                        "params.{key} = {name:?} would read as a filter ({filter}[FIELD]); choose another name"
                    )));
                }
                seen.push((key, name));
            }
        }
        Ok(())
    }

    fn limits(&self, l: &Limits) -> Result<(), SchemaError> {
        // max_offset may be 0: that still serves page 1 (offset 0).
        let zero = [
            ("max_query_len", l.max_query_len == 0),
            ("max_params", l.max_params == 0),
            ("max_filters", l.max_filters == 0),
            ("max_filter_values", l.max_filter_values == 0),
            ("max_value_len", l.max_value_len == 0),
            ("max_sort_keys", l.max_sort_keys == 0),
            ("max_unpaginated_rows", l.max_unpaginated_rows == 0),
            ("max_bound_values", l.max_bound_values == 0),
            ("max_or_groups", l.max_or_groups == 0),
            ("max_like_patterns", l.max_like_patterns == 0),
        ];
        if let Some((key, _)) = zero.iter().find(|(_, is_zero)| *is_zero) {
            return Err(self.error(format!(
                "limits.{key} is 0, which would reject every request; it must be at least 1"
            )));
        }
        Ok(())
    }
}

/// The largest scale for which 10^scale fits in an `i64`: SQLite's exact
/// decimal aggregates multiply by it.
const MAX_SCALE: u32 = 18;

fn is_param_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')
}

/// `[A-Za-z0-9_.-]+`
fn is_plain_param_name(name: &str) -> bool {
    !name.is_empty() && name.chars().all(is_param_char)
}

/// A plain name, then `[SEGMENT]`s (JSON:API's `page[number]`); a segment of
/// digits alone would read as an array index (SPEC §13).
fn is_param_name(name: &str) -> bool {
    let Some((base, mut rest)) = name.split_once('[') else {
        return is_plain_param_name(name);
    };
    if !is_plain_param_name(base) {
        return false;
    }
    loop {
        let Some((segment, after)) = rest.split_once(']') else {
            return false;
        };
        if !is_plain_param_name(segment) || segment.bytes().all(|b| b.is_ascii_digit()) {
            return false;
        }
        if after.is_empty() {
            return true;
        }
        let Some(next) = after.strip_prefix('[') else {
            return false;
        };
        rest = next;
    }
}

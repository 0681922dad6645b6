//! The TOML/JSON schema file (SPEC §10).
//!
//! The serde model here is only the file's shape; every check of the content
//! happens in [`ResourceBuilder::build`], so a schema built in Rust and one read
//! from a file are held to the same rules. Type, operator, `nulls` and function
//! names are read as strings and mapped here, so that a wrong one is reported
//! with its resource and field instead of as a bare serde message.

use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};

use crate::limits::Limits;
use crate::parse::ParamNames;
use crate::schema::{
    AggregateFn, CountMode, EmptyFilter, FieldType, FilterOp, JoinKind, NullsOrder, PaginationMode,
    Resource, ResourceBuilder, Schema, SchemaError,
};

/// The whole file: `[resources.NAME]` tables.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SchemaFile {
    #[serde(default)]
    resources: OrderedMap<ResourceFile>,
}

/// One `[resources.NAME]` table.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ResourceFile {
    /// Optional in serde so that a missing table is reported with the resource named.
    table: Option<String>,
    primary_key: Option<String>,
    default_sort: Option<String>,
    per_page: Option<u64>,
    max_per_page: Option<u64>,
    #[serde(default)]
    fields: OrderedMap<FieldFile>,
    #[serde(default)]
    aggregates: OrderedMap<AggregateFile>,
    limits: Option<Limits>,
    params: Option<ParamNames>,
    pagination: Option<Vec<String>>,
    count: Option<String>,
    exact_count_below: Option<u64>,
    empty_filter: Option<String>,
    #[serde(default)]
    joins: OrderedMap<JoinFile>,
}

/// One `[resources.NAME.joins.ALIAS]` table (SPEC §15).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct JoinFile {
    table: String,
    on: JoinOn,
    kind: Option<String>,
}

/// `on = { local = "customer_id", foreign = "id" }`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct JoinOn {
    local: String,
    foreign: String,
}

/// One entry of `[resources.NAME.fields]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FieldFile {
    #[serde(rename = "type")]
    ty: String,
    values: Option<Vec<String>>,
    #[serde(default)]
    sort: bool,
    #[serde(default)]
    filter: FilterSetting,
    column: Option<String>,
    nulls: Option<String>,
    nullable: Option<bool>,
    scale: Option<u32>,
    select: Option<bool>,
}

/// One entry of `[resources.NAME.aggregates]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AggregateFile {
    function: String,
    field: Option<String>,
}

/// `filter = true | false | ["eq", ...]`.
#[derive(Debug, Default)]
enum FilterSetting {
    /// Absent or `false`: not filterable.
    #[default]
    Off,
    /// `true`: `["eq"]`.
    On,
    /// An explicit list of operator names.
    Ops(Vec<String>),
}

impl<'de> Deserialize<'de> for FilterSetting {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct FilterVisitor;
        impl<'de> Visitor<'de> for FilterVisitor {
            type Value = FilterSetting;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("true, false or a list of operator names")
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<FilterSetting, E> {
                Ok(if v {
                    FilterSetting::On
                } else {
                    FilterSetting::Off
                })
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<FilterSetting, A::Error> {
                let mut ops = Vec::new();
                while let Some(op) = seq.next_element::<String>()? {
                    ops.push(op);
                }
                Ok(FilterSetting::Ops(ops))
            }
        }
        d.deserialize_any(FilterVisitor)
    }
}

/// A table whose entries keep the order of the file (serde_json always gives
/// document order; toml does with its `preserve_order` feature). Duplicate
/// keys, which JSON allows, are kept so that the checker can report them.
#[derive(Debug)]
struct OrderedMap<T>(Vec<(String, T)>);

impl<T> Default for OrderedMap<T> {
    fn default() -> Self {
        Self(Vec::new())
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for OrderedMap<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct MapVisitor<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for MapVisitor<T> {
            type Value = OrderedMap<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a table")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<OrderedMap<T>, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry::<String, T>()? {
                    entries.push(entry);
                }
                Ok(OrderedMap(entries))
            }
        }
        d.deserialize_map(MapVisitor(PhantomData))
    }
}

const TYPE_NAMES: &str = "string, integer, decimal, boolean, date, datetime, enum";
const FUNCTION_NAMES: &str = "sum, avg, min, max, count";

impl SchemaFile {
    /// Checks every resource and builds the schema.
    pub(crate) fn into_schema(self, format: &'static str) -> Result<Schema, SchemaError> {
        if self.resources.0.is_empty() {
            return Err(SchemaError::Syntax {
                format,
                message: "the schema declares no resources; add a [resources.NAME] table"
                    .to_owned(),
            });
        }
        let mut schema = Schema::new();
        for (name, resource) in self.resources.0 {
            if schema.resource(&name).is_some() {
                return Err(invalid(&name, None, "the resource is declared twice"));
            }
            schema.insert(resource.into_resource(name)?);
        }
        Ok(schema)
    }
}

impl ResourceFile {
    fn into_resource(self, name: String) -> Result<Resource, SchemaError> {
        let Some(table) = self.table else {
            return Err(invalid(&name, None, "table is required"));
        };
        let mut builder = ResourceBuilder::new(name.as_str(), table);
        if let Some(pk) = self.primary_key {
            builder = builder.primary_key(pk);
        }
        if let Some(sort) = self.default_sort {
            builder = builder.default_sort(sort);
        }
        if let Some(n) = self.per_page {
            builder = builder.per_page(n);
        }
        if let Some(n) = self.max_per_page {
            builder = builder.max_per_page(n);
        }
        for (alias, join) in self.joins.0 {
            let kind = match join.kind.as_deref() {
                None | Some("left") => JoinKind::Left,
                Some("inner") => JoinKind::Inner,
                Some(other) => {
                    return Err(invalid(
                        &name,
                        None,
                        format!("join '{alias}': unknown kind '{other}'; expected left or inner"),
                    ));
                }
            };
            builder = builder.join(alias, join.table, join.on.local, join.on.foreign, kind);
        }
        for (field_name, field) in self.fields.0 {
            builder = field.add_to(&name, field_name, builder)?;
        }
        for (agg_name, agg) in self.aggregates.0 {
            let function = aggregate_fn(&agg.function).ok_or_else(|| {
                invalid(
                    &name,
                    None,
                    format!(
                        "aggregate '{agg_name}': unknown function '{}'; expected one of {FUNCTION_NAMES}",
                        agg.function
                    ),
                )
            })?;
            builder = builder.aggregate(agg_name, function, agg.field.as_deref());
        }
        if let Some(limits) = self.limits {
            builder = builder.limits(limits);
        }
        if let Some(params) = self.params {
            builder = builder.params(params);
        }
        if let Some(names) = self.pagination {
            let mut modes = Vec::with_capacity(names.len());
            for mode in &names {
                modes.push(mode.parse::<PaginationMode>().map_err(|_| {
                    invalid(
                        &name,
                        None,
                        format!(
                            "unknown pagination mode '{mode}'; expected offset, simple or cursor"
                        ),
                    )
                })?);
            }
            builder = builder.pagination(&modes);
        }
        if let Some(count) = self.count {
            let mode = match count.as_str() {
                "exact" => CountMode::Exact,
                "estimated" => CountMode::Estimated,
                other => {
                    return Err(invalid(
                        &name,
                        None,
                        format!("unknown count '{other}'; expected exact or estimated"),
                    ));
                }
            };
            builder = builder.count(mode);
        }
        if let Some(rows) = self.exact_count_below {
            builder = builder.exact_count_below(rows);
        }
        if let Some(empty) = self.empty_filter {
            let empty = match empty.as_str() {
                "error" => EmptyFilter::Error,
                "ignore" => EmptyFilter::Ignore,
                other => {
                    return Err(invalid(
                        &name,
                        None,
                        format!("unknown empty_filter '{other}'; expected error or ignore"),
                    ));
                }
            };
            builder = builder.empty_filter(empty);
        }
        builder.build()
    }
}

impl FieldFile {
    fn add_to(
        self,
        resource: &str,
        name: String,
        builder: ResourceBuilder,
    ) -> Result<ResourceBuilder, SchemaError> {
        let fail = |problem: String| invalid(resource, Some(&name), problem);
        let ty = match (self.ty.as_str(), self.values) {
            ("enum", Some(values)) => FieldType::Enum(values),
            ("enum", None) => {
                return Err(fail(
                    "an enum field needs `values`, a list of strings".to_owned(),
                ));
            }
            (other, values) => {
                let ty = field_type(other).ok_or_else(|| {
                    fail(format!(
                        "unknown type '{other}'; expected one of {TYPE_NAMES}"
                    ))
                })?;
                if values.is_some() {
                    return Err(fail(format!(
                        "`values` is only for enum fields, not a {other} field"
                    )));
                }
                ty
            }
        };
        let ops: Vec<FilterOp> = match self.filter {
            FilterSetting::Off => Vec::new(),
            FilterSetting::On => vec![FilterOp::Eq],
            FilterSetting::Ops(names) => {
                let mut ops = Vec::with_capacity(names.len());
                for op_name in &names {
                    let op = op_name.parse::<FilterOp>().map_err(|_| {
                        let all: Vec<&str> = FilterOp::ALL.iter().map(|op| op.as_str()).collect();
                        fail(format!(
                            "unknown operator '{op_name}'; expected one of {}",
                            all.join(", ")
                        ))
                    })?;
                    if ops.contains(&op) {
                        return Err(fail(format!("the operator '{op}' is listed twice")));
                    }
                    ops.push(op);
                }
                ops
            }
        };
        let nulls = match self.nulls.as_deref() {
            None | Some("last") => NullsOrder::Last,
            Some("first") => NullsOrder::First,
            Some(other) => {
                return Err(fail(format!(
                    "unknown nulls '{other}'; expected first or last"
                )));
            }
        };
        let (sort, column, scale) = (self.sort, self.column, self.scale);
        let selectable = self.select.unwrap_or(true);
        let not_null = self.nullable == Some(false);
        Ok(builder.field(name.as_str(), ty, |mut f| {
            f = f.filter(&ops).nulls(nulls).select(selectable);
            if not_null {
                f = f.not_null();
            }
            if sort {
                f = f.sortable();
            }
            if let Some(column) = column {
                f = f.column(column);
            }
            if let Some(scale) = scale {
                f = f.scale(scale);
            }
            f
        }))
    }
}

fn field_type(name: &str) -> Option<FieldType> {
    Some(match name {
        "string" => FieldType::String,
        "integer" => FieldType::Integer,
        "decimal" => FieldType::Decimal,
        "boolean" => FieldType::Boolean,
        "date" => FieldType::Date,
        "datetime" => FieldType::DateTime,
        _ => return None,
    })
}

fn aggregate_fn(name: &str) -> Option<AggregateFn> {
    [
        AggregateFn::Sum,
        AggregateFn::Avg,
        AggregateFn::Min,
        AggregateFn::Max,
        AggregateFn::Count,
    ]
    .into_iter()
    .find(|f| f.as_str() == name)
}

fn invalid(resource: &str, field: Option<&str>, problem: impl Into<String>) -> SchemaError {
    SchemaError::Invalid {
        resource: resource.to_owned(),
        field: field.map(str::to_owned),
        problem: problem.into(),
    }
}

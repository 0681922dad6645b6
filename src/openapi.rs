//! OpenAPI 3.1 from the schema (feature `openapi`): every query parameter a
//! resource accepts, with its type and allowed values, and the error body,
//! as [utoipa](https://docs.rs/utoipa)'s model, ready to merge into your own
//! document or serve as is.
//!
//! Each filter is its own parameter, named as clients send it
//! (`filter[status]`, `filter[amount][gte]`, `filter[or][0][status]` is
//! described once in the `filter` description): OpenAPI's `deepObject` style
//! cannot say which operators a field allows. Values are strings in the
//! value-list grammar (SPEC §3): comma-separated, quoted where they hold a
//! comma.
//!
//! ```
//! use listquery::Schema;
//!
//! let schema = Schema::from_path("examples/schema.toml").unwrap();
//! let doc = listquery::openapi::document(&schema, "Demo API", "1.0.0");
//! let json = serde_json::to_value(&doc).unwrap();
//! assert_eq!(json["openapi"], "3.1.0");
//! let params = json["paths"]["/invoices"]["get"]["parameters"].as_array().unwrap();
//! assert!(params.iter().any(|p| p["name"] == "filter[amount][gte]"));
//! ```

/// utoipa, re-exported: the model's types at the version this crate builds.
pub use utoipa;

use utoipa::openapi::path::{
    HttpMethod, Operation, OperationBuilder, Parameter, ParameterBuilder, ParameterIn,
};
use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Schema as OaSchema, Type};
use utoipa::openapi::{
    ComponentsBuilder, ContentBuilder, InfoBuilder, OpenApi, OpenApiBuilder, PathItem,
    PathsBuilder, Ref, RefOr, Required, ResponseBuilder,
};

use crate::error::ErrorCode;
use crate::parse::ParamName;
use crate::schema::{Field, FieldType, FilterOp, PaginationMode, Resource, Schema};

/// The name of the error body's schema under `components/schemas`.
pub const ERROR_SCHEMA: &str = "ListQueryErrors";

/// A document with one `GET /RESOURCE` per resource of `schema`, its
/// parameters, its 200 and its 400 (the error body as a component).
pub fn document(schema: &Schema, title: &str, version: &str) -> OpenApi {
    let mut paths = PathsBuilder::new();
    for resource in schema.resources() {
        paths = paths.path(
            format!("/{}", resource.name()),
            PathItem::new(HttpMethod::Get, operation(resource)),
        );
    }
    OpenApiBuilder::new()
        .info(InfoBuilder::new().title(title).version(version).build())
        .paths(paths.build())
        .components(Some(
            ComponentsBuilder::new()
                .schema(ERROR_SCHEMA, error_schema())
                .build(),
        ))
        .build()
}

/// `GET /RESOURCE`: [`parameters`], a 200 with the page (or, unpaginated, an
/// array of rows) and a 400 with the error body (a `$ref` to
/// [`ERROR_SCHEMA`], which [`document`] defines).
pub fn operation(resource: &Resource) -> Operation {
    let json = |schema: RefOr<OaSchema>| ContentBuilder::new().schema(Some(schema)).build();
    let page = ObjectBuilder::new()
        .schema_type(Type::Object)
        .description(Some(
            "A page (Laravel's envelope: total, per_page, current_page, last_page, the page URLs, \
             from, to, data, and metadata when asked for; or the simple or cursor envelope), or \
             for an unpaginated request a JSON array of rows",
        ))
        .build();
    OperationBuilder::new()
        .operation_id(Some(format!("list_{}", resource.name())))
        .summary(Some(format!("List {}", resource.name())))
        .parameters(Some(parameters(resource)))
        .response(
            "200",
            ResponseBuilder::new()
                .description("The rows")
                .content("application/json", json(page.into()))
                .build(),
        )
        .response(
            "400",
            ResponseBuilder::new()
                .description("The query is not valid; every error is listed")
                .content(
                    "application/json",
                    json(Ref::from_schema_name(ERROR_SCHEMA).into()),
                )
                .build(),
        )
        .build()
}

/// Every query parameter `resource` accepts, under each of its names.
pub fn parameters(resource: &Resource) -> Vec<Parameter> {
    let names = resource.params();
    let limits = resource.limits();
    let mut out = Vec::new();
    let sortable: Vec<String> = resource.sortable_fields();
    if !sortable.is_empty() {
        let key = format!("[-+]?({})", sortable.join("|"));
        let text = string()
            .pattern(Some(format!("^({key}(,{key})*)?$")))
            .build();
        push(
            &mut out,
            &names.sort,
            text,
            format!(
                "Sort keys joined by commas, `-` for descending (at most {}): {}. The primary key ends every sort.",
                limits.max_sort_keys,
                sortable.join(", ")
            ),
        );
    }
    for field in resource.fields() {
        for op in field.filter_ops().iter() {
            let key = match op {
                FilterOp::Eq => format!("[{}]", field.name()),
                op => format!("[{}][{op}]", field.name()),
            };
            let keys: Vec<String> = (names.filter.names().iter())
                .map(|prefix| format!("{prefix}{key}"))
                .collect();
            push(
                &mut out,
                &ParamName::from(keys),
                filter_schema(field, op),
                filter_description(field, op),
            );
        }
    }
    let paginated =
        resource.offers(PaginationMode::Offset) || resource.offers(PaginationMode::Simple);
    if paginated {
        let page = ObjectBuilder::new()
            .schema_type(Type::Integer)
            .minimum(Some(1))
            .build();
        push(
            &mut out,
            &names.page,
            page,
            "The page number, from 1.".to_owned(),
        );
    }
    let size = ObjectBuilder::new()
        .schema_type(Type::Integer)
        .minimum(Some(1))
        .maximum(Some(resource.max_per_page() as f64))
        .default(Some(resource.per_page().into()))
        .build();
    push(
        &mut out,
        &names.per_page,
        size,
        format!("Rows per page, at most {}.", resource.max_per_page()),
    );
    if resource.offers(PaginationMode::Cursor) {
        push(
            &mut out,
            &names.cursor,
            string().build(),
            "A cursor from a page's next_cursor or prev_cursor; empty for the first cursor page. Not with page."
                .to_owned(),
        );
    }
    if !resource.aggregates().is_empty() {
        let aggregates: Vec<&str> = resource.aggregates().iter().map(|a| a.name()).collect();
        let flag = string()
            .enum_values(Some(["1", "0", "true", "false", ""]))
            .build();
        push(
            &mut out,
            &names.metadata,
            flag,
            format!(
                "Compute the aggregates over every matching row ({}); paginated requests only.",
                aggregates.join(", ")
            ),
        );
    }
    let selectable = resource.selectable_fields();
    if !selectable.is_empty() {
        let key = format!("({})", selectable.join("|"));
        let list = string()
            .pattern(Some(format!("^({key}(,{key})*)?$")))
            .build();
        push(
            &mut out,
            &names.fields,
            list,
            format!(
                "Only these fields, joined by commas (the primary key always comes): {}.",
                selectable.join(", ")
            ),
        );
    }
    out
}

/// One parameter under each of `names`; an alias says whose it is.
fn push(
    out: &mut Vec<Parameter>,
    names: &ParamName,
    schema: impl Into<OaSchema>,
    description: String,
) {
    let schema: OaSchema = schema.into();
    for (n, name) in names.names().iter().enumerate() {
        let description = if n == 0 {
            description.clone()
        } else {
            format!("Another name of {}. {description}", names.name())
        };
        out.push(
            ParameterBuilder::new()
                .name(name.as_str())
                .parameter_in(ParameterIn::Query)
                .required(Required::False)
                .description(Some(description))
                .schema(Some(schema.clone()))
                .build(),
        );
    }
}

fn string() -> ObjectBuilder {
    ObjectBuilder::new().schema_type(Type::String)
}

/// The value of `filter[...]`: one of the enum's values or `null`'s flags
/// where the value is single, else text in the value-list grammar.
fn filter_schema(field: &Field, op: FilterOp) -> OaSchema {
    match (op, field.ty()) {
        (FilterOp::Null, _) => string()
            .enum_values(Some(["true", "false", "1", "0"]))
            .build()
            .into(),
        (FilterOp::Gt | FilterOp::Gte | FilterOp::Lt | FilterOp::Lte, FieldType::Enum(values)) => {
            string().enum_values(Some(values.clone())).build().into()
        }
        _ => string().min_length(Some(1)).build().into(),
    }
}

fn filter_description(field: &Field, op: FilterOp) -> String {
    let ty = match field.ty() {
        FieldType::String => "text".to_owned(),
        FieldType::Integer => "an integer".to_owned(),
        FieldType::Decimal => "a decimal number".to_owned(),
        FieldType::Boolean => "true, false, 1 or 0".to_owned(),
        FieldType::Date => "a date YYYY-MM-DD".to_owned(),
        FieldType::DateTime => "a datetime YYYY-MM-DD HH:MM:SS (UTC) or RFC 3339".to_owned(),
        FieldType::Enum(values) => format!("one of {}", values.join(", ")),
    };
    let what = match op {
        FilterOp::Eq => format!(
            "{} equals one of the values, joined by commas",
            field.name()
        ),
        FilterOp::Ne => format!(
            "{} equals none of the values, joined by commas",
            field.name()
        ),
        FilterOp::Gt => format!("{} is greater than the value", field.name()),
        FilterOp::Gte => format!("{} is at least the value", field.name()),
        FilterOp::Lt => format!("{} is less than the value", field.name()),
        FilterOp::Lte => format!("{} is at most the value", field.name()),
        FilterOp::Between => format!(
            "{} is between two values (inclusive), joined by a comma",
            field.name()
        ),
        FilterOp::Contains => format!(
            "{} contains one of the values (case-insensitive)",
            field.name()
        ),
        FilterOp::StartsWith => format!(
            "{} starts with one of the values (case-insensitive)",
            field.name()
        ),
        FilterOp::EndsWith => format!(
            "{} ends with one of the values (case-insensitive)",
            field.name()
        ),
        FilterOp::Null => return format!("{} is NULL (true) or not (false)", field.name()),
    };
    format!(
        "{what}; each value {ty}. Quote a value that holds a comma (\"Smith, John\"). Also as an array (filter[f][]=a&filter[f][]=b), and inside OR groups (filter[or][0][f]=...)."
    )
}

/// The JSON:API-style error body of a 400 (SPEC §8).
fn error_schema() -> OaSchema {
    let codes: Vec<&str> = ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
    let source = ObjectBuilder::new()
        .schema_type(Type::Object)
        .property("parameter", string())
        .build();
    let error = ObjectBuilder::new()
        .schema_type(Type::Object)
        .property("status", string().enum_values(Some(["400"])))
        .property("code", string().enum_values(Some(codes)))
        .property("title", string())
        .property("detail", string())
        .property("source", source)
        .required("status")
        .required("code")
        .required("title")
        .required("detail")
        .build();
    ObjectBuilder::new()
        .schema_type(Type::Object)
        .property(
            "errors",
            ArrayBuilder::new().items(error).min_items(Some(1)),
        )
        .required("errors")
        .build()
        .into()
}

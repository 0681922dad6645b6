//! Loading and checking schemas (SPEC §10): the seed schema, its JSON twin, and
//! one case per mistake, each naming the right resource and field.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use listquery::{
    AggregateFn, FieldType, FilterOp, JoinKind, Limits, NullsOrder, OpSet, ParamNames, Resource,
    Schema, SchemaError, SortDirection,
};

const SEED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/schema.toml");
/// The seed schema converted to JSON (keys in file order); regenerate it when
/// examples/schema.toml changes.
const SEED_JSON: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/schemas/seed.json");

fn field_names(r: &Resource) -> Vec<&str> {
    r.fields().iter().map(|f| f.name()).collect()
}

fn field<'r>(r: &'r Resource, name: &str) -> &'r listquery::Field {
    r.field(
        r.field_id(name)
            .unwrap_or_else(|| panic!("no field {name}")),
    )
}

#[test]
fn seed_schema_loads_with_its_resources_fields_and_operators() {
    let schema = Schema::from_path(SEED).unwrap();
    let names: Vec<&str> = schema.resources().map(|r| r.name()).collect();
    assert_eq!(names, ["customers", "invoices", "orders"]);

    let invoices = schema.resource("invoices").unwrap();
    assert_eq!(invoices.table(), "invoices");
    assert_eq!(
        field_names(invoices),
        [
            "id",
            "number",
            "status",
            "amount",
            "paid",
            "due_on",
            "created_at",
            "updated_at",
            "customer",
            "order",
            "order_number",
            "order_placed_on"
        ],
        "fields keep their declaration order"
    );
    assert_eq!(invoices.field(invoices.primary_key()).name(), "id");
    let created_at = invoices.field_id("created_at").unwrap();
    assert_eq!(invoices.default_sort(), [(created_at, SortDirection::Desc)]);
    assert_eq!((invoices.per_page(), invoices.max_per_page()), (15, 100));

    let status = field(invoices, "status");
    assert_eq!(
        status.ty(),
        &FieldType::Enum(vec![
            "draft".into(),
            "sent".into(),
            "paid".into(),
            "void".into()
        ])
    );
    assert_eq!(
        status.filter_ops(),
        OpSet::of(&[FilterOp::Eq, FilterOp::Ne])
    );
    assert!(status.sortable());

    let amount = field(invoices, "amount");
    assert_eq!(amount.ty(), &FieldType::Decimal);
    assert_eq!(amount.scale(), Some(2));
    assert_eq!(
        amount.filter_ops().iter().collect::<Vec<_>>(),
        [
            FilterOp::Eq,
            FilterOp::Gt,
            FilterOp::Gte,
            FilterOp::Lt,
            FilterOp::Lte,
            FilterOp::Between
        ]
    );

    // `filter = true` is `["eq"]`; no `filter` is not filterable; no `sort` is not sortable.
    assert_eq!(
        field(invoices, "paid").filter_ops(),
        OpSet::of(&[FilterOp::Eq])
    );
    assert!(field(invoices, "updated_at").filter_ops().is_empty());
    assert!(!field(invoices, "paid").sortable());

    assert_eq!(field(invoices, "due_on").nulls(), NullsOrder::First);
    assert_eq!(field(invoices, "created_at").nulls(), NullsOrder::Last);
    assert_eq!(field(invoices, "customer").column(), "customer_id");
    assert_eq!(field(invoices, "number").column(), "number");

    let aggregates = invoices.aggregates();
    assert_eq!(aggregates.len(), 1);
    assert_eq!(aggregates[0].name(), "total_amount");
    assert_eq!(aggregates[0].function(), AggregateFn::Sum);
    assert_eq!(aggregates[0].field(), invoices.field_id("amount"));

    assert_eq!(invoices.limits(), &Limits::new().max_filters(10));
    // The seed accepts `limit` for `per_page` (SPEC §13); links write `per_page`.
    assert_eq!(
        invoices.params(),
        &ParamNames::default()
            .per_page(["per_page", "limit"])
            .fields(["fields", "fields[invoices]"])
    );
    // Related fields (SPEC §15): on the left join `order`, not selectable.
    let order = &invoices.joins()[0];
    assert_eq!(
        (order.alias(), order.table(), order.local(), order.foreign()),
        ("order", "orders", "order_id", "id")
    );
    assert_eq!(order.kind(), JoinKind::Left);
    let placed_on = field(invoices, "order_placed_on");
    assert_eq!(placed_on.join(), Some(0));
    assert_eq!(placed_on.row_name(), "order_placed_on");
    assert!(!placed_on.selectable() && placed_on.sortable());
    assert_eq!(field(invoices, "customer").row_name(), "customer_id");

    let orders = schema.resource("orders").unwrap();
    assert!(orders.aggregates().is_empty());
    assert_eq!(orders.limits(), &Limits::new());
    assert_eq!(
        orders.default_sort(),
        [(orders.field_id("placed_on").unwrap(), SortDirection::Desc)]
    );
}

#[test]
fn seed_schema_as_json_loads_equal() {
    let toml = Schema::from_path(SEED).unwrap();
    let json = Schema::from_path(SEED_JSON).unwrap();
    assert_eq!(toml, json);
    let text = std::fs::read_to_string(SEED_JSON).unwrap();
    assert_eq!(Schema::from_json_str(&text).unwrap(), toml);
}

#[test]
fn builder_and_file_give_the_same_resource() {
    let file = Schema::from_toml_str(
        r#"
        [resources.orders]
        table = "orders"
        default_sort = "-placed_on,number"
        per_page = 20
        max_per_page = 50
        [resources.orders.joins.customers]
        table = "customers"
        on = { local = "customer_id", foreign = "id" }
        [resources.orders.fields]
        id        = { type = "integer", sort = true, filter = ["eq", "gt"] }
        number    = { type = "string", sort = true, filter = ["contains"] }
        placed_on = { type = "date", sort = true, nulls = "first" }
        customer  = { type = "integer", column = "customers.id", filter = true }
        total     = { type = "decimal", scale = 2 }
        [resources.orders.aggregates]
        orders = { function = "count" }
        biggest = { function = "max", field = "total" }
        [resources.orders.limits]
        max_sort_keys = 2
        [resources.orders.params]
        per_page = "limit"
        "#,
    )
    .unwrap();
    let built = Resource::builder("orders", "orders")
        .default_sort("-placed_on,number")
        .per_page(20)
        .max_per_page(50)
        .field("id", FieldType::Integer, |f| {
            f.sortable().filter(&[FilterOp::Eq, FilterOp::Gt])
        })
        .field("number", FieldType::String, |f| {
            f.sortable().filter(&[FilterOp::Contains])
        })
        .field("placed_on", FieldType::Date, |f| {
            f.sortable().nulls(NullsOrder::First)
        })
        .join(
            "customers",
            "customers",
            "customer_id",
            "id",
            JoinKind::Left,
        )
        .field("customer", FieldType::Integer, |f| {
            f.column("customers.id").filter(&[FilterOp::Eq])
        })
        .field("total", FieldType::Decimal, |f| f.scale(2))
        .aggregate("orders", AggregateFn::Count, None)
        .aggregate("biggest", AggregateFn::Max, Some("total"))
        .limits(Limits::new().max_sort_keys(2))
        .params(ParamNames::default().per_page("limit"))
        .build()
        .unwrap();
    assert_eq!(file.resource("orders").unwrap().as_ref(), &built);
    assert_eq!(built.params().per_page.names(), ["limit"]);
    assert_eq!(built.default_sort().len(), 2);
}

/// One schema mistake: the file text (TOML unless it starts with `{`), and the
/// resource, field and part of the problem the error must name.
struct Case {
    text: &'static str,
    resource: &'static str,
    field: Option<&'static str>,
    problem: &'static str,
}

/// A valid resource placed before each case's, so that naming the right
/// resource is part of what is checked.
const GOOD: &str = r#"
[resources.customers]
table = "customers"
[resources.customers.fields]
id = { type = "integer", sort = true }
"#;

const fn case(
    text: &'static str,
    resource: &'static str,
    field: Option<&'static str>,
    problem: &'static str,
) -> Case {
    Case {
        text,
        resource,
        field,
        problem,
    }
}

const CASES: &[Case] = &[
    // The resource itself.
    case(
        "[resources.invoices]\ntable = \"\"\nfields.id = { type = \"integer\" }",
        "invoices",
        None,
        "table is empty",
    ),
    case(
        "[resources.invoices]\nfields.id = { type = \"integer\" }",
        "invoices",
        None,
        "table is required",
    ),
    case(
        "[resources.invoices]\ntable = \"invoices; DROP\"\nfields.id = { type = \"integer\" }",
        "invoices",
        None,
        "must be an identifier",
    ),
    case(
        "[resources.invoices]\ntable = \"invoices\"",
        "invoices",
        None,
        "declares no fields",
    ),
    case(
        "[resources.\"in voices\"]\ntable = \"invoices\"\nfields.id = { type = \"integer\" }",
        "in voices",
        None,
        "resource name",
    ),
    // Field names and columns.
    case(
        "[resources.invoices]\ntable = \"invoices\"\nfields.id = { type = \"integer\" }\nfields.\"due-on\" = { type = \"date\" }",
        "invoices",
        Some("due-on"),
        "must match [A-Za-z_][A-Za-z0-9_]*",
    ),
    case(
        "[resources.invoices]\ntable = \"invoices\"\nfields.id = { type = \"integer\" }\nfields.\"2nd\" = { type = \"date\" }",
        "invoices",
        Some("2nd"),
        "must match",
    ),
    case(
        r#"{"resources": {"invoices": {"table": "invoices", "fields": {
            "id": {"type": "integer"}, "amount": {"type": "decimal"}, "id": {"type": "string"}}}}}"#,
        "invoices",
        Some("id"),
        "declared twice",
    ),
    case(
        "[resources.invoices]\ntable = \"invoices\"\nfields.id = { type = \"integer\" }\nfields.customer = { type = \"integer\", column = \"\" }",
        "invoices",
        Some("customer"),
        "column is empty",
    ),
    case(
        "[resources.invoices]\ntable = \"invoices\"\nfields.id = { type = \"integer\" }\nfields.customer = { type = \"integer\", column = \"public.customers.id\" }",
        "invoices",
        Some("customer"),
        "table.column (one dot)",
    ),
    case(
        "[resources.invoices]\ntable = \"invoices\"\nfields.id = { type = \"integer\" }\nfields.customer = { type = \"integer\", column = \"customer_id\\\"--\" }",
        "invoices",
        Some("customer"),
        "must be an identifier",
    ),
    case(
        "[resources.invoices]\ntable = \"invoices\"\nfields.id = { type = \"integer\" }\nfields.customer = { type = \"integer\", column = \"customers.\" }",
        "invoices",
        Some("customer"),
        "must be an identifier",
    ),
    // Types.
    case(
        "[resources.invoices]\ntable = \"invoices\"\nfields.id = { type = \"integer\" }\nfields.amount = { type = \"money\" }",
        "invoices",
        Some("amount"),
        "unknown type 'money'; expected one of string, integer, decimal, boolean, date, datetime, enum",
    ),
    case(
        "[resources.invoices]\ntable = \"invoices\"\nfields.id = { type = \"integer\" }\nfields.status = { type = \"enum\", values = [] }",
        "invoices",
        Some("status"),
        "at least one value",
    ),
    case(
        "[resources.invoices]\ntable = \"invoices\"\nfields.id = { type = \"integer\" }\nfields.status = { type = \"enum\" }",
        "invoices",
        Some("status"),
        "needs `values`",
    ),
    case(
        "[resources.invoices]\ntable = \"invoices\"\nfields.id = { type = \"integer\" }\nfields.status = { type = \"enum\", values = [\"paid\", \"sent\", \"paid\"] }",
        "invoices",
        Some("status"),
        "\"paid\" is listed twice",
    ),
    case(
        "[resources.invoices]\ntable = \"invoices\"\nfields.id = { type = \"integer\" }\nfields.status = { type = \"enum\", values = [\"paid\", \"\"] }",
        "invoices",
        Some("status"),
        "enum value is empty",
    ),
    case(
        "[resources.invoices]\ntable = \"invoices\"\nfields.id = { type = \"integer\" }\nfields.number = { type = \"string\", values = [\"a\"] }",
        "invoices",
        Some("number"),
        "only for enum fields",
    ),
    case(
        "[resources.invoices]\ntable = \"invoices\"\nfields.id = { type = \"integer\", scale = 2 }",
        "invoices",
        Some("id"),
        "scale is only for decimal fields",
    ),
    case(
        "[resources.invoices]\ntable = \"invoices\"\nfields.id = { type = \"integer\" }\nfields.amount = { type = \"decimal\", scale = 19 }",
        "invoices",
        Some("amount"),
        "scale 19 is over 18: SQLite aggregates decimals exactly as 64-bit integers",
    ),
    case(
        "[resources.invoices]\ntable = \"invoices\"\nfields.id = { type = \"integer\" }\nfields.due_on = { type = \"date\", nulls = \"middle\" }",
        "invoices",
        Some("due_on"),
        "unknown nulls 'middle'",
    ),
    // Operators.
    case(
        "[resources.invoices]\ntable = \"invoices\"\nfields.id = { type = \"integer\", filter = [\"eq\", \"like\"] }",
        "invoices",
        Some("id"),
        "unknown operator 'like'; expected one of eq, ne, gt",
    ),
    case(
        "[resources.invoices]\ntable = \"invoices\"\nfields.id = { type = \"integer\", filter = [\"eq\", \"gt\", \"eq\"] }",
        "invoices",
        Some("id"),
        "'eq' is listed twice",
    ),
    case(
        "[resources.invoices]\ntable = \"invoices\"\nfields.id = { type = \"integer\", filter = [\"contains\"] }",
        "invoices",
        Some("id"),
        "'contains' does not apply to a integer field",
    ),
    case(
        "[resources.invoices]\ntable = \"invoices\"\nfields.id = { type = \"integer\" }\nfields.paid = { type = \"boolean\", filter = [\"between\"] }",
        "invoices",
        Some("paid"),
        "'between' does not apply to a boolean field",
    ),
    // Primary key and default sort.
    case(
        "[resources.invoices]\ntable = \"invoices\"\nprimary_key = \"uuid\"\nfields.id = { type = \"integer\" }",
        "invoices",
        Some("uuid"),
        "primary_key names a field that is not declared",
    ),
    case(
        "[resources.invoices]\ntable = \"invoices\"\ndefault_sort = \"-created_at\"\nfields.id = { type = \"integer\", sort = true }",
        "invoices",
        Some("created_at"),
        "default_sort names a field that is not declared",
    ),
    case(
        "[resources.invoices]\ntable = \"invoices\"\ndefault_sort = \"-amount\"\nfields.id = { type = \"integer\", sort = true }\nfields.amount = { type = \"decimal\" }",
        "invoices",
        Some("amount"),
        "not sortable",
    ),
    case(
        "[resources.invoices]\ntable = \"invoices\"\ndefault_sort = \"id,-id\"\nfields.id = { type = \"integer\", sort = true }",
        "invoices",
        Some("id"),
        "default_sort names the field twice",
    ),
    case(
        "[resources.invoices]\ntable = \"invoices\"\ndefault_sort = \"id,,-id\"\nfields.id = { type = \"integer\", sort = true }",
        "invoices",
        None,
        "default_sort \"id,,-id\": an empty sort key",
    ),
    case(
        "[resources.invoices]\ntable = \"invoices\"\ndefault_sort = \"-created at\"\nfields.id = { type = \"integer\", sort = true }",
        "invoices",
        None,
        "default_sort \"-created at\"",
    ),
    // Page sizes.
    case(
        "[resources.invoices]\ntable = \"invoices\"\nper_page = 0\nfields.id = { type = \"integer\" }",
        "invoices",
        None,
        "per_page must be at least 1",
    ),
    case(
        "[resources.invoices]\ntable = \"invoices\"\nper_page = 1\nmax_per_page = 0\nfields.id = { type = \"integer\" }",
        "invoices",
        None,
        "max_per_page must be at least 1",
    ),
    case(
        "[resources.invoices]\ntable = \"invoices\"\nper_page = 50\nmax_per_page = 20\nfields.id = { type = \"integer\" }",
        "invoices",
        None,
        "per_page (50) is larger than max_per_page (20)",
    ),
    // Aggregates.
    case(
        "[resources.invoices]\ntable = \"invoices\"\nfields.id = { type = \"integer\" }\naggregates.total_amount = { function = \"sum\", field = \"amount\" }",
        "invoices",
        Some("amount"),
        "aggregate 'total_amount' names a field that is not declared",
    ),
    case(
        "[resources.invoices]\ntable = \"invoices\"\nfields.id = { type = \"integer\" }\nfields.number = { type = \"string\" }\naggregates.total = { function = \"sum\", field = \"number\" }",
        "invoices",
        Some("number"),
        "sum needs an integer or decimal field, not a string field",
    ),
    case(
        "[resources.invoices]\ntable = \"invoices\"\nfields.id = { type = \"integer\" }\nfields.due_on = { type = \"date\" }\naggregates.mean_due = { function = \"avg\", field = \"due_on\" }",
        "invoices",
        Some("due_on"),
        "avg needs an integer or decimal field, not a date field",
    ),
    case(
        "[resources.invoices]\ntable = \"invoices\"\nfields.id = { type = \"integer\" }\nfields.paid = { type = \"boolean\" }\naggregates.any_paid = { function = \"max\", field = \"paid\" }",
        "invoices",
        Some("paid"),
        "max needs an integer or decimal field, not a boolean field",
    ),
    case(
        "[resources.invoices]\ntable = \"invoices\"\nfields.id = { type = \"integer\" }\nfields.due_on = { type = \"date\" }\naggregates.first_due = { function = \"min\", field = \"due_on\" }",
        "invoices",
        Some("due_on"),
        "aggregate 'first_due': min needs an integer or decimal field, not a date field",
    ),
    case(
        "[resources.invoices]\ntable = \"invoices\"\nfields.id = { type = \"integer\" }\nfields.number = { type = \"string\" }\naggregates.last_number = { function = \"max\", field = \"number\" }",
        "invoices",
        Some("number"),
        "aggregate 'last_number': max needs an integer or decimal field, not a string field",
    ),
    case(
        "[resources.invoices]\ntable = \"invoices\"\nfields.id = { type = \"integer\" }\naggregates.total = { function = \"sum\" }",
        "invoices",
        None,
        "aggregate 'total': sum needs a field",
    ),
    case(
        "[resources.invoices]\ntable = \"invoices\"\nfields.id = { type = \"integer\" }\naggregates.middle = { function = \"median\", field = \"id\" }",
        "invoices",
        None,
        "aggregate 'middle': unknown function 'median'; expected one of sum, avg, min, max, count",
    ),
    case(
        "[resources.invoices]\ntable = \"invoices\"\nfields.id = { type = \"integer\" }\naggregates.\"total-amount\" = { function = \"count\" }",
        "invoices",
        None,
        "aggregate \"total-amount\": the name must match",
    ),
    case(
        r#"{"resources": {"invoices": {"table": "invoices", "fields": {"id": {"type": "integer"}},
            "aggregates": {"n": {"function": "count"}, "n": {"function": "max", "field": "id"}}}}}"#,
        "invoices",
        None,
        "aggregate 'n' is declared twice",
    ),
    // Joins (SPEC §15).
    case(
        "[resources.orders]\ntable = \"orders\"\njoins.customer = { table = \"customers\", on = { local = \"customer_id\", foreign = \"id\" } }\nfields.id = { type = \"integer\" }\nfields.state = { type = \"string\", column = \"status\" }\nfields.status = { type = \"string\", column = \"customer.status\" }",
        "orders",
        Some("status"),
        "is read as 'status' in rows, as the field 'state' is",
    ),
    case(
        "[resources.orders]\ntable = \"orders\"\nfields.id = { type = \"integer\" }\nfields.customer_name = { type = \"string\", column = \"customer.name\" }",
        "orders",
        Some("customer_name"),
        "column \"customer.name\" is on 'customer', which is neither the table nor a declared join",
    ),
    case(
        "[resources.orders]\ntable = \"orders\"\njoins.customer = { table = \"customers\", on = { local = \"customer_id\", foreign = \"id\" } }\nfields.id = { type = \"integer\" }\nfields.customer_name = { type = \"string\", column = \"customer.name\", nullable = false }",
        "orders",
        Some("customer_name"),
        "is on the left join 'customer', so it reads NULL",
    ),
    case(
        "[resources.orders]\ntable = \"orders\"\njoins.customer = { table = \"customers\", on = { local = \"customer_id\", foreign = \"id\" }, kind = \"outer\" }\nfields.id = { type = \"integer\" }",
        "orders",
        None,
        "join 'customer': unknown kind 'outer'; expected left or inner",
    ),
    case(
        "[resources.orders]\ntable = \"orders\"\njoins.orders = { table = \"customers\", on = { local = \"customer_id\", foreign = \"id\" } }\nfields.id = { type = \"integer\" }",
        "orders",
        None,
        "join 'orders': the alias is the resource's own table name",
    ),
    case(
        "[resources.orders]\ntable = \"orders\"\njoins.customer = { table = \"customers\", on = { local = \"customer id\", foreign = \"id\" } }\nfields.id = { type = \"integer\" }",
        "orders",
        None,
        "join 'customer': on.local \"customer id\" must be a column name",
    ),
    case(
        "[resources.orders]\ntable = \"orders\"\nprimary_key = \"cid\"\njoins.customer = { table = \"customers\", on = { local = \"customer_id\", foreign = \"id\" }, kind = \"inner\" }\nfields.cid = { type = \"integer\", column = \"customer.id\" }",
        "orders",
        Some("cid"),
        "the primary key is on a join",
    ),
    case(
        "[resources.invoices]\ntable = \"invoices\"\nfields.id = { type = \"integer\" }\nfields.or = { type = \"string\" }",
        "invoices",
        Some("or"),
        "`or` is reserved for OR groups",
    ),
    // Parameter names and aliases (SPEC §10, §13).
    case(
        "[resources.invoices]\ntable = \"invoices\"\nfields.id = { type = \"integer\" }\nparams.sort = \"\"",
        "invoices",
        None,
        "params.sort = \"\": a parameter name must be non-empty",
    ),
    case(
        "[resources.invoices]\ntable = \"invoices\"\nfields.id = { type = \"integer\" }\nparams.filter = \"f[x]\"",
        "invoices",
        None,
        "params.filter = \"f[x]\"",
    ),
    case(
        "[resources.invoices]\ntable = \"invoices\"\nfields.id = { type = \"integer\" }\nparams.page = \"per_page\"",
        "invoices",
        None,
        "params.per_page and params.page both accept \"per_page\"",
    ),
    case(
        "[resources.invoices]\ntable = \"invoices\"\nfields.id = { type = \"integer\" }\nparams.per_page = [\"per_page\", \"page\"]",
        "invoices",
        None,
        "params.per_page and params.page both accept \"page\"",
    ),
    case(
        "[resources.invoices]\ntable = \"invoices\"\nfields.id = { type = \"integer\" }\nparams.per_page = []",
        "invoices",
        None,
        "params.per_page = []: a parameter needs at least one name",
    ),
    case(
        "[resources.invoices]\ntable = \"invoices\"\nfields.id = { type = \"integer\" }\nparams.page = [\"page\", \"page[0]\"]",
        "invoices",
        None,
        "params.page = \"page[0]\"",
    ),
    case(
        "[resources.invoices]\ntable = \"invoices\"\nfields.id = { type = \"integer\" }\nparams.page = \"page[number\"",
        "invoices",
        None,
        "params.page = \"page[number\"",
    ),
    case(
        "[resources.invoices]\ntable = \"invoices\"\nfields.id = { type = \"integer\" }\nparams.sort = [\"sort\", \"filter[sort]\"]",
        "invoices",
        None,
        "params.sort = \"filter[sort]\" would read as a filter",
    ),
    // Pagination modes and counting (SPEC §12).
    case(
        "[resources.invoices]\ntable = \"invoices\"\nfields.id = { type = \"integer\" }\npagination = []",
        "invoices",
        None,
        "pagination lists no mode",
    ),
    case(
        "[resources.invoices]\ntable = \"invoices\"\nfields.id = { type = \"integer\" }\npagination = [\"cursor\", \"cursor\"]",
        "invoices",
        None,
        "pagination lists 'cursor' twice",
    ),
    case(
        "[resources.invoices]\ntable = \"invoices\"\nfields.id = { type = \"integer\" }\npagination = [\"offset\", \"simple\"]",
        "invoices",
        None,
        "pagination lists both offset and simple",
    ),
    case(
        "[resources.invoices]\ntable = \"invoices\"\nfields.id = { type = \"integer\" }\npagination = [\"keyset\"]",
        "invoices",
        None,
        "unknown pagination mode 'keyset'; expected offset, simple or cursor",
    ),
    case(
        "[resources.invoices]\ntable = \"invoices\"\nfields.id = { type = \"integer\" }\ncount = \"approximate\"",
        "invoices",
        None,
        "unknown count 'approximate'; expected exact or estimated",
    ),
    case(
        "[resources.invoices]\ntable = \"invoices\"\nfields.id = { type = \"integer\" }\nempty_filter = \"skip\"",
        "invoices",
        None,
        "unknown empty_filter 'skip'; expected error or ignore",
    ),
    // Limits.
    case(
        "[resources.invoices]\ntable = \"invoices\"\nfields.id = { type = \"integer\" }\nlimits.max_filters = 0",
        "invoices",
        None,
        "limits.max_filters is 0",
    ),
    case(
        "[resources.invoices]\ntable = \"invoices\"\nfields.id = { type = \"integer\" }\nlimits.max_unpaginated_rows = 0",
        "invoices",
        None,
        "limits.max_unpaginated_rows is 0",
    ),
];

fn load(text: &str) -> Result<Schema, SchemaError> {
    if text.trim_start().starts_with('{') {
        Schema::from_json_str(text)
    } else {
        Schema::from_toml_str(&format!("{GOOD}\n{text}"))
    }
}

#[test]
fn each_schema_mistake_names_its_resource_and_field() {
    let mut failures = Vec::new();
    for case in CASES {
        let err = match load(case.text) {
            Ok(_) => {
                failures.push(format!("accepted:\n{}", case.text));
                continue;
            }
            Err(err) => err,
        };
        let display = err.to_string();
        let SchemaError::Invalid {
            resource,
            field,
            problem,
        } = &err
        else {
            failures.push(format!("not Invalid: {err:?}\n{}", case.text));
            continue;
        };
        let expected_display = match case.field {
            Some(f) => format!("resource '{}', field '{f}': ", case.resource),
            None => format!("resource '{}': ", case.resource),
        };
        if resource != case.resource
            || field.as_deref() != case.field
            || !problem.contains(case.problem)
            || !display.starts_with(&expected_display)
            || !display.ends_with(problem.as_str())
        {
            failures.push(format!(
                "expected {:?}/{:?}/..{:?}.., got {resource:?}/{field:?}/{problem:?}\n  display: {display}\n{}",
                case.resource, case.field, case.problem, case.text
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

#[test]
fn unknown_type_message_is_the_documented_one() {
    let err = Schema::from_toml_str(
        "[resources.invoices]\ntable = \"invoices\"\nfields.id = { type = \"integer\" }\nfields.amount = { type = \"money\" }",
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "resource 'invoices', field 'amount': unknown type 'money'; expected one of string, integer, decimal, boolean, date, datetime, enum"
    );
}

#[test]
fn valid_variations_load() {
    let ok = [
        // A qualified column (for a join), count without a field, filter = false, empty filter list.
        "[resources.invoices]\ntable = \"invoices\"\njoins.customers = { table = \"customers\", on = { local = \"customer_id\", foreign = \"id\" } }\nfields.id = { type = \"integer\" }\nfields.customer = { type = \"string\", column = \"customers.name\", filter = false }\nfields.n = { type = \"string\", filter = [] }\naggregates.rows = { function = \"count\" }",
        // A schema-qualified table, count over a date, an empty default_sort (no sort).
        "[resources.invoices]\ntable = \"billing.invoices\"\ndefault_sort = \"\"\nfields.id = { type = \"integer\" }\nfields.due_on = { type = \"date\" }\naggregates.with_due = { function = \"count\", field = \"due_on\" }",
        // The largest scale.
        "[resources.invoices]\ntable = \"invoices\"\nfields.id = { type = \"integer\" }\nfields.amount = { type = \"decimal\", scale = 18 }\naggregates.total = { function = \"sum\", field = \"amount\" }",
        // max_offset 0 still serves page 1.
        "[resources.invoices]\ntable = \"invoices\"\nfields.id = { type = \"integer\" }\nlimits.max_offset = 0",
    ];
    for text in ok {
        let schema = load(text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        assert!(schema.resource("invoices").is_some());
    }
    let schema = load(ok[0]).unwrap();
    let invoices = schema.resource("invoices").unwrap();
    assert_eq!(field(invoices, "customer").column(), "customers.name");
    assert!(field(invoices, "customer").filter_ops().is_empty());
    assert!(field(invoices, "n").filter_ops().is_empty());
    assert_eq!(invoices.aggregates()[0].field(), None);
    assert!(invoices.default_sort().is_empty());
    assert_eq!(
        load(ok[1]).unwrap().resource("invoices").unwrap().table(),
        "billing.invoices"
    );
}

fn syntax_message(err: SchemaError, format: &str) -> String {
    match err {
        SchemaError::Syntax { format: f, message } => {
            assert_eq!(f, format);
            message
        }
        other => panic!("expected a {format} syntax error, got {other:?}"),
    }
}

#[test]
fn unknown_keys_are_syntax_errors_with_a_position() {
    let err = Schema::from_toml_str(
        "[resources.invoices]\ntable = \"invoices\"\n[resources.invoices.fields]\nid = { type = \"integer\", sortable = true }\n",
    )
    .unwrap_err();
    let message = syntax_message(err, "TOML");
    assert!(message.contains("sortable"), "{message}");
    assert!(message.contains("line 4"), "{message}");

    let err = Schema::from_toml_str("[resources.invoices]\ntable = \"invoices\"\npage_size = 10\nfields.id = { type = \"integer\" }").unwrap_err();
    assert!(syntax_message(err, "TOML").contains("page_size"));

    let err = Schema::from_toml_str("[resources.invoices]\ntable = \"invoices\"\nfields.id = { type = \"integer\" }\nlimits.max_rows = 5").unwrap_err();
    assert!(syntax_message(err, "TOML").contains("max_rows"));

    let err = Schema::from_toml_str("[resources.invoices]\ntable = \"invoices\"\nfields.id = { type = \"integer\" }\nparams.size = \"n\"").unwrap_err();
    assert!(syntax_message(err, "TOML").contains("size"));

    let err = Schema::from_json_str(
        "{\"resources\": {\"invoices\": {\"table\": \"invoices\",\n \"fields\": {\"id\": {\"type\": \"integer\", \"colour\": 1}}}}}",
    )
    .unwrap_err();
    let message = syntax_message(err, "JSON");
    assert!(
        message.contains("colour") && message.contains("line 2"),
        "{message}"
    );
}

#[test]
fn mistyped_values_are_syntax_errors() {
    let err = Schema::from_toml_str("[resources.invoices]\ntable = \"invoices\"\nfields.id = { type = \"integer\", filter = \"yes\" }").unwrap_err();
    assert!(syntax_message(err, "TOML").contains("true, false or a list of operator names"));

    let err = Schema::from_toml_str("[resources.invoices]\ntable = \"invoices\"\nper_page = -1\nfields.id = { type = \"integer\" }").unwrap_err();
    assert!(matches!(err, SchemaError::Syntax { .. }));

    let err = Schema::from_toml_str("[resources.invoices\ntable = 1").unwrap_err();
    assert!(syntax_message(err, "TOML").contains("line 1"));
}

#[test]
fn a_schema_without_resources_is_an_error() {
    for text in ["", "resources = {}"] {
        let message = syntax_message(Schema::from_toml_str(text).unwrap_err(), "TOML");
        assert!(message.contains("no resources"), "{message}");
    }
    let message = syntax_message(Schema::from_json_str("{}").unwrap_err(), "JSON");
    assert!(message.contains("no resources"), "{message}");
}

#[test]
fn a_resource_declared_twice_in_json_is_an_error() {
    let err = Schema::from_json_str(
        r#"{"resources": {"a": {"table": "a", "fields": {"id": {"type": "integer"}}},
                          "a": {"table": "b", "fields": {"id": {"type": "integer"}}}}}"#,
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "resource 'a': the resource is declared twice"
    );
}

#[test]
fn from_path_reports_unreadable_files_and_unknown_extensions() {
    let missing = Schema::from_path("tests/schemas/no-such-file.toml").unwrap_err();
    assert!(
        matches!(&missing, SchemaError::Io { path, .. } if path.ends_with("no-such-file.toml")),
        "{missing:?}"
    );
    assert!(
        missing
            .to_string()
            .starts_with("cannot read schema file tests/schemas/no-such-file.toml: ")
    );

    let yaml = Schema::from_path("tests/schemas/seed.yaml").unwrap_err();
    assert!(yaml.to_string().contains(".toml or .json"), "{yaml}");
}

#[test]
fn builder_reports_the_same_mistakes() {
    let err = Resource::builder("customers", "customers")
        .field("id", FieldType::Integer, |f| f)
        .field("id", FieldType::String, |f| f)
        .build()
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "resource 'customers', field 'id': is declared twice"
    );

    let err = Resource::builder("customers", "customers")
        .field("id", FieldType::Integer, |f| f)
        .aggregate("total", AggregateFn::Avg, None)
        .build()
        .unwrap_err();
    assert!(
        err.to_string()
            .starts_with("resource 'customers': aggregate 'total': avg needs a field")
    );

    let err = Resource::builder("customers", "customers")
        .field("id", FieldType::Integer, |f| f)
        .field("joined_on", FieldType::Date, |f| f)
        .aggregate("first_joined", AggregateFn::Min, Some("joined_on"))
        .build()
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "resource 'customers', field 'joined_on': aggregate 'first_joined': min needs an integer or decimal field, not a date field"
    );

    let err = Resource::builder("customers", "customers")
        .field("id", FieldType::Integer, |f| f)
        .field("credit", FieldType::Decimal, |f| f.scale(19))
        .build()
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "resource 'customers', field 'credit': scale 19 is over 18: SQLite aggregates decimals exactly as 64-bit integers of 10^-scale units"
    );

    let err = Resource::builder("customers", "customers")
        .field("id", FieldType::Integer, |f| f)
        .params(ParamNames::default().cursor("page"))
        .build()
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("params.cursor and params.page both accept \"page\""),
        "{err}"
    );

    let err = Resource::builder("customers", "customers")
        .field("id", FieldType::Integer, |f| f)
        .limits(Limits::new().max_query_len(0))
        .build()
        .unwrap_err();
    assert!(
        err.to_string().contains("limits.max_query_len is 0"),
        "{err}"
    );

    let err = Resource::builder("customers", "")
        .field("id", FieldType::Integer, |f| f)
        .build()
        .unwrap_err();
    assert_eq!(err.to_string(), "resource 'customers': table is empty");
}

/// Fields are found by name through an index (hashed on a name's length and
/// its first and last eight bytes, which are the whole name up to 16 bytes):
/// many fields that share length and ends, long names that differ only in
/// the middle, and names one byte off must still each find their own field,
/// and near misses none.
#[test]
fn every_field_of_a_wide_resource_is_found_by_its_name() {
    let mut builder = Resource::builder("wide", "wide").field("id", FieldType::Integer, |f| f);
    let names: Vec<String> = (0..200)
        .map(|i| format!("f{:03}x", i))
        .chain((0..30).map(|i| "a".repeat(i + 1)))
        .chain((0..20).map(|i| format!("customer_{i:02}_reference")))
        .chain((0..3).map(|i| format!("{}{i}{}", "x".repeat(8), "y".repeat(8))))
        .collect();
    for name in &names {
        builder = builder.field(name, FieldType::String, |f| f.sortable());
    }
    let wide = builder.primary_key("id").build().unwrap();
    for (i, name) in names.iter().enumerate() {
        let id = wide.field_id(name).unwrap_or_else(|| panic!("no {name}"));
        assert_eq!(wide.field(id).name(), name);
        assert_eq!(id.index(), i + 1);
    }
    for missing in [
        "f000",
        "f000y",
        "g000x",
        "f200x",
        "",
        "a".repeat(31).as_str(),
        "id ",
        "customer_20_reference",
        "customer_0_reference",
        "customer_00_referencf",
        "xxxxxxxx3yyyyyyyy",
    ] {
        assert_eq!(wide.field_id(missing), None, "{missing:?}");
    }
    assert!(wide.field_id("id").is_some());
}

/// Enum values are matched by length and end words first: values longer
/// than 16 bytes that differ only in the middle are still told apart.
#[test]
fn long_enum_values_that_share_their_ends_are_told_apart() {
    let values: Vec<String> = ["a", "b", "c"]
        .iter()
        .map(|m| format!("status_awaiting_{m}_confirmation"))
        .collect();
    let r: std::sync::Arc<Resource> = Resource::builder("orders", "orders")
        .field("id", FieldType::Integer, |f| f.sortable())
        .field("state", FieldType::Enum(values.clone()), |f| {
            f.filter(&[listquery::FilterOp::Eq])
        })
        .build()
        .unwrap()
        .into();
    for value in &values {
        let q = listquery::ListQuery::parse(
            &format!("filter[state]={value}"),
            &r,
            listquery::RequestOptions::default(),
        )
        .unwrap();
        assert_eq!(
            q.filters()[0].values.as_slice(),
            [listquery::Value::String(value.as_str().into())]
        );
    }
    let err = listquery::ListQuery::parse(
        "filter[state]=status_awaiting_d_confirmation",
        &r,
        listquery::RequestOptions::default(),
    )
    .unwrap_err();
    assert!(
        err.to_string().contains("status_awaiting_d_confirmation"),
        "{err}"
    );
}

/// A resource holds at most `MAX_FIELDS` fields; one more is a schema error
/// that says so, not a panic or a field that cannot be found.
#[test]
fn a_resource_with_too_many_fields_is_an_error() {
    let build = |n: usize| {
        let mut builder =
            Resource::builder("wide", "wide").field("id", FieldType::Integer, |f| f.sortable());
        for i in 1..n {
            builder = builder.field(format!("f{i}"), FieldType::Integer, |f| f.sortable());
        }
        builder.build()
    };
    let widest = build(listquery::MAX_FIELDS).unwrap();
    let last = format!("f{}", listquery::MAX_FIELDS - 1);
    let id = widest.field_id(&last).unwrap();
    assert_eq!(widest.field(id).name(), last);
    let err = build(listquery::MAX_FIELDS + 1).unwrap_err();
    assert_eq!(
        err.to_string(),
        "resource 'wide': declares 65536 fields; a resource has at most 65535"
    );
}

#[test]
fn pagination_modes_counting_and_nullability_load() {
    let schema = Schema::from_toml_str(
        r#"
        [resources.events]
        table = "events"
        pagination = ["cursor", "simple"]
        count = "estimated"
        exact_count_below = 500
        empty_filter = "ignore"
        [resources.events.fields]
        id = { type = "integer", sort = true, nullable = true }
        at = { type = "datetime", sort = true, nullable = false }
        note = { type = "string" }
        "#,
    )
    .unwrap();
    let events = schema.resource("events").unwrap();
    assert_eq!(
        events.pagination_modes(),
        [
            listquery::PaginationMode::Cursor,
            listquery::PaginationMode::Simple
        ]
    );
    assert_eq!(events.count_mode(), listquery::CountMode::Estimated);
    assert_eq!(events.exact_count_below(), 500);
    assert_eq!(events.empty_filter(), listquery::EmptyFilter::Ignore);
    // The primary key is never nullable, whatever the file says.
    assert!(!field(events, "id").nullable());
    assert!(!field(events, "at").nullable());
    assert!(field(events, "note").nullable());
    // The defaults.
    let seed = Schema::from_path(SEED).unwrap();
    let customers = seed.resource("customers").unwrap();
    assert_eq!(
        customers.pagination_modes(),
        [listquery::PaginationMode::Offset]
    );
    assert_eq!(customers.count_mode(), listquery::CountMode::Exact);
    assert_eq!(customers.exact_count_below(), 10_000);
    // The seed ignores cleared filters; the default is an error.
    assert_eq!(customers.empty_filter(), listquery::EmptyFilter::Ignore);
    let plain = Schema::from_toml_str(
        "[resources.events]\ntable = \"events\"\nfields.id = { type = \"integer\" }",
    )
    .unwrap();
    let events = plain.resource("events").unwrap();
    assert_eq!(events.empty_filter(), listquery::EmptyFilter::Error);
    // JSON:API's `fields[RESOURCE]` is an alias of `fields` (SPEC §16).
    assert_eq!(
        events.params(),
        &ParamNames::default().fields(["fields", "fields[events]"])
    );
}

//! The OpenAPI document of the seed schema: what a client reads from it, and
//! a real validator's verdict (Python's openapi-spec-validator, which
//! `bash scripts/test.sh` installs; the test is ignored by a plain `cargo test`).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use listquery::Schema;
use serde_json::Value;

fn document() -> Value {
    let schema = Schema::from_path("examples/schema.toml").unwrap();
    serde_json::to_value(listquery::openapi::document(&schema, "Demo API", "1.0.0")).unwrap()
}

fn parameter<'d>(doc: &'d Value, path: &str, name: &str) -> &'d Value {
    doc["paths"][path]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == name)
        .unwrap_or_else(|| panic!("{path}: no parameter {name}"))
}

#[test]
fn every_parameter_of_the_schema_is_described() {
    let doc = document();
    assert_eq!(doc["openapi"], "3.1.0");
    let paths: Vec<&String> = doc["paths"].as_object().unwrap().keys().collect();
    assert_eq!(paths, ["/customers", "/invoices", "/orders"]);

    // A filter per field and operator, named as clients send it.
    let status = parameter(&doc, "/invoices", "filter[status]");
    assert_eq!(status["in"], "query");
    assert!(
        status["description"]
            .as_str()
            .unwrap()
            .contains("one of draft, sent, paid, void")
    );
    parameter(&doc, "/invoices", "filter[amount][between]");
    let null = parameter(&doc, "/orders", "filter[placed_on][null]");
    assert_eq!(
        null["schema"]["enum"],
        serde_json::json!(["true", "false", "1", "0"])
    );
    // Related fields (SPEC §15) filter like any other.
    parameter(&doc, "/orders", "filter[customer_country][ne]");
    let params = doc["paths"]["/invoices"]["get"]["parameters"]
        .as_array()
        .unwrap();
    assert!(
        !params.iter().any(|p| p["name"] == "filter[created_at]"),
        "created_at has no eq"
    );

    // The sort's keys, as a pattern a client can check.
    let sort = parameter(&doc, "/invoices", "sort");
    let pattern = sort["schema"]["pattern"].as_str().unwrap();
    assert!(
        pattern.contains("created_at") && pattern.contains("order_placed_on"),
        "{pattern}"
    );
    assert!(
        !pattern.contains("|paid"),
        "paid is not sortable: {pattern}"
    );

    // Pagination, with the resource's limits and the aliases.
    let per_page = parameter(&doc, "/invoices", "per_page");
    assert_eq!(per_page["schema"]["maximum"], 100.0);
    assert_eq!(per_page["schema"]["default"], 15);
    let limit = parameter(&doc, "/invoices", "limit");
    assert!(
        limit["description"]
            .as_str()
            .unwrap()
            .starts_with("Another name of per_page")
    );
    parameter(&doc, "/invoices", "cursor");
    parameter(&doc, "/invoices", "metadata");
    let customers = doc["paths"]["/customers"]["get"]["parameters"]
        .as_array()
        .unwrap();
    assert!(
        !customers.iter().any(|p| p["name"] == "cursor"),
        "customers pages by offset only"
    );
    assert!(
        !customers.iter().any(|p| p["name"] == "metadata"),
        "customers have no aggregates"
    );

    // Sparse fieldsets (SPEC §16) list only selectable fields.
    let fields = parameter(&doc, "/orders", "fields[orders]");
    let pattern = fields["schema"]["pattern"].as_str().unwrap();
    assert!(
        pattern.contains("placed_on") && !pattern.contains("customer_name"),
        "{pattern}"
    );

    // The 400 body, with every stable code.
    let errors = &doc["components"]["schemas"]["ListQueryErrors"];
    let codes = &errors["properties"]["errors"]["items"]["properties"]["code"]["enum"];
    assert!(
        codes
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c == "field_not_allowed")
    );
    assert_eq!(
        doc["paths"]["/orders"]["get"]["responses"]["400"]["content"]["application/json"]["schema"]
            ["$ref"],
        "#/components/schemas/ListQueryErrors"
    );
}

#[test]
#[ignore = "needs Python's openapi-spec-validator: bash scripts/test.sh installs it and runs this"]
fn openapi_validator_accepts_the_document() {
    let dir = std::env::temp_dir().join(format!("listquery-openapi-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("openapi.json");
    std::fs::write(&file, serde_json::to_string_pretty(&document()).unwrap()).unwrap();
    let output = std::process::Command::new("python3")
        .args([
            "-c",
            "import sys\n\
             from openapi_spec_validator import validate\n\
             from openapi_spec_validator.readers import read_from_filename\n\
             spec, _ = read_from_filename(sys.argv[1])\n\
             validate(spec)\n\
             print('valid', spec['openapi'])",
        ])
        .arg(&file)
        .output()
        .expect("run python3");
    let _ = std::fs::remove_dir_all(&dir);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "the validator rejects the document:\n{stderr}"
    );
    assert_eq!(stdout.trim(), "valid 3.1.0");
}

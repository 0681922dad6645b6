//! The `listquery explain` command (SPEC §11), run as a user runs it.
#![cfg(feature = "cli")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::path::PathBuf;
use std::process::{Command, Output};

use serde_json::{Value, json};

const SEED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/schema.toml");

fn listquery(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_listquery"))
        .args(args)
        .output()
        .expect("run listquery")
}

fn explain(extra: &[&str], query: &str) -> Output {
    let mut args = vec!["explain", "--schema", SEED, "--resource", "invoices"];
    args.extend_from_slice(extra);
    args.push(query);
    listquery(&args)
}

fn stdout_json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn explains_the_spec_example() {
    let out = explain(&[], "filter[status]=paid,sent&sort=-created_at&page=2");
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    assert_eq!(
        stdout_json(&out),
        json!({
            "resource": "invoices",
            "filters": [{ "field": "status", "op": "eq", "values": ["paid", "sent"] }],
            "sort": [
                { "field": "created_at", "direction": "desc", "nulls": "last" },
                { "field": "id", "direction": "asc", "nulls": "last" }
            ],
            "pagination": { "page": 2, "per_page": 15, "offset": 15 },
            "metadata": false,
            "sql": {
                "dialect": "postgres",
                "select": {
                    "text": "SELECT \"id\", \"number\", \"status\", \"amount\", \"paid\", \"due_on\", \"created_at\", \"updated_at\", \"customer_id\", \"order_id\" FROM \"invoices\" WHERE \"status\" IN ($1, $2) ORDER BY \"created_at\" DESC, \"id\" ASC LIMIT $3 OFFSET $4",
                    "values": ["paid", "sent", 15, 15]
                },
                "count": {
                    "text": "SELECT COUNT(*) AS \"total\" FROM \"invoices\" WHERE \"status\" IN ($1, $2)",
                    "values": ["paid", "sent"]
                }
            }
        })
    );
}

#[test]
fn keys_come_in_the_documented_order() {
    let out = explain(&[], "?sort=number");
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    let text = String::from_utf8(out.stdout).unwrap();
    let positions: Vec<usize> = [
        "\"resource\"",
        "\"filters\"",
        "\"sort\"",
        "\"pagination\"",
        "\"metadata\"",
        "\"sql\"",
    ]
    .iter()
    .map(|key| {
        text.find(key)
            .unwrap_or_else(|| panic!("no {key} in {text}"))
    })
    .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{text}");
}

#[test]
fn values_keep_their_types_and_a_leading_question_mark_is_accepted() {
    let out = explain(
        &[],
        "?filter[id][gt]=7&filter[amount][between]=12.50,100&filter[paid]=true&filter[due_on][gte]=2024-01-31&metadata=1",
    );
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    let doc = stdout_json(&out);
    assert_eq!(
        doc["filters"],
        json!([
            { "field": "id", "op": "gt", "values": [7] },
            { "field": "amount", "op": "between", "values": ["12.50", "100"] },
            { "field": "paid", "op": "eq", "values": [true] },
            { "field": "due_on", "op": "gte", "values": ["2024-01-31"] }
        ])
    );
    assert_eq!(doc["metadata"], json!(true));
    // No sort sent: the resource's default sort, then the tie-breaker.
    assert_eq!(
        doc["sort"],
        json!([
            { "field": "created_at", "direction": "desc", "nulls": "last" },
            { "field": "id", "direction": "asc", "nulls": "last" }
        ])
    );
    assert_eq!(
        doc["pagination"],
        json!({ "page": 1, "per_page": 15, "offset": 0 })
    );
}

#[test]
fn sql_is_shown_for_each_dialect_with_typed_values() {
    let query = "filter[amount][gte]=12.50&filter[paid]=1&filter[due_on][lte]=2024-01-31&filter[created_at][gte]=2024-01-01T10:00:00%2B02:00&filter[number][contains]=50%25_!&metadata=1";
    for (dialect, select, count) in [
        (
            "postgres",
            r#"SELECT "id", "number", "status", "amount", "paid", "due_on", "created_at", "updated_at", "customer_id", "order_id" FROM "invoices" WHERE "amount" >= $1 AND "paid" = $2 AND "due_on" <= $3 AND "created_at" >= $4 AND LOWER("number") LIKE LOWER($5) ESCAPE '!' ORDER BY "created_at" DESC, "id" ASC LIMIT $6 OFFSET $7"#,
            r#"SELECT COUNT(*) AS "total", CAST(SUM("amount") AS TEXT) AS "total_amount" FROM "invoices" WHERE "amount" >= $1 AND "paid" = $2 AND "due_on" <= $3 AND "created_at" >= $4 AND LOWER("number") LIKE LOWER($5) ESCAPE '!'"#,
        ),
        (
            "mysql",
            "SELECT `id`, `number`, `status`, `amount`, `paid`, `due_on`, `created_at`, `updated_at`, `customer_id`, `order_id` FROM `invoices` WHERE `amount` >= ? AND `paid` = ? AND `due_on` <= ? AND `created_at` >= ? AND LOWER(`number`) LIKE LOWER(?) ESCAPE '!' ORDER BY `created_at` DESC, `id` ASC LIMIT ? OFFSET ?",
            "SELECT COUNT(*) AS `total`, CAST(SUM(`amount`) AS CHAR) AS `total_amount` FROM `invoices` WHERE `amount` >= ? AND `paid` = ? AND `due_on` <= ? AND `created_at` >= ? AND LOWER(`number`) LIKE LOWER(?) ESCAPE '!'",
        ),
        (
            "sqlite",
            r#"SELECT "id", "number", "status", "amount", "paid", "due_on", "created_at", "updated_at", "customer_id", "order_id" FROM "invoices" WHERE "amount" >= ? AND (+"paid") = ? AND "due_on" <= ? AND "created_at" >= ? AND LOWER("number") LIKE LOWER(?) ESCAPE '!' ORDER BY "created_at" DESC, "id" ASC LIMIT ? OFFSET ?"#,
            r#"SELECT COUNT(*) AS "total", CAST(SUM(CAST(ROUND("amount" * 100) AS INTEGER)) AS TEXT) AS "total_amount" FROM "invoices" WHERE "amount" >= ? AND "paid" = ? AND "due_on" <= ? AND "created_at" >= ? AND LOWER("number") LIKE LOWER(?) ESCAPE '!'"#,
        ),
    ] {
        let out = explain(&["--dialect", dialect], query);
        assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
        let doc = stdout_json(&out);
        let filters = json!([
            "12.50",
            true,
            "2024-01-31",
            "2024-01-01 08:00:00",
            "%50!%!_!!%"
        ]);
        let mut values = filters.as_array().unwrap().clone();
        values.extend([json!(15), json!(0)]);
        assert_eq!(
            doc["sql"],
            json!({
                "dialect": dialect,
                "select": { "text": select, "values": values },
                "count": { "text": count, "values": filters }
            }),
            "{dialect}"
        );
    }
}

#[test]
fn an_unpaginated_list_fetches_one_row_over_the_cap() {
    let out = explain(&["--role", "agent"], "");
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    assert_eq!(stdout_json(&out)["sql"]["select"]["values"], json!([1001]));
}

#[test]
fn too_many_bound_values_is_a_query_error() {
    let ids: Vec<String> = (0..100).map(|i| i.to_string()).collect();
    let path = temp_schema(
        "bound-values.toml",
        &include_str!("../examples/schema.toml").replace(
            "max_filters = 10",
            "max_filters = 10\nmax_bound_values = 50",
        ),
    );
    let out = listquery(&[
        "explain",
        "--schema",
        path.to_str().unwrap(),
        "--resource",
        "invoices",
        &format!("filter[customer]={}", ids.join(",")),
    ]);
    assert_eq!(out.status.code(), Some(2), "stderr: {}", stderr(&out));
    assert_eq!(
        stdout_json(&out)["errors"][0]["code"],
        json!("limit_exceeded")
    );
}

#[test]
fn an_agent_gets_no_pagination_unless_it_asks() {
    let out = explain(&["--role", "agent"], "sort=due_on");
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    let doc = stdout_json(&out);
    assert_eq!(doc["pagination"], Value::Null);
    assert_eq!(
        doc["sort"],
        json!([
            { "field": "due_on", "direction": "asc", "nulls": "first" },
            { "field": "id", "direction": "asc", "nulls": "last" }
        ])
    );

    let out = explain(&["--role", "agent"], "per_page=5");
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    assert_eq!(
        stdout_json(&out)["pagination"],
        json!({ "page": 1, "per_page": 5, "offset": 0 })
    );

    let out = explain(&["--role", "collaborator", "--dialect", "sqlite"], "");
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    assert_eq!(
        stdout_json(&out)["pagination"],
        json!({ "page": 1, "per_page": 15, "offset": 0 })
    );
}

#[test]
fn query_errors_print_the_json_api_body_and_exit_2() {
    let out = explain(&[], "sort=secret&filter[status]=unpaid&page=0");
    assert_eq!(out.status.code(), Some(2), "stderr: {}", stderr(&out));
    let doc = stdout_json(&out);
    let errors = doc["errors"].as_array().unwrap();
    let codes: Vec<&str> = errors.iter().map(|e| e["code"].as_str().unwrap()).collect();
    assert_eq!(
        codes,
        ["sort_not_allowed", "invalid_value", "invalid_page"],
        "{doc}"
    );
    let parameters: Vec<&str> = errors
        .iter()
        .map(|e| e["source"]["parameter"].as_str().unwrap())
        .collect();
    assert_eq!(parameters, ["sort", "filter[status]", "page"]);
    assert!(errors.iter().all(|e| e["status"] == "400"));
}

#[test]
fn strict_rejects_unknown_parameters() {
    let out = explain(&[], "tab=open");
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));

    let out = explain(&["--strict"], "tab=open");
    assert_eq!(out.status.code(), Some(2), "stderr: {}", stderr(&out));
    assert_eq!(stdout_json(&out)["errors"][0]["code"], "unknown_parameter");
}

fn temp_schema(name: &str, text: &str) -> PathBuf {
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn a_broken_schema_file_is_exit_1_naming_resource_and_field() {
    let path = temp_schema(
        "cli-broken-schema.toml",
        "[resources.invoices]\ntable = \"invoices\"\ndefault_sort = \"-amount\"\n\
         [resources.invoices.fields]\nid = { type = \"integer\", sort = true }\namount = { type = \"decimal\" }\n",
    );
    let out = listquery(&[
        "explain",
        "--schema",
        path.to_str().unwrap(),
        "--resource",
        "invoices",
        "page=1",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let message = stderr(&out);
    assert!(
        message.contains("resource 'invoices', field 'amount'"),
        "{message}"
    );
    assert!(message.contains("not sortable"), "{message}");

    let path = temp_schema("cli-not-toml.toml", "[resources.invoices\n");
    let out = listquery(&[
        "explain",
        "--schema",
        path.to_str().unwrap(),
        "--resource",
        "invoices",
        "",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("schema TOML is invalid"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_missing_schema_file_is_exit_1() {
    let out = listquery(&[
        "explain",
        "--schema",
        "no/such/schema.toml",
        "--resource",
        "invoices",
        "",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("no/such/schema.toml"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn an_unknown_resource_is_exit_1_listing_the_known_ones() {
    let out = listquery(&[
        "explain",
        "--schema",
        SEED,
        "--resource",
        "payments",
        "page=1",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let message = stderr(&out);
    assert!(message.contains("'payments'"), "{message}");
    assert!(message.contains("customers, invoices, orders"), "{message}");
}

#[test]
fn bad_arguments_are_exit_1() {
    let cases: &[&[&str]] = &[
        &[
            "explain",
            "--schema",
            SEED,
            "--resource",
            "invoices",
            "--role",
            "owner",
            "page=1",
        ],
        &[
            "explain",
            "--schema",
            SEED,
            "--resource",
            "invoices",
            "--dialect",
            "oracle",
            "page=1",
        ],
        &["explain", "--schema", SEED, "--resource", "invoices"],
        &["explain", "--resource", "invoices", "page=1"],
        &["explain", "--schema", SEED, "page=1"],
        &[
            "explain",
            "--schema",
            SEED,
            "--resource",
            "invoices",
            "--bogus",
            "page=1",
        ],
        &["frobnicate"],
        &[],
    ];
    for args in cases {
        let out = listquery(args);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", stderr(&out));
        assert!(out.stdout.is_empty(), "{args:?}");
        assert!(!stderr(&out).is_empty(), "{args:?}");
    }
}

#[test]
fn help_and_version_go_to_stdout_with_exit_0() {
    for args in [&["--help"][..], &["explain", "--help"], &["--version"]] {
        let out = listquery(args);
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        assert!(!out.stdout.is_empty(), "{args:?}");
    }
    let help = String::from_utf8(listquery(&["explain", "--help"]).stdout).unwrap();
    for word in ["--schema", "--resource", "--role", "--dialect", "--strict"] {
        assert!(help.contains(word), "{word} missing from:\n{help}");
    }
}

#[test]
fn indexes_prints_the_advice_per_dialect() {
    let out = listquery(&[
        "indexes",
        "--schema",
        SEED,
        "--dialect",
        "sqlite",
        "--resource",
        "invoices",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "-- invoices");
    assert!(lines.contains(
        &r#"CREATE INDEX IF NOT EXISTS "invoices_created_at_id_idx" ON "invoices" ("created_at", "id");"#
    ));
    // `sort=-f` has its own index, so that an OFFSET reads no skipped row.
    assert!(lines.contains(
        &r#"CREATE INDEX IF NOT EXISTS "invoices_created_at_desc_id_idx" ON "invoices" ("created_at" DESC, "id");"#
    ));
    // Every sortable field but the primary key, once in each direction.
    assert_eq!(lines.len(), 1 + 2 * 6, "{text}");

    // MySQL: descending indexes of their own, no IF NOT EXISTS.
    let out = listquery(&[
        "indexes",
        "--schema",
        SEED,
        "--dialect",
        "mysql",
        "--resource",
        "invoices",
    ]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("CREATE INDEX `invoices_created_at_desc_id_idx` ON `invoices` (`created_at` DESC, `id`);"), "{text}");
    // PostgreSQL: a nullable field's NULL placement in the index.
    let out = listquery(&["indexes", "--schema", SEED, "--dialect", "postgres"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains(r#"("placed_on" DESC NULLS FIRST, "id")"#),
        "{text}"
    );
    assert!(
        text.contains("-- customers") && text.contains("-- orders"),
        "{text}"
    );

    let out = listquery(&["indexes", "--schema", SEED, "--resource", "nope"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown resource 'nope'"));
}

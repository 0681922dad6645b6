//! What real clients send (SPEC §13): the query string each snippet of the
//! README's "Calling it from a client" section produced with the real
//! package, recorded by `scripts/record-clients.sh`, and what listquery reads
//! from it on the seed schema's invoices. Each string is also sent to the demo
//! server in tests/server_e2e.rs (`client_query_strings_over_http`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use listquery::{ErrorCode, ListQuery, RequestOptions, Role, Schema};
use serde_json::{Value as Json, json};

#[path = "support/clients.rs"]
mod clients;
use clients::{Meaning, RECORDED};

fn seed() -> Schema {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/schema.toml");
    Schema::from_path(path).expect("the seed schema loads")
}

#[test]
fn each_recorded_client_query_means_what_the_readme_says() {
    let schema = seed();
    let invoices = schema.resource("invoices").unwrap();
    for recorded in RECORDED {
        let client = recorded.client;
        let parsed = ListQuery::parse(
            recorded.query,
            invoices,
            RequestOptions::for_role(Role::Admin),
        );
        match (&recorded.meaning, parsed) {
            (
                Meaning::Query {
                    filters,
                    sort,
                    page,
                    per_page,
                },
                Ok(q),
            ) => {
                let got = serde_json::to_value(&q).unwrap();
                assert_eq!(got["filters"], filters(), "{client}: filters");
                let sort_fields: Vec<Json> = (got["sort"].as_array().unwrap().iter())
                    .map(|k| {
                        let dir = if k["direction"] == "desc" { "-" } else { "" };
                        json!(format!("{dir}{}", k["field"].as_str().unwrap()))
                    })
                    .collect();
                assert_eq!(Json::from(sort_fields), json!(sort), "{client}: sort");
                let p = q.pagination().unwrap();
                assert_eq!((p.page, p.per_page), (*page, *per_page), "{client}: page");
                // The canonical form (page links) parses back to the same query.
                let again = ListQuery::parse(
                    &q.to_query_string(),
                    invoices,
                    RequestOptions::for_role(Role::Admin),
                )
                .unwrap();
                assert_eq!(again, q, "{client}: round trip");
            }
            (Meaning::Rejected(codes), Err(errors)) => {
                let got: Vec<&str> = errors.iter().map(|e| e.code().as_str()).collect();
                assert_eq!(&got, codes, "{client}: {errors}");
            }
            (_, Ok(q)) => panic!("{client}: expected errors, got {}", q.to_query_string()),
            (_, Err(errors)) => panic!("{client}: {errors}"),
        }
    }
}

#[test]
fn the_recorded_clients_cover_the_readme_snippets() {
    let clients: Vec<&str> = RECORDED.iter().map(|r| r.client).collect();
    for name in [
        "fetch+URLSearchParams",
        "qs 6.17.1 arrayFormat=indices",
        "qs 6.17.1 arrayFormat=brackets",
        "qs 6.17.1 arrayFormat=comma",
        "qs 6.17.1 arrayFormat=repeat",
        "axios 1.21.1",
        "vue-api-query 1.11.0",
        "PHP 8.2.36 http_build_query",
        "python requests 2.34.2",
    ] {
        assert!(clients.contains(&name), "no recorded query for {name}");
    }
    // The one form listquery refuses says what to send instead.
    let schema = seed();
    let repeat = RECORDED
        .iter()
        .find(|r| r.client == "qs 6.17.1 arrayFormat=repeat")
        .unwrap();
    let errors = ListQuery::parse(
        repeat.query,
        schema.resource("invoices").unwrap(),
        RequestOptions::default(),
    )
    .unwrap_err();
    assert_eq!(errors.codes()[0], ErrorCode::DuplicateParameter);
    assert!(errors.to_string().contains("joined by commas"), "{errors}");
}

/// JSON:API's page parameters as aliases (SPEC §13): `page[number]` and
/// `page[size]` are accepted beside `page` and `per_page`, and page links
/// write the first name of each.
#[test]
fn json_api_page_parameters_as_aliases() {
    use listquery::page::{ListResponse, PageOptions, PageTotals};
    let schema = Schema::from_toml_str(
        r#"
        [resources.invoices]
        table = "invoices"
        [resources.invoices.params]
        page = ["page[number]", "page"]
        per_page = ["page[size]", "per_page"]
        [resources.invoices.fields]
        id = { type = "integer", sort = true }
        status = { type = "enum", values = ["paid", "sent"], filter = true }
        "#,
    )
    .unwrap();
    let invoices = schema.resource("invoices").unwrap();
    let options = RequestOptions::for_role(Role::Admin);
    let q = ListQuery::parse(
        "page%5Bnumber%5D=2&page%5Bsize%5D=10&filter%5Bstatus%5D%5B%5D=paid",
        invoices,
        options,
    )
    .unwrap();
    let p = q.pagination().unwrap();
    assert_eq!((p.page, p.per_page, p.offset), (2, 10, 10));
    // The plain names mean the same.
    let plain =
        ListQuery::parse("per_page=10&filter[status]=paid&page=2", invoices, options).unwrap();
    assert_eq!(plain.pagination(), q.pagination());
    assert_eq!(plain.filters(), q.filters());

    let rows: Vec<Json> = (11..=20).map(|id| json!({"id": id})).collect();
    let page_options = PageOptions::new("https://api.example.com/invoices").unwrap();
    let response = ListResponse::new(&q, rows, Some(PageTotals::new(45)), &page_options).unwrap();
    let body = serde_json::to_value(&response).unwrap();
    assert_eq!(
        body["next_page_url"],
        "https://api.example.com/invoices?page%5Bsize%5D=10&filter%5Bstatus%5D=paid&page%5Bnumber%5D=3"
    );
    // Every link parses back to the same query with its page.
    let next = body["next_page_url"].as_str().unwrap();
    let again = ListQuery::parse(next.split_once('?').unwrap().1, invoices, options).unwrap();
    assert_eq!(Some(again), q.with_page(3));

    // Two names of one parameter are one parameter given twice.
    let errors = ListQuery::parse("page=2&page%5Bnumber%5D=3", invoices, options).unwrap_err();
    assert_eq!(errors.codes(), [ErrorCode::DuplicateParameter]);
    assert_eq!(
        errors.to_string(),
        "page[number] and page are the same parameter; send it once"
    );
    // Another `page[...]` key is a mistake, not an app parameter.
    let errors = ListQuery::parse("page%5Bafter%5D=3", invoices, options).unwrap_err();
    assert_eq!(errors.codes(), [ErrorCode::MalformedParameter]);
}

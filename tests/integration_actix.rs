//! The actix-web extractor through real requests (`actix_web::test`): what a
//! client sees — status, content type and JSON body.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use actix_web::dev::ServiceResponse;
use actix_web::http::StatusCode;
use actix_web::{App, HttpRequest, HttpResponse, test, web};
use listquery::integrations::actix::ListQueryConfig;
use listquery::{ListQuery, RequestOptions, Role, Schema};
use serde_json::{Value as Json, json};

/// Echoes the validated query in its JSON form.
async fn echo(query: ListQuery) -> HttpResponse {
    HttpResponse::Ok().body(serde_json::to_string(&query).unwrap())
}

/// The role from an `x-role` header (a stand-in for the app's auth).
fn options(req: &HttpRequest) -> RequestOptions {
    let role = match req.headers().get("x-role").map(|v| v.as_bytes()) {
        Some(b"agent") => Role::Agent,
        Some(b"collaborator") => Role::Collaborator,
        _ => Role::Admin,
    };
    RequestOptions::for_role(role).strict(req.headers().contains_key("x-strict"))
}

/// The app under test: one `ListQueryConfig` per resource, and an app-wide
/// `web::Data` config as the fallback for `/shared`. (A macro, because the
/// service's request type is not nameable without depending on actix-http.)
macro_rules! app {
    () => {{
        let schema = Schema::from_path("examples/schema.toml").unwrap();
        let mut app = App::new();
        for name in ["customers", "orders", "invoices"] {
            let resource = schema.resource(name).unwrap().clone();
            app = app.service(
                web::resource(format!("/{name}"))
                    .app_data(ListQueryConfig::new(resource).options(options))
                    .route(web::get().to(echo)),
            );
        }
        let fallback = ListQueryConfig::new(schema.resource("orders").unwrap().clone());
        test::init_service(
            app.app_data(web::Data::new(fallback))
                .route("/shared", web::get().to(echo)),
        )
        .await
    }};
}

struct Reply {
    status: StatusCode,
    content_type: Option<String>,
    body: Json,
}

async fn reply(response: ServiceResponse, uri: &str) -> Reply {
    let status = response.status();
    let content_type = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned());
    let bytes = test::read_body(response).await;
    let body = serde_json::from_slice(&bytes)
        .unwrap_or_else(|e| panic!("{uri}: body is not JSON ({e}): {bytes:?}"));
    Reply {
        status,
        content_type,
        body,
    }
}

/// GET `uri` with `headers` through the app.
macro_rules! send {
    ($app:expr, $uri:expr, $headers:expr $(,)?) => {{
        let uri: &str = $uri;
        let mut request = test::TestRequest::get().uri(uri);
        for header in $headers {
            let header: &(&str, &str) = header;
            request = request.insert_header(*header);
        }
        reply(test::call_service(&$app, request.to_request()).await, uri).await
    }};
}

fn codes(body: &Json) -> Vec<(&str, Option<&str>)> {
    body["errors"]
        .as_array()
        .expect("an errors array")
        .iter()
        .map(|e| {
            assert_eq!(e["status"], "400");
            assert!(e["title"].is_string() && e["detail"].is_string());
            (
                e["code"].as_str().unwrap(),
                e["source"]["parameter"].as_str(),
            )
        })
        .collect()
}

#[actix_web::test]
async fn valid_query_reaches_the_handler_typed() {
    let app = app!();
    let r = send!(
        app,
        "/invoices?filter%5Bstatus%5D=paid,sent&filter[amount][gte]=12.50&sort=-amount&page=2&per_page=10&metadata=1",
        &[],
    );
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        r.body["filters"],
        json!([
            {"field": "status", "op": "eq", "values": ["paid", "sent"]},
            {"field": "amount", "op": "gte", "values": ["12.50"]},
        ])
    );
    assert_eq!(r.body["sort"][0]["field"], "amount");
    assert_eq!(
        r.body["pagination"],
        json!({"page": 2, "per_page": 10, "offset": 10})
    );
    assert_eq!(r.body["metadata"], true);
}

#[actix_web::test]
async fn raw_query_is_decoded_by_listquery_not_the_framework() {
    let app = app!();
    let r = send!(app, "/customers?filter[name]=%22Smith%2C+John%22,Doe", &[]);
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        r.body["filters"][0]["values"],
        json!(["Smith, John", "Doe"])
    );
}

#[actix_web::test]
async fn pagination_default_follows_the_role() {
    let app = app!();
    let agent = send!(app, "/orders", &[("x-role", "agent")]);
    assert_eq!(agent.status, StatusCode::OK);
    assert_eq!(agent.body["pagination"], Json::Null);
    let paged = send!(app, "/orders?per_page=5", &[("x-role", "agent")]);
    assert_eq!(
        paged.body["pagination"],
        json!({"page": 1, "per_page": 5, "offset": 0})
    );
    for role in ["admin", "collaborator"] {
        let r = send!(app, "/orders", &[("x-role", role)]);
        assert_eq!(r.body["pagination"]["per_page"], 15, "{role}");
    }
}

#[actix_web::test]
async fn bad_query_is_a_400_json_api_body_with_every_error() {
    let app = app!();
    let r = send!(
        app,
        "/invoices?filter[status]=paid&filter[status]=sent&per_page=500&filter[a][b][c]=1",
        &[],
    );
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.content_type.as_deref(), Some("application/json"));
    assert_eq!(
        codes(&r.body),
        [
            ("duplicate_parameter", Some("filter[status]")),
            ("malformed_parameter", Some("filter[a][b][c]")),
            ("invalid_per_page", Some("per_page")),
        ]
    );

    let strict = send!(app, "/customers?q=x", &[("x-strict", "1")]);
    assert_eq!(strict.status, StatusCode::BAD_REQUEST);
    assert_eq!(codes(&strict.body), [("unknown_parameter", Some("q"))]);
}

#[actix_web::test]
async fn app_wide_data_config_is_the_fallback() {
    let app = app!();
    let ok = send!(app, "/shared?filter[currency]=EUR", &[]);
    assert_eq!(ok.status, StatusCode::OK);
    assert_eq!(ok.body["resource"], "orders");
    // Per-resource configs win over the app-wide one.
    let customers = send!(app, "/customers?filter[currency]=EUR", &[]);
    assert_eq!(customers.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        codes(&customers.body),
        [("filter_not_allowed", Some("filter[currency]"))]
    );
}

#[actix_web::test]
async fn route_without_a_config_is_a_500_without_detail() {
    let app = test::init_service(App::new().route("/", web::get().to(echo))).await;
    let r = send!(app, "/?page=1", &[]);
    assert_eq!(r.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(r.content_type.as_deref(), Some("application/json"));
    assert_eq!(r.body["errors"][0]["status"], "500");
    assert_eq!(r.body["errors"][0].get("detail"), None);
}

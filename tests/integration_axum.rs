//! The axum extractor through real requests (`tower::ServiceExt::oneshot`):
//! what a client sees — status, content type and JSON body.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::sync::Arc;

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::http::request::Parts;
use axum::http::{Request, StatusCode, header};
use axum::routing::get;
use listquery::integrations::axum::ListQueryContext;
use listquery::{ListQuery, RequestOptions, Resource, Role, Schema};
use serde_json::{Value as Json, json};
use tower::ServiceExt;

/// One state for every route: the resource is the path's first segment, the
/// role comes from an `x-role` header (a stand-in for the app's auth).
struct Api {
    schema: Schema,
}

impl ListQueryContext for Api {
    fn resource(&self, parts: &Parts) -> Option<Arc<Resource>> {
        self.schema
            .resource(parts.uri.path().trim_start_matches('/'))
            .cloned()
    }
    fn options(&self, parts: &Parts) -> RequestOptions {
        let role = match parts.headers.get("x-role").map(|v| v.as_bytes()) {
            Some(b"agent") => Role::Agent,
            Some(b"collaborator") => Role::Collaborator,
            _ => Role::Admin,
        };
        RequestOptions::for_role(role).strict(parts.headers.contains_key("x-strict"))
    }
}

/// Echoes the validated query in its JSON form.
async fn echo(query: ListQuery) -> String {
    serde_json::to_string(&query).unwrap()
}

fn app() -> Router {
    let schema = Schema::from_path("examples/schema.toml").unwrap();
    Router::new()
        .route("/customers", get(echo))
        .route("/invoices", get(echo))
        .route("/unlisted", get(echo))
        .with_state(Arc::new(Api { schema }))
}

struct Reply {
    status: StatusCode,
    content_type: Option<String>,
    body: Json,
}

async fn send(app: Router, uri: &str, headers: &[(&str, &str)]) -> Reply {
    let mut request = Request::get(uri);
    for (k, v) in headers {
        request = request.header(*k, *v);
    }
    let response = app
        .oneshot(request.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .map(|v| v.to_str().unwrap().to_owned());
    let bytes = to_bytes(response.into_body(), 1 << 20).await.unwrap();
    let body = serde_json::from_slice(&bytes)
        .unwrap_or_else(|e| panic!("{uri}: body is not JSON ({e}): {bytes:?}"));
    Reply {
        status,
        content_type,
        body,
    }
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

#[tokio::test]
async fn valid_query_reaches_the_handler_typed() {
    let r = send(
        app(),
        "/invoices?filter%5Bstatus%5D=paid,sent&filter[amount][gte]=12.50&sort=-amount&page=2&per_page=10&metadata=1",
        &[],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        r.body["filters"],
        json!([
            {"field": "status", "op": "eq", "values": ["paid", "sent"]},
            {"field": "amount", "op": "gte", "values": ["12.50"]},
        ])
    );
    assert_eq!(r.body["sort"][0]["field"], "amount");
    assert_eq!(r.body["sort"][0]["direction"], "desc");
    assert_eq!(
        r.body["pagination"],
        json!({"page": 2, "per_page": 10, "offset": 10})
    );
    assert_eq!(r.body["metadata"], true);
}

#[tokio::test]
async fn raw_query_is_decoded_by_listquery_not_the_framework() {
    // `+` is a space and a quoted item keeps its comma: listquery's rules.
    let r = send(
        app(),
        "/customers?filter[name]=%22Smith%2C+John%22,Doe",
        &[],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        r.body["filters"][0]["values"],
        json!(["Smith, John", "Doe"])
    );
}

#[tokio::test]
async fn pagination_default_follows_the_role_from_the_state() {
    let agent = send(app(), "/customers", &[("x-role", "agent")]).await;
    assert_eq!(agent.status, StatusCode::OK);
    assert_eq!(agent.body["pagination"], Json::Null);

    let paged_agent = send(app(), "/customers?page=2", &[("x-role", "agent")]).await;
    assert_eq!(paged_agent.body["pagination"]["page"], 2);

    for role in ["admin", "collaborator"] {
        let r = send(app(), "/customers", &[("x-role", role)]).await;
        assert_eq!(
            r.body["pagination"],
            json!({"page": 1, "per_page": 15, "offset": 0}),
            "{role}"
        );
    }
}

#[tokio::test]
async fn bad_query_is_a_400_json_api_body_with_every_error() {
    let r = send(
        app(),
        "/invoices?sort=-nope&sort=id&filter[amount][gte]=abc&page=0",
        &[],
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.content_type.as_deref(), Some("application/json"));
    assert_eq!(
        codes(&r.body),
        [
            ("duplicate_parameter", Some("sort")),
            ("sort_not_allowed", Some("sort")),
            ("invalid_value", Some("filter[amount][gte]")),
            ("invalid_page", Some("page")),
        ]
    );
    assert!(
        r.body["errors"][2]["detail"]
            .as_str()
            .unwrap()
            .contains("\"abc\""),
        "{}",
        r.body
    );
}

#[tokio::test]
async fn options_from_the_state_reach_validation() {
    let lax = send(app(), "/customers?q=smith", &[]).await;
    assert_eq!(lax.status, StatusCode::OK);
    let strict = send(app(), "/customers?q=smith", &[("x-strict", "1")]).await;
    assert_eq!(strict.status, StatusCode::BAD_REQUEST);
    assert_eq!(codes(&strict.body), [("unknown_parameter", Some("q"))]);

    // Metadata is for pages only: an agent's unpaginated list cannot have it.
    let agent = send(app(), "/invoices?metadata=1", &[("x-role", "agent")]).await;
    assert_eq!(agent.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        codes(&agent.body),
        [("metadata_unavailable", Some("metadata"))]
    );
}

#[tokio::test]
async fn route_without_a_resource_is_a_500_without_detail() {
    let r = send(app(), "/unlisted?page=1", &[]).await;
    assert_eq!(r.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(r.content_type.as_deref(), Some("application/json"));
    assert_eq!(r.body["errors"][0]["status"], "500");
    assert_eq!(r.body["errors"][0].get("detail"), None);
}

#[tokio::test]
async fn one_resource_per_router_with_arc_resource_state() {
    let schema = Schema::from_path("examples/schema.toml").unwrap();
    let orders = schema.resource("orders").unwrap().clone();
    let app = Router::new().route("/", get(echo)).with_state(orders);
    let ok = send(app.clone(), "/?filter[currency]=EUR", &[]).await;
    assert_eq!(ok.status, StatusCode::OK);
    assert_eq!(ok.body["filters"][0]["values"], json!(["EUR"]));
    let bad = send(app, "/?filter[total][between]=1", &[]).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        codes(&bad.body),
        [("value_count", Some("filter[total][between]"))]
    );
}

//! axum integration (feature `axum`): [`ListQuery`] is an extractor.
//!
//! A handler takes `query: ListQuery`; the extractor reads the request's raw
//! query (`uri().query()`), asks the router's state for the resource and the
//! request options ([`ListQueryContext`]), and runs [`ListQuery::parse`]. A bad
//! query is rejected with [`ListQueryRejection`]: HTTP 400,
//! `Content-Type: application/json`, the JSON:API body of
//! [`QueryErrors::to_json_api`](crate::QueryErrors::to_json_api).
//!
//! Why a trait on the state: axum hands every extractor the router's state, so
//! the state is where an app already keeps its schema, and it sees the request
//! parts, so it can pick the resource by route and the pagination default by
//! the caller's role (read from a header, or from an extension your auth
//! extractor inserted). For one resource per router, `Arc<Resource>` is a
//! ready-made state.
//!
//! ```
//! use std::sync::Arc;
//! use axum::{Router, body::Body, http::{Request, StatusCode, header}, routing::get};
//! use listquery::{ListQuery, Schema};
//! use tower::ServiceExt;
//!
//! async fn list(query: ListQuery) -> String {
//!     format!("page {:?}", query.pagination().map(|p| p.page))
//! }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let schema = Schema::from_path("examples/schema.toml").unwrap();
//! let customers: Arc<_> = schema.resource("customers").unwrap().clone();
//! let app = Router::new().route("/customers", get(list)).with_state(customers);
//!
//! let ok = app.clone().oneshot(Request::get("/customers?page=3").body(Body::empty()).unwrap());
//! assert_eq!(ok.await.unwrap().status(), StatusCode::OK);
//!
//! let bad = app.oneshot(Request::get("/customers?page=0").body(Body::empty()).unwrap()).await.unwrap();
//! assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
//! assert_eq!(bad.headers()[header::CONTENT_TYPE], "application/json");
//! # }
//! ```

use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::{JSON_CONTENT_TYPE, ListQueryRejection};
use crate::schema::Resource;
use crate::validate::{ListQuery, RequestOptions};

/// What the [`ListQuery`] extractor needs from the router's state.
///
/// ```
/// use std::sync::Arc;
/// use axum::http::request::Parts;
/// use listquery::integrations::axum::ListQueryContext;
/// use listquery::{RequestOptions, Resource, Role, Schema};
///
/// /// One state for every list route: the resource is the route's first segment.
/// struct Api {
///     schema: Schema,
/// }
///
/// impl ListQueryContext for Api {
///     fn resource(&self, parts: &Parts) -> Option<Arc<Resource>> {
///         let name = parts.uri.path().trim_start_matches('/');
///         self.schema.resource(name).cloned()
///     }
///     fn options(&self, parts: &Parts) -> RequestOptions {
///         let agent = parts.headers.get("x-role").is_some_and(|r| r == "agent");
///         RequestOptions::for_role(if agent { Role::Agent } else { Role::Admin })
///     }
/// }
/// ```
pub trait ListQueryContext: Send + Sync {
    /// The resource this request lists; `None` answers HTTP 500
    /// ([`ListQueryRejection::NoResource`]): a route without a resource is the
    /// app's mistake, not the client's.
    fn resource(&self, parts: &Parts) -> Option<Arc<Resource>>;

    /// The request's options: its pagination default (by role), strictness.
    /// Defaults to [`RequestOptions::default`] (paginated).
    fn options(&self, parts: &Parts) -> RequestOptions {
        let _ = parts;
        RequestOptions::default()
    }
}

/// A shared context, as axum states usually are (`Arc<AppState>`).
impl<T: ListQueryContext + ?Sized> ListQueryContext for Arc<T> {
    fn resource(&self, parts: &Parts) -> Option<Arc<Resource>> {
        T::resource(self, parts)
    }
    fn options(&self, parts: &Parts) -> RequestOptions {
        T::options(self, parts)
    }
}

/// One resource for the whole router (state `Arc<Resource>`), with the
/// default options.
impl ListQueryContext for Arc<Resource> {
    fn resource(&self, _parts: &Parts) -> Option<Arc<Resource>> {
        Some(Arc::clone(self))
    }
}

impl<S: ListQueryContext> FromRequestParts<S> for ListQuery {
    type Rejection = ListQueryRejection;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let resource = state
            .resource(parts)
            .ok_or(ListQueryRejection::NoResource)?;
        let options = state.options(parts);
        let raw = parts.uri.query().unwrap_or_default();
        Ok(ListQuery::parse(raw, &resource, options)?)
    }
}

/// HTTP 400 (or 500 for [`ListQueryRejection::NoResource`]) with the JSON body
/// of [`ListQueryRejection::to_json`].
impl IntoResponse for ListQueryRejection {
    fn into_response(self) -> Response {
        let status =
            StatusCode::from_u16(self.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        (
            status,
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static(JSON_CONTENT_TYPE),
            )],
            self.to_json(),
        )
            .into_response()
    }
}

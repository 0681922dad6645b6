//! actix-web integration (feature `actix`): [`ListQuery`] is an extractor.
//!
//! A handler takes `query: ListQuery`; the extractor reads the request's raw
//! query (`query_string()`), finds the [`ListQueryConfig`] registered with
//! `.app_data(...)` on the app, scope or resource, and runs
//! [`ListQuery::parse`]. A bad query fails with [`ListQueryRejection`], whose
//! [`ResponseError`] answer is HTTP 400, `Content-Type: application/json`, the
//! JSON:API body of [`QueryErrors::to_json_api`](crate::QueryErrors::to_json_api).
//!
//! Why a config in `app_data`: that is how actix-web configures its own
//! extractors (`JsonConfig`, `QueryConfig`), and the innermost registration
//! wins, so each `web::resource("/customers")` carries its own resource while
//! the app keeps one options function for every route.
//!
//! ```
//! use listquery::integrations::actix::ListQueryConfig;
//! use listquery::{ListQuery, RequestOptions, Role, Schema};
//! use actix_web::{App, HttpResponse, test, web};
//!
//! async fn list(query: ListQuery) -> HttpResponse {
//!     HttpResponse::Ok().body(format!("{} filter(s)", query.filters().len()))
//! }
//!
//! # actix_web::rt::System::new().block_on(async {
//! let schema = Schema::from_path("examples/schema.toml").unwrap();
//! let orders = schema.resource("orders").unwrap().clone();
//! let app = test::init_service(App::new().service(
//!     web::resource("/orders")
//!         .app_data(ListQueryConfig::new(orders).options(|req| {
//!             let agent = req.headers().get("x-role").is_some_and(|r| r == "agent");
//!             RequestOptions::for_role(if agent { Role::Agent } else { Role::Admin })
//!         }))
//!         .route(web::get().to(list)),
//! )).await;
//!
//! let ok = test::call_service(&app, test::TestRequest::get().uri("/orders?filter[status]=paid").to_request()).await;
//! assert_eq!(ok.status(), 200);
//! let bad = test::call_service(&app, test::TestRequest::get().uri("/orders?sort=-nope").to_request()).await;
//! assert_eq!(bad.status(), 400);
//! assert_eq!(bad.headers().get("content-type").unwrap(), "application/json");
//! # });
//! ```

use std::fmt;
use std::future::{Ready, ready};
use std::sync::Arc;

use actix_web::dev::Payload;
use actix_web::http::StatusCode;
use actix_web::http::header::{CONTENT_TYPE, HeaderValue};
use actix_web::{FromRequest, HttpRequest, HttpResponse, ResponseError, web};

use super::{JSON_CONTENT_TYPE, ListQueryRejection};
use crate::schema::Resource;
use crate::validate::{ListQuery, RequestOptions};

type OptionsFn = dyn Fn(&HttpRequest) -> RequestOptions + Send + Sync;

/// The [`ListQuery`] extractor's configuration: the resource of the route and
/// how to pick a request's options. Register it with `.app_data(config)` (or as
/// `web::Data<ListQueryConfig>`) on a resource, scope or the app.
#[derive(Clone)]
pub struct ListQueryConfig {
    resource: Arc<Resource>,
    options: Arc<OptionsFn>,
}

impl ListQueryConfig {
    /// A config for `resource`, with [`RequestOptions::default`] (paginated)
    /// for every request.
    pub fn new(resource: Arc<Resource>) -> Self {
        Self {
            resource,
            options: Arc::new(|_| RequestOptions::default()),
        }
    }

    /// Picks each request's options (its pagination default by role,
    /// strictness) with `f`, e.g. from a header or an extension your auth
    /// middleware inserted.
    pub fn options(
        mut self,
        f: impl Fn(&HttpRequest) -> RequestOptions + Send + Sync + 'static,
    ) -> Self {
        self.options = Arc::new(f);
        self
    }

    /// The resource.
    pub fn resource(&self) -> &Arc<Resource> {
        &self.resource
    }
}

impl fmt::Debug for ListQueryConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ListQueryConfig")
            .field("resource", &self.resource.name())
            .finish_non_exhaustive()
    }
}

impl FromRequest for ListQuery {
    type Error = ListQueryRejection;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        let config = req.app_data::<ListQueryConfig>().or_else(|| {
            req.app_data::<web::Data<ListQueryConfig>>()
                .map(|data| data.get_ref())
        });
        ready(match config {
            None => Err(ListQueryRejection::NoResource),
            Some(config) => {
                let options = (config.options)(req);
                ListQuery::parse(req.query_string(), &config.resource, options)
                    .map_err(ListQueryRejection::from)
            }
        })
    }
}

/// HTTP 400 (or 500 for [`ListQueryRejection::NoResource`]) with the JSON body
/// of [`ListQueryRejection::to_json`].
impl ResponseError for ListQueryRejection {
    fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    fn error_response(&self) -> HttpResponse {
        HttpResponse::build(self.status_code())
            .insert_header((CONTENT_TYPE, HeaderValue::from_static(JSON_CONTENT_TYPE)))
            .body(self.to_json())
    }
}

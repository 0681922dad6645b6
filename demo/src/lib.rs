//! The demo API: `GET /customers`, `GET /orders`, `GET /invoices` from
//! `examples/schema.toml`, over an embedded SQLite file seeded on first start,
//! or over PostgreSQL or MySQL/MariaDB (`--database-url`), seeded the same way.
//!
//! ```text
//! cargo run --release -p listquery-demo -- [--addr 127.0.0.1:8080] [--db listquery-demo.sqlite3]
//!     [--database-url postgres://USER@HOST/DB | mysql://USER:PASS@HOST/DB]
//!     [--base-url http://127.0.0.1:8080] [--rows 1000]  (--help for the rest)
//! ```
//!
//! Its own crate in the workspace, so that its first build compiles only what
//! it uses (not the library's test and bench dependencies); `cargo run
//! --release --example server` runs the same server through `examples/server.rs`.
//!
//! Every request does the real work: the bearer token picks the caller (an
//! agent sees only their own customers, and unpaginated lists by default), the
//! `ListQuery` extractor parses and validates the query (400 with a JSON:API
//! body), the SQL layer applies it to the endpoint's scoped SELECT for the
//! database's dialect, the driver runs it on the blocking pool, and the page
//! layer answers with the Laravel envelope (offset or cursor) — or a plain
//! array for an unpaginated list.

#![allow(clippy::print_stdout, clippy::print_stderr)]

mod args;
mod db;
mod http;
mod records;
mod remote;
mod seed;
mod store;

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use listquery::integrations::axum::ListQueryContext;
use listquery::integrations::{INTERNAL_ERROR_BODY, JSON_CONTENT_TYPE};
use listquery::page::{ListResponse, PageOptions};
use listquery::sql::{Dialect, SqlError};
use listquery::{ListQuery, RequestOptions, Resource, Role, Schema};

use crate::args::Args;
use crate::records::{Layout, Table};
use crate::store::{Database, DbError, Plan, Pool};

/// Demo bearer tokens. Fixed so that the README's commands work as written;
/// a real app would look callers up in its own user store.
const TOKENS: [(&str, Caller); 3] = [
    (
        "agent-token",
        Caller {
            role: Role::Agent,
            agent_id: Some(1),
        },
    ),
    (
        "admin-token",
        Caller {
            role: Role::Admin,
            agent_id: None,
        },
    ),
    (
        "collaborator-token",
        Caller {
            role: Role::Collaborator,
            agent_id: None,
        },
    ),
];

/// Who is calling, from the bearer token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Caller {
    role: Role,
    /// The agent's id, for scoping; `None` for admins and collaborators.
    agent_id: Option<i64>,
}

/// Shared by every route.
struct App {
    tokens: HashMap<&'static str, Caller>,
    db: Database,
    /// The longest a list request may take once its headers are in.
    request_timeout: Duration,
}

impl App {
    fn caller(&self, parts: &Parts) -> Option<Caller> {
        let value = parts.headers.get(header::AUTHORIZATION)?.to_str().ok()?;
        let (scheme, token) = value.split_once(' ')?;
        if !scheme.eq_ignore_ascii_case("bearer") {
            return None;
        }
        self.tokens.get(token.trim()).copied()
    }
}

/// One list route's state: the app, its resource and how its pages link.
#[derive(Clone)]
struct Endpoint {
    app: Arc<App>,
    resource: Arc<Resource>,
    table: Table,
    page: Arc<PageOptions>,
}

/// The `ListQuery` extractor asks the route's state for the resource and for
/// the pagination default of the caller's role.
impl ListQueryContext for Endpoint {
    fn resource(&self, _parts: &Parts) -> Option<Arc<Resource>> {
        Some(Arc::clone(&self.resource))
    }
    fn options(&self, parts: &Parts) -> RequestOptions {
        // The `Caller` extractor runs first and answers 401 without a caller.
        self.app
            .caller(parts)
            .map_or_else(RequestOptions::default, |c| {
                RequestOptions::for_role(c.role)
            })
    }
}

fn json(status: StatusCode, body: String) -> Response {
    (
        status,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static(JSON_CONTENT_TYPE),
        )],
        body,
    )
        .into_response()
}

/// Why a list request failed after extraction.
enum Failure {
    /// The client's fault: HTTP 400 with this JSON:API body.
    BadRequest(String),
    /// Ours: already logged; HTTP 500 with a generic body.
    Internal,
    /// Every connection stayed busy for the pool's wait: HTTP 503, try again.
    Busy,
    /// A statement ran past `--statement-timeout-ms`, or the request past
    /// `--request-timeout-ms`: HTTP 503, try again or ask for less.
    Timeout,
}

/// Logs the cause on the server; the client gets a generic body.
fn internal(context: &str, cause: &dyn std::fmt::Display) -> Failure {
    eprintln!("error: {context}: {cause}");
    Failure::Internal
}

/// A client error (400 with its JSON:API body) or a server one (logged, 500).
fn sql_failure(context: &str, e: &SqlError) -> Failure {
    match e.to_json_api() {
        Some(doc) => Failure::BadRequest(doc.to_json()),
        None => internal(context, e),
    }
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        match self {
            Self::BadRequest(body) => json(StatusCode::BAD_REQUEST, body),
            Self::Internal => json(
                StatusCode::INTERNAL_SERVER_ERROR,
                INTERNAL_ERROR_BODY.to_owned(),
            ),
            Self::Busy => {
                let mut response = json(
                    StatusCode::SERVICE_UNAVAILABLE,
                    r#"{"errors":[{"status":"503","code":"busy","title":"Busy","detail":"every database connection stayed busy; try again in a second"}]}"#.to_owned(),
                );
                (response.headers_mut()).insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
                response
            }
            Self::Timeout => {
                let mut response = json(
                    StatusCode::SERVICE_UNAVAILABLE,
                    r#"{"errors":[{"status":"503","code":"timeout","title":"Timeout","detail":"the query took longer than this server allows; narrow the filters, or try again later"}]}"#.to_owned(),
                );
                (response.headers_mut()).insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
                response
            }
        }
    }
}

impl FromRequestParts<Endpoint> for Caller {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &Endpoint) -> Result<Self, Response> {
        state.app.caller(parts).ok_or_else(|| {
            let mut response = json(
                StatusCode::UNAUTHORIZED,
                r#"{"errors":[{"status":"401","code":"unauthenticated","title":"Unauthenticated","detail":"send a known token as Authorization: Bearer TOKEN"}]}"#.to_owned(),
            );
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            response
        })
    }
}

/// One list request: the caller and the validated query were extracted (401 and
/// 400 happen there); here the SQL runs and the answer is built.
async fn list(
    State(endpoint): State<Endpoint>,
    caller: Caller,
    query: ListQuery,
) -> Result<Response, Failure> {
    let limit = endpoint.app.request_timeout;
    (tokio::time::timeout(limit, answer(endpoint, caller, query)).await)
        .unwrap_or(Err(Failure::Timeout))
}

/// [`list`] within its time limit.
async fn answer(endpoint: Endpoint, caller: Caller, query: ListQuery) -> Result<Response, Failure> {
    let table = endpoint.table.name();
    let plan = Plan {
        query: query.clone(),
        base: endpoint.table.base_select(caller.agent_id),
        layout: Layout::of(&query),
    };
    // A free connection first, waiting without a thread (then SQLite reads
    // on a blocking thread: threads never outnumber connections).
    let conn = (endpoint.app.db.checkout().await)
        .map_err(|e| internal(table, &e))?
        .ok_or(Failure::Busy)?;
    let fetched = conn.read(plan).await.map_err(|e| match e {
        DbError::Timeout => Failure::Timeout,
        DbError::Sql(e) => sql_failure(table, &e),
        e => internal(table, &e),
    })?;
    let answer = ListResponse::new(&query, fetched.rows, fetched.totals, &endpoint.page).map_err(
        |e| match e.to_json_api() {
            Some(doc) => Failure::BadRequest(doc.to_json()),
            None => internal("page", &e),
        },
    )?;
    let body = serde_json::to_string(&answer).map_err(|e| internal("serialize", &e))?;
    Ok(json(StatusCode::OK, body))
}

fn route(app: &Arc<App>, schema: &Schema, base_url: &str, table: Table) -> Result<Router, String> {
    let resource = schema
        .resource(table.name())
        .ok_or_else(|| format!("the schema has no resource '{}'", table.name()))?;
    let path = format!("/{}", table.name());
    let page = PageOptions::new(&format!("{}{path}", base_url.trim_end_matches('/')))
        .map_err(|e| format!("--base-url: {e}"))?;
    let endpoint = Endpoint {
        app: Arc::clone(app),
        resource: Arc::clone(resource),
        table,
        page: Arc::new(page),
    };
    Ok(Router::new().route(&path, get(list)).with_state(endpoint))
}

/// The database, ready to serve.
struct Prepared {
    db: Database,
    /// Whether it was seeded now.
    seeded: bool,
    /// What to call it in messages (never the URL: it may hold a password).
    name: String,
    /// How many advised indexes are in place, and how long creating them took.
    indexes: usize,
    index_ms: u128,
}

/// The SQLite file (created and seeded when missing), or the server of
/// `--database-url` (its tables created and seeded when missing), with the
/// indexes the schema advises for its dialect (`listquery indexes`).
async fn prepare_database(schema: &Schema, args: &Args) -> Result<Prepared, String> {
    let advice = |dialect| -> Vec<String> {
        (schema.resources())
            .flat_map(|r| listquery::sql::index_advice(r, dialect))
            .map(|advice| advice.statement)
            .collect()
    };
    // Every table and column the schema names, read once on every SQLite
    // connection (on a server, on the connection that seeded): a file that is
    // no database, lacks a table, or cannot be read stops the server here,
    // not with a 500 on every request.
    let probes_for = |dialect| probes(schema, dialect);
    let cannot_serve = |name: &str, e: &dyn std::fmt::Display| {
        let remedy = match args.database_url {
            None => "remove the file to have a new one seeded, or point --db elsewhere",
            Some(_) => {
                "drop its tables to have them seeded again, or point --database-url elsewhere"
            }
        };
        format!(
            "{name} cannot be served: {e}. It must hold the tables of examples/schema.toml \
             (customers, orders, invoices); {remedy}"
        )
    };
    let (db, seeded, name, created, index_ms) = match args.database_url.as_deref() {
        None => {
            // rusqlite blocks: open, seed and index off the async threads.
            let (statements, args_) = (advice(Dialect::Sqlite), args.clone());
            let (db, seeded, name, created, index_ms) =
                (tokio::task::spawn_blocking(move || open_sqlite(&args_, &statements)).await)
                    .map_err(|e| e.to_string())??;
            let db = db.map_err(|e| cannot_serve(&name, &e))?;
            db.probe(&probes_for(Dialect::Sqlite))
                .await
                .map_err(|e| cannot_serve(&name, &e))?;
            (db, seeded, name, created, index_ms)
        }
        Some(url) => {
            let settings = remote::Settings {
                url,
                size: args.pool_size(),
                wait: args.pool_wait,
                statement_timeout: args.statement_timeout,
            };
            let opened = remote::Remote::connect(&settings, args.rows, advice, probes_for).await?;
            let name = format!("{:?} server of --database-url", opened.remote.dialect());
            opened.probed.map_err(|e| cannot_serve(&name, &e))?;
            let db = Database::Remote(opened.remote);
            (db, opened.seeded, name, opened.indexes, opened.index_ms)
        }
    };
    // A database the server cannot write (read-only) is still served, as it
    // is: only slower without the indexes.
    let indexes = created.unwrap_or_else(|e| {
        eprintln!("warning: {name}: the advised indexes could not be created: {e}");
        0
    });
    Ok(Prepared {
        db,
        seeded,
        name,
        indexes,
        index_ms,
    })
}

/// What opening the SQLite file gave: its connections (or why it cannot be
/// served), whether it was seeded now, its name in messages, and the
/// indexes' result and milliseconds.
type Opened = (
    Result<Database, DbError>,
    bool,
    String,
    Result<usize, DbError>,
    u128,
);

/// The SQLite file, created and seeded when missing, with the advised
/// indexes, and its read-only connections. Blocks.
fn open_sqlite(args: &Args, advice: &[String]) -> Result<Opened, String> {
    let (db_path, workers, wait) = (&args.db, args.pool_size(), args.pool_wait);
    let name = db_path.display().to_string();
    if db::shared_page_cache().unwrap_or(false) {
        eprintln!(
            "warning: this SQLite shares one page cache across connections (built with SQLITE_ENABLE_MEMORY_MANAGEMENT): requests will wait on each other; build with LIBSQLITE3_FLAGS=-USQLITE_ENABLE_MEMORY_MANAGEMENT (.cargo/config.toml does)"
        );
    }
    let seeded = db::create_if_missing(db_path, args.rows).map_err(|e| format!("{name}: {e}"))?;
    // Indexes and statistics first: a connection reads the statistics
    // when it loads the schema.
    let started = std::time::Instant::now();
    let created = db::create_indexes(db_path, advice);
    let index_ms = started.elapsed().as_millis();
    let memory = db::Memory {
        cache_mib: args.sqlite_cache_mib,
        mmap_mib: args.sqlite_mmap_mib,
    };
    let db = (|| {
        let readers = db::open_readers(db_path, workers, memory)?;
        if args.check_integrity
            && let Some(first) = readers.first()
        {
            db::quick_check(first)?;
        }
        Ok(Database::Sqlite(
            Pool::new(readers, wait),
            args.statement_timeout,
        ))
    })();
    Ok((db, seeded, name, created, index_ms))
}

/// One `SELECT ... LIMIT 1` per table the schema reads: each resource's own
/// columns (and its joins' local columns), and each join's columns.
fn probes(schema: &Schema, dialect: Dialect) -> Vec<String> {
    use listquery::sql::table_ref;
    use sea_query::{Alias, Query};
    let mut statements = Vec::new();
    for resource in schema.resources() {
        let mut own: Vec<&str> = (resource.fields().iter())
            .filter(|f| f.join().is_none())
            .map(|f| f.row_name())
            .chain(resource.joins().iter().map(|j| j.local()))
            .collect();
        own.sort_unstable();
        own.dedup();
        let select = Query::select()
            .columns(own.into_iter().map(Alias::new))
            .from(table_ref(resource.table()))
            .to_owned();
        statements.push(format!("{} LIMIT 1", dialect.build(&select).0));
        for (index, join) in resource.joins().iter().enumerate() {
            let columns = (resource.fields().iter())
                .filter(|f| f.join() == Some(index))
                .filter_map(|f| f.column().split_once('.').map(|(_, c)| c))
                .chain([join.foreign()]);
            let select = Query::select()
                .columns(columns.map(Alias::new))
                .from(table_ref(join.table()))
                .to_owned();
            statements.push(format!("{} LIMIT 1", dialect.build(&select).0));
        }
    }
    statements
}

fn schema_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../examples/schema.toml")
}

async fn run(args: Args) -> Result<(), String> {
    let schema = Schema::from_path(schema_path()).map_err(|e| e.to_string())?;
    // The port first: a taken one is an error before any seeding.
    let listener = tokio::net::TcpListener::bind(args.addr)
        .await
        .map_err(|e| format!("--addr {}: {e}", args.addr))?;
    let local = listener.local_addr().map_err(|e| e.to_string())?;
    // The bound address, so that `--addr 127.0.0.1:0` links to its real port.
    let base_url = args.base_url(local);

    let Prepared {
        db,
        seeded,
        name: where_,
        indexes,
        index_ms,
    } = prepare_database(&schema, &args).await?;
    let app = Arc::new(App {
        tokens: TOKENS.into_iter().collect(),
        db,
        request_timeout: args.request_timeout,
    });
    let mut router = Router::new();
    for table in Table::ALL {
        router = router.merge(route(&app, &schema, &base_url, table)?);
    }
    let openapi = openapi_json(&schema, &base_url)?;
    let router = router
        .route(
            "/openapi.json",
            get(move || async move { json(StatusCode::OK, openapi.clone()) }),
        )
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed);

    println!(
        "database: {where_} ({})",
        if seeded {
            "seeded now"
        } else {
            "existing file, not re-seeded"
        }
    );
    println!("indexes: {indexes} advised by the schema, in place ({index_ms} ms)");
    println!("listening on http://{local}  (page URLs start with {base_url})");
    println!("bearer tokens:");
    for (token, caller) in TOKENS {
        let who = match caller.agent_id {
            Some(id) => {
                format!("agent #{id}: own customers, orders and invoices; unpaginated by default")
            }
            None => format!("{:?}: everything; paginated by default", caller.role).to_lowercase(),
        };
        println!("  {token:<20} {who}");
    }
    println!(
        "try: curl -H 'Authorization: Bearer admin-token' '{base_url}/invoices?filter%5Bstatus%5D=paid,sent&sort=-amount&per_page=5&metadata=1'"
    );

    let bounds = http::Bounds {
        header_timeout: args.header_timeout,
        max_connections: args.max_connections,
        shutdown_timeout: args.shutdown_timeout,
    };
    http::serve(listener, router, bounds).await;
    Ok(())
}

/// `GET /openapi.json`: the schema's OpenAPI 3.1 document (every parameter
/// of each list endpoint, the error body), with this server's URL and its
/// bearer tokens.
fn openapi_json(schema: &Schema, base_url: &str) -> Result<String, String> {
    use listquery::openapi::utoipa::openapi::security::{
        HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme,
    };
    use listquery::openapi::utoipa::openapi::server::Server;
    let mut doc =
        listquery::openapi::document(schema, "listquery demo API", env!("CARGO_PKG_VERSION"));
    doc.servers = Some(vec![Server::new(base_url)]);
    if let Some(components) = doc.components.as_mut() {
        let bearer = HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build();
        components.add_security_scheme("bearer", SecurityScheme::Http(bearer));
    }
    doc.security = Some(vec![SecurityRequirement::new(
        "bearer",
        Vec::<String>::new(),
    )]);
    doc.to_json()
        .map_err(|e| format!("the OpenAPI document: {e}"))
}

/// Any other path: 404 with a JSON body.
async fn not_found() -> Response {
    json(
        StatusCode::NOT_FOUND,
        r#"{"errors":[{"status":"404","code":"not_found","title":"Not found","detail":"no such endpoint; this server answers GET /customers, /orders and /invoices"}]}"#.to_owned(),
    )
}

/// A list route with another method than GET: 405 with a JSON body.
async fn method_not_allowed() -> Response {
    let mut response = json(
        StatusCode::METHOD_NOT_ALLOWED,
        r#"{"errors":[{"status":"405","code":"method_not_allowed","title":"Method not allowed","detail":"list endpoints answer GET (and HEAD) only"}]}"#.to_owned(),
    );
    (response.headers_mut()).insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
    response
}

/// Parses the command line and runs the server until Ctrl-C or SIGTERM.
pub fn main() -> ExitCode {
    let args = <Args as clap::Parser>::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("server: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("server: {message}");
            ExitCode::FAILURE
        }
    }
}

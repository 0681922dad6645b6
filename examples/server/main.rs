//! The demo API: `GET /customers`, `GET /orders`, `GET /invoices` from
//! `examples/schema.toml`, over an embedded SQLite file seeded on first start,
//! or over PostgreSQL or MySQL/MariaDB (`--database-url`), seeded the same way.
//!
//! ```text
//! cargo run --release --example server -- [--addr 127.0.0.1:8080] [--db listquery-demo.sqlite3]
//!     [--database-url postgres://USER@HOST/DB | mysql://USER:PASS@HOST/DB]
//!     [--base-url http://127.0.0.1:8080] [--rows 1000]
//! ```
//!
//! Every request does the real work: the bearer token picks the caller (an
//! agent sees only their own customers, and unpaginated lists by default), the
//! `ListQuery` extractor parses and validates the query (400 with a JSON:API
//! body), the SQL layer applies it to the endpoint's scoped SELECT for the
//! database's dialect, the driver runs it on the blocking pool, and the page
//! layer answers with the Laravel envelope (offset or cursor) — or a plain
//! array for an unpaginated list.

#![allow(clippy::print_stdout, clippy::print_stderr)]

mod db;
mod records;
mod remote;
mod seed;
mod store;

use std::collections::HashMap;
use std::net::SocketAddr;
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
use listquery::sql::{Dialect, ListSql, SqlError};
use listquery::{ListQuery, RequestOptions, Resource, Role, Schema};
use sea_query::SelectStatement;

use crate::records::{Layout, Table};
use crate::store::{Database, Plan, Pool};

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

const USAGE: &str = "\
usage: server [--addr HOST:PORT] [--db PATH] [--database-url URL] [--base-url URL] [--rows N]
              [--pool-size N] [--pool-wait-ms MS]

  --addr          where to listen (default 127.0.0.1:8080)
  --db            the SQLite file; created and seeded when missing (default listquery-demo.sqlite3)
  --database-url  a PostgreSQL (postgres://...) or MySQL/MariaDB (mysql://...) database to
                  use instead of the SQLite file; its tables are created and seeded when missing
  --base-url      the start of page URLs, before the route (default http://ADDR)
  --rows          customers to seed, with twice as many orders and invoices (default 1000)
  --pool-size     database connections (default: the number of cores, from 2 to 4)
  --pool-wait-ms  how long a request waits for a free connection before it is answered
                  503 with Retry-After (default 2000)";

#[derive(Clone)]
struct Args {
    addr: SocketAddr,
    db: PathBuf,
    database_url: Option<String>,
    base_url: Option<String>,
    rows: u32,
    pool_size: usize,
    pool_wait: Duration,
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Args, String> {
    let mut parsed = Args {
        addr: SocketAddr::from(([127, 0, 0, 1], 8080)),
        db: PathBuf::from("listquery-demo.sqlite3"),
        database_url: None,
        base_url: None,
        rows: 1000,
        pool_size: std::thread::available_parallelism().map_or(2, |n| n.get().clamp(2, 4)),
        pool_wait: Duration::from_secs(2),
    };
    while let Some(flag) = args.next() {
        if flag == "-h" || flag == "--help" {
            return Err(String::new());
        }
        let (name, inline) = match flag.split_once('=') {
            Some((name, value)) => (name.to_owned(), Some(value.to_owned())),
            None => (flag, None),
        };
        let value = inline
            .or_else(|| args.next())
            .ok_or_else(|| format!("{name} needs a value"))?;
        match name.as_str() {
            "--addr" => {
                parsed.addr = value
                    .parse()
                    .map_err(|e| format!("--addr {value:?}: {e}"))?;
            }
            "--db" => parsed.db = PathBuf::from(value),
            "--database-url" => parsed.database_url = Some(value),
            "--base-url" => parsed.base_url = Some(value),
            "--rows" => {
                parsed.rows = value
                    .parse()
                    .ok()
                    .filter(|n| *n >= 1)
                    .ok_or_else(|| format!("--rows {value:?}: expected a number >= 1"))?;
            }
            "--pool-size" => {
                parsed.pool_size = value
                    .parse()
                    .ok()
                    .filter(|n| (1..=256).contains(n))
                    .ok_or_else(|| format!("--pool-size {value:?}: expected 1 to 256"))?;
            }
            "--pool-wait-ms" => {
                let ms = value
                    .parse()
                    .map_err(|_| format!("--pool-wait-ms {value:?}: expected milliseconds"))?;
                parsed.pool_wait = Duration::from_millis(ms);
            }
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(parsed)
}

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

/// The statements of one request, rendered for the database's dialect: the
/// select, and the count (or estimate) statement when the envelope needs a
/// total or metadata. sea-query's statements are not `Send`; their text and
/// values are.
fn plan(query: &ListQuery, base: &SelectStatement, app: &App) -> Result<Plan, Failure> {
    let sql = ListSql::new(query, app.db.dialect());
    let select = sql.select(base).map_err(|e| sql_failure("select", &e))?;
    let select = sql.build(&select);
    let estimate = sql
        .estimate(base)
        .map_err(|e| sql_failure("estimate", &e))?;
    let count = match query.needs_totals() {
        false => None,
        true => Some(sql.count(base).map_err(|e| sql_failure("count", &e))?),
    };
    Ok(Plan {
        select,
        layout: Layout::of(query),
        count,
        estimate,
    })
}

/// One list request: the caller and the validated query were extracted (401 and
/// 400 happen there); here the SQL runs and the answer is built.
async fn list(
    State(endpoint): State<Endpoint>,
    caller: Caller,
    query: ListQuery,
) -> Result<Response, Failure> {
    let table = endpoint.table.name();
    let base = endpoint.table.base_select(caller.agent_id);
    let plan = plan(&query, &base, &endpoint.app)?;
    // A free connection first, waiting without a thread; only then a
    // blocking thread, so threads never outnumber connections.
    let mut conn = endpoint.app.db.checkout().await.ok_or(Failure::Busy)?;
    let fetched = tokio::task::spawn_blocking(move || conn.read(plan))
        .await
        .map_err(|e| internal(table, &e))?
        .map_err(|e| internal(table, &e))?;
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
fn prepare_database(schema: &Schema, args: &Args) -> Result<Prepared, String> {
    let (db_path, workers, wait) = (&args.db, args.pool_size, args.pool_wait);
    let advice = |dialect| -> Vec<String> {
        (schema.resources())
            .flat_map(|r| listquery::sql::index_advice(r, dialect))
            .map(|advice| advice.statement)
            .collect()
    };
    let (db, seeded, name, created, index_ms) = match args.database_url.as_deref() {
        None => {
            let name = db_path.display().to_string();
            if db::shared_page_cache().unwrap_or(false) {
                eprintln!(
                    "warning: this SQLite shares one page cache across connections (built with SQLITE_ENABLE_MEMORY_MANAGEMENT): requests will wait on each other; build with LIBSQLITE3_FLAGS=-USQLITE_ENABLE_MEMORY_MANAGEMENT (.cargo/config.toml does)"
                );
            }
            let seeded =
                db::create_if_missing(db_path, args.rows).map_err(|e| format!("{name}: {e}"))?;
            // Indexes and statistics first: a connection reads the statistics
            // when it loads the schema.
            let started = std::time::Instant::now();
            let created = db::create_indexes(db_path, &advice(Dialect::Sqlite));
            let index_ms = started.elapsed().as_millis();
            let readers = db::open_readers(db_path, workers).map_err(|e| format!("{name}: {e}"))?;
            let db = Database::Sqlite(Pool::new(readers, wait));
            (db, seeded, name, created, index_ms)
        }
        Some(url) => {
            let remote = remote::Remote::connect(url, workers, wait)?;
            let name = format!("{:?} server of --database-url", remote.dialect());
            let seeded = remote
                .create_if_missing(args.rows)
                .map_err(|e| format!("{name}: {e}"))?;
            let started = std::time::Instant::now();
            let created = remote.create_indexes(&advice(remote.dialect()));
            let index_ms = started.elapsed().as_millis();
            (Database::Remote(remote), seeded, name, created, index_ms)
        }
    };
    // A database the server cannot write (read-only, or without the tables)
    // is still served, as it is: only slower, or with errors per request.
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

fn schema_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/schema.toml")
}

async fn run(args: Args) -> Result<(), String> {
    let schema = Schema::from_path(schema_path()).map_err(|e| e.to_string())?;
    let base_url = args
        .base_url
        .clone()
        .unwrap_or_else(|| format!("http://{}", args.addr));

    // The drivers block: open, seed and index off the async threads.
    let setup = {
        let (schema, args) = (schema.clone(), args.clone());
        tokio::task::spawn_blocking(move || prepare_database(&schema, &args))
    };
    let Prepared {
        db,
        seeded,
        name: where_,
        indexes,
        index_ms,
    } = setup.await.map_err(|e| e.to_string())??;
    let app = Arc::new(App {
        tokens: TOKENS.into_iter().collect(),
        db,
    });
    let mut router = Router::new();
    for table in Table::ALL {
        router = router.merge(route(&app, &schema, &base_url, table)?);
    }

    let listener = tokio::net::TcpListener::bind(args.addr)
        .await
        .map_err(|e| format!("--addr {}: {e}", args.addr))?;
    let local = listener.local_addr().map_err(|e| e.to_string())?;

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

    axum::serve(listener, router)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .map_err(|e| e.to_string())
}

fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(args) => args,
        Err(message) if message.is_empty() => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("server: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
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

//! The demo server's command line (clap).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;

/// The demo API of listquery: GET /customers, /orders and /invoices over an
/// embedded SQLite file (seeded on first start), PostgreSQL or MySQL/MariaDB.
#[derive(Debug, Clone, Parser)]
#[command(name = "server", args_override_self = true)]
pub struct Args {
    /// Where to listen.
    #[arg(long, default_value = "127.0.0.1:8080", value_name = "HOST:PORT")]
    pub addr: SocketAddr,
    /// The SQLite file; created and seeded when missing.
    #[arg(long, default_value = "listquery-demo.sqlite3", value_name = "PATH")]
    pub db: PathBuf,
    /// A PostgreSQL (postgres://...) or MySQL/MariaDB (mysql://...) database to
    /// use instead of the SQLite file; its tables are created and seeded when missing.
    #[arg(long, value_name = "URL")]
    pub database_url: Option<String>,
    /// The start of page URLs, before the route [default: http://ADDR].
    #[arg(long, value_name = "URL", value_parser = base_url)]
    pub base_url: Option<String>,
    /// Customers to seed, with twice as many orders and invoices.
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u32).range(1..))]
    pub rows: u32,
    /// Database connections [default: twice the number of cores, from 4 to 16].
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..=256))]
    pub pool_size: Option<u16>,
    /// How long a request waits for a free connection before it is answered
    /// 503 with Retry-After.
    #[arg(long = "pool-wait-ms", default_value = "2000", value_name = "MS", value_parser = millis)]
    pub pool_wait: Duration,
    /// The longest a statement may run before the database stops it; the
    /// request is answered 503 with Retry-After.
    #[arg(long = "statement-timeout-ms", default_value = "5000", value_name = "MS", value_parser = positive_millis)]
    pub statement_timeout: Duration,
    /// How long a client may take to send a request's headers, and how long
    /// a kept-alive connection may stay idle, before it is closed.
    #[arg(long = "header-timeout-ms", default_value = "10000", value_name = "MS", value_parser = positive_millis)]
    pub header_timeout: Duration,
    /// The longest a request may take from its headers to its answer; then
    /// it is answered 503.
    #[arg(long = "request-timeout-ms", default_value = "30000", value_name = "MS", value_parser = positive_millis)]
    pub request_timeout: Duration,
    /// Open connections at most; one more is answered 503 with Retry-After
    /// and closed.
    #[arg(long, default_value_t = 256, value_parser = clap::value_parser!(u32).range(1..=65_536))]
    pub max_connections: u32,
    /// SQLite: the page cache of each connection, in MiB (`PRAGMA
    /// cache_size`; SQLite's default). It holds less than one index of a
    /// 400,000-row table: with mapping off, every count reads its pages again.
    #[arg(long = "sqlite-cache-mib", default_value_t = 2, value_parser = clap::value_parser!(u32).range(1..=65_536))]
    pub sqlite_cache_mib: u32,
    /// SQLite: how much of the file is read through memory mapping, in MiB
    /// (`PRAGMA mmap_size`; 0 reads with system calls only). Mapped pages
    /// are the operating system's cache, shared by every connection, and
    /// are not copied per read: a count over 400,000 rows takes 0.1 ms
    /// instead of 1.2 ms.
    #[arg(long = "sqlite-mmap-mib", default_value_t = 1024, value_parser = clap::value_parser!(u32).range(0..=65_536))]
    pub sqlite_mmap_mib: u32,
    /// Run SQLite's `PRAGMA quick_check` at start-up (it reads every page:
    /// about 30 s for a 470 MB file); without it the start-up check reads
    /// each table the schema names once.
    #[arg(long)]
    pub check_integrity: bool,
    /// On Ctrl-C or SIGTERM, how long requests in flight may take to finish.
    #[arg(long = "shutdown-timeout-ms", default_value = "5000", value_name = "MS", value_parser = millis)]
    pub shutdown_timeout: Duration,
}

impl Args {
    /// The pool size: the flag, or twice the number of cores from 4 to 16.
    /// Measured on 2 cores (docs/performance.md): 4 connections serve 1.2-1.5x
    /// the requests of 2, with lower latency; 8 serve no more than 4. A
    /// request spends part of its time outside the database (HTTP, JSON), so
    /// a core is best kept busy by two connections.
    pub fn pool_size(&self) -> usize {
        self.pool_size.map_or_else(
            || std::thread::available_parallelism().map_or(4, |n| (2 * n.get()).clamp(4, 16)),
            usize::from,
        )
    }

    /// The start of page URLs, without a trailing slash: `--base-url`, or
    /// `http://` and the address the server bound.
    pub fn base_url(&self, bound: SocketAddr) -> String {
        self.base_url
            .clone()
            .unwrap_or_else(|| format!("http://{bound}"))
    }
}

fn millis(text: &str) -> Result<Duration, String> {
    text.parse()
        .map(Duration::from_millis)
        .map_err(|_| format!("{text:?} is not a number of milliseconds"))
}

fn positive_millis(text: &str) -> Result<Duration, String> {
    millis(text).and_then(|d| {
        if d.is_zero() {
            Err("must be at least 1 millisecond".to_owned())
        } else {
            Ok(d)
        }
    })
}

/// An http(s) URL, kept without its trailing slashes (`…/v1/` and `…/v1`
/// give the same page URLs).
fn base_url(text: &str) -> Result<String, String> {
    if !(text.starts_with("http://") || text.starts_with("https://")) {
        return Err("must start with http:// or https://".to_owned());
    }
    Ok(text.trim_end_matches('/').to_owned())
}

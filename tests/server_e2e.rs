//! End to end: the demo server (`demo/`, `listquery-demo`) as a real process on a free
//! loopback port with its own SQLite file, real HTTP requests over a socket,
//! and the answers checked against the database file itself.
//!
//! The server binary is built with this test's features before the first
//! start (a no-op when `cargo test` has already built the examples).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

#[path = "support/corpus_query.rs"]
mod corpus_query;
use corpus_query::expand;
use std::collections::{BTreeSet, HashSet};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::Value as Json;

const ADMIN: &str = "admin-token";
const AGENT: &str = "agent-token";
const COLLABORATOR: &str = "collaborator-token";
/// The agent behind [`AGENT`].
const AGENT_ID: i64 = 1;
/// A base URL that is not the server's address: page URLs must use it.
const BASE_URL: &str = "http://api.example.test/v1";

/// Builds the example once per test binary, with the features this test was built with.
fn server_binary() -> &'static Path {
    static BINARY: OnceLock<PathBuf> = OnceLock::new();
    BINARY.get_or_init(|| {
        let exe = std::env::current_exe().unwrap();
        let profile_dir = exe.parent().unwrap().parent().unwrap();
        let mut build = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
        build.current_dir(env!("CARGO_MANIFEST_DIR")).args([
            "build",
            "--quiet",
            "-p",
            "listquery-demo",
            "--bin",
            "listquery-demo",
        ]);
        if profile_dir.file_name().is_some_and(|n| n == "release") {
            build.arg("--release");
        }
        let status = build.status().expect("run cargo build -p listquery-demo");
        assert!(status.success(), "cargo build -p listquery-demo failed");
        let binary = profile_dir.join(format!("listquery-demo{}", std::env::consts::EXE_SUFFIX));
        assert!(binary.is_file(), "no server binary at {}", binary.display());
        binary
    })
}

/// A running server; killed, and its files removed, when dropped — also when
/// the test fails.
struct Server {
    child: Child,
    port: u16,
    dir: PathBuf,
    db: PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A port nothing listens on now.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn scratch_dir() -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "listquery-e2e-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

impl Server {
    /// Starts the server over a new database of `rows` customers.
    fn start(rows: u32) -> Server {
        let dir = scratch_dir();
        let db = dir.join("demo.sqlite3");
        Self::start_on(dir, db, rows)
    }

    fn start_on(dir: PathBuf, db: PathBuf, rows: u32) -> Server {
        Self::start_with(dir, db, rows, &[])
    }

    /// Starts the server with extra arguments (`--database-url URL`).
    fn start_with(dir: PathBuf, db: PathBuf, rows: u32, extra: &[&str]) -> Server {
        Self::try_start(dir, db, rows, extra).unwrap_or_else(|(status, log)| {
            panic!("the server exited before listening: {status}\n{log}")
        })
    }

    /// Starts the server; when it exits instead of listening, its exit
    /// status and what it wrote to stderr. Its stderr goes to `server.log`
    /// in `dir` ([`Server::log`]).
    fn try_start(
        dir: PathBuf,
        db: PathBuf,
        rows: u32,
        extra: &[&str],
    ) -> Result<Server, (std::process::ExitStatus, String)> {
        let port = free_port();
        let log = std::fs::File::create(dir.join("server.log")).unwrap();
        let out = std::fs::File::create(dir.join("server.out")).unwrap();
        let mut child = Command::new(server_binary())
            .args(["--addr", &format!("127.0.0.1:{port}")])
            .arg("--db")
            .arg(&db)
            .args(["--base-url", BASE_URL, "--rows", &rows.to_string()])
            .args(extra)
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(log)
            .spawn()
            .expect("start the server");
        let deadline = Instant::now() + Duration::from_secs(60);
        // It binds its port first, then checks (and seeds) the database,
        // then says so: ready once it has.
        let ready = || {
            std::fs::read_to_string(dir.join("server.out"))
                .is_ok_and(|out| out.contains("listening on"))
        };
        while !ready() {
            if let Some(status) = child.try_wait().unwrap() {
                // Not a `Server`: its drop would remove `dir`.
                let log = std::fs::read_to_string(dir.join("server.log")).unwrap_or_default();
                return Err((status, log));
            }
            assert!(
                Instant::now() < deadline,
                "the server did not listen within 60 s"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(Server {
            child,
            port,
            dir,
            db,
        })
    }

    /// What the server wrote to stderr so far.
    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("server.log")).unwrap_or_default()
    }

    fn get(&self, target: &str, token: Option<&str>) -> Reply {
        let auth = token.map(|t| format!("Authorization: Bearer {t}\r\n"));
        self.raw(target, auth.as_deref().unwrap_or(""))
    }

    /// One HTTP/1.1 request; `headers` are extra lines, each ending in CRLF.
    fn raw(&self, target: &str, headers: &str) -> Reply {
        Self::raw_on(self.port, target, headers)
    }

    /// [`Server::raw`] to the server on `port`, from any thread.
    fn raw_on(port: u16, target: &str, headers: &str) -> Reply {
        Self::exchange(port, "GET", target, headers)
    }

    /// One request with `method`, and its reply.
    fn exchange(port: u16, method: &str, target: &str, headers: &str) -> Reply {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .unwrap();
        // A Host header unlike the base URL: page URLs must not come from it.
        write!(
            stream,
            "{method} {target} HTTP/1.1\r\nHost: evil.example:666\r\nX-Forwarded-Host: evil.example\r\n{headers}Connection: close\r\n\r\n"
        )
        .unwrap();
        let mut reader = BufReader::new(stream);
        let mut status_line = String::new();
        reader.read_line(&mut status_line).unwrap();
        let status: u16 = status_line
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("{target}: bad status line {status_line:?}"));
        let mut content_type = None;
        let mut retry_after = None;
        let mut allow = None;
        let mut length = None;
        let mut chunked = false;
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            let (name, value) = line.split_once(':').unwrap();
            let value = value.trim();
            match name.to_ascii_lowercase().as_str() {
                "content-type" => content_type = Some(value.to_owned()),
                "retry-after" => retry_after = Some(value.to_owned()),
                "allow" => allow = Some(value.to_owned()),
                "content-length" => length = Some(value.parse::<usize>().unwrap()),
                "transfer-encoding" => chunked = value.eq_ignore_ascii_case("chunked"),
                _ => {}
            }
        }
        let mut body = Vec::new();
        if chunked {
            loop {
                let mut size = String::new();
                reader.read_line(&mut size).unwrap();
                let size = usize::from_str_radix(size.trim(), 16).unwrap();
                let mut chunk = vec![0; size + 2];
                reader.read_exact(&mut chunk).unwrap();
                if size == 0 {
                    break;
                }
                body.extend_from_slice(&chunk[..size]);
            }
        } else if let Some(length) = length {
            body.resize(length, 0);
            reader.read_exact(&mut body).unwrap();
        } else {
            reader.read_to_end(&mut body).unwrap();
        }
        let json = serde_json::from_slice(&body).unwrap_or_else(|e| {
            panic!(
                "{target}: status {status}, body is not JSON ({e}): {}",
                String::from_utf8_lossy(&body)
            )
        });
        Reply {
            status,
            content_type,
            retry_after,
            allow,
            text: String::from_utf8_lossy(&body).into_owned(),
            json,
        }
    }

    /// The request target of a page URL the server emitted.
    fn target_of(url: &str) -> &str {
        url.strip_prefix(BASE_URL)
            .unwrap_or_else(|| panic!("{url} does not start with the base URL {BASE_URL}"))
    }

    /// The database file, opened read-only for checking.
    fn sqlite(&self) -> rusqlite::Connection {
        rusqlite::Connection::open_with_flags(&self.db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .unwrap()
    }

    fn scalar(&self, sql: &str) -> i64 {
        self.sqlite().query_row(sql, [], |r| r.get(0)).unwrap()
    }

    /// The ids `sql` returns, in its order.
    fn ordered_ids(&self, sql: &str) -> Vec<i64> {
        let conn = self.sqlite();
        let mut statement = conn.prepare(sql).unwrap();
        statement
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    }

    fn ids(&self, sql: &str) -> BTreeSet<i64> {
        self.ordered_ids(sql).into_iter().collect()
    }
}

#[derive(Debug)]
struct Reply {
    status: u16,
    content_type: Option<String>,
    retry_after: Option<String>,
    allow: Option<String>,
    /// The body as sent, for key order.
    text: String,
    json: Json,
}

impl Reply {
    fn ok(self, what: &str) -> Json {
        self.ok_text(what).1
    }
    fn ok_text(self, what: &str) -> (String, Json) {
        assert_eq!(self.status, 200, "{what}: {}", self.json);
        assert_eq!(
            self.content_type.as_deref(),
            Some("application/json"),
            "{what}"
        );
        (self.text, self.json)
    }
    fn error_codes(&self) -> Vec<String> {
        self.json["errors"]
            .as_array()
            .unwrap_or_else(|| panic!("no errors array: {}", self.json))
            .iter()
            .map(|e| e["code"].as_str().unwrap().to_owned())
            .collect()
    }
}

fn ids_of(rows: &Json) -> Vec<i64> {
    rows.as_array()
        .unwrap_or_else(|| panic!("not an array: {rows}"))
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect()
}

#[test]
fn page_envelope_fields_and_urls_for_several_pages() {
    let server = Server::start(200);
    let active = server.scalar("SELECT COUNT(*) FROM customers WHERE status = 'active'");
    assert!(active > 40, "the seed should have many active customers");
    let per_page = 20;
    let last_page = (active + per_page - 1) / per_page;
    let path = format!("{BASE_URL}/customers");
    let url = |page: i64| {
        format!("{path}?filter%5Bstatus%5D=active&sort=-name&per_page={per_page}&page={page}")
    };

    let query = "filter%5Bstatus%5D=active&sort=-name&per_page=20";
    let (text, first) = server
        .get(&format!("/customers?{query}"), Some(ADMIN))
        .ok_text("page 1");
    // Laravel's key order, as sent (`data` is last, so first occurrences are the envelope's).
    let keys = [
        "total",
        "per_page",
        "current_page",
        "last_page",
        "first_page_url",
        "last_page_url",
        "next_page_url",
        "prev_page_url",
        "path",
        "from",
        "to",
        "data",
    ];
    assert_eq!(first.as_object().unwrap().len(), keys.len(), "{text}");
    let at: Vec<usize> = keys
        .iter()
        .map(|k| {
            text.find(&format!("\"{k}\":"))
                .unwrap_or_else(|| panic!("no {k}: {text}"))
        })
        .collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "key order: {text}");
    assert_eq!(first["total"], active);
    assert_eq!(first["per_page"], per_page);
    assert_eq!(first["current_page"], 1);
    assert_eq!(first["last_page"], last_page);
    assert_eq!(first["path"], path.as_str());
    assert_eq!(first["first_page_url"], url(1));
    assert_eq!(first["last_page_url"], url(last_page));
    assert_eq!(first["next_page_url"], url(2));
    assert_eq!(first["prev_page_url"], Json::Null);
    assert_eq!(
        (first["from"].as_i64(), first["to"].as_i64()),
        (Some(1), Some(20))
    );
    let rows = first["data"].as_array().unwrap();
    assert_eq!(rows.len(), 20);
    let names: Vec<&str> = rows.iter().map(|r| r["name"].as_str().unwrap()).collect();
    assert!(
        names.windows(2).all(|w| w[0] >= w[1]),
        "sorted by -name: {names:?}"
    );
    for row in rows {
        assert_eq!(row["status"], "active");
        let created = row["created_at"].as_str().unwrap();
        assert_eq!(created.len(), 19, "YYYY-MM-DD HH:MM:SS, got {created}");
        assert_eq!(&created[10..11], " ");
    }

    // A middle page, found through the envelope's own URL.
    let second = server
        .get(
            Server::target_of(first["next_page_url"].as_str().unwrap()),
            Some(ADMIN),
        )
        .ok("page 2");
    assert_eq!(second["current_page"], 2);
    assert_eq!(second["prev_page_url"], url(1));
    assert_eq!(second["next_page_url"], url(3));
    assert_eq!(
        (second["from"].as_i64(), second["to"].as_i64()),
        (Some(21), Some(40))
    );

    // The last page holds the remainder and links nowhere further.
    let last = server
        .get(
            Server::target_of(first["last_page_url"].as_str().unwrap()),
            Some(ADMIN),
        )
        .ok("last page");
    assert_eq!(last["current_page"], last_page);
    assert_eq!(last["next_page_url"], Json::Null);
    assert_eq!(last["prev_page_url"], url(last_page - 1));
    assert_eq!(last["to"], active);
    assert_eq!(
        last["data"].as_array().unwrap().len() as i64,
        active - (last_page - 1) * per_page
    );

    // Past the end: no rows, no from/to, a way back.
    let past = server
        .get(
            &format!("/customers?{query}&page={}", last_page + 5),
            Some(ADMIN),
        )
        .ok("past the end");
    assert_eq!(past["data"], Json::Array(vec![]));
    assert_eq!((&past["from"], &past["to"]), (&Json::Null, &Json::Null));
    assert_eq!(past["next_page_url"], Json::Null);
    assert_eq!(past["prev_page_url"], url(last_page + 4));

    // A collaborator gets pages by default too, 15 to a page.
    let collaborator = server.get("/orders", Some(COLLABORATOR)).ok("collaborator");
    assert_eq!(collaborator["per_page"], 15);
    assert_eq!(
        collaborator["total"],
        server.scalar("SELECT COUNT(*) FROM orders")
    );
}

#[test]
fn following_next_page_url_visits_every_row_once() {
    let server = Server::start(150);
    // Sorting on a column with many ties: the primary-key tie-breaker keeps pages stable.
    let mut target = "/orders?sort=currency,-status&per_page=37".to_owned();
    let mut seen = Vec::new();
    let mut pages = 0;
    let total = loop {
        let page = server.get(&target, Some(ADMIN)).ok(&target);
        pages += 1;
        seen.extend(ids_of(&page["data"]));
        match page["next_page_url"].as_str() {
            Some(next) => target = Server::target_of(next).to_owned(),
            None => break page["total"].as_i64().unwrap(),
        }
        assert!(pages < 100, "no end to the pages");
    };
    let all = server.ids("SELECT id FROM orders");
    assert_eq!(total, all.len() as i64);
    assert_eq!(pages, (total + 36) / 37);
    assert_eq!(seen.len(), all.len(), "rows repeated or skipped");
    assert_eq!(seen.iter().copied().collect::<BTreeSet<_>>(), all);
}

/// Follows `next_page_url` from `first`, then `prev_page_url` back; the rows
/// of both walks in display order.
fn cursor_walk(server: &Server, first: &str, token: &str) -> (Vec<i64>, Vec<i64>) {
    let mut target = first.to_owned();
    let mut forwards = Vec::new();
    let mut pages = Vec::new();
    loop {
        let page = server.get(&target, Some(token)).ok(&target);
        assert!(
            page.get("total").is_none(),
            "{target}: a cursor page has no COUNT"
        );
        forwards.extend(ids_of(&page["data"]));
        pages.push(page.clone());
        match page["next_page_url"].as_str() {
            Some(next) => target = Server::target_of(next).to_owned(),
            None => break,
        }
        assert!(pages.len() < 200, "no end to the pages");
    }
    let mut page = pages.pop().unwrap();
    let mut backwards = vec![ids_of(&page["data"])];
    while let Some(prev) = page["prev_page_url"].as_str() {
        let target = Server::target_of(prev).to_owned();
        page = server.get(&target, Some(token)).ok(&target);
        backwards.push(ids_of(&page["data"]));
        assert!(backwards.len() < 200, "no start to the pages");
    }
    backwards.reverse();
    (forwards, backwards.concat())
}

#[test]
fn cursor_pages_walk_every_row_once_both_ways() {
    let server = Server::start(150);
    // due_on: NULLs first and ties; status ties, then the newest first.
    let cases = [
        (
            "/invoices?sort=due_on,-amount&per_page=23&cursor=",
            "SELECT id FROM invoices ORDER BY due_on IS NOT NULL, due_on, amount DESC, id",
        ),
        (
            "/orders?filter%5Bstatus%5D=paid,shipped&sort=status,-placed_on&per_page=9&cursor=",
            "SELECT id FROM orders WHERE status IN ('paid', 'shipped') ORDER BY status, placed_on IS NOT NULL, placed_on DESC, id",
        ),
    ];
    for (first, sql) in cases {
        let want: Vec<i64> = server.ordered_ids(sql);
        assert!(want.len() > 50, "{first}: several pages");
        let (forwards, backwards) = cursor_walk(&server, first, ADMIN);
        assert_eq!(forwards, want, "{first}: forwards");
        assert_eq!(backwards, want, "{first}: backwards");
    }
    // The default mode of /invoices is offset; a cursor from another sort is a 400.
    let page = server
        .get("/invoices?cursor=", Some(ADMIN))
        .ok("first cursor page");
    let next = Server::target_of(page["next_page_url"].as_str().unwrap()).to_owned();
    let other_sort = format!("{next}&sort=-amount");
    let reply = server.get(&other_sort, Some(ADMIN));
    assert_eq!(reply.status, 400, "{other_sort}");
    assert!(reply.text.contains("invalid_cursor"), "{}", reply.text);
    // An agent's cursor walk stays inside their own rows.
    let (mine, _) = cursor_walk(&server, "/invoices?per_page=4&cursor=", AGENT);
    let own = server.ids(&format!(
        "SELECT i.id FROM invoices i JOIN customers c ON c.id = i.customer_id WHERE c.agent_id = {AGENT_ID}"
    ));
    assert_eq!(mine.iter().copied().collect::<BTreeSet<_>>(), own);
    assert_eq!(mine.len(), own.len());
}

/// The keys of each row (serde_json's map sorts them).
fn keys_of(rows: &Json) -> Vec<Vec<String>> {
    (rows.as_array().unwrap().iter())
        .map(|row| row.as_object().unwrap().keys().cloned().collect())
        .collect()
}

#[test]
fn related_fields_and_sparse_fieldsets_over_http() {
    let server = Server::start(150);
    // SPEC §16: only the fields asked for, plus the primary key, in
    // declaration order; the same values as the full row; links keep them.
    let full = server
        .get("/invoices?sort=-amount&per_page=6", Some(ADMIN))
        .ok("full rows");
    let sparse = server
        .get(
            "/invoices?fields=amount,number&sort=-amount&per_page=6",
            Some(ADMIN),
        )
        .ok("sparse rows");
    assert_eq!(ids_of(&sparse["data"]), ids_of(&full["data"]));
    for (row, whole) in sparse["data"]
        .as_array()
        .unwrap()
        .iter()
        .zip(full["data"].as_array().unwrap())
    {
        assert_eq!(
            row.as_object().unwrap().keys().collect::<Vec<_>>(),
            ["amount", "id", "number"]
        );
        assert_eq!(
            (&row["number"], &row["amount"]),
            (&whole["number"], &whole["amount"])
        );
    }
    // In declaration order on the wire.
    let text = server
        .get(
            "/invoices?fields=amount,number&sort=-amount&per_page=1",
            Some(ADMIN),
        )
        .ok_text("one sparse row")
        .0;
    assert!(text.contains(r#""data":[{"id":"#), "{text}");
    let (number, amount) = (
        text.find(r#""number":"#).unwrap(),
        text.find(r#""amount":"#).unwrap(),
    );
    assert!(number < amount, "{text}");
    let next = sparse["next_page_url"].as_str().unwrap();
    assert!(next.contains("fields=number%2Camount"), "{next}");
    let next_page = server
        .get(Server::target_of(next), Some(ADMIN))
        .ok("next sparse page");
    assert!(
        keys_of(&next_page["data"])
            .iter()
            .all(|k| k == &["amount", "id", "number"])
    );
    // JSON:API's name; a column with another name keeps the column's name.
    let jsonapi = server
        .get(
            "/invoices?fields%5Binvoices%5D=customer,status&per_page=3",
            Some(ADMIN),
        )
        .ok("fields[invoices]");
    assert!(
        keys_of(&jsonapi["data"])
            .iter()
            .all(|k| k == &["customer_id", "id", "status"])
    );
    // Not selectable, or unknown: a 400 naming the parameter.
    for target in ["/orders?fields=id,customer_name", "/invoices?fields=secret"] {
        let reply = server.get(target, Some(ADMIN));
        assert_eq!(reply.status, 400, "{target}");
        assert_eq!(reply.error_codes(), ["field_not_allowed"], "{target}");
    }

    // SPEC §15: filter and sort orders by their customer's columns (an
    // inner join); the rows are the orders' own columns.
    let target =
        "/orders?filter%5Bcustomer_country%5D=DE,FR&sort=customer_name,-total&per_page=100";
    let page = server.get(target, Some(ADMIN)).ok(target);
    let want = server.ordered_ids(
        "SELECT o.id FROM orders o JOIN customers c ON c.id = o.customer_id \
         WHERE c.country IN ('DE', 'FR') ORDER BY c.name, o.total DESC, o.id LIMIT 100",
    );
    assert!(want.len() > 20, "{target}: a real answer");
    assert_eq!(ids_of(&page["data"]), want, "{target}");
    assert_eq!(
        page["total"],
        server.scalar(
            "SELECT COUNT(*) FROM orders o JOIN customers c ON c.id = o.customer_id WHERE c.country IN ('DE', 'FR')"
        )
    );
    assert!(
        page["data"][0].get("customer_name").is_none(),
        "select = false"
    );
    // An agent's related sort stays inside their own rows.
    let mine = server
        .get(
            "/orders?sort=-customer_name&page=1&per_page=100",
            Some(AGENT),
        )
        .ok("agent");
    let own = server.ordered_ids(&format!(
        "SELECT o.id FROM orders o JOIN customers c ON c.id = o.customer_id \
         WHERE c.agent_id = {AGENT_ID} ORDER BY c.name DESC, o.id LIMIT 100"
    ));
    assert_eq!(ids_of(&mine["data"]), own);

    // A left join: invoices without an order sort first (nulls = "first").
    let target = "/invoices?sort=order_placed_on,-amount&per_page=60&page=2";
    let page = server.get(target, Some(ADMIN)).ok(target);
    let want = server.ordered_ids(
        "SELECT i.id FROM invoices i LEFT JOIN orders o ON o.id = i.order_id \
         ORDER BY o.placed_on IS NOT NULL, o.placed_on, i.amount DESC, i.id LIMIT 60 OFFSET 60",
    );
    assert_eq!(ids_of(&page["data"]), want, "{target}");
    let nulls = server.scalar(
        "SELECT COUNT(*) FROM invoices i LEFT JOIN orders o ON o.id = i.order_id WHERE o.placed_on IS NULL",
    );
    assert!(nulls > 0, "the seed has invoices without an order's date");
    let target = "/invoices?filter%5Border_placed_on%5D%5Bnull%5D=true&metadata=1&page=1";
    let page = server.get(target, Some(ADMIN)).ok(target);
    assert_eq!(page["total"], nulls, "{target}");

    // A cursor walk by a related field: the cursor's key is fetched (and
    // shown) though it is not selectable.
    let (forwards, backwards) = cursor_walk(
        &server,
        "/orders?sort=-customer_name,total&per_page=17&cursor=",
        ADMIN,
    );
    let want = server.ordered_ids(
        "SELECT o.id FROM orders o JOIN customers c ON c.id = o.customer_id ORDER BY c.name DESC, o.total, o.id",
    );
    assert_eq!(forwards, want);
    assert_eq!(backwards, want);
}

#[test]
fn an_agent_gets_their_own_rows_unpaginated_unless_they_ask_for_a_page() {
    let server = Server::start(200);
    let own = server.ids(&format!(
        "SELECT id FROM customers WHERE agent_id = {AGENT_ID}"
    ));
    assert!(!own.is_empty() && own.len() < 200);

    let list = server.get("/customers", Some(AGENT)).ok("agent customers");
    let ids = ids_of(&list);
    assert_eq!(ids.len(), own.len(), "a plain array of every own customer");
    assert_eq!(ids.iter().copied().collect::<BTreeSet<_>>(), own);
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .all(|c| c["agent_id"] == AGENT_ID)
    );

    // Filters apply within the scope, never widen it.
    let filtered = server
        .get("/customers?filter[agent]=2", Some(AGENT))
        .ok("agent filtering on another agent");
    assert_eq!(filtered, Json::Array(vec![]));

    let orders = server
        .get("/orders?sort=id", Some(AGENT))
        .ok("agent orders");
    let own_orders = server.ids(&format!(
        "SELECT id FROM orders WHERE customer_id IN (SELECT id FROM customers WHERE agent_id = {AGENT_ID})"
    ));
    assert_eq!(
        ids_of(&orders),
        own_orders.iter().copied().collect::<Vec<_>>()
    );
    assert!(
        orders
            .as_array()
            .unwrap()
            .iter()
            .all(|o| own.contains(&o["customer_id"].as_i64().unwrap()))
    );

    // `page` turns pagination on for an agent; the total stays scoped.
    let page = server
        .get("/customers?page=2", Some(AGENT))
        .ok("agent page 2");
    assert_eq!(page["total"], own.len() as i64);
    assert_eq!(page["current_page"], 2);
    assert_eq!(page["per_page"], 15);
    assert_eq!(
        page["prev_page_url"],
        format!("{BASE_URL}/customers?page=1")
    );
    assert!(
        ids_of(&page["data"]).iter().all(|id| own.contains(id)),
        "{page}"
    );

    // The admin sees everyone.
    let admin = server.get("/customers", Some(ADMIN)).ok("admin");
    assert_eq!(
        admin["total"],
        server.scalar("SELECT COUNT(*) FROM customers")
    );
}

#[test]
fn an_unpaginated_list_over_the_cap_is_too_many_rows() {
    // ~1200 orders for agent 1 against a cap of 1000.
    let server = Server::start(3000);
    let own_orders = server.scalar(&format!(
        "SELECT COUNT(*) FROM orders WHERE customer_id IN (SELECT id FROM customers WHERE agent_id = {AGENT_ID})"
    ));
    assert!(own_orders > 1000, "{own_orders}");
    let reply = server.get("/orders", Some(AGENT));
    assert_eq!(reply.status, 400, "{}", reply.json);
    assert_eq!(reply.content_type.as_deref(), Some("application/json"));
    assert_eq!(reply.error_codes(), ["too_many_rows"]);
    // Under the cap it is a full list.
    let customers = server.get("/customers", Some(AGENT)).ok("agent customers");
    assert_eq!(customers.as_array().unwrap().len(), 600);
}

/// `SUM(amount)` in cents, straight from SQLite, as decimal text.
fn sql_sum(server: &Server, condition: &str) -> String {
    let cents = server.scalar(&format!(
        "SELECT COALESCE(SUM(CAST(ROUND(amount * 100) AS INTEGER)), 0) FROM invoices WHERE {condition}"
    ));
    format!("{}.{:02}", cents / 100, cents % 100)
}

#[test]
fn metadata_sums_equal_sql_on_the_same_file() {
    let server = Server::start(200);
    let all = server
        .get("/invoices?metadata=1", Some(ADMIN))
        .ok("all invoices");
    assert_eq!(all["metadata"]["total_amount"], sql_sum(&server, "1"));
    assert_eq!(all["total"], server.scalar("SELECT COUNT(*) FROM invoices"));
    // Over the whole filtered set, not the page.
    assert_eq!(all["data"].as_array().unwrap().len(), 15);

    let paid = server
        .get(
            "/invoices?filter[status]=paid,sent&filter[amount][gte]=1000.50&metadata=1&per_page=5",
            Some(ADMIN),
        )
        .ok("filtered");
    assert_eq!(
        paid["metadata"]["total_amount"],
        sql_sum(&server, "status IN ('paid', 'sent') AND amount >= 1000.50")
    );
    assert!(
        paid["next_page_url"]
            .as_str()
            .unwrap()
            .contains("metadata=1"),
        "{}",
        paid["next_page_url"]
    );

    let agent = server
        .get("/invoices?metadata=1&page=1", Some(AGENT))
        .ok("agent invoices");
    assert_eq!(
        agent["metadata"]["total_amount"],
        sql_sum(
            &server,
            &format!("customer_id IN (SELECT id FROM customers WHERE agent_id = {AGENT_ID})")
        )
    );

    let none = server
        .get(
            "/invoices?filter[number][starts_with]=NOPE&metadata=1",
            Some(ADMIN),
        )
        .ok("empty set");
    assert_eq!(none["metadata"]["total_amount"], "0.00");
    assert_eq!(none["total"], 0);
}

/// Percent-encodes what cannot stand in an HTTP request line; listquery
/// decodes `%XX` to the same character, so the case means the same.
fn request_safe(query: &str) -> String {
    let mut out = String::new();
    for c in query.chars() {
        if c.is_ascii_graphic()
            && !matches!(
                c,
                '#' | '"' | '<' | '>' | '\\' | '^' | '`' | '{' | '|' | '}'
            )
        {
            out.push(c);
        } else {
            let mut buf = [0; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    out
}

#[test]
fn every_bad_query_of_the_corpus_is_a_400_json_api_body() {
    let server = Server::start(50);
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    let mut checked = 0;
    let mut failures = Vec::new();
    for file in files {
        let cases: Vec<Json> =
            serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        for case in cases {
            let Some(expected) = case["errors"].as_array() else {
                continue;
            };
            // The server is neither strict nor lenient: those options are the app's.
            if case["strict"].as_bool() == Some(true) || case["lenient"].as_bool() == Some(true) {
                continue;
            }
            let token = match case["role"].as_str().unwrap_or("admin") {
                "agent" => AGENT,
                "collaborator" => COLLABORATOR,
                _ => ADMIN,
            };
            let query = request_safe(&expand(case["query"].as_str().unwrap()));
            let target = format!("/{}?{query}", case["resource"].as_str().unwrap());
            let reply = server.get(&target, Some(token));
            let want: Vec<&str> = expected
                .iter()
                .map(|e| e["code"].as_str().unwrap())
                .collect();
            let body_ok = reply.status == 400
                && reply.content_type.as_deref() == Some("application/json")
                && reply.error_codes() == want
                && reply.json["errors"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .zip(expected)
                    .all(|(got, want)| {
                        got["status"] == "400"
                            && got["title"].is_string()
                            && got["detail"].is_string()
                            && want
                                .get("parameter")
                                .is_none_or(|p| p.is_null() || got["source"]["parameter"] == *p)
                    });
            if !body_ok {
                failures.push(format!(
                    "{} ({}): {} -> {} {}",
                    case["name"],
                    file.display(),
                    target.chars().take(120).collect::<String>(),
                    reply.status,
                    reply.json
                ));
            }
            checked += 1;
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {checked} cases:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(checked >= 100, "only {checked} corpus cases checked");
    // Still up and answering.
    server
        .get("/customers?page=1", Some(ADMIN))
        .ok("after the corpus");
}

#[test]
fn missing_or_unknown_token_is_a_401_json_body() {
    let server = Server::start(20);
    for headers in [
        "",
        "Authorization: Bearer nope\r\n",
        "Authorization: Basic YWRtaW46YWRtaW4=\r\n",
        "Authorization: admin-token\r\n",
    ] {
        let reply = server.raw("/customers", headers);
        assert_eq!(reply.status, 401, "{headers:?}");
        assert_eq!(reply.content_type.as_deref(), Some("application/json"));
        assert_eq!(reply.error_codes(), ["unauthenticated"], "{headers:?}");
    }
    // Authentication comes before validation: a bad query without a token is still a 401.
    assert_eq!(server.get("/customers?page=0", None).status, 401);
    server.get("/customers", Some(ADMIN)).ok("with a token");
}

#[test]
fn a_database_it_cannot_serve_stops_the_server_at_start_with_a_clear_message() {
    // A file without the tables, an empty file, one that is no database, a
    // directory: each is a clear message and exit status 1, never a server
    // that answers 500 to everything, and the file is left as it was.
    /// What the file is, how to make it, and what the message names.
    type Case = (&'static str, fn(&Path), &'static str);
    let cases: [Case; 4] = [
        (
            "a database without the tables",
            |db| {
                rusqlite::Connection::open(db)
                    .unwrap()
                    .execute_batch("CREATE TABLE unrelated (x INTEGER);")
                    .unwrap();
            },
            "no such table",
        ),
        (
            "an empty file",
            |db| std::fs::write(db, b"").unwrap(),
            "no such table",
        ),
        (
            "a file that is no database",
            |db| {
                std::fs::write(
                    db,
                    b"these are not the bytes of an SQLite file, ".repeat(200),
                )
                .unwrap()
            },
            "not a database",
        ),
        (
            "a directory",
            |db| std::fs::create_dir(db).unwrap(),
            "is a directory",
        ),
    ];
    for (what, make, cause) in cases {
        let dir = scratch_dir();
        let db = dir.join("demo.sqlite3");
        make(&db);
        let before = std::fs::metadata(&db)
            .map(|m| (m.len(), m.modified().unwrap()))
            .unwrap();
        let (status, log) = match Server::try_start(dir.clone(), db.clone(), 10, &[]) {
            Ok(_) => panic!("{what}: the server started"),
            Err(failure) => failure,
        };
        assert_eq!(status.code(), Some(1), "{what}: {log}");
        assert!(log.contains(cause), "{what}: {log}");
        if cause != "is a directory" {
            assert!(log.contains("cannot be served"), "{what}: {log}");
        }
        let after = std::fs::metadata(&db)
            .map(|m| (m.len(), m.modified().unwrap()))
            .unwrap();
        assert_eq!(before, after, "{what}: the file was changed");
        let _ = std::fs::remove_dir_all(&dir);
    }
}

#[test]
fn database_errors_at_request_time_stay_private() {
    let server = Server::start(10);
    // The table goes away under the running server.
    let writer = rusqlite::Connection::open(&server.db).unwrap();
    writer.execute_batch("DROP TABLE invoices;").unwrap();
    let reply = server.get("/invoices?page=1", Some(ADMIN));
    assert_eq!(reply.status, 500);
    assert_eq!(reply.content_type.as_deref(), Some("application/json"));
    assert!(
        !reply.text.to_lowercase().contains("table"),
        "database text leaked: {}",
        reply.text
    );
    assert_eq!(reply.error_codes(), ["internal_error"]);
    // The cause is in the server's log, for its operator.
    assert!(
        server.log().contains("no such table: invoices"),
        "{}",
        server.log()
    );
    // Bad input is still the client's 400, not a 500.
    assert_eq!(server.get("/invoices?page=0", Some(ADMIN)).status, 400);
}

#[test]
fn an_existing_file_is_not_reseeded_and_no_other_file_is_touched() {
    let dir = scratch_dir();
    let db = dir.join("demo.sqlite3");
    // Files the server did not make, where an older one made its own.
    let mine = [dir.join("demo.seeding"), dir.join(".demo.sqlite3.seeding")];
    for file in &mine {
        std::fs::write(file, b"not yours").unwrap();
    }
    // (`first` owns `dir`: it is removed when `first` goes.)
    let first = Server::start_on(dir.clone(), db.clone(), 10);
    let customers = first.scalar("SELECT COUNT(*) FROM customers");
    for file in &mine {
        assert_eq!(
            std::fs::read(file).unwrap(),
            b"not yours",
            "{}",
            file.display()
        );
    }
    let leftovers: Vec<_> = (std::fs::read_dir(&dir).unwrap())
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.contains(".seeding-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    // A second start reads the same file as it is: no re-seed.
    let again = Server::start_with(scratch_dir(), db.clone(), 99, &[]);
    assert_eq!(again.scalar("SELECT COUNT(*) FROM customers"), customers);
    assert_eq!(customers, 10);
}

#[test]
fn a_taken_port_is_an_error_before_anything_is_seeded() {
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let dir = scratch_dir();
    let db = dir.join("demo.sqlite3");
    let output = Command::new(server_binary())
        .args(["--addr", &format!("127.0.0.1:{port}"), "--rows", "10"])
        .arg("--db")
        .arg(&db)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(&format!("--addr 127.0.0.1:{port}")),
        "{stderr}"
    );
    assert!(!db.exists(), "seeded although the port was taken");
    // A mistyped flag is named, with the usage, and exit status 2.
    let output = Command::new(server_binary())
        .arg("--bogus")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("unexpected argument '--bogus'"), "{stderr}");
    assert!(stderr.contains("Usage:"), "{stderr}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// `--sqlite-mmap-mib` and `--sqlite-cache-mib` change how SQLite reads
/// the file, never what the server answers; a cache of 0 MiB is refused.
#[test]
fn sqlite_read_settings_change_no_answer() {
    let start = |extra: &[&str]| {
        let dir = scratch_dir();
        let db = dir.join("demo.sqlite3");
        let mut args = vec!["--base-url", "https://api.example.test/v1"];
        args.extend_from_slice(extra);
        Server::start_with(dir, db, 300, &args)
    };
    let syscalls = start(&["--sqlite-mmap-mib", "0", "--sqlite-cache-mib", "1"]);
    let mapped = start(&["--sqlite-mmap-mib", "64", "--sqlite-cache-mib", "16"]);
    for target in [
        "/invoices",
        "/invoices?filter%5Bstatus%5D=paid,sent&sort=-created_at&page=2&metadata=1",
        "/orders?sort=-placed_on&per_page=50&page=3",
        "/invoices?sort=amount&per_page=9&cursor=",
    ] {
        let want = syscalls.get(target, Some(ADMIN)).ok_text(target).0;
        let got = mapped.get(target, Some(ADMIN)).ok_text(target).0;
        assert_eq!(got, want, "{target}");
    }
    let output = Command::new(server_binary())
        .args(["--sqlite-cache-mib", "0"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("--sqlite-cache-mib"), "{stderr}");
}

#[test]
fn unknown_paths_and_methods_get_json_bodies_and_base_urls_lose_a_trailing_slash() {
    let dir = scratch_dir();
    let db = dir.join("demo.sqlite3");
    let server = Server::start_with(dir, db, 10, &["--base-url", &format!("{BASE_URL}/")]);
    let missing = server.get("/nope", Some(ADMIN));
    assert_eq!(missing.status, 404);
    assert_eq!(missing.content_type.as_deref(), Some("application/json"));
    assert_eq!(missing.error_codes(), ["not_found"]);
    let post = Server::exchange(server.port, "POST", "/invoices", "Content-Length: 0\r\n");
    assert_eq!(post.status, 405);
    assert_eq!(post.content_type.as_deref(), Some("application/json"));
    assert_eq!(post.error_codes(), ["method_not_allowed"]);
    assert_eq!(post.allow.as_deref(), Some("GET, HEAD"));
    let page = server.get("/invoices?page=1", Some(ADMIN)).ok("page");
    let next = page["next_page_url"].as_str().unwrap();
    assert!(next.starts_with(&format!("{BASE_URL}/invoices?")), "{next}");
}

#[test]
fn slow_and_idle_clients_are_cut_off_and_connections_are_bounded() {
    let dir = scratch_dir();
    let db = dir.join("demo.sqlite3");
    let args = ["--header-timeout-ms", "300", "--max-connections", "3"];
    let server = Server::start_with(dir, db, 10, &args);
    let closed_within = |mut stream: TcpStream, limit: Duration| {
        stream.set_read_timeout(Some(limit)).unwrap();
        let started = Instant::now();
        let mut rest = Vec::new();
        // The server closes it: end of stream (perhaps after a 408), not a timeout.
        let outcome = stream.read_to_end(&mut rest);
        assert!(
            outcome.is_ok() || started.elapsed() < limit,
            "still open after {limit:?}: {outcome:?}"
        );
        started.elapsed()
    };
    // Half-sent headers: closed after the header timeout.
    let mut half = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    half.write_all(b"GET /invoices HTTP/1.1\r\nHost: x\r\n")
        .unwrap();
    let took = closed_within(half, Duration::from_secs(5));
    assert!(took >= Duration::from_millis(250), "closed after {took:?}");
    // Connected, silent: closed too.
    let idle = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    closed_within(idle, Duration::from_secs(5));
    // Kept alive after an answer, then idle: closed too.
    let mut kept = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    write!(
        kept,
        "GET /customers?per_page=1 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {ADMIN}\r\n\r\n"
    )
    .unwrap();
    let mut first = [0_u8; 12];
    kept.read_exact(&mut first).unwrap();
    assert_eq!(&first, b"HTTP/1.1 200");
    closed_within(kept, Duration::from_secs(5));

    // Three open connections are the limit: a fourth is a 503 at once.
    let held: Vec<TcpStream> = (0..3)
        .map(|_| TcpStream::connect(("127.0.0.1", server.port)).unwrap())
        .collect();
    std::thread::sleep(Duration::from_millis(100));
    let over = server.get("/customers?per_page=1", Some(ADMIN));
    assert_eq!(over.status, 503, "{}", over.text);
    assert_eq!(over.retry_after.as_deref(), Some("1"));
    assert_eq!(over.error_codes(), ["busy"]);
    drop(held);
    std::thread::sleep(Duration::from_millis(100));
    server
        .get("/customers?per_page=1", Some(ADMIN))
        .ok("below the limit again");
}

#[test]
fn the_server_answers_requests_concurrently() {
    let server = Server::start(100);
    let expected = server.scalar("SELECT COUNT(*) FROM invoices");
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..8)
            .map(|i| {
                let server = &server;
                s.spawn(move || {
                    let page = server
                        .get(
                            &format!("/invoices?page={}&per_page=10", i + 1),
                            Some(ADMIN),
                        )
                        .ok("concurrent");
                    (page["total"].as_i64().unwrap(), ids_of(&page["data"]))
                })
            })
            .collect();
        let mut ids = HashSet::new();
        for h in handles {
            let (total, page) = h.join().unwrap();
            assert_eq!(total, expected);
            assert_eq!(page.len(), 10);
            for id in page {
                assert!(ids.insert(id), "id {id} on two pages");
            }
        }
    });
}

/// The demo server on PostgreSQL and MariaDB (`--database-url`, a fresh
/// database each): the same seed gives the same answers as on the SQLite
/// file, byte for byte, for offset pages with metadata, cursor walks both
/// ways, an agent's scoped list and a bad query.
mod remote_engines {
    use super::*;

    /// A fresh database on the server of `$var`; the URL to reach it.
    fn fresh_database(var: &str) -> String {
        let url = std::env::var(var).unwrap_or_else(|_| {
            panic!("{var} is not set, so this test cannot run: `bash scripts/test.sh` starts the server and sets it")
        });
        static N: AtomicUsize = AtomicUsize::new(0);
        let name = format!(
            "lq_demo_{}_{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        );
        let (prefix, _) = url.rsplit_once('/').unwrap();
        if var.contains("PG") {
            let mut client = postgres::Client::connect(&url, postgres::NoTls)
                .unwrap_or_else(|_| panic!("{var} is set, but PostgreSQL is unreachable"));
            client
                .batch_execute(&format!("DROP DATABASE IF EXISTS {name}"))
                .unwrap();
            client
                .batch_execute(&format!("CREATE DATABASE {name}"))
                .unwrap();
        } else {
            use mysql::prelude::Queryable;
            let mut conn = mysql::Conn::new(mysql::Opts::from_url(&url).unwrap())
                .unwrap_or_else(|_| panic!("{var} is set, but MariaDB is unreachable"));
            conn.query_drop(format!("DROP DATABASE IF EXISTS {name}"))
                .unwrap();
            conn.query_drop(format!(
                "CREATE DATABASE {name} CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"
            ))
            .unwrap();
        }
        format!("{prefix}/{name}")
    }

    fn same_answers_as_sqlite(var: &str) {
        let url = fresh_database(var);
        let dir = scratch_dir();
        let remote = Server::start_with(
            dir.clone(),
            dir.join("unused.sqlite3"),
            150,
            &["--database-url", &url],
        );
        assert!(
            !dir.join("unused.sqlite3").exists(),
            "no SQLite file with --database-url"
        );
        let sqlite = Server::start(150);
        let targets = [
            "/invoices?filter%5Bstatus%5D=paid,sent&sort=-amount&per_page=7&page=3&metadata=1",
            "/orders?sort=currency,-placed_on&per_page=11&page=2",
            "/customers?filter%5Bname%5D%5Bcontains%5D=ada&sort=-credit_limit",
            "/invoices?sort=due_on,-amount&per_page=13&cursor=",
            // Related fields (SPEC §15) and a sparse fieldset (§16).
            "/orders?filter%5Bcustomer_country%5D=DE&sort=-customer_name&per_page=9&page=2",
            "/invoices?fields=number,amount&sort=-order_placed_on&per_page=7&metadata=1",
        ];
        for target in targets {
            let want = sqlite.get(target, Some(ADMIN)).ok_text(target).0;
            let got = remote.get(target, Some(ADMIN)).ok_text(target).0;
            assert_eq!(got, want, "{var} {target}");
        }
        for first in [
            "/invoices?sort=due_on,-amount&per_page=23&cursor=",
            "/orders?filter%5Bstatus%5D=paid,shipped&sort=status,-placed_on&per_page=9&cursor=",
            "/orders?sort=customer_name,-total&per_page=13&cursor=",
        ] {
            let (want, _) = cursor_walk(&sqlite, first, ADMIN);
            let (forwards, backwards) = cursor_walk(&remote, first, ADMIN);
            assert_eq!(forwards, want, "{var} {first}: forwards");
            assert_eq!(backwards, want, "{var} {first}: backwards");
        }
        let agent = "/orders?sort=-total";
        assert_eq!(
            remote.get(agent, Some(AGENT)).ok_text(agent).0,
            sqlite.get(agent, Some(AGENT)).ok_text(agent).0,
            "{var}: the agent's own orders"
        );
        let bad = remote.get("/orders?filter%5Btotal%5D%5Bbetween%5D=1", Some(ADMIN));
        assert_eq!(bad.status, 400);
    }

    /// The server stops a statement past `--statement-timeout-ms` (20
    /// `contains` patterns over 4,000 orders take longer than 1 ms), and the
    /// connection serves the next request.
    fn statements_time_out(var: &str) {
        let url = fresh_database(var);
        let dir = scratch_dir();
        let args = [
            "--database-url",
            &url,
            "--statement-timeout-ms",
            "1",
            "--pool-size",
            "1",
        ];
        let server = Server::start_with(dir.clone(), dir.join("unused.sqlite3"), 2000, &args);
        let fast = "/customers?filter%5Bid%5D=1&per_page=1";
        // The pool's connection is new: its first reads of a table load the
        // server's catalog, which may itself take a millisecond. Warm it.
        let warm = (0..20).any(|_| server.get(fast, Some(ADMIN)).status == 200);
        assert!(warm, "{var}: the quick request never ran within 1 ms");
        let slow = server.get(&slow_target(), Some(ADMIN));
        assert_eq!(slow.status, 503, "{var}: {}", slow.text);
        assert_eq!(slow.error_codes(), ["timeout"], "{var}");
        let page = server.get(fast, Some(ADMIN)).ok(fast);
        assert_eq!(ids_of(&page["data"]), [1], "{var}");
    }

    /// sqlx's pool on the server, as deadpool's on SQLite: with its one
    /// connection held by a slow request past `--pool-wait-ms`, a request is
    /// answered 503 `busy` with `Retry-After`, and served once the connection
    /// is back; with two connections it is served beside the slow one.
    fn pool_sheds_load(var: &str) {
        let url = fresh_database(var);
        for (size, wait_ms) in [("1", "1"), ("2", "5000")] {
            let dir = scratch_dir();
            let args = [
                "--database-url",
                &url,
                "--pool-size",
                size,
                "--pool-wait-ms",
                wait_ms,
            ];
            // The first server seeds the database; the second finds it.
            let server = Server::start_with(
                dir.clone(),
                dir.join("unused.sqlite3"),
                POOL_TEST_ROWS,
                &args,
            );
            // A server scans 40,000 orders faster than SQLite: 40 ms or more
            // still leaves the other request 30 ms inside the slow one.
            let background = slow_at_least(&server, Duration::from_millis(40));
            let other = server.get("/customers?per_page=1", Some(ADMIN));
            let other_done = Instant::now();
            let (reply, slow_done) = background.join().unwrap();
            reply.ok("the slow request itself");
            if size == "1" {
                assert_eq!(other.status, 503, "{var}: {}", other.json);
                assert_eq!(other.error_codes(), ["busy"], "{var}");
                assert_eq!(other.retry_after.as_deref(), Some("1"), "{var}");
                server.get("/customers?per_page=1", Some(ADMIN)).ok("after");
            } else {
                other.ok("beside the slow one");
                assert!(other_done < slow_done, "{var}: it waited for the slow one");
            }
        }
    }

    #[test]
    #[ignore = "needs PostgreSQL: bash scripts/test.sh starts one"]
    fn postgres_pool() {
        pool_sheds_load("LISTQUERY_PG_URL");
    }

    #[test]
    #[ignore = "needs MariaDB/MySQL: bash scripts/test.sh starts one"]
    fn mysql_pool() {
        pool_sheds_load("LISTQUERY_MYSQL_URL");
    }

    #[test]
    #[ignore = "needs PostgreSQL: bash scripts/test.sh starts one"]
    fn postgres_statement_timeout() {
        statements_time_out("LISTQUERY_PG_URL");
    }

    #[test]
    #[ignore = "needs MariaDB/MySQL: bash scripts/test.sh starts one"]
    fn mysql_statement_timeout() {
        statements_time_out("LISTQUERY_MYSQL_URL");
    }

    #[test]
    #[ignore = "needs PostgreSQL: bash scripts/test.sh starts one"]
    fn postgres() {
        same_answers_as_sqlite("LISTQUERY_PG_URL");
    }

    #[test]
    #[ignore = "needs MariaDB/MySQL: bash scripts/test.sh starts one"]
    fn mysql() {
        same_answers_as_sqlite("LISTQUERY_MYSQL_URL");
    }
}

#[path = "support/clients.rs"]
mod clients;

/// The SQL condition for a recorded client's filters (the operators the
/// README's snippets use), values quoted as SQL literals.
fn client_condition(filters: &Json) -> String {
    let literal = |v: &Json| match v {
        Json::String(s) => format!("'{}'", s.replace('\'', "''")),
        other => other.to_string(),
    };
    let mut parts = vec!["1 = 1".to_owned()];
    for filter in filters.as_array().unwrap() {
        let field = filter["field"].as_str().unwrap();
        let values: Vec<String> = filter["values"]
            .as_array()
            .unwrap()
            .iter()
            .map(literal)
            .collect();
        parts.push(match filter["op"].as_str().unwrap() {
            "eq" => format!("{field} IN ({})", values.join(", ")),
            "between" => format!("{field} BETWEEN {} AND {}", values[0], values[1]),
            "null" if filter["values"][0] == true => format!("{field} IS NULL"),
            "null" => format!("{field} IS NOT NULL"),
            // A prefix (the values hold no LIKE wildcard).
            "starts_with" => format!("substr({field}, 1, length({v})) = {v}", v = values[0]),
            other => panic!("no SQL for {other} in this test"),
        });
    }
    parts.join(" AND ")
}

#[test]
fn client_query_strings_over_http() {
    use clients::{Meaning, RECORDED};
    let server = Server::start(300);
    let mut rows_seen = 0;
    for recorded in RECORDED {
        let client = recorded.client;
        // What the client's HTTP layer puts on the wire (vue-api-query
        // builds its string unencoded; the browser or axios encodes it).
        let target = format!("/invoices?{}", request_safe(recorded.query));
        let reply = server.get(&target, Some(ADMIN));
        match &recorded.meaning {
            Meaning::Query {
                filters,
                sort,
                page,
                per_page,
            } => {
                let body = reply.ok(client);
                let condition = client_condition(&filters());
                let order: Vec<String> = (sort.iter())
                    .map(|k| match k.strip_prefix('-') {
                        Some(field) => format!("{field} DESC"),
                        None => format!("{k} ASC"),
                    })
                    .collect();
                let expected = server.ordered_ids(&format!(
                    "SELECT id FROM invoices WHERE {condition} ORDER BY {} LIMIT {per_page} OFFSET {}",
                    order.join(", "),
                    (page - 1) * per_page
                ));
                assert_eq!(ids_of(&body["data"]), expected, "{client}: rows");
                assert_eq!(
                    body["total"],
                    server.scalar(&format!("SELECT COUNT(*) FROM invoices WHERE {condition}")),
                    "{client}: total"
                );
                assert_eq!(body["per_page"], *per_page, "{client}");
                assert_eq!(body["current_page"], *page, "{client}");
                rows_seen += expected.len();
                // Page links write lists in the comma form and the page size
                // by its first name; following one gives page 1 of the same list.
                let first = body["first_page_url"].as_str().unwrap();
                assert!(
                    !first.contains("%5B%5D") && !first.contains("%5D%5B0%5D"),
                    "{first}"
                );
                assert!(!first.contains("limit="), "{first}");
                let again = server.get(Server::target_of(first), Some(ADMIN)).ok(first);
                assert_eq!(again["total"], body["total"], "{first}");
                assert_eq!(again["per_page"], *per_page, "{first}");
            }
            Meaning::Rejected(codes) => {
                assert_eq!(reply.status, 400, "{client}: {}", reply.json);
                assert_eq!(reply.error_codes(), *codes, "{client}");
            }
        }
    }
    // The qs requests match rows; the snippets' invoice number matches none.
    assert!(rows_seen >= 4 * 15, "only {rows_seen} rows in all");
}

#[test]
fn limit_and_cleared_filters_as_form_driven_frontends_send_them() {
    let server = Server::start(120);
    // vue-api-query's `limit` pages an agent's list, which is otherwise whole.
    let agent = server
        .get("/customers?limit=5", Some(AGENT))
        .ok("agent limit");
    assert_eq!(agent["data"].as_array().unwrap().len(), 5);
    assert_eq!(agent["per_page"], 5);
    let next = agent["next_page_url"].as_str().unwrap();
    assert!(
        next.contains("per_page=5") && !next.contains("limit"),
        "{next}"
    );
    // `per_page` and `limit` together are one parameter given twice.
    let both = server.get("/customers?limit=5&per_page=6", Some(ADMIN));
    assert_eq!(both.status, 400);
    assert_eq!(both.error_codes(), ["duplicate_parameter"]);
    // A cleared search form: every filter empty, so none applies.
    let cleared = server
        .get(
            "/invoices?filter%5Bstatus%5D%5B%5D=&filter%5Bnumber%5D%5Bstarts_with%5D=&page=2",
            Some(ADMIN),
        )
        .ok("cleared form");
    let all = server.get("/invoices?page=2", Some(ADMIN)).ok("all");
    assert_eq!(cleared["total"], all["total"]);
    assert_eq!(ids_of(&cleared["data"]), ids_of(&all["data"]));
    assert!(
        !cleared["next_page_url"]
            .as_str()
            .unwrap()
            .contains("filter"),
        "{}",
        cleared["next_page_url"]
    );
    // Walking an array-form request's pages visits what the comma form does.
    let walk = |first: &str| {
        let mut ids = Vec::new();
        let mut target = first.to_owned();
        loop {
            let page = server.get(&target, Some(ADMIN)).ok(&target);
            ids.extend(ids_of(&page["data"]));
            match page["next_page_url"].as_str() {
                Some(next) => target = Server::target_of(next).to_owned(),
                None => break ids,
            }
        }
    };
    let arrays = walk(
        "/invoices?filter%5Bstatus%5D%5B0%5D=paid&filter%5Bstatus%5D%5B1%5D=void&sort%5B%5D=-amount&per_page=7",
    );
    let commas = walk("/invoices?filter[status]=paid,void&sort=-amount&per_page=7");
    assert_eq!(arrays, commas);
    assert_eq!(
        arrays,
        server.ordered_ids(
            "SELECT id FROM invoices WHERE status IN ('paid', 'void') ORDER BY amount DESC, id ASC"
        )
    );
}

#[test]
fn every_client_form_of_the_corpus_is_a_200_with_canonical_links() {
    let server = Server::start(50);
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus/clients.json");
    let cases: Vec<Json> = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mut checked = 0;
    for case in cases.iter().filter(|c| c["expect"].is_object()) {
        let token = match case["role"].as_str().unwrap_or("admin") {
            "agent" => AGENT,
            _ => ADMIN,
        };
        let query = request_safe(&expand(case["query"].as_str().unwrap()));
        let target = format!("/{}?{query}", case["resource"].as_str().unwrap());
        let body = server.get(&target, Some(token)).ok(&target);
        let Some(first) = body["first_page_url"].as_str() else {
            continue;
        };
        // The page links hold the case's canonical pairs, the page last.
        let link_query = first.split_once('?').unwrap().1;
        let got: Vec<(String, String)> = form_urlencoded::parse(link_query.as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .filter(|(k, _)| k != "page")
            .collect();
        let want: Vec<(String, String)> = (case["expect"]["pairs"].as_array().unwrap().iter())
            .map(|p| {
                (
                    p[0].as_str().unwrap().to_owned(),
                    p[1].as_str().unwrap().to_owned(),
                )
            })
            .filter(|(k, _)| k != "page")
            .collect();
        assert_eq!(got, want, "{}: {target} -> {first}", case["name"]);
        checked += 1;
    }
    assert!(checked >= 20, "only {checked} cases checked");
}

/// A request that holds its connection a while: `max_like_patterns` (20)
/// LIKE patterns over every order, in the select and the count (nothing
/// matches).
fn slow_target() -> String {
    let words: Vec<String> = (0..20).map(|i| format!("zq{i}x")).collect();
    format!(
        "/orders?filter[note][contains]={}&per_page=1",
        words.join(",")
    )
}

/// Customers to seed for the pool tests: 40,000 orders make the slow request
/// slow.
const POOL_TEST_ROWS: u32 = 20_000;

/// Sends `target` on a thread of its own; gives the reply and when it came.
fn in_background(server: &Server, target: String) -> std::thread::JoinHandle<(Reply, Instant)> {
    let port = server.port;
    std::thread::spawn(move || {
        let reply = Server::raw_on(port, &target, &format!("Authorization: Bearer {ADMIN}\r\n"));
        (reply, Instant::now())
    })
}

/// The demo server over 40,000 orders with this pool size and wait.
fn pool_server(size: &str, wait_ms: &str) -> Server {
    big_server(&["--pool-size", size, "--pool-wait-ms", wait_ms])
}

/// The demo server over 40,000 orders, with these arguments.
fn big_server(args: &[&str]) -> Server {
    let dir = scratch_dir();
    let db = dir.join("demo.sqlite3");
    Server::start_with(dir, db, POOL_TEST_ROWS, args)
}

/// Times the slow request alone (it must take 100 ms or more), then sends it
/// again in the background and returns a quarter of its time later, while it
/// holds its connection.
fn slow_in_background(server: &Server) -> std::thread::JoinHandle<(Reply, Instant)> {
    slow_at_least(server, Duration::from_millis(100))
}

/// [`slow_in_background`] for a slow request of at least `least`.
fn slow_at_least(server: &Server, least: Duration) -> std::thread::JoinHandle<(Reply, Instant)> {
    let started = Instant::now();
    server.get(&slow_target(), Some(ADMIN)).ok("slow alone");
    let slow = started.elapsed();
    assert!(slow >= least, "the slow request took only {slow:?}");
    let background = in_background(server, slow_target());
    std::thread::sleep(slow / 4);
    background
}

#[test]
fn a_busy_connection_does_not_hold_up_a_request_with_a_free_one() {
    let server = pool_server("2", "5000");
    let background = slow_in_background(&server);
    server.get("/customers?per_page=1", Some(ADMIN)).ok("fast");
    let fast_done = Instant::now();
    let (reply, slow_done) = background.join().unwrap();
    reply.ok("slow beside fast");
    assert!(
        fast_done < slow_done,
        "the fast request waited for the slow one's connection"
    );
}

#[test]
fn a_request_that_finds_no_free_connection_in_time_is_a_503_with_retry_after() {
    let server = pool_server("1", "20");
    let background = slow_in_background(&server);
    let busy = server.get("/customers?per_page=1", Some(ADMIN));
    let (reply, _) = background.join().unwrap();
    reply.ok("the slow request itself");
    assert_eq!(busy.status, 503, "{}", busy.json);
    assert_eq!(busy.retry_after.as_deref(), Some("1"));
    assert_eq!(busy.content_type.as_deref(), Some("application/json"));
    assert_eq!(busy.error_codes(), ["busy"]);
    // Once the connection is back, the same request is served.
    server.get("/customers?per_page=1", Some(ADMIN)).ok("after");
}

#[test]
fn a_statement_past_its_timeout_is_stopped_and_answered_503() {
    let server = big_server(&["--statement-timeout-ms", "30"]);
    let started = Instant::now();
    let slow = server.get(&slow_target(), Some(ADMIN));
    let took = started.elapsed();
    assert_eq!(slow.status, 503, "{}", slow.text);
    assert_eq!(slow.error_codes(), ["timeout"]);
    assert_eq!(slow.retry_after.as_deref(), Some("1"));
    assert!(took < Duration::from_secs(2), "stopped only after {took:?}");
    // The connection is fine afterwards, and quick requests are served.
    server
        .get("/customers?per_page=1", Some(ADMIN))
        .ok("after a timeout");
    server
        .get("/orders?per_page=3", Some(ADMIN))
        .ok("after a timeout");
}

#[test]
fn sigterm_lets_a_request_in_flight_finish_then_exits() {
    let mut server = big_server(&["--shutdown-timeout-ms", "10000"]);
    let background = slow_in_background(&server);
    let pid = server.child.id().to_string();
    let signal = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    assert!(signal.success());
    let (reply, _) = background.join().unwrap();
    reply.ok("the request in flight at the signal");
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "the server did not exit");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success(), "{status}: {}", server.log());
    assert!(server.log().contains("shutting down"), "{}", server.log());
    assert!(
        TcpStream::connect(("127.0.0.1", server.port)).is_err(),
        "still listening"
    );
}

#[test]
fn the_openapi_document_is_served_without_a_token() {
    let server = Server::start(10);
    let doc = server.get("/openapi.json", None).ok("openapi.json");
    assert_eq!(doc["openapi"], "3.1.0");
    assert_eq!(doc["servers"][0]["url"], BASE_URL);
    assert_eq!(
        doc["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
    let names: Vec<&str> = doc["paths"]["/invoices"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    for name in [
        "sort",
        "filter[status]",
        "filter[or]",
        "page",
        "limit",
        "fields[invoices]",
    ] {
        assert_eq!(
            names.contains(&name),
            name != "filter[or]",
            "{name}: {names:?}"
        );
    }
}

#[test]
#[ignore = "needs Python's openapi-spec-validator: bash scripts/test.sh installs it and runs this"]
fn openapi_validator_accepts_the_demo_document() {
    let server = Server::start(10);
    let (text, _) = server.get("/openapi.json", None).ok_text("openapi.json");
    let file = server.dir.join("openapi.json");
    std::fs::write(&file, text).unwrap();
    let output = Command::new("python3")
        .args([
            "-c",
            "import sys\nfrom openapi_spec_validator import validate\nfrom openapi_spec_validator.readers import read_from_filename\nvalidate(read_from_filename(sys.argv[1])[0])",
        ])
        .arg(&file)
        .output()
        .expect("run python3");
    assert!(
        output.status.success(),
        "the validator rejects the demo's document:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

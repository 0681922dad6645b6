//! The bundled SQLite is built without the process-wide page-cache lock
//! (`.cargo/config.toml` sets `LIBSQLITE3_FLAGS`): with
//! `SQLITE_ENABLE_MEMORY_MANAGEMENT`, every connection shares one page cache
//! behind one mutex and the demo server's connections wait on each other.
#![allow(clippy::unwrap_used)]

#[test]
fn sqlite_has_no_shared_page_cache() {
    let conn = rusqlite::Connection::open_in_memory().unwrap();
    let mut statement = conn.prepare("PRAGMA compile_options").unwrap();
    let options: Vec<String> = statement
        .query_map([], |row| row.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    assert_no_shared_page_cache("rusqlite", &options);
}

/// The same for the SQLite that sqlx and sea-orm run (`exec::sqlx`,
/// `exec::sea_orm`): one libsqlite3-sys, built once, serves both drivers.
#[test]
fn sqlx_sqlite_has_no_shared_page_cache() {
    use sqlx::Connection;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let options: Vec<String> = runtime.block_on(async {
        let mut conn = sqlx::SqliteConnection::connect("sqlite::memory:")
            .await
            .unwrap();
        sqlx::query_scalar("PRAGMA compile_options")
            .fetch_all(&mut conn)
            .await
            .unwrap()
    });
    assert_no_shared_page_cache("sqlx", &options);
}

/// `options` (`PRAGMA compile_options` as `driver` read them) were read, and
/// hold no `ENABLE_MEMORY_MANAGEMENT`.
fn assert_no_shared_page_cache(driver: &str, options: &[String]) {
    assert!(
        options.iter().any(|o| o.starts_with("THREADSAFE")),
        "compile options were read: {options:?}"
    );
    assert!(
        !options.iter().any(|o| o == "ENABLE_MEMORY_MANAGEMENT"),
        "{driver}'s SQLite was built with ENABLE_MEMORY_MANAGEMENT (a shared page cache): is LIBSQLITE3_FLAGS from .cargo/config.toml set? {options:?}"
    );
}

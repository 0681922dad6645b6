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
    assert!(
        options.iter().any(|o| o.starts_with("THREADSAFE")),
        "compile options were read: {options:?}"
    );
    assert!(
        !options.iter().any(|o| o == "ENABLE_MEMORY_MANAGEMENT"),
        "SQLite was built with ENABLE_MEMORY_MANAGEMENT (a shared page cache): is LIBSQLITE3_FLAGS from .cargo/config.toml set? {options:?}"
    );
}

//! The demo API server (`cargo run --release --example server`): the same
//! server as `cargo run --release -p listquery-demo`, whose code is in
//! `demo/` (its own crate, so its first build skips the library's test and
//! bench dependencies).

fn main() -> std::process::ExitCode {
    listquery_demo::main()
}

//! `cargo run --release -p listquery-demo`: the demo API server.

fn main() -> std::process::ExitCode {
    listquery_demo::main()
}

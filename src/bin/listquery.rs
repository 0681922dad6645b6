//! The `listquery` command-line tool.
fn main() {}

//! The `listquery` command-line tool (SPEC §11).
//!
//! `listquery explain --schema FILE --resource NAME [--role agent|admin|collaborator]
//! [--dialect postgres|mysql|sqlite] [--strict] QUERY` prints what a list query means
//! as one JSON document. Exit codes: 0 success; 2 the query has errors (the JSON:API
//! error body is printed on stdout); 1 a bad schema file, an unknown resource or bad
//! arguments (a message on stderr).
//!
//! `listquery indexes --schema FILE [--resource NAME] [--dialect D]` prints the
//! `CREATE INDEX` statements that serve each resource's sorts (SPEC §12), one
//! per line, each resource's under a `-- resource` comment line.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::error::ErrorKind;
use clap::{Args, Parser, Subcommand, ValueEnum};
use listquery::{ListQuery, RequestOptions, Role, Schema};
use serde::Serialize;

/// Parse, validate and explain list-endpoint query strings.
#[derive(Debug, Parser)]
#[command(name = "listquery", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Print what a query means for a resource, as JSON.
    Explain(ExplainArgs),
    /// Print the CREATE INDEX statements that serve the resources' sorts.
    Indexes(IndexesArgs),
}

#[derive(Debug, Args)]
struct IndexesArgs {
    /// The schema file (.toml or .json).
    #[arg(long, value_name = "FILE")]
    schema: PathBuf,
    /// Only this resource (default: every resource).
    #[arg(long, value_name = "NAME")]
    resource: Option<String>,
    /// The SQL dialect.
    #[arg(long, value_enum, default_value_t = Dialect::Postgres)]
    dialect: Dialect,
}

#[derive(Debug, Args)]
struct ExplainArgs {
    /// The schema file (.toml or .json).
    #[arg(long, value_name = "FILE")]
    schema: PathBuf,
    /// The resource the query is for.
    #[arg(long, value_name = "NAME")]
    resource: String,
    /// Who is asking: decides whether the list is paginated by default.
    #[arg(long, value_enum, default_value_t = RoleArg::Admin)]
    role: RoleArg,
    /// The SQL dialect.
    #[arg(long, value_enum, default_value_t = Dialect::Postgres)]
    dialect: Dialect,
    /// Reject parameters the endpoint does not know.
    #[arg(long)]
    strict: bool,
    /// The query string, percent-encoded, with or without a leading '?'.
    #[arg(allow_hyphen_values = true)]
    query: String,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum RoleArg {
    Agent,
    Admin,
    Collaborator,
}

impl From<RoleArg> for Role {
    fn from(role: RoleArg) -> Role {
        match role {
            RoleArg::Agent => Role::Agent,
            RoleArg::Admin => Role::Admin,
            RoleArg::Collaborator => Role::Collaborator,
        }
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Dialect {
    Postgres,
    Mysql,
    Sqlite,
}

/// The printed document (SPEC §11): the query's own JSON form (`resource`,
/// `filters`, `sort`, `pagination`, `metadata`, in that order), then `sql`.
#[derive(Serialize)]
struct Explanation<'a> {
    #[serde(flatten)]
    query: &'a ListQuery,
    /// The statements: dialect, select and count, each as text and values.
    sql: serde_json::Value,
}

/// How a run ends: what to print where, and the exit code.
enum Outcome {
    /// Exit 0, the explanation on stdout.
    Explained(String),
    /// Exit 2, the JSON:API error body on stdout.
    QueryErrors(String),
    /// Exit 1, a message on stderr.
    Failed(String),
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // --help and --version print to stdout and succeed; every other
            // argument error is exit 1, not clap's default 2, which means "query errors" here.
            let _ = e.print();
            return match e.kind() {
                ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => ExitCode::SUCCESS,
                _ => ExitCode::from(1),
            };
        }
    };
    let outcome = match cli.command {
        Command::Explain(args) => explain(&args),
        Command::Indexes(args) => indexes(&args),
    };
    let (text, to_stdout, code) = match outcome {
        Outcome::Explained(json) => (json, true, 0),
        Outcome::QueryErrors(json) => (json, true, 2),
        Outcome::Failed(message) => (format!("listquery: {message}"), false, 1),
    };
    let written = if to_stdout {
        writeln!(std::io::stdout().lock(), "{text}")
    } else {
        writeln!(std::io::stderr().lock(), "{text}")
    };
    match written {
        Ok(()) => ExitCode::from(code),
        Err(_) => ExitCode::from(1),
    }
}

fn indexes(args: &IndexesArgs) -> Outcome {
    let schema = match Schema::from_path(&args.schema) {
        Ok(schema) => schema,
        Err(e) => return Outcome::Failed(e.to_string()),
    };
    let resources: Vec<_> = match &args.resource {
        None => schema.resources().collect(),
        Some(name) => match schema.resource(name) {
            Some(resource) => vec![resource],
            None => return unknown_resource(&schema, name),
        },
    };
    let mut out = Vec::new();
    for resource in resources {
        out.push(format!("-- {}", resource.name()));
        let advice = listquery::sql::index_advice(resource, sql_dialect(args.dialect));
        out.extend(advice.into_iter().map(|a| a.statement));
    }
    Outcome::Explained(out.join("\n"))
}

fn unknown_resource(schema: &Schema, name: &str) -> Outcome {
    let known: Vec<&str> = schema.resources().map(|r| r.name()).collect();
    Outcome::Failed(format!(
        "unknown resource '{name}'; the schema has: {}",
        known.join(", ")
    ))
}

fn sql_dialect(dialect: Dialect) -> listquery::sql::Dialect {
    match dialect {
        Dialect::Postgres => listquery::sql::Dialect::Postgres,
        Dialect::Mysql => listquery::sql::Dialect::Mysql,
        Dialect::Sqlite => listquery::sql::Dialect::Sqlite,
    }
}

fn explain(args: &ExplainArgs) -> Outcome {
    let schema = match Schema::from_path(&args.schema) {
        Ok(schema) => schema,
        Err(e) => return Outcome::Failed(e.to_string()),
    };
    let Some(resource) = schema.resource(&args.resource) else {
        return unknown_resource(&schema, &args.resource);
    };
    let options = RequestOptions::for_role(args.role.into()).strict(args.strict);
    let query = match ListQuery::parse(&args.query, resource, options) {
        Ok(query) => query,
        Err(errors) => return Outcome::QueryErrors(errors.to_json_api().to_json()),
    };
    let sql = match sql_block(&query, args.dialect) {
        Ok(sql) => sql,
        Err(outcome) => return outcome,
    };
    let explanation = Explanation { query: &query, sql };
    match serde_json::to_string_pretty(&explanation) {
        Ok(json) => Outcome::Explained(json),
        Err(e) => Outcome::Failed(format!("cannot write the explanation: {e}")),
    }
}

/// The `"sql"` block for `dialect`: the select and count statements over the
/// resource's table (`SELECT <selectable fields> FROM <table>`, SPEC §16), their text and bound values.
///
/// Too many bound values is the client's error (the JSON:API body, exit 2);
/// any other SQL-layer error is the schema's (exit 1).
fn sql_block(query: &ListQuery, dialect: Dialect) -> Result<serde_json::Value, Outcome> {
    let dialect = sql_dialect(dialect);
    let base = listquery::sql::BaseStatement::for_resource(query.resource(), dialect);
    let explained = listquery::sql::ListSql::new(query, dialect)
        .explain(base.statement())
        .map_err(|e| match e.to_json_api() {
            Some(body) => Outcome::QueryErrors(body.to_json()),
            None => Outcome::Failed(e.to_string()),
        })?;
    serde_json::to_value(explained)
        .map_err(|e| Outcome::Failed(format!("cannot write the SQL: {e}")))
}

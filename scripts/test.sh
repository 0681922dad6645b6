#!/usr/bin/env bash
# The project's full test command (what .ci/run runs).
#
# Starts throwaway PostgreSQL and MariaDB servers on loopback ports (data under
# a mktemp dir, removed on exit), exports LISTQUERY_PG_URL and
# LISTQUERY_MYSQL_URL, and runs `cargo test --all-features` (all targets and
# doc-tests) with --include-ignored: the server tests are #[ignore]d for a plain
# `cargo test`. Then, without arguments, scripts/instructions.sh checks the
# instruction budget. With CI=true, as root, missing packages are installed with
# apt-get and any engine that cannot be started fails the run. Locally, an
# engine that cannot be started is reported and its tests are skipped by name
# (`--skip ::postgres`, `--skip ::mysql`), so they never count as passed.
set -euo pipefail

cd "$(dirname "$0")/.."
CI="${CI:-false}"
LOG_NAME=test.sh
# shellcheck source=scripts/servers.sh
source scripts/servers.sh

started=$SECONDS
if is_ci; then install_packages; elif [[ $(id -u) -eq 0 ]]; then install_packages; fi
start_postgres
start_mariadb
log "databases ready in $((SECONDS - started))s"
# The server tests are `CHECK::postgres` / `CHECK::mysql` (tests/support/db.rs).
test_args=(--include-ignored)
if [[ -z "${LISTQUERY_PG_URL:-}" ]]; then
    log "PostgreSQL tests will NOT run (skipped: --skip ::postgres)"
    test_args+=(--skip ::postgres)
fi
if [[ -z "${LISTQUERY_MYSQL_URL:-}" ]]; then
    log "MariaDB/MySQL tests will NOT run (skipped: --skip ::mysql)"
    test_args+=(--skip ::mysql)
fi
[[ -d ../shared/fixtures ]] || fail_or_skip "../shared/fixtures is missing: the Laravel fixture tests will NOT run"
# The OpenAPI document is checked by a real validator (Python's
# openapi-spec-validator, from PyPI).
if ! python3 -c 'import openapi_spec_validator' >/dev/null 2>&1; then
    if is_ci || [[ $(id -u) -eq 0 ]]; then
        log "installing openapi-spec-validator with pip"
        python3 -m pip install --quiet --disable-pip-version-check openapi-spec-validator >/dev/null 2>&1 || true
    fi
fi
if ! python3 -c 'import openapi_spec_validator' >/dev/null 2>&1; then
    fail_or_skip "Python's openapi-spec-validator is missing: the OpenAPI validator test will NOT run (skipped: --skip openapi_validator)"
    test_args+=(--skip openapi_validator)
fi

# The harness's arguments go after the caller's own `--`, if any.
separator=(--)
for arg in "$@"; do [[ $arg == -- ]] && separator=(); done
cargo test --all-features "$@" "${separator[@]}" "${test_args[@]}"

if (($#)); then
    log "instruction budget not checked (arguments given; scripts/instructions.sh runs it alone)"
else
    bash scripts/instructions.sh
fi
log "done in $((SECONDS - started))s"

# Throwaway PostgreSQL and MariaDB servers on loopback, for scripts/test.sh and
# scripts/scale.sh (source it; set LOG_NAME first). Data under a mktemp dir,
# removed on exit; start_postgres / start_mariadb export LISTQUERY_PG_URL and
# LISTQUERY_MYSQL_URL. With CI=true a server that cannot start fails the run;
# elsewhere it is reported and skipped.

CI="${CI:-false}"
LOG_NAME="${LOG_NAME:-servers.sh}"
is_ci() { [[ "$CI" == "true" || "$CI" == "1" ]]; }
log() { printf '%s: %s\n' "$LOG_NAME" "$*" >&2; }
fail_or_skip() {
    if is_ci; then log "FAIL: $*"; exit 1; fi
    log "SKIP: $*"
}

WORK="$(mktemp -d "${TMPDIR:-/tmp}/listquery-test.XXXXXX")"
PG_BIN=""
PG_DATA="$WORK/pg"
MY_DATA="$WORK/mysql"
MY_PID=""
cleanup() {
    set +e
    if [[ -n "$PG_BIN" && -f "$PG_DATA/postmaster.pid" ]]; then
        run_as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -m immediate -w stop >/dev/null 2>&1
    fi
    if [[ -n "$MY_PID" ]]; then
        kill "$MY_PID" 2>/dev/null
        for _ in $(seq 1 50); do kill -0 "$MY_PID" 2>/dev/null || break; sleep 0.2; done
        kill -9 "$MY_PID" 2>/dev/null
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT

# A free loopback TCP port.
free_port() {
    python3 - <<'PY' 2>/dev/null || echo $((20000 + RANDOM % 20000))
import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()
PY
}

# Waits up to $2 seconds for the command $1 to succeed.
wait_for() {
    local deadline=$((SECONDS + $2))
    until eval "$1" >/dev/null 2>&1; do
        if ((SECONDS >= deadline)); then return 1; fi
        sleep 0.5
    done
}

install_packages() {
    local missing=()
    find_pg_bin || missing+=(postgresql)
    command -v mariadbd >/dev/null 2>&1 || [[ -x /usr/sbin/mariadbd ]] || missing+=(mariadb-server)
    ((${#missing[@]})) || return 0
    if [[ $(id -u) -ne 0 ]]; then
        fail_or_skip "not root: cannot install ${missing[*]}"
        return 0
    fi
    log "installing ${missing[*]} with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    # The packages' own services must not start (we run our own servers).
    local policy=/usr/sbin/policy-rc.d created_policy=""
    if [[ ! -e $policy ]]; then
        printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && created_policy=1
    fi
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    [[ -n $created_policy ]] && rm -f "$policy"
    return 0
}

find_pg_bin() {
    local d
    for d in /usr/lib/postgresql/*/bin; do
        if [[ -x "$d/initdb" && -x "$d/pg_ctl" ]]; then PG_BIN="$d"; fi
    done
    if [[ -z "$PG_BIN" ]] && command -v initdb >/dev/null 2>&1; then
        PG_BIN="$(dirname "$(command -v initdb)")"
    fi
    [[ -n "$PG_BIN" ]]
}

# Root cannot run initdb/postgres: run them as the postgres user.
run_as_pg() {
    if [[ $(id -u) -eq 0 ]]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

start_postgres() {
    find_pg_bin || { fail_or_skip "PostgreSQL is not installed"; return 0; }
    if [[ $(id -u) -eq 0 ]] && ! id postgres >/dev/null 2>&1; then
        fail_or_skip "no postgres user to run PostgreSQL as"; return 0
    fi
    local port sock
    port="$(free_port)"
    sock="$WORK/pgsock"
    mkdir -p "$PG_DATA" "$sock"
    [[ $(id -u) -eq 0 ]] && chown -R postgres: "$WORK/pg" "$sock" && chmod 755 "$WORK"
    if ! run_as_pg "$PG_BIN/initdb" -D "$PG_DATA" -A trust -U postgres --no-locale -E UTF8 >"$WORK/pg-initdb.log" 2>&1; then
        tail -5 "$WORK/pg-initdb.log" >&2; fail_or_skip "initdb failed"; return 0
    fi
    if ! run_as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$WORK/pg/server.log" -w -t 60 \
        -o "-p $port -k $sock -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null 2>&1; then
        tail -5 "$WORK/pg/server.log" >&2 || true; fail_or_skip "PostgreSQL did not start"; return 0
    fi
    export LISTQUERY_PG_URL="postgresql://postgres@127.0.0.1:$port/postgres"
    log "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$port"
}

start_mariadb() {
    local mariadbd install_db client
    mariadbd="$(command -v mariadbd || echo /usr/sbin/mariadbd)"
    install_db="$(command -v mariadb-install-db || command -v mysql_install_db || true)"
    client="$(command -v mariadb || command -v mysql || true)"
    if [[ ! -x "$mariadbd" || -z "$install_db" || -z "$client" ]]; then
        fail_or_skip "MariaDB is not installed"; return 0
    fi
    local port sock user
    port="$(free_port)"
    sock="$WORK/mysql.sock"
    user="$(id -un)"
    mkdir -p "$MY_DATA"
    if ! "$install_db" --no-defaults --datadir="$MY_DATA" --user="$user" --auth-root-authentication-method=normal \
        --skip-test-db >"$WORK/mysql-install.log" 2>&1; then
        tail -5 "$WORK/mysql-install.log" >&2; fail_or_skip "mariadb-install-db failed"; return 0
    fi
    "$mariadbd" --no-defaults --datadir="$MY_DATA" --socket="$sock" --port="$port" --bind-address=127.0.0.1 \
        --user="$user" --pid-file="$WORK/mysql.pid" --log-error="$WORK/mysql.err" --skip-name-resolve \
        --innodb-flush-log-at-trx-commit=0 --character-set-server=utf8mb4 --collation-server=utf8mb4_bin \
        >/dev/null 2>&1 &
    MY_PID=$!
    if ! wait_for "'$client' --no-defaults -S '$sock' -uroot -e 'SELECT 1'" 60; then
        tail -5 "$WORK/mysql.err" >&2 || true; fail_or_skip "MariaDB did not start"; return 0
    fi
    "$client" --no-defaults -S "$sock" -uroot -e "
        CREATE USER 'listquery'@'127.0.0.1' IDENTIFIED BY 'listquery';
        GRANT ALL PRIVILEGES ON *.* TO 'listquery'@'127.0.0.1';
        CREATE DATABASE listquery CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;"
    export LISTQUERY_MYSQL_URL="mysql://listquery:listquery@127.0.0.1:$port/listquery"
    log "MariaDB $("$mariadbd" --version | awk '{print $3}') on 127.0.0.1:$port"
}


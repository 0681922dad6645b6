#!/usr/bin/env bash
# End-to-end figures on big data (docs/performance.md, "Big tables"): the demo
# server seeded with --rows N customers (2N orders, 2N invoices) on SQLite,
# PostgreSQL and MariaDB, each URL requested through the real server with curl,
# 9 times after 2 warm-ups; the median is printed in milliseconds.
#
#   bash scripts/scale.sh [ROWS] [ENGINES]     # defaults: 200000 "sqlite postgres mysql"
#
# Not part of the test suite (timings on shared machines are noisy; read the
# ratios). PostgreSQL and MariaDB are throwaway servers (scripts/servers.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

ROWS="${1:-200000}"
ENGINES="${2:-sqlite postgres mysql}"
LOG_NAME=scale.sh
# shellcheck source=scripts/servers.sh
source scripts/servers.sh

cargo build --release -p listquery-demo >&2
SERVER=target/release/listquery-demo
[[ $(id -u) -eq 0 ]] && install_packages

# The median time of `curl URL` in ms, after 2 warm-ups; fails on a non-200.
median_ms() {
    local url=$1 code
    for _ in 1 2; do
        code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Authorization: Bearer admin-token' "$url")
        [[ $code == 200 ]] || { log "HTTP $code for $url"; return 1; }
    done
    for _ in $(seq 9); do
        curl -s -o /dev/null -w '%{time_total}\n' -H 'Authorization: Bearer admin-token' "$url"
    done | sort -n | sed -n 5p | awk '{printf "%.2f", $1 * 1000}'
}

# The cursor of the row at 1-based position POS of URL's order (read from an
# offset page of size 1), pointing to the rows after it.
cursor_at() {
    local url=$1 pos=$2 keys=$3
    curl -s -H 'Authorization: Bearer admin-token' "$url&per_page=1&page=$pos" | python3 -c '
import base64, json, sys
row = json.load(sys.stdin)["data"][0]
keys = sys.argv[1].split(",")
text = "{" + ",".join(json.dumps(k) + ":" + json.dumps(row[k], ensure_ascii=True) for k in keys)
text = (text + ",\"_pointsToNextItems\":true}").replace("/", "\\/")
print(base64.urlsafe_b64encode(text.encode()).decode().rstrip("="))' "$keys"
}

run_engine() {
    local engine=$1 port url args=()
    port="$(free_port)"
    case $engine in
        sqlite) args=(--db "$WORK/demo-$ROWS.sqlite3") ;;
        postgres) start_postgres; [[ -n ${LISTQUERY_PG_URL:-} ]] || return 0; args=(--database-url "$LISTQUERY_PG_URL") ;;
        mysql) start_mariadb; [[ -n ${LISTQUERY_MYSQL_URL:-} ]] || return 0; args=(--database-url "$LISTQUERY_MYSQL_URL") ;;
    esac
    local started=$SECONDS
    "$SERVER" "${args[@]}" --rows "$ROWS" --addr "127.0.0.1:$port" >"$WORK/server-$engine.log" 2>&1 &
    local pid=$!
    if ! wait_for "grep -q listening '$WORK/server-$engine.log'" 600; then
        cat "$WORK/server-$engine.log" >&2; kill "$pid"; return 1
    fi
    log "$engine: seeded $ROWS customers and indexed in $((SECONDS - started))s ($(grep indexes: "$WORK/server-$engine.log"))"
    local base="http://127.0.0.1:$port"
    local deep=$((ROWS * 2 * 3 / 4))   # 3/4 down the invoices: page deep/15 at 15 a page
    local c_default c_amount
    c_default=$(cursor_at "$base/invoices?sort=-created_at" "$deep" created_at,id)
    c_amount=$(cursor_at "$base/invoices?sort=-amount" "$deep" amount,id)
    local page=$((deep / 15))
    printf '| %s | %s |\n' "URL ($engine, $((ROWS * 2)) invoices)" "median ms"
    printf '|---|---:|\n'
    for target in \
        "/invoices" \
        "/invoices?cursor=" \
        "/invoices?sort=-created_at&cursor=$c_default" \
        "/invoices?page=$page" \
        "/invoices?sort=-amount&cursor=$c_amount" \
        "/invoices?sort=-amount&page=$page" \
        "/invoices?filter%5Bstatus%5D=paid,sent&sort=-created_at&page=2" \
        "/orders?sort=-created_at" \
        "/invoices?sort=-created_at" \
        "/orders?sort=-placed_on&per_page=50"; do
        printf '| `%s` | %s |\n' "${target:0:90}" "$(median_ms "$base$target")"
    done
    echo
    kill "$pid"; wait "$pid" 2>/dev/null || true
}

for engine in $ENGINES; do run_engine "$engine"; done

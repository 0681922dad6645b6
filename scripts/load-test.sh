#!/usr/bin/env bash
# Load test of the demo server on loopback, bounded in time (about two
# minutes): requests/s and p50/p99 latency of four representative requests at
# 2 and 64 connections, then 512 connections against --max-connections 256
# (the default) to show load shed with 503s instead of a growing queue.
#
#   bash scripts/load-test.sh [--rows N] [--duration 10s]
#
# Needs wrk (Debian package `wrk`; installed with apt-get when missing and run
# as root). Builds the demo in release mode, seeds a scratch database under
# /tmp, and prints a Markdown table. Not part of CI: the figures depend on the
# machine (quote medians of several runs, and ratios).
set -euo pipefail

ROWS=1000
DURATION=10s
while [[ $# -gt 0 ]]; do
    case "$1" in
        --rows) ROWS="$2"; shift 2 ;;
        --duration) DURATION="$2"; shift 2 ;;
        *) echo "usage: $0 [--rows N] [--duration 10s]" >&2; exit 2 ;;
    esac
done

if ! command -v wrk >/dev/null 2>&1; then
    if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
        apt-get update -qq && apt-get install -y -qq wrk >/dev/null
    else
        echo "load-test.sh: wrk is missing (apt-get install wrk)" >&2
        exit 1
    fi
fi

cd "$(dirname "$0")/.."
cargo build --release -p listquery-demo >&2
WORK=$(mktemp -d /tmp/listquery-load.XXXXXX)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
BASE="http://127.0.0.1:$PORT"
# 512 client connections and the server's own: more descriptors than the default 1024.
ulimit -n 8192 2>/dev/null || true
target/release/listquery-demo --addr "127.0.0.1:$PORT" --db "$WORK/demo.sqlite3" --rows "$ROWS" \
    >"$WORK/server.out" 2>"$WORK/server.err" &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 1 600); do
    grep -q "listening on" "$WORK/server.out" 2>/dev/null && break
    kill -0 $SERVER 2>/dev/null || { cat "$WORK/server.err" >&2; exit 1; }
    sleep 0.1
done

URLS=(
    "/invoices"
    "/invoices?filter%5Bstatus%5D=paid,sent&sort=-amount&per_page=25&metadata=1"
    "/orders?filter%5Bcustomer_country%5D=DE&sort=customer_name,-total&page=3"
    "/customers?filter%5Bname%5D%5Bcontains%5D=ann&sort=-credit_limit&per_page=50"
)

# One wrk run: "requests/s p50 p99 non-2xx" (latencies in ms).
run() {
    local conns=$1 url=$2 threads=2
    [[ $conns -lt 2 ]] && threads=1
    wrk -t"$threads" -c"$conns" -d"$DURATION" --timeout 10s --latency \
        -H 'Authorization: Bearer admin-token' "$BASE$url" 2>&1 | awk '
        function ms(v) {
            if (v ~ /us$/) { sub(/us$/, "", v); return v / 1000 }
            if (v ~ /ms$/) { sub(/ms$/, "", v); return v + 0 }
            if (v ~ /s$/)  { sub(/s$/, "", v);  return v * 1000 }
            return v
        }
        $1 == "50%" { p50 = ms($2) }
        $1 == "99%" { p99 = ms($2) }
        /^Requests\/sec:/ { rps = $2 }
        /Non-2xx or 3xx responses:/ { bad = $NF }
        / requests in / { total = $1 }
        /Socket errors:/ { sub(/^ *Socket errors: */, ""); gsub(/, /, ","); gsub(/ /, "="); errors = $0 }
        END { printf "%s %.2f %.2f %d %d %s\n", rps, p50, p99, bad + 0, total + 0, (errors == "" ? "none" : errors) }'
}

echo "# Demo server under load: $ROWS customers, wrk -d$DURATION, loopback, $(nproc) cores"
echo
echo "| request | connections | requests/s | p50 ms | p99 ms | non-2xx |"
echo "|---|---|---|---|---|---|"
for url in "${URLS[@]}"; do
    for conns in 2 64; do
        read -r rps p50 p99 bad _ _ < <(run "$conns" "$url")
        echo "| \`$url\` | $conns | $rps | $p50 | $p99 | $bad |"
    done
done
read -r rps p50 p99 bad total errors < <(run 512 "${URLS[0]}")
echo "| \`${URLS[0]}\` | 512 (limit 256) | $rps | $p50 | $p99 | $bad of $total |"
echo
echo "Socket errors at 512 connections (wrk): $errors."
echo
echo "Over the connection limit the server answers 503 with Retry-After at once and"
echo "closes the connection; the requests it accepts keep their latency."

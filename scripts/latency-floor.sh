#!/usr/bin/env bash
# The loaded latency of the peer harnesses' load runs (wrk -t2 -c16, one URL
# at a time) against servers that do no work per request, beside the demo's
# five URLs: what the machine and wrk add to every p99 whatever the server
# (docs/performance.md, "Loaded p99 against the machine's floor").
#
#   bash scripts/latency-floor.sh DB [ROUNDS] [DURATION]
#
# e.g. on the 2,000-invoice file the harnesses seed:
#   bash scripts/latency-floor.sh /tmp/peer-drf-data/rows-1000/listquery.sqlite3 3 10s
#
# Rows, medians over ROUNDS interleaved rounds (default 3 of 10s):
# - nginx (when installed): the demo's page-1 JSON as a static file, 2 workers;
# - the demo answering 401 (no token: no database, no envelope);
# - the demo's five URLs of the harnesses, the deep page at last_page/2.
# Needs wrk, curl and `cargo build --release --example server`; listens on
# 127.0.0.1:18510-18511 and works in a temporary directory.
set -euo pipefail
db=$1; rounds=${2:-3}; duration=${3:-10s}
server=${LISTQUERY_SERVER:-target/release/examples/server}
work=$(mktemp -d)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    [[ -f $work/nginx.pid ]] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

# A copy, so that the server's read-only connections never touch the original.
cp "$db" "$work/demo.sqlite3"
"$server" --db "$work/demo.sqlite3" --addr 127.0.0.1:18510 >"$work/server.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do curl -s -o /dev/null http://127.0.0.1:18510/ && break; sleep 0.2; done
get() { curl -sf -H 'Authorization: Bearer admin-token' "http://127.0.0.1:18510$1"; }
last_page=$(get '/invoices?sort=-amount' | python3 -c 'import json, sys; print(json.load(sys.stdin)["last_page"])')

targets=()
if command -v nginx >/dev/null 2>&1; then
    mkdir -p "$work/www" "$work/logs"
    get /invoices >"$work/www/invoices.json"
    cat >"$work/nginx.conf" <<EOF
worker_processes 2;
pid $work/nginx.pid;
error_log $work/logs/error.log;
events { worker_connections 1024; }
http {
    access_log off;
    server {
        listen 127.0.0.1:18511;
        root $work/www;
        location / { default_type application/json; }
    }
}
EOF
    nginx -c "$work/nginx.conf" -p "$work"
    targets+=("nginx: static page-1 JSON|http://127.0.0.1:18511/invoices.json|")
else
    echo "nginx is not installed: no static-file row" >&2
fi
targets+=("demo: 401, no token|http://127.0.0.1:18510/invoices|none")
for url in '/invoices' \
    '/invoices?filter%5Bstatus%5D=paid,sent&sort=-created_at&page=2&per_page=15' \
    '/invoices?filter%5Bamount%5D%5Bgte%5D=100&sort=-amount&page=3' \
    '/orders?sort=-placed_on&page=1&per_page=50' \
    "/invoices?sort=-amount&page=$((last_page / 2))"; do
    targets+=("demo: $url|http://127.0.0.1:18510$url|admin-token")
done

# One wrk run: "req/s p50_ms p99_ms".
run() {
    local url=$1 token=$2 out
    local auth=()
    [[ $token == admin-token ]] && auth=(-H "Authorization: Bearer $token")
    out=$(wrk -t2 -c16 -d"$duration" --latency "${auth[@]}" "$url")
    ms() { awk -v k="$1" '$1 == k { v = $2; if (v ~ /us$/) { sub(/us/, "", v); v /= 1000 } else if (v ~ /ms$/) { sub(/ms/, "", v) } else if (v ~ /s$/) { sub(/s/, "", v); v *= 1000 } print v }'; }
    echo "$(awk '/Requests\/sec/ {print $2}' <<<"$out") $(ms 50% <<<"$out") $(ms 99% <<<"$out")"
}

declare -A results
for round in $(seq "$rounds"); do
    for i in "${!targets[@]}"; do
        IFS='|' read -r name url token <<<"${targets[$i]}"
        measured=$(run "$url" "$token")
        results[$i]+="$measured;"
        echo "round $round: $name: $measured (req/s, p50 ms, p99 ms)" >&2
    done
done

echo "| server and URL (wrk -t2 -c16 -d$duration, median of $rounds) | req/s | p50 ms | p99 ms | p99 ÷ p50 | p99 − p50 ms |"
echo "|---|---:|---:|---:|---:|---:|"
for i in "${!targets[@]}"; do
    IFS='|' read -r name _ _ <<<"${targets[$i]}"
    tr ';' '\n' <<<"${results[$i]}" | sed '/^$/d' | python3 -c '
import statistics, sys
runs = [list(map(float, line.split())) for line in sys.stdin]
rps, p50, p99 = (statistics.median(r[k] for r in runs) for k in range(3))
print(f"| {sys.argv[1]} | {rps:,.0f} | {p50:.2f} | {p99:.2f} | {p99 / p50:.1f} | {p99 - p50:.2f} |")
' "$name"
done

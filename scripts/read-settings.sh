#!/usr/bin/env bash
# The demo server's SQLite read settings and pool size, measured with wrk on
# the five URLs of the peer harnesses (docs/performance.md, "SQLite reads").
#
#   bash scripts/read-settings.sh DB POOL_SIZES CONNECTIONS DURATION DEEP_URL [FLAGS...]
#
# e.g. on the 400,000-invoice file the harnesses seed:
#   bash scripts/read-settings.sh /tmp/peer-drf-data/rows-200000/listquery.sqlite3 "2 4" 4 6s \
#       '/invoices?sort=-amount&page=13333' --sqlite-mmap-mib 0
# Prints, per pool size, requests/s and p50/p99 of each URL. Needs wrk and
# `cargo build --release -p listquery-demo`; runs the server on 127.0.0.1:18500.
set -euo pipefail
db=$1; sizes=$2; conns=$3; duration=$4; deep=$5; shift 5
server=${LISTQUERY_SERVER:-target/release/listquery-demo}
urls=('/invoices'
      '/invoices?filter%5Bstatus%5D=paid,sent&sort=-created_at&page=2&per_page=15'
      '/invoices?filter%5Bamount%5D%5Bgte%5D=100&sort=-amount&page=3'
      '/orders?sort=-placed_on&page=1&per_page=50'
      "$deep")
for size in $sizes; do
    "$server" --db "$db" --addr 127.0.0.1:18500 --pool-size "$size" "$@" >/dev/null 2>&1 &
    pid=$!
    trap 'kill $pid 2>/dev/null' EXIT
    for _ in $(seq 50); do curl -s -o /dev/null http://127.0.0.1:18500/ && break; sleep 0.2; done
    line="pool $size:"
    for url in "${urls[@]}"; do
        out=$(wrk -t2 -c"$conns" -d"$duration" --latency -H 'Authorization: Bearer admin-token' "http://127.0.0.1:18500$url")
        rps=$(awk '/Requests\/sec/ {print int($2)}' <<<"$out")
        p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
        p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
        line="$line | $rps $p50/$p99"
    done
    echo "$line"
    kill "$pid"; wait "$pid" 2>/dev/null || true
done

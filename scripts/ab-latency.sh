#!/usr/bin/env bash
# Single-connection latency of two builds of the demo server, alternated
# (docs/performance.md): the way to tell whether a change made a request
# slower on a machine whose speed drifts from minute to minute.
#
#   bash scripts/ab-latency.sh A_BINARY B_BINARY DB ROUNDS DURATION URL...
#
# e.g. the server of an earlier commit against the current one:
#   git worktree add /tmp/lq-before HEAD~3 && (cd /tmp/lq-before &&
#       CARGO_TARGET_DIR=/tmp/lq-before-target cargo build --release --example server)
#   cargo build --release --example server
#   bash scripts/ab-latency.sh /tmp/lq-before-target/release/examples/server \
#       target/release/examples/server /tmp/peer-drf-data/rows-200000/listquery.sqlite3 5 5s \
#       /invoices '/orders?sort=-placed_on&page=1&per_page=50'
# Each round runs every URL on A, then on B (wrk -t1 -c1), each server on its
# own port; prints the median p50 and p99 of each, in ms. Needs wrk and curl;
# listens on 127.0.0.1:18530-18531.
set -euo pipefail
a=$1; b=$2; db=$3; rounds=$4; duration=$5; shift 5
urls=("$@")
"$a" --db "$db" --addr 127.0.0.1:18530 >/dev/null 2>&1 &
pid_a=$!
"$b" --db "$db" --addr 127.0.0.1:18531 >/dev/null 2>&1 &
pid_b=$!
trap 'kill $pid_a $pid_b 2>/dev/null || true' EXIT
for port in 18530 18531; do
    for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.2; done
done

# One run: "p50_ms p99_ms".
run() {
    wrk -t1 -c1 -d"$duration" --latency -H 'Authorization: Bearer admin-token' "$1" |
        awk '$1 == "50%" || $1 == "99%" { v = $2
            if (v ~ /us$/) { sub(/us/, "", v); v /= 1000 } else if (v ~ /ms$/) { sub(/ms/, "", v) }
            else if (v ~ /s$/) { sub(/s/, "", v); v *= 1000 }
            printf "%s ", v } END { print "" }'
}

declare -A runs
for round in $(seq "$rounds"); do
    for url in "${urls[@]}"; do
        runs["A $url"]+="$(run "http://127.0.0.1:18530$url");"
        runs["B $url"]+="$(run "http://127.0.0.1:18531$url");"
        echo "round $round: $url done" >&2
    done
done

echo "| URL (wrk -t1 -c1 -d$duration, median of $rounds alternated) | A p50 / p99 ms | B p50 / p99 ms |"
echo "|---|---|---|"
for url in "${urls[@]}"; do
    line="| \`$url\` |"
    for side in A B; do
        line+=" $(tr ';' '\n' <<<"${runs["$side $url"]}" | sed '/^ *$/d' | python3 -c '
import statistics, sys
runs = [list(map(float, line.split())) for line in sys.stdin]
print(f"{statistics.median(r[0] for r in runs):.2f} / {statistics.median(r[1] for r in runs):.2f}")') |"
    done
    echo "$line"
done

#!/usr/bin/env bash
# Requests/s of the demo server as wrk's connections grow, in interleaved
# rounds (docs/performance.md, "More connections").
#
#   bash scripts/connections.sh DB ROUNDS DURATION URL...
#
# e.g. on the 400,000-invoice file the harnesses seed:
#   bash scripts/connections.sh /tmp/peer-drf-data/rows-200000/listquery.sqlite3 3 5s \
#       '/invoices?sort=-amount&page=13333' \
#       '/invoices?filter%5Bstatus%5D=paid,sent&sort=-created_at&page=2&per_page=15' \
#       /invoices
# Prints one table row per URL: the median requests/s at 1, 2, 4, 8 and 16
# connections, then every round's figures. Each round runs every URL at every
# count once, so a slow minute of the machine falls on all of them. Needs wrk
# and `cargo build --release --example server`; listens on 127.0.0.1:18520.
set -euo pipefail
db=$1; rounds=$2; duration=$3; shift 3
urls=("$@")
counts=(1 2 4 8 16)
server=${LISTQUERY_SERVER:-target/release/examples/server}
"$server" --db "$db" --addr 127.0.0.1:18520 >/dev/null 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -s -o /dev/null http://127.0.0.1:18520/ && break; sleep 0.2; done

declare -A runs
for round in $(seq "$rounds"); do
    for url in "${urls[@]}"; do
        for c in "${counts[@]}"; do
            threads=2; [[ $c -lt 2 ]] && threads=1
            rps=$(wrk -t"$threads" -c"$c" -d"$duration" -H 'Authorization: Bearer admin-token' \
                "http://127.0.0.1:18520$url" | awk '/Requests\/sec/ {print int($2)}')
            runs["$url $c"]+="$rps "
            echo "round $round: c$c $url: $rps req/s" >&2
        done
    done
done

median() { tr ' ' '\n' | sed '/^$/d' | sort -n | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : int((v[NR / 2] + v[NR / 2 + 1]) / 2)}'; }
echo "| URL (median of $rounds, wrk -d$duration) | c1 | c2 | c4 | c8 | c16 |"
echo "|---|---:|---:|---:|---:|---:|"
for url in "${urls[@]}"; do
    line="| \`$url\` |"
    for c in "${counts[@]}"; do line+=" $(median <<<"${runs["$url $c"]}") |"; done
    echo "$line"
done
echo
for url in "${urls[@]}"; do
    for c in "${counts[@]}"; do echo "$url c$c: ${runs["$url $c"]}"; done
done

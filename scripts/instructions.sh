#!/usr/bin/env bash
# The instruction-count budget (scripts/test.sh runs it after `cargo test`).
#
# Builds benches/pipeline.rs and runs each workload named in
# benches/instruction_budget.txt under `valgrind --tool=callgrind`, in the
# bench's fixed-iteration mode (LISTQUERY_BENCH_ITERATIONS="WORKLOAD=N"), at two
# iteration counts: their difference per iteration is the instructions per
# request, with start-up and setup cancelled out. callgrind counts exactly, so
# the budget holds on any machine; each budget is a measured count × 1.3, and a
# workload over its budget fails the run.
#
# Every run prints this run's counts × 1.3 in the budget file's format;
# `--write` rewrites the file with them (after a deliberate change of cost; a
# workload the bench no longer offers is dropped from the file).
#
# valgrind missing: with CI=true, as root, it is installed with apt-get (not
# root: the run fails); locally the check is skipped and says so.
set -euo pipefail

cd "$(dirname "$0")/.."
BUDGET_FILE=benches/instruction_budget.txt
LOW=50
HIGH=250
CI="${CI:-false}"
is_ci() { [[ "$CI" == "true" || "$CI" == "1" ]]; }
log() { printf 'instructions.sh: %s\n' "$*" >&2; }

write=""
case "${1:-}" in
    "") ;;
    --write) write=1 ;;
    *) log "usage: scripts/instructions.sh [--write]"; exit 2 ;;
esac

if ! command -v valgrind >/dev/null 2>&1; then
    if ! is_ci; then
        log "SKIP: valgrind is not installed: the instruction budget was NOT checked"
        exit 0
    fi
    if [[ $(id -u) -ne 0 ]]; then
        log "FAIL: valgrind is not installed and this is not root: cannot install it"
        exit 1
    fi
    log "installing valgrind with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends valgrind >/dev/null
fi

# Workload names and budgets: `WORKLOAD=BUDGET`, as the bench's own spec.
workloads=()
budgets=()
while IFS= read -r line; do
    [[ -z "${line// /}" || $line == \#* ]] && continue
    workloads+=("${line%=*}")
    budgets+=("${line##*=}")
done <"$BUDGET_FILE"

log "building the bench (cargo bench --bench pipeline --no-run)"
bench="$(cargo bench --bench pipeline --no-run --message-format=json |
    grep -o '"executable":"[^"]*/pipeline-[^"/]*"' | tail -1 | sed 's/^"executable":"//; s/"$//')"
if [[ -z "$bench" || ! -x "$bench" ]]; then
    log "FAIL: no bench binary (run: cargo bench --bench pipeline --no-run)"
    exit 1
fi

# Instructions of one fixed-iteration run of workload $1, $2 times.
collected() {
    local out
    if ! out="$(LISTQUERY_BENCH_ITERATIONS="$1=$2" valgrind --tool=callgrind \
        --callgrind-out-file=/dev/null "$bench" 2>&1)"; then
        printf '%s\n' "$out" | sed -n '/panicked at/{p;n;p;q}' >&2
        return 1
    fi
    printf '%s\n' "$out" | sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}

failed=0
refreshed=()
printf '%-46s %22s %10s %6s\n' workload instructions/request budget ratio
for i in "${!workloads[@]}"; do
    workload="${workloads[$i]}"
    budget="${budgets[$i]}"
    if ! low="$(collected "$workload" "$LOW")" || ! high="$(collected "$workload" "$HIGH")" ||
        [[ -z "$low" || -z "$high" ]]; then
        log "FAIL: the bench cannot run '$workload' (renamed or removed? edit $BUDGET_FILE)"
        failed=1
        continue
    fi
    per_request=$(((high - low) / (HIGH - LOW)))
    refreshed+=("$workload=$(((per_request * 13 + 9) / 10))")
    ratio="$(awk -v m="$per_request" -v b="$budget" 'BEGIN { printf "%.2f", m / b }')"
    verdict=""
    if ((per_request > budget)); then
        verdict="  OVER BUDGET"
        failed=1
    fi
    printf '%-46s %22d %10d %6s%s\n' "$workload" "$per_request" "$budget" "$ratio" "$verdict"
done

printf '\nThis run as budget lines (count x 1.3), for %s:\n' "$BUDGET_FILE"
printf '%s\n' "${refreshed[@]}"
if [[ -n $write ]]; then
    {
        sed -n '/^#/p' "$BUDGET_FILE"
        printf '%s\n' "${refreshed[@]}"
    } >"$BUDGET_FILE.new"
    mv "$BUDGET_FILE.new" "$BUDGET_FILE"
    log "wrote $BUDGET_FILE"
elif ((failed)); then
    log "FAIL: a workload is over its budget or could not run (a deliberate change: scripts/instructions.sh --write)"
    exit 1
fi

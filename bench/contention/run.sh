#!/usr/bin/env bash
# SQLite contention benchmark (issue 25, item 2).
#
#   [WRITERS=4] [READERS=4] bench/contention/run.sh [ROWS] [BASE_COMMIT]     # defaults: 100000 f0ac1ad
#
# Builds ssgk twice — BASE_COMMIT (from a temporary git worktree: the hub before the SQLite
# writer queue) and this tree — loads the demo data once into a SQLite data directory and gives
# each build its own copy. For each build: starts `ssgk serve`, uploads a generated file of ROWS
# new targets through GraphQL importFile, and while the import runs keeps 4 clients creating
# targets (createTarget) and 4 clients reading (WRITERS, READERS) ({ targets { totalCount … } }), one request after
# another (bench/contention/load). Prints the two runs side by side: the import's time and
# outcome, the longest and median createTarget wait and its errors by code, the read p50/p99/max.
set -euo pipefail
ROWS="${1:-100000}"
BASE="${2:-f0ac1ad}"
WRITERS="${WRITERS:-4}" # concurrent createTarget clients
READERS="${READERS:-4}" # concurrent read clients
cd "$(dirname "$0")/../.."
ROOT="$PWD"
export PATH="/usr/local/go/bin:$PATH"
OUT="$(mktemp -d /tmp/ssgk-bench-contention.XXXXXX)"
# A fixed path for the base tree, so that Go's build cache serves later runs.
SRC="/tmp/ssgk-contention-base-$BASE"
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  git -C "$ROOT" worktree remove --force "$SRC" 2>/dev/null || true
  rm -rf "$OUT"
}
trap cleanup EXIT

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
echo "building $BASE and this tree, generating $ROWS rows…" >&2
git -C "$ROOT" worktree remove --force "$SRC" 2>/dev/null || true
git -C "$ROOT" worktree add --detach "$SRC" "$BASE" >/dev/null 2>&1
(cd "$SRC" && go build -o "$OUT/ssgk-before" ./cmd/ssgk)
go build -o "$OUT/ssgk-after" ./cmd/ssgk
go build -o "$OUT/load" ./bench/contention/load
go run ./tools/officegen -kind targets -rows "$ROWS" -out "$OUT/targets.csv" >/dev/null

echo "loading the demo data…" >&2
DATABASE_URL="" "$OUT/ssgk-before" demo --data-dir "$OUT/demo" >"$OUT/demo.log"
token=$(awk '/部门接口令牌/ {on=1; next} on && $1 == "SCJG" {print $3; exit}' "$OUT/demo.log")
[ -n "$token" ] || { echo "no SCJG token in the demo output" >&2; exit 1; }

port=18411
run() { # $1 = label, $2 = binary
  cp -a "$OUT/demo" "$OUT/data-$1"
  port=$((port + 1))
  DATABASE_URL="" LISTEN_ADDR="127.0.0.1:$port" "$2" serve --data-dir "$OUT/data-$1" >"$OUT/serve-$1.log" 2>&1 &
  local pid=$!
  PIDS+=("$pid")
  for _ in $(seq 1 300); do
    curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
    sleep 0.2
  done
  "$OUT/load" -url "http://127.0.0.1:$port" -token "$token" -file "$OUT/targets.csv" -writers "$WRITERS" -readers "$READERS" >"$OUT/result-$1"
  cat "$OUT/result-$1" >&2
  kill "$pid"; wait "$pid" 2>/dev/null || true
}
run before "$OUT/ssgk-before"
run after "$OUT/ssgk-after"

printf '\nrows=%s writers=%s readers=%s cpu=%s cores %s, base %s\n' "$ROWS" "$WRITERS" "$READERS" "$(nproc)" "$(go version | cut -d' ' -f3)" "$BASE"
printf 'load average before: %s  after: %s\n' "$load_before" "$(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-24s %28s %28s\n' "measure" "before ($BASE)" "after (this tree)"
keys=$(cut -d' ' -f1 "$OUT/result-before" "$OUT/result-after" | awk '!seen[$0]++')
for k in $keys; do
  b=$(awk -v k="$k" '$1 == k {$1 = ""; sub(/^ /, ""); print}' "$OUT/result-before")
  a=$(awk -v k="$k" '$1 == k {$1 = ""; sub(/^ /, ""); print}' "$OUT/result-after")
  printf '%-24s %28s %28s\n' "$k" "${b:--}" "${a:--}"
done

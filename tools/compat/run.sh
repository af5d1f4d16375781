#!/usr/bin/env bash
# Compatibility of stored evidence across a refactoring: the demo year written by an older tree
# (BASE, default f0ac1ad — main before issue 24 moved payloads to typed structs and the row
# encodings into one) is checked by the current tree's verifiers. A pass proves that the current
# code computes byte-identical audit row digests, event hashes, ledger leaves (each recomputed
# from its publication row) and publication payloads (each decodes into today's typed struct and
# encodes back to the stored bytes: TestCompat_PayloadsWrittenByAnOlderTree) for data it did not
# write.
#
#   tools/compat/run.sh [BASE]          # SQLite, and PostgreSQL when PG_URL is reachable
#
# PG_URL defaults to postgres://postgres@127.0.0.1:5432; the script creates and drops its own
# database (ssgk_compat_PID) and never stops the cluster.
set -euo pipefail
export PATH="/usr/local/go/bin:$PATH"
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
BASE="${1:-f0ac1ad}"
PG_BASE="${PG_URL:-postgres://postgres@127.0.0.1:5432}"
WORK=$(mktemp -d /tmp/ssgk-compat.XXXXXX)
db="ssgk_compat_$$"
cleanup() {
	git -C "$ROOT" worktree remove --force "$WORK/base" >/dev/null 2>&1 || true
	psql "$PG_BASE/postgres" -qc "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true
	rm -rf "$WORK"
}
trap cleanup EXIT

echo "building the base tree ($BASE) and the current tree…" >&2
git -C "$ROOT" worktree add --detach "$WORK/base" "$BASE" >/dev/null 2>&1
(cd "$WORK/base" && go build -o "$WORK/ssgk-base" ./cmd/ssgk)
go build -o "$WORK/ssgk-now" ./cmd/ssgk

check() { # $1: label, $2: data directory, $3: database URL (empty: SQLite)
	local label=$1 dir=$2 url=$3
	set -- --data-dir "$dir"
	[ -n "$url" ] && set -- "$@" --database-url "$url"
	echo "== $label: demo year written by $BASE"
	"$WORK/ssgk-base" demo "$@" >/dev/null
	echo "== $label: checked by the current tree ($(git -C "$ROOT" rev-parse --short HEAD))"
	"$WORK/ssgk-now" migrate "$@" | tail -1
	"$WORK/ssgk-now" audit verify "$@" 2>/dev/null | tail -1
	"$WORK/ssgk-now" ledger audit "$@" | tail -1
	if ! SSGK_COMPAT_DATA_DIR="$dir" SSGK_COMPAT_DATABASE_URL="$url" \
		go test -count=1 -v -run '^TestCompat_PayloadsWrittenByAnOlderTree$' ./internal/acceptance/ >"$WORK/roundtrip.log" 2>&1; then
		cat "$WORK/roundtrip.log"
		exit 1
	fi
	grep -o '[0-9]* payloads written by the older tree.*' "$WORK/roundtrip.log"
}

check SQLite "$WORK/sqlite" ""
if psql "$PG_BASE/postgres" -qc "CREATE DATABASE $db" >/dev/null 2>&1; then
	check PostgreSQL "$WORK/pg" "$PG_BASE/$db?sslmode=disable"
else
	echo "== PostgreSQL: $PG_BASE not reachable, skipped"
fi
echo "compatible: every digest, hash, leaf and payload written by $BASE is recomputed identically"

#!/usr/bin/env bash
# Fault injection (issue 25): no acknowledged write lost or duplicated, every error coded, every
# database verifies afterwards — on SQLite and on PostgreSQL.
#
#   bench/faults/run.sh                       # every scenario on both databases
#   bench/faults/run.sh sqlite|postgres       # one database
#   bench/faults/run.sh postgres pg-outage    # some scenarios (any order): import-kill serve-kill
#                                             # serve-term pg-outage disk-full
#
# Scenarios (each on a fresh copy of a demo database):
#   import-kill  `ssgk import targets` of a generated CSV (IMPORT_ROWS, default 20000) killed with
#                SIGKILL at 25, 50 and 90 % of the time the CSV is open (measured by a timed run
#                to the end) and the moment it is closed (every row written; the commit follows);
#                after each kill the targets table holds all the rows or none, and `ssgk audit
#                verify` and `ssgk ledger audit` pass; then the import is run again to the end
#                (acknowledged) and must have added exactly the file's rows.
#   serve-kill   `ssgk serve` killed with SIGKILL three times while 4 clients create targets (with
#                a library) and publish results, every request with an Idempotency-Key and sent
#                again, unchanged, until acknowledged; then acknowledged vs present rows.
#   serve-term   the same with SIGTERM (graceful shutdown).
#   pg-outage    PostgreSQL stopped (immediate mode) for OUTAGE_SECONDS (10) during the stream:
#                every error coded (UNAVAILABLE …), none UNAUTHENTICATED, nothing acknowledged lost.
#   disk-full    SQLite on a 40 MB tmpfs filled up during the stream and an import: errors coded
#                DISK_FULL; then space freed: the same hub takes writes again, the database
#                verifies and the hub restarts on it.
#
# PostgreSQL runs in a cluster of its own made here (15/faults on port 5499, trust auth) and
# dropped on exit — the machine's main cluster is never touched. Needs root (tmpfs, clusters).
# Prints one table; exits 1 when anything was lost, duplicated or uncoded, or did not verify.
# Knobs: IMPORT_ROWS, STREAM_SECONDS (24), OUTAGE_SECONDS (10), FAULTS_PORT (18479),
# PUBLISH_PER_STRATUM (25: 100 results to publish), KEEP_OUT=1 (keep the logs), SSGK_BIN (use a
# binary built already from this tree instead of building).
set -uo pipefail
cd "$(dirname "$0")/../.."
export PATH="/usr/local/go/bin:/usr/lib/postgresql/15/bin:$PATH"

DBS=()
SCENARIOS=()
for a in "$@"; do
	case "$a" in
	sqlite | postgres) DBS+=("$a") ;;
	all) ;;
	import-kill | serve-kill | serve-term | pg-outage | disk-full) SCENARIOS+=("$a") ;;
	*) echo "unknown argument $a (sqlite|postgres|import-kill|serve-kill|serve-term|pg-outage|disk-full)" >&2; exit 2 ;;
	esac
done
[ ${#DBS[@]} -eq 0 ] && DBS=(sqlite postgres)
[ ${#SCENARIOS[@]} -eq 0 ] && SCENARIOS=(import-kill serve-kill serve-term pg-outage disk-full)

IMPORT_ROWS="${IMPORT_ROWS:-20000}"
STREAM_SECONDS="${STREAM_SECONDS:-24}"
OUTAGE_SECONDS="${OUTAGE_SECONDS:-10}"
PORT="${FAULTS_PORT:-18479}"
PG_PORT=5499
PG_CLUSTER=faults
PG_BASE="postgres://postgres@127.0.0.1:$PG_PORT"
OUT="$(mktemp -d /tmp/ssgk-faults.XXXXXX)"
BIN="$OUT/bin"
HUB_PID=""
STREAM_PID=""
MOUNTS=()
PG_MADE=""
RESULTS="$OUT/results.tsv"
: >"$RESULTS"

log() { echo "[$(date +%H:%M:%S)] $*" >&2; }

cleanup() {
	set +e
	[ -n "$STREAM_PID" ] && kill "$STREAM_PID" 2>/dev/null
	[ -n "$HUB_PID" ] && kill -9 "$HUB_PID" 2>/dev/null
	for m in "${MOUNTS[@]}"; do umount "$m" 2>/dev/null; done
	if [ -n "$PG_MADE" ]; then
		pg_dropcluster --stop 15 "$PG_CLUSTER" >/dev/null 2>&1
	fi
	if [ -z "${KEEP_OUT:-}" ]; then rm -rf "$OUT"; else log "kept $OUT"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------------------------------------
# A fresh Debian machine: root for the tmpfs and the cluster, the tools from Debian packages.
[ "$(id -u)" -eq 0 ] || { echo "run as root (tmpfs mount, PostgreSQL cluster of its own)" >&2; exit 2; }
need=()
command -v jq >/dev/null || need+=(jq)
command -v curl >/dev/null || need+=(curl)
command -v column >/dev/null || need+=(bsdextrautils)
if [[ " ${DBS[*]} " == *" postgres "* ]] && ! command -v pg_createcluster >/dev/null; then need+=(postgresql-15); fi
if [ ${#need[@]} -gt 0 ]; then
	echo "installing ${need[*]} (Debian)" >&2
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null || exit 1
fi

log "output in $OUT; load average $(cut -d' ' -f1-3 /proc/loadavg); building ssgk and the client…"
mkdir -p "$BIN"
if [ -n "${SSGK_BIN:-}" ]; then # a binary built already (of this tree)
	cp "$SSGK_BIN" "$BIN/ssgk"
else
	go build -o "$BIN/ssgk" ./cmd/ssgk || exit 1
fi
go build -o "$BIN/client" ./bench/faults/client || exit 1
go run ./tools/officegen -kind targets -rows "$IMPORT_ROWS" -out "$OUT/targets.csv" >/dev/null || exit 1
CSV_SIZE=$(stat -c %s "$OUT/targets.csv")
SSGK="$BIN/ssgk"
CLIENT="$BIN/client"

pg_up() {
	if [[ " ${DBS[*]} " != *" postgres "* ]]; then return; fi
	if pg_lsclusters -h | awk '{print $1"/"$2}' | grep -qx "15/$PG_CLUSTER"; then
		log "dropping a leftover cluster 15/$PG_CLUSTER"
		pg_dropcluster --stop 15 "$PG_CLUSTER"
	fi
	log "creating PostgreSQL cluster 15/$PG_CLUSTER on port $PG_PORT"
	pg_createcluster 15 "$PG_CLUSTER" --port "$PG_PORT" -- --auth-local=trust --auth-host=trust >/dev/null || exit 1
	PG_MADE=1
	pg_ctlcluster 15 "$PG_CLUSTER" start || exit 1
}

# template DB: demo data, a DEPT_ADMIN and an APPROVER token of 市场监管局, a CREDIT_CENTER token of 发改局 and 100 approved results
# to publish (bench/faults/client setup), copied for every scenario.
TOKEN=""
make_template() { # $1 = db
	local dir="$OUT/tpl-$1" url=""
	if [ "$1" = postgres ]; then
		psql "$PG_BASE/postgres" -qc "CREATE DATABASE tpl" || exit 1
		url="$PG_BASE/tpl?sslmode=disable"
	fi
	DATABASE_URL="$url" "$SSGK" demo --data-dir "$dir" >/dev/null 2>"$OUT/demo-$1.log" || { cat "$OUT/demo-$1.log"; exit 1; }
	DATABASE_URL="$url" "$SSGK" admin token create --department SCJG --name 故障注入 --roles DEPT_ADMIN --data-dir "$dir" | tail -1 >"$dir/token"
	DATABASE_URL="$url" "$SSGK" admin token create --department SCJG --name 故障注入公示 --roles APPROVER --data-dir "$dir" | tail -1 >"$dir/token.approver"
	DATABASE_URL="$url" "$SSGK" admin token create --department FG --name 故障注入变更流 --roles CREDIT_CENTER --data-dir "$dir" | tail -1 >"$dir/token.feed"
	# approved results for the publication streams
	"$CLIENT" setup -database-url "$url" -data-dir "$dir" -per-stratum "${PUBLISH_PER_STRATUM:-25}" -out "$dir/publish.txt" 2>>"$OUT/demo-$1.log" ||
		{ cat "$OUT/demo-$1.log"; exit 1; }
}

# fresh_db DB NAME → sets DIR and URL: a copy of the template.
DIR=""
URL=""
fresh_db() {
	DIR="$OUT/$2-$1"
	rm -rf "$DIR"
	cp -a "$OUT/tpl-$1" "$DIR"
	URL=""
	if [ "$1" = postgres ]; then
		psql "$PG_BASE/postgres" -qc "DROP DATABASE IF EXISTS \"$2\" WITH (FORCE)" 2>/dev/null
		psql "$PG_BASE/postgres" -qc "CREATE DATABASE \"$2\" TEMPLATE tpl" || exit 1
		URL="$PG_BASE/$2?sslmode=disable"
	fi
	TOKEN=$(cat "$DIR/token")
}

dsn() { if [ -n "$URL" ]; then echo "$URL"; else echo "$DIR/ssgk.db"; fi; }

start_hub() {
	DATABASE_URL="$URL" SHUTDOWN_TIMEOUT=30s "$SSGK" serve --data-dir "$DIR" --listen "127.0.0.1:$PORT" >>"$DIR/serve.log" 2>&1 &
	HUB_PID=$!
	for _ in $(seq 1 300); do
		curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && return 0
		kill -0 "$HUB_PID" 2>/dev/null || break
		sleep 0.2
	done
	log "hub did not start"; tail -5 "$DIR/serve.log" >&2
	return 1
}

stop_hub() { # $1 = signal
	[ -z "$HUB_PID" ] && return
	kill -"$1" "$HUB_PID" 2>/dev/null
	wait "$HUB_PID" 2>/dev/null
	HUB_PID=""
}

# verify: ssgk audit verify and ssgk ledger audit on the scenario's database.
verify() {
	DATABASE_URL="$URL" "$SSGK" audit verify --data-dir "$DIR" >>"$DIR/verify.log" 2>&1 &&
		DATABASE_URL="$URL" "$SSGK" ledger audit --data-dir "$DIR" >>"$DIR/verify.log" 2>&1
}

count_targets() { "$CLIENT" query -db "$(dsn)" "SELECT count(*) FROM targets"; }

# row SCENARIO DB ACKED LOST DUP UNCODED VERIFY NOTE
row() { printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >>"$RESULTS"; }

# uncoded_lines FILE: error lines of the CLI without 错误 [CODE].
uncoded_lines() { grep -a '错误' "$1" | grep -avc '错误 \[[A-Z_]*\]'; }

# ---------------------------------------------------------------------------------------------
# import-kill
# import_run MODE [SCALE]: MODE = calibrate (to the end: sets IMP_OPEN, IMP_CLOSE and IMP_T, the
# times in ms at which the CSV was opened and closed and the import exited), a percentage
# (SIGKILL that far, times SCALE/100, through the time the file is open — the rows being checked
# and written), or commit (SIGKILL SCALE/100 ms after the file was closed: every row is written,
# the job record and the commit follow within milliseconds). The watching is done by
# `client killwatch`, polling /proc/PID/fd every millisecond. What happened is in IMP_SEEN, the
# exit status of the import in IMP_RC.
IMP_T=0
IMP_OPEN=0
IMP_CLOSE=0
IMP_RC=0
IMP_SEEN=""
import_run() {
	local pid w scale=${2:-100} args=()
	case "$1" in
	calibrate) ;;
	commit) args=(-after-close $((scale / 100))) ;;
	*) args=(-after-open $(((IMP_CLOSE - IMP_OPEN) * $1 * scale / 10000))) ;;
	esac
	DATABASE_URL="$URL" "$SSGK" import targets "$OUT/targets.csv" --department SCJG --data-dir "$DIR" >"$DIR/import.$1.log" 2>&1 &
	pid=$!
	w=$("$CLIENT" killwatch -pid "$pid" -file "$OUT/targets.csv" "${args[@]}")
	wait "$pid" 2>/dev/null
	IMP_RC=$?
	local open close killed end
	eval "$(echo "$w" | tr ' ' '\n' | sed 's/^/local /')"
	if [ "$1" = calibrate ]; then
		IMP_T=$end IMP_OPEN=$open IMP_CLOSE=$close
		[ "$close" -lt 0 ] && IMP_CLOSE=$end
		IMP_SEEN="ran $end ms, file open $open–$close ms, rc $IMP_RC"
	elif [ "$IMP_RC" -eq 0 ]; then
		IMP_SEEN="finished before the kill"
	else
		IMP_SEEN="killed at $killed ms"
		[ "$close" -ge 0 ] && IMP_SEEN+=", $((killed - close)) ms after the file was closed"
	fi
	echo "$IMP_SEEN ($w)" >>"$DIR/import.$1.log"
}

scenario_import_kill() { # $1 = db
	local before after phase seen ladder scale ok=yes note="" uncoded=0 acked=0 lost=0 dup=0
	# calibration: imports to the end, timed (acknowledged imports); the second, warm one counts
	for _ in 1 2; do
		fresh_db "$1" import_cal
		before=$(count_targets)
		import_run calibrate
		seen=$IMP_SEEN
		after=$(count_targets)
		if [ "$IMP_RC" -eq 0 ]; then acked=$((acked + 1)); else ok=no; note+="calibration failed; "; fi
		[ "$after" -lt $((before + IMPORT_ROWS)) ] && lost=$((lost + before + IMPORT_ROWS - after))
		[ "$after" -gt $((before + IMPORT_ROWS)) ] && dup=$((dup + after - before - IMPORT_ROWS))
		uncoded=$((uncoded + $(uncoded_lines "$DIR/import.calibrate.log")))
	done
	note+="full import: $seen; "
	for phase in 25 50 90 commit; do
		# a kill that came too late (the machine is shared, times vary) is tried again earlier
		ladder="100 70 40"
		[ "$phase" = commit ] && ladder="0 0 0"
		for scale in $ladder; do
			fresh_db "$1" "import_$phase"
			before=$(count_targets)
			import_run "$phase" "$scale"
			seen=$IMP_SEEN
			[ "$IMP_RC" -eq 0 ] || break
			note+="($phase finished before the kill at ${scale}%, again earlier) "
		done
		after=$(count_targets)
		if [ "$after" -eq "$before" ]; then
			note+="$phase: none ($seen); "
		elif [ "$after" -eq $((before + IMPORT_ROWS)) ]; then
			note+="$phase: all ($seen); "
		else
			note+="$phase: HALF-APPLIED $((after - before)) rows ($seen); "
			ok=no
		fi
		uncoded=$((uncoded + $(uncoded_lines "$DIR/import.$phase.log")))
		verify || { ok=no; note+="verify failed after $phase; "; }
		# the same file again, to the end: acknowledged, so every row present once.
		if DATABASE_URL="$URL" "$SSGK" import targets "$OUT/targets.csv" --department SCJG --data-dir "$DIR" >"$DIR/reimport.log" 2>&1; then
			acked=$((acked + 1))
		else
			ok=no; note+="import after $phase failed; "
		fi
		uncoded=$((uncoded + $(uncoded_lines "$DIR/reimport.log")))
		after=$(count_targets)
		[ "$after" -lt $((before + IMPORT_ROWS)) ] && lost=$((lost + before + IMPORT_ROWS - after))
		[ "$after" -gt $((before + IMPORT_ROWS)) ] && dup=$((dup + after - before - IMPORT_ROWS))
		verify || { ok=no; note+="verify failed after the re-import ($phase); "; }
		[ "$1" = postgres ] && psql "$PG_BASE/postgres" -qc "DROP DATABASE IF EXISTS \"import_$phase\" WITH (FORCE)" 2>/dev/null
		rm -rf "$DIR"
	done
	row import-kill "$1" "$acked imports × $IMPORT_ROWS rows" "$lost" "$dup" "$uncoded" "$ok" "$note"
}

# ---------------------------------------------------------------------------------------------
# streams: serve-kill, serve-term, pg-outage, disk-full
start_stream() { # $1 = out dir, $2 = seconds, $3 = retry-for
	mkdir -p "$1"
	"$CLIENT" stream -url "http://127.0.0.1:$PORT" -token "$TOKEN" -run "$(basename "$1")" -workers 4 \
		-duration "${2}s" -retry-for "${3:-90}s" -out "$1" -publish "$DIR/publish.txt" -publish-token "$(cat "$DIR/token.approver")" \
		-feed-token "$(cat "$DIR/token.feed")" >"$1/stream.log" 2>&1 &
	STREAM_PID=$!
}

wait_stream() {
	wait "$STREAM_PID"
	local rc=$?
	STREAM_PID=""
	return $rc
}

# stream_row SCENARIO DB OUTDIR NOTE [verify ok]
stream_row() {
	local s="$3/summary.json" c acked lost dup unc ok="${5:-yes}" note="$4" gap
	c=$("$CLIENT" check -db "$(dsn)" -run "$(basename "$3")" -out "$3") || { ok=no; c='{}'; }
	acked=$(jq -r '.acked // 0' "$s" 2>/dev/null || echo 0)
	lost=$(echo "$c" | jq -r '.lost // "?"')
	dup=$(echo "$c" | jq -r '.duplicated // "?"')
	gap=$(echo "$c" | jq -r '.ledgerGapFree')
	unc=$(jq -r '.uncoded + .unauthenticated' "$s" 2>/dev/null || echo "?")
	[ "$gap" = true ] || { ok=no; note+=" ledger-gap"; }
	note+=" $(echo "$c" | jq -r '"(\(.publishAcked) of them publishResult; ledger \(.ledgerLeaves) leaves, gap-free \(.ledgerGapFree))"')"
	note+=" $(jq -r '"change feed read live: \(.feedSeen) changes 0…\(.feedLast), gap-free \(.feedGapFree)"' "$s")"
	[ "$(jq -r .feedGapFree "$s")" = true ] || { ok=no; note+=" FEED-GAP"; }
	note+=" $(jq -r '"replays \(.replays), lost answers \(.transport), coded errors: \(if (.codes|length) == 0 then "none" else (.codes|to_entries|map("\(.key) \(.value)")|join(", ")) end), gave up \(.gaveUp), longest retry \(.maxRetrySeconds|floor) s"' "$s" 2>/dev/null)"
	[ "$(jq -r '.unauthenticated' "$s" 2>/dev/null)" = 0 ] || note+=" UNAUTHENTICATED!"
	# every request is retried until acknowledged: one that never was means the hub did not recover
	[ "$(jq -r '.gaveUp' "$s" 2>/dev/null)" = 0 ] || { ok=no; note+=" REQUESTS-NEVER-ACKNOWLEDGED"; }
	verify || { ok=no; note+=" verify-failed"; }
	row "$1" "$2" "$acked" "$lost" "$dup" "$unc" "$ok" "$note"
}

scenario_serve() { # $1 = db, $2 = KILL|TERM
	local name="serve-$(echo "$2" | tr A-Z a-z)" i
	fresh_db "$1" "serve_$(echo "$2" | tr A-Z a-z)"
	start_hub || { row "$name" "$1" 0 ? ? ? no "hub did not start"; return; }
	start_stream "$DIR/s" "$STREAM_SECONDS"
	for i in 1 2 3; do
		sleep $((STREAM_SECONDS / 4))
		log "$name/$1: SIG$2 $i"
		stop_hub "$2"
		sleep 1
		start_hub || break
	done
	wait_stream
	stop_hub TERM
	stream_row "$name" "$1" "$DIR/s" "3× SIG$2"
}

scenario_pg_outage() {
	fresh_db postgres pg_outage
	start_hub || { row pg-outage postgres 0 ? ? ? no "hub did not start"; return; }
	start_stream "$DIR/s" $((OUTAGE_SECONDS + 14))
	sleep 5
	log "pg-outage: stopping PostgreSQL (immediate) for $OUTAGE_SECONDS s"
	local down up starter
	down=$(date +%s)
	pg_ctlcluster 15 "$PG_CLUSTER" stop -m immediate
	sleep "$OUTAGE_SECONDS"
	pg_ctlcluster 15 "$PG_CLUSTER" start &
	starter=$!
	# down until it accepts connections again (crash recovery after the immediate stop)
	for _ in $(seq 1 600); do pg_isready -q -h 127.0.0.1 -p "$PG_PORT" && break; sleep 0.2; done
	up=$(date +%s)
	wait "$starter"
	log "pg-outage: PostgreSQL back after $((up - down)) s"
	wait_stream
	stop_hub TERM
	stream_row pg-outage postgres "$DIR/s" "PostgreSQL stopped (immediate) $((up - down)) s until it accepted connections again;"
}

scenario_disk_full() {
	local mnt="$OUT/tmpfs" ok=yes note="" unc=0 full free
	mkdir -p "$mnt"
	mount -t tmpfs -o size=40m tmpfs "$mnt" || { row disk-full sqlite 0 ? ? ? no "mount failed"; return; }
	MOUNTS+=("$mnt")
	DIR="$mnt/data"
	URL=""
	cp -a "$OUT/tpl-sqlite" "$DIR"
	TOKEN=$(cat "$DIR/token")
	# leave about 3 MB free: the stream and the import fill it within seconds.
	free=$(df -k --output=avail "$mnt" | tail -1)
	dd if=/dev/zero of="$mnt/ballast" bs=1k count=$((free - 3072)) status=none
	start_hub || { row disk-full sqlite 0 ? ? ? no "hub did not start"; return; }
	start_stream "$OUT/disk_full" 12 5
	sleep 4
	DATABASE_URL= "$SSGK" import targets "$OUT/targets.csv" --department SCJG --data-dir "$DIR" >"$OUT/disk_full/import.log" 2>&1
	local irc=$?
	wait_stream
	full=$(jq -r '.codes.DISK_FULL // 0' "$OUT/disk_full/summary.json")
	grep -aq '错误 \[DISK_FULL\]' "$OUT/disk_full/import.log" && note+="import: DISK_FULL; " || note+="import rc $irc: $(grep -a 错误 "$OUT/disk_full/import.log" | head -1); "
	grep -aq 'cannot rollback' "$OUT/disk_full/import.log" && { ok=no; note+="rollback error text; "; }
	unc=$(uncoded_lines "$OUT/disk_full/import.log")
	note+="stream: $full DISK_FULL answers; "
	[ "$full" -gt 0 ] || note+="(disk never filled?) "
	rm -f "$mnt/ballast"
	# space freed: the same hub, not restarted, takes writes again; then it stops, the database
	# verifies and opens again.
	start_stream "$OUT/disk_full_after" 3 10
	wait_stream
	note+="space freed, same hub: $(jq -r .acked "$OUT/disk_full_after/summary.json") acknowledged; "
	stop_hub TERM
	if start_hub; then note+="restarts; "; stop_hub TERM; else ok=no; note+="hub did not restart; "; fi
	local c c2 lost dup acked
	c=$("$CLIENT" check -db "$DIR/ssgk.db" -run disk_full -out "$OUT/disk_full")
	c2=$("$CLIENT" check -db "$DIR/ssgk.db" -run disk_full_after -out "$OUT/disk_full_after" 2>/dev/null || echo '{"acked":0,"lost":0,"duplicated":0}')
	acked=$(($(echo "$c" | jq .acked) + $(echo "$c2" | jq .acked)))
	lost=$(($(echo "$c" | jq .lost) + $(echo "$c2" | jq .lost)))
	dup=$(($(echo "$c" | jq .duplicated) + $(echo "$c2" | jq .duplicated)))
	unc=$((unc + $(jq '.uncoded + .unauthenticated' "$OUT/disk_full/summary.json") + $(jq '.uncoded + .unauthenticated' "$OUT/disk_full_after/summary.json" 2>/dev/null || echo 0)))
	verify || { ok=no; note+="verify failed"; }
	row disk-full sqlite "$acked" "$lost" "$dup" "$unc" "$ok" "$note"
	umount "$mnt" 2>/dev/null || { sleep 1; umount -l "$mnt"; }
	MOUNTS=()
}

# ---------------------------------------------------------------------------------------------
pg_up
for db in "${DBS[@]}"; do
	log "template database ($db): demo data"
	make_template "$db"
	for sc in "${SCENARIOS[@]}"; do
		case "$sc" in
		import-kill) log "import-kill/$db"; scenario_import_kill "$db" ;;
		serve-kill) log "serve-kill/$db"; scenario_serve "$db" KILL ;;
		serve-term) log "serve-term/$db"; scenario_serve "$db" TERM ;;
		pg-outage) [ "$db" = postgres ] && { log "pg-outage"; scenario_pg_outage; } ;;
		disk-full) [ "$db" = sqlite ] && { log "disk-full"; scenario_disk_full; } ;;
		esac
	done
done

echo
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) cores)"
{
	printf 'scenario\tdatabase\tacknowledged\tlost\tduplicated\tuncoded errors\tverify OK\tnotes\n'
	cat "$RESULTS"
} | column -t -s $'\t' -o ' | '
bad=$(awk -F'\t' '$4 != 0 || $5 != 0 || $6 != 0 || $7 != "yes"' "$RESULTS" | wc -l)
if [ "$bad" -gt 0 ]; then
	echo "FAIL: $bad scenario(s) lost, duplicated, left uncoded or did not verify (logs: KEEP_OUT=1)" >&2
	exit 1
fi
echo "OK: no acknowledged write lost or duplicated, every error coded, every database verified"

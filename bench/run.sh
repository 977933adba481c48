#!/usr/bin/env bash
# The benchmark suite (`make bench`; never part of `make test`).  Each
# benchmark runs minzheng and a plain baseline doing the same work on the same
# machine in one invocation, checks that both produced the same result, and
# prints both times, the ratio, rows (or requests) per second and peak memory.
#
#   bench/run.sh [--persons N] [--seed S] [--only LIST] [--duration SECONDS] [--work DIR]
#                [--store sqlite|postgresql] [--keep] [--reuse]
#
#   --persons   size of the synthetic city (minzheng gen), default 500000
#   --only      comma list of: load, evidence, payroll, verify, api (default: all of them)
#               (the plain-SQL load always runs: it is benchmark 1's baseline and the
#               fixture of the others)
#   --duration  seconds of each wrk run, default 15
#   --work      keep the city, the logs and the plain load's database in DIR (default:
#               a temporary directory, removed at the end)
#   --keep      keep every benchmark's databases too (by default each is removed once its
#               result is checked: at 5 million persons they are several GB each)
#   --reuse     with --work: take the city and the plain load that an earlier run of the same
#               --persons, --seed and --store left in WORK instead of making them again (at
#               5 million persons that saves five minutes); not with benchmark 1, whose
#               baseline is that load
#   --store     the engine of both minzheng and the baselines, default sqlite.
#               postgresql: a throwaway cluster (scripts/pg-cluster.sh) in WORK/pg,
#               stopped and removed at the end; each database of a benchmark is a
#               database of that cluster, the baselines run through psql.
#
# The results go to stdout and to WORK/results.txt, one line per benchmark.
# BENCHMARKS.md records them with the command that produced them.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BIN=$ROOT/build/minzheng
PERSONS=500000
SEED=1
ONLY=load,evidence,payroll,verify,api
DURATION=15
WORK=
KEEP=0
KEEP_DBS=0
REUSE=0
STORE=sqlite
while [ $# -gt 0 ]; do
  case "$1" in
    --persons) PERSONS=$2; shift 2 ;;
    --seed) SEED=$2; shift 2 ;;
    --only) ONLY=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    --work) WORK=$2; KEEP=1; shift 2 ;;
    --keep) KEEP_DBS=1; shift ;;
    --reuse) REUSE=1; shift ;;
    --store) STORE=$2; shift 2 ;;
    *) echo "bench: unknown argument $1" >&2; exit 2 ;;
  esac
done
case "$STORE" in
  sqlite | postgresql) ;;
  *) echo "bench: --store is sqlite or postgresql, not $STORE" >&2; exit 2 ;;
esac
if [ "$REUSE" -eq 1 ] && { [ -z "$WORK" ] || [[ ",$ONLY," == *",load,"* ]] || [ "$STORE" != sqlite ]; }; then
  echo "bench: --reuse needs --work, --only without load, and SQLite" >&2
  exit 2
fi
if [ -z "$WORK" ]; then WORK=$(mktemp -d /tmp/minzheng-bench.XXXXXX); fi
mkdir -p "$WORK"
chmod 755 "$WORK"
export MZ_DATA_DIR=$ROOT/data
RESULTS=$WORK/results.txt
: >"$RESULTS"
PIDS=()
PG_DIR=
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [ -z "$PG_DIR" ] || scripts/pg-cluster.sh stop "$PG_DIR" 2>/dev/null || true
  [ "$KEEP" -eq 1 ] || rm -rf "$WORK"
}
trap cleanup EXIT

want() { [[ ",$ONLY," == *",$1,"* ]]; }
say() { printf '\n== %s\n' "$*"; }

# timed LABEL CMD...: runs CMD, leaving its wall seconds in SECS and peak RSS (KiB) in KB.
timed() {
  local label=$1
  shift
  /usr/bin/time -f '%e %M' -o "$WORK/time.$label" "$@"
  read -r SECS KB <"$WORK/time.$label"
}

# result NAME "minzheng text" "baseline text" "ratio text"
result() {
  printf '%-28s | %-44s | %-44s | %s\n' "$1" "$2" "$3" "$4" | tee -a "$RESULTS"
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }

per_sec() { awk -v n="$1" -v s="$2" 'BEGIN { if (s > 0) printf "%.0f", n / s; else print "n/a" }'; }

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

# The store: every benchmark names its databases (base, import, evidence-mz, …) and these
# helpers map a name to the engine's database — on SQLite the file WORK/NAME.db, on
# PostgreSQL the database NAME ('-' read as '_') of the cluster — and run SQL in it.  The
# baselines' scripts are bench/sql/$SQL_PREFIX-<what>.sql.
if [ "$STORE" = postgresql ]; then
  SQL_PREFIX=pg
  SQL_TOOL=psql
  # A cluster left by an interrupted run is removed first (pg-cluster.sh only removes its own).
  PG_DIR=$WORK/pg
  scripts/pg-cluster.sh stop "$PG_DIR" >/dev/null 2>&1 || true
  PG_URL=$(scripts/pg-cluster.sh start "$PG_DIR" 2>"$WORK/pg-cluster.log") || {
    cat "$WORK/pg-cluster.log" >&2
    exit 1
  }
else
  SQL_PREFIX=sqlite
  SQL_TOOL=sqlite3
fi

# db_url NAME: what minzheng's --db takes for the database NAME.
db_url() {
  if [ "$STORE" = postgresql ]; then echo "${PG_URL%/*}/${1//-/_}"; else echo "$WORK/$1.db"; fi
}

# sql_cmd NAME: leaves in SQL_CMD the client running SQL (arguments or a script on stdin) in NAME.
sql_cmd() {
  if [ "$STORE" = postgresql ]; then
    SQL_CMD=(psql -X -q -A -t -v ON_ERROR_STOP=1 -d "$(db_url "$1")")
  else
    SQL_CMD=(sqlite3 "$(db_url "$1")")
  fi
}

# sql_exec NAME SQL: runs SQL in NAME, printing the rows (columns separated by |).
sql_exec() {
  sql_cmd "$1"
  if [ "$STORE" = postgresql ]; then "${SQL_CMD[@]}" -c "$2"; else "${SQL_CMD[@]}" "$2"; fi
}

# sql_file NAME FILE: runs the script FILE in NAME.
sql_file() {
  sql_cmd "$1"
  "${SQL_CMD[@]}" <"$2"
}

# pg_create NAME [TEMPLATE]: the database NAME of the cluster, anew (empty, or a copy of TEMPLATE).
pg_create() {
  sql_cmd postgres
  "${SQL_CMD[@]}" -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS ${1//-/_}" \
    -c "CREATE DATABASE ${1//-/_}${2:+ TEMPLATE ${2//-/_}}" >/dev/null
}

# db_new NAME: an empty database NAME, migrated by minzheng.
db_new() {
  if [ "$STORE" = postgresql ]; then
    pg_create "$1"
  else
    rm -f "$(db_url "$1")" "$(db_url "$1")-wal" "$(db_url "$1")-shm"
  fi
  "$BIN" --db "$(db_url "$1")" migrate >/dev/null
}

# db_copy FROM TO: the database TO as a copy of FROM.
db_copy() {
  if [ "$STORE" = postgresql ]; then pg_create "$2" "$1"; else cp "$(db_url "$1")" "$(db_url "$2")"; fi
}

# drop_db NAME: removes a benchmark's database once its result is checked, unless --keep.
drop_db() {
  [ "$KEEP_DBS" -eq 0 ] || return 0
  if [ "$STORE" = postgresql ]; then
    sql_exec postgres "DROP DATABASE IF EXISTS ${1//-/_}" >/dev/null
  else
    rm -f "$(db_url "$1")" "$(db_url "$1")-wal" "$(db_url "$1")-shm"
  fi
}

# pg_unlike A QUERY_A B QUERY_B: the number of rows of either answer that the other lacks (as
# multisets), QUERY_A run in the database A, QUERY_B in B.  Two databases cannot meet in one
# PostgreSQL query: both answers are exported (COPY … TO STDOUT), sorted and compared line by line.
# A failed export answers "export failed", which no check takes for 0.
pg_unlike() {
  if sql_exec "$1" "COPY ($2) TO STDOUT" | LC_ALL=C sort -T "$WORK" >"$WORK/unlike.a" &&
    sql_exec "$3" "COPY ($4) TO STDOUT" | LC_ALL=C sort -T "$WORK" >"$WORK/unlike.b"; then
    LC_ALL=C comm -3 "$WORK/unlike.a" "$WORK/unlike.b" | wc -l
  else
    echo "export failed"
  fi
  rm -f "$WORK/unlike.a" "$WORK/unlike.b"
}

# rows_unlike A B COLUMNS TABLE: the number of rows of TABLE (those COLUMNS) in A and not in
# B; on PostgreSQL, in either and not in the other.
rows_unlike() {
  if [ "$STORE" = postgresql ]; then
    pg_unlike "$1" "SELECT $3 FROM $4" "$2" "SELECT $3 FROM $4"
  else
    sqlite3 "$(db_url "$1")" "ATTACH '$(db_url "$2")' AS b; SELECT COUNT(*) FROM (SELECT $3 FROM
      main.$4 EXCEPT SELECT $3 FROM b.$4)"
  fi
}

# Benchmark 1's check on PostgreSQL (on SQLite: bench/sql/sqlite-compare-load.sql), the same
# tables and columns: every column but the timestamps.
PG_LOAD_CHECK=(
  "persons|id, id_number, name, gender, birth_date, disability_kind, disability_grade,
    labour_capacity, serious_illness, self_care_unable, in_school, created_region"
  "households|id, region_code, kind, address, bank_name, bank_account, head_person_id"
  "household_members|household_id, person_id, relation, joined_on"
  "income_items|household_id, person_id, type, monthly_fen, valid_from"
  "assets|household_id, type, value_fen, exempt, valid_from"
  "enrollments|program, household_id, person_id, payee_name, region_code, monthly_amount_fen,
    from_month, status, basis_category, basis_counted_members, basis_per_capita_income_fen,
    basis_care_level"
  "enrollment_periods|enrollment_id, from_month, status, monthly_amount_fen, basis_category,
    basis_counted_members, basis_per_capita_income_fen, basis_care_level"
)

# load_unlike A B: one line per table, the table and the number of rows that differ between
# A and B (all zeros when equal).
load_unlike() {
  if [ "$STORE" = postgresql ]; then
    local t
    for t in "${PG_LOAD_CHECK[@]}"; do
      echo "${t%%|*}|$(rows_unlike "$1" "$2" "${t#*|}" "${t%%|*}")"
    done
  else
    sqlite3 "$(db_url "$1")" "ATTACH '$(db_url "$2")' AS base" ".read bench/sql/sqlite-compare-load.sql"
  fi
}

say "machine"
echo "$(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr)"
echo "minzheng $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?'), sqlite3 $(sqlite3 --version | cut -d' ' -f1)"
if [ "$STORE" = postgresql ]; then
  echo "store postgresql: PostgreSQL $(sql_exec postgres 'SHOW server_version'), a cluster of" \
    "scripts/pg-cluster.sh (fsync, synchronous_commit, full_page_writes off; defaults otherwise)"
  echo "peak memory is the client's (minzheng's, psql's); the server's processes are not counted"
fi

say "synthetic city: $PERSONS persons, seed $SEED"
CITY=$WORK/city
# What a reused city and load must match: the size, the seed and the schema.
STAMP="persons=$PERSONS seed=$SEED schema=$(cat src/store/migrations/*.sql | md5sum | cut -c1-16)"
if [ "$REUSE" -eq 1 ]; then
  if [ "$(cat "$WORK/base.stamp" 2>/dev/null)" != "$STAMP" ]; then
    echo "bench: --reuse: $WORK holds no plain load of $PERSONS persons, seed $SEED, this schema" >&2
    exit 1
  fi
  echo "reused $CITY and $(db_url base) (--reuse)"
fi
[ "$REUSE" -eq 1 ] || timed gen "$BIN" gen --persons "$PERSONS" --seed "$SEED" --out "$CITY" >/dev/null
[ "$REUSE" -eq 1 ] || echo "generated in ${SECS}s (peak ${KB} KiB):"
sed -n 's/^\(persons\|households\|incomes\|assets\|dibao_persons\|tekun_persons\|edge_persons\)=/  \1 = /p' "$CITY/manifest.txt"
NOW=$(date -u +%Y-%m-%dT%H:%M:%SZ)

# A migrated database with the city loaded by plain SQL (benchmark 1's baseline).
BASE_DB=$(db_url base) # minzheng's --db of the loaded city (the file on SQLite)
if [ "$REUSE" -eq 1 ]; then
  :
elif [ "$STORE" = postgresql ]; then
  say "plain-SQL bulk load (psql \\copy + INSERT … SELECT, no validation)"
  db_new base
else
  say "plain-SQL bulk load (sqlite3 .import + INSERT … SELECT, no validation)"
  db_new base # a work directory's earlier load is replaced, not loaded into
fi
sed -e "s|@DIR@|$CITY|g" -e "s|@NOW@|$NOW|g" bench/sql/$SQL_PREFIX-load.sql >"$WORK/load.sql"
sql_cmd base
if [ "$REUSE" -eq 0 ]; then
  rm -f "$WORK/base.stamp"
  timed load "${SQL_CMD[@]}" <"$WORK/load.sql" >/dev/null
  echo "$STAMP" >"$WORK/base.stamp"
fi
read -r LOAD_SECS LOAD_KB <"$WORK/time.load"
# The databases copied from this one (payroll, API) start with the planner's statistics, as
# a database that has run a while has them.  Not timed.
[ "$STORE" = sqlite ] || sql_exec base "ANALYZE" >/dev/null
ROWS=$(sql_exec base "SELECT (SELECT COUNT(*) FROM persons) + (SELECT COUNT(*) FROM households)
  + (SELECT COUNT(*) FROM household_members) + (SELECT COUNT(*) FROM income_items)
  + (SELECT COUNT(*) FROM assets) + (SELECT COUNT(*) FROM enrollments)")
echo "loaded $ROWS rows in ${LOAD_SECS}s: $(per_sec "$ROWS" "$LOAD_SECS") rows/s, peak ${LOAD_KB} KiB"
if want load; then
  say "1 validating import: minzheng registry import"
  if [ "$STORE" = postgresql ]; then db_new import; else "$BIN" --db "$(db_url import)" migrate >/dev/null; fi
  timed import "$BIN" --db "$(db_url import)" registry import "$CITY" 2>/dev/null
  IMPORT_SECS=$SECS
  IMPORT_KB=$KB
  # Same result: every row of every table equal to the plain load's, timestamps aside.
  DIFF=$(load_unlike import base | awk -F'|' '$2 != 0 {print}')
  if [ -n "$DIFF" ]; then
    echo "bench: minzheng's import differs from the plain load: $DIFF" >&2
    exit 1
  fi
  echo "same rows in every table as the plain load"
  drop_db import
  result "1 load $PERSONS persons" \
    "${IMPORT_SECS}s $(per_sec "$ROWS" "$IMPORT_SECS") rows/s ${IMPORT_KB}KiB" \
    "$SQL_TOOL ${LOAD_SECS}s $(per_sec "$ROWS" "$LOAD_SECS") rows/s ${LOAD_KB}KiB" \
    "$(ratio "$LOAD_SECS" "$IMPORT_SECS") × the baseline's speed"
fi

# Benchmark 1b, department data (issue 5): every evidence/<kind>.csv of the city through
# `minzheng import --source KIND` (each cell validated) against sqlite3 .import + INSERT … SELECT.
if want evidence; then
  say "1b department data import: minzheng import --source KIND, one file per source"
  EV_ASOF=$(sed -n 's/^as_of=//p' "$CITY/manifest.txt")
  EV_ROWS=$(sed -n 's/^evidence_total=//p' "$CITY/manifest.txt")
  EV_KINDS=
  for f in "$CITY"/evidence/*.csv; do
    f=${f##*/}
    EV_KINDS+="${f%.csv} "
  done
  # A big city's files pass the default 50 MB limit of an upload: raise it for this import only
  # (the config key is the server's; 2 GiB is its maximum).
  printf '[server]\nmax_import_bytes = 2147483648\n' >"$WORK/evidence.ini"
  db_new evidence-mz
  db_new evidence-sql
  # shellcheck disable=SC2016 # expanded by the inner shell
  timed evidence bash -c 'for k in $5; do
      "$0" --config "$1" --db "$2" import --source "$k" --as-of "$3" "$4/evidence/$k.csv" \
        >>"$6" 2>&1 || { echo "bench: minzheng import --source $k failed (see $6)" >&2; exit 1; }
    done' "$BIN" "$WORK/evidence.ini" "$(db_url evidence-mz)" "$EV_ASOF" "$CITY" "$EV_KINDS" "$WORK/evidence.log"
  EV_SECS=$SECS
  EV_KB=$KB
  sed -e "s|@DIR@|$CITY|g; s|@NOW@|$NOW|g; s|@ASOF@|$EV_ASOF|g" \
    bench/sql/$SQL_PREFIX-evidence-load.sql >"$WORK/evidence-load.sql"
  sql_cmd evidence-sql
  timed evidence-sql "${SQL_CMD[@]}" <"$WORK/evidence-load.sql" >/dev/null
  EVSQL_SECS=$SECS
  EVSQL_KB=$KB
  # Same result: the same count and sums per source, and every stored row equal.
  SUMS="SELECT source || ' ' || COUNT(*) || ' rows ' || COALESCE(SUM(amount_fen), 0) || ' fen '
    || COALESCE(SUM(amount2_fen), 0) || ' fen2 ' || COALESCE(SUM(qty), 0) || ' qty'
    FROM evidence_records GROUP BY source ORDER BY source"
  MZ_SUMS=$(sql_exec evidence-mz "$SUMS")
  SQL_SUMS=$(sql_exec evidence-sql "$SUMS")
  EV_COLS="source, as_of, row_no, id_number, name, ref, kind, date_from, date_to, month, amount_fen,
    amount2_fen, qty, note"
  DIFF=$(rows_unlike evidence-mz evidence-sql "$EV_COLS" evidence_records)
  STORED=$(sql_exec evidence-mz "SELECT COUNT(*) FROM evidence_records")
  if [ "$MZ_SUMS" != "$SQL_SUMS" ] || [ "$DIFF" != 0 ] || [ "$STORED" != "$EV_ROWS" ]; then
    echo "bench: the department data differ: $DIFF rows unlike, $STORED stored of $EV_ROWS" >&2
    diff <(echo "$MZ_SUMS") <(echo "$SQL_SUMS") >&2 || true
    exit 1
  fi
  echo "same $STORED records as the plain load, per source:"
  drop_db evidence-mz
  drop_db evidence-sql
  printf '  %s\n' "${MZ_SUMS//$'\n'/$'\n'  }"
  result "1b evidence $EV_ROWS records" \
    "${EV_SECS}s $(per_sec "$EV_ROWS" "$EV_SECS") rows/s ${EV_KB}KiB" \
    "$SQL_TOOL ${EVSQL_SECS}s $(per_sec "$EV_ROWS" "$EVSQL_SECS") rows/s ${EVSQL_KB}KiB" \
    "$(ratio "$EVSQL_SECS" "$EV_SECS") × the baseline's speed"
fi

if want payroll; then
  say "2 payroll of one month: minzheng payroll run against one INSERT … SELECT"
  MONTH=2026-01
  db_copy base payroll-mz
  db_copy base payroll-sql
  # The copies written out first: otherwise the first run's checkpoint (fdatasync of its
  # database) waits for the kernel to write gigabytes of freshly copied file, and the second
  # run finds its copy written back meanwhile.
  sync
  timed payroll "$BIN" --db "$(db_url payroll-mz)" payroll run --month "$MONTH" >/dev/null 2>&1
  PAY_SECS=$SECS
  PAY_KB=$KB
  sed -e "s|@MONTH@|$MONTH|g; s|@DAY1@|$MONTH-01|g; s|@NOW@|$NOW|g" \
    bench/sql/$SQL_PREFIX-payroll.sql >"$WORK/payroll.sql"
  sql_cmd payroll-sql
  timed payroll-sql "${SQL_CMD[@]}" <"$WORK/payroll.sql"
  PAYSQL_SECS=$SECS
  PAYSQL_KB=$KB
  LINES=$(sql_exec payroll-mz "SELECT COUNT(*) || ' lines, ' || SUM(amount_fen) || ' fen'
    FROM payment_lines")
  BASE_LINES=$(sql_exec payroll-sql "SELECT COUNT(*) || ' lines, ' || SUM(amount_fen) ||
    ' fen' FROM payment_lines")
  # Same result: the same lines, amounts, payees, accounts and deciding policy rows.
  DIFF=$(rows_unlike payroll-mz payroll-sql "enrollment_id, month, kind, amount_fen, program,
    payee_name, bank_account, region_code, standard_fen, policy_param_id" payment_lines)
  if [ "$LINES" != "$BASE_LINES" ] || [ "$DIFF" != 0 ]; then
    echo "bench: the payrolls differ: minzheng $LINES, SQL $BASE_LINES, $DIFF lines unlike" >&2
    exit 1
  fi
  echo "same lines: $LINES"
  drop_db payroll-mz
  drop_db payroll-sql
  N_LINES=${LINES%% *}
  result "2 payroll $N_LINES lines" \
    "${PAY_SECS}s $(per_sec "$N_LINES" "$PAY_SECS") lines/s ${PAY_KB}KiB" \
    "$SQL_TOOL ${PAYSQL_SECS}s $(per_sec "$N_LINES" "$PAYSQL_SECS") lines/s ${PAYSQL_KB}KiB" \
    "$(ratio "$PAYSQL_SECS" "$PAY_SECS") × the baseline's speed"
fi

# Benchmark 3, batch verification (核对): every member of every current 低保 household against
# the newest data of every department source.  The fixture is the plain load of the registry
# plus the plain load of the department data (benchmark 1b shows minzheng's imports store the
# same rows).  Three runs on copies of it: the SQL joins producing the issues
# (bench/sql/sqlite-verify.sql), once as loaded and once after ANALYZE, the better counting as
# the baseline; minzheng's 预核对 (`verify batch --preview`: the same matching, nothing stored,
# on as many connections as the machine has processors), which does the baseline's work; and
# minzheng's batch job, which also stores a report per household and opens the 低保复核 cases.
# All three must find the same issues.
if want verify; then
  say "3 batch verification: minzheng verify batch (--preview, then the job) against SQL joins"
  EV_ASOF=$(sed -n 's/^as_of=//p' "$CITY/manifest.txt")
  db_copy base verify-base
  sed -e "s|@DIR@|$CITY|g; s|@NOW@|$NOW|g; s|@ASOF@|$EV_ASOF|g" \
    bench/sql/$SQL_PREFIX-evidence-load.sql >"$WORK/verify-evidence-load.sql"
  sql_file verify-base "$WORK/verify-evidence-load.sql" >/dev/null
  read -r V_HH V_MEMBERS V_RECORDS < <(sql_exec verify-base "SELECT
    (SELECT COUNT(*) FROM enrollments WHERE program = 'dibao' AND status IN ('in_force', 'taper')),
    (SELECT COUNT(*) FROM enrollments e JOIN household_members m ON m.household_id = e.household_id
      WHERE e.program = 'dibao' AND e.status IN ('in_force', 'taper')),
    (SELECT COUNT(*) FROM evidence_records)" | tr '|' ' ')
  echo "$V_HH households, $V_MEMBERS members, $V_RECORDS department records"
  sync

  # The preview writes nothing: it runs on the fixture itself.  The others on a copy each, one
  # at a time (a city of 5 million is a database of several GB).
  timed verify-preview "$BIN" --db "$(db_url verify-base)" verify batch --preview \
    --issues "$WORK/verify-preview.csv" >"$WORK/verify-preview.log"
  PV_SECS=$SECS
  PV_KB=$KB
  cat "$WORK/verify-preview.log"
  # The day minzheng matched against (its local date), for the SQL to use the same.
  DAY=$(sed -n 's/^预核对（\([0-9-]*\)，.*/\1/p' "$WORK/verify-preview.log")
  db_copy verify-base verify-job
  timed verify-job "$BIN" --db "$(db_url verify-job)" verify batch >"$WORK/verify-job.log"
  JOB_SECS=$SECS
  JOB_KB=$KB
  cat "$WORK/verify-job.log"
  grep -q "（$DAY）" "$WORK/verify-job.log" || {
    echo "bench: the job did not verify on $DAY (the date changed during the run?)" >&2
    exit 1
  }
  # The issues of the stored reports: household, code, member (0: the household's), the income
  # type (what the issue's key "code:member:type" has after its second colon), value, limit.
  if [ "$STORE" = postgresql ]; then
    JOB_ISSUES="SELECT r.household_id, i->>'code', COALESCE(i->>'person_id', '0'),
        substr(i->>'key', length(i->>'code') + length(COALESCE(i->>'person_id', '0')) + 3),
        i->>'value', i->>'limit'
      FROM verification_reports r, json_array_elements(r.findings::json->'issues') i"
  else
    JOB_ISSUES="SELECT r.household_id, json_extract(i.value, '\$.code'),
        COALESCE(json_extract(i.value, '\$.person_id'), 0),
        substr(json_extract(i.value, '\$.key'), length(json_extract(i.value, '\$.code'))
          + length(CAST(COALESCE(json_extract(i.value, '\$.person_id'), 0) AS TEXT)) + 3),
        json_extract(i.value, '\$.value'), json_extract(i.value, '\$.limit')
      FROM verification_reports r, json_each(r.findings, '\$.issues') i"
  fi
  sql_exec verify-job "$JOB_ISSUES" >"$WORK/verify-job.issues"
  drop_db verify-job

  ISSUES="SELECT household_id, code, person_id, COALESCE(param, ''), value, limit_value
    FROM bench_issues"
  sed -e "s|@DAY@|$DAY|g" bench/sql/$SQL_PREFIX-verify.sql >"$WORK/verify.sql"
  db_copy verify-base verify-sql
  sql_cmd verify-sql
  timed verify-sql "${SQL_CMD[@]}" <"$WORK/verify.sql"
  VSQL_SECS=$SECS
  VSQL_KB=$KB
  sql_exec verify-sql "$ISSUES" >"$WORK/verify-sql.issues"
  sql_exec verify-sql "DROP TABLE bench_issues" >/dev/null
  timed verify-analyze "${SQL_CMD[@]}" <<<"ANALYZE;"
  ANALYZE_SECS=$SECS
  timed verify-sql-analyzed "${SQL_CMD[@]}" <"$WORK/verify.sql"
  VSQLA_SECS=$SECS
  VSQLA_KB=$KB
  sql_exec verify-sql "$ISSUES" >"$WORK/verify-sql-analyzed.issues"
  drop_db verify-sql
  echo "SQL joins: ${VSQL_SECS}s as loaded, ${VSQLA_SECS}s after ANALYZE (ANALYZE itself ${ANALYZE_SECS}s, not counted)"
  if awk -v a="$VSQLA_SECS" -v b="$VSQL_SECS" 'BEGIN { exit !(a < b) }'; then
    BEST_SECS=$VSQLA_SECS BEST_KB=$VSQLA_KB BEST="after ANALYZE"
  else
    BEST_SECS=$VSQL_SECS BEST_KB=$VSQL_KB BEST="as loaded"
  fi

  # Same result: the same issues (household, code, member, income type, value, limit) from all.
  tail -n +2 "$WORK/verify-preview.csv" | awk -F, -v OFS='|' '{print $2, $4, $6, $7, $8, $9}' \
    >"$WORK/verify-preview.issues"
  for f in verify-sql verify-sql-analyzed verify-preview verify-job; do
    sort -t'|' -k1,1n -k2,2 -k3,3n -k4,4 -o "$WORK/$f.issues" "$WORK/$f.issues"
  done
  for f in verify-sql-analyzed verify-preview verify-job; do
    if ! cmp -s "$WORK/verify-sql.issues" "$WORK/$f.issues"; then
      echo "bench: $f found other issues than the SQL joins:" >&2
      diff "$WORK/verify-sql.issues" "$WORK/$f.issues" | head -n 20 >&2
      exit 1
    fi
  done
  N_ISSUES=$(wc -l <"$WORK/verify-sql.issues")
  N_FLAGGED=$(cut -d'|' -f1 "$WORK/verify-sql.issues" | sort -u | wc -l)
  echo "same $N_ISSUES issues in $N_FLAGGED households from all four runs"
  drop_db verify-base
  result "3 verify $V_HH households (preview)" \
    "${PV_SECS}s $(per_sec "$V_HH" "$PV_SECS") households/s ${PV_KB}KiB" \
    "$SQL_TOOL ${BEST_SECS}s ($BEST) $(per_sec "$V_HH" "$BEST_SECS") households/s ${BEST_KB}KiB" \
    "$(ratio "$BEST_SECS" "$PV_SECS") × the baseline's speed"
  result "3 verify $V_HH households (job)" \
    "${JOB_SECS}s $(per_sec "$V_HH" "$JOB_SECS") households/s ${JOB_KB}KiB" \
    "$SQL_TOOL ${BEST_SECS}s ($BEST) $(per_sec "$V_HH" "$BEST_SECS") households/s" \
    "$(ratio "$BEST_SECS" "$JOB_SECS") × (the job also stores $V_HH reports and opens cases)"
fi

if want api; then
  say "4 API under wrk (keep-alive, 64 connections, ${DURATION}s each) against nginx on a static file"
  command -v wrk >/dev/null && command -v nginx >/dev/null || {
    echo "bench: wrk and nginx are needed: scripts/deps.sh --bench" >&2
    exit 1
  }
  db_copy base api
  sed -e "s|@NOW@|$NOW|g" bench/sql/$SQL_PREFIX-cases.sql >"$WORK/cases.sql"
  sql_file api "$WORK/cases.sql" >/dev/null
  # A county worker of 沭阳县, the largest county: the profiles of its people, the case list of
  # each of its townships page by page.
  COUNTY=321322000000
  printf 'Qx7#mLp2!vRz\n' | "$BIN" --db "$(db_url api)" user add --username bench \
    --role county_worker --region "$COUNTY" --password-stdin >/dev/null
  TOKEN=$("$BIN" --db "$(db_url api)" user token --username bench --name bench | tail -n 1)
  sql_exec api "SELECT '/api/v1/persons/' || m.person_id || '/profile' FROM household_members m
    JOIN households h ON h.id = m.household_id WHERE h.region_code LIKE '321322%'
    ORDER BY (m.person_id * 2654435761) % 1000003 LIMIT 20000" >"$WORK/persons.paths"
  sql_exec api "WITH RECURSIVE t AS (SELECT substr(region_code, 1, 9) || '000' AS town, COUNT(*) AS n
    FROM cases WHERE region_code LIKE '321322%' GROUP BY 1),
    p(town, page, pages) AS (SELECT town, 1, (n + 19) / 20 FROM t
      UNION ALL SELECT town, page + 1, pages FROM p WHERE page < pages)
    SELECT '/api/v1/cases?region=' || town || '&page=' || page || '&page_size=20' FROM p" \
    >"$WORK/cases.paths"
  PORT=$(free_port)
  MZ_WEB_ROOT=$ROOT/web/dist "$BIN" --db "$(db_url api)" --listen "127.0.0.1:$PORT" serve \
    >"$WORK/server.log" 2>&1 &
  SERVER=$!
  PIDS+=("$SERVER")
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/api/v1/health" >/dev/null && break; sleep 0.1; done

  # The nginx baseline serves a file of the size of an average answer.
  NGINX_PORT=$(free_port)
  mkdir -p "$WORK/nginx/html" "$WORK/nginx/logs"
  cat >"$WORK/nginx/nginx.conf" <<EOF
worker_processes auto;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/logs/error.log;
daemon off;
events { worker_connections 1024; }
http {
  access_log off;
  default_type application/json;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    root $WORK/nginx/html;
  }
}
EOF
  nginx -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" &
  PIDS+=($!)
  sleep 0.5

  # wrk_run URL PATHS: leaves requests/s, p50 and p99 (ms) in RPS P50 P99; fails on any non-2xx.
  wrk_run() {
    local out
    out=$(wrk -t2 -c64 -d"${DURATION}s" --latency -H "Authorization: Bearer $TOKEN" \
      -s bench/wrk/paths.lua "$1" -- "$2")
    echo "$out" >>"$WORK/wrk.log"
    if grep -q 'Non-2xx' <<<"$out"; then
      echo "bench: error responses under load:" >&2
      echo "$out" >&2
      exit 1
    fi
    RPS=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
    P50=$(awk '$1 == "50%" {print $2}' <<<"$out")
    P99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  }

  for kind in persons cases; do
    paths=$WORK/$kind.paths
    # Same result: every sampled answer is 200 with the requested record in it.
    total=0
    n=0
    while read -r p; do
      body=$(curl -sf -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT$p") || {
        echo "bench: $p failed" >&2
        exit 1
      }
      total=$((total + ${#body}))
      n=$((n + 1))
    done < <(head -n 50 "$paths")
    size=$((total / n))
    head -c "$size" /dev/zero | tr '\0' 'x' >"$WORK/nginx/html/$kind.json"
    for _ in $(seq 1 64); do echo "/$kind.json"; done >"$WORK/static.paths"
    wrk_run "http://127.0.0.1:$PORT" "$paths"
    MZ_RPS=$RPS MZ_P50=$P50 MZ_P99=$P99
    wrk_run "http://127.0.0.1:$NGINX_PORT" "$WORK/static.paths"
    MEM=$(awk '/VmHWM/ {print $2}' "/proc/$SERVER/status")
    result "4 API $kind (${size} B)" \
      "${MZ_RPS} req/s p50 ${MZ_P50} p99 ${MZ_P99} ${MEM}KiB" \
      "nginx ${RPS} req/s p50 ${P50} p99 ${P99}" "$(ratio "$MZ_RPS" "$RPS") of nginx"
  done
  kill "$SERVER" 2>/dev/null || true
  wait "$SERVER" 2>/dev/null || true
  drop_db api
fi

say "results (also in $RESULTS)"
cat "$RESULTS"

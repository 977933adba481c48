#!/usr/bin/env bash
# The whole test suite, as `make test` runs it:
#   1. unit tests (cmocka, one binary per module, via ctest), normal build
#   2. the OpenAPI lint
#   3. API tests against a real server on SQLite
#   4. API tests against a real server on a throwaway PostgreSQL cluster
#      (the store unit tests run against it too)
#   5. unit and API tests once more under AddressSanitizer + UBSan (SQLite)
#   6. the browser test (playwright-core driving Debian's chromium)
# It ends with one line "test: N passed, N failed" and exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
WORK=$(mktemp -d /tmp/minzheng-test.XXXXXX)
chmod 755 "$WORK"
PASSED=0
FAILED=0
FAILED_STEPS=()
SERVER_PID=
PG_DIR=

cleanup() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null
  [ -n "$PG_DIR" ] && scripts/pg-cluster.sh stop "$PG_DIR" >/dev/null 2>&1
  rm -rf "$WORK"
}
trap cleanup EXIT

step() { printf '\n== %s\n' "$*"; }

# Adds the counts of a ctest log ("100% tests passed, 0 tests failed out of 7").
count_ctest() {
  local line total failed
  line=$(grep -E 'tests passed, [0-9]+ tests? failed out of [0-9]+' "$1" | tail -n 1)
  total=$(sed -E 's/.*out of ([0-9]+).*/\1/' <<<"$line")
  failed=$(sed -E 's/.*passed, ([0-9]+) tests? failed.*/\1/' <<<"$line")
  [ -n "$total" ] || { total=1; failed=1; }
  PASSED=$((PASSED + total - failed))
  FAILED=$((FAILED + failed))
}

# Adds the counts of a node --test log ("# pass 12", "# fail 0").
count_node() {
  local p f
  p=$(grep -E '^# pass [0-9]+' "$1" | tail -n 1 | awk '{print $3}')
  f=$(grep -E '^# fail [0-9]+' "$1" | tail -n 1 | awk '{print $3}')
  [ -n "$p" ] || { p=0; f=1; }
  PASSED=$((PASSED + p))
  FAILED=$((FAILED + f))
}

record() { # name rc
  if [ "$2" -ne 0 ]; then FAILED_STEPS+=("$1"); fi
}

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

# start_server BIN DB LOG: migrates, creates the test administrator, serves.
start_server() {
  local bin=$1 db=$2 log=$3
  PORT=$(free_port)
  export MZ_URL="http://127.0.0.1:$PORT" MZ_BIN="$bin" MZ_DB="$db"
  export MZ_ADMIN_USER="testadmin" MZ_ADMIN_PASSWORD="Test#Admin$(date +%s)x"
  "$bin" --db "$db" migrate >/dev/null || return 1
  printf '%s\n' "$MZ_ADMIN_PASSWORD" | "$bin" --db "$db" user add --username "$MZ_ADMIN_USER" \
    --display-name 测试管理员 --role city_admin --region 321300000000 --password-stdin >/dev/null || return 1
  MZ_WEB_ROOT="$ROOT/web/dist" "$bin" --db "$db" --listen "127.0.0.1:$PORT" serve >"$log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 100); do
    curl -sf "$MZ_URL/api/v1/health" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "server did not start; log:"; cat "$log"
  return 1
}

stop_server() {
  if [ -n "$SERVER_PID" ]; then
    kill -TERM "$SERVER_PID" 2>/dev/null
    wait "$SERVER_PID"
    local rc=$?
    SERVER_PID=
    return $rc
  fi
}

# The audit chain verifies after the API tests, and fails, naming the entry,
# once a row is altered directly in the database.
audit_tamper_check() {
  local bin=$1 db=$2 sql="UPDATE audit_log SET actor_name = 'mallory' WHERE seq = 3"
  local ok=1 out
  "$bin" --db "$db" audit verify >/dev/null || { echo "audit verify failed on an intact chain"; ok=0; }
  case "$db" in
    postgres*) psql -q "$db" -c "$sql" >/dev/null || ok=0 ;;
    *) sqlite3 "$db" "$sql" || ok=0 ;;
  esac
  out=$("$bin" --db "$db" audit verify)
  if [ $? -ne 1 ] || ! grep -q '第 3 条' <<<"$out"; then
    echo "audit verify did not detect the altered entry 3: $out"; ok=0
  fi
  if [ $ok -eq 1 ]; then PASSED=$((PASSED + 1)); echo "audit tamper check: ok"
  else FAILED=$((FAILED + 1)); FAILED_STEPS+=("audit-tamper"); fi
}

# api_suite LABEL BIN DB
api_suite() {
  local label=$1 bin=$2 db=$3 log="$WORK/server-$1.log" out="$WORK/api-$1.log"
  case "$db" in postgres*) export MZ_STORE=postgresql ;; *) export MZ_STORE=sqlite ;; esac
  step "API tests on $label"
  if ! start_server "$bin" "$db" "$log"; then
    FAILED=$((FAILED + 1)); FAILED_STEPS+=("api-$label (server)"); return
  fi
  node --test --test-concurrency=1 tests/api/ >"$out" 2>&1
  local rc=$?
  tail -n 12 "$out"
  # Each failing test with the lines that explain it (TAP: "not ok N - name" then a YAML block).
  [ $rc -ne 0 ] && grep -E -A 24 '^\s*not ok' "$out" | head -n 150
  count_node "$out"
  record "api-$label" $rc
  stop_server
  local src=$?
  if [ $src -ne 0 ]; then
    echo "server exited with $src; its log ends:"; tail -n 30 "$log"
    FAILED=$((FAILED + 1)); FAILED_STEPS+=("api-$label (server exit $src)")
  fi
  audit_tamper_check "$bin" "$db"
  unset MZ_URL MZ_BIN MZ_DB MZ_STORE
  if grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' "$log"; then
    echo "sanitizer report in the server log:"; grep -A 20 -E 'ERROR: |runtime error:' "$log" | head -n 60
    FAILED=$((FAILED + 1)); FAILED_STEPS+=("api-$label (sanitizer)")
  fi
}

step "dependencies"
scripts/deps.sh || exit 1

step "build"
make --no-print-directory build || exit 1
cmake -S . -B build-asan -DMZ_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug >/dev/null || exit 1
cmake --build build-asan -j2 >/dev/null || { cmake --build build-asan 2>&1 | tail -n 30; exit 1; }

step "unit tests"
(cd build && ctest --output-on-failure) >"$WORK/unit.log" 2>&1
rc=$?; tail -n 15 "$WORK/unit.log"; count_ctest "$WORK/unit.log"; record unit $rc

step "OpenAPI lint"
npx --no-install redocly lint docs/openapi.yaml >"$WORK/lint.log" 2>&1
rc=$?; tail -n 5 "$WORK/lint.log"
if [ $rc -eq 0 ]; then PASSED=$((PASSED + 1)); else FAILED=$((FAILED + 1)); cat "$WORK/lint.log"; fi
record openapi-lint $rc

api_suite sqlite "$ROOT/build/minzheng" "$WORK/api.db"

step "PostgreSQL"
PG_DIR="$WORK/pg"
if PG_URL=$(scripts/pg-cluster.sh start "$PG_DIR"); then
  (cd build && MZ_TEST_PG_URL="$PG_URL" ctest --output-on-failure -R test_store) >"$WORK/unit-pg.log" 2>&1
  rc=$?; tail -n 5 "$WORK/unit-pg.log"; count_ctest "$WORK/unit-pg.log"; record unit-pg $rc
  # Department data import: the bulk insert (COPY) and the import on PostgreSQL.
  (cd build && MZ_TEST_PG_URL="$PG_URL" ctest --output-on-failure -R 'test_bulk|test_evidence') >"$WORK/unit-pg-evidence.log" 2>&1
  rc=$?; tail -n 5 "$WORK/unit-pg-evidence.log"; count_ctest "$WORK/unit-pg-evidence.log"; record unit-pg-evidence $rc
  # 家庭经济状况核对: reports, batch re-verification and its crash resume on PostgreSQL.
  (cd build && MZ_TEST_PG_URL="$PG_URL" ctest --output-on-failure -R test_verification) >"$WORK/unit-pg-verification.log" 2>&1
  rc=$?; tail -n 5 "$WORK/unit-pg-verification.log"; count_ctest "$WORK/unit-pg-verification.log"; record unit-pg-verification $rc
  api_suite postgresql "$ROOT/build/minzheng" "$PG_URL"
else
  FAILED=$((FAILED + 1)); FAILED_STEPS+=("postgresql cluster"); PG_DIR=
fi

step "unit tests under ASan+UBSan"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
# leaks inside cairo and fontconfig (PDF documents) are the libraries' own: tests/lsan.supp
export LSAN_OPTIONS="suppressions=$ROOT/tests/lsan.supp"
(cd build-asan && ctest --output-on-failure) >"$WORK/unit-asan.log" 2>&1
rc=$?; tail -n 5 "$WORK/unit-asan.log"; count_ctest "$WORK/unit-asan.log"; record unit-asan $rc
api_suite sqlite-asan "$ROOT/build-asan/minzheng" "$WORK/api-asan.db"
unset ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS

step "browser test"
if start_server "$ROOT/build/minzheng" "$WORK/e2e.db" "$WORK/server-e2e.log"; then
  MZ_ARTIFACTS="$WORK" node --test tests/e2e/ >"$WORK/e2e.log" 2>&1
  rc=$?; tail -n 12 "$WORK/e2e.log"
  [ $rc -ne 0 ] && { grep -E -A 24 '^\s*not ok' "$WORK/e2e.log" | head -n 100; mkdir -p var && cp "$WORK"/*.png var/ 2>/dev/null; }
  count_node "$WORK/e2e.log"; record e2e $rc
  stop_server
else
  FAILED=$((FAILED + 1)); FAILED_STEPS+=("e2e (server)")
fi

echo
if [ ${#FAILED_STEPS[@]} -gt 0 ]; then
  echo "failed steps: ${FAILED_STEPS[*]}"
  [ "$FAILED" -eq 0 ] && FAILED=${#FAILED_STEPS[@]}
fi
echo "test: $PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ] && [ ${#FAILED_STEPS[@]} -eq 0 ]

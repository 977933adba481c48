#!/usr/bin/env bash
# Installs what minzheng needs and is missing: Debian packages (C libraries,
# PostgreSQL, Chromium, fonts) and the npm packages of the web UI and the test
# tools.  Safe to run again: it only installs what is absent.  With --bench it
# adds what the benchmark suite (bench/run.sh) drives: wrk, nginx, GNU time.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  build-essential cmake pkg-config clang-format
  libmicrohttpd-dev libjansson-dev libsqlite3-dev sqlite3 libpq-dev libsodium-dev
  libcsv-dev libxlsxwriter-dev libzip-dev libexpat1-dev libcairo2-dev libpango1.0-dev
  fonts-noto-cjk libinih-dev libicu-dev libcmocka-dev
  postgresql chromium nodejs npm curl ca-certificates
  # PDF documents: the unit tests read the text back with pdftotext
  poppler-utils
)
if [ "${1:-}" = "--bench" ]; then
  APT_PACKAGES+=(wrk nginx-light time)
fi

missing=()
for p in "${APT_PACKAGES[@]}"; do
  # nodejs from another source (e.g. NodeSource) ships npm itself
  if [ "$p" = npm ] && command -v npm >/dev/null 2>&1; then continue; fi
  if [ "$p" = nodejs ] && command -v node >/dev/null 2>&1; then continue; fi
  # any nginx flavour will do for the static-file baseline
  if [ "$p" = nginx-light ] && command -v nginx >/dev/null 2>&1; then continue; fi
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "deps: installing Debian packages: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# npm packages: the test tools at the top, the web UI in web/.  `npm ci` installs
# exactly what the lock files say; it runs again only when a lock file changed.
npm_ci() {
  local dir=$1
  if [ ! -f "$dir/node_modules/.package-lock.json" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    echo "deps: npm ci in $dir"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}
npm_ci .
npm_ci web

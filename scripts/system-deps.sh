#!/usr/bin/env bash
# Debian packages the test suite needs: PostgreSQL (the suite runs on SQLite and PostgreSQL) and
# Chromium (the web UI end-to-end tests drive /usr/bin/chromium; no browser is ever downloaded).
set -euo pipefail
missing=()
if [ "${GV_TEST_DATABASES:-sqlite,postgresql}" != sqlite ]; then
  ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || missing+=(postgresql)
fi
if [ "${GV_SKIP_UI:-0}" != 1 ]; then
  [ -x /usr/bin/chromium ] || missing+=(chromium)
fi
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "Missing Debian packages: ${missing[*]}. Install them (sudo apt-get install ${missing[*]})," >&2
  echo "or run only the SQLite half of the suite with GV_TEST_DATABASES=sqlite," >&2
  echo "and skip the browser tests with GV_SKIP_UI=1." >&2
  exit 1
fi
echo "Installing Debian packages: ${missing[*]} ..." >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

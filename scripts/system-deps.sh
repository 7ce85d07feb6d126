#!/usr/bin/env bash
# Debian packages the test suite needs: PostgreSQL (the suite runs on SQLite and PostgreSQL).
set -euo pipefail
missing=()
ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || missing+=(postgresql)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "Missing Debian packages: ${missing[*]}. Install them (sudo apt-get install ${missing[*]})," >&2
  echo "or run only the SQLite half of the suite with GV_TEST_DATABASES=sqlite." >&2
  exit 1
fi
echo "Installing Debian packages: ${missing[*]} ..." >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

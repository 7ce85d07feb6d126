#!/usr/bin/env bash
# Create (or reuse) the Python environment: the CPU build of torch first, from this machine's
# disk, so open-webui's dependency on it does not pull a multi-GB CUDA build; then the pins.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${VENV:-.venv}"
PYTHON="${PYTHON:-python3.11}"
stamp="$VENV/.requirements.sha256"
want=$(sha256sum requirements.txt | cut -d' ' -f1)
if [ -x "$VENV/bin/python" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
  exit 0
fi
echo "Setting up the Python environment in $VENV (a few minutes the first time)..." >&2
"$PYTHON" -m venv "$VENV"
"$VENV/bin/pip" install --quiet --upgrade pip
"$VENV/bin/pip" install --quiet torch==2.13.0
"$VENV/bin/pip" install --quiet -r requirements.txt
echo "$want" > "$stamp"

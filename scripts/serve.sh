#!/usr/bin/env bash
# Start stock Open WebUI with the Google Video module mounted. Honours PORT, HOST, DATA_DIR,
# DATABASE_URL, WEBUI_SECRET_KEY (generated into DATA_DIR on first start when unset).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
VENV="${VENV:-$root/.venv}"
export DATA_DIR="${DATA_DIR:-$root/.data/serve}"
export STATIC_DIR="${STATIC_DIR:-$DATA_DIR/static}"
export FROM_INIT_PY=true
mkdir -p "$DATA_DIR" "$STATIC_DIR"
if [ -z "${WEBUI_SECRET_KEY:-}" ]; then
  key_file="$DATA_DIR/.webui_secret_key"
  [ -s "$key_file" ] || (umask 077 && head -c 32 /dev/urandom | base64 > "$key_file")
  WEBUI_SECRET_KEY="$(cat "$key_file")"
  export WEBUI_SECRET_KEY
fi
exec "$VENV/bin/python" -m uvicorn google_video_loader:app --app-dir "$root/backend" \
  --host "${HOST:-127.0.0.1}" --port "${PORT:-8080}" --log-level "${LOG_LEVEL:-warning}"

#!/usr/bin/env bash
# Start / inspect / stop the Sohoa test servers (Redis, PostgreSQL, Elasticsearch, MinIO).
#   eval "$(tests/servers/servers.sh up)"     # start what isn't running, export SOHOA_TEST_*_URL
#   tests/servers/servers.sh status
#   tests/servers/servers.sh down [redis|postgres|es|minio ...]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
if [ -x "$root/.venv/bin/python" ]; then
  exec "$root/.venv/bin/python" -m tests.servers.launch "$@"
elif command -v uv >/dev/null 2>&1; then
  exec uv run --quiet python -m tests.servers.launch "$@"
else
  exec python3 -m tests.servers.launch "$@"
fi

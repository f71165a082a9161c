#!/usr/bin/env bash
# Install what the demo needs and start it: embedded PostgreSQL and Redis, a
# winrm_sim host, RQ workers and the web server. Extra arguments go to
# `python -m app.demo` (see --help).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup-venv.sh requirements.txt
exec python -m app.demo "$@"

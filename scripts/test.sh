#!/usr/bin/env bash
# Install the test dependencies (Debian's chromium for the browser tests when
# missing and running as root) and run the whole test suite. Extra arguments
# go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
# The Kerberos packages of requirements-dev.txt compile against libkrb5-dev,
# and winrm_sim's Kerberos tests start an MIT KDC: install those first.
bash scripts/install-kerberos.sh
source scripts/setup-venv.sh requirements-dev.txt
if [ ! -x /usr/bin/chromium ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
ruff check .
ruff format --check .
exec python -m pytest "$@"

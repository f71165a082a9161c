#!/usr/bin/env bash
# Create .venv and install the requirements when they changed since last time.
# Usage: source scripts/setup-venv.sh [requirements file]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
requirements="${1:-requirements.txt}"
venv="$root/.venv"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
stamp="$venv/.installed-$(basename "$requirements")"
digest="$(cat "$root/requirements.txt" "$root/$requirements" | sha256sum | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null)" != "$digest" ]; then
  "$venv/bin/python" -m pip install --quiet --upgrade pip
  "$venv/bin/python" -m pip install --quiet -r "$root/$requirements"
  echo "$digest" > "$stamp"
fi
export PATH="$venv/bin:$PATH"

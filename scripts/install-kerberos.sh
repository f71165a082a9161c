#!/usr/bin/env bash
# Install the Debian packages that winrm_sim's Kerberos tests and the
# Kerberos Python packages of requirements-dev.txt need: the MIT KDC tools
# (krb5kdc, kdb5_util, kadmin.local, kinit) and the headers gssapi, krb5 and
# pykerberos build against. Installs only what is missing, and only as root;
# does nothing else. Exits 1 when packages are missing and it cannot install.
set -euo pipefail
packages=(krb5-kdc krb5-admin-server krb5-user libkrb5-dev gcc)
missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed"; then
    missing+=("$package")
  fi
done
if [ "${#missing[@]}" -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
  echo "install-kerberos.sh: missing Debian packages: ${missing[*]}" >&2
  echo "install-kerberos.sh: run it as root on Debian or Ubuntu to install them" >&2
  exit 1
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null

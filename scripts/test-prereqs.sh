#!/usr/bin/env bash
# Installs what the test suite needs on a Debian machine with Node.js: kcat (its librdkafka hosts
# the mock Kafka cluster), Chromium (browser tests), poppler-utils (pdftotext and pdftoppm read
# the report PDFs) and a running PostgreSQL on 127.0.0.1:5432 that trusts local test users.
set -euo pipefail

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
APT_UPDATED=0
apt_install() {
  if [ "$APT_UPDATED" -eq 0 ]; then $SUDO apt-get update -qq; APT_UPDATED=1; fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$@" >/dev/null
}

need=()
command -v kcat >/dev/null || need+=(kcat)
command -v chromium >/dev/null || need+=(chromium)
command -v pdftotext >/dev/null || need+=(poppler-utils)
command -v pg_isready >/dev/null || need+=(postgresql postgresql-client)
if [ "${#need[@]}" -gt 0 ]; then
  echo "test-prereqs: installing ${need[*]}"
  apt_install "${need[@]}"
fi

if ! pg_isready -q -h 127.0.0.1 -p 5432; then
  echo "test-prereqs: starting PostgreSQL"
  version=$(ls /etc/postgresql | sort -V | tail -n 1)
  hba="/etc/postgresql/$version/main/pg_hba.conf"
  # A throwaway test server: local connections as postgres need no password.
  if ! grep -q 'deloton-test' "$hba"; then
    $SUDO sed -i '1i host all all 127.0.0.1/32 trust # deloton-test' "$hba"
  fi
  $SUDO pg_ctlcluster --skip-systemctl-redirect "$version" main start 2>/dev/null \
    || $SUDO pg_ctlcluster "$version" main start
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
fi
pg_isready -h 127.0.0.1 -p 5432
echo "test-prereqs: ready"

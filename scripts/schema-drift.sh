#!/usr/bin/env bash
# Schema drift check, per backend: migrate an empty database, print its schema with the diesel
# CLI and compare it with the committed src/db/schema.rs; then run every down.sql and up.sql
# again (`migration redo --all`) and compare once more.
#
# PostgreSQL prints its own names for the same types (Int8 for BigInt, Int4 for Integer, Bytea
# for Binary); they are mapped to the SQLite spelling before comparing.
#
# To regenerate schema.rs after adding a migration: migrate a scratch SQLite file with
# `diesel migration run --migration-dir migrations/sqlite --database-url FILE`, then
# `diesel print-schema --database-url FILE > src/db/schema.rs`.
#
# Usage: scripts/schema-drift.sh [POSTGRES_SERVER_URL]   (default postgres://postgres@127.0.0.1:5432/postgres)
set -euo pipefail
cd "$(dirname "$0")/.."

DIESEL_CLI_VERSION=2.3.6
server=${1:-${ZEROLABEL_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}}

if ! command -v diesel >/dev/null || ! diesel --version | grep -q "$DIESEL_CLI_VERSION"; then
  echo "installing diesel_cli $DIESEL_CLI_VERSION (SQLite and PostgreSQL, bundled)"
  cargo install diesel_cli --version "$DIESEL_CLI_VERSION" --locked --quiet \
    --no-default-features --features "postgres-bundled sqlite-bundled"
fi

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

normalise() {
  sed -e 's/-> Int8/-> BigInt/; s/-> Int4/-> Integer/; s/-> Bytea/-> Binary/' \
      -e 's/Nullable<Int8>/Nullable<BigInt>/; s/Nullable<Int4>/Nullable<Integer>/'
}

compare() {
  local backend=$1 url=$2 step=$3
  diesel print-schema --database-url "$url" | normalise > "$scratch/$backend.rs"
  if ! diff -u src/db/schema.rs "$scratch/$backend.rs"; then
    echo "schema drift on $backend ($step): src/db/schema.rs differs from the migrated database" >&2
    exit 1
  fi
  echo "$backend: schema.rs matches the migrated database ($step)"
}

check() {
  local backend=$1 url=$2
  diesel migration run --database-url "$url" --migration-dir "migrations/$backend" >/dev/null
  compare "$backend" "$url" "after migration run"
  diesel migration redo --all --database-url "$url" --migration-dir "migrations/$backend" >/dev/null
  compare "$backend" "$url" "after every down.sql and up.sql again"
}

check sqlite "$scratch/drift.sqlite3"

database="zl_drift_$$"
admin_url=$server
database_url="${server%/*}/$database"
psql "$admin_url" -qc "CREATE DATABASE $database"
trap 'psql "$admin_url" -qc "DROP DATABASE IF EXISTS $database WITH (FORCE)"; rm -rf "$scratch"' EXIT
check postgres "$database_url"

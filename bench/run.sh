#!/usr/bin/env bash
# The benchmark harness of performance.md: builds one release binary with the `bench` feature,
# seeds SQLite and PostgreSQL with 1 000 certificates each, serves each with one worker pinned to
# core 0, loads it with wrk (throughput) and oha (latency at a fixed rate) pinned to core 1, and
# prints one table of ratios against the targets, last. JSON lands in target/bench/. On a local
# PostgreSQL the backends serving the benchmark database move to core 1 while it runs.
#
#   bench/run.sh                 about 4 minutes after the builds (3 rounds of 5 s)
#   bench/run.sh --large         also 1 000 000 certificates (seeded once in about 45 minutes, kept
#                                in target/bench/large; 10 GB), about 10 minutes a run
#   bench/run.sh --rounds 5 --seconds 4 --connections 32
#
# Needs: taskset, psql and a PostgreSQL server (BENCH_POSTGRES_URL, default
# postgres://postgres@127.0.0.1:5432, allowed to create databases), python3; installs wrk with
# apt-get and oha with cargo when they are missing (without oha, latency is measured by wrk
# pacing each connection, which the output says).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

if ! command -v wrk >/dev/null; then
    echo "installing wrk (apt-get)" >&2
    apt-get install -y -qq wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
fi
if ! command -v oha >/dev/null; then
    echo "installing oha (cargo install; a few minutes once)" >&2
    cargo install --locked oha >&2 || echo "oha did not install: latency falls back to wrk" >&2
fi

echo "building the criterion benchmarks and the release binary with --features bench" >&2
cargo bench --bench core --no-run --quiet 2>/dev/null
cargo build --release --features bench --quiet
# A copy, since `cargo bench` (run later for the inclusion proof) rebuilds target/release/zerolabel
# without the feature.
mkdir -p target/bench
cp target/release/zerolabel target/bench/zerolabel

exec taskset -c 1 python3 "$root/bench/harness.py" "$@"

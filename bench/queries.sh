#!/usr/bin/env bash
# Query latency at scale: loads 1,000,000 events and 100,000 tags into a throwaway MariaDB and prints
# p50/p99 of the repository list, a repository's tags and the activity feed through the HTTP API.
# Smaller runs: bench/queries.sh -Dbench.events=100000 -Dbench.tags=10000
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -q test -Dtest=QueryLatencyBench -Dsurefire.failIfNoSpecifiedTests=false "$@" 2>&1 \
  | grep -E '^(loaded|as |admin |member )' || { echo "the benchmark failed: see target/surefire-reports" >&2; exit 1; }

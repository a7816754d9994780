#!/usr/bin/env bash
# Soak: ten minutes of token requests and event deliveries at fixed rates (together about half of what
# bench/tokens.sh and bench/events.sh measure alone); prints the heap after a full GC, the connection pool and the
# errors every 30 s. Options: -Dbench.minutes=10 -Dbench.tokenRate=650 -Dbench.envelopeRate=370
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -q test -Dtest=SoakBench -Dsurefire.failIfNoSpecifiedTests=false -Dbench.durable=true "$@" 2>&1 \
  | grep -E '^(soak|sample)' || { echo "the benchmark failed: see target/surefire-reports" >&2; exit 1; }

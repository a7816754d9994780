#!/usr/bin/env bash
# Sink throughput against plain JDBC into the same MariaDB, in one run, with durable
# commits (innodb_flush_log_at_trx_commit=1) as in production.
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -q test -Dtest=EventsThroughputBench -Dsurefire.failIfNoSpecifiedTests=false -Dbench.durable=true \
  "-D%test.portcullis.registry.details-every=10s" "-D%test.portcullis.webhooks.poll-every=1s" "$@" 2>&1 \
  | grep -E '^(OpenJDK|Java|events|blob|manifest|goals|profile)' || { echo "the benchmark failed: see target/surefire-reports" >&2; exit 1; }

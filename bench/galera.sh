#!/usr/bin/env bash
# Tokens/s and events/s with one replica on one MariaDB, one replica on a three-node Galera cluster and two
# replicas on it behind haproxy, side by side in one run; the commit latency certification adds, and what
# wsrep_sync_wait costs a read. Needs the packaged service: ./mvnw package -DskipTests first.
set -euo pipefail
cd "$(dirname "$0")/.."
test -f target/quarkus-app/quarkus-run.jar || ./mvnw -B -q package -DskipTests
./mvnw -B -q test -Dtest=GaleraBench -Dsurefire.failIfNoSpecifiedTests=false -Dbench.durable=true "$@" 2>&1 \
  | grep -E '^galera ' || { echo "the benchmark failed: see target/surefire-reports" >&2; exit 1; }

#!/usr/bin/env bash
# Token endpoint throughput with the references of the same run.
# JDK 25 instead of 17: JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64 bench/tokens.sh
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -q test -Dtest=TokenThroughputBench -Dsurefire.failIfNoSpecifiedTests=false "-D%test.portcullis.webhooks.poll-every=1s" "$@" 2>&1 \
  | grep -E '^(OpenJDK|Java|case|\(|ratios|profile)' || { echo "the benchmark failed: see target/surefire-reports" >&2; exit 1; }

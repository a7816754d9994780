#!/usr/bin/env bash
# Importing the issue's Portus (1,000 users, 200 teams, 2,000 namespaces, 20,000 tags, 100,000 activities): a dry run,
# a real run and a second run, each timed, with the heap's peak.
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -q test -Dtest=PortusImportBench -Dsurefire.failIfNoSpecifiedTests=false "$@" 2>&1 \
  | grep -E '^(case|second)' || { echo "the benchmark failed: see target/surefire-reports" >&2; exit 1; }

#!/usr/bin/env bash
# Cost of a token request for a directory (LDAP) user, first in a sync interval and cached, next to a local one.
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -q test -Dtest=DirectoryTokenBench -Dsurefire.failIfNoSpecifiedTests=false "$@" 2>&1 \
  | grep -E '^(case)' || { echo "the benchmark failed: see target/surefire-reports" >&2; exit 1; }

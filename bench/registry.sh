#!/usr/bin/env bash
# Real registry A/B: skopeo pushes 50 small distinct images and pulls them back
# through Debian's registry (A) guarded by Portcullis (token auth, notifications to the sink) and (B) with its
# built-in htpasswd auth (bcrypt) and no notifications; rounds alternate A B A B. Prints per-round seconds,
# medians and the ratio A/B (goal <= 1.0).
# Options: -Dbench.images=50 -Dbench.rounds=3 -Dbench.parallel=1 -Dbench.bcryptCost=5 -Dbench.layerBytes=4096
#          -Dbench.tokensOnly=true adds side T (token auth, no notifications) to split the cost of A in two.
set -euo pipefail
cd "$(dirname "$0")/.."
# The test profile fetches manifest details every second (tests wait on them); production does it every 10 s.
./mvnw -B -q test -Dtest=RegistryAbBench -Dsurefire.failIfNoSpecifiedTests=false \
  "-D%test.portcullis.registry.details-every=10s" "$@" 2>&1 \
  | grep -E '^(bench|round|median|ratio)' || { echo "the benchmark failed: see target/surefire-reports" >&2; exit 1; }

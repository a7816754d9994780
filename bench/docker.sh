#!/usr/bin/env bash
# What guarding costs a docker user: Debian's docker CLI (on a dockerd of its own) pushes 50 images of three
# layers and pulls them back through Debian's registry guarded by Portcullis (A: the chart's notification settings,
# blob events ignored; N: every event; T: tokens, no notifications) and with its own htpasswd auth (B); rounds
# rotate the sides. Prints per-round seconds and CPU seconds per process, medians and the ratios X/B (goal <= 1.05).
# Options: -Dbench.images=50 -Dbench.rounds=3 -Dbench.layers=262144,65536,16384 -Dbench.sides=A,N,T,B
#          -Dbench.bcryptCost=5 -Dbench.keep=true
set -euo pipefail
cd "$(dirname "$0")/.."
# Durable commits and the production details interval (the test profile fetches every second).
./mvnw -B -q test -Dtest=DockerCliBench -Dsurefire.failIfNoSpecifiedTests=false -Dbench.durable=true \
  "-D%test.portcullis.registry.details-every=10s" "-D%test.portcullis.webhooks.poll-every=1s" "$@" 2>&1 \
  | grep -E '^(bench|round|median|ratio|profile)' || { echo "the benchmark failed: see target/surefire-reports" >&2; exit 1; }

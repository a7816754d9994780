#!/usr/bin/env bash
# Webhook deliveries/s and the delay from a push's acknowledgement to its delivery, with one webhook and with
# several, the poller at the production default (1s) unless given -D%test.portcullis.webhooks.poll-every=...
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -q test -Dtest=WebhookDeliveryBench -Dsurefire.failIfNoSpecifiedTests=false -Dbench.durable=true \
  "-D%test.portcullis.webhooks.poll-every=1s" "$@" 2>&1 \
  | grep -E '^(OpenJDK|Java|webhooks)' || { echo "the benchmark failed: see target/surefire-reports" >&2; exit 1; }

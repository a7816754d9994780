#!/usr/bin/env bash
# Start time and memory of the packaged application: builds target/quarkus-app,
# then starts `java -jar target/quarkus-app/quarkus-run.jar` against a throwaway MariaDB 1 + 5 times per JVM and
# flag set, prints the time to /q/health/ready = UP and the RSS once ready and after a load of token requests and
# events. Goals: median start <= 3 s, RSS after the load <= 300 MB.
#   JDK 25 for Maven, the bench and the app: JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64 bench/startup.sh
#   Both JDKs in one run:  bench/startup.sh -Dbench.jvms=/usr/lib/jvm/java-17-openjdk-amd64,/usr/lib/jvm/temurin-25-jdk-amd64
#   Other flag sets:       bench/startup.sh '-Dbench.flags=none=;small=-Xmx128m -XX:+UseSerialGC'
#   Skip the build:        SKIP_BUILD=1 bench/startup.sh
# Options: -Dbench.starts=5 -Dbench.tokens=5000 -Dbench.events=5000 -Dbench.connections=16
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${SKIP_BUILD:-}" ]; then
  mkdir -p target
  ./mvnw -B -q package -DskipTests >target/startup-bench-build.log 2>&1 \
    || { echo "the build failed: see target/startup-bench-build.log" >&2; exit 1; }
fi
./mvnw -B -q test -Dtest=StartupBench -Dsurefire.failIfNoSpecifiedTests=false "$@" 2>&1 \
  | grep -E '^(bench|first|jvm|start|goals|nmt)' || { echo "the benchmark failed: see target/surefire-reports and target/startup-bench" >&2; exit 1; }

#!/bin/sh
# The test base's stand-in for the production base's run-java.sh (ubi9/openjdk-17-runtime): the same variables,
# read the same way, so src/main/docker/Dockerfile.jvm runs unchanged on it. java replaces the shell (exec), so it is
# PID 1 and gets the container's SIGTERM.
set -eu
ratio="${JAVA_MAX_MEM_RATIO:-80}"
initial="${JAVA_INITIAL_MEM_RATIO:-}"
opts="-XX:MaxRAMPercentage=${ratio}.0"
[ -n "$initial" ] && opts="$opts -XX:InitialRAMPercentage=${initial}.0"
opts="$opts ${GC_CONTAINER_OPTIONS:--XX:+UseParallelGC} -XX:+ExitOnOutOfMemoryError"
cd /deployments
# Word splitting of the option strings is wanted: they hold several options each.
# shellcheck disable=SC2086
exec java $opts ${JAVA_OPTS:-} ${JAVA_OPTS_APPEND:-} -jar "${JAVA_APP_JAR:?JAVA_APP_JAR is not set}" "$@"

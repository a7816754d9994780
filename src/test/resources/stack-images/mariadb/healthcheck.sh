#!/bin/sh
# The test image's stand-in for the official image's healthcheck.sh, for the two checks the chart's probes ask:
# --connect (the server answers a client on its socket) and --innodb_initialized (InnoDB is ready), as the
# unprivileged healthcheck user the entrypoint created.
set -eu
cnf=/var/lib/mysql/.my-healthcheck.cnf
[ -f "$cnf" ] || { echo "healthcheck: not initialised yet"; exit 1; }
for check in "$@"; do
  case "$check" in
    --connect) mariadb --defaults-extra-file="$cnf" -e 'SELECT 1' > /dev/null ;;
    --innodb_initialized)
      [ "$(mariadb --defaults-extra-file="$cnf" -N -e "SELECT 1 FROM information_schema.ENGINES WHERE engine = 'InnoDB' AND support IN ('YES', 'DEFAULT')")" = 1 ] ;;
    *) echo "healthcheck: unknown check $check"; exit 2 ;;
  esac
done

#!/bin/sh
# The test image's stand-in for the official mariadb image's entrypoint, for the variables the chart sets:
# on an empty data dir it creates the system tables, MARIADB_DATABASE, MARIADB_USER with MARIADB_PASSWORD (all
# privileges on that database) and root's MARIADB_ROOT_PASSWORD, then runs mariadbd. Runs as any uid (the chart's
# 999): the data dir, /run/mysqld and /tmp are the pod's volumes; the root filesystem may be read-only.
set -eu
datadir=/var/lib/mysql
socket=/run/mysqld/mysqld.sock
common="--no-defaults --datadir=$datadir --socket=$socket --tmpdir=/tmp --pid-file=/run/mysqld/mysqld.pid"
if [ ! -d "$datadir/mysql" ]; then
  echo "entrypoint: initialising $datadir"
  mariadb-install-db --no-defaults --datadir="$datadir" --auth-root-authentication-method=normal \
    --skip-test-db --skip-name-resolve > /tmp/install-db.log 2>&1 || { cat /tmp/install-db.log; exit 1; }
  # shellcheck disable=SC2086
  mariadbd $common --skip-networking &
  pid=$!
  i=0
  until mariadb-admin --no-defaults --socket="$socket" -uroot ping > /dev/null 2>&1; do
    i=$((i + 1)); [ "$i" -lt 120 ] || { echo "entrypoint: mariadbd did not start"; exit 1; }; sleep 0.5
  done
  health="$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  mariadb --no-defaults --socket="$socket" -uroot <<SQL
CREATE DATABASE IF NOT EXISTS \`${MARIADB_DATABASE}\`;
CREATE USER '${MARIADB_USER}'@'%' IDENTIFIED BY '${MARIADB_PASSWORD}';
GRANT ALL ON \`${MARIADB_DATABASE}\`.* TO '${MARIADB_USER}'@'%';
CREATE USER 'healthcheck'@'localhost' IDENTIFIED BY '${health}';
ALTER USER 'root'@'localhost' IDENTIFIED BY '${MARIADB_ROOT_PASSWORD}';
FLUSH PRIVILEGES;
SQL
  printf '[mariadb-client]\nuser=healthcheck\npassword=%s\nsocket=%s\n' "$health" "$socket" > "$datadir/.my-healthcheck.cnf"
  chmod 600 "$datadir/.my-healthcheck.cnf"
  kill "$pid"
  wait "$pid" || true
  echo "entrypoint: initialised"
fi
# shellcheck disable=SC2086
exec mariadbd $common --port=3306 --bind-address=0.0.0.0 --skip-name-resolve "$@"

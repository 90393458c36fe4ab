#!/usr/bin/env bash
# Starts a private PostgreSQL 15 cluster for cicd's tests and local trials: its own data dir, socket dir
# and port, trust authentication on loopback only, except for members of the group role cicd_password_login,
# who must give a password (so tests can see a real password refusal). Idempotent: installs the server if
# missing, initialises the cluster once, adds the password rule to an older cluster, starts it if it is not
# running. Run as root.
set -euo pipefail

PORT="${CICD_PG_PORT:-55432}"
DATA_DIR="${CICD_PG_DATA:-/var/lib/cicd-test-postgres}"
SOCKET_DIR="${CICD_PG_SOCKET_DIR:-/run/cicd-test-postgres}"
BIN=/usr/lib/postgresql/15/bin
# Superusers do not count as members of a group in pg_hba.conf, so postgres keeps trust.
PASSWORD_RULE='host  all +cicd_password_login 127.0.0.1/32 scram-sha-256'

if [[ $(id -u) -ne 0 ]]; then
  echo "provision/postgres.sh must run as root (it installs packages and runs the server as the postgres user)" >&2
  exit 3
fi

if [[ ! -x "$BIN/pg_ctl" ]]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15 >/dev/null
fi

mkdir -p "$DATA_DIR" "$SOCKET_DIR"
chown postgres:postgres "$DATA_DIR" "$SOCKET_DIR"
chmod 700 "$DATA_DIR"

if [[ ! -f "$DATA_DIR/PG_VERSION" ]]; then
  runuser -u postgres -- "$BIN/initdb" -D "$DATA_DIR" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
  cat >"$DATA_DIR/pg_hba.conf" <<HBA
# Loopback only, no password: this cluster exists for tests on this machine.
local all all trust
host  all all 127.0.0.1/32 trust
host  all all ::1/128 trust
HBA
  cat >>"$DATA_DIR/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$SOCKET_DIR'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
CONF
fi

# The first matching line wins: the password rule goes before the trust lines.
if ! grep -qF -- "$PASSWORD_RULE" "$DATA_DIR/pg_hba.conf"; then
  sed -i "1i # Members of cicd_password_login must give a password (tests of a refused password).\n$PASSWORD_RULE" "$DATA_DIR/pg_hba.conf"
fi

if runuser -u postgres -- "$BIN/pg_ctl" -D "$DATA_DIR" status >/dev/null 2>&1; then
  runuser -u postgres -- "$BIN/pg_ctl" -D "$DATA_DIR" reload >/dev/null
else
  runuser -u postgres -- "$BIN/pg_ctl" -D "$DATA_DIR" -l "$DATA_DIR/server.log" -w -t 30 start >/dev/null
fi

for _ in $(seq 1 30); do
  if "$BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT"; then break; fi
  sleep 0.5
done
"$BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT" || { echo "PostgreSQL did not come up on 127.0.0.1:$PORT; see $DATA_DIR/server.log" >&2; exit 3; }

"$BIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -qAt -v ON_ERROR_STOP=1 >/dev/null <<'SQL'
select 'create role cicd_password_login nologin'
where not exists (select 1 from pg_roles where rolname = 'cicd_password_login')
\gexec
SQL

echo "PostgreSQL 15 is running on 127.0.0.1:$PORT (socket dir $SOCKET_DIR, data $DATA_DIR)."
echo "Connect with: postgres://postgres@127.0.0.1:$PORT/postgres"
echo "  export CICD_TEST_PG_URL=postgres://postgres@127.0.0.1:$PORT/postgres"
echo "Stop with: runuser -u postgres -- $BIN/pg_ctl -D $DATA_DIR stop"

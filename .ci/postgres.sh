#!/usr/bin/env bash
# Start a throwaway PostgreSQL server on loopback for the distributed-study tests and print the URL.
# Usage: source .ci/postgres.sh   (exports LOWDATA_EVAL_POSTGRES_URL; stops the server on shell exit)
# Installs PostgreSQL from Debian packages when it is missing. Prints a warning and exports nothing when it
# cannot, so the PostgreSQL test is skipped with a visible reason instead of the whole run failing.

pg_port=54329
pg_installed() { compgen -G '/usr/lib/postgresql/*/bin/pg_ctl' >/dev/null; }
if ! pg_installed; then
  echo "ci: installing PostgreSQL from Debian packages" >&2
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql) >/dev/null 2>&1 \
    || echo "ci: WARNING: could not install PostgreSQL; the PostgreSQL test will be skipped" >&2
fi
pg_bin=""
if pg_installed; then
  pg_bin=$(compgen -G '/usr/lib/postgresql/*/bin' | sort -V | tail -n 1 || true)
fi
if [ -n "$pg_bin" ] && id postgres >/dev/null 2>&1; then
  pg_data=$(mktemp -d /tmp/knee-ssl-pg.XXXXXX)
  chown postgres "$pg_data"
  as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
  if as_postgres "$pg_bin/initdb" -D "$pg_data/db" -A trust -U postgres >/dev/null \
     && as_postgres "$pg_bin/pg_ctl" -D "$pg_data/db" -l "$pg_data/log" -w \
          -o "-c listen_addresses=127.0.0.1 -p $pg_port -k $pg_data" start >/dev/null \
     && as_postgres "$pg_bin/createdb" -h 127.0.0.1 -p "$pg_port" -U postgres optuna_ci; then
    export LOWDATA_EVAL_POSTGRES_URL="postgresql://postgres@127.0.0.1:$pg_port/optuna_ci"
    trap 'as_postgres "$pg_bin/pg_ctl" -D "$pg_data/db" -m fast stop >/dev/null 2>&1; rm -rf "$pg_data"' EXIT
    echo "ci: PostgreSQL running at $LOWDATA_EVAL_POSTGRES_URL" >&2
  else
    echo "ci: WARNING: PostgreSQL did not start (see $pg_data/log); the PostgreSQL test will be skipped" >&2
  fi
fi

#!/bin/sh
# Runs at image build time as postgres: the shop database, its roles and a little data.
set -eu
initdb -D "$PGDATA" --auth-local=trust --auth-host=scram-sha-256 -U postgres >/dev/null
cat /opt/db/postgresql.conf >> "$PGDATA/postgresql.conf"
cp /opt/db/pg_hba.conf "$PGDATA/pg_hba.conf"
pg_ctl -D "$PGDATA" -o "-c listen_addresses=''" -w start >/dev/null
psql -X -q -v ON_ERROR_STOP=1 -U postgres -f /opt/db/init.sql
pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null

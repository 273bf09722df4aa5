#!/bin/bash
# Runs at image build time as the postgres user: initdb, roles, schema, seed, stop.
set -euo pipefail
initdb -D "$PGDATA" --username=postgres --auth-local=trust --auth-host=md5 \
       --encoding=UTF8 --locale=C.UTF-8 >/dev/null
cat /opt/db/firedrill.conf >> "$PGDATA/postgresql.conf"
cp /opt/db/pg_hba.conf "$PGDATA/pg_hba.conf"
pg_ctl -D "$PGDATA" -w -o "-c listen_addresses='' -c wal_level=minimal -c max_wal_senders=0" start >/dev/null

psql -v ON_ERROR_STOP=1 -q -d postgres <<'SQL'
-- One role per service: pg_stat_activity shows who holds the connections (usename and application_name).
CREATE ROLE shop NOLOGIN;
CREATE ROLE orders    LOGIN PASSWORD 'orders-pw'    IN ROLE shop;
CREATE ROLE payments  LOGIN PASSWORD 'payments-pw'  IN ROLE shop;
CREATE ROLE inventory LOGIN PASSWORD 'inventory-pw' IN ROLE shop;
-- The on-call engineer: reads every statistic and may cancel or terminate other sessions, but is not
-- a superuser, so a full database refuses them too.
CREATE ROLE oncall LOGIN PASSWORD 'oncall-pw' IN ROLE pg_monitor, pg_signal_backend;
-- Break-glass superuser (PostgreSQL 15 keeps superuser_reserved_connections for superusers only).
CREATE ROLE dba LOGIN SUPERUSER PASSWORD 'dba-pw';
-- The exporter runs as a superuser too, so it can still report when the applications have filled the database.
CREATE ROLE postgres_exporter LOGIN SUPERUSER PASSWORD 'exporter-pw';
CREATE DATABASE shop OWNER shop;
SQL
psql -v ON_ERROR_STOP=1 -q -d shop <<'SQL'
SET ROLE shop;
\i /opt/db/schema.sql
GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA public TO orders, payments, inventory;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO orders, payments, inventory;
GRANT SELECT ON ALL TABLES IN SCHEMA public TO oncall;
SQL
psql -v ON_ERROR_STOP=1 -q -d shop -c 'VACUUM (FREEZE, ANALYZE)'
psql -v ON_ERROR_STOP=1 -q -d shop -c 'SELECT pg_stat_reset()' >/dev/null
psql -v ON_ERROR_STOP=1 -q -d postgres -c 'CHECKPOINT'
pg_ctl -D "$PGDATA" -w -m fast stop >/dev/null
echo "build-db: done"

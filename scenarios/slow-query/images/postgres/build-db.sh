#!/bin/bash
# Runs at image build time as the postgres user: initdb, apply migrations 0001-0006, seed, stop.
# 0007 is deliberately NOT applied: that is the incident.
set -euo pipefail
: "${SEED_ORDERS:=2000000}" "${SEED_CUSTOMERS:=200000}"
start=$(date +%s)

initdb -D "$PGDATA" --username=postgres --auth-local=trust --auth-host=scram-sha-256 \
       --encoding=UTF8 --locale=C.UTF-8 >/dev/null
cat /opt/db/firedrill.conf >> "$PGDATA/postgresql.conf"
cp /opt/db/pg_hba.conf "$PGDATA/pg_hba.conf"

# Build-time settings only: little WAL (it would ship in the image), no logging of the seed.
pg_ctl -D "$PGDATA" -w -o "-c listen_addresses='' -c log_min_duration_statement=-1 -c auto_explain.log_min_duration=-1 \
  -c wal_level=minimal -c max_wal_senders=0 -c max_wal_size=64MB -c min_wal_size=32MB" start >/dev/null

psql -v ON_ERROR_STOP=1 -q -d postgres <<'SQL'
CREATE ROLE orders LOGIN PASSWORD 'orders-app-pw';
CREATE ROLE oncall LOGIN PASSWORD 'oncall-pw';
-- The on-call engineer can act as the schema owner (create indexes, ANALYZE), read all stats
-- (pg_stat_statements, pg_stat_activity) and cancel backends.
GRANT orders TO oncall;
GRANT pg_read_all_stats, pg_signal_backend TO oncall;
CREATE DATABASE shop OWNER orders;
SQL

psql -v ON_ERROR_STOP=1 -q -d shop <<'SQL'
CREATE EXTENSION pg_stat_statements;
SET ROLE orders;
CREATE TABLE schema_migrations (
    version    text        PRIMARY KEY,
    applied_at timestamptz NOT NULL DEFAULT now()
);
SQL

# Migrations 0001-0006, as the schema owner, recorded as they were (dates in the past).
i=0
for f in /opt/db/migrations/000[1-6]_*.sql; do
  v=$(basename "$f" .sql)
  i=$((i + 1))
  psql -v ON_ERROR_STOP=1 -q -U orders -d shop -1 -f "$f"
  psql -v ON_ERROR_STOP=1 -q -U orders -d shop \
       -c "INSERT INTO schema_migrations (version, applied_at) VALUES ('$v', now() - interval '$(( (7 - i) * 53 )) days')"
done

psql -q -U orders -d shop -v orders="$SEED_ORDERS" -v customers="$SEED_CUSTOMERS" -f /opt/db/seed.sql
# Freeze and analyse now so reads at run time never rewrite the heap (no hint-bit copy-up in overlayfs).
psql -v ON_ERROR_STOP=1 -q -d shop -c 'VACUUM (FREEZE, ANALYZE)'
psql -v ON_ERROR_STOP=1 -q -d shop -c 'SELECT pg_stat_reset()' >/dev/null
# Two checkpoints recycle the seed's WAL down to min_wal_size (else ~500 MB of pg_wal ships in the image).
psql -v ON_ERROR_STOP=1 -q -d postgres -c 'CHECKPOINT' -c 'CHECKPOINT'

pg_ctl -D "$PGDATA" -w -m fast stop >/dev/null
echo "build-db: $SEED_ORDERS orders, $SEED_CUSTOMERS customers in $(( $(date +%s) - start ))s"

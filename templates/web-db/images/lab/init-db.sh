#!/bin/bash
# Runs at image build time as the postgres user: a data directory with the shop database and two roles.
set -euo pipefail
initdb -D "$PGDATA" --username=postgres --auth-local=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
cp /opt/db/pg_hba.conf "$PGDATA/pg_hba.conf"
echo "listen_addresses = '*'" >> "$PGDATA/postgresql.conf"
pg_ctl -D "$PGDATA" -w -o "-c listen_addresses=''" start >/dev/null
psql -v ON_ERROR_STOP=1 -q -d postgres <<'SQL'
CREATE ROLE app LOGIN PASSWORD 'app-pw';
CREATE ROLE oncall LOGIN CREATEROLE PASSWORD 'oncall-pw';
CREATE DATABASE shop OWNER app;
SQL
psql -v ON_ERROR_STOP=1 -q -d shop -U app <<'SQL'
CREATE TABLE products (id serial PRIMARY KEY, name text NOT NULL);
INSERT INTO products (name) VALUES ('kettle'), ('teapot'), ('mug');
SQL
pg_ctl -D "$PGDATA" -w stop >/dev/null

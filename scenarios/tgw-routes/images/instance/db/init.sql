-- The shop's database (built into the image).
CREATE ROLE web LOGIN PASSWORD 'web-app-pw';
CREATE ROLE api LOGIN PASSWORD 'api-app-pw';
CREATE ROLE shop_ro LOGIN PASSWORD 'shop-readonly';
CREATE DATABASE shop;
\connect shop
CREATE TABLE products (sku text PRIMARY KEY, name text NOT NULL, price_cents integer NOT NULL);
CREATE TABLE orders (id bigserial PRIMARY KEY, sku text NOT NULL REFERENCES products, total_cents integer NOT NULL,
                     created_at timestamptz NOT NULL DEFAULT now());
INSERT INTO products VALUES
  ('mug-blue', 'Blue mug', 1200), ('tee-m', 'T-shirt M', 2500), ('cap-red', 'Red cap', 1800), ('socks', 'Socks (3)', 900);
INSERT INTO orders (sku, total_cents, created_at)
  SELECT (ARRAY['mug-blue','tee-m','cap-red','socks'])[1 + i % 4], 900 + (i % 4) * 600, now() - make_interval(mins => i * 7)
  FROM generate_series(1, 500) AS i;
GRANT SELECT, INSERT ON orders TO web;
GRANT USAGE ON SEQUENCE orders_id_seq TO web;
GRANT SELECT ON products TO web, api;
GRANT SELECT ON ALL TABLES IN SCHEMA public TO shop_ro;

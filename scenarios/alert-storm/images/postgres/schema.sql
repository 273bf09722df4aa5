-- The shop's tables and a small seed (run by build-db.sh as the owner, role shop).
\set ON_ERROR_STOP on
SELECT setseed(0.13);

CREATE TABLE orders (
    id           bigserial   PRIMARY KEY,
    customer     text        NOT NULL,
    sku          text        NOT NULL,
    qty          int         NOT NULL,
    total_cents  int         NOT NULL,
    status       text        NOT NULL DEFAULT 'placed',
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX orders_customer_idx ON orders (customer, created_at DESC);

CREATE TABLE stock (
    sku        text PRIMARY KEY,
    on_hand    int  NOT NULL,
    reserved   int  NOT NULL DEFAULT 0
);

CREATE TABLE payments (
    id          bigserial   PRIMARY KEY,
    order_ref   text        NOT NULL,
    amount_cents int        NOT NULL,
    status      text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

INSERT INTO stock (sku, on_hand)
SELECT 'SKU-' || lpad(n::text, 4, '0'), 1000000 FROM generate_series(1, 500) AS n;

INSERT INTO orders (customer, sku, qty, total_cents, status, created_at)
SELECT format('customer%s@example.com', lpad((1 + floor(random() * 20000))::int::text, 5, '0')),
       'SKU-' || lpad((1 + floor(random() * 500))::int::text, 4, '0'),
       1 + floor(random() * 3)::int,
       500 + floor(random() * 20000)::int,
       (ARRAY['delivered','delivered','delivered','shipped','placed'])[1 + floor(random() * 5)::int],
       now() - (random() * interval '365 days')
FROM generate_series(1, 100000);

INSERT INTO payments (order_ref, amount_cents, status, created_at)
SELECT 'ord-' || id, total_cents, 'captured', created_at FROM orders;

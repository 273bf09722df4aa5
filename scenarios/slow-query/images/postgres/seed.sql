-- Seed data (run by build-db.sh as the table owner). :orders and :customers are psql variables.
\set ON_ERROR_STOP on
SELECT setseed(0.42);

INSERT INTO customers (email, name, created_at)
SELECT format('customer%s@example.com', lpad(n::text, 6, '0')),
       format('Customer %s', n),
       now() - (random() * interval '900 days')
FROM generate_series(1, :customers) AS n;

-- ~10 orders per customer, two years of history, mostly delivered.
INSERT INTO orders (customer_email, status, total_cents, currency, shipping_country, created_at)
SELECT format('customer%s@example.com', lpad((1 + floor(random() * :customers))::int::text, 6, '0')),
       (ARRAY['delivered','delivered','delivered','delivered','delivered','delivered',
              'shipped','shipped','cancelled','pending'])[1 + floor(random() * 10)::int],
       500 + floor(random() * 25000)::int,
       (ARRAY['EUR','EUR','EUR','GBP','USD'])[1 + floor(random() * 5)::int],
       (ARRAY['DE','DE','FR','NL','AT','GB','US'])[1 + floor(random() * 7)::int],
       now() - (random() * interval '730 days')
FROM generate_series(1, :orders);

-- Every third customer has an open cart.
INSERT INTO carts (customer_email, items, updated_at)
SELECT email,
       jsonb_build_array(jsonb_build_object('sku', 'SKU-' || (id % 977), 'qty', 1 + id % 3, 'price_cents', 999 + id % 5000)),
       now() - (random() * interval '3 days')
FROM customers WHERE id % 3 = 0;

-- 0007: index for GET /orders/recent (release v2.0.0, "recent orders on the checkout page").
-- Must run outside a transaction (CONCURRENTLY): orders is large and written to all day.
-- migrate: no-transaction
CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_customer_email_created_at_idx
    ON orders (customer_email, created_at DESC);

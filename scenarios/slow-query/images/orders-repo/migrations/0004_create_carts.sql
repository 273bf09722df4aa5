-- 0004: one open cart per customer, looked up by email at checkout
CREATE TABLE carts (
    id             bigserial   PRIMARY KEY,
    customer_email text        NOT NULL UNIQUE,
    items          jsonb       NOT NULL DEFAULT '[]',
    updated_at     timestamptz NOT NULL DEFAULT now()
);

-- 0001: customers of the shop
CREATE TABLE customers (
    id          bigserial PRIMARY KEY,
    email       text        NOT NULL UNIQUE,
    name        text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

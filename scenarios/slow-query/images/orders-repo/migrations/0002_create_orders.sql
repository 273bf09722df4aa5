-- 0002: orders. customer_email is denormalised on purpose: checkout only knows the email.
CREATE TABLE orders (
    id             bigserial   PRIMARY KEY,
    customer_email text        NOT NULL,
    status         text        NOT NULL DEFAULT 'pending',
    total_cents    integer     NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now()
);

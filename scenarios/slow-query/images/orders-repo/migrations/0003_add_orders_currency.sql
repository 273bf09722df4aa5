-- 0003: multi-currency checkout
ALTER TABLE orders ADD COLUMN currency char(3) NOT NULL DEFAULT 'EUR';

-- 0005: shipping country for tax rules
ALTER TABLE orders ADD COLUMN shipping_country char(2) NOT NULL DEFAULT 'DE';

-- 0006: the fulfilment worker polls pending orders
CREATE INDEX orders_pending_idx ON orders (created_at) WHERE status = 'pending';

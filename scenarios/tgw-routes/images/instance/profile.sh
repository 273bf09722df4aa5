# ec2-user's session on a lab instance.
export PGHOST=db.shop.internal PGDATABASE=shop PGUSER=shop_ro PGCONNECT_TIMEOUT=5 PAGER=less LESS=-FRX

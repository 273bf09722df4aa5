"""api: prices. GET /quote?sku= reads the price from db (same VPC as db)."""
import time
from urllib.parse import parse_qs, urlsplit

import psycopg2

from common import JsonHandler, log, serve

DSN = 'host=db.shop.internal dbname=shop user=api password=api-app-pw connect_timeout=3 application_name=api-quote'


class Handler(JsonHandler):
    def do_GET(self):
        url = urlsplit(self.path)
        if url.path == '/healthz':
            return self.answer(200, {'ok': True})
        if url.path != '/quote':
            return self.answer(404, {'error': 'not found'})
        sku = parse_qs(url.query).get('sku', ['mug-blue'])[0]
        started = time.monotonic()
        try:
            with psycopg2.connect(DSN) as conn, conn.cursor() as cur:
                cur.execute('SELECT price_cents FROM products WHERE sku = %s', (sku,))
                row = cur.fetchone()
            conn.close()
        except psycopg2.OperationalError as error:
            log('api', f'GET /quote 503 error="{str(error).strip().splitlines()[0]}"')
            return self.answer(503, {'error': 'database unavailable'})
        if not row:
            return self.answer(404, {'error': f'unknown sku {sku}'})
        log('api', f'GET /quote?sku={sku} 200 {round((time.monotonic() - started) * 1000)}ms')
        return self.answer(200, {'sku': sku, 'price_cents': row[0]})


if __name__ == '__main__':
    log('api', 'listening on :8080')
    serve(Handler, 8080)

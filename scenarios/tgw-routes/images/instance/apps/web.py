"""web: the shop's frontend. GET /checkout prices a product with api and records the order in db."""
import json
import random
import time
import urllib.request

import psycopg2

from common import JsonHandler, log, serve

DSN = 'host=db.shop.internal dbname=shop user=web password=web-app-pw connect_timeout=2 application_name=web-checkout'
API = 'http://api.shop.internal:8080'
SKUS = ['mug-blue', 'tee-m', 'cap-red', 'socks']


def checkout():
    sku = random.choice(SKUS)
    started = time.monotonic()
    try:
        with urllib.request.urlopen(f'{API}/quote?sku={sku}', timeout=2) as response:
            quote = json.load(response)
    except Exception as error:  # what the customer sees is the point: every failure becomes a 503
        return 503, {'ok': False, 'error': f'pricing service unavailable: {error}'}, started
    try:
        with psycopg2.connect(DSN) as conn, conn.cursor() as cur:
            cur.execute('INSERT INTO orders (sku, total_cents) VALUES (%s, %s) RETURNING id', (sku, quote['price_cents']))
            order = cur.fetchone()[0]
        conn.close()
    except psycopg2.OperationalError as error:
        reason = str(error).strip().splitlines()[0]
        return 503, {'ok': False, 'error': f'could not record the order: {reason}'}, started
    return 200, {'ok': True, 'order': order, 'sku': sku, 'total_cents': quote['price_cents']}, started


class Handler(JsonHandler):
    def do_GET(self):
        if self.path == '/healthz':
            return self.answer(200, {'ok': True})
        if self.path.startswith('/checkout'):
            status, body, started = checkout()
            ms = round((time.monotonic() - started) * 1000)
            log('web', f"GET /checkout {status} {ms}ms" + ('' if body['ok'] else f" error=\"{body['error']}\""))
            return self.answer(status, body)
        return self.answer(404, {'error': 'not found'})


if __name__ == '__main__':
    log('web', 'listening on :80')
    serve(Handler, 80)

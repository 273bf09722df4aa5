"""monitoring: probes the shop from the shared-services VPC every 5 s and keeps the last results.
GET /status: targets with their last result; an alert when checkout failed three times in a row."""
import threading
import time
import urllib.error
import urllib.request

from common import JsonHandler, log, serve

TARGETS = [
    ('web-checkout', 'http://web.shop.internal/checkout'),
    ('web-health', 'http://web.shop.internal/healthz'),
    ('api-health', 'http://api.shop.internal:8080/healthz'),
]
history = {name: [] for name, _ in TARGETS}
lock = threading.Lock()


def probe(url):
    started = time.monotonic()
    try:
        with urllib.request.urlopen(url, timeout=4) as response:
            return {'up': True, 'status': response.status, 'ms': round((time.monotonic() - started) * 1000)}
    except urllib.error.HTTPError as error:
        detail = error.read().decode(errors='replace').strip()[:200]
        return {'up': False, 'status': error.code, 'error': detail, 'ms': round((time.monotonic() - started) * 1000)}
    except Exception as error:
        return {'up': False, 'error': str(getattr(error, 'reason', error)), 'ms': round((time.monotonic() - started) * 1000)}


def loop():
    while True:
        for name, url in TARGETS:
            result = dict(probe(url), at=time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime()))
            with lock:
                was_up = history[name][-1]['up'] if history[name] else None
                history[name] = (history[name] + [result])[-60:]
            if was_up is not None and was_up != result['up']:
                log('monitoring', f"{name} is {'UP' if result['up'] else 'DOWN'}: {result.get('error', result.get('status'))}")
        time.sleep(5)


class Handler(JsonHandler):
    def do_GET(self):
        if self.path == '/healthz':
            return self.answer(200, {'ok': True})
        if self.path != '/status':
            return self.answer(404, {'error': 'not found'})
        with lock:
            targets = [{'name': name, 'url': url, 'last': history[name][-1] if history[name] else None,
                        'failuresInARow': next((i for i, r in enumerate(reversed(history[name])) if r['up']), len(history[name]))}
                       for name, url in TARGETS]
        alerts = [f"CheckoutErrors: {t['failuresInARow']} failed checkouts in a row" for t in targets
                  if t['name'] == 'web-checkout' and t['failuresInARow'] >= 3]
        return self.answer(200, {'targets': targets, 'alerts': alerts})


if __name__ == '__main__':
    threading.Thread(target=loop, daemon=True).start()
    log('monitoring', 'probing web and api every 5 s; status on :9090/status')
    serve(Handler, 9090)

"""labnet-ctl: the trainer's side of the agent (faults, reverts, checks), run inside the agent container.

    labnet-ctl call --as <principal> [--tolerate CODE]... <Action> Key=Value...
        one EC2 call as a principal of world.json, audited like any other; --tolerate makes an
        error code count as success (reverts are idempotent: the learner may have fixed it already)
    labnet-ctl route <table name|id> <cidr>         the route for exactly that CIDR: "static blackhole",
                                                    "static active vpc-b", "propagated active vpc-b" or "none"
    labnet-ctl association <attachment name|id>     the route table it is associated with, or "none"
    labnet-ctl propagation <table> <attachment>     "enabled" or "disabled"
    labnet-ctl vpc-route <vpc name> <cidr>          "tgw" or "none"
    labnet-ctl state | plan | audit                 JSON
"""
import json
import os
import sys
import urllib.error
import urllib.request

ADMIN = os.environ.get('LABNET_ADMIN', 'http://127.0.0.1:8081')


def get(path):
    with urllib.request.urlopen(ADMIN + path, timeout=10) as response:
        return json.load(response)


def post(path, body):
    request = urllib.request.Request(ADMIN + path, data=json.dumps(body).encode(), method='POST', headers={'Content-Type': 'application/json'})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.load(response)
    except urllib.error.HTTPError as error:
        return json.load(error)


def _value(text):
    if text in ('true', 'false'):
        return text == 'true'
    return text


def call(args):
    principal = 'firedrill'
    tolerate = set()
    while args and args[0].startswith('--'):
        flag = args.pop(0)
        if flag == '--as':
            principal = args.pop(0)
        elif flag == '--tolerate':
            tolerate.add(args.pop(0))
        else:
            raise SystemExit(f'unknown flag {flag}')
    action = args.pop(0)
    params = {}
    for pair in args:
        key, _, value = pair.partition('=')
        params[key] = _value(value)
    answer = post('/admin/call', {'as': principal, 'action': action, 'params': params})
    if 'error' in answer:
        code = answer['error']['Code'] if isinstance(answer['error'], dict) else answer['error']
        if code in tolerate:
            print(f'{action}: {code} (tolerated)')
            return 0
        print(f"{action} failed: {answer['error']}", file=sys.stderr)
        return 1
    print(json.dumps(answer['result']))
    return 0


def _table(state, key):
    for name, table in state['tgwRouteTables'].items():
        if key in (name, table['id']):
            return name, table
    raise SystemExit(f'no TGW route table {key}')


def _attachment_name(state, key):
    plan = get('/admin/plan')
    for entry in plan['interfaces']:
        if key in (entry['name'], entry['attachment']):
            return entry['name']
    raise SystemExit(f'no attachment {key}')


def main(argv):
    if not argv:
        print(__doc__)
        return 2
    command, args = argv[0], list(argv[1:])
    if command == 'call':
        return call(args)
    if command in ('state', 'plan', 'audit'):
        print(json.dumps(get(f'/admin/{command}'), indent=1))
        return 0
    state = get('/admin/state')
    if command == 'route':
        _, table = _table(state, args[0])
        plan = get('/admin/plan')
        names = {i['attachment']: i['name'] for i in plan['interfaces']}
        for route in table['routes']:
            if route['cidr'] == args[1]:
                target = 'blackhole' if route['state'] == 'blackhole' else f"active {names[route['attachment']]}"
                print(f"{route['type']} {target}")
                return 0
        print('none')
        return 0
    if command == 'association':
        print(state['associations'].get(_attachment_name(state, args[0]), 'none'))
        return 0
    if command == 'propagation':
        name, _ = _table(state, args[0])
        print('enabled' if f'{name}<-{_attachment_name(state, args[1])}' in state['propagations'] else 'disabled')
        return 0
    if command == 'vpc-route':
        routes = state['vpcRouteTables'].get(args[0])
        if routes is None:
            raise SystemExit(f'no VPC {args[0]}')
        found = [r for r in routes if r['cidr'] == args[1]]
        print(('local' if found[0]['target'] == 'local' else 'tgw') if found else 'none')
        return 0
    print(__doc__)
    return 2


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))

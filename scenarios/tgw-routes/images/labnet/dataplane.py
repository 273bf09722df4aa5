"""The Transit Gateway's data plane: applies the agent's plan (render.py) to this container's kernel and
checks that the kernel matches it. Runs inside the TGW container (NET_ADMIN, forwarding on).

    python3 -m labnet.dataplane run      follow the agent: long-poll the plan, converge, report back
    python3 -m labnet.dataplane verify   exit 0 when the kernel matches the agent's current plan

Converging is a diff (add what is missing, delete what is extra), never a flush, so a change moves
only the routes it touches. Rules at priority 32000 (`iif <interface> blackhole`) sit below every
managed rule and above the main table, so a packet from any interface is never forwarded through the
main table (which Docker fills with routes between all the VPC networks), even while a plan is applied.
"""
import ipaddress
import json
import os
import subprocess
import sys
import time
import urllib.request

MANAGED_PREFS = range(1000, 32000)
GUARD_PREF = 32000
MANAGED_TABLES = range(100, 200)


def ip(*args, check=True):
    result = subprocess.run(['ip', *args], capture_output=True, text=True)
    if check and result.returncode != 0:
        raise RuntimeError(f"ip {' '.join(args)}: {result.stderr.strip()}")
    return result.stdout


def ip_json(*args):
    out = ip('-j', *args)
    return json.loads(out) if out.strip() else []


def interfaces():
    """{ifname: [addresses]} for every interface but lo."""
    out = {}
    for link in ip_json('addr', 'show'):
        if link['ifname'] == 'lo':
            continue
        out[link['ifname']] = [a['local'] for a in link.get('addr_info', []) if a.get('family') == 'inet']
    return out


def interface_names(plan, links):
    """Attachment name → this container's interface, found by the attachment's ENI address."""
    names = {}
    for entry in plan['interfaces']:
        for ifname, addresses in links.items():
            if entry['eniIp'] in addresses:
                names[entry['name']] = ifname
        if entry['name'] not in names:
            raise RuntimeError(f"no interface holds {entry['eniIp']} (attachment {entry['name']})")
    return names


# ------------------------------------------------------------------ desired and actual, in one normal form


def _rule_to(to):
    """The kernel shows a rule for 0.0.0.0/0 with no destination at all."""
    return None if to in (None, '0.0.0.0/0', 'default') else str(ipaddress.ip_network(to))


def desired_rules(plan, names):
    rules = set()
    for r in plan['rules']:
        rules.add((r['pref'], names[r['iif']], _rule_to(r.get('to')), str(r['table']) if 'table' in r else None, r.get('action')))
    return rules


def actual_rules():
    rules = set()
    for r in ip_json('rule', 'show'):
        if r['priority'] not in MANAGED_PREFS:
            continue
        to = _rule_to(f"{r['dst']}/{r.get('dstlen', 32)}") if 'dst' in r and r['dst'] != 'all' else None
        rules.add((r['priority'], r.get('iif'), to, r.get('table') if 'action' not in r else None, r.get('action')))
    return rules


def _route_key(dst, blackhole, dev, proto):
    dst = 'default' if dst in ('default', '0.0.0.0/0') else str(ipaddress.ip_network(dst))
    return (dst, 'blackhole' if blackhole else 'unicast', None if blackhole else dev, str(proto))


def desired_routes(plan, names):
    tables = {}
    for number, table in plan['tables'].items():
        tables[str(number)] = {_route_key(r['to'], r.get('blackhole'), names.get(r.get('dev')), r['proto']) for r in table['routes']}
    return tables


def actual_routes():
    tables = {}
    for r in ip_json('route', 'show', 'table', 'all'):
        table = str(r.get('table', 'main'))
        if not table.isdigit() or int(table) not in MANAGED_TABLES:
            continue
        tables.setdefault(table, set()).add(_route_key(r['dst'], r.get('type') == 'blackhole', r.get('dev'), r.get('protocol', '')))
    return tables


def router_addresses(plan, names):
    return {(names[i['name']], i['routerIp'], i['prefixlen']) for i in plan['interfaces']}


def differences(plan):
    """Human-readable differences between the kernel and the plan; empty when they agree."""
    links = interfaces()
    names = interface_names(plan, links)
    problems = []
    for ifname, address, _ in sorted(router_addresses(plan, names)):
        if address not in links.get(ifname, []):
            problems.append(f'router address {address} missing on {ifname}')
    for ifname in sorted(links):
        if (GUARD_PREF, ifname) not in {(r['priority'], r.get('iif')) for r in ip_json('rule', 'show') if r.get('action') == 'blackhole'}:
            problems.append(f'guard rule {GUARD_PREF} missing for {ifname}')
    want, have = desired_rules(plan, names), actual_rules()
    problems += [f'rule missing: {r}' for r in sorted(want - have, key=str)]
    problems += [f'rule not in the plan: {r}' for r in sorted(have - want, key=str)]
    want_routes, have_routes = desired_routes(plan, names), actual_routes()
    for table in sorted(set(want_routes) | set(have_routes)):
        for route in sorted(want_routes.get(table, set()) - have_routes.get(table, set()), key=str):
            problems.append(f'table {table}: route missing: {route}')
        for route in sorted(have_routes.get(table, set()) - want_routes.get(table, set()), key=str):
            problems.append(f'table {table}: route not in the plan: {route}')
    return problems


# ------------------------------------------------------------------ converging


def _rule_args(rule):
    pref, iif, to, table, action = rule
    args = ['pref', str(pref), 'iif', iif]
    if to:
        args += ['to', to]
    args += ['lookup', table] if table else [action]
    return args


def _route_args(route, table):
    dst, kind, dev, proto = route
    args = ['blackhole', dst] if kind == 'blackhole' else [dst, 'dev', dev, 'scope', 'link']
    return args + ['table', table, 'proto', proto]


def apply(plan):
    links = interfaces()
    names = interface_names(plan, links)
    for ifname, address, prefixlen in router_addresses(plan, names):
        if address not in links.get(ifname, []):
            ip('addr', 'add', f'{address}/{prefixlen}', 'dev', ifname)
    guarded = {r.get('iif') for r in ip_json('rule', 'show') if r['priority'] == GUARD_PREF}
    for ifname in links:
        if ifname not in guarded:
            ip('rule', 'add', 'pref', str(GUARD_PREF), 'iif', ifname, 'blackhole')
    # Routes before rules: a rule never points at a table that is not ready yet.
    want_routes, have_routes = desired_routes(plan, names), actual_routes()
    for table, routes in want_routes.items():
        for route in routes - have_routes.get(table, set()):
            ip('route', 'replace', *_route_args(route, table))
    for table, routes in have_routes.items():
        for route in routes - want_routes.get(table, set()):
            # `replace` already swapped a route whose destination stayed; deleting that one again would remove the new one.
            if any(w[0] == route[0] for w in want_routes.get(table, set())):
                continue
            ip('route', 'del', *_route_args(route, table), check=False)
    want, have = desired_rules(plan, names), actual_rules()
    for rule in have - want:
        ip('rule', 'del', *_rule_args(rule), check=False)
    for rule in sorted(want - have):
        ip('rule', 'add', *_rule_args(rule))
    ip('route', 'flush', 'cache', check=False)


# ------------------------------------------------------------------ talking to the agent

# Written once the first plan is applied and verified: the container's healthcheck (a file test, no Python start-up
# every half second).
READY = os.environ.get('LABNET_READY_FILE', '/run/labnet/ready')


def _service_env(name):
    """A setting from this process's environment or, failing that, from the container's main process.

    Firedrill runs checks as root under `env -i` (so a learner's environment cannot bend them): `verify` then
    has none of the service's settings, and reads them where the service itself got them."""
    if os.environ.get(name):
        return os.environ[name]
    try:
        with open('/proc/1/environ', 'rb') as handle:
            for entry in handle.read().split(b'\0'):
                key, _, value = entry.partition(b'=')
                if key.decode(errors='replace') == name:
                    return value.decode(errors='replace')
    except OSError:
        pass
    return ''


AGENT = _service_env('LABNET_AGENT') or 'http://ec2-agent:8080'
TOKEN = _service_env('LABNET_DATAPLANE_TOKEN')


def fetch_plan(after=None, timeout=30):
    url = f'{AGENT}/v1/dataplane' + (f'?after={after}' if after is not None else '')
    request = urllib.request.Request(url, headers={'X-Lab-Token': TOKEN})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.load(response)


def report(version, ok, detail):
    body = json.dumps({'version': version, 'ok': ok, 'detail': detail}).encode()
    request = urllib.request.Request(f'{AGENT}/v1/dataplane/status', data=body, method='POST', headers={'X-Lab-Token': TOKEN, 'Content-Type': 'application/json'})
    try:
        urllib.request.urlopen(request, timeout=5).read()
    except OSError as error:
        print(f'dataplane: could not report version {version}: {error}', file=sys.stderr, flush=True)


def mark_ready():
    os.makedirs(os.path.dirname(READY), exist_ok=True)
    with open(READY, 'w', encoding='utf-8') as handle:
        handle.write('ready\n')


def run():
    version = None
    while True:
        try:
            plan = fetch_plan(after=version)
        except OSError as error:
            print(f'dataplane: agent unreachable ({error}); retrying', file=sys.stderr, flush=True)
            time.sleep(1)
            continue
        try:
            apply(plan)
            problems = differences(plan)
            if problems:
                raise RuntimeError('; '.join(problems))
            if plan['version'] != version:
                print(f"dataplane: version {plan['version']} applied", flush=True)
            if version is None:
                mark_ready()
            version = plan['version']
            report(version, True, 'applied')
        except Exception as error:  # the loop must survive a bad plan and say why
            print(f"dataplane: version {plan.get('version')} failed: {error}", file=sys.stderr, flush=True)
            report(plan.get('version'), False, str(error))
            time.sleep(1)


def verify(quiet=False):
    plan = fetch_plan(timeout=5)
    problems = differences(plan)
    if problems:
        print(f"data plane differs from the agent's state (version {plan['version']}):")
        for problem in problems:
            print(f'  {problem}')
        return 1
    if not quiet:
        print(f"data plane matches the agent's state (version {plan['version']})")
    return 0


if __name__ == '__main__':
    command = sys.argv[1] if len(sys.argv) > 1 else 'run'
    if command == 'run':
        run()
    elif command == 'verify':
        sys.exit(verify(quiet='--quiet' in sys.argv))
    else:
        print('usage: python3 -m labnet.dataplane run|verify [--quiet]', file=sys.stderr)
        sys.exit(2)

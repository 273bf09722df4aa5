"""The state, rendered into the Linux data plane of the Transit Gateway container (a plan the TGW applies).

How AWS semantics map onto Linux policy routing, in the order a packet meets them:

1. VPC route table (the VPC router): traffic from a VPC arrives on that VPC's interface (its instances'
   default gateway, the VPC router address .1). One `ip rule iif <vpc> to <cidr>` per route of the VPC's
   route table, longest prefix first (rules are first-match, so sorting by prefix length gives longest-prefix
   semantics). A route to the TGW looks up the kernel table of the TGW route table the VPC's attachment is
   associated with; an attachment with no association drops. Anything else falls to a final
   `iif <vpc> blackhole` rule: AWS drops what the VPC route table has no route for.
2. TGW route table: one kernel table per TGW route table. Propagated and static routes send traffic
   out of the destination attachment's interface (on-link: the destination VPC's hosts answer ARP);
   static blackhole routes and a catch-all `blackhole default` (unless the table has its own 0.0.0.0/0 route)
   drop silently, as AWS does (an
   `unreachable` route would answer with ICMP and show the wrong symptom). The kernel's longest-prefix
   match is AWS's; a static route replaces a propagated one for the same CIDR.

Route protocols tell the routes apart in `ip route show table N`: 180 propagated, 181 static, 182 the
implicit catch-all.
"""
import ipaddress

FIRST_TABLE = 101
RULE_BASE = 1000
RULES_PER_VPC = 100
PROTO = {'propagated': 180, 'static': 181, 'implicit': 182}


def table_numbers(world):
    return {t['id']: FIRST_TABLE + i for i, t in enumerate(world.route_tables)}


def plan(world):
    numbers = table_numbers(world)
    interfaces = []
    rules = []
    for index, attachment in enumerate(world.attachments):
        vpc = world.vpc_by_id[attachment['vpcId']]
        prefixlen = ipaddress.ip_network(vpc['cidr']).prefixlen
        interfaces.append({
            'name': attachment['name'],
            'attachment': attachment['id'],
            'eniIp': attachment['eniIp'],
            'routerIp': vpc['routerIp'],
            'prefixlen': prefixlen,
        })
        base = RULE_BASE + index * RULES_PER_VPC
        vpc_routes = [r for r in world.vpc_table_routes(vpc['routeTable']['id']) if r['target'] != 'local']
        vpc_routes.sort(key=lambda r: (-ipaddress.ip_network(r['cidr']).prefixlen, int(ipaddress.ip_network(r['cidr']).network_address)))
        if len(vpc_routes) >= RULES_PER_VPC - 1:
            raise ValueError(f"VPC route table of {vpc['name']} has more routes than the data plane reserves")
        associated = world.association_of(attachment['id'])
        for offset, route in enumerate(vpc_routes):
            rule = {'pref': base + offset, 'iif': attachment['name'], 'to': route['cidr']}
            if route['target'] == world.tgw['id'] and associated:
                rule['table'] = numbers[associated]
            else:
                rule['action'] = 'blackhole'
            rules.append(rule)
        rules.append({'pref': base + RULES_PER_VPC - 1, 'iif': attachment['name'], 'action': 'blackhole'})
    tables = {}
    for table in world.route_tables:
        routes = []
        for route in world.tgw_routes(table['id']):
            entry = {'to': route['cidr'], 'proto': PROTO[route['type']]}
            if route['state'] == 'blackhole':
                entry['blackhole'] = True
            else:
                entry['dev'] = world.attachment_by_id[route['attachment']]['name']
            routes.append(entry)
        if not any(r['to'] == '0.0.0.0/0' for r in routes):
            # A route for 0.0.0.0/0 (static, pointing somewhere) replaces the implicit drop, as in AWS.
            routes.append({'to': 'default', 'blackhole': True, 'proto': PROTO['implicit']})
        tables[str(numbers[table['id']])] = {'name': table['name'], 'id': table['id'], 'routes': routes}
    return {'version': world.version, 'interfaces': interfaces, 'rules': rules, 'tables': tables}

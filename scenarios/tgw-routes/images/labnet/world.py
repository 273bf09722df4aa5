"""The lab's account: the catalogue (world.json: VPCs, subnets, the TGW, its attachments and route
tables, who may call) and the state that changes (associations, propagations, static and blackhole
routes, VPC routes), with the AWS semantics and errors of every change.

Propagated routes are never stored: they are derived from the propagations, as AWS derives them, so the
answer of search-transit-gateway-routes and the data plane come from the same place.
"""
import ipaddress
import json
import os
import tempfile

from .awsproto import ApiError


def network(cidr, parameter='destinationCidrBlock'):
    """A CIDR as AWS accepts it: IPv4, no host bits set."""
    try:
        net = ipaddress.ip_network(cidr, strict=True)
    except ValueError:
        raise ApiError('InvalidParameterValue', f'Value ({cidr}) for parameter {parameter} is invalid. This is not a valid CIDR block.') from None
    if net.version != 4:
        raise ApiError('InvalidParameterValue', f'Value ({cidr}) for parameter {parameter} is invalid. Only IPv4 CIDR blocks are used in this network.')
    return net


def cidr_key(cidr):
    """Sort order of routes: by address, then by prefix length (as AWS lists them)."""
    net = ipaddress.ip_network(cidr)
    return (int(net.network_address), net.prefixlen)


class World:
    def __init__(self, catalogue):
        self.catalogue = catalogue
        self.account = catalogue['account']
        self.region = catalogue['region']
        self.tgw = catalogue['transitGateway']
        self.vpcs = catalogue['vpcs']
        self.vpc_by_name = {v['name']: v for v in self.vpcs}
        self.vpc_by_id = {v['id']: v for v in self.vpcs}
        self.subnets = [dict(s, vpc=v['id']) for v in self.vpcs for s in v['subnets']]
        self.subnet_by_name = {s['name']: s for s in self.subnets}
        self.attachments = []
        for a in catalogue['attachments']:
            vpc = self.vpc_by_name[a['vpc']]
            self.attachments.append(dict(a, vpcId=vpc['id'], cidr=vpc['cidr'], subnetId=self.subnet_by_name[a['subnet']]['id']))
        self.attachment_by_id = {a['id']: a for a in self.attachments}
        self.attachment_by_name = {a['name']: a for a in self.attachments}
        self.route_tables = catalogue['routeTables']
        self.route_table_by_id = {t['id']: t for t in self.route_tables}
        self.route_table_by_name = {t['name']: t for t in self.route_tables}
        self.vpc_route_table_by_id = {v['routeTable']['id']: dict(v['routeTable'], vpc=v['id']) for v in self.vpcs}
        self.principals = catalogue['principals']
        self.version = 0
        self.reset()

    # ------------------------------------------------------------------ the changing part

    def reset(self):
        """The state world.json describes (the steady state of the lab)."""
        self.associations = {}  # attachment id -> route table id
        self.propagations = set()  # (route table id, attachment id)
        self.static = {}  # route table id -> {cidr: attachment id, or None for a blackhole}
        for table in self.route_tables:
            self.static[table['id']] = {}
            for name in table['associations']:
                self.associations[self.attachment_by_name[name]['id']] = table['id']
            for name in table['propagations']:
                self.propagations.add((table['id'], self.attachment_by_name[name]['id']))
            for route in table['static']:
                self.static[table['id']][route['cidr']] = None if route.get('blackhole') else self.attachment_by_name[route['attachment']]['id']
        self.vpc_routes = {}  # vpc route table id -> {cidr: transit gateway id}
        for vpc in self.vpcs:
            self.vpc_routes[vpc['routeTable']['id']] = {r['cidr']: self.tgw['id'] for r in vpc['routeTable']['routes']}
        self.version += 1

    def to_json(self):
        return {
            'version': self.version,
            'associations': self.associations,
            'propagations': sorted([list(p) for p in self.propagations]),
            'static': self.static,
            'vpcRoutes': self.vpc_routes,
        }

    def load_json(self, data):
        self.version = data['version']
        self.associations = dict(data['associations'])
        self.propagations = {tuple(p) for p in data['propagations']}
        self.static = {k: dict(v) for k, v in data['static'].items()}
        self.vpc_routes = {k: dict(v) for k, v in data['vpcRoutes'].items()}

    def save(self, path):
        """Atomically: a crash mid-write leaves the previous state, never half of one."""
        directory = os.path.dirname(path) or '.'
        os.makedirs(directory, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=directory, prefix='.state-')
        with os.fdopen(fd, 'w', encoding='utf-8') as handle:
            json.dump(self.to_json(), handle, indent=1, sort_keys=True)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)

    def changed(self):
        self.version += 1

    # ------------------------------------------------------------------ lookups with AWS's errors

    def route_table(self, table_id):
        table = self.route_table_by_id.get(table_id or '')
        if not table:
            raise ApiError('InvalidRouteTableID.NotFound', f"The transitGatewayRouteTable ID '{table_id}' does not exist.")
        return table

    def attachment(self, attachment_id):
        attachment = self.attachment_by_id.get(attachment_id or '')
        if not attachment:
            raise ApiError('InvalidTransitGatewayAttachmentID.NotFound', f"The transitGatewayAttachment ID '{attachment_id}' does not exist.")
        return attachment

    def vpc_route_table(self, rtb_id):
        table = self.vpc_route_table_by_id.get(rtb_id or '')
        if not table:
            raise ApiError('InvalidRouteTableID.NotFound', f"The routeTable ID '{rtb_id}' does not exist")
        return table

    def transit_gateway(self, tgw_id):
        if tgw_id != self.tgw['id']:
            raise ApiError('InvalidTransitGatewayID.NotFound', f"The transitGateway ID '{tgw_id}' does not exist.")
        return self.tgw

    # ------------------------------------------------------------------ derived views

    def tgw_routes(self, table_id):
        """Every route of a TGW route table: {cidr, type, state, attachment}; a static route wins over a propagated one."""
        routes = {}
        for table, attachment_id in self.propagations:
            if table == table_id:
                cidr = self.attachment_by_id[attachment_id]['cidr']
                routes[cidr] = {'cidr': cidr, 'type': 'propagated', 'state': 'active', 'attachment': attachment_id}
        for cidr, attachment_id in self.static.get(table_id, {}).items():
            routes[cidr] = {'cidr': cidr, 'type': 'static', 'state': 'blackhole' if attachment_id is None else 'active', 'attachment': attachment_id}
        return [routes[c] for c in sorted(routes, key=cidr_key)]

    def vpc_table_routes(self, rtb_id):
        """A VPC route table: its local route first, then the others by destination."""
        table = self.vpc_route_table_by_id[rtb_id]
        vpc = self.vpc_by_id[table['vpc']]
        routes = [{'cidr': vpc['cidr'], 'target': 'local', 'origin': 'CreateRouteTable', 'state': 'active'}]
        for cidr in sorted(self.vpc_routes[rtb_id], key=cidr_key):
            routes.append({'cidr': cidr, 'target': self.vpc_routes[rtb_id][cidr], 'origin': 'CreateRoute', 'state': 'active'})
        return routes

    def association_of(self, attachment_id):
        return self.associations.get(attachment_id)

    # ------------------------------------------------------------------ TGW route changes

    def _route_target(self, attachment_id, blackhole, verb):
        if blackhole and attachment_id:
            raise ApiError('InvalidParameterCombination', 'You cannot specify both a blackhole route and a transit gateway attachment.')
        if not blackhole and not attachment_id:
            raise ApiError('MissingParameter', f'The request must contain the parameter TransitGatewayAttachmentId or Blackhole to {verb} a route.')
        return None if blackhole else self.attachment(attachment_id)['id']

    def create_tgw_route(self, table_id, cidr, attachment_id=None, blackhole=False):
        table = self.route_table(table_id)
        net = str(network(cidr))
        target = self._route_target(attachment_id, blackhole, 'create')
        if net in self.static[table['id']]:
            raise ApiError('RouteAlreadyExists', f"Route {net} already exists in Transit Gateway Route Table {table['id']}.")
        self.static[table['id']][net] = target
        self.changed()
        return self.route_view(table['id'], net)

    def replace_tgw_route(self, table_id, cidr, attachment_id=None, blackhole=False):
        table = self.route_table(table_id)
        net = str(network(cidr))
        target = self._route_target(attachment_id, blackhole, 'replace')
        if net not in self.static[table['id']]:
            raise ApiError('InvalidRoute.NotFound', f"Route {net} does not exist in Transit Gateway Route Table {table['id']}.")
        self.static[table['id']][net] = target
        self.changed()
        return self.route_view(table['id'], net)

    def delete_tgw_route(self, table_id, cidr):
        table = self.route_table(table_id)
        net = str(network(cidr))
        if net not in self.static[table['id']]:
            propagated = any(r['cidr'] == net and r['type'] == 'propagated' for r in self.tgw_routes(table['id']))
            hint = ' It is a propagated route: disable the propagation instead.' if propagated else ''
            raise ApiError('InvalidRoute.NotFound', f"Route {net} does not exist in Transit Gateway Route Table {table['id']}.{hint}")
        before = self.route_view(table['id'], net)
        del self.static[table['id']][net]
        self.changed()
        return dict(before, state='deleted')

    def route_view(self, table_id, cidr):
        for route in self.tgw_routes(table_id):
            if route['cidr'] == cidr:
                return route
        return None

    # ------------------------------------------------------------------ associations and propagations

    def associate(self, table_id, attachment_id):
        table = self.route_table(table_id)
        attachment = self.attachment(attachment_id)
        if attachment['id'] in self.associations:
            raise ApiError('Resource.AlreadyAssociated', f"Transit Gateway Attachment {attachment['id']} is already associated to a route table.")
        self.associations[attachment['id']] = table['id']
        self.changed()
        return table, attachment

    def disassociate(self, table_id, attachment_id):
        table = self.route_table(table_id)
        attachment = self.attachment(attachment_id)
        if self.associations.get(attachment['id']) != table['id']:
            raise ApiError(
                'InvalidAssociation.NotFound',
                f"Transit Gateway Attachment {attachment['id']} is not associated with Transit Gateway Route Table {table['id']}.",
            )
        del self.associations[attachment['id']]
        self.changed()
        return table, attachment

    def enable_propagation(self, table_id, attachment_id):
        table = self.route_table(table_id)
        attachment = self.attachment(attachment_id)
        key = (table['id'], attachment['id'])
        if key in self.propagations:
            raise ApiError(
                'TransitGatewayRouteTablePropagation.Duplicate',
                f"Propagation of {attachment['id']} to Transit Gateway Route Table {table['id']} is already enabled.",
            )
        self.propagations.add(key)
        self.changed()
        return table, attachment

    def disable_propagation(self, table_id, attachment_id):
        table = self.route_table(table_id)
        attachment = self.attachment(attachment_id)
        key = (table['id'], attachment['id'])
        if key not in self.propagations:
            raise ApiError(
                'TransitGatewayRouteTablePropagation.NotFound',
                f"Propagation of {attachment['id']} to Transit Gateway Route Table {table['id']} is not enabled.",
            )
        self.propagations.discard(key)
        self.changed()
        return table, attachment

    # ------------------------------------------------------------------ VPC route tables

    def create_vpc_route(self, rtb_id, cidr, transit_gateway_id):
        table = self.vpc_route_table(rtb_id)
        net = str(network(cidr))
        self.transit_gateway(transit_gateway_id)
        vpc = self.vpc_by_id[table['vpc']]
        if net == vpc['cidr'] or net in self.vpc_routes[rtb_id]:
            raise ApiError('RouteAlreadyExists', f'The route identified by {net} already exists.')
        if network(net).subnet_of(network(vpc['cidr'])):
            raise ApiError('InvalidParameterValue', f"The destination CIDR block {net} is equal to or more specific than one of this VPC's CIDR blocks. This route can target only an interface or an instance.")
        self.vpc_routes[rtb_id][net] = self.tgw['id']
        self.changed()

    def delete_vpc_route(self, rtb_id, cidr):
        table = self.vpc_route_table(rtb_id)
        net = str(network(cidr))
        vpc = self.vpc_by_id[table['vpc']]
        if net == vpc['cidr']:
            raise ApiError('InvalidParameterValue', f'cannot remove local route {net} in route table {rtb_id}')
        if net not in self.vpc_routes[rtb_id]:
            raise ApiError('InvalidRoute.NotFound', f'no route with destination-cidr-block {net} in route table {rtb_id}')
        del self.vpc_routes[rtb_id][net]
        self.changed()

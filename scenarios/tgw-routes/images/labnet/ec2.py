"""The EC2 actions the lab answers: Transit Gateway and VPC route tables, read and write.

Each handler takes the parsed parameters (model member names) and returns the output members;
awsproto turns them into AWS's XML. Any other action answers UnsupportedOperation.
"""
import ipaddress

from .awsproto import ApiError
from . import filters as flt

ZONE_IDS = {'us-east-1a': 'use1-az4', 'us-east-1b': 'use1-az6'}


def _tags(name):
    return [{'Key': 'Name', 'Value': name}]


def _ids(params, member, known, error):
    """Explicit IDs in a Describe call: every one must exist (AWS fails the call otherwise)."""
    wanted = params.get(member)
    if not wanted:
        return None
    for resource_id in wanted:
        if resource_id not in known:
            raise error(resource_id)
    return set(wanted)


class Ec2:
    def __init__(self, world):
        self.w = world

    # ------------------------------------------------------------------ views (output shapes)

    def tgw_view(self):
        t = self.w.tgw
        return {
            'TransitGatewayId': t['id'],
            'TransitGatewayArn': f"arn:aws:ec2:{self.w.region}:{self.w.account}:transit-gateway/{t['id']}",
            'State': 'available',
            'OwnerId': self.w.account,
            'Description': t['description'],
            'CreationTime': t['created'],
            'Options': {
                'AmazonSideAsn': t['amazonSideAsn'],
                'AutoAcceptSharedAttachments': 'disable',
                'DefaultRouteTableAssociation': 'disable',
                'DefaultRouteTablePropagation': 'disable',
                'VpnEcmpSupport': 'enable',
                'DnsSupport': 'enable',
                'MulticastSupport': 'disable',
            },
            'Tags': _tags(t['name']),
        }

    def attachment_view(self, a):
        view = {
            'TransitGatewayAttachmentId': a['id'],
            'TransitGatewayId': self.w.tgw['id'],
            'TransitGatewayOwnerId': self.w.account,
            'ResourceOwnerId': self.w.account,
            'ResourceType': 'vpc',
            'ResourceId': a['vpcId'],
            'State': 'available',
            'CreationTime': a['created'],
            'Tags': _tags(a['name']),
        }
        table = self.w.association_of(a['id'])
        if table:
            view['Association'] = {'TransitGatewayRouteTableId': table, 'State': 'associated'}
        return view

    def route_table_view(self, t):
        return {
            'TransitGatewayRouteTableId': t['id'],
            'TransitGatewayId': self.w.tgw['id'],
            'State': 'available',
            'DefaultAssociationRouteTable': False,
            'DefaultPropagationRouteTable': False,
            'CreationTime': t['created'],
            'Tags': _tags(t['name']),
        }

    def _attachment_ref(self, attachment_id):
        a = self.w.attachment_by_id[attachment_id]
        return {'ResourceId': a['vpcId'], 'TransitGatewayAttachmentId': a['id'], 'ResourceType': 'vpc'}

    def route_view(self, route):
        view = {'DestinationCidrBlock': route['cidr'], 'Type': route['type'], 'State': route['state']}
        if route.get('attachment'):
            view['TransitGatewayAttachments'] = [self._attachment_ref(route['attachment'])]
        return view

    def _link_view(self, attachment_id, state, table_id=None):
        a = self.w.attachment_by_id[attachment_id]
        view = {'TransitGatewayAttachmentId': a['id'], 'ResourceId': a['vpcId'], 'ResourceType': 'vpc', 'State': state}
        if table_id:
            view['TransitGatewayRouteTableId'] = table_id
        return view

    def vpc_route_table_view(self, rtb_id):
        t = self.w.vpc_route_table_by_id[rtb_id]
        routes = []
        for r in self.w.vpc_table_routes(rtb_id):
            route = {'DestinationCidrBlock': r['cidr'], 'Origin': r['origin'], 'State': r['state']}
            route['GatewayId' if r['target'] == 'local' else 'TransitGatewayId'] = r['target']
            routes.append(route)
        return {
            'Associations': [
                {'Main': True, 'RouteTableAssociationId': t['associationId'], 'RouteTableId': rtb_id, 'AssociationState': {'State': 'associated'}}
            ],
            'PropagatingVgws': [],
            'RouteTableId': rtb_id,
            'Routes': routes,
            'Tags': _tags(t['name']),
            'VpcId': t['vpc'],
            'OwnerId': self.w.account,
        }

    # ------------------------------------------------------------------ Transit Gateway reads

    def DescribeTransitGateways(self, p):
        ids = _ids(p, 'TransitGatewayIds', {self.w.tgw['id']}, lambda i: ApiError('InvalidTransitGatewayID.NotFound', f"Transit Gateway {i} was deleted or does not exist."))
        t = self.w.tgw
        attrs = {
            'transit-gateway-id': t['id'], 'state': 'available', 'owner-id': self.w.account,
            'options.amazon-side-asn': t['amazonSideAsn'], 'options.auto-accept-shared-attachments': 'disable',
            'options.default-route-table-association': 'disable', 'options.default-route-table-propagation': 'disable',
            'options.association-default-route-table-id': None, 'options.propagation-default-route-table-id': None,
            'options.dns-support': 'enable', 'options.vpn-ecmp-support': 'enable',
        }
        keep = (ids is None or t['id'] in ids) and flt.matches(attrs, {'Name': t['name']}, p.get('Filters'), set(attrs))
        return {'TransitGateways': [self.tgw_view()] if keep else []}

    def DescribeTransitGatewayAttachments(self, p):
        ids = _ids(p, 'TransitGatewayAttachmentIds', self.w.attachment_by_id, lambda i: ApiError('InvalidTransitGatewayAttachmentID.NotFound', f"Transit Gateway Attachment {i} was deleted or does not exist."))
        out = []
        for a in self.w.attachments:
            table = self.w.association_of(a['id'])
            attrs = {
                'transit-gateway-attachment-id': a['id'], 'transit-gateway-id': self.w.tgw['id'], 'transit-gateway-owner-id': self.w.account,
                'resource-owner-id': self.w.account, 'resource-type': 'vpc', 'resource-id': a['vpcId'], 'state': 'available',
                'association.transit-gateway-route-table-id': table, 'association.state': 'associated' if table else None,
            }
            if (ids is None or a['id'] in ids) and flt.matches(attrs, {'Name': a['name']}, p.get('Filters'), set(attrs)):
                out.append(self.attachment_view(a))
        return {'TransitGatewayAttachments': out}

    def DescribeTransitGatewayVpcAttachments(self, p):
        ids = _ids(p, 'TransitGatewayAttachmentIds', self.w.attachment_by_id, lambda i: ApiError('InvalidTransitGatewayAttachmentID.NotFound', f"Transit Gateway Attachment {i} was deleted or does not exist."))
        out = []
        for a in self.w.attachments:
            attrs = {'transit-gateway-attachment-id': a['id'], 'transit-gateway-id': self.w.tgw['id'], 'vpc-id': a['vpcId'], 'state': 'available'}
            if (ids is None or a['id'] in ids) and flt.matches(attrs, {'Name': a['name']}, p.get('Filters'), set(attrs)):
                out.append({
                    'TransitGatewayAttachmentId': a['id'], 'TransitGatewayId': self.w.tgw['id'], 'VpcId': a['vpcId'],
                    'VpcOwnerId': self.w.account, 'State': 'available', 'SubnetIds': [a['subnetId']], 'CreationTime': a['created'],
                    'Options': {'DnsSupport': 'enable', 'ApplianceModeSupport': 'disable'}, 'Tags': _tags(a['name']),
                })
        return {'TransitGatewayVpcAttachments': out}

    def DescribeTransitGatewayRouteTables(self, p):
        ids = _ids(p, 'TransitGatewayRouteTableIds', self.w.route_table_by_id, lambda i: ApiError('InvalidRouteTableID.NotFound', f"The transitGatewayRouteTable ID '{i}' does not exist."))
        out = []
        for t in self.w.route_tables:
            attrs = {
                'transit-gateway-route-table-id': t['id'], 'transit-gateway-id': self.w.tgw['id'], 'state': 'available',
                'default-association-route-table': False, 'default-propagation-route-table': False,
            }
            if (ids is None or t['id'] in ids) and flt.matches(attrs, {'Name': t['name']}, p.get('Filters'), set(attrs)):
                out.append(self.route_table_view(t))
        return {'TransitGatewayRouteTables': out}

    SEARCH_FILTERS = {
        'attachment.transit-gateway-attachment-id', 'attachment.resource-id', 'attachment.resource-type', 'prefix-list-id',
        'route-search.exact-match', 'route-search.longest-prefix-match', 'route-search.subnet-of-match',
        'route-search.supernet-of-match', 'state', 'type',
    }

    def SearchTransitGatewayRoutes(self, p):
        table = self.w.route_table(p.get('TransitGatewayRouteTableId'))
        filters = p.get('Filters') or []
        if not filters:
            raise ApiError('MissingParameter', 'The request must contain the parameter Filter.')
        flt.check_names(filters, self.SEARCH_FILTERS, tagged=False)
        plain = [f for f in filters if not f.get('Name', '').startswith('route-search.')]
        routes = []
        for route in flt.route_search(self.w.tgw_routes(table['id']), filters):
            a = self.w.attachment_by_id.get(route['attachment']) if route['attachment'] else None
            attrs = {
                'state': route['state'], 'type': route['type'], 'prefix-list-id': None,
                'attachment.transit-gateway-attachment-id': a['id'] if a else None,
                'attachment.resource-id': a['vpcId'] if a else None, 'attachment.resource-type': 'vpc' if a else None,
            }
            if flt.matches(attrs, {}, plain, self.SEARCH_FILTERS, tagged=False):
                routes.append(self.route_view(route))
        limit = p.get('MaxResults') or 1000
        return {'Routes': routes[:limit], 'AdditionalRoutesAvailable': len(routes) > limit}

    LINK_FILTERS = {'resource-id', 'resource-type', 'transit-gateway-attachment-id'}

    def _links(self, p, attachment_ids, state):
        out = []
        for attachment_id in attachment_ids:
            a = self.w.attachment_by_id[attachment_id]
            attrs = {'resource-id': a['vpcId'], 'resource-type': 'vpc', 'transit-gateway-attachment-id': a['id']}
            if flt.matches(attrs, {}, p.get('Filters'), self.LINK_FILTERS, tagged=False):
                out.append(self._link_view(attachment_id, state))
        return out

    def GetTransitGatewayRouteTableAssociations(self, p):
        table = self.w.route_table(p.get('TransitGatewayRouteTableId'))
        attached = sorted(a for a, t in self.w.associations.items() if t == table['id'])
        return {'Associations': self._links(p, attached, 'associated')}

    def GetTransitGatewayRouteTablePropagations(self, p):
        table = self.w.route_table(p.get('TransitGatewayRouteTableId'))
        propagating = sorted(a for t, a in self.w.propagations if t == table['id'])
        return {'TransitGatewayRouteTablePropagations': self._links(p, propagating, 'enabled')}

    # ------------------------------------------------------------------ Transit Gateway writes

    def CreateTransitGatewayRoute(self, p):
        route = self.w.create_tgw_route(p.get('TransitGatewayRouteTableId'), p.get('DestinationCidrBlock'), p.get('TransitGatewayAttachmentId'), p.get('Blackhole', False))
        return {'Route': self.route_view(route)}

    def ReplaceTransitGatewayRoute(self, p):
        route = self.w.replace_tgw_route(p.get('TransitGatewayRouteTableId'), p.get('DestinationCidrBlock'), p.get('TransitGatewayAttachmentId'), p.get('Blackhole', False))
        return {'Route': self.route_view(route)}

    def DeleteTransitGatewayRoute(self, p):
        route = self.w.delete_tgw_route(p.get('TransitGatewayRouteTableId'), p.get('DestinationCidrBlock'))
        return {'Route': self.route_view(route)}

    def AssociateTransitGatewayRouteTable(self, p):
        table, a = self.w.associate(p.get('TransitGatewayRouteTableId'), p.get('TransitGatewayAttachmentId'))
        return {'Association': self._link_view(a['id'], 'associating', table['id'])}

    def DisassociateTransitGatewayRouteTable(self, p):
        table, a = self.w.disassociate(p.get('TransitGatewayRouteTableId'), p.get('TransitGatewayAttachmentId'))
        return {'Association': self._link_view(a['id'], 'disassociating', table['id'])}

    def EnableTransitGatewayRouteTablePropagation(self, p):
        table, a = self.w.enable_propagation(p.get('TransitGatewayRouteTableId'), p.get('TransitGatewayAttachmentId'))
        return {'Propagation': self._link_view(a['id'], 'enabling', table['id'])}

    def DisableTransitGatewayRouteTablePropagation(self, p):
        table, a = self.w.disable_propagation(p.get('TransitGatewayRouteTableId'), p.get('TransitGatewayAttachmentId'))
        return {'Propagation': self._link_view(a['id'], 'disabling', table['id'])}

    # ------------------------------------------------------------------ VPC reads and route writes

    def DescribeRouteTables(self, p):
        ids = _ids(p, 'RouteTableIds', self.w.vpc_route_table_by_id, lambda i: ApiError('InvalidRouteTableID.NotFound', f"The routeTable ID '{i}' does not exist"))
        allowed = {
            'association.route-table-association-id', 'association.route-table-id', 'association.subnet-id', 'association.main',
            'owner-id', 'route-table-id', 'route.destination-cidr-block', 'route.gateway-id', 'route.transit-gateway-id',
            'route.origin', 'route.state', 'vpc-id',
        }
        out = []
        for rtb_id, t in self.w.vpc_route_table_by_id.items():
            routes = self.w.vpc_table_routes(rtb_id)
            attrs = {
                'association.route-table-association-id': t['associationId'], 'association.route-table-id': rtb_id,
                'association.subnet-id': None, 'association.main': True, 'owner-id': self.w.account, 'route-table-id': rtb_id,
                'route.destination-cidr-block': [r['cidr'] for r in routes],
                'route.gateway-id': [r['target'] for r in routes if r['target'] == 'local'],
                'route.transit-gateway-id': [r['target'] for r in routes if r['target'] != 'local'],
                'route.origin': [r['origin'] for r in routes], 'route.state': [r['state'] for r in routes], 'vpc-id': t['vpc'],
            }
            if (ids is None or rtb_id in ids) and flt.matches(attrs, {'Name': t['name']}, p.get('Filters'), allowed):
                out.append(self.vpc_route_table_view(rtb_id))
        return {'RouteTables': out}

    def DescribeVpcs(self, p):
        ids = _ids(p, 'VpcIds', self.w.vpc_by_id, lambda i: ApiError('InvalidVpcID.NotFound', f"The vpc ID '{i}' does not exist"))
        out = []
        for v in self.w.vpcs:
            assoc = 'vpc-cidr-assoc-' + v['id'][4:]
            attrs = {
                'vpc-id': v['id'], 'cidr': v['cidr'], 'cidr-block-association.cidr-block': v['cidr'],
                'cidr-block-association.association-id': assoc, 'cidr-block-association.state': 'associated',
                'state': 'available', 'owner-id': self.w.account, 'is-default': False, 'dhcp-options-id': 'dopt-0c4e1a7b3d5f9e2a8',
            }
            if (ids is None or v['id'] in ids) and flt.matches(attrs, {'Name': v['name']}, p.get('Filters'), set(attrs)):
                out.append({
                    'CidrBlock': v['cidr'], 'DhcpOptionsId': 'dopt-0c4e1a7b3d5f9e2a8', 'State': 'available', 'VpcId': v['id'],
                    'OwnerId': self.w.account, 'InstanceTenancy': 'default',
                    'CidrBlockAssociationSet': [{'AssociationId': assoc, 'CidrBlock': v['cidr'], 'CidrBlockState': {'State': 'associated'}}],
                    'IsDefault': False, 'Tags': _tags(v['name']),
                })
        return {'Vpcs': out}

    def DescribeSubnets(self, p):
        known = {s['id']: s for s in self.w.subnets}
        ids = _ids(p, 'SubnetIds', known, lambda i: ApiError('InvalidSubnetID.NotFound', f"The subnet ID '{i}' does not exist"))
        out = []
        for s in self.w.subnets:
            arn = f"arn:aws:ec2:{self.w.region}:{self.w.account}:subnet/{s['id']}"
            attrs = {
                'subnet-id': s['id'], 'vpc-id': s['vpc'], 'cidr-block': s['cidr'], 'availability-zone': s['az'],
                'state': 'available', 'owner-id': self.w.account, 'subnet-arn': arn, 'default-for-az': False,
            }
            if (ids is None or s['id'] in ids) and flt.matches(attrs, {'Name': s['name']}, p.get('Filters'), set(attrs)):
                out.append({
                    'AvailabilityZone': s['az'], 'AvailabilityZoneId': ZONE_IDS.get(s['az'], 'use1-az1'),
                    # AWS keeps 5 addresses of every subnet; the lab's instances use one or two more
                    'AvailableIpAddressCount': ipaddress.ip_network(s['cidr']).num_addresses - 6, 'CidrBlock': s['cidr'], 'DefaultForAz': False, 'MapPublicIpOnLaunch': False,
                    'State': 'available', 'SubnetId': s['id'], 'VpcId': s['vpc'], 'OwnerId': self.w.account,
                    'Tags': _tags(s['name']), 'SubnetArn': arn,
                })
        return {'Subnets': out}

    _OTHER_TARGETS = {
        'GatewayId': ('InvalidGatewayID.NotFound', "The gateway ID '{}' does not exist"),
        'NatGatewayId': ('InvalidNatGatewayID.NotFound', "The natGateway ID '{}' does not exist"),
        'InstanceId': ('InvalidInstanceID.NotFound', "The instance ID '{}' does not exist"),
        'NetworkInterfaceId': ('InvalidNetworkInterfaceID.NotFound', "The networkInterface ID '{}' does not exist"),
        'VpcPeeringConnectionId': ('InvalidVpcPeeringConnectionID.NotFound', "The vpcPeeringConnection ID '{}' does not exist"),
        'EgressOnlyInternetGatewayId': ('InvalidGatewayID.NotFound', "The gateway ID '{}' does not exist"),
        'LocalGatewayId': ('InvalidLocalGatewayID.NotFound', "The localGateway ID '{}' does not exist"),
        'CarrierGatewayId': ('InvalidCarrierGatewayID.NotFound', "The carrierGateway ID '{}' does not exist"),
        'VpcEndpointId': ('InvalidVpcEndpointId.NotFound', "The Vpc Endpoint Id '{}' does not exist"),
    }

    def CreateRoute(self, p):
        if not p.get('DestinationCidrBlock'):
            raise ApiError('MissingParameter', 'The request must contain the parameter destinationCidrBlock (IPv6 routes are not used in this network).')
        targets = [k for k in list(self._OTHER_TARGETS) + ['TransitGatewayId'] if p.get(k)]
        if len(targets) != 1:
            raise ApiError('InvalidParameterCombination', 'The request must contain exactly one of gatewayId, natGatewayId, networkInterfaceId, vpcPeeringConnectionId, transitGatewayId or instanceId')
        if targets[0] != 'TransitGatewayId':
            self.w.vpc_route_table(p.get('RouteTableId'))
            code, message = self._OTHER_TARGETS[targets[0]]
            raise ApiError(code, message.format(p[targets[0]]))
        self.w.create_vpc_route(p.get('RouteTableId'), p['DestinationCidrBlock'], p['TransitGatewayId'])
        return {'Return': True}

    def DeleteRoute(self, p):
        if not p.get('DestinationCidrBlock'):
            raise ApiError('MissingParameter', 'The request must contain the parameter destinationCidrBlock.')
        self.w.delete_vpc_route(p.get('RouteTableId'), p['DestinationCidrBlock'])
        return None


READS = {
    'DescribeTransitGateways', 'DescribeTransitGatewayAttachments', 'DescribeTransitGatewayVpcAttachments',
    'DescribeTransitGatewayRouteTables', 'SearchTransitGatewayRoutes', 'GetTransitGatewayRouteTableAssociations',
    'GetTransitGatewayRouteTablePropagations', 'DescribeRouteTables', 'DescribeVpcs', 'DescribeSubnets',
}
WRITES = {
    'CreateTransitGatewayRoute', 'ReplaceTransitGatewayRoute', 'DeleteTransitGatewayRoute', 'AssociateTransitGatewayRouteTable',
    'DisassociateTransitGatewayRouteTable', 'EnableTransitGatewayRouteTablePropagation', 'DisableTransitGatewayRouteTablePropagation',
    'CreateRoute', 'DeleteRoute',
}


def call(world, action, params):
    """Runs one action; raises ApiError. DryRun answers as AWS does when the call would succeed."""
    if action not in READS and action not in WRITES:
        raise ApiError('UnsupportedOperation', f"The operation {action} is not supported in this network lab: its endpoint answers the Transit Gateway, VPC and route table calls only.")
    if params.get('DryRun'):
        raise ApiError('DryRunOperation', 'Request would have succeeded, but DryRun flag is set.', 412)
    return getattr(Ec2(world), action)(params)


def resources_of(world, action, params):
    """The resources a write touched, as CloudTrail lists them."""
    out = []
    if params.get('TransitGatewayRouteTableId'):
        out.append({'ResourceType': 'AWS::EC2::TransitGatewayRouteTable', 'ResourceName': params['TransitGatewayRouteTableId']})
    if params.get('TransitGatewayAttachmentId'):
        out.append({'ResourceType': 'AWS::EC2::TransitGatewayAttachment', 'ResourceName': params['TransitGatewayAttachmentId']})
    if params.get('RouteTableId'):
        out.append({'ResourceType': 'AWS::EC2::RouteTable', 'ResourceName': params['RouteTableId']})
    if params.get('TransitGatewayId'):
        out.append({'ResourceType': 'AWS::EC2::TransitGateway', 'ResourceName': params['TransitGatewayId']})
    return out

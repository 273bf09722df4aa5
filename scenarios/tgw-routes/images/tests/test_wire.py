"""Our wire format against botocore's own serializer, parser and signer (the code inside the AWS CLI):
a request botocore serializes parses back to the same parameters, every answer parses to what the
handler returned, errors carry the code and message, and SigV4 checks pass only for the right secret."""
import datetime
import json
import unittest
from urllib.parse import parse_qsl, urlencode

import botocore.auth
import botocore.awsrequest
import botocore.credentials
import botocore.model
import botocore.parsers
import botocore.serialize

from labnet import awsproto, ec2, sigv4
from labnet.agent import Agent

from helpers import ATT_B, RTB_B, SHARED, SPOKES, TGW, catalogue

MODEL = awsproto.load_model('ec2', '2016-11-15')
SERVICE = botocore.model.ServiceModel(MODEL.data, 'ec2')

# One request per action the lab answers, with every kind of parameter (lists, nested filters, booleans).
REQUESTS = {
    'DescribeTransitGateways': {'TransitGatewayIds': [TGW]},
    'DescribeTransitGatewayAttachments': {'Filters': [{'Name': 'resource-type', 'Values': ['vpc']}]},
    'DescribeTransitGatewayVpcAttachments': {},
    'DescribeTransitGatewayRouteTables': {'Filters': [{'Name': 'tag:Name', 'Values': ['spokes', 'shared-*']}]},
    'SearchTransitGatewayRoutes': {'TransitGatewayRouteTableId': SHARED, 'Filters': [{'Name': 'type', 'Values': ['static']}, {'Name': 'state', 'Values': ['blackhole']}]},
    'GetTransitGatewayRouteTableAssociations': {'TransitGatewayRouteTableId': SPOKES},
    'GetTransitGatewayRouteTablePropagations': {'TransitGatewayRouteTableId': SPOKES},
    'DescribeRouteTables': {'RouteTableIds': [RTB_B]},
    'DescribeVpcs': {},
    'DescribeSubnets': {},
    'CreateTransitGatewayRoute': {'TransitGatewayRouteTableId': SPOKES, 'DestinationCidrBlock': '10.20.8.0/24', 'Blackhole': True},
    'ReplaceTransitGatewayRoute': {'TransitGatewayRouteTableId': SPOKES, 'DestinationCidrBlock': '10.20.8.0/24', 'TransitGatewayAttachmentId': ATT_B},
    'DeleteTransitGatewayRoute': {'TransitGatewayRouteTableId': SPOKES, 'DestinationCidrBlock': '10.20.8.0/24'},
    'DisableTransitGatewayRouteTablePropagation': {'TransitGatewayRouteTableId': SPOKES, 'TransitGatewayAttachmentId': ATT_B},
    'EnableTransitGatewayRouteTablePropagation': {'TransitGatewayRouteTableId': SPOKES, 'TransitGatewayAttachmentId': ATT_B},
    'DisassociateTransitGatewayRouteTable': {'TransitGatewayRouteTableId': SPOKES, 'TransitGatewayAttachmentId': ATT_B},
    'AssociateTransitGatewayRouteTable': {'TransitGatewayRouteTableId': SPOKES, 'TransitGatewayAttachmentId': ATT_B},
    'DeleteRoute': {'RouteTableId': RTB_B, 'DestinationCidrBlock': '10.10.0.0/16'},
    'CreateRoute': {'RouteTableId': RTB_B, 'DestinationCidrBlock': '10.10.0.0/16', 'TransitGatewayId': TGW},
}


def serialize(operation, params):
    """The form body botocore sends, as the agent receives it (urlencoded, then decoded)."""
    request = botocore.serialize.create_serializer('ec2').serialize_to_request(params, SERVICE.operation_model(operation))
    return dict(parse_qsl(urlencode(request['body']), keep_blank_values=True))


def parse(operation, body, status=200):
    op = SERVICE.operation_model(operation)
    return botocore.parsers.create_parser('ec2').parse({'body': body, 'headers': {}, 'status_code': status}, op.output_shape)


def strip_metadata(parsed):
    parsed.pop('ResponseMetadata', None)
    return parsed


def plain(value):
    """botocore parses timestamps into datetimes; compare them as the instant our data names."""
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


class Ec2Wire(unittest.TestCase):
    def test_every_action_round_trips_through_botocore(self):
        agent = Agent(catalogue())
        for operation in REQUESTS:  # in order: the writes build on each other
            with self.subTest(operation=operation):
                form = serialize(operation, REQUESTS[operation])
                self.assertEqual(form['Action'], operation)
                params = awsproto.parse_ec2_params(MODEL, operation, form)
                self.assertEqual(params, REQUESTS[operation])
                result = agent.call('oncall', operation, params)
                body = awsproto.ec2_response_xml(MODEL, operation, result, 'req-1')
                parsed = strip_metadata(parse(operation, body))
                if result is None:
                    self.assertEqual(parsed, {})
                    continue
                self.assertEqual(plain(parsed), plain(result))

    def test_the_blackhole_route_reads_as_the_cli_shows_it(self):
        agent = Agent(catalogue())
        agent.call('dbmig-cutover', 'CreateTransitGatewayRoute', REQUESTS['CreateTransitGatewayRoute'])
        params = awsproto.parse_ec2_params(MODEL, 'SearchTransitGatewayRoutes', serialize('SearchTransitGatewayRoutes', {
            'TransitGatewayRouteTableId': SPOKES, 'Filters': [{'Name': 'type', 'Values': ['static']}]}))
        body = awsproto.ec2_response_xml(MODEL, 'SearchTransitGatewayRoutes', agent.call('oncall', 'SearchTransitGatewayRoutes', params), 'r')
        self.assertEqual(strip_metadata(parse('SearchTransitGatewayRoutes', body)), {
            'Routes': [{'DestinationCidrBlock': '10.20.8.0/24', 'Type': 'static', 'State': 'blackhole'}],
            'AdditionalRoutesAvailable': False,
        })

    def test_errors_parse_with_code_and_message(self):
        body = awsproto.ec2_error_xml('InvalidRouteTableID.NotFound', "The transitGatewayRouteTable ID 'tgw-rtb-x' does not exist.", 'req-9')
        parsed = parse('SearchTransitGatewayRoutes', body, status=400)
        self.assertEqual(parsed['Error'], {'Code': 'InvalidRouteTableID.NotFound', 'Message': "The transitGatewayRouteTable ID 'tgw-rtb-x' does not exist."})
        self.assertEqual(parsed['ResponseMetadata']['RequestId'], 'req-9')

    def test_every_output_member_a_handler_writes_is_in_the_model(self):
        # _xml_members raises on a member the model lacks; run every read against the full world.
        agent = Agent(catalogue())
        for operation in sorted(ec2.READS):
            params = REQUESTS.get(operation, {})
            awsproto.ec2_response_xml(MODEL, operation, agent.call('oncall', operation, params), 'r')


class StsWire(unittest.TestCase):
    def test_get_caller_identity_parses(self):
        sts = botocore.model.ServiceModel(awsproto.load_model('sts', '2011-06-15').data, 'sts')
        body = awsproto.sts_response_xml('GetCallerIdentity', {'UserId': 'AIDA1', 'Account': '111122223333', 'Arn': 'arn:aws:iam::111122223333:user/oncall'}, 'r1')
        parsed = botocore.parsers.create_parser('query').parse({'body': body, 'headers': {}, 'status_code': 200}, sts.operation_model('GetCallerIdentity').output_shape)
        self.assertEqual(parsed['Arn'], 'arn:aws:iam::111122223333:user/oncall')
        self.assertEqual(parsed['Account'], '111122223333')


class CloudTrailWire(unittest.TestCase):
    def test_lookup_events_parses_and_names_the_caller(self):
        agent = Agent(catalogue())
        agent.call('dbmig-cutover', 'CreateTransitGatewayRoute', REQUESTS['CreateTransitGatewayRoute'])
        ct = botocore.model.ServiceModel(awsproto.load_model('cloudtrail', '2013-11-01').data, 'cloudtrail')
        answer = agent.audit.lookup({'LookupAttributes': [{'AttributeKey': 'EventName', 'AttributeValue': 'CreateTransitGatewayRoute'}]})
        parsed = botocore.parsers.create_parser('json').parse(
            {'body': json.dumps(answer).encode(), 'headers': {}, 'status_code': 200}, ct.operation_model('LookupEvents').output_shape)
        events = parsed['Events']
        self.assertEqual([e['Username'] for e in events], ['cutover-scheduler', 'cutover-scheduler', 'tf-apply-network-main'])
        newest = json.loads(events[0]['CloudTrailEvent'])
        self.assertEqual(newest['userIdentity']['arn'], 'arn:aws:sts::111122223333:assumed-role/dbmig-2024-cutover/cutover-scheduler')
        self.assertEqual(newest['requestParameters']['CreateTransitGatewayRouteRequest']['DestinationCidrBlock'], '10.20.8.0/24')
        self.assertIn({'ResourceType': 'AWS::EC2::TransitGatewayRouteTable', 'ResourceName': SPOKES}, events[0]['Resources'])


class SigV4(unittest.TestCase):
    SECRET = catalogue()['principals']['oncall']['secretAccessKey']
    KEY = catalogue()['principals']['oncall']['accessKeyId']

    def signed(self, secret=None, key=None, body=b'Action=DescribeVpcs&Version=2016-11-15', service='ec2'):
        request = botocore.awsrequest.AWSRequest(method='POST', url=f'https://{service}.us-east-1.amazonaws.com/', data=body,
                                                 headers={'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8'})
        creds = botocore.credentials.Credentials(key or self.KEY, secret or self.SECRET)
        botocore.auth.SigV4Auth(creds, service, 'us-east-1').add_auth(request)
        prepared = request.prepare()
        return dict(prepared.headers.items()), body

    def verify(self, headers, body, now=None):
        return sigv4.verify('POST', '/', '', dict(headers, Host='ec2.us-east-1.amazonaws.com'), body,
                            lambda key: self.SECRET if key == self.KEY else None, now=now)

    def test_botocore_signature_verifies(self):
        headers, body = self.signed()
        self.assertEqual(self.verify(headers, body).service, 'ec2')

    def test_wrong_secret_tampered_body_unknown_key_and_old_date_are_refused(self):
        for what, (headers, body), kind in [
            ('wrong secret', self.signed(secret='not-the-secret'), 'mismatch'),
            ('tampered body', (self.signed()[0], b'Action=DeleteRoute'), 'mismatch'),
            ('unknown key', self.signed(key='AKIAOTHER0000000000'), 'unknown-key'),
        ]:
            with self.subTest(what=what), self.assertRaises(sigv4.SignatureError) as raised:
                self.verify(headers, body)
            self.assertEqual(raised.exception.kind, kind)
        headers, body = self.signed()
        later = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=1)
        with self.assertRaises(sigv4.SignatureError) as raised:
            self.verify(headers, body, now=later)
        self.assertEqual(raised.exception.kind, 'expired')
        with self.assertRaises(sigv4.SignatureError) as raised:
            self.verify({}, body)
        self.assertEqual(raised.exception.kind, 'missing')


if __name__ == '__main__':
    unittest.main()

"""AWS Transit Gateway and VPC route table semantics, with AWS's errors."""
import json
import os
import tempfile
import unittest

from labnet import ec2
from labnet.awsproto import ApiError

from helpers import ATT_A, ATT_B, ATT_SHARED, RTB_A, RTB_B, SHARED, SPOKES, TGW, world


def routes(w, table):
    return {(r['cidr'], r['type'], r['state'], r['attachment']) for r in w.tgw_routes(table)}


class TransitGatewayRoutes(unittest.TestCase):
    def test_propagations_produce_routes_and_the_design_blackhole_is_static(self):
        w = world()
        self.assertEqual(routes(w, SPOKES), {
            ('10.10.0.0/16', 'propagated', 'active', ATT_A),
            ('10.20.0.0/16', 'propagated', 'active', ATT_B),
            ('10.30.0.0/16', 'propagated', 'active', ATT_SHARED),
        })
        self.assertIn(('10.20.8.0/24', 'static', 'blackhole', None), routes(w, SHARED))

    def test_a_static_blackhole_sits_beside_the_propagated_supernet(self):
        w = world()
        w.create_tgw_route(SPOKES, '10.20.8.0/24', blackhole=True)
        self.assertIn(('10.20.8.0/24', 'static', 'blackhole', None), routes(w, SPOKES))
        self.assertIn(('10.20.0.0/16', 'propagated', 'active', ATT_B), routes(w, SPOKES))

    def test_a_static_route_replaces_a_propagated_one_for_the_same_cidr(self):
        w = world()
        w.create_tgw_route(SPOKES, '10.20.0.0/16', attachment_id=ATT_SHARED)
        self.assertIn(('10.20.0.0/16', 'static', 'active', ATT_SHARED), routes(w, SPOKES))
        self.assertNotIn(('10.20.0.0/16', 'propagated', 'active', ATT_B), routes(w, SPOKES))
        w.delete_tgw_route(SPOKES, '10.20.0.0/16')
        self.assertIn(('10.20.0.0/16', 'propagated', 'active', ATT_B), routes(w, SPOKES))

    def test_create_errors(self):
        w = world()
        cases = [
            (('tgw-rtb-0000', '10.1.0.0/16'), {'blackhole': True}, 'InvalidRouteTableID.NotFound'),
            ((SPOKES, '10.20.8.5/24'), {'blackhole': True}, 'InvalidParameterValue'),
            ((SPOKES, '10.20.8.0/24'), {}, 'MissingParameter'),
            ((SPOKES, '10.20.8.0/24'), {'blackhole': True, 'attachment_id': ATT_B}, 'InvalidParameterCombination'),
            ((SPOKES, '10.20.8.0/24'), {'attachment_id': 'tgw-attach-nope'}, 'InvalidTransitGatewayAttachmentID.NotFound'),
        ]
        for args, kwargs, code in cases:
            with self.subTest(code=code), self.assertRaises(ApiError) as raised:
                w.create_tgw_route(*args, **kwargs)
            self.assertEqual(raised.exception.code, code)
        w.create_tgw_route(SPOKES, '10.20.8.0/24', blackhole=True)
        with self.assertRaises(ApiError) as raised:
            w.create_tgw_route(SPOKES, '10.20.8.0/24', blackhole=True)
        self.assertEqual(raised.exception.code, 'RouteAlreadyExists')
        self.assertIn('already exists in Transit Gateway Route Table', raised.exception.message)

    def test_delete_answers_a_propagated_route_with_not_found_and_a_hint(self):
        w = world()
        with self.assertRaises(ApiError) as raised:
            w.delete_tgw_route(SPOKES, '10.20.0.0/16')
        self.assertEqual(raised.exception.code, 'InvalidRoute.NotFound')
        self.assertIn('propagated', raised.exception.message)
        version = w.version
        deleted = w.delete_tgw_route(SHARED, '10.20.8.0/24')
        self.assertEqual(deleted['state'], 'deleted')
        self.assertGreater(w.version, version)

    def test_replace_needs_an_existing_static_route(self):
        w = world()
        with self.assertRaises(ApiError) as raised:
            w.replace_tgw_route(SPOKES, '10.20.8.0/24', blackhole=True)
        self.assertEqual(raised.exception.code, 'InvalidRoute.NotFound')
        w.replace_tgw_route(SHARED, '10.20.8.0/24', attachment_id=ATT_B)
        self.assertIn(('10.20.8.0/24', 'static', 'active', ATT_B), routes(w, SHARED))


class AssociationsAndPropagations(unittest.TestCase):
    def test_an_attachment_has_one_association(self):
        w = world()
        with self.assertRaises(ApiError) as raised:
            w.associate(SHARED, ATT_A)
        self.assertEqual(raised.exception.code, 'Resource.AlreadyAssociated')
        with self.assertRaises(ApiError) as raised:
            w.disassociate(SHARED, ATT_A)
        self.assertEqual(raised.exception.code, 'InvalidAssociation.NotFound')
        w.disassociate(SPOKES, ATT_A)
        self.assertIsNone(w.association_of(ATT_A))
        w.associate(SHARED, ATT_A)
        self.assertEqual(w.association_of(ATT_A), SHARED)

    def test_propagation_twice_or_not_at_all_is_an_error(self):
        w = world()
        with self.assertRaises(ApiError) as raised:
            w.enable_propagation(SPOKES, ATT_B)
        self.assertEqual(raised.exception.code, 'TransitGatewayRouteTablePropagation.Duplicate')
        w.disable_propagation(SPOKES, ATT_B)
        self.assertNotIn('10.20.0.0/16', [r['cidr'] for r in w.tgw_routes(SPOKES)])
        with self.assertRaises(ApiError) as raised:
            w.disable_propagation(SPOKES, ATT_B)
        self.assertEqual(raised.exception.code, 'TransitGatewayRouteTablePropagation.NotFound')


class VpcRouteTables(unittest.TestCase):
    def test_local_route_first_then_routes_to_the_tgw(self):
        w = world()
        self.assertEqual([(r['cidr'], r['target']) for r in w.vpc_table_routes(RTB_B)],
                         [('10.20.0.0/16', 'local'), ('10.10.0.0/16', TGW), ('10.30.0.0/16', TGW)])

    def test_create_and_delete_errors(self):
        w = world()
        for args, code in [
            ((RTB_B, '10.10.0.0/16', TGW), 'RouteAlreadyExists'),
            ((RTB_B, '10.20.0.0/16', TGW), 'RouteAlreadyExists'),
            ((RTB_B, '10.20.8.0/24', TGW), 'InvalidParameterValue'),
            ((RTB_B, '10.40.0.0/16', 'tgw-0123'), 'InvalidTransitGatewayID.NotFound'),
            (('rtb-0000', '10.40.0.0/16', TGW), 'InvalidRouteTableID.NotFound'),
        ]:
            with self.subTest(args=args), self.assertRaises(ApiError) as raised:
                w.create_vpc_route(*args)
            self.assertEqual(raised.exception.code, code)
        with self.assertRaises(ApiError) as raised:
            w.delete_vpc_route(RTB_A, '10.10.0.0/16')
        self.assertIn('local route', raised.exception.message)
        w.delete_vpc_route(RTB_B, '10.10.0.0/16')
        with self.assertRaises(ApiError) as raised:
            w.delete_vpc_route(RTB_B, '10.10.0.0/16')
        self.assertEqual(raised.exception.code, 'InvalidRoute.NotFound')

    def test_create_route_with_another_target_names_that_target(self):
        w = world()
        with self.assertRaises(ApiError) as raised:
            ec2.call(w, 'CreateRoute', {'RouteTableId': RTB_B, 'DestinationCidrBlock': '0.0.0.0/0', 'GatewayId': 'igw-0abc'})
        self.assertEqual(raised.exception.code, 'InvalidGatewayID.NotFound')


class Calls(unittest.TestCase):
    def test_search_filters(self):
        w = world()
        w.create_tgw_route(SPOKES, '10.20.8.0/24', blackhole=True)

        def search(*filters):
            out = ec2.call(w, 'SearchTransitGatewayRoutes', {'TransitGatewayRouteTableId': SPOKES,
                                                             'Filters': [{'Name': n, 'Values': v} for n, v in filters]})
            return [(r['DestinationCidrBlock'], r['Type'], r['State']) for r in out['Routes']]

        self.assertEqual(search(('type', ['static'])), [('10.20.8.0/24', 'static', 'blackhole')])
        self.assertEqual(search(('state', ['blackhole'])), [('10.20.8.0/24', 'static', 'blackhole')])
        self.assertEqual(len(search(('state', ['active', 'blackhole']))), 4)
        self.assertEqual(search(('route-search.longest-prefix-match', ['10.20.8.30/32'])), [('10.20.8.0/24', 'static', 'blackhole')])
        self.assertEqual(search(('route-search.longest-prefix-match', ['10.20.1.20'])), [('10.20.0.0/16', 'propagated', 'active')])
        self.assertEqual(search(('route-search.exact-match', ['10.20.0.0/16'])), [('10.20.0.0/16', 'propagated', 'active')])
        self.assertEqual([c for c, _, _ in search(('route-search.subnet-of-match', ['10.20.0.0/16']))], ['10.20.0.0/16', '10.20.8.0/24'])
        self.assertEqual([c for c, _, _ in search(('route-search.supernet-of-match', ['10.20.8.0/28']))], ['10.20.0.0/16', '10.20.8.0/24'])
        self.assertEqual(search(('attachment.resource-id', ['vpc-0b7d*'])), [('10.20.0.0/16', 'propagated', 'active')])
        with self.assertRaises(ApiError) as raised:
            search(('typo', ['static']))
        self.assertEqual(raised.exception.code, 'InvalidParameterValue')
        with self.assertRaises(ApiError) as raised:
            ec2.call(w, 'SearchTransitGatewayRoutes', {'TransitGatewayRouteTableId': SPOKES})
        self.assertEqual(raised.exception.code, 'MissingParameter')

    def test_describe_filters_tags_ids_and_wildcards(self):
        w = world()
        by_name = ec2.call(w, 'DescribeTransitGatewayRouteTables', {'Filters': [{'Name': 'tag:Name', 'Values': ['spokes']}]})
        self.assertEqual([t['TransitGatewayRouteTableId'] for t in by_name['TransitGatewayRouteTables']], [SPOKES])
        assoc = ec2.call(w, 'DescribeTransitGatewayAttachments', {'Filters': [{'Name': 'association.transit-gateway-route-table-id', 'Values': [SPOKES]}]})
        self.assertEqual(sorted(a['TransitGatewayAttachmentId'] for a in assoc['TransitGatewayAttachments']), sorted([ATT_A, ATT_B]))
        by_vpc = ec2.call(w, 'DescribeRouteTables', {'Filters': [{'Name': 'vpc-id', 'Values': ['vpc-0b7d2e4f6a8c1b392']}]})
        self.assertEqual([t['RouteTableId'] for t in by_vpc['RouteTables']], [RTB_B])
        wildcard = ec2.call(w, 'DescribeRouteTables', {'Filters': [{'Name': 'tag:Name', 'Values': ['vpc-*-main']}]})
        self.assertEqual(len(wildcard['RouteTables']), 3)
        with self.assertRaises(ApiError) as raised:
            ec2.call(w, 'DescribeTransitGatewayRouteTables', {'TransitGatewayRouteTableIds': ['tgw-rtb-0nope']})
        self.assertEqual(raised.exception.code, 'InvalidRouteTableID.NotFound')

    def test_unsupported_calls_and_dry_run(self):
        w = world()
        with self.assertRaises(ApiError) as raised:
            ec2.call(w, 'DescribeInstances', {})
        self.assertEqual(raised.exception.code, 'UnsupportedOperation')
        with self.assertRaises(ApiError) as raised:
            ec2.call(w, 'DeleteTransitGatewayRoute', {'TransitGatewayRouteTableId': SHARED, 'DestinationCidrBlock': '10.20.8.0/24', 'DryRun': True})
        self.assertEqual((raised.exception.code, raised.exception.status), ('DryRunOperation', 412))
        self.assertIn(('10.20.8.0/24', 'static', 'blackhole', None), routes(w, SHARED))

    def test_state_survives_a_save_and_load(self):
        w = world()
        w.create_tgw_route(SPOKES, '10.20.8.0/24', blackhole=True)
        w.disassociate(SPOKES, ATT_A)
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, 'state.json')
            w.save(path)
            again = world()
            with open(path, encoding='utf-8') as handle:
                again.load_json(json.load(handle))
        self.assertEqual(routes(again, SPOKES), routes(w, SPOKES))
        self.assertIsNone(again.association_of(ATT_A))
        self.assertEqual(again.version, w.version)


if __name__ == '__main__':
    unittest.main()

"""The audit trail: writes recorded with time, caller and outcome, reads not; history seeded relative to now;
append-only on disk and read back after a restart; LookupEvents' filters and pages."""
import datetime
import json
import os
import tempfile
import unittest

from labnet.agent import Agent
from labnet.awsproto import ApiError

from helpers import SPOKES, catalogue

NOW = datetime.datetime(2026, 12, 1, 12, 0, tzinfo=datetime.timezone.utc)


def events(agent, **attribute):
    request = {'LookupAttributes': [{'AttributeKey': k, 'AttributeValue': v} for k, v in attribute.items()]} if attribute else {}
    return [(e['EventName'], e['Username']) for e in agent.audit.lookup(request)['Events']]


class Audit(unittest.TestCase):
    def test_history_is_stamped_days_before_start(self):
        agent = Agent(catalogue(), now=lambda: NOW)
        history = agent.audit.lookup({})['Events']
        self.assertEqual(len(history), len(catalogue()['history']))
        oldest = min(e['EventTime'] for e in history)
        self.assertAlmostEqual((NOW.timestamp() - oldest) / 86400, 412.3, places=3)
        self.assertEqual(history[-1]['Username'], 'tf-apply-network-main')

    def test_writes_and_refused_writes_are_recorded_reads_are_not(self):
        agent = Agent(catalogue())
        before = len(agent.audit.events)
        agent.call('oncall', 'SearchTransitGatewayRoutes', {'TransitGatewayRouteTableId': SPOKES, 'Filters': [{'Name': 'type', 'Values': ['static']}]})
        self.assertEqual(len(agent.audit.events), before)
        with self.assertRaises(ApiError):
            agent.call('oncall', 'DeleteTransitGatewayRoute', {'TransitGatewayRouteTableId': SPOKES, 'DestinationCidrBlock': '10.20.8.0/24'})
        refused = json.loads(agent.audit.events[-1]['CloudTrailEvent'])
        self.assertEqual((refused['eventName'], refused['errorCode']), ('DeleteTransitGatewayRoute', 'InvalidRoute.NotFound'))
        self.assertEqual(refused['userIdentity']['arn'], 'arn:aws:iam::111122223333:user/oncall')

    def test_lookup_filters_newest_first_and_pages(self):
        agent = Agent(catalogue())
        agent.call('dbmig-cutover', 'CreateTransitGatewayRoute', {'TransitGatewayRouteTableId': SPOKES, 'DestinationCidrBlock': '10.20.8.0/24', 'Blackhole': True})
        self.assertEqual(events(agent, Username='cutover-scheduler')[0], ('CreateTransitGatewayRoute', 'cutover-scheduler'))
        self.assertEqual(len(events(agent, ResourceName=SPOKES)), 4)
        self.assertEqual(events(agent, EventName='DeleteTransitGatewayRoute'), [('DeleteTransitGatewayRoute', 'm.keller')])
        first = agent.audit.lookup({'MaxResults': 2})
        self.assertEqual(len(first['Events']), 2)
        rest = agent.audit.lookup({'MaxResults': 2, 'NextToken': first['NextToken']})
        self.assertNotIn(rest['Events'][0]['EventId'], [e['EventId'] for e in first['Events']])
        with self.assertRaises(ApiError):
            agent.audit.lookup({'LookupAttributes': [{'AttributeKey': 'Colour', 'AttributeValue': 'red'}]})

    def test_state_and_trail_survive_a_restart(self):
        with tempfile.TemporaryDirectory() as state_dir:
            first = Agent(catalogue(), state_dir=state_dir)
            first.call('dbmig-cutover', 'CreateTransitGatewayRoute', {'TransitGatewayRouteTableId': SPOKES, 'DestinationCidrBlock': '10.20.8.0/24', 'Blackhole': True})
            again = Agent(catalogue(), state_dir=state_dir)
            self.assertEqual(len(again.audit.events), len(first.audit.events))
            self.assertIn('10.20.8.0/24', [r['cidr'] for r in again.world.tgw_routes(SPOKES)])
            with open(os.path.join(state_dir, 'audit.jsonl'), encoding='utf-8') as handle:
                self.assertEqual(sum(1 for _ in handle), len(first.audit.events))


if __name__ == '__main__':
    unittest.main()

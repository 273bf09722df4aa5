"""The state rendered into Linux policy routing, and the data plane's normal forms of kernel state."""
import ipaddress
import unittest

from labnet import dataplane, render

from helpers import ATT_A, ATT_B, RTB_B, SHARED, SPOKES, world

NAMES = {'vpc-a': 'eth0', 'vpc-b': 'eth1', 'vpc-shared': 'eth2'}


def rules_for(plan, iif):
    return [r for r in plan['rules'] if r['iif'] == iif]


class Render(unittest.TestCase):
    def test_vpc_rules_are_longest_prefix_first_and_end_in_a_drop(self):
        w = world()
        w.create_vpc_route(RTB_B, '10.10.1.0/24', w.tgw['id'])
        rules = rules_for(render.plan(w), 'vpc-b')
        prefixes = [ipaddress.ip_network(r['to']).prefixlen for r in rules if 'to' in r]
        self.assertEqual(prefixes, sorted(prefixes, reverse=True))
        self.assertEqual(rules[-1], {'pref': 1199, 'iif': 'vpc-b', 'action': 'blackhole'})
        self.assertEqual([r['pref'] for r in rules], sorted(r['pref'] for r in rules))

    def test_vpc_routes_look_up_the_associated_table(self):
        plan = render.plan(world())
        numbers = render.table_numbers(world())
        for rule in rules_for(plan, 'vpc-a')[:-1]:
            self.assertEqual(rule['table'], numbers[SPOKES])
        for rule in rules_for(plan, 'vpc-shared')[:-1]:
            self.assertEqual(rule['table'], numbers[SHARED])

    def test_an_unassociated_attachment_drops_everything(self):
        w = world()
        w.disassociate(SPOKES, ATT_A)
        self.assertTrue(all(r.get('action') == 'blackhole' and 'table' not in r for r in rules_for(render.plan(w), 'vpc-a')))

    def test_a_missing_vpc_route_is_no_rule_so_the_final_drop_takes_it(self):
        w = world()
        w.delete_vpc_route(RTB_B, '10.10.0.0/16')
        self.assertNotIn('10.10.0.0/16', [r.get('to') for r in rules_for(render.plan(w), 'vpc-b')])

    def test_every_table_ends_in_a_silent_catch_all(self):
        for table in render.plan(world())['tables'].values():
            self.assertEqual(table['routes'][-1], {'to': 'default', 'blackhole': True, 'proto': render.PROTO['implicit']})

    def test_a_static_default_route_replaces_the_implicit_drop(self):
        w = world()
        w.create_tgw_route(SPOKES, '0.0.0.0/0', attachment_id=ATT_B)
        spokes = render.plan(w)['tables'][str(render.table_numbers(w)[SPOKES])]['routes']
        self.assertEqual([r for r in spokes if r['to'] in ('0.0.0.0/0', 'default')], [{'to': '0.0.0.0/0', 'proto': 181, 'dev': 'vpc-b'}])
        # one route per destination, or the kernel (one route per prefix) could never match the plan
        self.assertEqual(len(dataplane.desired_routes(render.plan(w), NAMES)['101']), len(spokes))

    def test_blackhole_and_propagated_routes_render_with_their_protocols(self):
        w = world()
        w.create_tgw_route(SPOKES, '10.20.8.0/24', blackhole=True)
        spokes = render.plan(w)['tables'][str(render.table_numbers(w)[SPOKES])]['routes']
        self.assertIn({'to': '10.20.8.0/24', 'proto': 181, 'blackhole': True}, spokes)
        self.assertIn({'to': '10.20.0.0/16', 'proto': 180, 'dev': 'vpc-b'}, spokes)

    def test_disabled_propagation_removes_the_route(self):
        w = world()
        w.disable_propagation(SPOKES, ATT_B)
        spokes = render.plan(w)['tables'][str(render.table_numbers(w)[SPOKES])]['routes']
        self.assertNotIn('10.20.0.0/16', [r['to'] for r in spokes])

    def test_the_version_moves_with_every_change(self):
        w = world()
        before = render.plan(w)['version']
        w.create_tgw_route(SPOKES, '10.20.8.0/24', blackhole=True)
        self.assertGreater(render.plan(w)['version'], before)


class DataplaneForms(unittest.TestCase):
    """The kernel's `ip -j` output and the plan meet in one normal form; a plan always matches itself."""

    def test_desired_rules_resolve_attachment_names_to_interfaces(self):
        rules = dataplane.desired_rules(render.plan(world()), NAMES)
        self.assertIn((1000, 'eth0', '10.20.0.0/16', '101', None), rules)
        self.assertIn((1099, 'eth0', None, None, 'blackhole'), rules)

    def test_a_rule_for_everything_normalises_like_the_kernel_shows_it(self):
        w = world()
        w.create_vpc_route('rtb-0a51c7e3f9b2d4a6c', '0.0.0.0/0', w.tgw['id'])
        rules = dataplane.desired_rules(render.plan(w), NAMES)
        self.assertIn((1002, 'eth0', None, '101', None), rules)

    def test_kernel_route_json_normalises_like_the_plan(self):
        plan_routes = dataplane.desired_routes(render.plan(world()), NAMES)['101']
        kernel = [
            {'type': 'blackhole', 'dst': 'default', 'protocol': '182', 'flags': []},
            {'dst': '10.10.0.0/16', 'dev': 'eth0', 'protocol': '180', 'scope': 'link', 'flags': []},
            {'dst': '10.20.0.0/16', 'dev': 'eth1', 'protocol': '180', 'scope': 'link', 'flags': []},
            {'dst': '10.30.0.0/16', 'dev': 'eth2', 'protocol': '180', 'scope': 'link', 'flags': []},
        ]
        normal = {dataplane._route_key(r['dst'], r.get('type') == 'blackhole', r.get('dev'), r['protocol']) for r in kernel}
        self.assertEqual(normal, plan_routes)

    def test_rule_and_route_arguments(self):
        self.assertEqual(dataplane._rule_args((1000, 'eth0', '10.20.0.0/16', '101', None)),
                         ['pref', '1000', 'iif', 'eth0', 'to', '10.20.0.0/16', 'lookup', '101'])
        self.assertEqual(dataplane._rule_args((1099, 'eth0', None, None, 'blackhole')), ['pref', '1099', 'iif', 'eth0', 'blackhole'])
        self.assertEqual(dataplane._route_args(('10.20.8.0/24', 'blackhole', None, '181'), '101'),
                         ['blackhole', '10.20.8.0/24', 'table', '101', 'proto', '181'])
        self.assertEqual(dataplane._route_args(('10.20.0.0/16', 'unicast', 'eth1', '180'), '101'),
                         ['10.20.0.0/16', 'dev', 'eth1', 'scope', 'link', 'table', '101', 'proto', '180'])

    def test_interfaces_are_found_by_their_attachment_address(self):
        links = {'eth0': ['10.10.0.2', '10.10.0.1'], 'eth1': ['10.20.0.2'], 'eth2': ['10.30.0.2'], 'eth3': ['172.18.0.5']}
        self.assertEqual(dataplane.interface_names(render.plan(world()), links), NAMES)
        with self.assertRaises(RuntimeError):
            dataplane.interface_names(render.plan(world()), {'eth0': ['10.10.0.2']})


if __name__ == '__main__':
    unittest.main()

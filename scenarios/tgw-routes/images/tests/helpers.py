"""Shared by the agent's tests: the lab's world, and botocore (Debian's python3-botocore) as the client the
AWS CLI is built on, to check our wire format against the real parser and signer."""
import json
import os

from labnet.world import World

HERE = os.path.dirname(os.path.abspath(__file__))
WORLD_JSON = os.path.join(HERE, '..', 'labnet', 'world.json')

SPOKES = 'tgw-rtb-0c1e5a9d3b7f2e4a1'
SHARED = 'tgw-rtb-0d2f6b1e4c8a3f5b2'
ATT_A = 'tgw-attach-0a4e7c1b9d3f5a2e1'
ATT_B = 'tgw-attach-0b5f8d2c1e4a6b3f2'
ATT_SHARED = 'tgw-attach-05d9a3e7c2b1f4a63'
RTB_A = 'rtb-0a51c7e3f9b2d4a6c'
RTB_B = 'rtb-0b62d8f4a1c3e5b7d'
TGW = 'tgw-0f3c9a1e7b25d4c68'


def catalogue():
    with open(WORLD_JSON, encoding='utf-8') as handle:
        return json.load(handle)


def world():
    return World(catalogue())

/** Scenario networks: bridges we create, with a check that a fixed subnet collides with nothing. */
import type Docker from 'dockerode';
import { cidrsOverlap, parseIpv4Cidr } from '../../shared/net/ipv4.js';
import type { NetworkSpec } from '../runtime.js';

export interface ExistingNetwork {
  name: string;
  subnets: string[];
}

/** The first existing network whose subnet overlaps `subnet`, if any. */
export function findSubnetConflict(subnet: string, existing: ExistingNetwork[]): { network: string; subnet: string } | undefined {
  const wanted = parseIpv4Cidr(subnet);
  if (!wanted) throw new Error(`subnet "${subnet}" is not an IPv4 CIDR like 10.42.0.0/24`);
  for (const network of existing) {
    for (const other of network.subnets) {
      // Only IPv4 blocks are compared (an engine's IPv6 pools cannot collide with them).
      const parsed = parseIpv4Cidr(other);
      if (parsed && cidrsOverlap(wanted, parsed)) return { network: network.name, subnet: other };
    }
  }
  return undefined;
}

export async function existingNetworks(docker: Docker): Promise<ExistingNetwork[]> {
  const networks = await docker.listNetworks();
  return networks.map((n) => ({
    name: n.Name,
    subnets: (n.IPAM?.Config ?? []).map((c) => c.Subnet).filter((s): s is string => typeof s === 'string'),
  }));
}

/** Fail early, naming the network in the way, when any fixed subnet of the spec overlaps. */
export function assertNoSubnetConflicts(specs: { dockerName: string; spec: NetworkSpec }[], existing: ExistingNetwork[]): void {
  const seen: ExistingNetwork[] = [...existing];
  for (const { dockerName, spec } of specs) {
    if (!spec.subnet) continue;
    const conflict = findSubnetConflict(spec.subnet, seen);
    if (conflict) {
      throw new Error(
        `network "${spec.name}" wants subnet ${spec.subnet}, which overlaps Docker network "${conflict.network}" (${conflict.subnet}); ` +
          `remove that network (\`docker network rm ${conflict.network}\`) or change the scenario's subnet`,
      );
    }
    seen.push({ name: dockerName, subnets: [spec.subnet] });
  }
}

/**
 * Internal networks (no egress) get Docker's isolation rules, which drop any packet whose source or
 * destination is outside the network's subnet: right for plain networks, fatal for routed ones (a packet
 * from 10.10.1.10 to 10.20.8.30 crossing vpc-a's bridge to its router). A routed network is therefore a
 * plain bridge that the host holds no address on (`inhibit_ipv4`) and never masquerades: containers on it
 * get the first address of the subnet as default gateway, which nobody answers for until a router service
 * of the pack claims it; the host has no route to the subnet and no address to be a gateway with.
 */
export function networkCreateOptions(dockerName: string, spec: NetworkSpec, labels: Record<string, string>): Docker.NetworkCreateOptions {
  if (spec.routed) {
    if (!spec.subnet || spec.egress) throw new Error(`network "${spec.name}": a routed network needs a subnet and no egress`);
    return {
      Name: dockerName,
      Driver: 'bridge',
      CheckDuplicate: true,
      Internal: false,
      Attachable: false,
      Labels: labels,
      Options: {
        'com.docker.network.bridge.inhibit_ipv4': 'true',
        'com.docker.network.bridge.enable_ip_masquerade': 'false',
      },
      IPAM: { Driver: 'default', Config: [{ Subnet: spec.subnet }] },
    };
  }
  return {
    Name: dockerName,
    Driver: 'bridge',
    CheckDuplicate: true,
    Internal: !spec.egress,
    Attachable: false,
    Labels: labels,
    ...(spec.subnet ? { IPAM: { Driver: 'default', Config: [{ Subnet: spec.subnet }] } } : {}),
  };
}

/** The per-run network that lets the host reach published ports (see DockerRuntime.up). */
export const ACCESS_NETWORK = 'host-access';

export function accessNetworkOptions(dockerName: string, labels: Record<string, string>): Docker.NetworkCreateOptions {
  return {
    Name: dockerName,
    Driver: 'bridge',
    CheckDuplicate: true,
    Internal: false,
    Attachable: false,
    Labels: labels,
    // No masquerading: inbound port mappings work, outbound traffic has no usable route off the host.
    Options: { 'com.docker.network.bridge.enable_ip_masquerade': 'false' },
  };
}

/**
 * IPv4 addresses and CIDR blocks, through ipaddr.js (PURE): the validator checks a pack's subnets and
 * fixed addresses, the Docker runtime checks them against the engine's networks.
 */
import ipaddr from 'ipaddr.js';

/** A block such as 10.231.7.0/24: `network` is the address with the host bits cleared. */
export interface Ipv4Cidr {
  address: ipaddr.IPv4;
  prefix: number;
  network: ipaddr.IPv4;
}

/** A dotted quad (four decimal parts, each 0-255), or undefined. */
export function parseIpv4(text: string): ipaddr.IPv4 | undefined {
  return ipaddr.IPv4.isValidFourPartDecimal(text) ? ipaddr.IPv4.parse(text) : undefined;
}

/** `a.b.c.d/n` with a dotted quad, or undefined (IPv6 and anything else). */
export function parseIpv4Cidr(text: string): Ipv4Cidr | undefined {
  if (!ipaddr.IPv4.isValidCIDRFourPartDecimal(text)) return undefined;
  const [address, prefix] = ipaddr.IPv4.parseCIDR(text);
  return { address, prefix, network: ipaddr.IPv4.networkAddressFromCIDR(text) };
}

export function cidrContains(cidr: Ipv4Cidr, ip: string | ipaddr.IPv4): boolean {
  const address = typeof ip === 'string' ? parseIpv4(ip) : ip;
  return address !== undefined && address.match(cidr.network, cidr.prefix);
}

export function cidrsOverlap(a: Ipv4Cidr, b: Ipv4Cidr): boolean {
  // Two blocks overlap exactly when one contains the other: compare at the shorter prefix.
  return a.network.match(b.network, Math.min(a.prefix, b.prefix));
}

/** How far an address is into a block (0 is the network address, size - 1 the broadcast). */
export function offsetInCidr(cidr: Ipv4Cidr, ip: ipaddr.IPv4): number {
  return toNumber(ip) - toNumber(cidr.network);
}

export function cidrSize(cidr: Ipv4Cidr): number {
  return 2 ** (32 - cidr.prefix);
}

function toNumber(ip: ipaddr.IPv4): number {
  return ip.toByteArray().reduce((value, byte) => value * 256 + byte, 0);
}

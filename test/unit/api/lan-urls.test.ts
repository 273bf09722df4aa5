/**
 * `firedrill serve --host 0.0.0.0` (game days on a LAN): the URLs other machines use, real interfaces
 * first; loopback and IPv6 link-local addresses are never offered.
 */
import type { NetworkInterfaceInfo } from 'node:os';
import { describe, expect, it } from 'vitest';
import { lanUrls } from '../../../main/api/server.js';

const v4 = (address: string, internal = false): NetworkInterfaceInfo =>
  ({ address, family: 'IPv4', internal, netmask: '255.255.255.0', mac: '00:00:00:00:00:00', cidr: `${address}/24` }) as NetworkInterfaceInfo;

describe('LAN URLs of a server on every interface', () => {
  it('lists every non-loopback IPv4 address, container bridges last', () => {
    const urls = lanUrls(4242, {
      lo: [v4('127.0.0.1', true)],
      docker0: [v4('172.17.0.1')],
      'br-1234': [v4('172.18.0.1')],
      wlan0: [v4('192.168.1.23'), { ...v4('fe80::1'), family: 'IPv6' } as NetworkInterfaceInfo],
      eth0: [v4('10.0.0.5')],
    });
    expect(urls).toEqual(['http://192.168.1.23:4242', 'http://10.0.0.5:4242', 'http://172.17.0.1:4242', 'http://172.18.0.1:4242']);
  });

  it('is empty on a machine with only loopback', () => {
    expect(lanUrls(1, { lo: [v4('127.0.0.1', true)] })).toEqual([]);
  });
});

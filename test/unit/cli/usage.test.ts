import { describe, expect, it } from 'vitest';
import { main } from '../../../main/cli/main.js';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: (s: string) => void out.push(s), stderr: (s: string) => void err.push(s) }, out, err };
}

describe('the firedrill command line', () => {
  it('prints usage and exits 2 on an unknown command', async () => {
    const { io, err } = capture();
    expect(await main(['frobnicate'], io)).toBe(2);
    expect(err.join('\n')).toMatch(/unknown command "frobnicate"[\s\S]*Usage: firedrill/);
  });

  it('prints usage and exits 2 on an unknown flag', async () => {
    const { io, err } = capture();
    expect(await main(['doctor', '--jsno'], io)).toBe(2);
    expect(err.join('\n')).toMatch(/--jsno[\s\S]*Usage: firedrill/);
  });

  it('answers --help with exit 0 and --version with the package version', async () => {
    const help = capture();
    expect(await main(['--help'], help.io)).toBe(0);
    expect(help.out.join('\n')).toMatch(/doctor[\s\S]*serve[\s\S]*validate[\s\S]*test/);
    const version = capture();
    expect(await main(['--version'], version.io)).toBe(0);
    expect(version.out.join('')).toMatch(/^\d+\.\d+\.\d+$/);
  });
});

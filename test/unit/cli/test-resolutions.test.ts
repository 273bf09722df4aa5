/**
 * `firedrill test --resolution` and `--all-resolutions` refuse what cannot be proven before anything is built:
 * an unknown resolution, one without steps, or both flags at once (exit 2, no session written).
 */
import { mkdtempSync, readdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../../main/cli/main.js';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: (s: string) => void out.push(s), stderr: (s: string) => void err.push(s) }, out, err };
}

const PACK = 'test/fixtures/scenarios/valid-minimal';
let home: string;
let saved: string | undefined;

beforeEach(() => {
  saved = process.env.FIREDRILL_HOME;
  home = mkdtempSync(join(tmpdir(), 'fd-test-cli-'));
  process.env.FIREDRILL_HOME = home;
});
afterEach(() => {
  if (saved === undefined) delete process.env.FIREDRILL_HOME;
  else process.env.FIREDRILL_HOME = saved;
});

const sessions = () => (existsSync(join(home, 'sessions')) ? readdirSync(join(home, 'sessions')) : []);

describe('firedrill test --resolution / --all-resolutions', () => {
  it('a resolution without steps is a usage error that says where to add them', async () => {
    const c = capture();
    expect(await main(['test', PACK, '--resolution', 'restarted'], c.io)).toBe(2);
    expect(c.err.join('\n')).toContain('resolution "restarted" has no solution to prove it: add checks.resolutions[1].solution.steps');
    expect(sessions()).toEqual([]);
  }, 30_000);

  it('an unknown resolution lists the known ones', async () => {
    const c = capture();
    expect(await main(['test', PACK, '--resolution', 'fixd', '--variant', 'default'], c.io)).toBe(2);
    expect(c.err.join('\n')).toContain('has no resolution "fixd" (resolutions: fixed, restarted)');
    expect(sessions()).toEqual([]);
  }, 30_000);

  it('the two flags exclude each other', async () => {
    const c = capture();
    expect(await main(['test', PACK, '--resolution', 'fixed', '--all-resolutions'], c.io)).toBe(2);
    expect(c.err.join('\n')).toContain('--resolution and --all-resolutions exclude each other');
  }, 30_000);
});

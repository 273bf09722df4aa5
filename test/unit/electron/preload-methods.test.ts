import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { methodNames } from '../../../shared/api/contract.js';
import { preloadName } from '../../../main/electron/channels.js';

// The sandboxed preload cannot import the contract, so it spells the methods out; this keeps them equal.
describe('the Electron preload exposes exactly one method per API operation', () => {
  const source = readFileSync(new URL('../../../main/electron/preload.cts', import.meta.url), 'utf8');
  const listed = [...source.matchAll(/^\s+'([a-z]+\.[A-Za-z]+)',$/gm)].map((m) => m[1]);

  it('lists every contract method and nothing else', () => {
    expect(listed.sort()).toEqual([...methodNames].sort());
  });

  it('camel-cases names the way the renderer calls them', () => {
    expect(preloadName('doctor.run')).toBe('doctorRun');
    expect(preloadName('runs.checkFix')).toBe('runsCheckFix');
  });

  it('keeps the isolation settings in the shell', () => {
    const shell = readFileSync(new URL('../../../main/electron/main.ts', import.meta.url), 'utf8');
    expect(shell).toMatch(/contextIsolation: true/);
    expect(shell).toMatch(/sandbox: true/);
    expect(shell).toMatch(/nodeIntegration: false/);
    expect(shell).toMatch(/setWindowOpenHandler[\s\S]*action: 'deny'/);
    expect(shell).toMatch(/will-navigate[\s\S]*preventDefault/);
    expect(shell).toMatch(/trustedSender\(event\)/);
  });
});

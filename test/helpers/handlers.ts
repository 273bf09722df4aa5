/**
 * The run API's handlers over a real engine (a RunManager and its home), for tests that call handlers
 * directly: real scoring and scenario loading, no terminal, no doctor, no HTML renderer unless a test
 * passes its own (any HandlerDeps field given replaces the default).
 */
import { createHandlers, type HandlerDeps } from '../../main/api/handlers.js';
import { createScoring } from '../../main/app/scoring-adapter.js';
import type { RunManager } from '../../main/engine/run/run-manager.js';

export function engineHandlers(manager: RunManager, home: string, overrides: Partial<HandlerDeps> = {}): ReturnType<typeof createHandlers> {
  return createHandlers({
    manager,
    scoring: createScoring(),
    doctor: async () => ({ ok: true, checks: [] }),
    openTerminal: async () => ({ terminal: 1, id: 'x:1' }),
    renderReportHtml: () => '',
    readCasts: () => ({}),
    info: () => ({ version: '0', host: 'web', serverUrl: '', token: '', dataDir: home }),
    loadScenario: (dir) => manager.load(dir),
    ...overrides,
  });
}

/**
 * The preload: one method per API operation on `window.firedrill`, nothing generic. Sandboxed
 * preloads cannot load our modules, so the method list is written out here; a unit test keeps it
 * equal to the contract's.
 */
import { contextBridge, ipcRenderer } from 'electron';

export const PRELOAD_METHODS = [
  'app.info',
  'doctor.run',
  'scenarios.list',
  'scenarios.get',
  'runs.start',
  'runs.get',
  'runs.cancel',
  'runs.abandon',
  'runs.checkFix',
  'runs.takeHint',
  'runs.submit',
  'observability.query',
  'observability.fetch',
  'terminals.open',
  'postmortem.draft',
  'postmortem.grade',
  'postmortem.submit',
  'reports.get',
  'reports.exportHtml',
  'reviews.override',
  'history.list',
  'history.import',
  'paths.list',
  'studio.schema',
  'studio.templates',
  'studio.create',
  'studio.files',
  'studio.read',
  'studio.validate',
  'studio.save',
  'studio.test',
  'studio.testStatus',
  'studio.export',
  'studio.inspect',
  'studio.install',
  'game.open',
  'game.validate',
  'game.save',
  'game.start',
  'game.board',
  'game.inject',
  'game.broadcast',
  'game.pause',
  'game.resume',
  'game.extend',
  'game.kill',
  'game.end',
  'game.debrief',
  'game.exportReports',
  'game.team',
  'comms.post',
  'comms.channel',
] as const;

type Reply = { ok: true; value: unknown } | { ok: false; error: { code: string; message: string; fix?: string } };

const api: Record<string, (request?: unknown) => Promise<unknown>> = {};
for (const method of PRELOAD_METHODS) {
  const name = method.replace(/\.(\w)/g, (_m, c: string) => c.toUpperCase());
  const channel = `firedrill:${method}`;
  api[name] = async (request: unknown = {}) => {
    const reply = (await ipcRenderer.invoke(channel, request)) as Reply;
    if (reply.ok) return reply.value;
    throw Object.assign(new Error(reply.error.message), reply.error);
  };
}

contextBridge.exposeInMainWorld('firedrill', Object.freeze(api));

/**
 * `npm run bench`: every performance figure as one JSON object `{"name": {"median": n, "unit": "ms"}, ...}`.
 * Figures that need Docker or Chromium are skipped (and say so on stderr) where those are missing.
 * `--only engine,terminal,...` picks groups; `--no-<scenario>` (e.g. `--no-slow-query`) skips that scenario's runs.
 * The game group takes `--game-pack=<pack>` (default slow-query) and `--game-teams=1,2,4`.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Figure } from './stats.js';

const args = process.argv.slice(2);
const only = args.find((a) => a.startsWith('--only='))?.slice('--only='.length).split(',');
const wanted = (group: string) => !only || only.includes(group);
const figures: Record<string, Figure | Record<string, unknown>> = {};
const note = (text: string) => process.stderr.write(`bench: ${text}\n`);

async function group(name: string, work: () => Promise<Record<string, Figure | Record<string, unknown>>>): Promise<void> {
  if (!wanted(name)) return;
  note(`${name}...`);
  try {
    Object.assign(figures, await work());
  } catch (error) {
    note(`${name} skipped: ${error instanceof Error ? error.message : String(error)}`);
  }
}

await group('validate', async () => (await import('./validate.js')).benchValidate());
await group('grading', async () => (await import('./grading.js')).benchGrading());
await group('bounded', async () => (await import('./bounded.js')).benchBounded());
await group('investigation', async () => (await import('./investigation.js')).benchInvestigation());
await group('terminal', async () => (await import('./terminal.js')).benchTerminal());
await group('engine', async () =>
  (await import('./engine.js')).benchEngine({
    skip: args.filter((a) => a.startsWith('--no-')).map((a) => a.slice('--no-'.length)),
  }),
);
await group('kubernetes', async () => (await import('./kubernetes.js')).benchKubernetes());
await group('game', async () => {
  const pack = args.find((a) => a.startsWith('--game-pack='))?.slice('--game-pack='.length) ?? 'slow-query';
  const counts = (args.find((a) => a.startsWith('--game-teams='))?.slice('--game-teams='.length) ?? '1,2,4').split(',').map(Number);
  return (await import('./game.js')).benchGame({ pack, counts });
});
await group('renderer', async () => {
  const { packageRoot } = await import('../main/platform/package-root.js');
  if (!existsSync(join(packageRoot(), 'dist/renderer/index.html'))) throw new Error('the renderer is not built');
  const { startApiHost } = await import('../main/app/api-host.js');
  const host = await startApiHost({ kind: 'web' });
  try {
    const path = './renderer.js';
    return await (await import(path)).benchRenderer({ baseUrl: host.server.openUrl });
  } finally {
    await host.close();
  }
});

process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
process.exit(0);

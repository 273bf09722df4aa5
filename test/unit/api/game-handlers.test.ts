/**
 * The game API's debrief and export over a real game on the fake runtime, wired as the app wires it: the
 * scores come from reports.get (so a reviewer's override shows in the debrief exactly as in the report), and
 * the export writes one HTML file and every team's session bundle into the game's export folder.
 */
import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createGameHandlers, exportDir } from '../../../main/api/game-handlers.js';
import { renderGameHtml } from '../../../main/report/game-html.js';
import { sessionPath, writeBundle } from '../../../main/sessions/store.js';
import { ApiError } from '../../../shared/api/contract.js';
import type { FakeSandbox } from '../../helpers/fake-runtime.js';
import { PLAN, setup, untilLive } from '../game/setup.js';
import { engineHandlers } from '../../helpers/handlers.js';

function app() {
  const game = setup(PLAN);
  const { manager, home, runner } = game;
  const runHandlers = engineHandlers(manager, home);
  const handlers = createGameHandlers(runner, {
    report: (runId) => runHandlers['reports.get']({ runId }),
    casts: () => ({}),
    writeBundle: (runId, file) => writeBundle(sessionPath(home, runId), file),
    renderGameHtml: (debrief, reports) => renderGameHtml(debrief, reports),
  });
  return { ...game, runHandlers, handlers };
}

const apiError = (code: string) => expect.objectContaining({ name: 'ApiError', code });

describe('game.debrief and game.exportReports', () => {
  it('debriefs a finished game with the reviewed scores, and exports every report and bundle', async () => {
    const { runner, runtime, file, handlers, runHandlers } = app();
    await expect(handlers['game.debrief']({})).rejects.toEqual(apiError('not_found'));
    const game = await runner.start(file);
    await untilLive(runner);
    const red = game.team('red')!.run;
    // Red works the incident: a status update, a command, the fix. Blue never touches it.
    red.events.append({ type: 'status.update', author: 'alice', message: 'Looking at the <switch>' });
    red.events.append({ type: 'command', terminal: 1, source: 'shell', command: 'get-state', exitCode: 0, startedAt: '', endedAt: '', durationMs: 5 });
    await (runtime.sandboxes[0] as FakeSandbox).exec('app', ['set-state', 'ok']);
    await red.waitResolved(60_000);
    await expect(handlers['game.exportReports']({})).rejects.toEqual(apiError('conflict'));
    await runner.end();

    // A reviewer overrides red's time criterion on its report; the debrief shows the same reviewed score.
    const automatic = await runHandlers['reports.get']({ runId: red.id });
    const time = automatic.troubleshooting!.criteria.find((c) => c.id === 'time')!;
    const reviewed = await runHandlers['reviews.override']({ runId: red.id, part: 'troubleshooting', criterionId: 'time', points: 0, note: 'slow', reviewer: 'rita' });
    expect(time.points).toBeGreaterThan(0);

    const debrief = await handlers['game.debrief']({});
    expect(debrief).toMatchObject({ game: game.id, title: 'Drill', state: 'ended' });
    const [redView, blueView] = debrief.teams;
    expect(redView).toMatchObject({ team: 'red', status: 'resolved', parMinutes: 5 });
    expect(redView!.parVerdict).toMatch(/^resolved at \S+, par 5m: \S+ under$/);
    expect(redView!.marks.find((m) => m.kind === 'status')).toMatchObject({ text: 'Looking at the <switch>', author: 'alice' });
    expect(redView!.scores!.troubleshooting).toEqual({
      automatic: automatic.troubleshooting!.score,
      reviewed: reviewed.troubleshooting!.reviewedScore,
      max: 100,
      overridden: [{ id: 'time', title: 'Time', automatic: time.points, reviewed: 0, reviewer: 'rita', note: 'slow' }],
    });
    expect(blueView).toMatchObject({ team: 'blue', status: 'not started', scores: null, parVerdict: 'not started' });
    expect(blueView!.marks.map((m) => m.kind)).toEqual(expect.arrayContaining(['fault', 'page', 'end']));

    const exported = await handlers['game.exportReports']({});
    expect(exported.dir).toBe(exportDir(game));
    expect(readFileSync(exported.htmlPath, 'utf8')).toBe(exported.html);
    expect(exported.filename).toBe(`firedrill-game-${game.id}.html`);
    for (const { run } of game.teams) expect(exported.html).toContain(`id="report-${run.id}"`);
    expect(exported.html).toContain('Looking at the &lt;switch&gt;');
    expect(exported.html).not.toContain('<switch>');
    expect(exported.bundles.map((b) => b.team)).toEqual(['red', 'blue']);
    for (const bundle of exported.bundles) {
      expect(existsSync(bundle.path)).toBe(true);
      // A tar of the session: its event log and the reviewer's log travel in it.
      const tar = gunzipSync(readFileSync(bundle.path)).toString('latin1');
      expect(tar).toContain('events.jsonl');
      if (bundle.team === 'red') expect(tar).toContain('reviews.jsonl');
    }
  });

  it('refuses the export while no game has been started', async () => {
    const { handlers } = app();
    await expect(handlers['game.exportReports']({})).rejects.toBeInstanceOf(ApiError);
    await expect(handlers['game.exportReports']({})).rejects.toEqual(apiError('not_found'));
  });
});

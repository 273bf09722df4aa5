/**
 * The debrief (main/game/debrief.ts) from synthetic logs of slow-query: milestones in ms since the page, the
 * root-cause signal from the scoring's evidence rules (never an echo of its words), time to resolve against par,
 * a team that never engaged shown as not started, and the report's scores with a reviewer's overrides.
 */
import { describe, expect, it } from 'vitest';
import { debriefMeasures } from '../../../main/api/game-handlers.js';
import { debriefGame, debriefTeam, parVerdict, type DebriefInput } from '../../../main/game/debrief.js';
import { scoreSession } from '../../../main/scoring/troubleshooting/index.js';
import { applyReviews, type ReviewEvent } from '../../../main/sessions/reviews.js';
import { SessionBuilder, slowQueryScenario } from '../scoring/session.js';

const scenario = slowQueryScenario();
const STATS = 'SELECT query, mean_exec_time FROM pg_stat_statements ORDER BY mean_exec_time DESC LIMIT 5;';
const ECHO = 'echo pg_stat_statements explain analyze pg_indexes';
const TEAM = { id: 'red', name: 'Red', members: ['ana', 'bo'] };
const input = (events: SessionBuilder['events'], report: DebriefInput['report'] = null): DebriefInput => ({ team: TEAM, runId: 'run-1', events, scenario, report });
const min = (m: number, s = 0) => (m * 60 + s) * 1000;

/** Paged at 14:03:10; an echo of every keyword, a status update, a hint, a broadcast, the real look at 14:09:10, fixed 14:11:00, held 14:11:10. */
function played(): SessionBuilder {
  return new SessionBuilder()
    .start()
    .cmd('14:03:41', ECHO)
    .at('14:05:10', { type: 'status.update', author: 'bo', message: 'Investigating slow checkout' })
    .at('14:06:10', { type: 'hint.shown', hintId: 'h1', index: 0, text: 'Look at the database.' })
    .at('14:07:10', { type: 'facilitator.action', action: 'broadcast', game: 'g', message: 'Status update due' })
    .at('14:08:10', { type: 'facilitator.action', action: 'extend', game: 'g', extendMs: min(5) })
    .cmd('14:09:10', STATS, 'psql')
    .fixedBy('14:11:00', '14:11:10')
    .at('14:12:10', { type: 'run.ended', outcome: 'resolved' });
}

describe('a team\'s debrief', () => {
  it('places every milestone in ms since the page, the fault before it', () => {
    const team = debriefTeam(input(played().events), debriefMeasures);
    expect(team.status).toBe('resolved');
    expect(team.milestones).toEqual({ rootCauseMs: min(6), mitigatedMs: min(7, 50), resolvedMs: min(8), pausedToResolveMs: 0, endedMs: min(9) });
    const marks = team.marks.map((m) => [m.kind, m.atMs, m.text]);
    expect(marks).toEqual([
      ['fault', -min(1, 38), 'deploy-v2 applied'],
      ['page', 0, 'Paged'],
      ['status', min(2), 'Investigating slow checkout'],
      ['hint', min(3), 'hint 1'],
      ['facilitator', min(4), 'broadcast: Status update due'],
      ['facilitator', min(5), 'extend +5m'],
      ['root-cause', min(6), `pg-stat-statements: ${STATS}`],
      ['mitigation', min(7, 50), 'fixed holding'],
      ['resolution', min(8), 'fixed'],
      ['end', min(9), 'ended (resolved)'],
    ]);
    expect(team.marks.find((m) => m.kind === 'status')!.author).toBe('bo');
    expect(team.rootCause).toEqual({ signal: 'pg-stat-statements', command: STATS });
  });

  it('takes the root-cause signal from what ran: an echo of its words is not one', () => {
    const events = new SessionBuilder().start().cmd('14:03:41', ECHO).fixedBy('14:11:00', '14:11:10').events;
    const team = debriefTeam(input(events), debriefMeasures);
    expect(team.rootCause).toBeNull();
    expect(team.milestones.rootCauseMs).toBeNull();
    expect(team.marks.some((m) => m.kind === 'root-cause')).toBe(false);
  });

  it('states time to resolve against par, under and over', () => {
    const under = debriefTeam(input(played().events), debriefMeasures);
    expect(under.parVerdict).toBe('resolved at 8m, par 15m: 7m under');
    expect(under.parDeltaMs).toBe(-min(7));
    const late = new SessionBuilder().start().cmd('14:04:00', STATS, 'psql').fixedBy('14:23:00', '14:23:10').events;
    const over = debriefTeam(input(late), debriefMeasures);
    expect(over.parVerdict).toBe('resolved at 20m, par 15m: 5m over');
    expect(over.parDeltaMs).toBe(min(5));
    expect(parVerdict('resolved', { rootCauseMs: null, mitigatedMs: min(14), resolvedMs: min(15), pausedToResolveMs: 0, endedMs: null }, 15)).toBe('resolved at 15m, par 15m: on par');
    const mitigated = new SessionBuilder().start().cmd('14:04:00', STATS, 'psql').at('14:10:10', { type: 'resolution.holding', resolutionId: 'fixed' }).events;
    const held = debriefTeam(input(mitigated), debriefMeasures);
    expect(held.status).toBe('mitigated');
    expect(held.parVerdict).toBe('mitigated at 7m, not resolved (par 15m)');
    expect(held.parDeltaMs).toBeNull();
  });

  it('does not count the facilitator\'s pauses against par, as the score does not', () => {
    const events = new SessionBuilder()
      .start()
      .cmd('14:04:00', STATS, 'psql')
      .at('14:05:10', { type: 'facilitator.action', action: 'pause', game: 'g' })
      .at('14:08:10', { type: 'facilitator.action', action: 'resume', game: 'g' })
      .fixedBy('14:21:00', '14:21:10').events;
    const team = debriefTeam(input(events), debriefMeasures);
    // 18m after the page on the wall clock, 3m of it paused: 15m counted.
    expect(team.milestones).toMatchObject({ resolvedMs: min(18), pausedToResolveMs: min(3) });
    expect(team.parVerdict).toBe('resolved at 18m (3m paused, not counted), par 15m: on par');
    expect(team.parDeltaMs).toBe(0);
    expect(team.marks.filter((m) => m.kind === 'facilitator').map((m) => [m.atMs, m.text])).toEqual([
      [min(2), 'pause'],
      [min(5), 'resume'],
    ]);
    const time = scoreSession(events, scenario).criteria.find((c) => c.id === 'time')!;
    expect(time.evidence.map((e) => e.note).join('\n')).toContain('time to mitigate: 14m50s'); // mitigation at 17m50s, less 3m
  });

  it('shows a team that never engaged as not started, not as the score of doing nothing', () => {
    const idle = new SessionBuilder().start().at('14:20:00', { type: 'run.ended', outcome: 'abandoned' }).events;
    const report = { troubleshooting: scoreSession(idle, scenario), postmortem: null };
    expect(report.troubleshooting.score).toBeGreaterThan(0); // safety and hints are free when nothing ran
    const team = debriefTeam(input(idle, report), debriefMeasures);
    expect(team.status).toBe('not started');
    expect(team.scores).toBeNull();
    expect(team.parVerdict).toBe('not started');
    expect(team.marks.map((m) => m.kind)).toEqual(['fault', 'page', 'end']);
    // A status update is engaging with the incident (the comms side of it), as on the board (engaged.ts).
    const talked = new SessionBuilder().start().at('14:05:00', { type: 'status.update', author: null, message: 'on it' }).events;
    expect(debriefTeam(input(talked, report), debriefMeasures).status).toBe('unresolved');
    // Never paged (the sandbox never came up): nothing to place on the axis.
    const unpaged = new SessionBuilder().at('14:00:00', { type: 'run.created', runId: 'run-1', scenario: 'slow-query', scenarioDir: '/x', scenarioTitle: 't', variant: null, seed: 1, runtime: 'docker', parMinutes: 15 }).events;
    expect(debriefTeam(input(unpaged, report), debriefMeasures)).toMatchObject({ status: 'not started', marks: [], scores: null, parDeltaMs: null });
  });

  it('shows the report\'s scores with the reviewer\'s overrides, marking which criteria were overridden', () => {
    const events = played().events;
    const automatic = scoreSession(events, scenario);
    const time = automatic.criteria.find((c) => c.id === 'time')!;
    const reviews: ReviewEvent[] = [
      { seq: 1, id: 'e1', time: '2025-03-14T15:00:00.000Z', mono: 0, type: 'review.override', part: 'troubleshooting', criterionId: 'time', points: 0, note: 'too slow', reviewer: 'rita' },
      { seq: 2, id: 'e2', time: '2025-03-14T15:01:00.000Z', mono: 1, type: 'review.override', part: 'troubleshooting', criterionId: 'time', points: time.max, note: 'the lab was slow', reviewer: 'rita' },
    ];
    const reviewed = applyReviews(automatic, reviews, 'troubleshooting')!;
    const team = debriefTeam(input(events, { troubleshooting: reviewed, postmortem: null }), debriefMeasures);
    expect(team.scores!.troubleshooting).toEqual({
      automatic: automatic.score,
      reviewed: reviewed.reviewedScore,
      max: 100,
      overridden: [{ id: 'time', title: 'Time', automatic: time.points, reviewed: time.max, reviewer: 'rita', note: 'the lab was slow' }],
    });
    expect(team.scores!.troubleshooting!.reviewed).toBe(Math.round((automatic.score + time.max - time.points) * 10) / 10);
    expect(team.scores!.postmortem).toBeNull();
    // Without reviews: the automatic score, nothing marked.
    const plain = debriefTeam(input(events, { troubleshooting: automatic, postmortem: null }), debriefMeasures);
    expect(plain.scores!.troubleshooting).toMatchObject({ automatic: automatic.score, reviewed: null, overridden: [] });
  });

  it('lists every team of the game in order', () => {
    const view = debriefGame({ id: 'g', title: 'Drill', state: 'ended' }, [input(played().events), { ...input([]), team: { id: 'blue', name: 'Blue', members: [] }, runId: 'run-2' }], debriefMeasures);
    expect(view.teams.map((t) => [t.team, t.status])).toEqual([
      ['red', 'resolved'],
      ['blue', 'not started'],
    ]);
  });
});

/**
 * The debrief of a game (PURE): every team's timeline against par, from its run's event log, its scenario and
 * its report. Times are ms since the team's page (the run going live), so teams that were paged at different
 * moments line up on one axis. The first root-cause signal is the scoring's (signals.ts evidence rules), never
 * words the team printed, and the facilitator's pauses do not count against par, both as the score measures them
 * (injected: game-day mode does not import scoring); the scores are the report's, with the reviewer's overrides already applied by the one
 * path that serves reports (reviewedReport): the debrief only reads them.
 */
import type { Report, ScoreView } from '../../shared/api/contract.js';
import type { DebriefMark, DebriefScore, DebriefView, GameBoardView, TeamDebriefView } from '../../shared/api/game.js';
import { formatDuration } from '../../shared/format/duration.js';
import type { RunEvent } from '../engine/events/types.js';
import type { Scenario } from '../engine/scenario/schema.js';
import { hasEngaged } from './engaged.js';

/** The scoring's detection: the first command started at or after `fromMs` (wall clock) with full credit for a root-cause signal. */
export type RootCauseFinder = (
  events: readonly RunEvent[],
  investigation: Scenario['investigation'],
  fromMs: number,
) => { signalId: string; command: Extract<RunEvent, { type: 'command' }> } | null;

/** What the debrief takes from the scoring (injected: game-day mode does not import it), so both measure alike. */
export interface DebriefMeasures {
  rootCause: RootCauseFinder;
  /** How long the facilitator held the game clock between two wall-clock times (not counted against par). */
  pausedBetween: (events: readonly RunEvent[], fromMs: number, toMs: number) => number;
}

export interface DebriefInput {
  team: { id: string; name: string; members: readonly string[] };
  runId: string;
  events: readonly RunEvent[];
  scenario: { metadata: Pick<Scenario['metadata'], 'name' | 'parMinutes'>; investigation: Scenario['investigation'] };
  /** The run's report as reports.get serves it (reviews applied); null when it could not be assembled. */
  report: Pick<Report, 'troubleshooting' | 'postmortem'> | null;
}

/** "12m", "12m05s": minutes as a room reads them. */
export function minutesText(ms: number): string {
  return formatDuration(Math.abs(ms), 'minutes').replace(/m00s$/, 'm');
}

/** Resolution against par, in ms (negative: under); the facilitator's pauses before it do not count, as in the score. */
export function parDelta(milestones: TeamDebriefView['milestones'], parMinutes: number): number | null {
  return milestones.resolvedMs === null ? null : milestones.resolvedMs - milestones.pausedToResolveMs - parMinutes * 60_000;
}

/** Time to resolve against par, in words. */
export function parVerdict(status: TeamDebriefView['status'], milestones: TeamDebriefView['milestones'], parMinutes: number): string {
  const par = `par ${minutesText(parMinutes * 60_000)}`;
  if (status === 'not started') return 'not started';
  const delta = parDelta(milestones, parMinutes);
  if (milestones.resolvedMs === null || delta === null) {
    return milestones.mitigatedMs === null ? `not resolved (${par})` : `mitigated at ${minutesText(milestones.mitigatedMs)}, not resolved (${par})`;
  }
  const paused = milestones.pausedToResolveMs >= 1000 ? ` (${minutesText(milestones.pausedToResolveMs)} paused, not counted)` : '';
  const verdict = Math.abs(delta) < 1000 ? 'on par' : `${minutesText(delta)} ${delta < 0 ? 'under' : 'over'}`;
  return `resolved at ${minutesText(milestones.resolvedMs)}${paused}, ${par}: ${verdict}`;
}

/** The score a room sees: automatic, reviewed (when a reviewer overrode a criterion) and what was overridden. */
export function debriefScore(score: ScoreView | null): DebriefScore | null {
  if (!score) return null;
  return {
    automatic: score.score,
    reviewed: score.reviewedScore ?? null,
    max: score.max,
    overridden: score.criteria.flatMap((c) =>
      c.review ? [{ id: c.id, title: c.title ?? c.id, automatic: c.points, reviewed: c.review.points, reviewer: c.review.reviewer, note: c.review.note }] : [],
    ),
  };
}

function facilitatorText(e: Extract<RunEvent, { type: 'facilitator.action' }>): string {
  const extend = e.extendMs !== undefined ? ` +${minutesText(e.extendMs)}` : '';
  return `${e.action}${e.target ? ` ${e.target}` : ''}${extend}${e.message ? `: ${e.message}` : ''}`;
}

export function debriefTeam({ team, runId, events, scenario, report }: DebriefInput, measures: DebriefMeasures): TeamDebriefView {
  const parMinutes = scenario.metadata.parMinutes;
  const page = events.find((e) => e.type === 'phase.changed' && e.to === 'live');
  const base = { team: team.id, name: team.name, members: [...team.members], runId, scenario: scenario.metadata.name, parMinutes };
  const none = { rootCauseMs: null, mitigatedMs: null, resolvedMs: null, pausedToResolveMs: 0, endedMs: null };
  if (!page) return { ...base, status: 'not started', milestones: none, rootCause: null, parVerdict: parVerdict('not started', none, parMinutes), parDeltaMs: null, marks: [], scores: null };

  const at = (e: RunEvent): number => e.mono - page.mono;
  const marks: DebriefMark[] = [];
  let mitigation: Extract<RunEvent, { type: 'resolution.holding' | 'resolution.reached' }> | undefined;
  let resolved: Extract<RunEvent, { type: 'resolution.reached' }> | undefined;
  let ended: Extract<RunEvent, { type: 'run.ended' }> | undefined;
  for (const e of events) {
    switch (e.type) {
      case 'fault.step':
        if (!e.replay) marks.push({ kind: 'fault', atMs: at(e), text: `${e.stepId} ${e.status}` });
        break;
      case 'phase.changed':
        if (e === page) marks.push({ kind: 'page', atMs: 0, text: 'Paged' });
        break;
      case 'status.update':
        marks.push({ kind: 'status', atMs: at(e), text: e.message, author: e.author });
        break;
      case 'hint.shown':
        marks.push({ kind: 'hint', atMs: at(e), text: `hint ${e.index + 1}` });
        break;
      case 'facilitator.action':
        marks.push({ kind: 'facilitator', atMs: at(e), text: facilitatorText(e) });
        break;
      // Mitigation as the troubleshooting score times it: the first resolution holding (or reached).
      case 'resolution.holding':
        mitigation ??= e;
        break;
      case 'resolution.reached':
        mitigation ??= e;
        resolved ??= e;
        break;
      case 'run.ended':
        ended ??= e;
        break;
      default:
        break;
    }
  }
  // The scoring's definition of detection: the first command after the page with full credit for a root-cause
  // signal. Its start (wall clock, as the score's "time to detect"), not when its output ended.
  const pageWall = Date.parse(page.time);
  const first = measures.rootCause(events, scenario.investigation, pageWall);
  const rootCauseMs = first ? Date.parse(first.command.startedAt || first.command.time) - pageWall : null;
  const milestones = {
    rootCauseMs,
    mitigatedMs: mitigation ? at(mitigation) : null,
    resolvedMs: resolved ? at(resolved) : null,
    pausedToResolveMs: resolved ? measures.pausedBetween(events, pageWall, Date.parse(resolved.time)) : 0,
    endedMs: ended ? at(ended) : null,
  };
  if (first && rootCauseMs !== null) marks.push({ kind: 'root-cause', atMs: rootCauseMs, text: `${first.signalId}: ${first.command.command}` });
  if (mitigation) marks.push({ kind: 'mitigation', atMs: at(mitigation), text: `${mitigation.resolutionId} holding` });
  if (resolved) marks.push({ kind: 'resolution', atMs: at(resolved), text: resolved.resolutionId });
  if (ended) marks.push({ kind: 'end', atMs: at(ended), text: `ended (${ended.outcome})` });
  // Stable by time; the page first among equals.
  marks.sort((a, b) => a.atMs - b.atMs || Number(b.kind === 'page') - Number(a.kind === 'page'));

  const status: TeamDebriefView['status'] = !hasEngaged(events) ? 'not started' : resolved ? 'resolved' : mitigation ? 'mitigated' : 'unresolved';
  return {
    ...base,
    status,
    milestones,
    rootCause: first ? { signal: first.signalId, command: first.command.command } : null,
    parVerdict: parVerdict(status, milestones, parMinutes),
    parDeltaMs: status === 'not started' ? null : parDelta(milestones, parMinutes),
    marks,
    scores: status === 'not started' || !report ? null : { troubleshooting: debriefScore(report.troubleshooting), postmortem: debriefScore(report.postmortem) },
  };
}

export function debriefGame(game: Pick<GameBoardView, 'id' | 'title' | 'state'>, teams: readonly DebriefInput[], measures: DebriefMeasures): DebriefView {
  return { game: game.id, title: game.title, state: game.state, teams: teams.map((t) => debriefTeam(t, measures)) };
}

/**
 * The API's view of a live run (`runs.get`, `/ws/events`, `lab status`), built from the engine's run:
 * the engine keeps its own state, this file decides what the learner may see of it.
 */
import type { RunSnapshot } from '../../../shared/api/contract.js';
import type { Run } from '../../engine/run/run.js';
import { heldClock } from '../../engine/events/paused.js';
import { liveComms } from './comms.js';
import { timelineFromEvents } from './timeline.js';

export function runSnapshot(run: Run): RunSnapshot {
  // Fault steps and check details stay hidden while the incident is live; they are revealed once it is over.
  const reveal = run.over;
  const held = run.pagedAt ? heldClock(run.readEvents(), run.pagedAt.getTime()) : null;
  return {
    runId: run.id,
    scenario: run.scenario.metadata.name,
    title: run.scenario.metadata.title,
    variant: run.variant,
    seed: run.seed,
    phase: run.phase,
    progress: run.progress,
    startedAt: run.startedAt.toISOString(),
    pagedAt: run.pagedAt?.toISOString() ?? null,
    endedAt: run.endedAt?.toISOString() ?? null,
    ...(held && (held.pausedMs > 0 || held.pausedSince !== null)
      ? { pausedMs: held.pausedMs, pausedSince: held.pausedSince === null ? null : new Date(held.pausedSince).toISOString() }
      : {}),
    parMinutes: run.scenario.metadata.parMinutes,
    health: run.scenario.checks.steadyState.map((check) => {
      const state = run.checkState('steadyState', check.id);
      return {
        group: 'steadyState',
        checkId: check.id,
        title: check.title,
        pass: state?.pass ?? null,
        ...(state?.observed ? { observed: state.observed } : {}),
      };
    }),
    alerts: run.alerts,
    alertsSource: run.alertsSource,
    pager: run.pager,
    observability: run.scenario.observability.map((o) => ({ id: o.id, kind: o.kind, title: o.title ?? o.id, graphs: o.graphs })),
    resolveOn: run.scenario.checks.resolveOn,
    canSubmit: run.canSubmit,
    replay: run.replay ? { state: run.replay.state, startedAt: run.replay.startedAt, windowMs: run.replay.windowMs, ...(run.replay.showed !== undefined ? { showed: run.replay.showed } : {}) } : null,
    timeline: timelineFromEvents(run.readEvents(), { reveal }),
    hints: run.hintStates(),
    resolution: run.resolution ? { id: run.resolution.id, title: run.resolution.title, points: run.resolution.points } : null,
    terminals: [...run.terminals],
    error: run.error,
    comms: liveComms(run),
  };
}

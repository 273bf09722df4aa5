import { join } from 'node:path';
import { formatDuration } from '../../../shared/format/duration.js';
import { readEvents } from '../../engine/events/event-log.js';
import type { RunEvent } from '../../engine/events/types.js';
import { playedScenario } from '../../engine/run/variants.js';
import { DEFAULT_SCORING, type Scenario } from '../../engine/scenario/schema.js';
import type { Evidence, ScoringScenario, TroubleshootingCriterion, TroubleshootingReport } from '../types.js';
import { compileSignals, nearMiss, readCommands, signalHits, type CompiledSignal, type Hit } from '../signals.js';
import { pausedBetween } from '../../engine/events/paused.js';

type ScoringWeights = ScoringScenario['scoring']['weights'];
import { BUILTIN_RISKY, scenarioRisky, type RiskyRule } from './risky.js';

export { BUILTIN_RISKY } from './risky.js';

type CommandEvent = Extract<RunEvent, { type: 'command' }>;

const round1 = (n: number): number => Math.round(n * 10) / 10;
const ms = (iso: string): number => Date.parse(iso);

/** "12m05s" */
const minutes = (ms: number): string => formatDuration(ms, 'minutes');

/** Full credit up to par, then linearly down to nothing at three times par. */
export function parCredit(elapsedMs: number, parMs: number): number {
  if (parMs <= 0) return elapsedMs <= 0 ? 1 : 0;
  if (elapsedMs <= parMs) return 1;
  return Math.max(0, 1 - (elapsedMs - parMs) / (2 * parMs));
}

function weightsOf(scenario: ScoringScenario): { weights: ScoringWeights; scale: number } {
  const weights = scenario.scoring.weights;
  const sum = weights.outcome + weights.time + weights.investigation + weights.safety + weights.hints;
  if (sum <= 0) return { weights: DEFAULT_SCORING.weights, scale: 1 };
  return { weights, scale: 100 / sum };
}

function commandTime(c: CommandEvent): string {
  return c.startedAt || c.time;
}

interface Context {
  events: RunEvent[];
  scenario: ScoringScenario;
  commands: CommandEvent[];
  page: RunEvent | undefined;
  mitigation: RunEvent | undefined;
  parMs: number;
  weights: ScoringWeights;
  scale: number;
}

function since(ctx: Context, iso: string): string {
  return ctx.page ? `T+${minutes(ms(iso) - ms(ctx.page.time))}` : iso;
}

// ------------------------------------------------------------------ outcome

function outcome(ctx: Context): { criterion: TroubleshootingCriterion; resolutionId: string | null } {
  const max = round1(ctx.weights.outcome * ctx.scale);
  const resolutions = ctx.scenario.checks.resolutions;
  const bestPoints = Math.max(100, ...resolutions.map((r) => r.points)) || 100;
  const evidence: Evidence[] = [];
  const reached = ctx.events.filter(
    (e): e is Extract<RunEvent, { type: 'resolution.reached' }> => e.type === 'resolution.reached',
  );
  const best = [...reached].sort((a, b) => b.points - a.points || a.seq - b.seq)[0];
  let fraction = 0;
  let feedback: string;
  if (best) {
    const title = resolutions.find((r) => r.id === best.resolutionId)?.title ?? best.resolutionId;
    fraction = Math.min(1, best.points / bestPoints);
    evidence.push({
      eventId: best.id,
      time: best.time,
      note: `reached "${title}" (${best.resolutionId}, ${best.points} of ${bestPoints} points), held ${minutes(best.heldMs)} at ${since(ctx, best.time)}`,
    });
    // Did it keep holding? A resolution check that fails after it was reached and never passes again.
    const lastState = new Map<string, Extract<RunEvent, { type: 'check.changed' }>>();
    for (const e of ctx.events)
      if (e.type === 'check.changed' && e.group === `resolution:${best.resolutionId}` && e.seq > best.seq)
        lastState.set(e.checkId, e);
    const regressed = [...lastState.values()].filter((e) => !e.pass);
    if (regressed.length > 0) {
      fraction *= 0.75;
      for (const e of regressed)
        evidence.push({
          eventId: e.id,
          time: e.time,
          note: `check ${e.checkId} failed again after the resolution was reached${e.message ? `: ${e.message}` : ''}`,
        });
    }
    feedback =
      regressed.length > 0
        ? `You reached "${title}" but it did not keep holding; make sure a fix survives before calling it done.`
        : fraction >= 1
          ? `You reached the best resolution ("${title}") and it held.`
          : `You reached "${title}", which holds but is not the best fix the scenario accepts.`;
  } else {
    // Partial credit: how far the best resolution's checks got, at most half the criterion.
    const target = [...resolutions].sort((a, b) => b.points - a.points)[0];
    if (target) {
      const last = new Map<string, Extract<RunEvent, { type: 'check.changed' }>>();
      for (const e of ctx.events)
        if (e.type === 'check.changed' && e.group === `resolution:${target.id}`) last.set(e.checkId, e);
      let passing = 0;
      for (const check of target.checks) {
        const e = last.get(check.id);
        if (e?.pass) passing += 1;
        evidence.push(
          e
            ? {
                eventId: e.id,
                time: e.time,
                note: `${check.title}: ${e.pass ? 'passing' : 'failing'} when the run ended`,
              }
            : { note: `${check.title}: never passed` },
        );
      }
      fraction =
        target.checks.length === 0
          ? 0
          : (0.5 * passing * (target.points / bestPoints)) / target.checks.length;
      const ended = ctx.events.find((e) => e.type === 'run.ended');
      if (ended)
        evidence.push({
          eventId: ended.id,
          time: ended.time,
          note: `run ended: ${ended.type === 'run.ended' ? ended.outcome : ''}`,
        });
      feedback =
        passing > 0
          ? `No resolution was reached; ${passing} of ${target.checks.length} checks of "${target.title}" passed, which earns partial credit.`
          : `No resolution was reached and none of the checks of "${target.title}" passed.`;
    } else feedback = 'No resolution was reached.';
  }
  return {
    criterion: { id: 'outcome', title: 'Outcome', points: round1(max * fraction), max, evidence, feedback },
    resolutionId: best?.resolutionId ?? null,
  };
}

// ------------------------------------------------------------------ time

function time(ctx: Context, rootCauseHit: Hit | undefined): TroubleshootingCriterion {
  const max = round1(ctx.weights.time * ctx.scale);
  const evidence: Evidence[] = [];
  const parMin = ctx.parMs / 60_000;
  if (!ctx.page) {
    return {
      id: 'time',
      title: 'Time',
      points: 0,
      max,
      evidence: [{ note: 'the run never went live (no page)' }],
      feedback: 'The run never reached the live phase, so there is no time to measure.',
    };
  }
  const pageMs = ms(ctx.page.time);
  evidence.push({
    eventId: ctx.page.id,
    time: ctx.page.time,
    note: `paged (phase live); par ${parMin} min to mitigate`,
  });
  let detect = 0;
  let detectMs: number | null = null;
  if (rootCauseHit) {
    const c = rootCauseHit.command;
    detectMs = ms(commandTime(c)) - pageMs - pausedBetween(ctx.events, pageMs, ms(commandTime(c)));
    detect = parCredit(detectMs, ctx.parMs / 2);
    evidence.push({
      eventId: c.id,
      command: c.command,
      time: commandTime(c),
      note: `time to detect: ${minutes(detectMs)}, the first evidence of a root-cause signal (${rootCauseHit.signalId}: ${rootCauseHit.because}); par ${minutes(ctx.parMs / 2)}`,
    });
  } else evidence.push({ note: 'no command that ran successfully looked at a root-cause signal, so no time to detect' });
  let mitigate = 0;
  let mitigateMs: number | null = null;
  if (ctx.mitigation) {
    mitigateMs = ms(ctx.mitigation.time) - pageMs - pausedBetween(ctx.events, pageMs, ms(ctx.mitigation.time));
    mitigate = parCredit(mitigateMs, ctx.parMs);
    evidence.push({
      eventId: ctx.mitigation.id,
      time: ctx.mitigation.time,
      note: `time to mitigate: ${minutes(mitigateMs)} (par ${minutes(ctx.parMs)})`,
    });
  } else evidence.push({ note: 'not mitigated' });
  const held = pausedBetween(ctx.events, pageMs, Number.POSITIVE_INFINITY);
  if (held > 0) evidence.push({ note: `the facilitator paused the game clock for ${minutes(held)}: those minutes are not counted` });
  const fraction = 0.4 * detect + 0.6 * mitigate;
  const feedback =
    mitigateMs === null
      ? detectMs === null
        ? 'The incident was neither diagnosed nor mitigated in this run.'
        : `You reached the root-cause evidence after ${minutes(detectMs)} but did not mitigate.`
      : mitigate >= 1 && detect >= 1
        ? `Detected in ${minutes(detectMs ?? 0)} and mitigated in ${minutes(mitigateMs)}, within par (${parMin} min).`
        : `Mitigated in ${minutes(mitigateMs)} against a par of ${parMin} min${detectMs !== null ? `, root-cause evidence after ${minutes(detectMs)}` : ''}; going to the database statistics sooner saves the most time.`;
  return { id: 'time', title: 'Time', points: round1(max * fraction), max, evidence, feedback };
}

// ------------------------------------------------------------------ investigation

function investigation(
  ctx: Context,
  compiled: CompiledSignal[],
): { criterion: TroubleshootingCriterion; rootCauseHit: Hit | undefined } {
  const max = round1(ctx.weights.investigation * ctx.scale);
  const evidence: Evidence[] = [];
  const pageMs = ctx.page ? ms(ctx.page.time) : -Infinity;
  const fixMs = ctx.mitigation ? ms(ctx.mitigation.time) : Infinity;
  const at = (h: Hit): number => ms(commandTime(h.command));
  const read = readCommands(ctx.events);
  const hits = signalHits(read, compiled).filter((h) => at(h) >= pageMs);
  const rootCause = new Set(compiled.filter((c) => c.signal.rootCause).map((c) => c.signal.id));
  // Detection needs full credit: a failed or unclear look is not having seen the cause.
  const rootCauseHit = hits.find((h) => h.credit === 1 && rootCause.has(h.signalId));
  if (compiled.length === 0) {
    return {
      criterion: {
        id: 'investigation',
        title: 'Investigation',
        points: max,
        max,
        evidence: [{ note: 'the scenario defines no investigation signals' }],
        feedback: 'This scenario does not grade the investigation.',
      },
      rootCauseHit,
    };
  }
  const looked: { signal: CompiledSignal['signal']; hit: Hit }[] = [];
  const seen = (h: Hit): Evidence => ({ eventId: h.command.id, command: h.command.command, time: commandTime(h.command) });
  for (const c of compiled) {
    const { signal } = c;
    const label = `${signal.id}${signal.rootCause ? ' (root-cause signal)' : ''}`;
    for (const p of c.invalid) evidence.push({ note: `signal ${signal.id}: pattern ${p} is not a valid regular expression (ignored)` });
    const mine = hits.filter((h) => h.signalId === signal.id);
    const before = mine.filter((h) => at(h) <= fixMs);
    const best = before.find((h) => h.credit === 1) ?? before.find((h) => h.credit > 0);
    if (best) {
      looked.push({ signal, hit: best });
      evidence.push({
        ...seen(best),
        note: `${label}: ${best.credit === 1 ? 'credited' : 'half credit'} because ${best.because}, at ${since(ctx, commandTime(best.command))}`,
      });
      continue;
    }
    const late = mine.find((h) => h.credit > 0);
    const worthless = before.find((h) => h.credit === 0);
    if (worthless) evidence.push({ ...seen(worthless), note: `${label}: no credit: ${worthless.because}, at ${since(ctx, commandTime(worthless.command))}` });
    else if (late) evidence.push({ ...seen(late), note: `${label}: only looked at after the fix (${late.because})` });
    else {
      const miss = nearMiss(read, c, pageMs, fixMs);
      evidence.push(
        miss
          ? { eventId: miss.command.id, command: miss.command.command, time: commandTime(miss.command), note: `${label}: never looked at (${signal.description ?? signal.id}); near miss at ${since(ctx, commandTime(miss.command))}: ${miss.why}` }
          : { note: `${label}: never looked at: ${signal.description ?? signal.id}` },
      );
    }
  }
  const coverage = looked.reduce((a, l) => a + l.hit.credit, 0) / compiled.length;
  // Order: pairs of ordered signals in the order they were first looked at.
  const ordered = looked
    .filter((l) => l.signal.order !== undefined)
    .sort((a, b) => a.hit.command.seq - b.hit.command.seq);
  let pairs = 0;
  let good = 0;
  const inversions: string[] = [];
  for (let i = 0; i < ordered.length; i++)
    for (let j = i + 1; j < ordered.length; j++) {
      pairs += 1;
      if (ordered[i]!.signal.order! <= ordered[j]!.signal.order!) good += 1;
      else inversions.push(`${ordered[j]!.signal.id} before ${ordered[i]!.signal.id}`);
    }
  const order = ordered.length === 0 ? 0 : pairs === 0 ? 1 : good / pairs;
  evidence.push({
    note: `order: ${pairs === 0 ? 'nothing to compare' : `${good} of ${pairs} pairs in the sensible order`}${inversions.length ? `; out of order: ${inversions.slice(0, 3).join(', ')}` : ''}`,
  });
  const fraction = 0.75 * coverage + 0.25 * order;
  const missed = compiled.filter((c) => !looked.some((l) => l.signal.id === c.signal.id)).map((c) => c.signal.id);
  const half = looked.filter((l) => l.hit.credit < 1).map((l) => l.signal.id);
  const halfNote = half.length > 0 ? ` ${half.slice(0, 3).join(', ')} earned half: the command failed or its own status is unknown.` : '';
  const feedback =
    looked.length === 0
      ? 'No command that ran looked at any signal before the fix: words on a command line (echo, comments) are not an investigation.'
      : missed.length === 0
        ? order >= 1 && half.length === 0
          ? 'You looked at every signal an expert checks, in a sensible order, before fixing.'
          : `You looked at every signal before fixing${order < 1 ? ', though not always from symptom to cause' : ''}.${halfNote}`
        : `Before fixing you looked at ${looked.length} of ${compiled.length} signals; next time also check ${missed.slice(0, 3).join(', ')}.${halfNote}`;
  return {
    criterion: {
      id: 'investigation',
      title: 'Investigation',
      points: round1(max * fraction),
      max,
      evidence,
      feedback,
    },
    rootCauseHit,
  };
}

// ------------------------------------------------------------------ safety

function safety(ctx: Context): TroubleshootingCriterion {
  const max = round1(ctx.weights.safety * ctx.scale);
  const evidence: Evidence[] = [];
  const own = scenarioRisky(ctx.scenario.scoring.risky);
  for (const p of own.invalid)
    evidence.push({ note: `scenario risky pattern ${p} is not a valid regular expression (ignored)` });
  const rules: RiskyRule[] = [...BUILTIN_RISKY, ...own.rules];
  let cost = 0;
  for (const c of ctx.commands) {
    const hits = rules.filter((r) => r.pattern.test(c.command));
    if (hits.length === 0) continue;
    const worst = hits.reduce((a, b) => (b.cost > a.cost ? b : a));
    cost += worst.cost;
    evidence.push({
      eventId: c.id,
      command: c.command,
      time: commandTime(c),
      note: `-${round1(worst.cost * ctx.scale)}: ${[...new Set(hits.map((h) => h.reason))].join('; ')}${c.exitCode !== null && c.exitCode !== 0 ? ` (exit ${c.exitCode})` : ''}`,
    });
  }
  const points = round1(Math.max(0, ctx.weights.safety - cost) * ctx.scale);
  const feedback =
    evidence.length === 0
      ? 'No risky or destructive commands: every change was targeted.'
      : `${evidence.length} risky command${evidence.length > 1 ? 's' : ''} cost safety points; prefer targeted, reversible steps.`;
  return { id: 'safety', title: 'Safety', points, max, evidence, feedback };
}

// ------------------------------------------------------------------ hints

function hints(ctx: Context): TroubleshootingCriterion {
  const max = round1(ctx.weights.hints * ctx.scale);
  const cost = ctx.scenario.scoring.hintCost;
  const seen = new Set<string>();
  const evidence: Evidence[] = [];
  for (const e of ctx.events) {
    if (e.type !== 'hint.shown' || seen.has(e.hintId)) continue;
    seen.add(e.hintId);
    evidence.push({
      eventId: e.id,
      time: e.time,
      note: `hint ${e.index + 1} (${e.hintId}) shown at ${since(ctx, e.time)}: -${round1(cost * ctx.scale)}`,
    });
  }
  const points = round1(Math.max(0, ctx.weights.hints - cost * seen.size) * ctx.scale);
  const feedback =
    seen.size === 0
      ? 'Solved without hints.'
      : `You took ${seen.size} hint${seen.size > 1 ? 's' : ''}, ${round1(cost * ctx.scale)} points each.`;
  return { id: 'hints', title: 'Hints', points, max, evidence, feedback };
}

// ------------------------------------------------------------------ entry points

/**
 * Scores a session from its event log against the scenario as the run played it (its variant applied:
 * playedScenario). Pure: same events and scenario, same report.
 */
export function scoreSession(events: RunEvent[], scenario: ScoringScenario): TroubleshootingReport {
  const created = events.find((e) => e.type === 'run.created');
  const { weights, scale } = weightsOf(scenario);
  const parMinutes =
    scenario.metadata.parMinutes || (created?.type === 'run.created' ? created.parMinutes : 0) || 15;
  const ctx: Context = {
    events,
    scenario,
    commands: events.filter((e): e is CommandEvent => e.type === 'command'),
    page: events.find((e) => e.type === 'phase.changed' && e.to === 'live'),
    mitigation: events.find((e) => e.type === 'resolution.holding' || e.type === 'resolution.reached'),
    parMs: parMinutes * 60_000,
    weights,
    scale,
  };
  const compiled = compileSignals(scenario.investigation);
  const out = outcome(ctx);
  const inv = investigation(ctx, compiled);
  const criteria = [out.criterion, time(ctx, inv.rootCauseHit), inv.criterion, safety(ctx), hints(ctx)];
  return {
    score: round1(criteria.reduce((a, c) => a + c.points, 0)),
    max: 100,
    runId: created?.type === 'run.created' ? created.runId : null,
    scenario: scenario.metadata.name,
    resolutionId: out.resolutionId,
    criteria,
  };
}

export interface LoadedSession {
  events: RunEvent[];
  /** As the run played it: its variant applied. */
  scenario: Scenario;
  scenarioDir: string;
  /** Lines of the log that could not be parsed (a torn last line after a crash). */
  damaged: number;
}

/** Reads `<dir>/events.jsonl` and loads the scenario its `run.created` names, with the variant the run played. */
export async function loadSession(
  dir: string,
  loadScenario: (scenarioDir: string) => Promise<Scenario>,
): Promise<LoadedSession> {
  const path = join(dir, 'events.jsonl');
  const { events, damaged } = readEvents(path);
  const created = events.find((e) => e.type === 'run.created');
  if (!created || created.type !== 'run.created') throw new Error(`${path}: no run.created event`);
  const scenario = playedScenario(await loadScenario(created.scenarioDir), created);
  return { events, scenario, scenarioDir: created.scenarioDir, damaged: damaged.length };
}

/** Reads a session directory and scores it (the thin, impure wrapper around scoreSession). */
export async function scoreSessionDir(
  dir: string,
  loadScenario: (scenarioDir: string) => Promise<Scenario>,
): Promise<TroubleshootingReport> {
  const { events, scenario } = await loadSession(dir, loadScenario);
  return scoreSession(events, scenario);
}

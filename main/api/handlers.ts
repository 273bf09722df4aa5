/**
 * The API's implementation, written once and served by both transports (Electron IPC and web mode).
 * Everything with side effects arrives through `HandlerDeps`, so tests can drive it without Docker.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, join } from 'node:path';
import type { DoctorReport } from '../../shared/doctor.js';
import type { RuntimeKind, SandboxRuntime } from '../../sandbox/runtime.js';
import {
  sessionEvents,
  createdEvent,
  importBundle,
  importRecord,
  listHistory,
  saveImportRecord,
  POSTMORTEM_FILE,
  saveReport,
  savedReport,
  sessionPath,
  type SessionOwner,
} from '../sessions/store.js';
import { pidAlive } from '../../sandbox/docker/cleanup.js';
import { appendReview, overrideProblem, readReviews, reviewedReport } from '../sessions/reviews.js';
import type { RunEvent } from '../engine/events/types.js';
import type { Run } from '../engine/run/run.js';
import { imageSpecs } from '../engine/run/spec.js';
import { playedScenario } from '../engine/run/variants.js';
import type { RunManager } from '../engine/run/run-manager.js';
import type { LoadedScenario } from '../engine/scenario/load.js';
import { buildReport } from './views/report.js';
import { createStudioHandlers, packSource, type StudioDeps } from './studio.js';
import { loadLearningPaths, pathProgress } from '../studio/learning-paths.js';
import { formatDiagnostic } from '../engine/scenario/diagnostics.js';
import { templatesDir } from '../platform/paths.js';
import { packageVersion } from '../platform/package-root.js';
import { runSnapshot } from './views/run-snapshot.js';
import type { Scenario } from '../engine/scenario/schema.js';
import type { CommsMethodName } from '../../shared/api/comms.js';
import type { GameMethodName } from '../../shared/api/game.js';
import { ApiError, type ApiHandlers, type AppInfo, type Report, type ScenarioSummary, type ScoreView } from '../../shared/api/contract.js';

/** Scoring, as the handlers need it (the real one is main/scoring). */
export interface Scoring {
  troubleshooting(events: RunEvent[], scenario: Scenario): ScoreView;
  grade(markdown: string, scenario: Scenario, events: RunEvent[]): ScoreView;
  draft(events: RunEvent[], scenario: Scenario): string;
}

export interface HandlerDeps {
  manager: RunManager;
  doctor: () => Promise<DoctorReport>;
  scoring: Scoring;
  openTerminal: (run: Run) => Promise<{ terminal: number; id: string }>;
  renderReportHtml: (report: Report, casts: Record<number, string>) => string;
  readCasts: (dir: string, terminals: number[]) => Record<number, string>;
  info: () => AppInfo;
  loadScenario: (dir: string) => Promise<LoadedScenario>;
  /** The Studio's folders; default the user's packs folder under the manager's home and the shipped templates. */
  studio?: Partial<Omit<StudioDeps, 'manager'>>;
}

const RULES = [
  'Work from the terminal: the sandbox is yours, nothing you do there touches your machine.',
  'Hints unlock over time; each one you take costs a few points.',
  '"Check my fix" tells you which checks hold, never the answer. A fix must keep holding to count.',
  'Risky commands (dropping data, restarting everything) cost safety points, as they would on call.',
  'When it is resolved, write a blameless postmortem: it is graded too.',
];

/** Every method but game-day mode's and the incident channel's (game-handlers.ts and comms-handlers.ts serve those). */
export type RunHandlers = Omit<ApiHandlers, GameMethodName | CommsMethodName>;

export function createHandlers(deps: HandlerDeps): RunHandlers {
  const { manager } = deps;
  const studio: StudioDeps = {
    manager,
    packsDir: deps.studio?.packsDir ?? join(manager.home, 'scenarios'),
    templatesDir: deps.studio?.templatesDir ?? templatesDir(),
    version: deps.studio?.version ?? packageVersion(),
    ...(deps.studio?.author ? { author: deps.studio.author } : {}),
  };

  /**
   * Is an unfinished session's run still going? Here, or in another live Firedrill process on this host
   * (one on another host cannot be asked). Otherwise its process died mid-run: history shows `interrupted`.
   */
  const runIsLive = (runId: string, owner: SessionOwner | null): boolean => {
    if (manager.get(runId)) return true;
    if (!owner) return false;
    if (owner.host !== hostname()) return true;
    return owner.pid !== process.pid && pidAlive(owner.pid);
  };

  const requireRun = (runId: string): Run => {
    const run = manager.get(runId);
    if (!run) throw new ApiError('not_found', `no active run ${runId}`, 'Start the scenario again from the catalog.');
    return run;
  };

  /**
   * The scenario a session was played with: the live run's, else loaded again from the pack with the
   * variant its run.created names (null: the base scenario, never a new pick from a seed).
   */
  const sessionScenario = async (runId: string, events: RunEvent[]): Promise<Scenario> => {
    const live = manager.get(runId);
    if (live) return live.scenario;
    const created = createdEvent(events);
    // An imported session names its pack; the path its bundle recorded means nothing here.
    if (importRecord(sessionPath(manager.home, runId))) {
      try {
        return playedScenario((await manager.packByName(created.scenario)).scenario, created);
      } catch {
        throw new ApiError('not_found', `the scenario pack "${created.scenario}" of ${runId} is not on this machine`);
      }
    }
    if (!existsSync(created.scenarioDir)) {
      throw new ApiError('not_found', `the scenario pack of ${runId} is not on this machine (${created.scenarioDir})`);
    }
    const loaded = await deps.loadScenario(created.scenarioDir);
    return playedScenario(loaded.scenario, created);
  };

  const eventsOf = (runId: string): RunEvent[] => {
    const live = manager.get(runId);
    if (live) return live.readEvents();
    const dir = sessionPath(manager.home, runId);
    if (!existsSync(dir)) throw new ApiError('not_found', `no session ${runId}`);
    return sessionEvents(dir);
  };

  const summaries = async (): Promise<(ScenarioSummary & { briefing: string; hintCount: number })[]> => {
    const packs = await manager.packs();
    // Which images each runtime already has, asked once per runtime for all its packs.
    const byRuntime = new Map<SandboxRuntime, string[]>();
    for (const pack of packs) {
      const runtime = pack.loaded ? manager.runtimeFor(pack.loaded) : null;
      if (runtime) byRuntime.set(runtime, [...(byRuntime.get(runtime) ?? []), ...imageTags(pack.loaded!)]);
    }
    const present = new Map<SandboxRuntime, Record<string, boolean>>();
    const unreachable = new Map<SandboxRuntime, string>();
    for (const [runtime, tags] of byRuntime) {
      // A runtime that knows why it cannot start a run (no cluster, kind missing) says so in its own words.
      const why = await runtime.whyUnavailable?.().catch((error: unknown) => (error as Error).message);
      if (why) {
        unreachable.set(runtime, `${runtimeTitle(runtime.kind)} scenarios cannot be played here: ${why}. Run \`firedrill doctor\` for details.`);
        continue;
      }
      try {
        present.set(runtime, await runtime.imagesPresent(tags));
      } catch (error) {
        unreachable.set(runtime, `${runtimeTitle(runtime.kind)} is not reachable (${(error as Error).message}). Run \`firedrill doctor\` for the fix.`);
      }
    }
    return packs.map((pack) => {
      if (!pack.loaded) {
        return {
          name: pack.name,
          title: pack.name,
          summary: 'This scenario pack has errors and cannot be played.',
          difficulty: 'beginner',
          tags: [],
          estimatedMinutes: 0,
          parMinutes: 0,
          runtimes: [],
          variants: [],
          imagesBuilt: false,
          runnable: false,
          problems: pack.problems,
          briefing: '',
          hintCount: 0,
        };
      }
      const { scenario } = pack.loaded;
      const problems: string[] = [];
      const runtime = manager.runtimeFor(pack.loaded);
      if (!runtime) problems.push(`Needs the ${scenario.runtimes.map(runtimeTitle).join(' or ')} runtime, which this version does not have yet.`);
      else if (unreachable.has(runtime)) problems.push(unreachable.get(runtime)!);
      const built = runtime ? present.get(runtime) : undefined;
      return {
        name: scenario.metadata.name,
        title: scenario.metadata.title,
        summary: scenario.metadata.summary,
        difficulty: scenario.metadata.difficulty,
        tags: scenario.metadata.tags,
        estimatedMinutes: scenario.metadata.estimatedMinutes,
        parMinutes: scenario.metadata.parMinutes,
        runtimes: scenario.runtimes,
        variants: scenario.variants.map((v) => v.name),
        imagesBuilt: built !== undefined && imageTags(pack.loaded).every((tag) => built[tag]),
        runnable: problems.length === 0,
        problems,
        briefing: scenario.briefing,
        hintCount: scenario.hints.length,
        source: packSource(pack.dir, studio.packsDir),
      };
    });
  };

  /**
   * An imported session's scores, recomputed from its events.jsonl (and postmortem.md) with the local pack of
   * that name: the bundle's report.json is only compared with them. What differs is noted in imported.json
   * and shown in history: another version of the pack, a report that claimed other scores, no pack here.
   */
  const rescoreImported = async (runId: string): Promise<void> => {
    const dir = sessionPath(manager.home, runId);
    const record = importRecord(dir);
    if (!record) return;
    const events = sessionEvents(dir);
    const created = createdEvent(events);
    let loaded: LoadedScenario;
    try {
      loaded = await manager.packByName(created.scenario);
    } catch {
      record.notes.push(`the scenario pack "${created.scenario}" is not on this machine: the scores could not be recomputed`);
      saveImportRecord(dir, record);
      return;
    }
    const recorded = created.packHash ?? null;
    record.pack = { name: created.scenario, localHash: loaded.hash, recordedHash: recorded };
    if (recorded === null) record.notes.push(`the bundle does not record which version of "${created.scenario}" was played; scored with the local pack`);
    else if (recorded !== loaded.hash) {
      record.notes.push(
        `scored with the local pack "${created.scenario}", which differs from the one played (pack ${loaded.hash.slice(0, 12)} here, ${recorded.slice(0, 12)} in the bundle)`,
      );
    }
    try {
      const scenario = playedScenario(loaded.scenario, created);
      const postmortemFile = join(dir, POSTMORTEM_FILE);
      const troubleshooting = deps.scoring.troubleshooting(events, scenario);
      const postmortem = existsSync(postmortemFile) ? deps.scoring.grade(readFileSync(postmortemFile, 'utf8'), scenario, events) : null;
      saveReport(dir, buildReport(dir, events, { troubleshooting, postmortem }));
      for (const [part, recomputed] of [['troubleshooting', troubleshooting.score], ['postmortem', postmortem?.score ?? null]] as const) {
        const claimed = record.claimed?.[part] ?? null;
        if (claimed !== null && (recomputed === null || Math.abs(claimed - recomputed) > 0.05)) {
          record.notes.push(`the bundle's report claimed a ${part} score of ${claimed}; recomputed from its event log: ${recomputed ?? 'none'}`);
        }
      }
    } catch (error) {
      record.notes.push(`the session's event log could not be scored: ${(error as Error).message}`);
    }
    saveImportRecord(dir, record);
  };

  /** The automatic report (saved at submit, else scored now). */
  const automaticReport = async (runId: string): Promise<Report> => {
    const dir = sessionPath(manager.home, runId);
    const saved = savedReport(dir);
    if (saved) return saved;
    const events = eventsOf(runId);
    const scenario = await sessionScenario(runId, events);
    return buildReport(dir, events, { troubleshooting: deps.scoring.troubleshooting(events, scenario), postmortem: null });
  };
  /** The report with a reviewer's overrides beside the automatic points. */
  const report = async (runId: string): Promise<Report> =>
    reviewedReport(await automaticReport(runId), readReviews(sessionPath(manager.home, runId)));

  return {
    ...createStudioHandlers(studio),
    'app.info': async () => deps.info(),
    'doctor.run': () => deps.doctor(),
    'scenarios.list': async () => (await summaries()).map(({ briefing: _b, hintCount: _h, ...summary }) => summary),
    'scenarios.get': async ({ name }) => {
      const found = (await summaries()).find((s) => s.name === name);
      if (!found) throw new ApiError('not_found', `no scenario "${name}"`);
      const { briefing, hintCount, ...summary } = found;
      return { ...summary, briefing, hintCount, rules: RULES };
    },
    'runs.start': async ({ scenario, variant, seed }) => {
      let loaded: LoadedScenario;
      try {
        loaded = await manager.resolvePack(scenario);
      } catch (error) {
        throw new ApiError('bad_request', (error as Error).message, 'Run `firedrill validate` on the pack.');
      }
      try {
        const run = manager.start(loaded, { ...(variant ? { variant } : {}), ...(seed !== undefined ? { seed } : {}) });
        return { runId: run.id };
      } catch (error) {
        throw new ApiError('bad_request', (error as Error).message);
      }
    },
    'runs.get': async ({ runId }) => runSnapshot(requireRun(runId)),
    'runs.cancel': async ({ runId }) => {
      const run = requireRun(runId);
      await run.cancel();
      return runSnapshot(run);
    },
    'runs.abandon': async ({ runId }) => {
      const run = requireRun(runId);
      await run.abandon();
      return runSnapshot(run);
    },
    'runs.checkFix': async ({ runId }) => {
      const run = requireRun(runId);
      if (!run.sandbox) throw new ApiError('conflict', 'the sandbox is not up yet');
      return run.checkFix();
    },
    'runs.takeHint': async ({ runId }) => {
      const run = requireRun(runId);
      try {
        return run.takeHint();
      } catch (error) {
        throw new ApiError('conflict', (error as Error).message);
      }
    },
    'runs.submit': async ({ runId }) => {
      const run = requireRun(runId);
      try {
        const outcome = await run.submit();
        return { resolved: outcome.resolved, message: outcome.message, snapshot: runSnapshot(run) };
      } catch (error) {
        throw new ApiError('conflict', (error as Error).message);
      }
    },
    'observability.query': async ({ runId, source, query, rangeSeconds }) => {
      const run = requireRun(runId);
      if (!run.sandbox) throw new ApiError('conflict', 'the sandbox is not up yet');
      try {
        return await run.queryObservability(source, query, rangeSeconds);
      } catch (error) {
        throw new ApiError('bad_request', (error as Error).message);
      }
    },
    'observability.fetch': async ({ runId, source }) => {
      const run = requireRun(runId);
      if (!run.sandbox) throw new ApiError('conflict', 'the sandbox is not up yet');
      try {
        return await run.fetchObservability(source);
      } catch (error) {
        throw new ApiError('bad_request', `${source}: ${(error as Error).message}`);
      }
    },
    'terminals.open': async ({ runId }) => {
      const run = requireRun(runId);
      if (!run.sandbox) throw new ApiError('conflict', 'the sandbox is not up yet', 'Wait until the incident is live.');
      return deps.openTerminal(run);
    },
    'postmortem.draft': async ({ runId }) => {
      const events = eventsOf(runId);
      const dir = sessionPath(manager.home, runId);
      const saved = join(dir, POSTMORTEM_FILE);
      if (existsSync(saved)) return { markdown: readFileSync(saved, 'utf8') };
      return { markdown: deps.scoring.draft(events, await sessionScenario(runId, events)) };
    },
    'postmortem.grade': async ({ runId, markdown }) => {
      const events = eventsOf(runId);
      return deps.scoring.grade(markdown, await sessionScenario(runId, events), events);
    },
    'postmortem.submit': async ({ runId, markdown }) => {
      const run = manager.get(runId);
      const dir = sessionPath(manager.home, runId);
      const scenario = await sessionScenario(runId, eventsOf(runId));
      writeFileSync(join(dir, POSTMORTEM_FILE), markdown);
      // The sandbox is no longer needed once the write-up is in.
      if (run) await run.teardown();
      const events = eventsOf(runId);
      const postmortem = deps.scoring.grade(markdown, scenario, events);
      const troubleshooting = deps.scoring.troubleshooting(events, scenario);
      const result = buildReport(dir, events, { troubleshooting, postmortem });
      saveReport(dir, result);
      return reviewedReport(result, readReviews(dir));
    },
    'reports.get': async ({ runId }) => report(runId),
    'reports.exportHtml': async ({ runId }) => {
      const result = await report(runId);
      const dir = sessionPath(manager.home, runId);
      return { html: deps.renderReportHtml(result, deps.readCasts(dir, result.recordings)), filename: `firedrill-${runId}.html` };
    },
    'reviews.override': async ({ runId, part, criterionId, points, note, reviewer }) => {
      const dir = sessionPath(manager.home, runId);
      if (!existsSync(dir)) throw new ApiError('not_found', `no session ${runId}`);
      const problem = overrideProblem(await automaticReport(runId), part, criterionId, points);
      if (problem) throw new ApiError('bad_request', `cannot override: ${problem}`);
      appendReview(dir, { part, criterionId, points, note, reviewer });
      return report(runId);
    },
    'history.list': async () => listHistory(manager.home, (runId, owner) => runIsLive(runId, owner)),
    'paths.list': async () => {
      const names = (await manager.packs()).map((p) => p.name);
      const runs = listHistory(manager.home, (runId, owner) => runIsLive(runId, owner));
      return loadLearningPaths(manager.scenarioDirs, names).map((loaded) =>
        loaded.path
          ? { ...pathProgress(loaded.path, runs), problems: [] }
          : { id: basename(loaded.file).replace(/\.ya?ml$/, ''), title: basename(loaded.file), description: '', done: 0, steps: [], problems: loaded.diagnostics.map(formatDiagnostic) },
      );
    },
    'history.import': async ({ base64 }) => {
      let runId: string;
      try {
        runId = await importBundle(manager.home, Buffer.from(base64, 'base64'));
      } catch (error) {
        throw new ApiError('bad_request', `cannot import the bundle: ${(error as Error).message}`);
      }
      await rescoreImported(runId);
      return { runId };
    },
  };
}

function runtimeTitle(kind: RuntimeKind): string {
  return kind === 'docker' ? 'Docker' : 'Kubernetes';
}

function imageTags(loaded: LoadedScenario): string[] {
  return imageSpecs(loaded.scenario, loaded.dir).map((image) => image.tag);
}

/**
 * The one API contract between the UI and the Node side. Requests, responses and server events are
 * defined here once, validated with zod at the boundary, and served by two transports over the same
 * handlers: Electron IPC (one preload method per operation) and web mode (HTTP + WebSocket).
 *
 * PURE: this file is imported by the renderer, so it may import nothing but zod and the shared layer.
 */
import { z } from 'zod';
import { doctorReportSchema } from '../doctor.js';
import { progressSchema } from '../progress.js';
import { formatBytes, utf8Length } from '../format/bytes.js';
import { commsMethods, commsResultSchema } from './comms.js';
import { diagnosticSchema, type DiagnosticView } from './diagnostic.js';
import { gameMethods } from './game.js';

export { doctorCheckSchema, doctorReportSchema, type DoctorCheck, type DoctorReport } from '../doctor.js';
export { progressSchema, type Progress } from '../progress.js';

// ---------------------------------------------------------------- shared shapes

export const scenarioSummarySchema = z.object({
  name: z.string(),
  title: z.string(),
  summary: z.string(),
  difficulty: z.enum(['beginner', 'intermediate', 'advanced']),
  tags: z.array(z.string()),
  estimatedMinutes: z.number(),
  parMinutes: z.number(),
  runtimes: z.array(z.string()),
  variants: z.array(z.string()),
  imagesBuilt: z.boolean(),
  /** false with `problems` saying why it cannot run on this machine. */
  runnable: z.boolean(),
  problems: z.array(z.string()),
  /** Where the pack comes from: shipped with Firedrill, made here (the user's packs), or installed from an archive. */
  source: z
    .object({ kind: z.enum(['shipped', 'yours', 'installed']), version: z.string().optional(), from: z.string().optional() })
    .optional(),
});

export const scenarioDetailSchema = scenarioSummarySchema.extend({
  briefing: z.string(),
  rules: z.array(z.string()),
  hintCount: z.number(),
});

export const runPhaseSchema = z.enum([
  'preparing',
  'baseline',
  'injecting',
  'live',
  'replaying',
  'resolved',
  'abandoned',
  'failed',
  'teardown',
  'ended',
]);

/** One health check as the learner sees it (never its command or internals). */
export const checkViewSchema = z.object({
  group: z.string(),
  checkId: z.string(),
  title: z.string(),
  /** null until the check has run once. */
  pass: z.boolean().nullable(),
  observed: z.string().optional(),
});

export const alertSchema = z.object({
  fingerprint: z.string(),
  alertname: z.string(),
  severity: z.string().optional(),
  /** Alertmanager's state (active, suppressed, unprocessed), or `resolved` once it left Alertmanager. */
  state: z.string(),
  labels: z.record(z.string(), z.string()),
  annotations: z.record(z.string(), z.string()),
  startsAt: z.string(),
  inhibitedBy: z.array(z.string()),
  silencedBy: z.array(z.string()),
  /** When it left Alertmanager (state `resolved`). */
  endsAt: z.string().optional(),
  /** The notification group it belongs to: the route's group_by labels, `alertname="X", service="y"`. */
  group: z.string().optional(),
  /** The receiver(s) the route sends it to. */
  receivers: z.array(z.string()).optional(),
});

/** The scenario's pager (observability kind `pager`): the pages it received. */
export const pagerViewSchema = z.object({
  source: z.string(),
  pages: z.number(),
  recent: z.array(z.object({ seq: z.number(), at: z.string().nullable(), alertnames: z.array(z.string()) })),
});

/** The dashboards a run offers next to the terminal (observability in the pack). */
export const observabilityViewSchema = z.object({
  id: z.string(),
  kind: z.enum(['alertmanager', 'prometheus', 'http', 'pager']),
  title: z.string(),
  graphs: z.array(z.object({ title: z.string(), query: z.string() })),
});

export const replayViewSchema = z.object({
  state: z.enum(['running', 'passed', 'failed']),
  startedAt: z.string(),
  windowMs: z.number(),
  showed: z.boolean().optional(),
});

/** A Prometheus answer, instant (value) or range (values): `[unix seconds, "value"]`. */
export const promResultSchema = z.object({
  resultType: z.string(),
  result: z.array(
    z.object({
      metric: z.record(z.string(), z.string()),
      value: z.tuple([z.number(), z.string()]).optional(),
      values: z.array(z.tuple([z.number(), z.string()])).optional(),
    }),
  ),
});

export const timelineItemSchema = z.object({
  id: z.string(),
  time: z.string(),
  /** ms since the page (negative before it). */
  sincePageMs: z.number().nullable(),
  /** `broadcast`: a game facilitator's message to every team; `status`: a status update in the incident channel. */
  kind: z.enum(['phase', 'alert', 'page', 'command', 'hint', 'check', 'resolution', 'fault', 'operation', 'note', 'broadcast', 'status']),
  text: z.string(),
  detail: z.string().optional(),
  ok: z.boolean().optional(),
});

export const hintViewSchema = z.object({
  index: z.number(),
  id: z.string(),
  unlockAfterMs: z.number(),
  unlocked: z.boolean(),
  shown: z.boolean(),
  text: z.string().optional(),
});

export const runSnapshotSchema = z.object({
  runId: z.string(),
  scenario: z.string(),
  title: z.string(),
  variant: z.string().nullable(),
  seed: z.number(),
  phase: runPhaseSchema,
  progress: progressSchema.nullable(),
  startedAt: z.string(),
  pagedAt: z.string().nullable(),
  endedAt: z.string().nullable(),
  /** A game's facilitator paused the clock: paused time since the page in pauses that ended... */
  pausedMs: z.number().optional(),
  /** ...and when the pause still running began (the clock stands still until it ends). */
  pausedSince: z.string().nullable().optional(),
  parMinutes: z.number(),
  health: z.array(checkViewSchema),
  alerts: z.array(alertSchema),
  alertsSource: z.string().nullable(),
  pager: pagerViewSchema.nullable(),
  observability: z.array(observabilityViewSchema),
  /** submit: the run stays live until the learner submits (and the replay, if any, has run). */
  resolveOn: z.enum(['hold', 'submit']),
  /** A fix holds now (it may be submitted); which one is not said. */
  canSubmit: z.boolean(),
  replay: replayViewSchema.nullable(),
  timeline: z.array(timelineItemSchema),
  hints: z.array(hintViewSchema),
  resolution: z.object({ id: z.string(), title: z.string(), points: z.number() }).nullable(),
  terminals: z.array(z.number()),
  error: z.string().nullable(),
  /** The incident channel: its updates and the cadence the run is held to (shared/api/comms.ts). */
  comms: commsResultSchema.optional(),
});

export const evidenceSchema = z.union([
  z.string(),
  z.object({
    eventId: z.string().optional(),
    command: z.string().optional(),
    time: z.string().optional(),
    note: z.string().optional(),
  }),
]);

/** A reviewer's word on a criterion: it replaces the automatic points; the automatic ones stay beside it. */
export const criterionReviewSchema = z.object({
  points: z.number(),
  note: z.string(),
  reviewer: z.string(),
  time: z.string(),
});

export const criterionSchema = z.object({
  id: z.string(),
  title: z.string().optional(),
  /** The automatic points. */
  points: z.number(),
  max: z.number(),
  evidence: z.array(evidenceSchema),
  feedback: z.string(),
  review: criterionReviewSchema.optional(),
});

/** A score as the UI shows it: troubleshooting and postmortem reports both travel in this shape. */
export const scoreViewSchema = z.object({
  /** The automatic score. */
  score: z.number(),
  max: z.number(),
  criteria: z.array(criterionSchema),
  /** The score after a reviewer's overrides (absent when nobody reviewed it). */
  reviewedScore: z.number().optional(),
});

export const reviewPartSchema = z.enum(['troubleshooting', 'postmortem']);

export const reportSchema = z.object({
  runId: z.string(),
  scenario: z.string(),
  title: z.string(),
  outcome: z.string(),
  startedAt: z.string(),
  parMinutes: z.number(),
  troubleshooting: scoreViewSchema.nullable(),
  postmortem: scoreViewSchema.nullable(),
  postmortemMarkdown: z.string().nullable(),
  timeline: z.array(timelineItemSchema),
  recordings: z.array(z.number()),
  /** The comms result (met or not, with times); null when nothing was required or posted. Absent in older reports. */
  comms: commsResultSchema.nullable().optional(),
});

export const historyEntrySchema = z.object({
  runId: z.string(),
  scenario: z.string(),
  title: z.string(),
  startedAt: z.string(),
  outcome: z.string(),
  /** The reviewed score where a reviewer overrode a criterion, else the automatic one. */
  troubleshootingScore: z.number().nullable(),
  postmortemScore: z.number().nullable(),
  /** true when a reviewer overrode a criterion of either score. */
  reviewed: z.boolean().optional(),
  /** true for a session imported from a bundle: its scores were recomputed here, not taken from the bundle. */
  imported: z.boolean().optional(),
  /** What to know about an imported session's scores (a different local pack, a report that claimed others). */
  importNotes: z.array(z.string()).optional(),
});

export const appInfoSchema = z.object({
  version: z.string(),
  host: z.enum(['electron', 'web']),
  /** Base URL of the local server (WebSocket and file downloads), token included where needed. */
  serverUrl: z.string(),
  /** Served on the LAN (`serve --host 0.0.0.0`): where other machines reach this server; empty otherwise. */
  lanUrls: z.array(z.string()).optional(),
  token: z.string(),
  dataDir: z.string(),
});

// ---------------------------------------------------------------- the trainer studio


/** The pack as the learner will see it (from the last text that validated). */
export const studioPreviewSchema = z.object({
  title: z.string(),
  briefing: z.string(),
  hints: z.array(z.object({ after: z.string(), text: z.string() })),
  solution: z.array(z.string()),
});

export const studioPhaseSchema = z.object({ name: z.string(), ok: z.boolean(), ms: z.number(), detail: z.string() });

/** "Test this pack": phases stream in as they end; `running` names the one under way. */
export const studioTestSchema = z.object({
  testId: z.string(),
  pack: z.string(),
  state: z.enum(['running', 'passed', 'failed']),
  running: z.string().nullable(),
  progress: progressSchema.nullable(),
  phases: z.array(studioPhaseSchema),
  /** The session folder of the test run (its event log explains a failed phase). */
  session: z.string().nullable(),
});

export const packSummarySchema = z.object({
  name: z.string(),
  version: z.string(),
  title: z.string(),
  lines: z.array(z.string()),
  installedVersion: z.string().nullable(),
});

/** A learning path with the learner's progress (from history). */
export const learningPathViewSchema = z.object({
  id: z.string(),
  title: z.string(),
  description: z.string(),
  done: z.number(),
  steps: z.array(
    z.object({
      scenario: z.string(),
      prerequisites: z.array(z.string()),
      targetScore: z.number().nullable(),
      bestScore: z.number().nullable(),
      status: z.enum(['done', 'next', 'open', 'locked']),
    }),
  ),
  /** Why a path file cannot be used (file:line:col lines); the path is then empty. */
  problems: z.array(z.string()),
});

const packRef = z.object({ pack: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'a pack name') });
/** A path inside a pack: no absolute path, no "..". */
const packPath = z
  .string()
  .min(1)
  .refine((p) => !p.startsWith('/') && !p.includes('\\') && !p.split('/').includes('..'), 'a path inside the pack');
const archiveUpload = z.object({ filename: z.string().min(1), base64: z.string().min(1) });

const runRef = z.object({ runId: z.string().min(1) });

/** What the API accepts at its edge; larger input is refused with a message that names the limit. */
export const LIMITS = {
  /** A postmortem's markdown (UTF-8). */
  postmortemBytes: 256 * 1024,
  /** One terminal recording (asciicast) inside a bundle. */
  castBytes: 16 * 1024 * 1024,
  /** A session bundle as uploaded (.tar.gz). */
  bundleBytes: 32 * 1024 * 1024,
  /** A bundle's files once unpacked, all together (a gzip bomb stops here). */
  bundleUnpackedBytes: 96 * 1024 * 1024,
  /** Entries in a bundle's archive. */
  bundleEntries: 64,
} as const;

const postmortemMarkdown = z
  .string()
  .refine((text) => utf8Length(text) <= LIMITS.postmortemBytes, {
    message: `the postmortem is larger than ${formatBytes(LIMITS.postmortemBytes)}; shorten it`,
  });
const empty = z.object({}).strict();

// ---------------------------------------------------------------- methods

/** Every operation the UI can ask for. Names double as HTTP paths (`POST /api/<name>`) and IPC channels. */
export const methods = {
  'app.info': { request: empty, response: appInfoSchema },
  'doctor.run': { request: empty, response: doctorReportSchema },
  'scenarios.list': { request: empty, response: z.array(scenarioSummarySchema) },
  'scenarios.get': { request: z.object({ name: z.string().min(1) }), response: scenarioDetailSchema },
  'runs.start': {
    request: z.object({
      scenario: z.string().min(1),
      variant: z.string().optional(),
      seed: z.number().int().optional(),
    }),
    response: z.object({ runId: z.string() }),
  },
  'runs.get': { request: runRef, response: runSnapshotSchema },
  'runs.cancel': { request: runRef, response: runSnapshotSchema },
  'runs.abandon': { request: runRef, response: runSnapshotSchema },
  'runs.checkFix': {
    request: runRef,
    response: z.object({
      allPass: z.boolean(),
      results: z.array(z.object({ title: z.string(), pass: z.boolean() })),
      message: z.string(),
    }),
  },
  'runs.takeHint': { request: runRef, response: hintViewSchema },
  'runs.submit': {
    request: runRef,
    response: z.object({ resolved: z.boolean(), message: z.string(), snapshot: runSnapshotSchema }),
  },
  'observability.query': {
    request: runRef.extend({
      source: z.string().min(1),
      query: z.string().min(1).max(2000),
      /** A range query over the last `seconds` (step chosen for ~60 points); instant when absent. */
      rangeSeconds: z.number().int().min(10).max(7200).optional(),
    }),
    response: z.union([z.object({ ok: z.literal(true), data: promResultSchema }), z.object({ ok: z.literal(false), error: z.string() })]),
  },
  'observability.fetch': {
    request: runRef.extend({ source: z.string().min(1) }),
    response: z.object({ status: z.number(), contentType: z.string(), body: z.string(), truncated: z.boolean() }),
  },
  'terminals.open': { request: runRef, response: z.object({ terminal: z.number(), id: z.string() }) },
  'postmortem.draft': { request: runRef, response: z.object({ markdown: z.string() }) },
  'postmortem.grade': { request: runRef.extend({ markdown: postmortemMarkdown }), response: scoreViewSchema },
  'postmortem.submit': { request: runRef.extend({ markdown: postmortemMarkdown }), response: reportSchema },
  'reports.get': { request: runRef, response: reportSchema },
  'reports.exportHtml': { request: runRef, response: z.object({ html: z.string(), filename: z.string() }) },
  /** A trainer or facilitator overrides a criterion's points (null: back to the automatic points), with a note. */
  'reviews.override': {
    request: runRef.extend({
      part: reviewPartSchema,
      criterionId: z.string().min(1),
      points: z.number().nullable(),
      note: z.string().trim().min(1, 'a review needs a note saying why'),
      reviewer: z.string().trim().min(1, 'say who reviewed it'),
    }),
    response: reportSchema,
  },
  'history.list': { request: empty, response: z.array(historyEntrySchema) },
  'paths.list': { request: empty, response: z.array(learningPathViewSchema) },
  /** The scenario JSON Schema, for completion in the editor. */
  'studio.schema': { request: empty, response: z.record(z.string(), z.unknown()) },
  'studio.templates': { request: empty, response: z.array(z.object({ name: z.string(), title: z.string() })) },
  /** A new pack from a template, in the user's packs folder. */
  'studio.create': { request: packRef.extend({ template: z.string().min(1) }), response: z.object({ pack: z.string() }) },
  /** A pack's files; `editable` is false for shipped packs (read-only view). */
  'studio.files': { request: packRef, response: z.object({ pack: z.string(), editable: z.boolean(), files: z.array(z.string()) }) },
  'studio.read': { request: packRef.extend({ path: packPath }), response: z.object({ content: z.string() }) },
  /** Validates unsaved text of a pack file (scenario.yaml: with the pack's other files as on disk). */
  'studio.validate': {
    request: packRef.extend({ path: packPath, content: z.string() }),
    response: z.object({ diagnostics: z.array(diagnosticSchema), preview: studioPreviewSchema.nullable().optional() }),
  },
  /** Saves atomically (a crash leaves the old file or the new one), then validates. */
  'studio.save': { request: packRef.extend({ path: packPath, content: z.string() }), response: z.object({ diagnostics: z.array(diagnosticSchema) }) },
  'studio.test': { request: packRef, response: studioTestSchema },
  'studio.testStatus': { request: z.object({ testId: z.string().min(1) }), response: studioTestSchema },
  'studio.export': { request: packRef.extend({ version: z.string().min(1) }), response: z.object({ filename: z.string(), base64: z.string() }) },
  /** Checks an archive and says what it would run; writes nothing. */
  'studio.inspect': { request: archiveUpload, response: packSummarySchema },
  'studio.install': { request: archiveUpload.extend({ force: z.boolean().optional() }), response: z.object({ pack: z.string(), version: z.string() }) },
  'history.import': {
    request: z.object({
      filename: z.string(),
      base64: z
        .string()
        .min(1)
        .max(Math.ceil(LIMITS.bundleBytes / 3) * 4, { message: `the bundle is larger than ${formatBytes(LIMITS.bundleBytes)}, the import limit` }),
    }),
    response: z.object({ runId: z.string() }),
  },
  // Game-day mode (shared/api/game.ts).
  ...gameMethods,
  // The incident channel (shared/api/comms.ts).
  ...commsMethods,
} as const;

export type Methods = typeof methods;
export type MethodName = keyof Methods;
export const methodNames = Object.keys(methods) as MethodName[];
export type RequestOf<M extends MethodName> = z.input<Methods[M]['request']>;
export type ResponseOf<M extends MethodName> = z.output<Methods[M]['response']>;

/** The Node side implements this once; both transports call it. */
export type ApiHandlers = { [M in MethodName]: (request: z.output<Methods[M]['request']>) => Promise<ResponseOf<M>> };

// ---------------------------------------------------------------- errors

/** Errors cross the boundary as data: a message and, where we know one, the fix. */
export const apiErrorSchema = z.object({
  error: z.object({
    code: z.enum(['bad_request', 'unauthorized', 'not_found', 'conflict', 'internal']),
    message: z.string(),
    fix: z.string().optional(),
  }),
});
export type ApiErrorBody = z.infer<typeof apiErrorSchema>;

export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorBody['error']['code'],
    message: string,
    readonly fix?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Turns zod issues into one readable line per problem: `runId: expected a string`. */
export function formatIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(request)'}: ${issue.message}`)
    .join('; ');
}

export function parseRequest<M extends MethodName>(method: M, body: unknown): z.output<Methods[M]['request']> {
  const result = methods[method].request.safeParse(body ?? {});
  if (!result.success) throw new ApiError('bad_request', `${method}: ${formatIssues(result.error)}`);
  return result.data as z.output<Methods[M]['request']>;
}

export function isMethodName(name: string): name is MethodName {
  return Object.prototype.hasOwnProperty.call(methods, name);
}

// ---------------------------------------------------------------- server events (WebSocket /ws/events)

export const eventsClientMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('subscribe'), runId: z.string() }),
  z.object({ type: z.literal('unsubscribe'), runId: z.string() }),
]);

export const eventsServerMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('run.snapshot'), snapshot: runSnapshotSchema }),
  z.object({ type: z.literal('run.progress'), runId: z.string(), progress: progressSchema }),
  z.object({ type: z.literal('error'), message: z.string() }),
]);

export type EventsClientMessage = z.infer<typeof eventsClientMessageSchema>;
export type EventsServerMessage = z.infer<typeof eventsServerMessageSchema>;

export type ScenarioSummary = z.infer<typeof scenarioSummarySchema>;
export type ScenarioDetail = z.infer<typeof scenarioDetailSchema>;
export type RunSnapshot = z.infer<typeof runSnapshotSchema>;
export type RunPhaseName = z.infer<typeof runPhaseSchema>;
export type CheckView = z.infer<typeof checkViewSchema>;
export type AlertView = z.infer<typeof alertSchema>;
export type PagerView = z.infer<typeof pagerViewSchema>;
export type ObservabilityView = z.infer<typeof observabilityViewSchema>;
export type ReplayView = z.infer<typeof replayViewSchema>;
export type PromResult = z.infer<typeof promResultSchema>;
export type TimelineItem = z.infer<typeof timelineItemSchema>;
export type HintView = z.infer<typeof hintViewSchema>;
export type ScoreView = z.infer<typeof scoreViewSchema>;
export type Criterion = z.infer<typeof criterionSchema>;
export type Report = z.infer<typeof reportSchema>;
export type HistoryEntry = z.infer<typeof historyEntrySchema>;
export type CriterionReview = z.infer<typeof criterionReviewSchema>;
export type ReviewPart = z.infer<typeof reviewPartSchema>;
export type AppInfo = z.infer<typeof appInfoSchema>;
export type StudioDiagnostic = DiagnosticView;
export type StudioTest = z.infer<typeof studioTestSchema>;
export type StudioPreview = z.infer<typeof studioPreviewSchema>;
export type PackSummaryView = z.infer<typeof packSummarySchema>;
export type LearningPathView = z.infer<typeof learningPathViewSchema>;

import type {
  DoctorReport,
  EventsServerMessage,
  MethodName,
  RequestOf,
  ResponseOf,
  RunSnapshot,
  ScenarioDetail,
  ScenarioSummary,
  ScoreView,
  Report,
} from '../../../shared/api/contract';
import { ApiError } from '../../../shared/api/contract';
import type { ApiClient } from '../../../renderer/src/api/client';

export const scenario = (patch: Partial<ScenarioSummary> = {}): ScenarioSummary => ({
  name: 'slow-query',
  title: 'The slow query',
  summary: 'Checkout p95 went from 80 ms to 4 s after a deploy.',
  difficulty: 'intermediate',
  tags: ['postgres', 'latency'],
  estimatedMinutes: 25,
  parMinutes: 20,
  runtimes: ['docker'],
  variants: ['missing-index', 'bad-plan'],
  imagesBuilt: true,
  runnable: true,
  problems: [],
  ...patch,
});

export const detail = (patch: Partial<ScenarioDetail> = {}): ScenarioDetail => ({
  ...scenario(),
  briefing: '# You are on call\n\nCheckout is **slow**. <script>alert(1)</script>',
  rules: ['Do not restart the database'],
  hintCount: 2,
  ...patch,
});

export const doctorOk: DoctorReport = {
  ok: true,
  checks: [
    { id: 'docker', title: 'Docker engine', status: 'pass', detail: 'Docker 26', fix: '' },
    { id: 'memory', title: 'Memory', status: 'pass', detail: '24 GiB', fix: '' },
  ],
};

export const snapshot = (patch: Partial<RunSnapshot> = {}): RunSnapshot => ({
  runId: 'run-1',
  scenario: 'slow-query',
  title: 'The slow query',
  variant: 'missing-index',
  seed: 7,
  phase: 'live',
  progress: null,
  startedAt: '2026-01-01T10:00:00.000Z',
  pagedAt: '2026-01-01T10:01:00.000Z',
  endedAt: null,
  parMinutes: 20,
  health: [{ group: 'service', checkId: 'p95', title: 'checkout p95 < 200 ms', pass: false, observed: '4100 ms' }],
  alerts: [
    {
      fingerprint: 'a1',
      alertname: 'CheckoutLatencyHigh',
      severity: 'critical',
      state: 'active',
      labels: { alertname: 'CheckoutLatencyHigh', service: 'checkout', severity: 'critical' },
      annotations: { summary: 'p95 above 1s' },
      startsAt: '2026-01-01T10:01:00.000Z',
      inhibitedBy: [],
      silencedBy: [],
    },
  ],
  alertsSource: 'alertmanager',
  pager: null,
  observability: [{ id: 'alertmanager', kind: 'alertmanager', title: 'Alerts', graphs: [] }],
  resolveOn: 'hold',
  canSubmit: false,
  replay: null,
  timeline: [
    { id: 't1', time: '2026-01-01T10:00:30.000Z', sincePageMs: -30000, kind: 'fault', text: 'Fault injected' },
    { id: 't2', time: '2026-01-01T10:01:00.000Z', sincePageMs: 0, kind: 'alert', text: 'CheckoutLatencyHigh firing' },
    { id: 't3', time: '2026-01-01T10:03:00.000Z', sincePageMs: 120000, kind: 'command', text: 'psql -c "\\d orders"' },
  ],
  hints: [
    { index: 0, id: 'h1', unlockAfterMs: 0, unlocked: true, shown: false },
    { index: 1, id: 'h2', unlockAfterMs: 600000, unlocked: false, shown: false },
  ],
  resolution: null,
  terminals: [1],
  error: null,
  ...patch,
});

export const score = (patch: Partial<ScoreView> = {}): ScoreView => ({
  score: 6,
  max: 10,
  criteria: [
    { id: 'impact', title: 'Impact', points: 4, max: 5, evidence: ['mentions checkout'], feedback: 'Quantify the users affected.' },
    { id: 'actions', title: 'Action items', points: 2, max: 5, evidence: [], feedback: 'Give each action an owner.' },
  ],
  ...patch,
});

export const report = (patch: Partial<Report> = {}): Report => ({
  runId: 'run-1',
  scenario: 'slow-query',
  title: 'The slow query',
  outcome: 'resolved',
  startedAt: '2026-01-01T10:00:00.000Z',
  parMinutes: 20,
  troubleshooting: score({ score: 40, max: 50 }),
  postmortem: score(),
  postmortemMarkdown: '# Postmortem\n\nWe added the index.',
  timeline: snapshot().timeline,
  recordings: [1],
  ...patch,
});

type Handler<M extends MethodName> = (request: RequestOf<M>) => ResponseOf<M> | Promise<ResponseOf<M>>;

/** A fake ApiClient: handlers per method, a log of calls, and a way to push events. */
export function fakeClient(handlers: { [M in MethodName]?: Handler<M> } = {}) {
  const calls: { method: MethodName; request: unknown }[] = [];
  const listeners = new Map<string, (message: EventsServerMessage) => void>();
  const client: ApiClient = {
    host: 'web',
    async call(method, request) {
      calls.push({ method, request });
      const handler = handlers[method] as Handler<typeof method> | undefined;
      if (!handler) throw new ApiError('not_found', `no fake for ${method}`);
      return handler(request as never) as never;
    },
    events(runId, onMessage) {
      listeners.set(runId, onMessage);
      return () => listeners.delete(runId);
    },
    terminalSocketUrl: () => 'ws://127.0.0.1:1/ws/terminal?token=t',
    fileUrl: (path) => `http://127.0.0.1:1${path}?token=t`,
  };
  return {
    client,
    calls,
    listeners,
    push(runId: string, message: EventsServerMessage) {
      listeners.get(runId)?.(message);
    },
  };
}

export const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

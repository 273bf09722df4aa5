/** Synthetic session event logs for scoring tests: one builder, readable timelines. */
import type { EventPayload, RunEvent } from '../../../main/engine/events/types.js';
import { z } from 'zod';
import { investigationSignalSchema, postmortemRubricSchema, scoringSchema, type Scenario } from '../../../main/engine/scenario/schema.js';
import type { ScoringScenario } from '../../../main/scoring/types.js';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export const FIXTURES = fileURLToPath(new URL('../../fixtures/postmortems/slow-query/', import.meta.url));

export function fixture(name: string): string {
  return readFileSync(`${FIXTURES}${name}`, 'utf8');
}

export const rubricYaml = (): { investigation: unknown; scoring: unknown } =>
  parse(fixture('rubric.yaml')) as { investigation: unknown; scoring: unknown };

/** The pack's own scenario.yaml, parsed (no schema): the postmortem rubric has one copy, in the pack. */
export const PACK = fileURLToPath(new URL('../../../scenarios/slow-query/scenario.yaml', import.meta.url));
export const packYaml = (): { postmortem: unknown; investigation: unknown; variants: { name: string; postmortem?: unknown }[] } =>
  parse(readFileSync(PACK, 'utf8')) as { postmortem: unknown; investigation: unknown; variants: { name: string; postmortem?: unknown }[] };

/** slow-query as scoring sees it: the rubric fixture (read through the real schema) plus metadata and resolutions. */
export function slowQueryScenario(): ScoringScenario & Pick<Scenario, 'postmortem'> {
  const y = rubricYaml();
  return {
    metadata: { name: 'slow-query', title: 'Checkout is slow', parMinutes: 15 },
    investigation: z.array(investigationSignalSchema).parse(y.investigation),
    scoring: scoringSchema.parse(y.scoring),
    postmortem: postmortemRubricSchema.parse(packYaml().postmortem),
    checks: {
      resolutions: [
        {
          id: 'fixed',
          title: 'The index exists and checkout is fast',
          points: 100,
          checks: [
            { id: 'index-valid', title: 'orders_customer_email_idx is valid' },
            { id: 'p95-ok', title: 'checkout p95 < 150 ms' },
            { id: 'v2-serving', title: 'v2 still serves /orders/recent' },
          ],
        },
        {
          id: 'rolled-back',
          title: 'Rolled back to v1',
          points: 60,
          checks: [
            { id: 'v1-serving', title: 'orders runs v1' },
            { id: 'p95-ok', title: 'checkout p95 < 150 ms' },
          ],
        },
      ],
    },
  };
}

/** Builds a log from "HH:MM:SS" (UTC, 2025-03-14) and payloads; seq, id and mono are filled in. */
export class SessionBuilder {
  readonly events: RunEvent[] = [];
  private readonly day = '2025-03-14';
  private readonly origin: number;

  constructor(startClock = '14:00:00') {
    this.origin = Date.parse(`${this.day}T${startClock}Z`);
  }

  iso(clock: string): string {
    return new Date(Date.parse(`${this.day}T${clock}Z`)).toISOString();
  }

  at(clock: string, payload: EventPayload): this {
    const time = this.iso(clock);
    const seq = this.events.length + 1;
    this.events.push({
      seq,
      id: `e${seq}`,
      time,
      mono: Date.parse(time) - this.origin,
      ...payload,
    } as RunEvent);
    return this;
  }

  cmd(
    clock: string,
    command: string,
    source: 'shell' | 'psql' = 'shell',
    exitCode: number | null = 0,
    more: { durationMs?: number; interrupted?: boolean; terminal?: number } = {},
  ): this {
    const time = this.iso(clock);
    return this.at(clock, {
      type: 'command',
      terminal: more.terminal ?? 1,
      source,
      command,
      exitCode,
      startedAt: time,
      endedAt: time,
      durationMs: more.durationMs ?? 200,
      ...(more.interrupted ? { interrupted: true } : {}),
    });
  }

  /** Created, baseline, fault (v2 deploy), broken, alert, live (the page at 14:03:10). */
  start(): this {
    return this.at('14:00:00', {
      type: 'run.created',
      runId: 'run-1',
      scenario: 'slow-query',
      scenarioDir: '/scenarios/slow-query',
      scenarioTitle: 'Checkout is slow',
      variant: null,
      seed: 1,
      runtime: 'docker',
      parMinutes: 15,
    })
      .at('14:00:05', { type: 'phase.changed', from: 'preparing', to: 'baseline' })
      .at('14:01:30', { type: 'phase.changed', from: 'baseline', to: 'injecting' })
      .at('14:01:32', { type: 'fault.step', stepId: 'deploy-v2', action: 'replace', status: 'applied' })
      .at('14:02:40', {
        type: 'check.changed',
        group: 'broken',
        checkId: 'p95-high',
        title: 'checkout p95 > 500 ms',
        pass: true,
      })
      .at('14:03:05', {
        type: 'alert.fired',
        alertname: 'CheckoutLatencyHigh',
        severity: 'page',
        fingerprint: 'f1',
        labels: { alertname: 'CheckoutLatencyHigh' },
      })
      .at('14:03:10', { type: 'phase.changed', from: 'injecting', to: 'live' })
      .at('14:03:40', { type: 'terminal.opened', terminal: 1, service: 'bastion' });
  }

  fixedBy(clock: string, heldClock: string): this {
    return this.at(clock, {
      type: 'check.changed',
      group: 'resolution:fixed',
      checkId: 'index-valid',
      title: 'index valid',
      pass: true,
    })
      .at(clock, {
        type: 'check.changed',
        group: 'resolution:fixed',
        checkId: 'p95-ok',
        title: 'p95 ok',
        pass: true,
      })
      .at(clock, {
        type: 'check.changed',
        group: 'resolution:fixed',
        checkId: 'v2-serving',
        title: 'v2 serving',
        pass: true,
      })
      .at(clock, { type: 'resolution.holding', resolutionId: 'fixed' })
      .at(heldClock, { type: 'resolution.reached', resolutionId: 'fixed', points: 100, heldMs: 10_000 })
      .at(heldClock, { type: 'phase.changed', from: 'live', to: 'resolved' });
  }
}

/** The expert run the strong postmortem describes. */
export function fastLearner(): RunEvent[] {
  return new SessionBuilder()
    .start()
    .cmd('14:04:12', 'curl -s -w "%{time_total}\\n" http://orders:8080/checkout')
    .cmd('14:05:01', 'docker logs --tail 50 orders')
    .cmd('14:06:30', "SELECT pid, state, query FROM pg_stat_activity WHERE state = 'active';", 'psql')
    .cmd(
      '14:08:02',
      'SELECT query, calls, mean_exec_time FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 5;',
      'psql',
    )
    .cmd(
      '14:09:40',
      "EXPLAIN ANALYZE SELECT * FROM orders WHERE customer_email = 'a@b.c' ORDER BY created_at DESC LIMIT 20;",
      'psql',
    )
    .cmd('14:10:15', '\\d orders', 'psql')
    .cmd('14:11:30', 'ls /srv/orders/migrations/')
    .cmd('14:12:05', 'SELECT version FROM schema_migrations ORDER BY version;', 'psql')
    .cmd(
      '14:13:20',
      'CREATE INDEX CONCURRENTLY orders_customer_email_idx ON orders (customer_email, created_at DESC);',
      'psql',
    )
    .cmd('14:15:55', 'ANALYZE orders;', 'psql')
    .fixedBy('14:16:32', '14:16:42')
    .at('14:18:00', { type: 'run.ended', outcome: 'resolved' }).events;
}

/** A learner who rolled back to v1 (the `rolled-back` resolution), then looked at why. */
export function rollbackLearner(): RunEvent[] {
  return new SessionBuilder()
    .start()
    .cmd('14:04:12', 'curl -s -w "%{time_total}\\n" http://orders:8080/checkout')
    .cmd('14:05:01', 'logs orders -n 50')
    .cmd('14:06:10', 'deploys orders')
    .cmd('14:08:05', 'deploy orders v1.0.0')
    .at('14:08:06', { type: 'lab.request', terminal: 1, verb: 'op' })
    .at('14:09:20', { type: 'check.changed', group: 'resolution:rolled-back', checkId: 'v1-serving', title: 'orders runs v1', pass: true })
    .at('14:09:20', { type: 'check.changed', group: 'resolution:rolled-back', checkId: 'p95-ok', title: 'checkout p95 < 150 ms', pass: true })
    .at('14:09:20', { type: 'resolution.holding', resolutionId: 'rolled-back' })
    .at('14:09:30', { type: 'resolution.reached', resolutionId: 'rolled-back', points: 60, heldMs: 10_000 })
    .at('14:09:30', { type: 'phase.changed', from: 'live', to: 'resolved' })
    .cmd(
      '14:12:00',
      "EXPLAIN SELECT * FROM orders WHERE customer_email = 'a@b.c' ORDER BY created_at DESC LIMIT 20;",
      'psql',
    )
    .cmd('14:12:40', 'SELECT version FROM schema_migrations ORDER BY version;', 'psql')
    .at('14:14:00', { type: 'run.ended', outcome: 'resolved' }).events;
}

/**
 * The event log read as untrusted input (an imported bundle's `events.jsonl`): every line is checked
 * against the envelope every event has and a known `type`, and the events scoring relies on
 * (`run.created`, `command`) against their full shape. The TypeScript types in types.ts stay the
 * definition; the `satisfies` checks below fail to compile when the two drift apart.
 */
import { z } from 'zod';
import type { EventOf, EventType, RunEvent } from './types.js';

const KNOWN_TYPES = {
  'run.created': true,
  'phase.changed': true,
  progress: true,
  'fault.step': true,
  'check.changed': true,
  'resolution.holding': true,
  'run.submitted': true,
  'replay.started': true,
  'replay.finished': true,
  'pager.paged': true,
  'resolution.reached': true,
  'hint.unlocked': true,
  'hint.shown': true,
  'alert.fired': true,
  'alert.resolved': true,
  'terminal.opened': true,
  'terminal.closed': true,
  command: true,
  'lab.request': true,
  'capture.spoofed': true,
  'fix.checked': true,
  'facilitator.action': true,
  'status.update': true,
  'terminal.keyboard': true,
  'postmortem.submitted': true,
  'run.error': true,
  'run.ended': true,
} satisfies Record<EventType, true>;

const envelope = z.object({
  seq: z.number().int().positive(),
  id: z.string().max(64),
  time: z.iso.datetime({ offset: true }),
  mono: z.number().finite(),
  type: z.string().refine((type) => Object.prototype.hasOwnProperty.call(KNOWN_TYPES, type), { message: 'not an event type' }),
});

/** A scenario id (the folder name of its pack): never a path. */
const scenarioName = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, { message: 'not a scenario name' });

const runCreated = envelope.extend({
  type: z.literal('run.created'),
  runId: z.string().regex(/^[A-Za-z0-9._-]{1,128}$/, { message: 'not a run id' }),
  scenario: scenarioName,
  scenarioDir: z.string(),
  scenarioTitle: z.string().max(500),
  variant: z.string().max(200).nullable(),
  seed: z.number(),
  runtime: z.string().max(64),
  parMinutes: z.number().positive().finite(),
  packHash: z.string().regex(/^[0-9a-f]{64}$/).optional(),
  comms: z.object({ firstWithinMs: z.number().positive().finite().nullable(), everyMs: z.number().positive().finite().nullable() }).optional(),
});

const command = envelope.extend({
  type: z.literal('command'),
  terminal: z.number().int().nonnegative(),
  source: z.enum(['shell', 'psql']),
  command: z.string().max(1_000_000),
  exitCode: z.number().int().nullable(),
  cwd: z.string().optional(),
  startedAt: z.string().max(64),
  endedAt: z.string().max(64),
  durationMs: z.number().finite(),
  interrupted: z.boolean().optional(),
  by: z.string().max(200).optional(),
});

// Compile-time: what the schemas accept is what the types describe.
type Checked<S extends z.ZodType, T> = z.infer<S> extends Omit<T, 'type'> ? true : never;
const _created: Checked<typeof runCreated, EventOf<'run.created'>> = true;
const _command: Checked<typeof command, EventOf<'command'>> = true;
void _created;
void _command;

/** One line of the log, checked; the error names the field. */
export function parseEventLine(value: unknown): RunEvent {
  const base = envelope.parse(value);
  if (base.type === 'run.created') return runCreated.parse(value) as RunEvent;
  if (base.type === 'command') return command.parse(value) as RunEvent;
  return value as RunEvent;
}

/**
 * The session event log (`$FIREDRILL_HOME/sessions/<runId>/events.jsonl`): one JSON object per line,
 * append-only. Scoring, the timeline and the report are all computed from it, so every field here is
 * a promise to readers: add fields, never rename them.
 */

export type RunPhase =
  | 'preparing'
  | 'baseline'
  | 'injecting'
  | 'live'
  | 'replaying'
  | 'resolved'
  | 'abandoned'
  | 'failed'
  | 'teardown'
  | 'ended';

/** Which set a check belongs to: steady state, the broken proof, or one accepted resolution. */
export type CheckGroup = 'steadyState' | 'broken' | `resolution:${string}` | 'replay:broken' | `replay:${string}`;

/** What the log keeps of an Alertmanager alert. */
export interface AlertPayload {
  alertname: string;
  severity?: string;
  fingerprint: string;
  labels: Record<string, string>;
  startsAt?: string;
}

export interface EventBase {
  /** 1-based position in the log; ids are `e<seq>` so evidence can cite them. */
  seq: number;
  id: string;
  /** Wall-clock time, ISO 8601. */
  time: string;
  /** Milliseconds since the run was created, from a monotonic clock (immune to clock changes). */
  mono: number;
}

export type EventPayload =
  | {
      type: 'run.created';
      runId: string;
      scenario: string;
      scenarioDir: string;
      scenarioTitle: string;
      variant: string | null;
      seed: number;
      runtime: string;
      parMinutes: number;
      /** sha256 of the pack as loaded (see scenario/load.ts): an imported session says when the local pack differs. */
      packHash?: string;
      /** The status-update cadence the run is held to (a game's `comms`); absent: nothing required. */
      comms?: { firstWithinMs: number | null; everyMs: number | null };
    }
  | { type: 'phase.changed'; from: RunPhase | null; to: RunPhase; reason?: string }
  | { type: 'progress'; current: number; max: number; description: string }
  | {
      type: 'fault.step';
      stepId: string;
      action: string;
      status: 'applied' | 'failed' | 'reverted';
      detail?: string;
      /** A step of the replay (checks.replay), not of the incident's own fault. */
      replay?: boolean;
    }
  | {
      type: 'check.changed';
      group: CheckGroup;
      checkId: string;
      title: string;
      pass: boolean;
      observed?: string;
      message?: string;
    }
  | { type: 'resolution.holding'; resolutionId: string }
  /** The learner submitted (resolveOn: submit); `holding` is the best resolution that held then, if any. */
  | { type: 'run.submitted'; holding: string | null }
  | { type: 'replay.started'; windowMs: number; resolutions: string[] }
  /** `showed`: the replay's broken checks held at least once; `results`: each resolution's replayChecks. */
  | { type: 'replay.finished'; showed: boolean; results: { resolutionId: string; pass: boolean }[] }
  /** A page the scenario's pager received (observability kind `pager`); `total` counts every page so far. */
  | { type: 'pager.paged'; total: number; alertnames: string[]; at?: string }
  | { type: 'resolution.reached'; resolutionId: string; points: number; heldMs: number }
  | { type: 'hint.unlocked'; hintId: string; index: number }
  | { type: 'hint.shown'; hintId: string; index: number; text: string }
  | ({ type: 'alert.fired' } & AlertPayload)
  | ({ type: 'alert.resolved' } & AlertPayload)
  | { type: 'terminal.opened' | 'terminal.closed'; terminal: number; service: string }
  | {
      type: 'command';
      terminal: number;
      /** `shell` for bash commands, `psql` for statements the bastion's psqlrc logged. */
      source: 'shell' | 'psql';
      command: string;
      exitCode: number | null;
      cwd?: string;
      startedAt: string;
      endedAt: string;
      /** Game-day mode's shared terminals: the team member who held the keyboard when it ran. */
      by?: string;
      durationMs: number;
      /** true when the learner interrupted it (Ctrl-C). */
      interrupted?: boolean;
    }
  | { type: 'lab.request'; terminal: number; verb: string }
  /**
   * A shell-integration mark the host refused (printed by a command, not by the shell at a prompt;
   * a line the learner never typed; a `lab` request while no `lab` runs). Nothing of it was recorded
   * or answered. `text` is what it carried (cut to 500 characters); after 50 of them a terminal
   * logs one more with `suppressed`, the count it left out.
   */
  | { type: 'capture.spoofed'; terminal: number; mark: string; reason: string; text?: string; suppressed?: number }
  | {
      type: 'fix.checked';
      results: { group: CheckGroup; checkId: string; pass: boolean }[];
    }
  /**
   * What a game's facilitator did to this team's run (game-day mode): injected a fault step or ran an
   * operation, broadcast a message to every team, or stopped the game (kill switch, end).
   */
  | {
      type: 'facilitator.action';
      action: 'inject' | 'operation' | 'broadcast' | 'kill-switch' | 'end' | 'pause' | 'resume' | 'extend';
      game: string;
      /** The fault step or operation id (inject, operation). */
      target?: string;
      message?: string;
      /** How much the facilitator added to the time box (extend). */
      extendMs?: number;
    }
  /**
   * A status update the team posted in its incident channel (game-day comms; the rubric may require
   * them on a cadence). `author` is the member who posted it (null when the poster named nobody).
   */
  | { type: 'status.update'; author: string | null; message: string }
  /** Who holds a shared terminal's keyboard now (game-day mode; null: nobody, anyone may take it). */
  | { type: 'terminal.keyboard'; terminal: number; holder: string | null }
  | { type: 'postmortem.submitted'; path: string; score: number }
  | { type: 'run.error'; message: string }
  | { type: 'run.ended'; outcome: 'resolved' | 'abandoned' | 'failed' | 'cancelled' };

export type EventType = EventPayload['type'];
export type RunEvent = EventBase & EventPayload;
export type EventOf<T extends EventType> = EventBase & Extract<EventPayload, { type: T }>;

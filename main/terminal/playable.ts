/**
 * What `firedrill play` needs from the engine. The engine's run satisfies this; the CLI passes
 * `startRun` in `PlayDeps` (main/cli/commands/play.ts).
 */
import type { EventLog } from '../engine/events/event-log.js';
import type { ProgressListener } from '../../shared/progress.js';
import type { LabHandler } from './lab.js';
import type { ShellCommand } from './pty.js';

export interface PlayableRun {
  id: string;
  title: string;
  /** The scenario's briefing, markdown. */
  briefing: string;
  /** The session folder (`terminal-1.cast` goes there). */
  sessionDir: string;
  /** The run's append-only log: terminal, command and lab.request events go there. */
  events: EventLog;
  /** The service the learner's shell runs in (for the log); default `bastion`. */
  shellService?: string;
  /** Builds images, brings the sandbox up, injects the fault; resolves when the run is live. */
  ready(onProgress: ProgressListener): Promise<void>;
  /** The bastion shell: `sandbox.shellCommand(bastion, ['bash', '-l'])`. Called once the run is live. */
  shell(): ShellCommand;
  /** Answers `lab status|hint|check|submit` typed in the bastion. */
  lab: LabHandler;
  /** The end-of-run text (outcome, score, where the report is). Called after the shell ends. */
  summary(): Promise<string>;
  /** Removes everything the run created. Idempotent; called exactly once by `play`. */
  teardown(): Promise<void>;
}

export type StartRun = (scenarioDir: string, options: { variant?: string; seed?: number }) => Promise<PlayableRun>;

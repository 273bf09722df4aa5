/** The pty seam: node-pty in production, anything shaped like it in unit tests. */
import * as nodePty from 'node-pty';

export interface PtyProcess {
  readonly pid: number;
  onData(listener: (data: string) => void): { dispose(): void };
  onExit(listener: (event: { exitCode: number; signal?: number }) => void): { dispose(): void };
  write(data: string): void;
  resize(cols: number, rows: number): void;
  kill(signal?: string): void;
  /** Stop / start reading from the pty (node-pty has both; fakes may not). */
  pause?(): void;
  resume?(): void;
}

export interface PtySpawnOptions {
  cols: number;
  rows: number;
  env: Record<string, string>;
  cwd?: string;
  /** The TERM the pty advertises. */
  name: string;
}

export type PtySpawn = (file: string, args: string[], options: PtySpawnOptions) => PtyProcess;

export const nodePtySpawn: PtySpawn = (file, args, options) =>
  nodePty.spawn(file, args, {
    name: options.name,
    cols: options.cols,
    rows: options.rows,
    env: options.env,
    ...(options.cwd ? { cwd: options.cwd } : {}),
  });

/** How to start the shell of a terminal: what `Sandbox.shellCommand()` returns. */
export interface ShellCommand {
  file: string;
  args: string[];
  env: Record<string, string>;
}

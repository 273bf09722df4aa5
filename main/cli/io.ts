import { RUNTIME_KINDS, type RuntimeKind } from '../../sandbox/runtime.js';

/** What a command writes to; tests capture it instead of the real streams. */
export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

export const processIO: CliIO = {
  stdout: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  stderr: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
};

/** A command-line mistake: usage is printed and the exit code is 2. */
export class UsageError extends Error {}

/** `--runtime docker|kubernetes` (`kind` reads as kubernetes, as in scenario files); undefined: the scenario's first. */
export function runtimeOption(value: string | undefined): RuntimeKind | undefined {
  if (value === undefined) return undefined;
  const kind = value === 'kind' ? 'kubernetes' : value;
  if (!(RUNTIME_KINDS as readonly string[]).includes(kind)) {
    throw new UsageError(`unknown runtime "${value}" (runtimes: ${RUNTIME_KINDS.join(', ')})`);
  }
  return kind as RuntimeKind;
}

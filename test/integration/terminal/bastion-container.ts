/** A throwaway bastion container for the terminal integration tests (labelled, removed afterwards). */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { dirname } from 'node:path';
import { promisify } from 'node:util';
import { bastionFiles } from '../../../main/terminal/bastion-files.js';

const run = promisify(execFile);
export const TEST_IMAGE = 'firedrill-test/terminal-bastion:1';

async function docker(args: string[], input?: string): Promise<string> {
  if (input === undefined) return (await run('docker', args, { maxBuffer: 16 * 1024 * 1024 })).stdout.trim();
  return new Promise((resolve, reject) => {
    const child = execFile('docker', args, (error, stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout.trim())));
    child.stdin!.end(input);
  });
}

export interface BastionContainer {
  id: string;
  name: string;
  runId: string;
  shell: { file: string; args: string[]; env: Record<string, string> };
  remove(): Promise<void>;
}

/** Builds the tiny image (plain debian:bookworm: bash is in the base), starts it and copies the bastion files in. */
export async function startBastion(label: string): Promise<BastionContainer> {
  await docker(['build', '-q', '-t', TEST_IMAGE, '--label', 'firedrill.managed=true', '-'], 'FROM debian:bookworm\nCMD ["sleep", "infinity"]\n');
  const runId = `test-${label}-${randomBytes(3).toString('hex')}`;
  const name = `firedrill-${runId}`;
  const id = await docker([
    'run', '-d', '--name', name,
    '--label', 'firedrill.managed=true', '--label', `firedrill.run=${runId}`, '--label', 'firedrill.service=bastion',
    TEST_IMAGE,
  ]);
  const files = bastionFiles();
  await docker(['exec', id, 'mkdir', '-p', ...new Set(files.map((f) => dirname(f.target)))]);
  for (const file of files) {
    await docker(['cp', file.source, `${id}:${file.target}`]);
    await docker(['exec', id, 'chmod', file.mode.toString(8), file.target]);
  }
  return {
    id,
    name,
    runId,
    shell: { file: 'docker', args: ['exec', '-it', '-e', 'TERM=xterm-256color', id, 'bash', '-l'], env: {} },
    remove: async () => {
      await docker(['rm', '-f', id]).catch(() => undefined);
    },
  };
}

/** Polls until `predicate` holds (bounded). */
export async function waitUntil(what: string, predicate: () => boolean, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

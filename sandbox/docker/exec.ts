/**
 * `exec` in a container with separate stdout/stderr, an exit code, optional stdin and a timeout.
 * Docker has no API to kill an exec, so each exec carries a marker in its environment; on timeout
 * a second exec kills every process in the container whose environment holds that marker.
 */
import { randomUUID } from 'node:crypto';
import { PassThrough } from 'node:stream';
import type Docker from 'dockerode';
import type { ExecOptions, ExecResult } from '../runtime.js';

export class ExecTimeoutError extends Error {
  override name = 'ExecTimeoutError';
  constructor(
    message: string,
    readonly stdout: string,
    readonly stderr: string,
  ) {
    super(message);
  }
}

const MARKER = 'FIREDRILL_EXEC_ID';

/** Kill processes carrying the marker. Needs `sh` in the image; failures are ignored (best effort). */
async function killMarked(container: Docker.Container, id: string): Promise<void> {
  const script =
    `for f in /proc/[0-9]*/environ; do ` +
    `if tr '\\0' '\\n' < "$f" 2>/dev/null | grep -qx '${MARKER}=${id}'; then p=\${f#/proc/}; kill -9 \${p%/environ} 2>/dev/null; fi; done`;
  try {
    const exec = await container.exec({ Cmd: ['sh', '-c', script], User: '0', AttachStdout: false, AttachStderr: false });
    await exec.start({ Detach: true });
  } catch {
    // the container may be gone or have no shell
  }
}

export async function execInContainer(
  docker: Docker,
  container: Docker.Container,
  command: string[],
  options: ExecOptions = {},
): Promise<ExecResult> {
  const id = randomUUID();
  const env = Object.entries({ ...(options.env ?? {}), [MARKER]: id }).map(([k, v]) => `${k}=${v}`);
  const exec = await container.exec({
    Cmd: command,
    Env: env,
    AttachStdout: true,
    AttachStderr: true,
    AttachStdin: options.stdin !== undefined,
    Tty: false,
    ...(options.user ? { User: options.user } : {}),
    ...(options.workdir ? { WorkingDir: options.workdir } : {}),
  });
  const stream = (await exec.start({ hijack: true, stdin: options.stdin !== undefined })) as NodeJS.ReadWriteStream & {
    destroy(): void;
  };
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (chunk: Buffer) => out.push(chunk));
  stderr.on('data', (chunk: Buffer) => err.push(chunk));
  docker.modem.demuxStream(stream, stdout, stderr);

  if (options.stdin !== undefined) {
    // Writing then half-closing tells Docker the input ended (the process sees EOF).
    stream.end(options.stdin);
  }

  const finished = new Promise<void>((resolve, reject) => {
    stream.on('end', resolve);
    stream.on('close', resolve);
    stream.on('error', reject);
  });
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    if (options.timeoutMs) timer = setTimeout(() => resolve('timeout'), options.timeoutMs);
  });
  try {
    const outcome = await Promise.race([finished, timedOut]);
    if (outcome === 'timeout') {
      await killMarked(container, id);
      stream.destroy();
      throw new ExecTimeoutError(
        `\`${command.join(' ')}\` did not finish within ${options.timeoutMs} ms and was killed`,
        Buffer.concat(out).toString('utf8'),
        Buffer.concat(err).toString('utf8'),
      );
    }
  } finally {
    if (timer) clearTimeout(timer);
  }
  // The stream can end a moment before the engine records the exit code.
  let info = await exec.inspect();
  for (let i = 0; info.Running && i < 50; i++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    info = await exec.inspect();
  }
  return {
    exitCode: info.ExitCode ?? -1,
    stdout: Buffer.concat(out).toString('utf8'),
    stderr: Buffer.concat(err).toString('utf8'),
  };
}

/**
 * kind, driven through its CLI: find the binary, its version, the clusters (by kind's
 * `io.x-k8s.kind.cluster` label on node containers), create one (its stderr streamed as progress), load
 * images, delete. Every process is started through an injected `ProcessRunner`, so unit tests swap it.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { Progress, ProgressListener } from '../runtime.js';
import { KIND_CLUSTER_LABEL } from './objects.js';

export interface ProcessResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a program; `onStderrLine` sees stderr as it comes. Rejects only when the program cannot start (ENOENT). */
export type ProcessRunner = (file: string, args: string[], options?: { onStderrLine?: (line: string) => void; timeoutMs?: number; stdin?: string }) => Promise<ProcessResult>;

export const runProcess: ProcessRunner = (file, args, options = {}) =>
  new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let partial = '';
    const timer = options.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), options.timeoutMs) : undefined;
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      stderr += text;
      partial += text;
      const lines = partial.split(/\r?\n|\r/);
      partial = lines.pop() ?? '';
      for (const line of lines) if (line.trim()) options.onStderrLine?.(line);
    });
    child.on('error', (error) => {
      if (timer) clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      if (timer) clearTimeout(timer);
      if (partial.trim()) options.onStderrLine?.(partial);
      resolve({ code: code ?? 1, stdout, stderr });
    });
    child.stdin.end(options.stdin ?? '');
  });

/** Where kind may be when PATH does not say (apps started from Finder get a bare PATH). */
export function kindCandidates(env: NodeJS.ProcessEnv, dataDir?: string): string[] {
  const names = process.platform === 'win32' ? ['kind.exe', 'kind'] : ['kind'];
  const dirs = [
    ...(env.PATH ?? '').split(delimiter).filter(Boolean),
    '/opt/homebrew/bin',
    '/usr/local/bin',
    '/home/linuxbrew/.linuxbrew/bin',
    join(homedir(), 'go', 'bin'),
    ...(env.GOPATH ? [join(env.GOPATH, 'bin')] : []),
    // The managed install (firedrill places a pinned kind here).
    ...(dataDir ? [join(dataDir, 'bin')] : []),
  ];
  return [...new Set(dirs)].flatMap((dir) => names.map((name) => join(dir, name)));
}

/** The first executable kind: FIREDRILL_KIND, else PATH and the usual install places. */
export function findKind(env: NodeJS.ProcessEnv, dataDir?: string, isExecutable: (path: string) => boolean = executable): string | null {
  if (env.FIREDRILL_KIND) return isExecutable(env.FIREDRILL_KIND) ? env.FIREDRILL_KIND : null;
  return kindCandidates(env, dataDir).find((path) => isExecutable(path)) ?? null;
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** `kind v0.33.0 go1.26.0 linux/amd64` → `v0.33.0`. */
export function parseKindVersion(output: string): string | null {
  return /\bv\d+\.\d+\.\d+(?:[-+][\w.]+)?/.exec(output)?.[0] ?? null;
}

/**
 * kind's progress lines (` ✓ Ensuring node image (kindest/node:v1.37.0) 🖼`, ` • Preparing nodes 📦`,
 * ` ✗ Preparing nodes 📦`) as `{current, max, description}`. Steps of a one-node create: ensure image,
 * prepare nodes, write config, start control plane, install CNI, install StorageClass (6).
 */
export function kindProgress(line: string, state: { done: number }, max = 6): Progress | null {
  const match = /^\s*([✓•✗])\s+(.*?)\s*[^\w\s).]*\s*$/u.exec(line);
  if (!match) return null;
  const [, mark, text] = match as unknown as [string, string, string];
  if (mark === '✓') state.done += 1;
  const verb = mark === '✗' ? 'failed: ' : '';
  return { current: Math.min(state.done, max), max, description: `kind: ${verb}${text}` };
}

export interface KindClient {
  readonly binary: string;
  version(): Promise<string>;
  clusters(): Promise<string[]>;
  create(name: string, config: string, kubeconfig: string, onProgress: ProgressListener): Promise<void>;
  kubeconfig(name: string): Promise<string>;
  load(name: string, images: string[]): Promise<void>;
  delete(name: string): Promise<void>;
}

/** The kind cluster config Firedrill creates: one node, API server on 127.0.0.1 at a port we chose free. */
export function kindConfig(options: { apiServerPort: number; nodeImage?: string }): string {
  return [
    'kind: Cluster',
    'apiVersion: kind.x-k8s.io/v1alpha4',
    'networking:',
    '  apiServerAddress: "127.0.0.1"',
    `  apiServerPort: ${options.apiServerPort}`,
    'nodes:',
    '  - role: control-plane',
    ...(options.nodeImage ? [`    image: ${options.nodeImage}`] : []),
    '',
  ].join('\n');
}

/** What kind said, shortened to the lines that explain a failure. */
function kindError(what: string, result: ProcessResult): Error {
  const lines = (result.stderr || result.stdout).trim().split('\n').filter((l) => /ERROR|error|failed|✗/.test(l));
  return new Error(`${what} failed (exit ${result.code}): ${(lines.length ? lines : (result.stderr || result.stdout).trim().split('\n').slice(-3)).join(' | ')}`);
}

export function kindClient(binary: string, run: ProcessRunner = runProcess): KindClient {
  return {
    binary,
    async version() {
      const result = await run(binary, ['version'], { timeoutMs: 10_000 });
      return parseKindVersion(result.stdout) ?? (result.stdout.trim() || 'unknown');
    },
    async clusters() {
      const result = await run(binary, ['get', 'clusters'], { timeoutMs: 30_000 });
      if (result.code !== 0) throw kindError('kind get clusters', result);
      return result.stdout.split('\n').map((l) => l.trim()).filter((l) => l && !/^No kind clusters found/.test(l));
    },
    async create(name, config, kubeconfig, onProgress) {
      const state = { done: 0 };
      // --kubeconfig: kind writes only that file, never the user's ~/.kube/config.
      const result = await run(binary, ['create', 'cluster', '--name', name, '--kubeconfig', kubeconfig, '--config', '-', '--wait', '120s'], {
        stdin: config,
        timeoutMs: 600_000,
        onStderrLine: (line) => {
          const progress = kindProgress(line, state);
          if (progress) onProgress(progress);
        },
      });
      if (result.code !== 0) throw explainKindFailure(kindError(`kind create cluster --name ${name}`, result), result.stderr);
    },
    async kubeconfig(name) {
      const result = await run(binary, ['get', 'kubeconfig', '--name', name], { timeoutMs: 30_000 });
      if (result.code !== 0) throw kindError('kind get kubeconfig', result);
      return result.stdout;
    },
    async load(name, images) {
      if (images.length === 0) return;
      const result = await run(binary, ['load', 'docker-image', '--name', name, ...images], { timeoutMs: 600_000 });
      if (result.code !== 0) throw kindError('kind load docker-image', result);
    },
    async delete(name) {
      const result = await run(binary, ['delete', 'cluster', '--name', name], { timeoutMs: 120_000 });
      if (result.code !== 0) throw kindError(`kind delete cluster --name ${name}`, result);
    },
  };
}

/** A kind failure with the cause users can act on, when we recognise it. */
export function explainKindFailure(error: Error, stderr: string): Error {
  if (/unable to apply caps|operation not permitted.*privileged|privileged.*not permitted/i.test(stderr)) {
    return new Error(`${error.message}. Docker refused a privileged container, which every kind node is: use Docker Desktop, Colima or a Linux engine that allows --privileged, or point Firedrill at an existing cluster (FIREDRILL_KUBECONFIG)`);
  }
  return error;
}

/** Docker filters that find kind's node containers (of one cluster, or all). */
export function kindNodeFilters(cluster?: string): { label: string[] } {
  return { label: [cluster ? `${KIND_CLUSTER_LABEL}=${cluster}` : KIND_CLUSTER_LABEL] };
}

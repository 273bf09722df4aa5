/**
 * Where is the Docker engine? Users' machines disagree: Docker Desktop moved its socket to
 * `~/.docker/run/docker.sock`, colima and Rancher Desktop have their own, and many people
 * switch engines with `docker context use`. We resolve it the way the `docker` CLI does:
 *   1. `DOCKER_HOST`
 *   2. the active context (`DOCKER_CONTEXT`, else `currentContext` in `~/.docker/config.json`)
 *   3. well-known socket paths
 * Every outside thing (env, files, home dir, platform) is injected so unit tests cover the order.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export type DockerEndpointSource = 'DOCKER_HOST' | 'context' | 'known-path' | 'default';

export interface DockerTls {
  /** Directory holding ca.pem, cert.pem, key.pem (what `DOCKER_CERT_PATH` means to the CLI). */
  certDir: string;
  verify: boolean;
}

export interface DockerEndpoint {
  /** The URL form the CLI understands: `unix:///var/run/docker.sock`, `tcp://h:2376`, `npipe:////./pipe/docker_engine`, `ssh://u@h`. */
  host: string;
  protocol: 'unix' | 'npipe' | 'tcp' | 'ssh';
  /** unix socket or named pipe path. */
  socketPath?: string;
  /** tcp / ssh host and port. */
  hostname?: string;
  port?: number;
  username?: string;
  tls?: DockerTls;
  source: DockerEndpointSource;
  /** For messages: "DOCKER_HOST", "docker context \"colima\"", "known path", "default (nothing found)". */
  sourceDetail: string;
  /** Paths looked at when falling back to known paths (for the doctor's message). */
  searched: string[];
}

export interface SocketDeps {
  env: Record<string, string | undefined>;
  homedir: string;
  platform: NodeJS.Platform;
  /** true when a socket (or any file) exists at the path. */
  exists(path: string): boolean;
  /** File contents, or undefined when it cannot be read. */
  readFile(path: string): string | undefined;
}

export class DockerEndpointError extends Error {
  override name = 'DockerEndpointError';
}

export function defaultSocketDeps(): SocketDeps {
  return {
    env: process.env,
    homedir: homedir(),
    platform: process.platform,
    exists: (path) => {
      try {
        statSync(path);
        return true;
      } catch {
        return existsSync(path);
      }
    },
    readFile: (path) => {
      try {
        return readFileSync(path, 'utf8');
      } catch {
        return undefined;
      }
    },
  };
}

const WINDOWS_PIPE = '//./pipe/docker_engine';

/** Parse a `DOCKER_HOST`-style URL into an endpoint (source fields filled by the caller). */
export function parseDockerHost(
  host: string,
  source: DockerEndpointSource,
  sourceDetail: string,
): DockerEndpoint {
  const base = { host, source, sourceDetail, searched: [] as string[] };
  if (host.startsWith('unix://')) {
    return { ...base, protocol: 'unix', socketPath: host.slice('unix://'.length) };
  }
  if (host.startsWith('npipe://')) {
    // npipe:////./pipe/docker_engine → //./pipe/docker_engine
    const pipe = host.slice('npipe://'.length).replace(/\\/g, '/');
    return { ...base, protocol: 'npipe', socketPath: pipe.startsWith('//') ? pipe : `//./pipe/${pipe.replace(/^\/+/, '')}` };
  }
  if (host.startsWith('tcp://') || host.startsWith('http://') || host.startsWith('https://') || host.startsWith('ssh://')) {
    let url: URL;
    try {
      url = new URL(host);
    } catch {
      throw new DockerEndpointError(`${sourceDetail}: "${host}" is not a valid Docker host URL`);
    }
    const protocol = url.protocol === 'ssh:' ? 'ssh' : 'tcp';
    const defaultPort = protocol === 'ssh' ? 22 : 2375;
    return {
      ...base,
      protocol,
      hostname: url.hostname,
      port: url.port ? Number(url.port) : defaultPort,
      ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
    };
  }
  if (host.startsWith('/')) return { ...base, host: `unix://${host}`, protocol: 'unix', socketPath: host };
  throw new DockerEndpointError(
    `${sourceDetail}: unsupported Docker host "${host}" (expected unix://, tcp://, npipe:// or ssh://)`,
  );
}

/** `~/.docker`, or `DOCKER_CONFIG` when set (the CLI honours it too). */
function dockerConfigDir(deps: SocketDeps): string {
  return deps.env.DOCKER_CONFIG || join(deps.homedir, '.docker');
}

/** The active context name, or undefined for the built-in "default" context. */
export function activeContextName(deps: SocketDeps): string | undefined {
  const fromEnv = deps.env.DOCKER_CONTEXT;
  if (fromEnv) return fromEnv === 'default' ? undefined : fromEnv;
  const raw = deps.readFile(join(dockerConfigDir(deps), 'config.json'));
  if (!raw) return undefined;
  try {
    const config = JSON.parse(raw) as { currentContext?: unknown };
    if (typeof config.currentContext === 'string' && config.currentContext && config.currentContext !== 'default') {
      return config.currentContext;
    }
  } catch {
    // A broken config.json: the CLI would complain; we just fall through to known paths.
  }
  return undefined;
}

/** Read `contexts/meta/<sha256(name)>/meta.json` → Endpoints.docker.Host (plus its TLS files). */
function endpointFromContext(name: string, deps: SocketDeps): DockerEndpoint {
  const digest = createHash('sha256').update(name).digest('hex');
  const configDir = dockerConfigDir(deps);
  const metaPath = join(configDir, 'contexts', 'meta', digest, 'meta.json');
  const raw = deps.readFile(metaPath);
  const detail = `docker context "${name}"`;
  if (!raw) {
    throw new DockerEndpointError(
      `${detail} is active but ${metaPath} is missing; run \`docker context use default\` or set DOCKER_HOST`,
    );
  }
  let meta: { Endpoints?: { docker?: { Host?: unknown; SkipTLSVerify?: unknown } } };
  try {
    meta = JSON.parse(raw) as typeof meta;
  } catch {
    throw new DockerEndpointError(`${detail}: ${metaPath} is not valid JSON`);
  }
  const host = meta.Endpoints?.docker?.Host;
  if (typeof host !== 'string' || !host) {
    throw new DockerEndpointError(`${detail}: ${metaPath} has no Endpoints.docker.Host`);
  }
  const endpoint = parseDockerHost(host, 'context', detail);
  const tlsDir = join(configDir, 'contexts', 'tls', digest, 'docker');
  if (endpoint.protocol === 'tcp' && deps.exists(join(tlsDir, 'ca.pem'))) {
    endpoint.tls = { certDir: tlsDir, verify: meta.Endpoints?.docker?.SkipTLSVerify !== true };
  }
  return endpoint;
}

/** Socket paths engines are known to use, in the order we try them. */
export function knownSocketPaths(deps: SocketDeps): string[] {
  if (deps.platform === 'win32') return [WINDOWS_PIPE];
  const home = deps.homedir;
  const paths = [
    '/var/run/docker.sock',
    join(home, '.docker', 'run', 'docker.sock'), // Docker Desktop 4.13+
    join(home, '.docker', 'desktop', 'docker.sock'), // Docker Desktop on Linux
  ];
  if (deps.env.XDG_RUNTIME_DIR) paths.push(join(deps.env.XDG_RUNTIME_DIR, 'docker.sock')); // rootless
  const colimaHome = deps.env.COLIMA_HOME || join(home, '.colima');
  paths.push(
    join(colimaHome, 'default', 'docker.sock'),
    join(colimaHome, 'docker.sock'),
    join(home, '.rd', 'docker.sock'), // Rancher Desktop
    join(home, '.orbstack', 'run', 'docker.sock'),
  );
  return paths;
}

/** Resolve the engine endpoint; throws DockerEndpointError only for a broken explicit setting. */
export function resolveDockerEndpoint(partial: Partial<SocketDeps> = {}): DockerEndpoint {
  const deps: SocketDeps = { ...defaultSocketDeps(), ...partial };
  const fromEnv = deps.env.DOCKER_HOST;
  if (fromEnv) {
    const endpoint = parseDockerHost(fromEnv, 'DOCKER_HOST', 'DOCKER_HOST');
    if (endpoint.protocol === 'tcp' && deps.env.DOCKER_TLS_VERIFY && deps.env.DOCKER_TLS_VERIFY !== '0') {
      endpoint.tls = { certDir: deps.env.DOCKER_CERT_PATH || dockerConfigDir(deps), verify: true };
    } else if (endpoint.protocol === 'tcp' && deps.env.DOCKER_CERT_PATH) {
      endpoint.tls = { certDir: deps.env.DOCKER_CERT_PATH, verify: false };
    }
    return endpoint;
  }
  const context = activeContextName(deps);
  if (context) return endpointFromContext(context, deps);

  const searched = knownSocketPaths(deps);
  for (const path of searched) {
    // A named pipe cannot be stat'ed reliably; on Windows we take the one well-known pipe.
    if (deps.platform === 'win32' || deps.exists(path)) {
      const host = deps.platform === 'win32' ? `npipe://${path}` : `unix://${path}`;
      return { ...parseDockerHost(host, 'known-path', `known path ${path}`), searched };
    }
  }
  return {
    ...parseDockerHost('unix:///var/run/docker.sock', 'default', 'default (no Docker socket found)'),
    searched,
  };
}

/** One line for messages: `unix:///var/run/docker.sock (from DOCKER_HOST)`. */
export function describeEndpoint(endpoint: DockerEndpoint): string {
  return `${endpoint.host} (from ${endpoint.sourceDetail})`;
}

/**
 * Environment for the `docker` CLI (terminals run `docker exec -it` through node-pty), pinned to
 * the same engine we talk to. These are overrides to merge over the user's environment;
 * `DOCKER_HOST` wins over any `DOCKER_CONTEXT` the user has set.
 */
export function dockerCliEnv(endpoint: DockerEndpoint): Record<string, string> {
  const env: Record<string, string> = { DOCKER_HOST: endpoint.host };
  if (endpoint.tls) {
    env.DOCKER_CERT_PATH = endpoint.tls.certDir;
    if (endpoint.tls.verify) env.DOCKER_TLS_VERIFY = '1';
  }
  return env;
}

/** Options for dockerode / docker-modem built from an endpoint. */
export function dockerodeOptions(
  endpoint: DockerEndpoint,
  readFile: (path: string) => Buffer = (path) => readFileSync(path),
): Record<string, unknown> {
  if (endpoint.protocol === 'unix' || endpoint.protocol === 'npipe') return { socketPath: endpoint.socketPath };
  if (endpoint.protocol === 'ssh') {
    return { protocol: 'ssh', host: endpoint.hostname, port: endpoint.port, username: endpoint.username };
  }
  const options: Record<string, unknown> = {
    protocol: endpoint.tls ? 'https' : 'http',
    host: endpoint.hostname,
    port: endpoint.port,
  };
  if (endpoint.tls) {
    const dir = endpoint.tls.certDir;
    options.ca = readFile(join(dir, 'ca.pem'));
    options.cert = readFile(join(dir, 'cert.pem'));
    options.key = readFile(join(dir, 'key.pem'));
  }
  return options;
}

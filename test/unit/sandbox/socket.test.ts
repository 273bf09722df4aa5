import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  dockerCliEnv,
  parseDockerHost,
  resolveDockerEndpoint,
  type SocketDeps,
} from '../../../sandbox/docker/socket.js';

const HOME = '/home/ada';

function fakeDeps(files: Record<string, string>, env: Record<string, string> = {}, platform: NodeJS.Platform = 'linux'): SocketDeps {
  return {
    env,
    homedir: HOME,
    platform,
    exists: (path) => path in files,
    readFile: (path) => files[path],
  };
}

function contextMeta(name: string, host: string): Record<string, string> {
  const digest = createHash('sha256').update(name).digest('hex');
  return {
    [`${HOME}/.docker/contexts/meta/${digest}/meta.json`]: JSON.stringify({ Name: name, Endpoints: { docker: { Host: host } } }),
  };
}

describe('resolveDockerEndpoint', () => {
  it('prefers DOCKER_HOST over contexts and known paths', () => {
    const deps = fakeDeps(
      { '/var/run/docker.sock': '', [`${HOME}/.docker/config.json`]: '{"currentContext":"colima"}', ...contextMeta('colima', 'unix:///c.sock') },
      { DOCKER_HOST: 'tcp://10.0.0.5:2375' },
    );
    const endpoint = resolveDockerEndpoint(deps);
    expect(endpoint).toMatchObject({ protocol: 'tcp', hostname: '10.0.0.5', port: 2375, source: 'DOCKER_HOST' });
  });

  it('reads TLS settings with a tcp DOCKER_HOST', () => {
    const endpoint = resolveDockerEndpoint(fakeDeps({}, { DOCKER_HOST: 'tcp://h:2376', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: '/certs' }));
    expect(endpoint.tls).toEqual({ certDir: '/certs', verify: true });
    expect(dockerCliEnv(endpoint)).toEqual({ DOCKER_HOST: 'tcp://h:2376', DOCKER_CERT_PATH: '/certs', DOCKER_TLS_VERIFY: '1' });
  });

  it('uses the context named by DOCKER_CONTEXT before config.json', () => {
    const deps = fakeDeps(
      {
        [`${HOME}/.docker/config.json`]: '{"currentContext":"colima"}',
        ...contextMeta('colima', 'unix:///colima.sock'),
        ...contextMeta('desktop-linux', `unix://${HOME}/.docker/desktop/docker.sock`),
      },
      { DOCKER_CONTEXT: 'desktop-linux' },
    );
    const endpoint = resolveDockerEndpoint(deps);
    expect(endpoint).toMatchObject({ source: 'context', socketPath: `${HOME}/.docker/desktop/docker.sock` });
    expect(endpoint.sourceDetail).toBe('docker context "desktop-linux"');
  });

  it('uses currentContext from config.json (and DOCKER_CONFIG moves it)', () => {
    const deps = fakeDeps({ [`${HOME}/.docker/config.json`]: '{"currentContext":"colima"}', ...contextMeta('colima', 'unix:///colima.sock'), '/var/run/docker.sock': '' });
    expect(resolveDockerEndpoint(deps)).toMatchObject({ source: 'context', socketPath: '/colima.sock' });
    const moved = fakeDeps({ '/cfg/config.json': '{"currentContext":"default"}', '/var/run/docker.sock': '' }, { DOCKER_CONFIG: '/cfg' });
    expect(resolveDockerEndpoint(moved)).toMatchObject({ source: 'known-path', socketPath: '/var/run/docker.sock' });
  });

  it('fails clearly when the active context has no metadata', () => {
    expect(() => resolveDockerEndpoint(fakeDeps({}, { DOCKER_CONTEXT: 'gone' }))).toThrow(/context "gone".*docker context use default/);
  });

  it('falls back to known paths in order: Docker Desktop before colima', () => {
    const deps = fakeDeps({ [`${HOME}/.docker/run/docker.sock`]: '', [`${HOME}/.colima/default/docker.sock`]: '' });
    expect(resolveDockerEndpoint(deps)).toMatchObject({ source: 'known-path', host: `unix://${HOME}/.docker/run/docker.sock` });
    const rootless = fakeDeps({ '/run/user/1000/docker.sock': '' }, { XDG_RUNTIME_DIR: '/run/user/1000' });
    expect(resolveDockerEndpoint(rootless).socketPath).toBe('/run/user/1000/docker.sock');
  });

  it('reports the default and what it searched when nothing exists', () => {
    const endpoint = resolveDockerEndpoint(fakeDeps({}));
    expect(endpoint.source).toBe('default');
    expect(endpoint.searched).toContain(`${HOME}/.rd/docker.sock`);
  });

  it('uses the Windows named pipe', () => {
    const endpoint = resolveDockerEndpoint(fakeDeps({}, {}, 'win32'));
    expect(endpoint).toMatchObject({ protocol: 'npipe', socketPath: '//./pipe/docker_engine', host: 'npipe:////./pipe/docker_engine' });
  });
});

describe('parseDockerHost', () => {
  it('parses unix, npipe, tcp and ssh', () => {
    expect(parseDockerHost('unix:///x.sock', 'DOCKER_HOST', 'DOCKER_HOST').socketPath).toBe('/x.sock');
    expect(parseDockerHost('npipe:////./pipe/docker_engine', 'DOCKER_HOST', 'DOCKER_HOST').socketPath).toBe('//./pipe/docker_engine');
    expect(parseDockerHost('tcp://localhost', 'DOCKER_HOST', 'DOCKER_HOST').port).toBe(2375);
    expect(parseDockerHost('ssh://me@box', 'DOCKER_HOST', 'DOCKER_HOST')).toMatchObject({ protocol: 'ssh', username: 'me', hostname: 'box' });
  });
  it('rejects an unknown scheme naming its source', () => {
    expect(() => parseDockerHost('ftp://x', 'DOCKER_HOST', 'DOCKER_HOST')).toThrow(/DOCKER_HOST: unsupported Docker host "ftp:\/\/x"/);
  });
  it('builds the CLI env', () => {
    expect(dockerCliEnv(parseDockerHost('unix:///x.sock', 'DOCKER_HOST', 'DOCKER_HOST'))).toEqual({ DOCKER_HOST: 'unix:///x.sock' });
  });
});

/**
 * The part of the Kubernetes API the runtime uses, behind one interface (`KubeApi`) so unit tests swap in
 * a fake; `createKubeApi` is the real one, on `@kubernetes/client-node` with a kubeconfig Firedrill owns
 * (never `~/.kube/config` by default, never written to).
 */
import { PassThrough, Readable, Writable } from 'node:stream';
import type { Socket } from 'node:net';
import {
  AuthorizationV1Api,
  CoreV1Api,
  Exec,
  HttpMethod,
  KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
  PortForward,
  VersionApi,
  type KubernetesObject,
  type V1Status,
} from '@kubernetes/client-node';
import type { ExecResult, KubeObject, PatchType } from '../runtime.js';

export interface ObjectKey {
  apiVersion: string;
  kind: string;
  name: string;
  /** Absent for cluster-scoped objects (namespaces). */
  namespace?: string;
}

export interface KubeApi {
  /** Server-side apply (force: Firedrill owns what it applies). */
  apply(object: KubeObject, fieldManager: string): Promise<KubeObject>;
  patch(key: ObjectKey, body: unknown, type: PatchType, fieldManager: string): Promise<KubeObject>;
  /** Null when the object does not exist. */
  get(key: ObjectKey): Promise<KubeObject | null>;
  list(apiVersion: string, kind: string, options?: { namespace?: string; labelSelector?: string }): Promise<KubeObject[]>;
  /** False when it did not exist. */
  delete(key: ObjectKey, options?: { gracePeriodSeconds?: number; propagationPolicy?: 'Background' | 'Foreground' }): Promise<boolean>;
  exec(namespace: string, pod: string, container: string, command: string[], options: { stdin?: string | Buffer; timeoutMs: number }): Promise<ExecResult>;
  logs(namespace: string, pod: string, container: string, tailLines: number): Promise<string>;
  /** Pipes a local socket to a pod's port until either side closes. */
  portForward(namespace: string, pod: string, port: number, socket: Socket): Promise<void>;
  /** `v1.37.2`: proves the API server answers (and the credentials work). */
  serverVersion(): Promise<string>;
  /** A SelfSubjectAccessReview: may the kubeconfig's user do this? */
  canI(verb: string, resource: string, options?: { group?: string; subresource?: string; namespace?: string }): Promise<boolean>;
}

export { apiMessage, statusOf } from './errors.js';
import { apiMessage, statusOf } from './errors.js';

/** KubernetesObjectApi with raw JSON bodies (its serializer drops fields its models do not know). */
class ObjectApi extends KubernetesObjectApi {
  async send(spec: KubernetesObject, action: 'patch', body: unknown, contentType: string, query: Record<string, string>): Promise<KubeObject> {
    const path = await this.specUriPath(spec, action);
    const context = this.configuration.baseServer.makeRequestContext(path, HttpMethod.PATCH);
    context.setHeaderParam('Accept', 'application/json');
    context.setHeaderParam('Content-Type', contentType);
    for (const [key, value] of Object.entries(query)) context.setQueryParam(key, value);
    context.setBody(JSON.stringify(body));
    return (await this.requestPromise(context)) as unknown as KubeObject;
  }
}

const PATCH_TYPES: Record<PatchType, string> = {
  strategic: PatchStrategy.StrategicMergePatch,
  merge: PatchStrategy.MergePatch,
  json: PatchStrategy.JsonPatch,
};

function header(key: ObjectKey): KubernetesObject {
  return { apiVersion: key.apiVersion, kind: key.kind, metadata: { name: key.name, ...(key.namespace ? { namespace: key.namespace } : {}) } };
}

/** Plain JSON (client-node hands back model instances with Dates). */
function plain(object: unknown): KubeObject {
  return JSON.parse(JSON.stringify(object)) as KubeObject;
}

/** A kubeconfig file (and optionally one of its contexts) as a KubeConfig. */
export function loadKubeConfig(file: string, context?: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(file);
  if (context) {
    if (!kc.getContexts().some((c) => c.name === context)) {
      throw new Error(`kubeconfig ${file} has no context "${context}" (contexts: ${kc.getContexts().map((c) => c.name).join(', ') || 'none'})`);
    }
    kc.setCurrentContext(context);
  }
  if (!kc.getCurrentCluster()) throw new Error(`kubeconfig ${file} has no current context with a cluster`);
  return kc;
}

export function createKubeApi(kc: KubeConfig): KubeApi {
  const objects = kc.makeApiClient(ObjectApi);
  const core = kc.makeApiClient(CoreV1Api);
  const auth = kc.makeApiClient(AuthorizationV1Api);
  const version = kc.makeApiClient(VersionApi);
  const exec = new Exec(kc);
  const forward = new PortForward(kc);

  return {
    async apply(object, fieldManager) {
      return plain(await objects.send(object as KubernetesObject, 'patch', object, PatchStrategy.ServerSideApply, { fieldManager, force: 'true' }));
    },
    async patch(key, body, type, fieldManager) {
      return plain(await objects.send(header(key), 'patch', body, PATCH_TYPES[type], { fieldManager }));
    },
    async get(key) {
      try {
        return plain(await objects.read(header(key) as never));
      } catch (error) {
        if (statusOf(error) === 404) return null;
        throw error;
      }
    },
    async list(apiVersion, kind, options = {}) {
      const list = await objects.list(apiVersion, kind, options.namespace, undefined, undefined, undefined, undefined, options.labelSelector);
      return list.items.map((item) => Object.assign({ apiVersion, kind }, plain(item)));
    },
    async delete(key, options = {}) {
      try {
        await objects.delete(header(key), undefined, undefined, options.gracePeriodSeconds, undefined, options.propagationPolicy ?? 'Background');
        return true;
      } catch (error) {
        if (statusOf(error) === 404) return false;
        throw error;
      }
    },
    exec(namespace, pod, container, command, options) {
      return execInPod(exec, namespace, pod, container, command, options);
    },
    async logs(namespace, pod, container, tailLines) {
      return core.readNamespacedPodLog({ name: pod, namespace, container, tailLines });
    },
    async portForward(namespace, pod, port, socket) {
      const errors = new PassThrough();
      errors.on('data', (chunk: Buffer) => socket.destroy(new Error(chunk.toString().trim())));
      const ws = await forward.portForward(namespace, pod, [port], socket, errors, socket);
      const socketOf = typeof ws === 'function' ? ws() : ws;
      socket.on('close', () => socketOf?.close());
    },
    async serverVersion() {
      return (await version.getCode()).gitVersion;
    },
    async canI(verb, resource, options = {}) {
      const review = await auth.createSelfSubjectAccessReview({
        body: {
          apiVersion: 'authorization.k8s.io/v1',
          kind: 'SelfSubjectAccessReview',
          spec: {
            resourceAttributes: {
              verb,
              resource,
              ...(options.group !== undefined ? { group: options.group } : {}),
              ...(options.subresource ? { subresource: options.subresource } : {}),
              ...(options.namespace ? { namespace: options.namespace } : {}),
            },
          },
        },
      });
      return review.status?.allowed === true;
    },
  };
}

/**
 * Runs a command in a pod's container over the exec websocket; the exit code comes from the final Status
 * (`NonZeroExitCode` carries it in details.causes). A command that outlives `timeoutMs` is cut off with 124,
 * as coreutils' `timeout` reports it.
 */
async function execInPod(
  exec: Exec,
  namespace: string,
  pod: string,
  container: string,
  command: string[],
  options: { stdin?: string | Buffer; timeoutMs: number },
): Promise<ExecResult> {
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  const sink = (chunks: Buffer[]) =>
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        chunks.push(Buffer.from(chunk));
        done();
      },
    });
  const stdin = options.stdin !== undefined ? Readable.from([Buffer.from(options.stdin)]) : null;
  return new Promise<ExecResult>((resolve, reject) => {
    let settled = false;
    const finish = (exitCode: number, extra = ''): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ exitCode, stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8') + extra });
    };
    let socket: { close(): void } | undefined;
    const timer = setTimeout(() => {
      socket?.close();
      finish(124, `\ntimed out after ${options.timeoutMs} ms`);
    }, options.timeoutMs);
    exec
      .exec(namespace, pod, container, command, sink(stdout), sink(stderr), stdin, false, (status: V1Status) => finish(exitCodeOf(status), status.status === 'Success' ? '' : exitCodeOf(status) === 1 && !status.details ? `\n${status.message ?? ''}` : ''))
      .then((ws) => {
        socket = ws;
        ws.on('close', () => setTimeout(() => finish(settled ? 0 : 1, '\nthe exec stream closed without a status'), 50));
      })
      .catch((error: unknown) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        reject(new Error(`exec in pod ${pod}: ${apiMessage(error)}`));
      });
  });
}

export function exitCodeOf(status: V1Status): number {
  if (status.status === 'Success') return 0;
  const cause = status.details?.causes?.find((c) => c.reason === 'ExitCode');
  const code = Number(cause?.message);
  return Number.isInteger(code) ? code : 1;
}

/** One context of a kubeconfig, with its cluster and user, as a kubeconfig of its own. */
export function flattened(kc: KubeConfig): string {
  const copy = new KubeConfig();
  const context = kc.getContextObject(kc.getCurrentContext())!;
  const cluster = kc.getCluster(context.cluster)!;
  const user = kc.getUser(context.user);
  copy.loadFromOptions({
    clusters: [cluster],
    users: user ? [user] : [],
    contexts: [context],
    currentContext: context.name,
  });
  return copy.exportConfig();
}

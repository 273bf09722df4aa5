import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Sandbox } from '../../../sandbox/runtime.js';
import { argv } from '../checks/types.js';
import { toMs } from '../scenario/duration.js';
import type { Action } from '../scenario/schema.js';
import { clusterOf, objectRef } from '../checks/kubernetes-check.js';
import { formatDiagnostics } from '../scenario/diagnostics.js';
import { readManifests, resolveManifestImages } from '../scenario/manifests.js';

export interface ActionContext {
  sandbox: Sandbox;
  /** The pack folder: scripts are read from it. */
  packDir: string;
  /** Maps a pack image name to its built tag; other names are used as they are. */
  imageTag: (name: string) => string;
  /** The pack's image names (manifests may name them). */
  images?: string[];
}

/** The verb of an action, for logs: `exec`, `replace`, ... */
export function actionName(action: Action): string {
  return Object.keys(action)[0]!;
}

export function describeAction(action: Action): string {
  const [name, spec] = Object.entries(action)[0] as [string, { service?: string; object?: string; manifest?: string }];
  return `${name} ${spec.service ?? spec.object ?? spec.manifest ?? ''}`.trim();
}

const LIFECYCLE = [
  ['stop', 'stopped'],
  ['start', 'started'],
  ['kill', 'killed'],
  ['pause', 'paused'],
  ['unpause', 'unpaused'],
  ['restart', 'restarted'],
] as const;

/** Applies one fault action to the sandbox. Throws with the command's output when it fails. */
export async function applyAction(action: Action, context: ActionContext): Promise<string> {
  const { sandbox } = context;
  if ('exec' in action) {
    const spec = action.exec;
    const result = await sandbox.exec(spec.service, argv(spec.command), {
      ...(spec.user ? { user: spec.user } : {}),
      timeoutMs: toMs(spec.timeout),
    });
    if (result.exitCode !== 0) {
      throw new Error(`exec in ${spec.service} exited ${result.exitCode}: ${(result.stderr || result.stdout).trim().slice(-500)}`);
    }
    return result.stdout.trim().slice(-200);
  }
  // Container lifecycle verbs take only the service and say what they did in one word.
  for (const [verb, done] of LIFECYCLE) {
    if (verb in action) {
      const spec = (action as Record<string, { service: string; signal?: string }>)[verb]!;
      if (verb === 'kill') await sandbox.kill(spec.service, spec.signal);
      else await sandbox[verb](spec.service);
      return done;
    }
  }
  if ('disconnect' in action) {
    await sandbox.disconnect(action.disconnect.service, action.disconnect.network);
    return `disconnected from ${action.disconnect.network}`;
  }
  if ('connect' in action) {
    await sandbox.connect(action.connect.service, action.connect.network);
    return `connected to ${action.connect.network}`;
  }
  if ('writeFile' in action) {
    const spec = action.writeFile;
    let content = spec.content;
    if (spec.append) {
      const existing = await sandbox.exec(spec.service, ['cat', spec.path]);
      content = (existing.exitCode === 0 ? existing.stdout : '') + content;
    }
    await sandbox.writeFile(spec.service, spec.path, content, parseInt(spec.mode, 8));
    return `wrote ${spec.path}`;
  }
  if ('script' in action) {
    const spec = action.script;
    const target = `/tmp/firedrill-${basename(spec.path)}`;
    await sandbox.writeFile(spec.service, target, await readFile(join(context.packDir, spec.path)), 0o755);
    const result = await sandbox.exec(spec.service, [target, ...spec.args], { timeoutMs: toMs(spec.timeout) });
    if (result.exitCode !== 0) {
      throw new Error(`${spec.path} in ${spec.service} exited ${result.exitCode}: ${(result.stderr || result.stdout).trim().slice(-500)}`);
    }
    return result.stdout.trim().slice(-200);
  }
  if ('patch' in action) {
    const spec = action.patch;
    await clusterOf(sandbox).patch(objectRef(spec.object), spec.patch, spec.type, { fieldManager: spec.fieldManager });
    return `patched ${spec.object} (${spec.type}, field manager ${spec.fieldManager})`;
  }
  if ('scale' in action) {
    await clusterOf(sandbox).scale(objectRef(action.scale.object), action.scale.replicas);
    return `scaled ${action.scale.object} to ${action.scale.replicas}`;
  }
  if ('deletePods' in action) {
    const deleted = await clusterOf(sandbox).deletePods(objectRef(action.deletePods.object));
    return `deleted ${deleted} pod(s) of ${action.deletePods.object}`;
  }
  if ('delete' in action) {
    await clusterOf(sandbox).delete(objectRef(action.delete.object));
    return `deleted ${action.delete.object}`;
  }
  if ('apply' in action) {
    const read = readManifests(context.packDir, [action.apply.manifest], context.images ?? []);
    const errors = read.diagnostics.filter((d) => d.severity === 'error');
    if (errors.length > 0) throw new Error(formatDiagnostics(errors));
    const objects = resolveManifestImages(read.objects.map((o) => o.object), context.imageTag);
    await clusterOf(sandbox).apply(objects, { fieldManager: 'firedrill-fault' });
    return `applied ${objects.map((o) => `${o.kind.toLowerCase()}/${o.metadata.name}`).join(', ')}`;
  }
  if (!('replace' in action)) throw new Error(`unknown fault action ${actionName(action)}`);
  const spec = action.replace;
  await sandbox.replace(spec.service, {
    ...(spec.image ? { image: context.imageTag(spec.image) } : {}),
    ...(spec.env ? { env: spec.env } : {}),
  });
  return `replaced ${spec.service}${spec.image ? ` with ${spec.image}` : ''}`;
}

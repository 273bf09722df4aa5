/**
 * A Kubernetes pack's manifests (`environment.kubernetes.manifests`, `apply:` fault actions), read once here:
 * validation reports problems at the manifest's own file, line and field; the engine hands the parsed objects
 * (pack image names resolved to built tags) to the runtime, which only applies them.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { isMap, LineCounter, parseAllDocuments, type Document } from 'yaml';
import type { KubeObject } from '../../../sandbox/runtime.js';
import { CLUSTER_SCOPED_KINDS, kindInfo, OBJECT_NAME, podContainers } from '../../../sandbox/kubernetes/kinds.js';
import { type Diagnostic, formatPath, type PathSegment } from './diagnostics.js';

export { podContainers } from '../../../sandbox/kubernetes/kinds.js';
import { PositionIndex } from './positions.js';

export interface ManifestObject {
  object: KubeObject;
  /** The file (absolute) and the document's index in it. */
  file: string;
  document: number;
}

export interface ManifestRead {
  objects: ManifestObject[];
  diagnostics: Diagnostic[];
}

const YAML_FILE = /\.ya?ml$/i;

/** The files a manifest entry names: the file, or a folder's .yaml/.yml files (recursively, sorted). */
export function manifestFiles(packDir: string, entry: string): string[] {
  const full = resolve(packDir, entry);
  if (!existsSync(full)) return [];
  if (!statSync(full).isDirectory()) return [full];
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (YAML_FILE.test(name) && name !== 'kustomization.yaml' && name !== 'kustomization.yml') out.push(path);
    }
  };
  walk(full);
  return out;
}

/**
 * Reads manifest files. Every document must be a namespaced object with apiVersion, kind and metadata.name,
 * and no metadata.namespace (Firedrill puts it in the run's namespace). Problems are diagnostics at the
 * manifest's line and column; objects with problems are left out.
 */
export function readManifests(packDir: string, entries: readonly string[], images: readonly string[] = [], mode: 'namespaced' | 'crds' = 'namespaced'): ManifestRead {
  const objects: ManifestObject[] = [];
  const diagnostics: Diagnostic[] = [];
  const seen = new Map<string, string>();
  for (const entry of entries) {
    for (const file of manifestFiles(packDir, entry)) {
      const text = readFileSync(file, 'utf8');
      const lineCounter = new LineCounter();
      const docs = parseAllDocuments(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
      const list: Document[] = Array.isArray(docs) ? docs : [];
      list.forEach((doc, index) => {
        const positions = new PositionIndex(doc as never, lineCounter);
        const report = (path: PathSegment[], message: string, severity: Diagnostic['severity'] = 'error'): void => {
          diagnostics.push({ file, ...positions.locate(path, 'value'), path: formatPath(path), message, severity });
        };
        if (doc.errors.length > 0) {
          const err = doc.errors[0]!;
          diagnostics.push({ file, ...positions.position(err.pos[0]), path: '', message: `YAML syntax error: ${err.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`, severity: 'error' });
          return;
        }
        if (doc.contents === null) return; // an empty document (a trailing ---)
        if (!isMap(doc.contents)) {
          report([], `document ${index + 1} is not a Kubernetes object (a mapping with apiVersion, kind and metadata)`);
          return;
        }
        const object = doc.toJS({ maxAliasCount: 100 }) as Record<string, unknown>;
        const problems = mode === 'crds' ? crdProblems(object) : objectProblems(object, images);
        for (const problem of problems) report(problem.path, problem.message, problem.severity);
        // Listed while it has a kind and a name, so references to it do not cascade into more errors.
        const kube = object as unknown as KubeObject;
        if (typeof kube.kind !== 'string' || typeof kube.metadata?.name !== 'string') return;
        const key = `${kube.kind}/${kube.metadata.name}`;
        const first = seen.get(key);
        if (first) {
          report(['metadata', 'name'], `${kube.kind} "${kube.metadata.name}" is already defined in ${first}`);
          return;
        }
        seen.set(key, `${relative(packDir, file).split(sep).join('/')} (document ${index + 1})`);
        objects.push({ object: kube, file, document: index });
      });
    }
  }
  return { objects, diagnostics };
}

interface Problem {
  path: PathSegment[];
  message: string;
  severity: Diagnostic['severity'];
}

/**
 * A document of `environment.kubernetes.crds`: a CustomResourceDefinition (apiextensions.k8s.io/v1), nothing
 * else: the one cluster-wide thing a pack may ask for, so the operator it runs in its namespace has its types.
 */
function crdProblems(object: Record<string, unknown>): Problem[] {
  const problems: Problem[] = [];
  const error = (path: PathSegment[], message: string): void => void problems.push({ path, message, severity: 'error' });
  if (object.kind !== 'CustomResourceDefinition') {
    error(['kind'], `${typeof object.kind === 'string' ? object.kind : 'a document without a kind'} is not a CustomResourceDefinition: environment.kubernetes.crds holds only CRDs (namespaced objects go in manifests)`);
    return problems;
  }
  if (object.apiVersion !== 'apiextensions.k8s.io/v1') error(['apiVersion'], 'a CustomResourceDefinition is served as apiextensions.k8s.io/v1');
  const metadata = object.metadata as Record<string, unknown> | undefined;
  const spec = object.spec as { group?: unknown; names?: { plural?: unknown } } | undefined;
  const expected = typeof spec?.group === 'string' && typeof spec.names?.plural === 'string' ? `${spec.names.plural}.${spec.group}` : undefined;
  if (!expected) error(['spec'], 'a CustomResourceDefinition needs spec.group and spec.names.plural');
  if (typeof metadata?.name !== 'string') error(['metadata', 'name'], 'missing metadata.name (<plural>.<group>)');
  else if (expected && metadata.name !== expected) error(['metadata', 'name'], `a CustomResourceDefinition's name must be ${expected} (<plural>.<group>)`);
  return problems;
}

/** A plausible image reference with an explicit tag or digest: nothing can be pulled, so `:latest` by omission is a mistake. */
const TAGGED_IMAGE = /^[^\s:@]+(?::[\w][\w.-]{0,127}|@sha256:[a-f0-9]{64})$|^[^\s@]+:\d+\/[^\s:@]+(?::[\w][\w.-]{0,127}|@sha256:[a-f0-9]{64})$/;

function objectProblems(object: Record<string, unknown>, images: readonly string[]): Problem[] {
  const problems: Problem[] = [];
  const error = (path: PathSegment[], message: string): void => void problems.push({ path, message, severity: 'error' });
  if (typeof object.apiVersion !== 'string' || object.apiVersion === '') error(['apiVersion'], 'missing apiVersion (e.g. apps/v1)');
  if (typeof object.kind !== 'string' || object.kind === '') {
    error(['kind'], 'missing kind (e.g. Deployment)');
    return problems;
  }
  if (CLUSTER_SCOPED_KINDS.includes(object.kind)) {
    error(['kind'], `${object.kind} is cluster-scoped: a run owns one namespace and creates nothing outside it`);
  }
  const known = kindInfo(object.kind);
  if (known && typeof object.apiVersion === 'string' && known.apiVersion !== object.apiVersion) {
    error(['apiVersion'], `${object.kind} is served as ${known.apiVersion}, not ${object.apiVersion}`);
  }
  const metadata = object.metadata as Record<string, unknown> | undefined;
  if (typeof metadata !== 'object' || metadata === null) {
    error(['metadata'], 'missing metadata (with a name)');
    return problems;
  }
  if (typeof metadata.name !== 'string' || !OBJECT_NAME.test(metadata.name)) {
    error(['metadata', 'name'], 'metadata.name must be a Kubernetes name (lowercase letters, digits, "-" and ".")');
  }
  if (metadata.generateName !== undefined) error(['metadata', 'generateName'], 'generateName cannot be applied server-side: give a metadata.name');
  if (metadata.namespace !== undefined) error(['metadata', 'namespace'], "remove metadata.namespace: every object goes into the run's own namespace");
  for (const { path, container } of podContainers(object)) {
    const image = container.image;
    if (typeof image !== 'string' || image === '') {
      error([...path, 'image'], 'a container needs an image');
      continue;
    }
    if (images.includes(image)) continue;
    if (!TAGGED_IMAGE.test(image) || /:latest$/.test(image)) {
      error([...path, 'image'], `image "${image}" is neither an image of this pack (${images.join(', ') || 'environment.images'}) nor a tag with a version: nothing can be pulled, so name a local tag such as debian:bookworm`);
    }
  }
  return problems;
}

/**
 * The objects to apply: pack image names resolved to their built tags (with `imagePullPolicy: IfNotPresent`
 * unless the manifest says otherwise: nothing is pulled). Copies; the inputs are left alone.
 */
export function resolveManifestImages(objects: readonly KubeObject[], tagOf: (name: string) => string): KubeObject[] {
  return objects.map((original) => {
    const object = structuredClone(original);
    for (const { container } of podContainers(object as unknown as Record<string, unknown>)) {
      if (typeof container.image !== 'string') continue;
      const tag = tagOf(container.image);
      if (tag !== container.image) container.image = tag;
      container.imagePullPolicy ??= 'IfNotPresent';
    }
    return object;
  });
}

/** The workloads (objects that own pods) of the manifests, by name: `service:` may name them. */
export function manifestWorkloads(objects: readonly ManifestObject[]): { kind: string; name: string }[] {
  return objects.filter(({ object }) => kindInfo(object.kind)?.workload).map(({ object }) => ({ kind: object.kind, name: object.metadata.name }));
}

/**
 * The scenario pack format (`scenarios/<name>/scenario.yaml`), defined once with zod. The validator,
 * the engine, scoring and the generated JSON Schema (`scenarios/scenario.schema.json`) all come from here,
 * so the authoring guide (`scenarios/README.md`) must follow every change.
 *
 * Objects are strict: an unknown field is an error, because a typo in a check silently passing is worse.
 */
import { z } from 'zod';
import { RESOURCE_LIMITS, RUNTIME_KINDS, STORAGE_LIMITS, type RuntimeKind } from '../../../sandbox/runtime.js';
import { parseObjectRef } from '../../../sandbox/kubernetes/kinds.js';
import { DURATION_PATTERN, toMs } from './duration.js';

const id = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]*$/, 'use lowercase letters, digits and dashes (e.g. "p95-ok")')
  .describe('An identifier: lowercase letters, digits and dashes.');

export const duration = z
  .union([
    z.number().nonnegative(),
    z.string().regex(DURATION_PATTERN, 'use a duration such as 500ms, 30s, 2m or 1h'),
  ])
  .describe('A duration: 500ms, 30s, 2m, 1h, or a number of seconds.');

const command = z
  .union([z.string().min(1), z.array(z.string()).min(1)])
  .describe('A shell string (run with `sh -c`) or an argv array.');

const stringMap = z.record(z.string(), z.string());

const port = z.number().int().min(1).max(65535).describe('A TCP port inside the container (1-65535).');

/** Regex sources are checked when the validator compiles them, so authors get the position of a bad one. */
const pattern = z.string().min(1).describe('A JavaScript regular expression, matched case-insensitively.');

// ---------------------------------------------------------------- metadata

export const metadataSchema = z.strictObject({
  name: id.describe('The scenario id; must equal the folder name.'),
  title: z.string().min(1),
  summary: z.string().min(1).describe('One or two sentences for the catalog.'),
  difficulty: z.enum(['beginner', 'intermediate', 'advanced']),
  tags: z.array(z.string()).default([]),
  estimatedMinutes: z.number().positive().describe('How long a learner usually needs.'),
  parMinutes: z.number().positive().describe('Time to mitigate that earns full time points.'),
  authors: z.array(z.string()).default([]),
});

// ---------------------------------------------------------------- environment

export const imageSchema = z.strictObject({
  name: id,
  context: z.string().optional().describe('Build context inside the pack; default images/<name>.'),
  dockerfile: z.string().default('Dockerfile'),
  args: stringMap.default({}),
});

export const networkSchema = z.strictObject({
  name: id,
  subnet: z
    .string()
    .regex(/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/, 'use CIDR notation such as 10.231.7.0/24')
    .optional(),
  egress: z.boolean().default(false).describe('false (default): no route out of the sandbox.'),
  routed: z
    .boolean()
    .default(false)
    .describe(
      'true: carries traffic a router service of the pack forwards between subnets (Docker drops it on the default internal networks). Needs a subnet; still no way out: the host holds no address on it, and every container\'s default gateway is the first address, which only a router of the pack can claim.',
    ),
});

/** Capabilities a pack may ask for; anything else (SYS_ADMIN, ...) needs a trusted pack, which we have not built. */
export const ALLOWED_CAPABILITIES = ['NET_ADMIN', 'NET_RAW', 'SYS_PTRACE', 'KILL', 'CHOWN', 'SETUID', 'SETGID'] as const;
export const ALLOWED_SYSCTL_PREFIXES = ['net.ipv4.', 'net.ipv6.', 'net.core.somaxconn'] as const;

export const healthcheckSchema = z.strictObject({
  test: command,
  interval: duration.default('2s'),
  timeout: duration.default('5s'),
  retries: z.number().int().positive().default(30),
  startPeriod: duration.default('0s'),
});

export const serviceNetworkSchema = z.strictObject({
  ipv4: z
    .string()
    .regex(/^\d{1,3}(\.\d{1,3}){3}$/)
    .optional(),
  aliases: z.array(z.string()).default([]),
});

export const serviceFileSchema = z.strictObject({
  source: z.string().min(1).describe('A file inside the pack.'),
  target: z.string().startsWith('/', 'must be an absolute path in the container'),
  mode: z
    .string()
    .regex(/^0?[0-7]{3}$/)
    .default('0444')
    .describe('Octal mode; files are read-only by default.'),
});

/** A pack's memory size (`256m`, `1g`, plain bytes) in bytes; undefined when it is not one. */
export function memoryBytes(text: string | undefined): number | undefined {
  if (!text) return undefined;
  const match = /^(\d+)([kmg])?$/i.exec(text);
  if (!match) return undefined;
  const unit = { k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[(match[2] ?? '').toLowerCase()] ?? 1;
  return Number(match[1]) * unit;
}

function sizeText(bytes: number): string {
  return bytes % 1024 ** 3 === 0 ? `${bytes / 1024 ** 3}g` : `${bytes / 1024 ** 2}m`;
}

const storageSize = z
  .string()
  .regex(/^\d+(k|m|g)?$/i, 'use a size such as 16m or 1g')
  .refine(
    (text) => {
      const bytes = memoryBytes(text);
      // Not a size at all: the regex above says so, once.
      return bytes === undefined || (bytes >= STORAGE_LIMITS.minBytes && bytes <= STORAGE_LIMITS.maxBytes);
    },
    { message: `use between ${sizeText(STORAGE_LIMITS.minBytes)} and ${sizeText(STORAGE_LIMITS.maxBytes)}` },
  );
const octalMode = z.string().regex(/^0?[0-7]{3,4}$/, 'use an octal mode such as "1777" or "0750"');
const numericId = z.number().int().min(0).max(65534);

export const tmpfsSchema = z
  .strictObject({
    target: z.string().startsWith('/', 'must be an absolute path in the container').describe('Where it is mounted (absolute).'),
    size: storageSize.describe('The cap: writing past it fails with ENOSPC ("No space left on device"). 16m, 1g.'),
    mode: octalMode.default('1777').describe('Octal mode of the mount\'s root (default 1777, like /tmp).'),
    uid: numericId.optional().describe('Numeric owner of the mount\'s root (default root).'),
    gid: numericId.optional().describe('Numeric group of the mount\'s root (default root).'),
  })
  .describe(
    'A filesystem of this service alone, in memory, capped at `size` (Docker: a tmpfs mount; Kubernetes: an emptyDir with medium Memory and sizeLimit). Its pages count against the service\'s memory; emptied when the container stops or is replaced. Mounted rw, noexec, nosuid, nodev.',
  );

export const volumeMountSchema = z.strictObject({
  volume: id.describe('A volume of environment.volumes.'),
  target: z.string().startsWith('/', 'must be an absolute path in the container').describe('Where it is mounted (absolute).'),
  readOnly: z.boolean().default(false),
});

export const volumeSchema = z
  .strictObject({
    name: id,
    size: storageSize
      .optional()
      .describe(
        'With a size: memory-backed and capped (Docker: a tmpfs-backed local volume; Kubernetes: an emptyDir with sizeLimit when the services share a pod, else a PersistentVolumeClaim whose storage class decides whether the size is enforced). Without: on the engine\'s disk, uncapped.',
      ),
    mode: octalMode.optional().describe('Octal mode of the volume\'s root; sized volumes only (default 1777).'),
    uid: numericId.optional().describe('Numeric owner of the volume\'s root; sized volumes only.'),
    gid: numericId.optional().describe('Numeric group of the volume\'s root; sized volumes only.'),
  })
  .describe('A named volume several services mount (services.<name>.volumes). It outlives restarts and deploys of those services and is removed with the run.');

export const serviceSchema = z.strictObject({
  image: z
    .string()
    .min(1)
    .describe('An image of this pack (environment.images[].name) or a local tag such as debian:bookworm.'),
  command: command.optional(),
  entrypoint: command.optional(),
  env: stringMap.default({}),
  user: z.string().optional(),
  workdir: z.string().optional(),
  networks: z
    .union([z.array(id), z.record(id, serviceNetworkSchema)])
    .default([])
    .describe('Networks to join: a list of names, or a map of name to {ipv4, aliases}.'),
  capabilities: z.array(z.string()).default([]),
  sysctls: stringMap.default({}),
  healthcheck: healthcheckSchema.optional(),
  memory: z
    .string()
    .regex(/^\d+(k|m|g)?$/i, 'use a size such as 256m or 1g')
    .refine(
      (text) => {
        const bytes = memoryBytes(text) ?? 0;
        return bytes >= RESOURCE_LIMITS.min.memoryBytes && bytes <= RESOURCE_LIMITS.max.memoryBytes;
      },
      { message: `use between ${sizeText(RESOURCE_LIMITS.min.memoryBytes)} and ${sizeText(RESOURCE_LIMITS.max.memoryBytes)}` },
    )
    .optional()
    .describe(`Memory limit (swap included): 256m, 1g. Default ${sizeText(RESOURCE_LIMITS.defaults.memoryBytes)}.`),
  cpus: z
    .number()
    .min(RESOURCE_LIMITS.min.cpus)
    .max(RESOURCE_LIMITS.max.cpus)
    .optional()
    .describe(`CPU limit in cores (0.5 = half a core). Default ${RESOURCE_LIMITS.defaults.cpus}.`),
  pids: z
    .number()
    .int()
    .min(RESOURCE_LIMITS.min.pids)
    .max(RESOURCE_LIMITS.max.pids)
    .optional()
    .describe(`Most processes and threads at once (a fork bomb stops there). Default ${RESOURCE_LIMITS.defaults.pids}.`),
  files: z.array(serviceFileSchema).default([]),
  tmpfs: z.array(tmpfsSchema).default([]).describe('Size-capped memory filesystems of this service alone.'),
  volumes: z.array(volumeMountSchema).default([]).describe('Volumes of environment.volumes this service mounts.'),
  publish: z
    .array(z.number().int().min(1).max(65535))
    .default([])
    .describe('Container ports the host side (checks, the UI) reaches, published on 127.0.0.1 at random ports.'),
  dependsOn: z.array(id).default([]),
});

/** An object of the run's namespace as kubectl names it: `deployment/web`. Kinds: sandbox/kubernetes/kinds.ts. */
export const objectRefSchema = z
  .string()
  .superRefine((text, ctx) => {
    const ref = parseObjectRef(text);
    if (typeof ref === 'string') ctx.addIssue({ code: 'custom', message: ref });
  })
  .describe("An object of the run's namespace as kubectl names it: deployment/web, configmap/app-config, service/web.");

export const kubernetesEnvironmentSchema = z.strictObject({
  manifests: z
    .array(z.string().min(1))
    .min(1)
    .describe('YAML files or folders inside the pack (a folder: its .yaml/.yml files, sorted), applied in order with server-side apply into the run\'s namespace. Namespaced objects only; no metadata.namespace.'),
  rolloutTimeout: duration
    .default('120s')
    .describe('How long the Deployments, StatefulSets and DaemonSets of the manifests may take to roll out at start.'),
  crds: z
    .array(z.string().min(1))
    .default([])
    .describe(
      'Cluster-wide: YAML files or folders inside the pack holding only CustomResourceDefinitions the manifests need (an operator the scenario runs in its namespace). Created when missing, left alone when present (never replaced, never deleted: other runs and the cluster\'s own operators share them).',
    ),
});

export const environmentSchema = z.strictObject({
  images: z.array(imageSchema).default([]),
  networks: z
    .array(networkSchema)
    .default([])
    .describe('Docker networks (the docker runtime needs at least one). On Kubernetes every service shares the run\'s namespace.'),
  volumes: z.array(volumeSchema).default([]).describe('Named volumes that services share.'),
  services: z.record(id, serviceSchema),
  bastion: id.describe("The service the learner's terminal opens in."),
  kubernetes: kubernetesEnvironmentSchema
    .optional()
    .describe('Kubernetes only: the manifests of the scenario (needs kubernetes in runtimes). Their workloads can be named wherever a service can.'),
});

// ---------------------------------------------------------------- observability

export const observabilitySchema = z.strictObject({
  id,
  kind: z
    .enum(['alertmanager', 'prometheus', 'http', 'pager'])
    .describe(
      'alertmanager: the alerts panel; prometheus: a query box and graphs; http: a JSON or text page; pager: a webhook receiver that counts pages (GET path answers {"pages": n, "recent": [...]}).',
    ),
  title: z.string().optional(),
  service: id,
  port,
  path: z.string().startsWith('/').default('/'),
  graphs: z
    .array(z.strictObject({ title: z.string().min(1), query: z.string().min(1) }))
    .default([])
    .describe('prometheus only: the scenario\'s key series, drawn as small graphs next to the query box.'),
});

// ---------------------------------------------------------------- fault actions

const serviceRef = { service: id };

export const actionSchema = z.union([
  z.strictObject({
    exec: z
      .strictObject({
        ...serviceRef,
        command,
        user: z.string().optional().describe("Who runs it; default the container's user (the service's user, else the image's USER)."),
        timeout: duration.default('60s'),
      })
      .describe("Runs a command in the service (a string under sh -c, a list as an argv) in the container's working directory and environment; must exit 0 before the timeout."),
  }),
  z.strictObject({ stop: z.strictObject({ ...serviceRef }) }),
  z.strictObject({ start: z.strictObject({ ...serviceRef }) }),
  z.strictObject({ kill: z.strictObject({ ...serviceRef, signal: z.string().default('SIGKILL') }) }),
  z.strictObject({ pause: z.strictObject({ ...serviceRef }) }),
  z.strictObject({ unpause: z.strictObject({ ...serviceRef }) }),
  z.strictObject({ restart: z.strictObject({ ...serviceRef }) }),
  z.strictObject({ disconnect: z.strictObject({ ...serviceRef, network: id }) }),
  z.strictObject({ connect: z.strictObject({ ...serviceRef, network: id }) }),
  z.strictObject({
    writeFile: z.strictObject({
      ...serviceRef,
      path: z.string().startsWith('/'),
      content: z.string(),
      append: z.boolean().default(false),
      mode: z
        .string()
        .regex(/^0?[0-7]{3}$/)
        .default('0644'),
    }),
  }),
  z.strictObject({
    script: z.strictObject({
      ...serviceRef,
      path: z
        .string()
        .min(1)
        .describe("A script inside the pack, copied to /tmp/firedrill-<name> (mode 0755) and executed as the container's user in its working directory: its shebang picks the interpreter."),
      args: z.array(z.string()).default([]),
      timeout: duration.default('120s'),
    }),
  }),
  z.strictObject({
    replace: z.strictObject({
      ...serviceRef,
      image: z.string().optional(),
      env: stringMap.optional(),
    }),
  }),
  // Kubernetes objects of the run's namespace.
  z.strictObject({
    patch: z.strictObject({
      object: objectRefSchema,
      type: z.enum(['strategic', 'merge', 'json']).default('strategic').describe('strategic (kubectl patch default), merge (RFC 7386) or json (RFC 6902, a list of operations).'),
      patch: z
        .union([z.record(z.string(), z.unknown()), z.array(z.record(z.string(), z.unknown())).min(1)])
        .describe('The patch: an object (strategic, merge) or a list of operations (json).'),
      fieldManager: id.default('firedrill-fault').describe('The field manager the change is recorded under (managedFields).'),
    }),
  }),
  z.strictObject({
    scale: z.strictObject({ object: objectRefSchema, replicas: z.number().int().min(0).max(50) }),
  }),
  z.strictObject({
    deletePods: z.strictObject({ object: objectRefSchema.describe('A workload: its pods are deleted, its controller makes new ones.') }),
  }),
  z.strictObject({
    apply: z.strictObject({ manifest: z.string().min(1).describe('A YAML file inside the pack, applied into the run\'s namespace.') }),
  }),
  z.strictObject({ delete: z.strictObject({ object: objectRefSchema }) }),
]);

export const faultStepSchema = z.strictObject({
  id,
  description: z.string().optional().describe('For trainers and the report; never shown to the learner while live.'),
  at: duration.optional().describe('When, from the start of injection.'),
  after: id.optional().describe('Run after this step has been applied (plus `delay`).'),
  delay: duration.default('0s'),
  action: actionSchema,
  revert: actionSchema.optional(),
});

/** Operations the learner may trigger from the bastion (`lab op <id>`): a deploy tool without a Docker socket. */
export const operationSchema = z.strictObject({
  id,
  description: z.string().min(1),
  actions: z.array(actionSchema).min(1),
});

// ---------------------------------------------------------------- checks

const comparison = z.enum(['lt', 'le', 'gt', 'ge', 'eq', 'ne']);

const checkBase = {
  id,
  title: z.string().min(1),
  description: z.string().optional(),
  timeout: duration.default('10s'),
};

export const execCheckSchema = z.strictObject({
  ...checkBase,
  kind: z.literal('exec'),
  service: id,
  command: command.describe('Run as root (unless `user`) behind `env -i` with PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin, HOME=/nonexistent, LANG=C.UTF-8, in /: nothing the learner or the container set up reaches it. A string runs under sh -c.'),
  user: z.string().optional().describe('Who runs the check; default root.'),
  exitCode: z.number().int().default(0),
  stdoutMatches: pattern.optional(),
  stdoutNotMatches: pattern.optional(),
});

export const httpCheckSchema = z.strictObject({
  ...checkBase,
  kind: z.literal('http'),
  service: id,
  port,
  path: z.string().startsWith('/').default('/'),
  method: z.enum(['GET', 'HEAD', 'POST']).default('GET'),
  status: z.number().int().default(200),
  bodyMatches: pattern.optional(),
  json: z
    .strictObject({
      path: z.string().min(1).describe('Dot path into the JSON body, e.g. latency.p95_ms'),
      op: comparison,
      value: z.number(),
    })
    .optional(),
  latency: z
    .strictObject({
      percentile: z.number().min(1).max(100),
      op: comparison,
      value: duration,
      window: duration.default('30s'),
      samples: z.number().int().positive().default(3).describe('Requests per poll.'),
    })
    .optional()
    .describe('A percentile of latencies this check measured itself over a sliding window.'),
});

export const tcpCheckSchema = z.strictObject({
  ...checkBase,
  kind: z.literal('tcp'),
  from: id.describe('The service the connection is attempted from (it needs bash).'),
  host: z.string().min(1),
  port,
  expect: z.enum(['open', 'closed']).default('open'),
});

export const sqlCheckSchema = z.strictObject({
  ...checkBase,
  kind: z.literal('sql'),
  service: id.describe('A service with psql installed (usually the database itself).'),
  database: z.string().optional(),
  user: z.string().optional(),
  query: z.string().min(1),
  expect: z
    .union([
      z.strictObject({ equals: z.string() }),
      z.strictObject({ matches: pattern }),
      z.strictObject({ notMatches: pattern }),
      z.strictObject({ rows: z.number().int().nonnegative() }),
      z.strictObject({ minRows: z.number().int().nonnegative() }),
    ])
    .describe('What the unaligned, tuples-only output (psql -At) must satisfy.'),
});

export const promqlCheckSchema = z.strictObject({
  ...checkBase,
  kind: z.literal('promql'),
  service: id,
  port: port.default(9090),
  query: z.string().min(1),
  op: comparison,
  value: z.number(),
});

export const alertmanagerCheckSchema = z.strictObject({
  ...checkBase,
  kind: z.literal('alertmanager'),
  service: id,
  port: port.default(9093),
  alertname: z.string().min(1),
  labels: stringMap.default({}),
  state: z.enum(['firing', 'absent']).default('firing'),
});

export const rolloutCheckSchema = z.strictObject({
  ...checkBase,
  kind: z.literal('rollout'),
  object: objectRefSchema.describe('A Deployment, StatefulSet or DaemonSet.'),
  expect: z
    .enum(['complete', 'incomplete'])
    .default('complete')
    .describe('complete: every replica updated, available and no old one left (what `kubectl rollout status` waits for).'),
});

export const conditionCheckSchema = z.strictObject({
  ...checkBase,
  kind: z.literal('condition'),
  object: objectRefSchema,
  type: z.string().min(1).describe('A status condition type: Available, Progressing, Ready, ...'),
  status: z.enum(['True', 'False', 'Unknown']).default('True'),
  reasonMatches: pattern.optional().describe("A pattern on the condition's reason."),
});

export const checkSchema = z.discriminatedUnion('kind', [
  execCheckSchema,
  httpCheckSchema,
  tcpCheckSchema,
  sqlCheckSchema,
  promqlCheckSchema,
  alertmanagerCheckSchema,
  rolloutCheckSchema,
  conditionCheckSchema,
]);

export const solutionStepSchema = z.union([
  z.strictObject({
    service: id.optional().describe('Where to run it; default the bastion.'),
    run: z
      .string()
      .min(1)
      .describe("A shell command run with bash -lc (a login shell: profile files run first and their output lands in the step's) as the container's user, in its working directory."),
    timeout: duration.default('120s'),
  }),
  z.strictObject({ op: id.describe('An operation of the scenario, run as the learner\'s `lab op <id>` runs it.') }),
]).describe('A step: `run:` (a shell command, with optional `service` and `timeout`) or `op:` (an operation id), not both.');

/** A resolution's own reference steps: `solution` without `resolution` (the resolution it sits in). */
export const resolutionSolutionSchema = z.strictObject({
  steps: z.array(solutionStepSchema).min(1),
});

export const resolutionSchema = z.strictObject({
  id,
  title: z.string().min(1),
  description: z.string().optional(),
  points: z.number().min(0).max(100),
  checks: z.array(checkSchema).min(1),
  solution: resolutionSolutionSchema
    .optional()
    .describe('The steps that reach this resolution, for `firedrill test --resolution <id>` and `--all-resolutions` (the resolution `solution.resolution` names takes its steps from `solution`).'),
  replayChecks: z
    .array(checkSchema)
    .default([])
    .describe('Judged when the replay window closes (needs checks.replay): what the fix must prove under the failure again.'),
});

/**
 * The replay: a failure the engine re-injects after the learner's fix holds, to prove what live checks
 * cannot see (this failure now pages once; this alert still fires on a real outage). Its steps are reverted
 * when the window closes.
 */
export const replaySchema = z.strictObject({
  description: z.string().optional().describe('For trainers and the report.'),
  faults: z.array(faultStepSchema).min(1).describe('Steps like `faults` (at/after, action, revert), from the start of the replay.'),
  window: duration.describe('How long the failure is watched, from its first step; replayChecks are judged at the end.'),
  broken: z
    .array(checkSchema)
    .default([])
    .describe('Must hold (all together) at least once in the window: proof the failure really came back.'),
});

export const checksSchema = z.strictObject({
  interval: duration.default('2s').describe('How often checks poll while live.'),
  hold: duration.default('10s').describe('How long a resolution must hold before the run counts as resolved.'),
  baselineTimeout: duration.default('90s').describe('How long the steady state may take to hold before the fault.'),
  brokenTimeout: duration.default('120s').describe('How long the broken checks may take to hold after the fault.'),
  resolveOn: z
    .enum(['hold', 'submit'])
    .default('hold')
    .describe('hold: resolved as soon as a resolution holds for `hold`; submit: the run stays live until the learner submits.'),
  replay: replaySchema.optional(),
  steadyState: z
    .array(checkSchema)
    .default([])
    .describe('Healthy behaviour: must hold before the fault is injected and again after the fix.'),
  broken: z
    .array(checkSchema)
    .min(1)
    .describe('The symptom: must hold after injection (proof that the fault took effect).'),
  resolutions: z
    .array(resolutionSchema)
    .min(1)
    .describe('Ways to fix it; the run is resolved when one resolution and the steady state hold for `hold`.'),
});

// ---------------------------------------------------------------- learning and grading

/** A program's base name as a command line names it (`psql`, `curl`, `ansible-playbook`, `logs`). */
const program = z
  .string()
  .regex(/^[A-Za-z0-9_][A-Za-z0-9_.+-]*$/, 'a program\'s base name, e.g. "psql" or "ansible-playbook" (no path, no spaces)');

/** A program that ran (found by parsing the command line), optionally with a pattern on its arguments. */
export const runEvidenceSchema = z
  .strictObject({
    run: z.array(program).min(1).describe('Programs (base names) whose run counts: psql, curl, git, aws, kubectl, amtool, …'),
    args: pattern.optional().describe('A regular expression (case-insensitive) on the arguments, joined by spaces; without it any run counts.'),
  })
  .describe('A program that ran: through pipelines, sudo, watch, xargs, env, timeout, ssh, docker/kubectl exec, aliases and functions.');

/** A SQL statement psql sent to PostgreSQL. */
export const sqlEvidenceSchema = z
  .strictObject({
    sql: pattern.describe('A regular expression (case-insensitive) on a statement psql sent (typed in psql, psql -c, a here-document into psql), string constants and comments removed.'),
  })
  .describe('A SQL statement psql sent to the database.');

export const evidenceRuleSchema = z
  .union([runEvidenceSchema, sqlEvidenceSchema])
  .describe('What counts as having looked: `run:` (programs, optional `args:`) or `sql:` (a statement pattern).');

export const investigationSignalSchema = z.strictObject({
  id,
  description: z.string().min(1),
  evidence: z
    .array(evidenceRuleSchema)
    .min(1)
    .describe('Any of these, when it ran and succeeded, shows the signal was looked at. Words elsewhere (echo, comments, strings) never count.'),
  rootCause: z.boolean().default(false).describe('Looking at this signal counts as detecting the root cause.'),
  order: z.number().int().optional().describe('Sensible order: lower first.'),
});

export const hintSchema = z.strictObject({
  id,
  after: duration.describe('Unlocks this long after the page.'),
  text: z.string().min(1),
});

export const solutionSchema = z.strictObject({
  resolution: id.describe('The resolution this solution reaches.'),
  steps: z.array(solutionStepSchema).min(1),
});

const phrases = z.array(z.string().min(1)).min(1);

/** Interchangeable terms: "index|lookup structure" or [index, lookup structure]. Words are stemmed. */
const termGroup = z
  .union([z.string().min(1), z.array(z.string().min(1)).min(1)])
  .describe('Interchangeable terms, "a|b c|d" or a list; a term of several words matches them in order, a few words apart at most.');
/** Groups that must all occur close together in one clause: [index|lookup, missing|absent|never created]. */
const conceptPattern = z
  .union([
    z.array(termGroup).min(1),
    z.strictObject({ all: z.array(termGroup).min(1), near: z.number().int().min(1).max(60).optional() }),
  ])
  .describe('Term groups that must all occur within `near` words (default 10) of each other in one affirmed clause.');
const conceptFields = {
  id,
  description: z.string().optional().describe('For trainers (firedrill grade --explain); never shown to the learner.'),
  match: z.array(conceptPattern).min(1).optional().describe('Patterns, any of which states the concept.'),
  phrases: phrases.optional().describe('Older form: phrases whose content words must all occur close together, any order.'),
  near: z.number().int().min(1).max(60).optional().describe('Default window for this concept’s patterns, in words.'),
};
const hasMatcher = (c: { match?: unknown[] | undefined; phrases?: unknown[] | undefined }): boolean =>
  (c.match?.length ?? 0) + (c.phrases?.length ?? 0) > 0;
const matcherMessage = { message: 'give `match` (term groups) or `phrases`', path: ['match'] };
const concept = z.strictObject(conceptFields).refine(hasMatcher, matcherMessage);
const matcher = z.strictObject({ match: conceptFields.match, phrases: conceptFields.phrases, near: conceptFields.near }).refine(hasMatcher, matcherMessage);
const rootCauseConcept = z
  .strictObject({
    ...conceptFields,
    primary: z.boolean().optional().describe('The cause the root-cause section must affirm (default: the first).'),
  })
  .refine(hasMatcher, matcherMessage);

export const postmortemRubricSchema = z.strictObject({
  synonyms: z
    .record(z.string().min(1), z.array(z.string().min(1)).min(1))
    .default({})
    .describe('Synonym sets for every concept of this rubric: `index: [lookup structure, b-tree]`.'),
  rootCause: z.array(rootCauseConcept).min(1).describe('The causal chain; the primary cause first (or marked primary).'),
  wrongRootCauses: z.array(concept).default([]).describe('Known wrong causes, for feedback; any unaffirmed primary caps the total anyway.'),
  trigger: matcher.optional(),
  detection: matcher.optional(),
  mustMention: z.array(concept).default([]),
  actionItemThemes: z.array(concept).default([]),
  requiredThemesByResolution: z.record(id, z.array(id)).default({}),
});

/** The troubleshooting weights and costs a pack gets when it says nothing (scoring reads them from here). */
export const DEFAULT_SCORING = {
  weights: { outcome: 40, time: 20, investigation: 20, safety: 10, hints: 10 },
  hintCost: 5,
  riskyCost: 5,
} as const;

const weight = (name: keyof typeof DEFAULT_SCORING.weights) => z.number().min(0).default(DEFAULT_SCORING.weights[name]);

// zod runs the refinement on text the pattern refused too: that text has its own error already.
const positiveDuration = duration.refine((d) => (typeof d === 'string' && !DURATION_PATTERN.test(d.trim())) || toMs(d) > 0, 'must be longer than 0s (e.g. 10m)');

/**
 * The incident channel's cadence (status updates): the first within `firstWithin` of the page, then at least
 * one every `every` until the resolution. A pack's (scoring.comms, for solo practice too) and a game file's
 * (`comms`, which replaces the pack's) share this one definition. It adds no points: the report's Comms line.
 */
export const commsCadenceSchema = z
  .strictObject({
    firstWithin: positiveDuration.optional().describe('The first status update is due this long after the page.'),
    every: positiveDuration.optional().describe('At most this long between status updates, and from the last one to the resolution.'),
  })
  .refine((c) => c.firstWithin !== undefined || c.every !== undefined, 'say what comms requires: firstWithin (e.g. 10m), every (e.g. 15m), or both');

export type CommsCadence = z.output<typeof commsCadenceSchema>;

/** A cadence in ms, as a run records it (run.created's `comms`). */
export function cadenceMs(cadence: CommsCadence): { firstWithinMs: number | null; everyMs: number | null } {
  return {
    firstWithinMs: cadence.firstWithin === undefined ? null : toMs(cadence.firstWithin),
    everyMs: cadence.every === undefined ? null : toMs(cadence.every),
  };
}

export const scoringSchema = z.strictObject({
  weights: z
    .strictObject({
      outcome: weight('outcome'),
      time: weight('time'),
      investigation: weight('investigation'),
      safety: weight('safety'),
      hints: weight('hints'),
    })
    .default({ ...DEFAULT_SCORING.weights }),
  hintCost: z.number().min(0).default(DEFAULT_SCORING.hintCost),
  risky: z
    .array(z.strictObject({ pattern, reason: z.string().min(1), cost: z.number().min(0).default(DEFAULT_SCORING.riskyCost) }))
    .default([]),
  comms: commsCadenceSchema.optional().describe('Status updates the incident channel expects (a game file\'s comms replaces it); no points.'),
});

export const variantSchema = z.strictObject({
  name: id,
  description: z.string().optional(),
  faults: z.array(faultStepSchema).optional(),
  broken: z.array(checkSchema).optional(),
  resolutions: z.array(resolutionSchema).optional(),
  solution: solutionSchema.optional(),
  postmortem: postmortemRubricSchema.optional(),
  hints: z.array(hintSchema).optional(),
  investigation: z.array(investigationSignalSchema).optional(),
  replay: replaySchema.optional(),
  scoring: scoringSchema.optional().describe('Replaces the whole scoring section (e.g. what is risky in this variant).'),
});

/**
 * Where a pack can run: `docker` (containers on Docker networks) and/or `kubernetes` (a kind cluster, or
 * any cluster by kubeconfig). `kind` is read as `kubernetes`, the name packs used before.
 */
export const runtimesSchema = z
  .array(z.enum([...RUNTIME_KINDS, 'kind']))
  .min(1)
  .transform((list): RuntimeKind[] => [...new Set(list.map((kind) => (kind === 'kind' ? 'kubernetes' : kind)))])
  .describe('The runtimes this pack runs on, in order of preference: docker and/or kubernetes (kind is an alias).');

export const scenarioSchema = z.strictObject({
  apiVersion: z.literal('firedrill/v1'),
  metadata: metadataSchema,
  briefing: z.string().min(1).describe('Markdown: the page the learner got.'),
  runtimes: runtimesSchema,
  environment: environmentSchema,
  observability: z.array(observabilitySchema).default([]),
  faults: z.array(faultStepSchema).min(1),
  operations: z.array(operationSchema).default([]),
  checks: checksSchema,
  investigation: z.array(investigationSignalSchema).default([]),
  hints: z.array(hintSchema).default([]),
  solution: solutionSchema,
  postmortem: postmortemRubricSchema,
  scoring: scoringSchema.default({ weights: { ...DEFAULT_SCORING.weights }, hintCost: DEFAULT_SCORING.hintCost, risky: [] }),
  variants: z.array(variantSchema).default([]),
});

export type Scenario = z.output<typeof scenarioSchema>;
export type ScenarioInput = z.input<typeof scenarioSchema>;
export type Service = z.output<typeof serviceSchema>;
export type Volume = z.output<typeof volumeSchema>;
export type FaultStep = z.output<typeof faultStepSchema>;
export type Action = z.output<typeof actionSchema>;
export type Check = z.output<typeof checkSchema>;
export type CheckKind = Check['kind'];
export type Resolution = z.output<typeof resolutionSchema>;
export type Replay = z.output<typeof replaySchema>;
export type SolutionStep = z.output<typeof solutionStepSchema>;
export type Hint = z.output<typeof hintSchema>;
export type InvestigationSignal = z.output<typeof investigationSignalSchema>;
export type EvidenceRule = z.output<typeof evidenceRuleSchema>;
export type PostmortemRubric = z.output<typeof postmortemRubricSchema>;
export type ScoringConfig = z.output<typeof scoringSchema>;
export type Variant = z.output<typeof variantSchema>;
export type Operation = z.output<typeof operationSchema>;

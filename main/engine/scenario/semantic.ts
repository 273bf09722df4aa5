/**
 * The rules zod cannot express: references between parts of a pack (services, networks, images, steps,
 * resolutions, themes), unique ids, files that must exist inside the pack, network addresses, allowlists,
 * published ports and timing. Runs on a pack that already matches the schema.
 */
import { existsSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, join, normalize, posix, sep } from 'node:path';
import { cidrContains, cidrSize, cidrsOverlap, offsetInCidr, parseIpv4, parseIpv4Cidr, type Ipv4Cidr } from '../../../shared/net/ipv4.js';
import { operationsOf, operationsOfCheck, type RuntimeSupport } from '../faults/operations.js';
import type { SandboxOperation } from '../../../sandbox/runtime.js';
import { kindInfo, NAMESPACED_KINDS, parseObjectRef } from '../../../sandbox/kubernetes/kinds.js';

const scalableKinds = (): string => NAMESPACED_KINDS.filter((k) => k.scalable).map((k) => k.kind).join(', ');
import { type PathSegment, type Severity, didYouMean, formatPath } from './diagnostics.js';
import { formatDuration } from '../../../shared/format/duration.js';
import { toMs } from './duration.js';
import { learnerUser, learnerWritablePaths } from './learner-writable.js';
import type { PositionTarget } from './positions.js';
import { TEXT_ONLY_PROGRAMS } from '../../../shared/shell/command-line.js';
import { RESOURCE_LIMITS } from '../../../sandbox/runtime.js';
import { ONLY_WRAPPERS } from '../../../shared/shell/wrappers.js';
import { wordsOnlyLineCredited } from './evidence.js';
import {
  ALLOWED_CAPABILITIES,
  ALLOWED_SYSCTL_PREFIXES,
  memoryBytes,
  type Action,
  type Check,
  type FaultStep,
  type Hint,
  type InvestigationSignal,
  type PostmortemRubric,
  type Replay,
  type Resolution,
  type Scenario,
  type SolutionStep,
} from './schema.js';

export interface SemanticOptions {
  /** The pack folder: enables the file checks (Dockerfiles, files[].source, script.path). */
  dir?: string;
  /** metadata.name must equal it. */
  folderName?: string;
  /** What the runtimes of this build can do: an action one of the pack's runtimes cannot perform is an error. */
  supports?: RuntimeSupport;
  /** Kubernetes packs: the workloads of the manifests (read by validate.ts), which `service:` may name too. */
  workloads?: string[];
}

export type SemanticReport = (path: PathSegment[], message: string, severity?: Severity, target?: PositionTarget) => void;

type Path = PathSegment[];
interface Located<T> {
  value: T;
  path: Path;
}

/** The content a run uses: the base scenario, or a variant's overrides on top of it. */
interface Content {
  variant?: string;
  faults: Located<FaultStep[]>;
  broken: Located<Check[]>;
  resolutions: Located<Resolution[]>;
  solution: Located<Scenario['solution']>;
  postmortem: Located<PostmortemRubric>;
  hints: Located<Hint[]>;
  investigation: Located<InvestigationSignal[]>;
  replay: Located<Replay | undefined>;
}

/** A plausible local image reference with an explicit tag or digest (nothing is pulled, so `:latest` by omission is a mistake). */
const LOCAL_TAG = /^(?:[a-z0-9][a-z0-9.-]*(?::\d+)?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[\w][\w.-]{0,127}|@sha256:[a-f0-9]{64})$/;

export function checkSemantics(s: Scenario, options: SemanticOptions, report: SemanticReport): void {
  new SemanticChecker(s, options, report).run();
}

class SemanticChecker {
  private readonly services: string[];
  private readonly networks: string[];
  private readonly images: string[];

  constructor(
    private readonly s: Scenario,
    private readonly options: SemanticOptions,
    private readonly report: SemanticReport,
  ) {
    this.services = [...new Set([...Object.keys(s.environment.services), ...(options.workloads ?? [])])];
    this.networks = s.environment.networks.map((n) => n.name);
    this.images = s.environment.images.map((i) => i.name);
  }

  run(): void {
    const s = this.s;
    if (this.options.folderName !== undefined && s.metadata.name !== this.options.folderName) {
      this.report(['metadata', 'name'], `metadata.name "${s.metadata.name}" must equal the folder name "${this.options.folderName}"`);
    }
    this.checkEnvironment();
    this.checkObservability();
    this.checkOperations();

    const base: Content = {
      faults: { value: s.faults, path: ['faults'] },
      broken: { value: s.checks.broken, path: ['checks', 'broken'] },
      resolutions: { value: s.checks.resolutions, path: ['checks', 'resolutions'] },
      solution: { value: s.solution, path: ['solution'] },
      postmortem: { value: s.postmortem, path: ['postmortem'] },
      hints: { value: s.hints, path: ['hints'] },
      investigation: { value: s.investigation, path: ['investigation'] },
      replay: { value: s.checks.replay, path: ['checks', 'replay'] },
    };
    this.checkContent(base);

    this.unique(s.variants.map((v, i) => ({ id: v.name, path: ['variants', i, 'name'] })), 'variant name');
    s.variants.forEach((v, i) => {
      if (v.name === 'default') this.report(['variants', i, 'name'], 'variant name "default" is reserved: it selects the base scenario (--variant default)');
      const at = (field: string): Path => ['variants', i, field];
      this.checkContent({
        variant: v.name,
        faults: v.faults ? { value: v.faults, path: at('faults') } : base.faults,
        broken: v.broken ? { value: v.broken, path: at('broken') } : base.broken,
        resolutions: v.resolutions ? { value: v.resolutions, path: at('resolutions') } : base.resolutions,
        solution: v.solution ? { value: v.solution, path: at('solution') } : base.solution,
        postmortem: v.postmortem ? { value: v.postmortem, path: at('postmortem') } : base.postmortem,
        hints: v.hints ? { value: v.hints, path: at('hints') } : base.hints,
        investigation: v.investigation ? { value: v.investigation, path: at('investigation') } : base.investigation,
        replay: v.replay ? { value: v.replay, path: at('replay') } : base.replay,
      });
      v.scoring?.risky.forEach((r, j) => this.regex(r.pattern, ['variants', i, 'scoring', 'risky', j, 'pattern']));
    });

    s.scoring.risky.forEach((r, i) => this.regex(r.pattern, ['scoring', 'risky', i, 'pattern']));
  }

  // ------------------------------------------------------------ references

  private service(name: string, path: Path, target: PositionTarget = 'value'): boolean {
    if (this.services.includes(name)) return true;
    this.report(path, `unknown service "${name}"${didYouMean(name, this.services)} (services: ${this.services.join(', ') || 'none'})`, 'error', target);
    return false;
  }

  private network(name: string, path: Path, target: PositionTarget = 'value'): boolean {
    if (this.networks.includes(name)) return true;
    this.report(path, `unknown network "${name}"${didYouMean(name, this.networks)} (networks: ${this.networks.join(', ') || 'none'})`, 'error', target);
    return false;
  }

  /** A service or replace image: an image of this pack or a plausible local tag. */
  private image(ref: string, path: Path): void {
    if (this.images.includes(ref) || LOCAL_TAG.test(ref)) return;
    const pack = this.images.length ? `an image of this pack (${this.images.join(', ')})` : 'an image of this pack (environment.images)';
    this.report(path, `image "${ref}" is neither ${pack} nor a local tag with a version such as debian:bookworm${didYouMean(ref, this.images)}`);
  }

  private unique(items: { id: string; path: Path }[], what: string): void {
    const first = new Map<string, Path>();
    for (const item of items) {
      const seen = first.get(item.id);
      if (seen) this.report(item.path, `duplicate ${what} "${item.id}" (first at ${formatPath(seen)})`);
      else first.set(item.id, item.path);
    }
  }

  private regex(source: string, path: Path): void {
    try {
      new RegExp(source, 'i');
    } catch (error) {
      const reason = (error as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '');
      this.report(path, `invalid regular expression ${JSON.stringify(source)}: ${reason}`);
    }
  }

  /** An investigation signal's evidence rules: valid patterns, programs that observe something, no rule an `echo` satisfies. */
  private signalEvidence(sig: InvestigationSignal, path: Path): void {
    sig.evidence.forEach((rule, j) => {
      const at = [...path, 'evidence', j];
      if ('sql' in rule) this.regex(rule.sql, [...at, 'sql']);
      else {
        if (rule.args !== undefined) this.regex(rule.args, [...at, 'args']);
        rule.run.forEach((program, k) => {
          if (TEXT_ONLY_PROGRAMS.has(program))
            this.report([...at, 'run', k], `"${program}" only prints or stores its arguments: running it shows nothing was looked at; name the program that reads the system`);
          else if (ONLY_WRAPPERS.includes(program))
            this.report([...at, 'run', k], `"${program}" runs another command, which is matched on its own: name that program (e.g. run: [psql] instead of run: [${program}])`, 'warning');
        });
        if (rule.run.includes('psql') && rule.args !== undefined)
          this.report([...at, 'args'], 'psql arguments include its SQL text, quoted strings and all: match statements with `sql:` instead', 'warning');
      }
      const echoed = wordsOnlyLineCredited(rule, sig.description);
      if (echoed !== null)
        this.report(at, `signal "${sig.id}": a line that only prints these words would earn it (\`${echoed.split('\n')[0]}\`): narrow the programs or the pattern`, 'warning');
    });
  }

  /** A path inside the pack that must exist; returns false when it was reported. */
  private packFile(rel: string, path: Path, what: string, kind: 'file' | 'dir' | 'any' = 'file'): boolean {
    if (isAbsolute(rel) || /^[A-Za-z]:[\\/]/.test(rel)) {
      this.report(path, `${what} "${rel}" must be a relative path inside the pack, not an absolute path`);
      return false;
    }
    const normalized = normalize(rel);
    if (normalized === '..' || normalized.startsWith(`..${sep}`) || normalized.startsWith('../')) {
      this.report(path, `${what} "${rel}" points outside the pack: use a path inside the scenario folder`);
      return false;
    }
    const dir = this.options.dir;
    if (!dir) return true;
    const full = join(dir, normalized);
    if (!existsSync(full)) {
      this.report(path, `${what} "${rel}" does not exist in the pack`);
      return false;
    }
    try {
      const real = realpathSync(full);
      const realDir = realpathSync(dir);
      if (real !== realDir && !real.startsWith(realDir + sep)) {
        this.report(path, `${what} "${rel}" is a link that points outside the pack`);
        return false;
      }
      const isDir = statSync(real).isDirectory();
      if (kind === 'file' && isDir) {
        this.report(path, `${what} "${rel}" is a folder; it must be a file`);
        return false;
      }
      if (kind === 'dir' && !isDir) {
        this.report(path, `${what} "${rel}" is a file; it must be a folder`);
        return false;
      }
    } catch {
      // existsSync said yes; a race is not worth a diagnostic
    }
    return true;
  }

  // ------------------------------------------------------------ environment

  private checkEnvironment(): void {
    const env = this.s.environment;
    if (this.s.runtimes.includes('docker') && env.networks.length === 0) {
      this.report(['environment', 'networks'], 'the docker runtime needs at least one network in environment.networks');
    }
    if (env.kubernetes) {
      if (!this.s.runtimes.includes('kubernetes')) {
        this.report(['environment', 'kubernetes'], 'environment.kubernetes needs kubernetes in runtimes (the docker runtime cannot apply manifests)');
      }
      env.kubernetes.manifests.forEach((m, i) => this.packFile(m, ['environment', 'kubernetes', 'manifests', i], 'manifest', 'any'));
      env.kubernetes.crds.forEach((m, i) => this.packFile(m, ['environment', 'kubernetes', 'crds', i], 'CRD file', 'any'));
    }
    this.unique(env.images.map((img, i) => ({ id: img.name, path: ['environment', 'images', i, 'name'] })), 'image name');
    this.unique(env.networks.map((n, i) => ({ id: n.name, path: ['environment', 'networks', i, 'name'] })), 'network name');
    this.unique(env.volumes.map((v, i) => ({ id: v.name, path: ['environment', 'volumes', i, 'name'] })), 'volume name');
    env.volumes.forEach((v, i) => {
      for (const field of ['mode', 'uid', 'gid'] as const) {
        if (v[field] !== undefined && v.size === undefined) {
          this.report(['environment', 'volumes', i, field], `volume "${v.name}" sets ${field} but has no size: only a sized (memory-backed) volume takes ${field}; a disk volume takes ownership and mode from the image's directory at its first mount point`, 'error', 'key');
        }
      }
    });

    env.images.forEach((img, i) => {
      const path: Path = ['environment', 'images', i];
      const dockerfile = join(img.context ?? `images/${img.name}`, img.dockerfile).split(sep).join('/');
      if (img.context === undefined) {
        // The default context: say what is missing in the terms of the layout, images/<name>/Dockerfile.
        if (this.options.dir && !existsSync(join(this.options.dir, dockerfile))) {
          const where: Path = img.dockerfile !== 'Dockerfile' ? [...path, 'dockerfile'] : [...path, 'name'];
          this.report(where, `image "${img.name}" has no Dockerfile: expected ${dockerfile} in the pack`);
          return;
        }
      } else if (!this.packFile(img.context, [...path, 'context'], 'context', 'dir')) {
        return;
      }
      if (this.options.dir && !existsSync(join(this.options.dir, dockerfile))) {
        this.report([...path, img.dockerfile !== 'Dockerfile' ? 'dockerfile' : 'context'], `image "${img.name}" has no Dockerfile: expected ${dockerfile} in the pack`);
        return;
      }
      this.packFile(dockerfile, [...path, 'dockerfile'], 'dockerfile');
    });

    const subnets = new Map<string, Ipv4Cidr & { text: string }>();
    env.networks.forEach((n, i) => {
      if (n.subnet === undefined) return;
      const parsed = packSubnet(n.subnet);
      if (typeof parsed === 'string') {
        this.report(['environment', 'networks', i, 'subnet'], `subnet "${n.subnet}": ${parsed}`);
        return;
      }
      subnets.set(n.name, { ...parsed, text: n.subnet });
    });
    // A routed network's first address is every container's default gateway (a router of the pack claims it),
    // so it needs a fixed subnet; and it has no way out by construction.
    env.networks.forEach((n, i) => {
      if (!n.routed) return;
      if (n.subnet === undefined) this.report(['environment', 'networks', i, 'routed'], `routed network "${n.name}" needs a subnet: its first address is the default gateway a router service claims`);
      if (n.egress) this.report(['environment', 'networks', i, 'egress'], `routed network "${n.name}" cannot have egress: a routed network never gives a way out of the sandbox`);
    });
    // Overlapping subnets inside one pack can never be created.
    const list = [...subnets.entries()];
    list.forEach(([name, a], i) => {
      for (const [other, b] of list.slice(0, i)) {
        if (cidrsOverlap(a, b)) {
          const index = env.networks.findIndex((n) => n.name === name);
          this.report(['environment', 'networks', index, 'subnet'], `subnet ${a.text} of network "${name}" overlaps ${b.text} of network "${other}"`);
        }
      }
    });

    const addresses = new Map<string, string>();
    for (const [name, svc] of Object.entries(env.services)) {
      const path: Path = ['environment', 'services', name];
      this.image(svc.image, [...path, 'image']);

      const joined: [string, Path, { ipv4?: string | undefined } | undefined][] = Array.isArray(svc.networks)
        ? svc.networks.map((net, i) => [net, [...path, 'networks', i], undefined])
        : Object.entries(svc.networks).map(([net, cfg]) => [net, [...path, 'networks', net], cfg]);
      for (const [net, netPath, cfg] of joined) {
        if (!this.network(net, netPath, Array.isArray(svc.networks) ? 'value' : 'key')) continue;
        if (!cfg?.ipv4) continue;
        const ipPath = [...netPath, 'ipv4'];
        const ip = parseIpv4(cfg.ipv4);
        if (ip === undefined) {
          this.report(ipPath, `ipv4 "${cfg.ipv4}" is not an IPv4 address (each part 0-255)`);
          continue;
        }
        const subnet = subnets.get(net);
        if (!subnet) {
          const index = env.networks.findIndex((n) => n.name === net);
          if (env.networks[index]?.subnet === undefined) this.report(ipPath, `ipv4 ${cfg.ipv4} needs a subnet: set environment.networks[${index}].subnet for network "${net}"`);
          continue;
        }
        if (!cidrContains(subnet, ip)) {
          this.report(ipPath, `ipv4 ${cfg.ipv4} is outside the subnet ${subnet.text} of network "${net}"`);
          continue;
        }
        const size = cidrSize(subnet);
        const offset = offsetInCidr(subnet, ip);
        if (subnet.prefix <= 30 && (offset === 0 || offset === size - 1)) {
          this.report(ipPath, `ipv4 ${cfg.ipv4} is the ${offset === 0 ? 'network' : 'broadcast'} address of ${subnet.text}`);
          continue;
        }
        if (offset === 1) {
          this.report(ipPath, `ipv4 ${cfg.ipv4} is the gateway of ${subnet.text} (Docker takes the first address); use another address`);
          continue;
        }
        const key = `${net}/${ip.toString()}`;
        const seen = addresses.get(key);
        if (seen) this.report(ipPath, `ipv4 ${cfg.ipv4} on network "${net}" is already used by service "${seen}"`);
        else addresses.set(key, name);
      }

      const routedNet = joined.map(([net]) => env.networks.find((n) => n.name === net)).find((n) => n?.routed);
      if (routedNet && svc.publish.length > 0) {
        this.report(
          [...path, 'publish'],
          `service "${name}" is on routed network "${routedNet.name}" and cannot publish ports: the network that carries published ports would compete for its default route; reach it from the sandbox (exec, tcp and sql checks) instead`,
        );
      }

      svc.capabilities.forEach((cap, i) => {
        const bare = cap.toUpperCase().replace(/^CAP_/, '');
        if (!(ALLOWED_CAPABILITIES as readonly string[]).includes(bare)) {
          this.report([...path, 'capabilities', i], `capability "${cap}" is not allowed; packs may use: ${ALLOWED_CAPABILITIES.join(', ')}${didYouMean(bare, ALLOWED_CAPABILITIES, 2)}`);
        }
      });
      for (const key of Object.keys(svc.sysctls)) {
        if (!ALLOWED_SYSCTL_PREFIXES.some((prefix) => key === prefix || key.startsWith(prefix))) {
          this.report([...path, 'sysctls', key], `sysctl "${key}" is not allowed; packs may set sysctls starting with: ${ALLOWED_SYSCTL_PREFIXES.join(', ')}`, 'error', 'key');
        }
      }
      svc.files.forEach((f, i) => this.packFile(f.source, [...path, 'files', i, 'source'], 'source'));
      this.storage(name, svc, path);
      svc.dependsOn.forEach((dep, i) => {
        if (dep === name) this.report([...path, 'dependsOn', i], `service "${name}" cannot depend on itself`);
        else this.service(dep, [...path, 'dependsOn', i]);
      });
    }
    this.dependencyCycles();

    if (!this.services.includes(env.bastion)) {
      this.report(['environment', 'bastion'], `bastion "${env.bastion}" is not a service${didYouMean(env.bastion, this.services)} (services: ${this.services.join(', ') || 'none'})`);
    }
  }

  /** tmpfs and volume mounts: known volumes, sane and distinct targets, sizes the memory limit can hold. */
  private storage(name: string, svc: Scenario['environment']['services'][string], path: Path): void {
    const env = this.s.environment;
    const mounts = [
      ...svc.tmpfs.map((t, i) => ({ target: t.target, path: [...path, 'tmpfs', i, 'target'], what: 'tmpfs' })),
      ...svc.volumes.map((m, i) => ({ target: m.target, path: [...path, 'volumes', i, 'target'], what: `volume "${m.volume}"` })),
    ];
    const seen = new Map<string, string>();
    for (const mount of mounts) {
      const target = normalizeTarget(mount.target);
      if (/^\/(proc|sys|dev)?$/.test(target) || /^\/(proc|sys|dev)\//.test(target) || /^\/etc\/(hosts|hostname|resolv\.conf)$/.test(target)) {
        this.report(mount.path, `${mount.what} cannot be mounted at ${mount.target}: /, /proc, /sys, /dev and the files Docker manages (/etc/hosts, /etc/hostname, /etc/resolv.conf) are the runtime's`);
        continue;
      }
      const other = seen.get(target);
      if (other) this.report(mount.path, `${mount.what} and ${other} are both mounted at ${mount.target} in service "${name}"`);
      else seen.set(target, mount.what);
    }
    const supports = this.options.supports;
    for (const runtime of supports ? this.s.runtimes : []) {
      if (svc.tmpfs.length > 0 && supports!(runtime, 'tmpfs') === false) {
        this.report([...path, 'tmpfs'], `the ${runtime} runtime cannot give a service a tmpfs: drop ${runtime} from runtimes or use a volume`, 'error', 'key');
      }
      if (svc.volumes.length > 0 && supports!(runtime, 'volume') === false) {
        this.report([...path, 'volumes'], `the ${runtime} runtime cannot mount shared volumes: drop ${runtime} from runtimes`, 'error', 'key');
      }
    }
    svc.volumes.forEach((m, i) => {
      if (!env.volumes.some((v) => v.name === m.volume)) {
        const names = env.volumes.map((v) => v.name);
        this.report([...path, 'volumes', i, 'volume'], `unknown volume "${m.volume}"${didYouMean(m.volume, names)} (environment.volumes: ${names.join(', ') || 'none'})`);
      }
    });
    svc.files.forEach((f, i) => {
      const under = svc.tmpfs.find((t) => isUnder(normalizeTarget(f.target), normalizeTarget(t.target)));
      if (under) this.report([...path, 'files', i, 'target'], `file ${f.target} is inside the tmpfs at ${under.target}: files are copied in before the service starts, and the tmpfs mounted at start hides them`);
    });
    // Memory-backed storage is charged to the memory of the container that writes it: past the limit, filling it
    // is an OOM kill instead of "No space left on device".
    const limit = memoryBytes(svc.memory) ?? RESOURCE_LIMITS.defaults.memoryBytes;
    const sized = [
      ...svc.tmpfs.map((t) => memoryBytes(t.size) ?? 0),
      ...svc.volumes.filter((m) => !m.readOnly).map((m) => memoryBytes(env.volumes.find((v) => v.name === m.volume)?.size) ?? 0),
    ].reduce((a, b) => a + b, 0);
    if (sized > 0 && sized >= limit) {
      const mib = (bytes: number) => `${Math.round(bytes / 1024 ** 2)} MiB`;
      this.report(
        [...path, svc.tmpfs.length > 0 ? 'tmpfs' : 'volumes'],
        `service "${name}" mounts ${mib(sized)} of memory-backed storage (tmpfs and sized volumes) with a memory limit of ${mib(limit)}: those pages count against the limit, so filling them would OOM-kill the service instead of failing with ENOSPC; raise memory or lower the sizes`,
      );
    }
  }

  private dependencyCycles(): void {
    const services = this.s.environment.services;
    const state = new Map<string, 'visiting' | 'done'>();
    const stack: string[] = [];
    const visit = (name: string): void => {
      state.set(name, 'visiting');
      stack.push(name);
      const deps = services[name]?.dependsOn ?? [];
      deps.forEach((dep, i) => {
        if (dep === name || !(dep in services)) return;
        if (state.get(dep) === 'visiting') {
          const cycle = [...stack.slice(stack.indexOf(dep)), dep];
          this.report(['environment', 'services', name, 'dependsOn', i], `dependsOn forms a cycle: ${cycle.join(' → ')}`);
        } else if (!state.has(dep)) visit(dep);
      });
      stack.pop();
      state.set(name, 'done');
    };
    for (const name of Object.keys(services)) if (!state.has(name)) visit(name);
  }

  /** A port the host side reaches (http, promql, alertmanager checks; observability) must be published. */
  private published(service: string, port: number, path: Path, who: string): void {
    const svc = this.s.environment.services[service];
    if (!svc || svc.publish.includes(port)) return;
    this.report(path, `port ${port} of service "${service}" is not published, but ${who} reaches it from the host: add ${port} to environment.services.${service}.publish`);
  }

  private checkObservability(): void {
    this.unique(this.s.observability.map((o, i) => ({ id: o.id, path: ['observability', i, 'id'] })), 'observability id');
    this.s.observability.forEach((o, i) => {
      if (this.service(o.service, ['observability', i, 'service'])) this.published(o.service, o.port, ['observability', i, 'port'], `observability endpoint "${o.id}"`);
      if (o.graphs.length > 0 && o.kind !== 'prometheus') this.report(['observability', i, 'graphs'], `graphs are drawn from Prometheus: observability "${o.id}" is kind ${o.kind}, not prometheus`);
    });
    for (const kind of ['alertmanager', 'pager'] as const) {
      const entries = this.s.observability.map((o, i) => ({ o, i })).filter(({ o }) => o.kind === kind);
      // The alerts panel and the page count read the first one; a second would silently show nothing.
      for (const { o, i } of entries.slice(1)) this.report(['observability', i, 'kind'], `only the first ${kind} entry is mirrored ("${entries[0]!.o.id}"); "${o.id}" would never show`, 'warning');
    }
  }

  private checkOperations(): void {
    this.unique(this.s.operations.map((o, i) => ({ id: o.id, path: ['operations', i, 'id'] })), 'operation id');
    this.s.operations.forEach((op, i) => op.actions.forEach((a, j) => this.action(a, ['operations', i, 'actions', j])));
  }

  private action(action: Action, path: Path): void {
    const [kind, body] = Object.entries(action)[0] as [string, { service?: string } & Record<string, unknown>];
    const bodyPath = [...path, kind];
    if (typeof body.service === 'string') this.service(body.service, [...bodyPath, 'service']);
    this.runtimesCanDo(operationsOf(action), kind, bodyPath);
    if (typeof body.object === 'string') {
      const ref = parseObjectRef(body.object);
      const info = typeof ref === 'string' ? undefined : kindInfo(ref.kind);
      if (info && kind === 'scale' && !info.scalable) this.report([...bodyPath, 'object'], `${info.kind} cannot be scaled (scalable: ${scalableKinds()})`);
      if (info && kind === 'deletePods' && !info.workload) this.report([...bodyPath, 'object'], `${info.kind} owns no pods: name a Deployment, StatefulSet, DaemonSet, ReplicaSet, Job or Pod`);
    }
    if (kind === 'patch' && 'patch' in action) {
      const isList = Array.isArray(action.patch.patch);
      if (isList !== (action.patch.type === 'json')) {
        this.report([...bodyPath, 'patch'], action.patch.type === 'json' ? 'a json patch is a list of operations ({op, path, value})' : `a ${action.patch.type} patch is an object (a list of operations needs type: json)`);
      }
    }
    if (kind === 'apply' && typeof body.manifest === 'string') this.packFile(body.manifest, [...bodyPath, 'manifest'], 'manifest');
    if ((kind === 'connect' || kind === 'disconnect') && typeof body.network === 'string') this.network(body.network, [...bodyPath, 'network']);
    if (kind === 'script' && typeof body.path === 'string') this.packFile(body.path, [...bodyPath, 'path'], 'script path');
    if (kind === 'replace' && typeof body.image === 'string') this.image(body.image, [...bodyPath, 'image']);
  }

  /** Every runtime the pack names (and this build has) must be able to perform the action (or check). */
  private runtimesCanDo(operations: SandboxOperation[], kind: string, path: Path, what = 'action'): void {
    const supports = this.options.supports;
    if (!supports) return;
    for (const runtime of this.s.runtimes) {
      const missing = operations.filter((operation) => supports(runtime, operation) === false);
      if (missing.length > 0) {
        this.report(path, `the ${runtime} runtime cannot ${missing.join(' or ')}, which the ${kind} ${what} needs: drop ${runtime} from runtimes or use another ${what}`);
      }
    }
  }

  // ------------------------------------------------------------ content (base or variant)

  /** Fault steps (the faults, or a replay's): ids, at/after, ordering, actions. */
  private faultSteps(steps: FaultStep[], base: Path, what: string): void {
    const stepIds = steps.map((f) => f.id);
    this.unique(steps.map((f, i) => ({ id: f.id, path: [...base, i, 'id'] })), `${what} id`);
    steps.forEach((step, i) => {
      const path = [...base, i];
      if (step.at !== undefined && step.after !== undefined) this.report(path, `${what} "${step.id}" has both "at" and "after"; use one`);
      else if (step.at === undefined && step.after === undefined) this.report(path, `${what} "${step.id}" needs "at" (a time from ${what === 'fault step' ? 'injection' : 'the start of the replay'}) or "after" (another step's id)`);
      if (step.after !== undefined) {
        if (step.after === step.id) this.report([...path, 'after'], `${what} "${step.id}" cannot run after itself`);
        else if (!stepIds.includes(step.after)) this.report([...path, 'after'], `after names unknown ${what} "${step.after}"${didYouMean(step.after, stepIds)} (steps: ${stepIds.join(', ')})`);
      }
      this.action(step.action, [...path, 'action']);
      if (step.revert) this.action(step.revert, [...path, 'revert']);
    });
    const byId = new Map(steps.map((f, i) => [f.id, i] as const));
    const reported = new Set<string>();
    steps.forEach((start) => {
      const chain: string[] = [start.id];
      let current = start.after;
      while (current !== undefined && byId.has(current) && current !== start.id && !chain.includes(current)) {
        chain.push(current);
        current = steps[byId.get(current)!]!.after;
      }
      if (current === start.id && chain.length > 1) {
        const key = [...chain].sort().join(',');
        if (reported.has(key)) return;
        reported.add(key);
        this.report([...base, byId.get(start.id)!, 'after'], `after forms a cycle: ${[...chain, start.id].join(' → ')}`);
      }
    });
  }

  private checkContent(c: Content): void {
    const suffix = c.variant ? ` in variant "${c.variant}"` : '';
    const mixed = (a: Located<unknown>, b: Located<unknown>) => !c.variant || a.path[0] === 'variants' || b.path[0] === 'variants';

    this.faultSteps(c.faults.value, c.faults.path, 'fault step');
    const replay = c.replay.value;
    if (replay) {
      this.faultSteps(replay.faults, [...c.replay.path, 'faults'], 'replay step');
      replay.faults.forEach((step, i) => {
        if (!step.revert) this.report([...c.replay.path, 'faults', i], `replay step "${step.id}" has no revert: the replay would leave its change in the learner's fixed system`, 'warning');
      });
      if (toMs(replay.window) <= 0) this.report([...c.replay.path, 'window'], 'the replay window must be longer than 0s');
    }

    // Checks: ids across steadyState, broken and every resolution; references; patterns; published ports.
    const checks: { check: Check; path: Path }[] = [];
    this.s.checks.steadyState.forEach((check, i) => checks.push({ check, path: ['checks', 'steadyState', i] }));
    c.broken.value.forEach((check, i) => checks.push({ check, path: [...c.broken.path, i] }));
    c.resolutions.value.forEach((r, i) => r.checks.forEach((check, j) => checks.push({ check, path: [...c.resolutions.path, i, 'checks', j] })));
    c.resolutions.value.forEach((r, i) => r.replayChecks.forEach((check, j) => checks.push({ check, path: [...c.resolutions.path, i, 'replayChecks', j] })));
    replay?.broken.forEach((check, i) => checks.push({ check, path: [...c.replay.path, 'broken', i] }));
    this.unique(checks.map(({ check, path }) => ({ id: check.id, path: [...path, 'id'] })), 'check id');
    for (const { check, path } of checks) this.check(check, path);

    // Resolutions and the solution.
    const resolutions = c.resolutions.value;
    const resolutionIds = resolutions.map((r) => r.id);
    this.unique(resolutions.map((r, i) => ({ id: r.id, path: [...c.resolutions.path, i, 'id'] })), 'resolution id');
    if (!resolutions.some((r) => r.points === 100) && (!c.variant || c.resolutions.path[0] === 'variants')) {
      this.report(c.resolutions.path, `no resolution is worth 100 points${suffix}: a perfect run cannot get the full outcome score`, 'warning');
    }
    if (!resolutionIds.includes(c.solution.value.resolution) && mixed(c.solution, c.resolutions)) {
      this.report([...c.solution.path, 'resolution'], `solution.resolution "${c.solution.value.resolution}" is not a resolution id${suffix}${didYouMean(c.solution.value.resolution, resolutionIds)} (resolutions: ${resolutionIds.join(', ')})`);
    }
    if (!replay) {
      resolutions.forEach((r, i) => {
        if (r.replayChecks.length > 0 && (!c.variant || c.resolutions.path[0] === 'variants' || c.replay.path[0] === 'variants')) {
          this.report([...c.resolutions.path, i, 'replayChecks'], `resolution "${r.id}" has replayChecks but there is no replay${suffix}: add checks.replay (the failure to re-inject and its window)`);
        }
      });
    } else if (!resolutions.some((r) => r.replayChecks.length > 0) && mixed(c.replay, c.resolutions)) {
      this.report(c.replay.path, `the replay is never run${suffix}: no resolution has replayChecks`, 'warning');
    }
    const operations = this.s.operations.map((o) => o.id);
    const unknownOp = (op: string, path: Path, what: string) => {
      if (!operations.includes(op)) this.report(path, `${what} "${op}" is not an operation of this pack${didYouMean(op, operations)} (operations: ${operations.join(', ') || 'none'})`);
    };
    const checkSteps = (steps: readonly SolutionStep[], stepsPath: Path) =>
      steps.forEach((step, i) => {
        if ('op' in step) {
          unknownOp(step.op, [...stepsPath, i, 'op'], 'op');
          return;
        }
        if (step.service !== undefined) this.service(step.service, [...stepsPath, i, 'service']);
        for (const match of step.run.matchAll(/\blab\s+op\s+([A-Za-z0-9_-]+)/g)) unknownOp(match[1]!, [...stepsPath, i, 'run'], 'lab op');
      });
    checkSteps(c.solution.value.steps, [...c.solution.path, 'steps']);
    // Each resolution's own solution (firedrill test --resolution); the one `solution` names runs `solution`'s steps.
    if (!c.variant || c.resolutions.path[0] === 'variants') {
      resolutions.forEach((r, i) => {
        if (!r.solution) return;
        checkSteps(r.solution.steps, [...c.resolutions.path, i, 'solution', 'steps']);
        if (r.id === c.solution.value.resolution && (!c.variant || c.solution.path[0] === 'variants')) {
          this.report([...c.resolutions.path, i, 'solution'], `resolution "${r.id}" has its own solution, but ${formatPath(c.solution.path)}.resolution names it too, and those steps are the ones that run${suffix}: keep one`, 'warning', 'key');
        }
      });
    }

    // Learning: hints, investigation signals.
    const par = this.s.metadata.parMinutes * 60_000;
    this.unique(c.hints.value.map((h, i) => ({ id: h.id, path: [...c.hints.path, i, 'id'] })), 'hint id');
    c.hints.value.forEach((h, i) => {
      const ms = toMs(h.after);
      if (ms > par) this.report([...c.hints.path, i, 'after'], `hint "${h.id}" unlocks after ${formatDuration(ms)}, later than the par time of ${formatDuration(par)} (metadata.parMinutes)`);
    });
    this.unique(c.investigation.value.map((sig, i) => ({ id: sig.id, path: [...c.investigation.path, i, 'id'] })), 'investigation signal id');
    c.investigation.value.forEach((sig, i) => this.signalEvidence(sig, [...c.investigation.path, i]));
    if (c.investigation.value.length > 0 && !c.investigation.value.some((sig) => sig.rootCause))
      this.report(c.investigation.path, 'no investigation signal has rootCause: true, so no run can ever report a time to detect', 'warning');

    // Postmortem rubric.
    const pm = c.postmortem.value;
    const pmPath = c.postmortem.path;
    for (const list of ['rootCause', 'wrongRootCauses', 'mustMention', 'actionItemThemes'] as const) {
      this.unique(pm[list].map((item, i) => ({ id: item.id, path: [...pmPath, list, i, 'id'] })), `${list} id`);
    }
    const primaries = pm.rootCause.flatMap((cause, i) => (cause.primary ? [i] : []));
    for (const i of primaries.slice(1))
      this.report([...pmPath, 'rootCause', i, 'primary'], `only one root cause can be primary ("${pm.rootCause[primaries[0]!]!.id}" already is)`);
    const themes = pm.actionItemThemes.map((t) => t.id);
    if (mixed(c.postmortem, c.resolutions)) {
      for (const [resolution, required] of Object.entries(pm.requiredThemesByResolution)) {
        const path = [...pmPath, 'requiredThemesByResolution', resolution];
        if (!resolutionIds.includes(resolution)) this.report(path, `requiredThemesByResolution names unknown resolution "${resolution}"${suffix}${didYouMean(resolution, resolutionIds)} (resolutions: ${resolutionIds.join(', ')})`, 'error', 'key');
        required.forEach((theme, i) => {
          if (!themes.includes(theme)) this.report([...path, i], `requiredThemesByResolution names unknown action item theme "${theme}"${didYouMean(theme, themes)} (postmortem.actionItemThemes: ${themes.join(', ') || 'none'})`);
        });
      }
    }
  }

  private learner: { user: string | undefined } | undefined;

  /** An exec check the learner can bend: it reads files they can write, or runs as them. */
  private learnerProof(check: Extract<Check, { kind: 'exec' }>, path: Path): void {
    this.learner ??= { user: learnerUser(this.s, this.options.dir) };
    const user = this.learner.user;
    const home = user && user !== 'root' && user !== '0' ? `/home/${user}` : undefined;
    if (check.service === this.s.environment.bastion) {
      for (const file of learnerWritablePaths(check.command, home)) {
        this.report([...path, 'command'], `exec check "${check.id}" reads ${file}, which the learner (the bastion's user) can write: they could choose its verdict; check the system's own state instead`, 'warning');
      }
    }
    if (check.user !== undefined && user !== undefined && check.user.split(':')[0] === user && user !== 'root' && user !== '0') {
      this.report([...path, 'user'], `exec check "${check.id}" runs as "${user}", the learner's user on the bastion: their rc files and PATH could choose its verdict; leave user out (checks run as root with a clean environment)`, 'warning');
    }
  }

  private check(check: Check, path: Path): void {
    this.runtimesCanDo(operationsOfCheck(check), check.kind, [...path, 'kind'], 'check');
    if (check.kind === 'rollout' || check.kind === 'condition') {
      const ref = parseObjectRef(check.object);
      const info = typeof ref === 'string' ? undefined : kindInfo(ref.kind);
      if (check.kind === 'rollout' && info && !info.rollout) this.report([...path, 'object'], `${info.kind} has no rollout: name a Deployment, StatefulSet or DaemonSet`);
      if (check.kind === 'condition' && check.reasonMatches !== undefined) this.regex(check.reasonMatches, [...path, 'reasonMatches']);
      return;
    }
    if (check.kind === 'tcp') {
      this.service(check.from, [...path, 'from']);
      const known = new Set<string>(['localhost', ...this.services]);
      for (const svc of Object.values(this.s.environment.services)) {
        if (!Array.isArray(svc.networks)) for (const cfg of Object.values(svc.networks)) for (const alias of cfg.aliases) known.add(alias);
      }
      if (!known.has(check.host) && parseIpv4(check.host) === undefined) {
        this.report([...path, 'host'], `host "${check.host}" is not a service or alias of this pack${didYouMean(check.host, known)}`, 'warning');
      }
      return;
    }
    if (!this.service(check.service, [...path, 'service'])) return;
    switch (check.kind) {
      case 'exec':
        if (check.stdoutMatches !== undefined) this.regex(check.stdoutMatches, [...path, 'stdoutMatches']);
        if (check.stdoutNotMatches !== undefined) this.regex(check.stdoutNotMatches, [...path, 'stdoutNotMatches']);
        this.learnerProof(check, path);
        break;
      case 'http':
        if (check.bodyMatches !== undefined) this.regex(check.bodyMatches, [...path, 'bodyMatches']);
        this.published(check.service, check.port, [...path, 'port'], `http check "${check.id}"`);
        break;
      case 'sql':
        if ('matches' in check.expect) this.regex(check.expect.matches, [...path, 'expect', 'matches']);
        if ('notMatches' in check.expect) this.regex(check.expect.notMatches, [...path, 'expect', 'notMatches']);
        break;
      case 'promql':
      case 'alertmanager':
        this.published(check.service, check.port, [...path, 'port'], `${check.kind} check "${check.id}"`);
        break;
    }
  }
}

// ---------------------------------------------------------------- IPv4

/** A pack subnet: an IPv4 block between /8 and /30 with no host bits set, or why not. */
function packSubnet(text: string): Ipv4Cidr | string {
  const cidr = parseIpv4Cidr(text);
  if (!cidr) return parseIpv4(text.split('/')[0] ?? '') ? 'the prefix length must be between /8 and /30' : 'not an IPv4 address (each part 0-255)';
  if (cidr.prefix < 8 || cidr.prefix > 30) return 'the prefix length must be between /8 and /30';
  if (cidr.network.toString() !== cidr.address.toString()) return `host bits are set; use ${cidr.network.toString()}/${cidr.prefix}`;
  return cidr;
}


function normalizeTarget(target: string): string {
  const normal = posix.normalize(target).replace(/\/+$/, '');
  return normal === '' ? '/' : normal;
}

function isUnder(path: string, dir: string): boolean {
  return path === dir || path.startsWith(dir === '/' ? '/' : `${dir}/`);
}

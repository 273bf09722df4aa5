/**
 * Programs that run another command: `sudo psql …`, `watch curl …`, `ssh web curl …`, `docker exec db psql …`.
 * Each rule finds, in the wrapper's arguments, the command it runs: an argv (run as is) or a script (a string a
 * shell parses: `bash -c`, `su -c`, `watch` without `-x`, `ssh`'s remote command). Options are skipped the way
 * the program's own parser would (short options with a value take the rest of the cluster or the next word).
 */

export type Inner = { argv: string[] } | { script: string } | null;

interface Options {
  /** Short option letters that take a value (`-u root`, `-uroot`). */
  short?: string;
  /** Long options that take a value (`--user root`, `--user=root`). */
  long?: string[];
}

/** Index of the first operand after the options (`--` ends them); NAME=VALUE words are skipped when `assignments`. */
function operands(args: string[], options: Options, assignments = false): number {
  const short = options.short ?? '';
  const long = new Set(options.long ?? []);
  let i = 0;
  while (i < args.length) {
    const a = args[i]!;
    if (a === '--') return i + 1;
    if (a.startsWith('--')) {
      i += long.has(a) ? 2 : 1;
      continue;
    }
    if (a.startsWith('-') && a.length > 1) {
      // A cluster: the first letter that takes a value takes the rest of the cluster, or else the next word.
      let takesNext = false;
      for (let j = 1; j < a.length; j++)
        if (short.includes(a[j]!)) {
          takesNext = j === a.length - 1;
          break;
        }
      i += takesNext ? 2 : 1;
      continue;
    }
    if (assignments && /^[A-Za-z_][A-Za-z0-9_]*=/.test(a)) {
      i += 1;
      continue;
    }
    return i;
  }
  return i;
}

/** The value of a short option letter or long option, anywhere among the options (`-c sql`, `-Atc sql`, `--command=sql`). */
export function optionValues(args: string[], letter: string, longName: string | null, short: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') break;
    if (longName !== null && a === longName) {
      if (i + 1 < args.length) out.push(args[++i]!);
      continue;
    }
    if (longName !== null && a.startsWith(`${longName}=`)) {
      out.push(a.slice(longName.length + 1));
      continue;
    }
    if (a.startsWith('-') && !a.startsWith('--') && a.length > 1) {
      for (let j = 1; j < a.length; j++) {
        if (!short.includes(a[j]!)) continue;
        const rest = a.slice(j + 1);
        const value = rest !== '' ? rest : args[i + 1];
        if (rest === '') i += 1;
        if (a[j] === letter && value !== undefined) out.push(value);
        break;
      }
    }
  }
  return out;
}

const hasFlag = (args: string[], end: number, letters: string): boolean =>
  args.slice(0, end).some((a) => a.startsWith('-') && !a.startsWith('--') && [...letters].some((l) => a.slice(1).includes(l)));

const argvFrom = (args: string[], i: number): Inner => (i < args.length ? { argv: args.slice(i) } : null);
const scriptFrom = (args: string[], i: number): Inner => (i < args.length ? { script: args.slice(i).join(' ') } : null);

/** A shell run with `-c SCRIPT` (bash -lc "…"); a script file or an interactive shell is not a command line we can see. */
function shellScript(args: string[]): Inner {
  const script = optionValues(args, 'c', null, 'coO')[0];
  return script !== undefined ? { script } : null;
}

function docker(args: string[]): Inner {
  const global = operands(args, { short: 'cHl', long: ['--context', '--host', '--config', '--log-level', '--tlscacert', '--tlscert', '--tlskey'] });
  let rest = args.slice(global);
  if (rest[0] === 'container') rest = rest.slice(1);
  if (rest[0] === 'compose') {
    const c = operands(rest.slice(1), { short: 'fp', long: ['--file', '--project-name', '--profile', '--env-file', '--project-directory', '--ansi', '--parallel', '--progress'] });
    rest = rest.slice(1 + c);
    if (rest[0] !== 'exec') return null;
    const i = operands(rest.slice(1), { short: 'euw', long: ['--env', '--user', '--workdir', '--index'] });
    return argvFrom(rest, 1 + i + 1);
  }
  if (rest[0] !== 'exec') return null;
  const i = operands(rest.slice(1), { short: 'euw', long: ['--env', '--env-file', '--user', '--workdir', '--detach-keys'] });
  return argvFrom(rest, 1 + i + 1);
}

function kubectl(args: string[]): Inner {
  const exec = args.indexOf('exec');
  if (exec < 0) return null;
  const dashes = args.indexOf('--', exec);
  if (dashes >= 0) return argvFrom(args, dashes + 1);
  // The old form: kubectl exec POD CMD…
  const rest = args.slice(exec + 1);
  const i = operands(rest, { short: 'cnf', long: ['--container', '--namespace', '--filename', '--context', '--kubeconfig', '--pod-running-timeout'] });
  return argvFrom(rest, i + 1);
}

const RULES: Record<string, (args: string[]) => Inner> = {
  sudo: (args) => {
    const i = operands(args, { short: 'ughpCDrtUTR', long: ['--user', '--group', '--host', '--prompt', '--close-from', '--chdir', '--role', '--type', '--other-user', '--command-timeout'] });
    // -s/-i run the command through a shell.
    return hasFlag(args, i, 'si') ? scriptFrom(args, i) : argvFrom(args, i);
  },
  doas: (args) => argvFrom(args, operands(args, { short: 'uC' })),
  env: (args) => argvFrom(args, operands(args, { short: 'uCS', long: ['--unset', '--chdir', '--split-string'] }, true)),
  timeout: (args) => argvFrom(args, operands(args, { short: 'sk', long: ['--signal', '--kill-after'] }) + 1),
  nice: (args) => argvFrom(args, operands(args, { short: 'n', long: ['--adjustment'] })),
  ionice: (args) => argvFrom(args, operands(args, { short: 'cnp', long: ['--class', '--classdata', '--pid'] })),
  nohup: (args) => argvFrom(args, 0),
  stdbuf: (args) => argvFrom(args, operands(args, { short: 'ioe', long: ['--input', '--output', '--error'] })),
  time: (args) => argvFrom(args, operands(args, { short: 'fo', long: ['--format', '--output'] })),
  command: (args) => {
    const i = operands(args, {});
    return hasFlag(args, i, 'vV') ? null : argvFrom(args, i);
  },
  exec: (args) => argvFrom(args, operands(args, { short: 'a' })),
  builtin: (args) => argvFrom(args, 0),
  watch: (args) => {
    const i = operands(args, { short: 'nq', long: ['--interval', '--equexit'] });
    // watch hands its arguments to `sh -c` joined by spaces, unless -x/--exec.
    const exec = hasFlag(args, i, 'x') || args.slice(0, i).includes('--exec');
    return exec ? argvFrom(args, i) : scriptFrom(args, i);
  },
  xargs: (args) =>
    argvFrom(args, operands(args, { short: 'adEIiLlnPs', long: ['--arg-file', '--delimiter', '--eof', '--replace', '--max-lines', '--max-args', '--max-procs', '--max-chars', '--process-slot-var'] })),
  bash: shellScript,
  sh: shellScript,
  dash: shellScript,
  zsh: shellScript,
  ksh: shellScript,
  su: (args) => {
    const script = optionValues(args, 'c', '--command', 'cgGsw')[0];
    return script !== undefined ? { script } : null;
  },
  ssh: (args) => {
    const i = operands(args, { short: 'BbcDEeFIiJLlmOopQRSWw' });
    // The first operand is the host; the rest, joined by spaces, is what the remote shell runs.
    return scriptFrom(args, i + 1);
  },
  docker,
  kubectl,
};

/** The command a wrapper program runs, or null when `program` runs none we can see (or is no wrapper). */
export function innerCommand(program: string, args: string[]): Inner {
  const rule = RULES[program];
  return rule ? rule(args) : null;
}

/** Programs this module looks through. */
export const WRAPPERS: readonly string[] = Object.keys(RULES);

/**
 * Wrappers that add nothing of their own to what they run (docker, kubectl and ssh also do things themselves,
 * `docker logs`; `time` measures the command it runs).
 */
export const ONLY_WRAPPERS: readonly string[] = WRAPPERS.filter((w) => !['docker', 'kubectl', 'ssh', 'time'].includes(w));

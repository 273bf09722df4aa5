/**
 * `firedrill play <scenario>`: the whole lab in the user's own terminal. Briefing, a progress bar
 * while the sandbox comes up, then the user's TTY attached (raw) to the bastion shell, with the same
 * command capture, recording and `lab` helper as the app. `lab submit` or leaving the shell ends
 * the run: summary, then teardown. SIGINT/SIGTERM/SIGHUP tear down at any moment.
 */
import type { ProgressListener } from '../../../shared/progress.js';
import type { StartRun, PlayableRun } from '../../terminal/playable.js';
import type { PtySpawn } from '../../terminal/pty.js';
import { TerminalSession } from '../../terminal/session.js';

export interface PlayOptions {
  scenarioDir: string;
  variant?: string;
  seed?: number;
}

export interface PlayDeps {
  startRun: StartRun;
  stdin?: NodeJS.ReadStream;
  stdout?: NodeJS.WriteStream;
  stderr?: NodeJS.WritableStream;
  /** Where SIGINT/SIGTERM/SIGHUP come from (default: process). */
  signals?: Pick<NodeJS.Process, 'on' | 'off'>;
  spawn?: PtySpawn;
}

type Signal = 'SIGINT' | 'SIGTERM' | 'SIGHUP';
const SIGNALS: Signal[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
const SIGNAL_EXIT: Record<Signal, number> = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 };

const bold = (s: string): string => `\x1b[1m${s}\x1b[22m`;
const dim = (s: string): string => `\x1b[2m${s}\x1b[22m`;
const cyan = (s: string): string => `\x1b[36m${s}\x1b[39m`;

/** Markdown to plain terminal text: headings bold, lists bulleted, code cyan, links as `text <url>`. */
export function renderMarkdownForTerminal(markdown: string): string {
  const inline = (s: string): string =>
    s
      // Links first: the escapes added below contain '['.
      .replace(/!?\[([^[\]]*)\]\(([^)\s]+)\)/g, (_m, text: string, url: string) => (text ? `${text} <${url}>` : url))
      .replace(/`([^`]+)`/g, (_m, code: string) => cyan(code))
      .replace(/\*\*([^*]+)\*\*|__([^_]+)__/g, (_m, a?: string, b?: string) => bold(a ?? b ?? ''))
      .replace(/(^|[^*\w])\*([^*\s][^*]*)\*/g, '$1$2');
  const out: string[] = [];
  let fence = false;
  for (const line of markdown.replace(/\r\n/g, '\n').split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) {
      fence = !fence;
      continue;
    }
    if (fence) {
      out.push(`    ${cyan(line)}`);
      continue;
    }
    const heading = /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading) {
      const text = inline(heading[2]!);
      out.push(heading[1]!.length === 1 ? `\x1b[1;4m${text}\x1b[0m` : bold(text));
      continue;
    }
    const item = /^(\s*)[-*+]\s+(.*)$/.exec(line);
    if (item) {
      out.push(`${item[1]}  • ${inline(item[2]!)}`);
      continue;
    }
    const numbered = /^(\s*)(\d+)[.)]\s+(.*)$/.exec(line);
    if (numbered) {
      out.push(`${numbered[1]}  ${numbered[2]}. ${inline(numbered[3]!)}`);
      continue;
    }
    if (/^\s*>\s?/.test(line)) {
      out.push(dim(`  │ ${inline(line.replace(/^\s*>\s?/, ''))}`));
      continue;
    }
    if (/^\s*([-*_])(\s*\1){2,}\s*$/.test(line)) {
      out.push(dim('─'.repeat(40)));
      continue;
    }
    out.push(inline(line));
  }
  return out.join('\n').replace(/\n{3,}/g, '\n\n').trim();
}

export function progressLine(current: number, max: number, description: string, width = 28): string {
  const ratio = max > 0 ? Math.min(1, Math.max(0, current / max)) : 0;
  const filled = Math.round(ratio * width);
  return `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${String(Math.round(ratio * 100)).padStart(3)}% ${description}`;
}

export async function runPlay(options: PlayOptions, deps: PlayDeps): Promise<number> {
  const stdin = deps.stdin ?? process.stdin;
  const stdout = deps.stdout ?? process.stdout;
  const stderr = deps.stderr ?? process.stderr;
  const signals = deps.signals ?? process;
  const print = (s = ''): void => void stdout.write(`${s.replace(/\r?\n/g, '\r\n')}\r\n`);

  if (!stdin.isTTY || !stdout.isTTY) {
    stderr.write(
      'firedrill play needs an interactive terminal: stdin and stdout must be a TTY.\n' +
        'Run it directly in a terminal (not piped or redirected), or use the app / `firedrill serve`.\n',
    );
    return 2;
  }

  let run: PlayableRun | null = null;
  let session: TerminalSession | null = null;
  let torn: Promise<void> | null = null;
  let signalled: Signal | null = null;
  let wakeSignal: (signal: Signal) => void = () => undefined;
  const signalPromise = new Promise<Signal>((resolve) => (wakeSignal = resolve));

  const teardown = (): Promise<void> => {
    torn ??= (async () => {
      if (!run) return;
      print(dim('Tearing down the sandbox…'));
      try {
        await run.teardown();
        print(dim('Sandbox removed.'));
      } catch (error) {
        stderr.write(`firedrill play: teardown failed: ${error instanceof Error ? error.message : String(error)}\n`);
      }
    })();
    return torn;
  };

  const onSignal = (signal: Signal): void => {
    if (signalled) return;
    signalled = signal;
    wakeSignal(signal);
  };
  const handlers = SIGNALS.map((s) => [s, () => onSignal(s)] as const);
  for (const [s, h] of handlers) signals.on(s, h);

  let rawMode = false;
  const restoreTty = (): void => {
    if (rawMode && stdin.isTTY) stdin.setRawMode(false);
    rawMode = false;
  };

  const interrupted = async (signal: Signal): Promise<number> => {
    restoreTty();
    print();
    print(`Interrupted (${signal}).`);
    if (session) await session.kill();
    await teardown();
    return SIGNAL_EXIT[signal];
  };

  try {
    const starting = deps.startRun(options.scenarioDir, {
      ...(options.variant !== undefined ? { variant: options.variant } : {}),
      ...(options.seed !== undefined ? { seed: options.seed } : {}),
    });
    const started = await Promise.race([starting, signalPromise]);
    if (typeof started === 'string') {
      // The run is still being created: wait for it, so that it is torn down too.
      run = await starting.catch(() => null);
      return await interrupted(started);
    }
    run = started;

    print(`\x1b[1;4m${run.title}\x1b[0m`);
    print();
    print(renderMarkdownForTerminal(run.briefing));
    print();
    print(dim('Bringing the sandbox up… (Ctrl-C cancels and cleans up)'));

    let lastLine = '';
    const onProgress: ProgressListener = (p) => {
      lastLine = progressLine(p.current, p.max, p.description.slice(0, Math.max(10, (stdout.columns ?? 80) - 40)));
      stdout.write(`\r\x1b[K${lastLine}`);
    };
    const readyOrSignal = await Promise.race([run.ready(onProgress).then(() => 'ready' as const), signalPromise]);
    if (lastLine) stdout.write('\r\n');
    if (readyOrSignal !== 'ready') return await interrupted(readyOrSignal);

    print(bold('The incident is live.') + ' You are on the bastion; type `lab help` for hints, checks and submitting.');
    print();

    let submitted = false;
    let endSession: () => void = () => undefined;
    const sessionEnded = new Promise<'submit'>((resolve) => (endSession = () => resolve('submit')));
    const live = new TerminalSession({
      runId: run.id,
      terminal: 1,
      service: run.shellService ?? 'bastion',
      shell: run.shell(),
      events: run.events,
      sessionDir: run.sessionDir,
      lab: run.lab,
      cols: stdout.columns || 80,
      rows: stdout.rows || 24,
      onLabAnswered: (verb) => {
        if (verb === 'submit' && !submitted) {
          submitted = true;
          // Let `lab` print the answer before the shell goes away.
          setTimeout(endSession, 500);
        }
      },
      ...(deps.spawn ? { spawn: deps.spawn } : {}),
    });
    session = live;
    const exited = new Promise<'exit'>((resolve) => live.onExit(() => resolve('exit')));

    live.onOutput((data) => void stdout.write(data));
    const onInput = (data: Buffer | string): void => live.write(typeof data === 'string' ? data : data.toString('utf8'));
    const onResize = (): void => live.resize(stdout.columns || 80, stdout.rows || 24);
    stdin.setRawMode(true);
    rawMode = true;
    stdin.on('data', onInput);
    stdin.resume();
    stdout.on('resize', onResize);

    const why = await Promise.race([exited, sessionEnded, signalPromise]);
    stdin.off('data', onInput);
    stdout.off('resize', onResize);
    stdin.pause();
    restoreTty();
    if (why !== 'exit' && why !== 'submit') return await interrupted(why);
    if (why === 'submit') await live.kill();
    await live.closed;

    print();
    print(bold(submitted ? 'Submitted.' : 'Shell closed.'));
    try {
      print(await run.summary());
    } catch (error) {
      stderr.write(`firedrill play: no summary: ${error instanceof Error ? error.message : String(error)}\n`);
    }
    await teardown();
    return 0;
  } catch (error) {
    restoreTty();
    stderr.write(`firedrill play: ${error instanceof Error ? error.message : String(error)}\n`);
    if (session) await session.kill();
    await teardown();
    return 1;
  } finally {
    stdin.pause();
    for (const [s, h] of handlers) signals.off(s, h);
  }
}

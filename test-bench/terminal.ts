/**
 * Terminal benchmarks, through the real pieces: node-pty → TerminalSession (OSC filter, scrollback,
 * asciicast recording) → serveTerminalSocket → a real `ws` server on 127.0.0.1 → a `ws` client.
 *  - keystroke-to-echo: one character sent as `stdin`, time until its echo arrives as `stdout`
 *    (a local `cat` pty: the tty echoes), 200 keystrokes one after the other;
 *  - 10 MB of output streamed from the pty to the client, 3 runs.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { WebSocket, WebSocketServer } from 'ws';
import type { ServerMessage } from '../shared/api/terminal-protocol.js';
import { TerminalRegistry } from '../main/terminal/registry.js';
import { serveTerminalSocket } from '../main/terminal/socket.js';

type Result = Record<string, { median: number; p99?: number; p95?: number; unit: string }>;

const KEYSTROKES = 200;
const STREAM_BYTES = 10 * 1024 * 1024;
const STREAM_RUNS = 3;

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i]!;
}

const round = (n: number, digits = 3): number => Math.round(n * 10 ** digits) / 10 ** digits;

export async function benchTerminal(): Promise<Result> {
  const dir = mkdtempSync(join(tmpdir(), 'firedrill-bench-term-'));
  const registry = new TerminalRegistry();
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  wss.on('connection', (socket) => serveTerminalSocket(socket, registry));
  await new Promise((resolve) => wss.once('listening', resolve));
  const port = (wss.address() as { port: number }).port;

  const client = async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}`);
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    return ws;
  };

  try {
    // ---- keystroke to echo
    const runId = 'bench';
    const echoTerminal = registry.open({ runId, service: 'local', shell: { file: 'cat', args: [], env: {} }, sessionDir: dir });
    const ws = await client();
    let received = '';
    let wake: (() => void) | null = null;
    ws.on('message', (raw) => {
      const m = JSON.parse(raw.toString()) as ServerMessage;
      if (m.type === 'stdout') {
        received += m.data;
        wake?.();
      }
    });
    ws.send(JSON.stringify({ type: 'attach', terminal: `${runId}:${echoTerminal}` }));
    await new Promise((r) => setTimeout(r, 200));
    const latencies: number[] = [];
    const alphabet = 'abcdefghijklmnopqrstuvwxyz';
    for (let i = 0; i < KEYSTROKES + 10; i += 1) {
      const ch = alphabet[i % alphabet.length]!;
      received = '';
      const arrived = new Promise<void>((resolve, reject) => {
        const timeout = setTimeout(() => reject(new Error('no echo within 5 s')), 5_000);
        wake = () => {
          if (received.includes(ch)) {
            clearTimeout(timeout);
            resolve();
          }
        };
      });
      const t0 = performance.now();
      ws.send(JSON.stringify({ type: 'stdin', terminal: `${runId}:${echoTerminal}`, data: ch }));
      await arrived;
      if (i >= 10) latencies.push(performance.now() - t0); // first 10: warm-up
      // Keep the line short: cat's tty line would otherwise grow forever.
      if (i % 50 === 49) ws.send(JSON.stringify({ type: 'stdin', terminal: `${runId}:${echoTerminal}`, data: '\x15' }));
    }
    ws.close();
    latencies.sort((a, b) => a - b);

    // ---- 10 MB through the socket
    const streamMs: number[] = [];
    for (let run = 0; run < STREAM_RUNS; run += 1) {
      const script = `read _; yes 0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstu | head -c ${STREAM_BYTES}`;
      const n = registry.open({ runId, service: 'local', shell: { file: 'bash', args: ['--norc', '--noprofile', '-c', script], env: {} }, sessionDir: dir });
      const sock = await client();
      let bytes = 0;
      let t0 = 0;
      const done = new Promise<number>((resolve) => {
        sock.on('message', (raw) => {
          const m = JSON.parse(raw.toString()) as ServerMessage;
          if (m.type === 'stdout') bytes += m.data.length;
          if (m.type === 'exit') resolve(performance.now() - t0);
        });
      });
      sock.send(JSON.stringify({ type: 'attach', terminal: `${runId}:${n}` }));
      await new Promise((r) => setTimeout(r, 100));
      t0 = performance.now();
      sock.send(JSON.stringify({ type: 'stdin', terminal: `${runId}:${n}`, data: '\r' }));
      const ms = await done;
      // The pty turns each \n into \r\n: at least the 10 MB arrived.
      if (bytes < STREAM_BYTES) throw new Error(`streamed only ${bytes} of ${STREAM_BYTES} bytes`);
      streamMs.push(ms);
      sock.close();
    }
    streamMs.sort((a, b) => a - b);
    const medianMs = quantile(streamMs, 0.5);

    return {
      'terminal.keystroke_echo': {
        median: round(quantile(latencies, 0.5)),
        p95: round(quantile(latencies, 0.95)),
        p99: round(quantile(latencies, 0.99)),
        unit: 'ms',
      },
      'terminal.stream_10MB': { median: round(medianMs, 1), unit: 'ms' },
      'terminal.stream_throughput': { median: round(STREAM_BYTES / 1024 / 1024 / (medianMs / 1000), 1), unit: 'MB/s' },
    };
  } finally {
    await registry.closeAll();
    await new Promise((resolve) => wss.close(() => resolve(undefined)));
    rmSync(dir, { recursive: true, force: true });
  }
}

import type { WebSocket } from 'ws';
import type { RunManager } from '../engine/run/run-manager.js';
import { runSnapshot } from './views/run-snapshot.js';
import { eventsClientMessageSchema, type EventsServerMessage } from '../../shared/api/contract.js';

/** Snapshots at most this often per run: the UI stays live without flooding the socket. */
const THROTTLE_MS = 200;

/**
 * `/ws/events`: the client subscribes to runs and gets a fresh snapshot whenever a run changes
 * (phase, progress, checks, alerts, timeline), throttled.
 */
export function serveEventsSocket(socket: WebSocket, manager: RunManager): void {
  const subscriptions = new Map<string, () => void>();
  const send = (message: EventsServerMessage): void => {
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
  };

  socket.on('message', (data) => {
    let parsed;
    try {
      parsed = eventsClientMessageSchema.safeParse(JSON.parse(String(data)));
    } catch {
      return send({ type: 'error', message: 'messages must be JSON' });
    }
    if (!parsed.success) return send({ type: 'error', message: parsed.error.issues.map((i) => i.message).join('; ') });
    const message = parsed.data;
    if (message.type === 'unsubscribe') {
      subscriptions.get(message.runId)?.();
      subscriptions.delete(message.runId);
      return;
    }
    const run = manager.get(message.runId);
    if (!run) return send({ type: 'error', message: `no active run ${message.runId}` });
    if (subscriptions.has(run.id)) return;
    let timer: NodeJS.Timeout | null = null;
    let lastSent = 0;
    const flush = () => {
      timer = null;
      lastSent = Date.now();
      if (run.progress) send({ type: 'run.progress', runId: run.id, progress: run.progress });
      send({ type: 'run.snapshot', snapshot: runSnapshot(run) });
    };
    const onChange = () => {
      if (timer) return;
      timer = setTimeout(flush, Math.max(0, THROTTLE_MS - (Date.now() - lastSent)));
    };
    const unsubscribe = run.onChange(onChange);
    subscriptions.set(run.id, () => {
      unsubscribe();
      if (timer) clearTimeout(timer);
    });
    flush();
  });

  // Snapshots carry clocks and hint unlocks; a heartbeat keeps them moving while nothing else changes.
  const heartbeat = setInterval(() => {
    for (const runId of subscriptions.keys()) {
      const run = manager.get(runId);
      if (run) send({ type: 'run.snapshot', snapshot: runSnapshot(run) });
    }
  }, 1000);

  socket.on('close', () => {
    clearInterval(heartbeat);
    for (const stop of subscriptions.values()) stop();
    subscriptions.clear();
  });
}

import type { TimelineItem } from '../../../shared/api/contract.js';
import type { RunEvent } from '../../engine/events/types.js';
import { formatDuration } from '../../../shared/format/duration.js';

/**
 * What the learner may see of the event log, as a timeline. Fault steps and check details stay hidden
 * while the incident is live (they would give the answer away) and are revealed in the report.
 */
export function timelineFromEvents(events: RunEvent[], options: { reveal: boolean }): TimelineItem[] {
  const paged = events.find((e) => e.type === 'phase.changed' && e.to === 'live');
  const since = (event: RunEvent): number | null => (paged ? event.mono - paged.mono : null);
  const items: TimelineItem[] = [];
  const push = (event: RunEvent, item: Omit<TimelineItem, 'id' | 'time' | 'sincePageMs'>): void => {
    items.push({ id: event.id, time: event.time, sincePageMs: since(event), ...item });
  };
  /** Who held each shared terminal's keyboard, to tell a take-over from a take. */
  const holders = new Map<number, string | null>();
  for (const event of events) {
    switch (event.type) {
      case 'phase.changed':
        if (event.to === 'live')
          push(event, { kind: 'alert', text: 'Paged: the incident starts', ok: false });
        else if (event.to === 'resolved') push(event, { kind: 'resolution', text: 'Resolved', ok: true });
        else if (event.to === 'abandoned') push(event, { kind: 'phase', text: 'Abandoned' });
        else if (event.to === 'replaying')
          push(event, { kind: 'phase', text: 'Replaying the failure to prove the fix' });
        else if (options.reveal) push(event, { kind: 'phase', text: `Phase: ${event.to}` });
        break;
      case 'fault.step':
        if (options.reveal) {
          const what = event.replay ? 'Replay' : 'Fault';
          push(event, {
            kind: 'fault',
            text: `${what} ${event.stepId}: ${event.action} (${event.status})`,
            ...(event.detail ? { detail: event.detail } : {}),
          });
        }
        break;
      case 'pager.paged':
        push(event, {
          kind: 'page',
          text: `Page #${event.total}${event.alertnames.length > 0 ? `: ${event.alertnames.join(', ')}` : ''}`,
          ok: false,
        });
        break;
      case 'run.submitted':
        push(event, {
          kind: 'check',
          text: event.holding ? 'Submitted the fix' : 'Submitted, but no fix held yet',
          ok: event.holding !== null,
        });
        break;
      case 'replay.finished': {
        const passed = event.results.filter((r) => r.pass).map((r) => r.resolutionId);
        const text = !event.showed
          ? 'Replay: the failure did not come back, so it proved nothing'
          : passed.length > 0
            ? `Replay passed${options.reveal ? ` (${passed.join(', ')})` : ''}`
            : 'Replay: the fix did not hold up';
        push(event, { kind: 'check', text, ok: event.showed && passed.length > 0 });
        break;
      }
      case 'alert.fired':
        push(event, {
          kind: 'alert',
          text: `${event.alertname} firing`,
          ok: false,
          ...(event.severity ? { detail: event.severity } : {}),
        });
        break;
      case 'alert.resolved':
        push(event, { kind: 'alert', text: `${event.alertname} resolved`, ok: true });
        break;
      case 'command':
        push(event, {
          kind: 'command',
          text: event.command,
          detail: `${event.by ? `${event.by} · ` : ''}${event.source === 'psql' ? 'psql' : `terminal ${event.terminal}`} · exit ${event.exitCode ?? '?'}${event.interrupted ? ' (interrupted)' : ''}`,
          ok: event.exitCode === 0,
        });
        break;
      case 'hint.shown':
        push(event, { kind: 'hint', text: `Hint ${event.index + 1} taken`, detail: event.text });
        break;
      case 'fix.checked': {
        const holding = event.results.filter((r) => r.pass).length;
        push(event, {
          kind: 'check',
          text: `Checked the fix: ${holding}/${event.results.length} checks hold`,
          ok: holding === event.results.length,
        });
        break;
      }
      case 'lab.request':
        if (event.verb.startsWith('op:'))
          push(event, { kind: 'operation', text: `Operation: ${event.verb.slice(3)}` });
        break;
      case 'resolution.holding':
        if (options.reveal)
          push(event, { kind: 'resolution', text: `Mitigated (${event.resolutionId}); holding` });
        break;
      case 'resolution.reached':
        push(event, { kind: 'resolution', text: `Resolution reached: ${event.resolutionId}`, ok: true });
        break;
      case 'check.changed':
        if (event.group === 'steadyState') {
          push(event, {
            kind: 'check',
            text: `${event.title}: ${event.pass ? 'healthy' : 'failing'}`,
            ok: event.pass,
            ...(event.observed ? { detail: event.observed } : {}),
          });
        }
        break;
      case 'facilitator.action':
        // Broadcasts are for the team; what the facilitator injected stays hidden until the report.
        if (event.action === 'broadcast') push(event, { kind: 'broadcast', text: event.message ?? '' });
        // The game clock is everyone's business: a pause or an extension reaches the team like a broadcast.
        else if (event.action === 'pause') push(event, { kind: 'broadcast', text: 'The facilitator paused the game clock.' });
        else if (event.action === 'resume') push(event, { kind: 'broadcast', text: 'The game clock runs again.' });
        else if (event.action === 'extend')
          push(event, { kind: 'broadcast', text: `The facilitator extended the time box by ${formatDuration(event.extendMs ?? 0)}.` });
        else if (options.reveal)
          push(event, { kind: 'operation', text: `Facilitator ${event.action}${event.target ? ` ${event.target}` : ''}`, ...(event.message ? { detail: event.message } : {}) });
        break;
      case 'terminal.keyboard': {
        const previous = holders.get(event.terminal) ?? null;
        holders.set(event.terminal, event.holder);
        const text = event.holder === null
          ? `${previous ?? 'Nobody'} left the keyboard of terminal ${event.terminal}`
          : previous === null
            ? `${event.holder} took the keyboard of terminal ${event.terminal}`
            : `${event.holder} took over the keyboard of terminal ${event.terminal} from ${previous}`;
        push(event, { kind: 'note', text });
        break;
      }
      case 'run.error':
        push(event, { kind: 'note', text: `Error: ${event.message}`, ok: false });
        break;
      case 'capture.spoofed':
        // A trainer sees what was refused and why; nothing of it counted.
        push(event, {
          kind: 'note',
          text: event.suppressed ? `${event.suppressed} more forged terminal marks refused` : `Forged terminal mark refused: ${event.reason}`,
          ok: false,
          ...(event.text ? { detail: event.text } : {}),
        });
        break;
      default:
        break;
    }
  }
  return items;
}

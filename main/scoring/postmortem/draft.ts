import { formatDuration } from '../../../shared/format/duration.js';
import type { RunEvent } from '../../engine/events/types.js';
import type { ScoringScenario } from '../types.js';
import { compileSignals, signalHits } from '../signals.js';
import { pageEvent } from './timeline.js';

type CommandEvent = Extract<RunEvent, { type: 'command' }>;

const MAX_COMMANDS = 15;

function utc(iso: string): string {
  return new Date(iso).toISOString().slice(11, 19);
}

function relative(iso: string, pageMs: number | null): string {
  if (pageMs === null) return '';
  return `T${formatDuration(Date.parse(iso) - pageMs, 'clock', { sign: 'always', hours: false, rounding: 'nearest' })}`;
}

function cell(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  const short = oneLine.length > 90 ? `${oneLine.slice(0, 89)}…` : oneLine;
  return short.replace(/\|/g, '\\|').replace(/`/g, "'");
}

interface Row {
  seq: number;
  time: string;
  text: string;
}

/** The learner's commands, condensed: the first per investigation signal, then other notable ones, at most 15. */
function commandRows(commands: CommandEvent[], scenario: ScoringScenario): Row[] {
  const chosen = new Map<number, Row>();
  const seen = new Set<string>();
  // The first command that earned each signal (evidence, not words: see signals.ts).
  for (const hit of signalHits(commands, compileSignals(scenario.investigation))) {
    if (hit.credit === 0 || seen.has(hit.signalId) || chosen.has(hit.command.seq)) continue;
    seen.add(hit.signalId);
    const c = hit.command;
    chosen.set(c.seq, {
      seq: c.seq,
      time: c.startedAt || c.time,
      text: `ran \`${cell(c.command)}\` (${hit.signalId})`,
    });
  }
  // The first command, and any command that changed something, are worth a line too.
  const changing =
    /\b(create|drop|alter|analy[sz]e|vacuum|reindex|insert|update|delete|restart|rollback|rollout|lab\s+op|kill|rm)\b/i;
  for (const c of commands) {
    if (chosen.size >= MAX_COMMANDS) break;
    if (chosen.has(c.seq)) continue;
    if (c === commands[0] || changing.test(c.command))
      chosen.set(c.seq, { seq: c.seq, time: c.startedAt || c.time, text: `ran \`${cell(c.command)}\`` });
  }
  return [...chosen.values()].sort((a, b) => a.seq - b.seq).slice(0, MAX_COMMANDS);
}

/**
 * A postmortem template with the timeline filled in from the session log (UTC times and T+mm:ss from the
 * page), against the scenario as the run played it (variant applied). Everything else is prompts for the learner.
 */
export function draftPostmortem(events: RunEvent[], scenario: ScoringScenario): string {
  const created = events.find((e) => e.type === 'run.created');
  const page = pageEvent(events);
  const pageMs = page ? Date.parse(page.time) : null;
  const rows: Row[] = [];
  const add = (e: RunEvent, text: string, time = e.time): void => {
    rows.push({ seq: e.seq, time, text });
  };

  const fault = events.find((e) => e.type === 'fault.step' && e.status === 'applied');
  if (fault && fault.type === 'fault.step')
    add(fault, `Fault injected (${fault.stepId}) — describe the change that triggered it`);
  const alert = events.find((e) => e.type === 'alert.fired');
  if (alert && alert.type === 'alert.fired')
    add(alert, `Alert ${alert.alertname} fired${alert.severity ? ` (${alert.severity})` : ''}`);
  if (page) add(page, 'Paged: the incident is live');
  const commands = events.filter((e): e is CommandEvent => e.type === 'command');
  for (const row of commandRows(commands, scenario)) rows.push(row);
  const resolutions = scenario.checks.resolutions;
  for (const e of events) {
    if (e.type === 'hint.shown') add(e, `Hint ${e.index + 1} taken`);
    if (e.type === 'resolution.holding') {
      const title = resolutions.find((r) => r.id === e.resolutionId)?.title ?? e.resolutionId;
      add(e, `Mitigated: checks for "${title}" pass`);
    }
    if (e.type === 'resolution.reached') {
      const title = resolutions.find((r) => r.id === e.resolutionId)?.title ?? e.resolutionId;
      add(e, `Resolved: "${title}" held`);
    }
    if (e.type === 'run.ended' && e.outcome !== 'resolved') add(e, `Run ended (${e.outcome})`);
  }
  rows.sort((a, b) => Date.parse(a.time) - Date.parse(b.time) || a.seq - b.seq);

  const date = (page ?? created)?.time.slice(0, 10) ?? '';
  const title = scenario.metadata.title;
  const timeline = [
    '| Time (UTC) | Since page | Event |',
    '| --- | --- | --- |',
    ...rows.map((r) => `| ${utc(r.time)} | ${relative(r.time, pageMs)} | ${r.text} |`),
  ].join('\n');

  return `# Postmortem: ${title}${date ? ` (${date})` : ''}

> Blameless: describe what happened and how the system allowed it. Name roles and systems, not people.

## Summary

<!-- Two or three sentences: what broke, for whom, how long, how it was fixed. -->

## Impact

<!-- Quantify: duration, latency or error rates with units, which users or requests and how many. -->

## Root cause

<!-- The underlying cause, deep enough that fixing it prevents a repeat. Ask "why" more than once. -->

## Trigger

<!-- The change or event that set it off. -->

## Detection

<!-- How it was noticed (which alert, when), and how it could be noticed sooner. -->

## Resolution

<!-- What you did to mitigate and then resolve it, and why that option. -->

## Timeline

${timeline}

<!-- Add what you saw and concluded at each step. -->

## Action items

| Action | Type (prevent / detect / mitigate) | Owner | Tracking |
| --- | --- | --- | --- |
|  |  |  |  |

## Lessons learned

### What went well

### What went wrong

### Where we got lucky
`;
}

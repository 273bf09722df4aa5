/** Names and labels of everything a run creates: cleanup finds leftovers by these, even after a crash. */
import { hostname } from 'node:os';
import { LABELS } from '../runtime.js';

export interface Owner {
  pid: number;
  host: string;
}

export function currentOwner(): Owner {
  return { pid: process.pid, host: hostname() };
}

/** Labels for a network or container of a run; `service` only on containers. */
export function runLabels(runId: string, scenario: string, owner: Owner, service?: string): Record<string, string> {
  const labels: Record<string, string> = {
    [LABELS.managed]: 'true',
    [LABELS.run]: runId,
    [LABELS.scenario]: scenario,
    [LABELS.ownerPid]: String(owner.pid),
    [LABELS.ownerHost]: owner.host,
  };
  if (service !== undefined) labels[LABELS.service] = service;
  return labels;
}

/** Docker `filters` JSON selecting our objects, optionally one run. */
export function labelFilters(runId?: string): { label: string[] } {
  const label = [`${LABELS.managed}=true`];
  if (runId !== undefined) label.push(`${LABELS.run}=${runId}`);
  return { label };
}

/** Docker names allow [a-zA-Z0-9][a-zA-Z0-9_.-]*; run ids and service names are checked against it. */
const NAME_PART = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

export function assertNamePart(kind: string, value: string): void {
  if (!NAME_PART.test(value)) {
    throw new Error(`${kind} "${value}" is not usable in a Docker name (letters, digits, '_', '.', '-'; not first)`);
  }
}

export function containerName(runId: string, service: string): string {
  return `fd-${runId}-${service}`;
}

export function networkName(runId: string, network: string): string {
  return `fd-${runId}-${network}`;
}

export function volumeName(runId: string, volume: string): string {
  return `fd-${runId}-${volume}`;
}

/**
 * Which files an exec check reads that the learner can write. The learner is the bastion's user:
 * whatever sits in their home, /tmp, /var/tmp or /dev/shm is theirs to forge, so a check that reads
 * it lets them choose its verdict. Static and conservative: it looks at the words of the command.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Scenario } from './schema.js';

const WRITABLE = /(?:^|[\s'"=:<>|;&(])((?:~[\w.-]*|\$\{?HOME\}?)(?:\/[^\s'";&|)]*)?|\/(?:tmp|var\/tmp|dev\/shm|home|run\/user)(?:\/[^\s'";&|)]*)?)/g;

/** The learner-writable paths an exec check's command names, in order, without repeats. */
export function learnerWritablePaths(command: string | string[], learnerHome?: string): string[] {
  const text = typeof command === 'string' ? command : command.join(' ');
  const found = new Set<string>();
  for (const match of text.matchAll(WRITABLE)) found.add(match[1]!);
  if (learnerHome && learnerHome !== '/') {
    for (const word of text.split(/[\s'"=:<>|;&()]+/)) if (word === learnerHome || word.startsWith(`${learnerHome}/`)) found.add(word);
  }
  return [...found];
}

/** The user the learner's terminal runs as: the bastion service's `user`, else its pack image's last USER. */
export function learnerUser(scenario: Scenario, dir?: string): string | undefined {
  const bastion = scenario.environment.services[scenario.environment.bastion];
  if (!bastion) return undefined;
  if (bastion.user) return bastion.user.split(':')[0];
  const image = scenario.environment.images.find((i) => i.name === bastion.image);
  if (!image || !dir) return undefined;
  try {
    const dockerfile = readFileSync(join(dir, image.context ?? join('images', image.name), image.dockerfile), 'utf8');
    const users = [...dockerfile.matchAll(/^\s*USER\s+([^\s:]+)/gim)].map((m) => m[1]!);
    return users.at(-1);
  } catch {
    return undefined;
  }
}

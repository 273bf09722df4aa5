/**
 * config-drift's investigation signals and risky patterns against commands learners really type in its
 * bastion (the tools its briefing and motd name), read the way the scorer reads them (signals.ts).
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../../main/engine/scenario/load.js';
import { signalsEarned } from './signals-of.js';

const scenario = (await loadScenario(fileURLToPath(new URL('../../../scenarios/config-drift', import.meta.url)))).scenario;
const signalsOf = (command: string): string[] => signalsEarned(scenario.investigation, command);
const risky = (command: string): boolean => (scenario.scoring.risky ?? []).some((r) => new RegExp(r.pattern, 'i').test(command));

describe('config-drift investigation signals', () => {
  it.each([
    ['curl -s loadgen:9100/stats | jq .reports.by_edge', 'symptom-by-edge'],
    ['for e in edge-1 edge-2 edge-3; do curl -s -o /dev/null -w "%{http_code}\\n" $e/reports/x; done', 'symptom-by-edge'],
    ['curl -si lb/reports/daily-sales | grep -i x-edge', 'symptom-by-edge'],
    ["curl -s -o /dev/null -w '%{time_total}' lb/reports/daily-sales", 'request-timing'],
    ['time curl -s lb/reports/inventory', 'request-timing'],
    ['ssh edge-2', 'edge-host'],
    ['ssh edge-2 sudo tail -n 50 /var/log/nginx/error.log', 'edge-host'],
    ['reconciler log -n 200', 'reconciler-log'],
    ['reconciler status', 'reconciler-log'],
    ['reconciler audit', 'audit-trail'],
    ['ansible-playbook site.yml --check --diff', 'drift-check'],
    ['ansible-playbook -C --diff -l edge-2 site.yml', 'drift-check'],
    ['git log -p host_vars/', 'git-history'],
    ['git -C ~/fleet-config show HEAD~1', 'git-history'],
    ['cat host_vars/edge-2.yml', 'git-history'],
  ])('%s counts as %s', (command, signal) => {
    expect(signalsOf(command)).toContain(signal);
  });

  it.each([
    'reconciler resume',
    'reconciler run --wait',
    'git push origin main',
    'git commit -am fix',
    'ls',
    'cd fleet-config',
    'echo reconciler log ansible-playbook --check git log host_vars edge-2 by_edge',
    '# ssh edge-2 reconciler audit',
  ])(
    '%s is an action, not an investigation signal',
    (command) => {
      expect(signalsOf(command)).toEqual([]);
    },
  );

  it('counts the reconciler log, the audit trail, --check and git history as root-cause signals', () => {
    const rootCause = scenario.investigation.filter((s) => s.rootCause).map((s) => s.id);
    expect(rootCause.sort()).toEqual(['audit-trail', 'drift-check', 'git-history', 'reconciler-log']);
  });
});

describe('config-drift risky commands', () => {
  it.each(['git push --force origin main', 'git push -f', 'ssh edge-2 sudo service nginx stop', 'sudo nginx -s stop', 'rm -rf ~/fleet-config', 'git push origin --delete main'])(
    '%s costs safety points',
    (command) => {
      expect(risky(command)).toBe(true);
    },
  );
  it.each(['git push origin main', 'sudo nginx -s reload', 'sudo service nginx reload', 'reconciler pause --reason "INC-2304"', 'rm /tmp/x'])(
    '%s does not',
    (command) => {
      expect(risky(command)).toBe(false);
    },
  );
});

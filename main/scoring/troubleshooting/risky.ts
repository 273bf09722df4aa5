import type { Scenario } from '../../engine/scenario/schema.js';

/** Commands an on-call engineer should not run blindly; each costs safety points, with the command as evidence. */
export interface RiskyRule {
  id: string;
  pattern: RegExp;
  reason: string;
  cost: number;
}

export const BUILTIN_RISKY: RiskyRule[] = [
  { id: 'drop-table', pattern: /\bdrop\s+(table|database|schema)\b/i, reason: 'drops data', cost: 10 },
  {
    id: 'truncate',
    pattern: /\btruncate\s+(table\s+)?\w/i,
    reason: 'deletes every row of a table',
    cost: 10,
  },
  {
    id: 'delete-without-where',
    pattern: /\bdelete\s+from\s+[\w."]+\s*(;|$)(?![\s\S]*\bwhere\b)/i,
    reason: 'DELETE without WHERE removes every row',
    cost: 10,
  },
  {
    id: 'update-without-where',
    pattern: /^\s*update\s+[\w."]+\s+set\s+(?![\s\S]*\bwhere\b)[\s\S]*$/i,
    reason: 'UPDATE without WHERE rewrites every row',
    cost: 5,
  },
  {
    id: 'kubectl-delete-ns',
    pattern: /\bkubectl\b.*\bdelete\s+(ns|namespaces?)\b/i,
    reason: 'deletes a whole namespace',
    cost: 10,
  },
  {
    id: 'kubectl-delete-all',
    pattern: /\bkubectl\b.*\bdelete\b.*(--all\b|\b(pvc|persistentvolumeclaims?|pv|statefulsets?|sts)\b)/i,
    reason: 'deletes workloads or volumes wholesale',
    cost: 5,
  },
  {
    id: 'rm-rf',
    pattern:
      /\brm\s+(-[a-z]*r[a-z]*f[a-z]*|-[a-z]*f[a-z]*r[a-z]*|-r\s+-f|-f\s+-r|--recursive\s+--force|--force\s+--recursive)\b/i,
    reason: 'recursive forced delete',
    cost: 5,
  },
  {
    id: 'kill-9',
    pattern: /\bkill\s+(-9|-kill|-sigkill|-s\s+(9|kill|sigkill))\b/i,
    reason: 'SIGKILL gives the process no chance to clean up',
    cost: 3,
  },
  { id: 'killall', pattern: /\b(killall|pkill)\b/i, reason: 'kills processes by name, blindly', cost: 3 },
  {
    id: 'docker-rm-f',
    pattern: /\bdocker\s+(container\s+)?rm\s+(-[a-z]*f|--force)\b/i,
    reason: 'force-removes a container',
    cost: 5,
  },
  {
    id: 'docker-prune',
    pattern: /\bdocker\s+(system|volume|container)\s+prune\b/i,
    reason: 'prunes Docker objects wholesale',
    cost: 5,
  },
  {
    id: 'restart-everything',
    pattern:
      /\bdocker\s+(restart|kill|stop)\s+\$\(docker\s+ps|\bdocker\s+compose\s+(restart|down)\s*$|\bkubectl\s+rollout\s+restart\b.*(--all|-A\b)|\bkubectl\b.*\bdelete\s+pods?\b.*(--all|-A\b)|\b(reboot|shutdown\s|init\s+6)\b/i,
    reason: 'restarts everything blindly instead of what the evidence points at',
    cost: 5,
  },
  {
    id: 'systemctl-stop',
    pattern: /\b(systemctl|service)\s+\S*\s*stop\b|\bsystemctl\s+stop\b|\bpg_ctl\b.*\bstop\b/i,
    reason: 'stops a service',
    cost: 3,
  },
  {
    id: 'silence-broad',
    pattern:
      /\bamtool\s+silence\s+add\b(?![^\n]*\balertname\s*=\s*["']?[A-Za-z])|\bamtool\s+silence\s+add\b[^\n]*=~\s*["']?\.\*/i,
    reason: 'silences alerting with a broad matcher',
    cost: 5,
  },
  {
    id: 'disable-alerting',
    pattern:
      /\b(systemctl|service)\s+(stop|disable)\s+(alertmanager|prometheus)|\b(kill|pkill|killall)\b.*\b(alertmanager|prometheus)\b|\bdocker\s+(stop|kill|rm)\b.*\b(alertmanager|prometheus)\b/i,
    reason: 'turns off alerting',
    cost: 5,
  },
  {
    id: 'chmod-777',
    pattern: /\bchmod\s+(-R\s+)?0?777\b/i,
    reason: 'opens permissions to everyone',
    cost: 2,
  },
  {
    id: 'iptables-flush',
    pattern: /\biptables\s+(-F|--flush)\b/i,
    reason: 'flushes firewall rules',
    cost: 5,
  },
];

/** A scenario's own patterns (YAML: risky: [{pattern, reason, cost}]); invalid regexes are reported, not thrown. */
export function scenarioRisky(rules: Scenario['scoring']['risky']): { rules: RiskyRule[]; invalid: string[] } {
  const out: RiskyRule[] = [];
  const invalid: string[] = [];
  rules.forEach((rule, i) => {
    try {
      out.push({
        id: `scenario-${i + 1}`,
        pattern: new RegExp(rule.pattern, 'i'),
        reason: rule.reason,
        cost: rule.cost,
      });
    } catch {
      invalid.push(rule.pattern);
    }
  });
  return { rules: out, invalid };
}

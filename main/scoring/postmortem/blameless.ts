import { quote, splitSentences } from '../text.js';

export interface BlameFinding {
  kind: 'named-individual' | 'person-reference' | 'judgement' | 'human-error' | 'character';
  quote: string;
  rewrite: string;
  /** Why it reads as blame. */
  why: string;
}

/** Capitalised words that start sentences or name systems, never people. */
const NOT_NAMES = new Set(
  (
    'The This That These Those It Its We Our Us They Their He She His Her I A An In On At After Before During When While ' +
    'Then Once Since Because Root Trigger Impact Summary Detection Resolution Postgres PostgreSQL Checkout Orders Release ' +
    'Migration Deploy Deployment Alertmanager Prometheus Grafana Kubernetes Docker No Nobody Someone Everyone Nothing ' +
    'CI CD SRE DBA Platform Team Also But However Although Both Each Every Some Most One Two Three First Second Finally ' +
    'Owner Type Action Prevent Detect Mitigate Add Run Create Write Review Make Alert Page Index Query Latency CPU API ' +
    'Pipeline Service Database Server System Job Script Tool Tooling Check Checks Monitoring Health Runbook Process ' +
    'Test Tests Staging Production Cron Nobody Automation Rollback Rollout Dashboard Application App Code Change'
  ).split(' '),
);

const PERSON_WORDS =
  'engineer|developer|dev|operator|on-?call(?: engineer)?|reviewer|author|intern|admin|dba|person|guy|someone|somebody|he|she';
const BLAME_VERBS =
  "forgot(?: to)?|failed to|neglected(?: to)?|ignored|missed|messed up|screwed up|broke|didn't bother|did not bother|was careless|should have|should've";

interface Rule {
  kind: BlameFinding['kind'];
  pattern: RegExp;
  why: string;
  rewrite: (sentence: string) => string;
}

const IRREGULAR_PARTICIPLES: Record<string, string> = {
  run: 'run',
  written: 'write',
  done: 'do',
  seen: 'see',
  caught: 'catch',
  known: 'know',
  taken: 'take',
  gone: 'go',
  made: 'make',
  given: 'give',
  been: 'be',
  read: 'read',
  built: 'build',
  set: 'set',
  put: 'put',
  thought: 'think',
  spotted: 'spot',
  stopped: 'stop',
};

/** "checked" -> "check", "applied" -> "apply", "noticed" -> "notice". */
export function baseForm(participle: string): string {
  const w = participle.toLowerCase();
  if (IRREGULAR_PARTICIPLES[w]) return IRREGULAR_PARTICIPLES[w]!;
  if (w.endsWith('ied')) return `${w.slice(0, -3)}y`;
  if (w.endsWith('ed')) {
    const stem = w.slice(0, -2);
    if (/([bdgmnpt])\1$/.test(stem)) return stem.slice(0, -1);
    if (/(at|iz|ic|iv|ur|c|v|g|s)$/.test(stem) && !/(ss|ck)$/.test(stem)) return `${stem}e`;
    return stem;
  }
  return w;
}

function neutralisePeople(sentence: string): string {
  return sentence
    .replace(new RegExp(`\\b(the|an?|our|one) (${PERSON_WORDS}) (who|that)\\b`, 'gi'), 'the change that')
    .replace(
      /\b([A-Z][a-z]+)'s (mistake|fault|error|oversight|negligence|carelessness|slip)\b/g,
      'a gap in the process',
    )
    .replace(
      /\b(human error)\b/gi,
      'a missing safeguard (name it: which check or step would have caught this?)',
    )
    .replace(
      /\b(careless(ly)?|negligent(ly)?|sloppy|sloppily|lazy|incompetent|reckless(ly)?|irresponsibl[ey])\s*/gi,
      '',
    )
    .replace(/\b(forgot to|failed to|neglected to|didn't bother to|did not bother to)\b/gi, 'did not')
    .replace(
      /\b(should have|should've) (\w+)/gi,
      (_m, _s: string, verb: string) => `did not ${baseForm(verb)}`,
    )
    .replace(/\b(the blame|to blame|at fault|is to blame|was to blame)\b/gi, 'involved');
}

function namesIn(sentence: string): string[] {
  return [...sentence.matchAll(/\b([A-Z][a-z]{2,})\b/g)]
    .map((m) => m[1]!)
    .filter((name) => !NOT_NAMES.has(name));
}

function rewriteWithRoles(sentence: string): string {
  let out = neutralisePeople(sentence);
  for (const name of namesIn(sentence)) {
    if (
      new RegExp(`\\b${name}\\b(?:'s)?\\s+(${BLAME_VERBS}|mistake|fault|error)`, 'i').test(sentence) ||
      /'s/.test(sentence)
    )
      out = out.replace(new RegExp(`\\b${name}\\b`, 'g'), 'the engineer on the change');
  }
  return `${out.replace(/\s+/g, ' ').trim()} — and say what in the process or tooling allowed it.`;
}

const RULES: Rule[] = [
  {
    kind: 'named-individual',
    pattern: new RegExp(
      `\\b(?!(?:${[...NOT_NAMES].join('|')})\\b)[A-Z][a-z]{2,}(?:'s\\s+(?:mistake|fault|error|oversight|negligence|carelessness)|\\s+(?:${BLAME_VERBS}))`,
    ),
    why: 'names an individual as the cause',
    rewrite: rewriteWithRoles,
  },
  {
    kind: 'person-reference',
    pattern: new RegExp(
      `\\b(the|an?|our|one) (${PERSON_WORDS}) (who|that)\\b|\\bwhoever\\b|\\b(${PERSON_WORDS}) (${BLAME_VERBS})\\b`,
      'i',
    ),
    why: 'points at a person instead of the system',
    rewrite: rewriteWithRoles,
  },
  {
    kind: 'human-error',
    pattern: /\bhuman error\b|\boperator error\b|\bpilot error\b/i,
    why: '"human error" ends the analysis where it should start',
    rewrite: rewriteWithRoles,
  },
  {
    kind: 'character',
    pattern:
      /\b(careless(ness|ly)?|negligen(t|ce)|sloppy|sloppily|lazy|incompetent|reckless|irresponsible|to blame|at fault|fault of)\b/i,
    why: 'judges character, not conditions',
    rewrite: rewriteWithRoles,
  },
  {
    kind: 'judgement',
    pattern: /\b(should have|should've|shouldn't have|should not have|ought to have)\b/i,
    why: '"should have" is hindsight judgement',
    rewrite: rewriteWithRoles,
  },
];

/** Blameful sentences, each quoted once (its first matching rule) with a suggested rewrite. */
export function findBlame(text: string): BlameFinding[] {
  const findings: BlameFinding[] = [];
  const seen = new Set<string>();
  for (const sentence of splitSentences(text)) {
    for (const rule of RULES) {
      if (!rule.pattern.test(sentence)) continue;
      const q = quote(sentence, 200);
      if (seen.has(q)) break;
      seen.add(q);
      findings.push({
        kind: rule.kind,
        quote: q,
        rewrite: quote(rule.rewrite(sentence), 260),
        why: rule.why,
      });
      break;
    }
  }
  return findings;
}

import type { Scenario } from '../../../main/engine/scenario/schema.js';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runGrade } from '../../../main/cli/commands/grade.js';
import { runPostmortem } from '../../../main/cli/commands/postmortem.js';
import { runScore } from '../../../main/cli/commands/score.js';
import { draftPostmortem } from '../../../main/scoring/postmortem/draft.js';
import { gradePostmortem } from '../../../main/scoring/postmortem/index.js';
import { fastLearner, FIXTURES, slowQueryScenario } from './session.js';

const scenario = slowQueryScenario();

describe('draftPostmortem', () => {
  const draft = draftPostmortem(fastLearner(), scenario);

  it('has every section with prompts and a timeline in UTC with T+ from the page', () => {
    for (const h of [
      'Summary',
      'Impact',
      'Root cause',
      'Trigger',
      'Detection',
      'Resolution',
      'Timeline',
      'Action items',
      'Lessons learned',
    ])
      expect(draft).toContain(`## ${h}`);
    expect(draft).toContain('| 14:01:32 | T-01:38 | Fault injected (deploy-v2)');
    expect(draft).toContain('| 14:03:10 | T+00:00 | Paged');
    expect(draft).toContain('| 14:08:02 | T+04:52 | ran');
    expect(draft).toContain('| 14:16:32 | T+13:22 | Mitigated');
    expect(draft).toContain('| 14:16:42 | T+13:32 | Resolved');
  });

  it('condenses commands to the first per signal plus changes, at most 15', () => {
    const rows = draft.split('\n').filter((l) => l.includes('| ran '));
    expect(rows.length).toBeLessThanOrEqual(15);
    expect(rows.filter((l) => l.includes('(pg-stat-statements)'))).toHaveLength(1);
    expect(rows.some((l) => l.includes('CREATE INDEX CONCURRENTLY'))).toBe(true);
  });

  it('produces a timeline the grader matches against the same log', () => {
    const timeline = gradePostmortem(draft, scenario.postmortem!, {
      events: fastLearner(),
      timeZone: 'UTC',
    }).criteria.find((c) => c.id === 'timeline')!;
    expect(timeline.evidence.filter((e) => e.startsWith('matched'))).toHaveLength(5);
  });
});

describe('CLI handlers', () => {
  const session = mkdtempSync(join(tmpdir(), 'firedrill-score-'));
  writeFileSync(
    join(session, 'events.jsonl'),
    `${fastLearner()
      .map((e) => JSON.stringify(e))
      .join('\n')}\n{"seq": 99, "torn`,
  );
  const capture = () => {
    const out: string[] = [];
    const err: string[] = [];
    return {
      out,
      err,
      io: {
        stdout: (s: string) => out.push(s),
        stderr: (s: string) => err.push(s),
        // The CLI loads the real pack; the scoring parts are all these commands read.
        loadScenario: async () => scenario as unknown as Scenario,
      },
    };
  };

  it('score prints JSON and a readable report, tolerating a torn last line', async () => {
    const c = capture();
    expect(await runScore([session, '--json'], c.io)).toBe(0);
    expect(JSON.parse(c.out[0]!)).toMatchObject({ score: 100, max: 100, resolutionId: 'fixed' });
    expect(c.err[0]).toContain('ignored 1 damaged line');
    const t = capture();
    expect(await runScore([session], t.io)).toBe(0);
    expect(t.out[0]).toContain('Troubleshooting score: 100 / 100');
  });

  it('grade --json prints score, max and criteria with evidence', async () => {
    const c = capture();
    const code = await runGrade(
      [
        '--scenario',
        '/scenarios/slow-query',
        '--postmortem',
        join(FIXTURES, 'strong.md'),
        '--session',
        session,
        '--json',
      ],
      c.io,
    );
    expect(code).toBe(0);
    const json = JSON.parse(c.out[0]!) as {
      score: number;
      max: number;
      criteria: { id: string; points: number; max: number; evidence: string[]; feedback: string }[];
    };
    expect(json.max).toBe(100);
    expect(json.score).toBeGreaterThanOrEqual(85);
    expect(json.criteria.map((x) => x.id)).toEqual([
      'structure',
      'root-cause',
      'timeline',
      'impact',
      'action-items',
      'blameless',
    ]);
    const table = capture();
    await runGrade(['--scenario', 'x', '--postmortem', join(FIXTURES, 'weak.md')], table.io);
    expect(table.out[0]).toMatch(/Postmortem grade: [\d.]+ \/ 100/);
  });

  it('returns 2 on usage errors', async () => {
    expect(await runGrade(['--postmortem', 'x.md'], capture().io)).toBe(2);
    expect(await runScore([], capture().io)).toBe(2);
    expect(await runScore(['--nope', 'x'], capture().io)).toBe(2);
    expect(await runPostmortem(['publish', session], capture().io)).toBe(2);
  });

  it('postmortem draft writes a file and refuses to overwrite one', async () => {
    const out = join(session, 'postmortem.md');
    expect(await runPostmortem(['draft', session, '--out', out], capture().io)).toBe(0);
    expect(readFileSync(out, 'utf8')).toContain('## Timeline');
    const again = capture();
    expect(await runPostmortem(['draft', session, '--out', out], again.io)).toBe(1);
    expect(again.err[0]).toContain('already exists');
  });
});

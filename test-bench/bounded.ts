/**
 * Crafted worst-case input (test-bench/crafted.ts) through the linear parsers: markdown rendering, the
 * postmortem grader's impact patterns, terminal transcripts and the chart with an absurd par. Median ms
 * of 5 runs each on 256 KB inputs; the old patterns took 2-20 s on 20 KB of the same shapes.
 */
import { performance } from 'node:perf_hooks';
import { renderMarkdownSafe } from '../shared/report/markdown.js';
import { plainText } from '../shared/report/cast.js';
import { chartModel } from '../shared/report/chart.js';
import { gradePostmortem } from '../main/scoring/postmortem/index.js';
import { join } from 'node:path';
import { loadScenario } from '../main/engine/scenario/load.js';
import { repoRoot } from './grading.js';
import { crafted } from './crafted.js';
import { summarize, type Figure } from './stats.js';

const RUNS = 5;

function time(work: () => unknown): Figure {
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    work();
    samples.push(performance.now() - start);
  }
  return summarize(samples, 'ms', '256 KB crafted input');
}

export async function benchBounded(): Promise<Record<string, Figure>> {
  const rubric = (await loadScenario(join(repoRoot(), 'scenarios/slow-query'))).scenario.postmortem;
  return {
    'bounded.markdown.unclosedComments': time(() => renderMarkdownSafe(crafted.unclosedComments())),
    'bounded.grade.dottedNumbers': time(() => gradePostmortem(crafted.postmortem(crafted.dottedNumbers()), rubric)),
    'bounded.grade.blankRun': time(() => gradePostmortem(crafted.postmortem(crafted.blankRun()), rubric)),
    'bounded.cast.trailingBlanks': time(() => plainText(crafted.trailingBlanks())),
    'bounded.cast.carriageReturns': time(() => plainText(crafted.carriageReturns())),
    'bounded.chart.par1e15': time(() => chartModel([], 1e15)),
  };
}

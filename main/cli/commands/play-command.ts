/**
 * `firedrill play <scenario>`: wires the engine's run into the terminal's play loop (main/cli/commands/play.ts).
 */
import { parseArgs } from 'node:util';
import { createAppContext } from '../../app/context.js';
import { labHandlerFor } from '../../app/lab-host.js';
import { createScoring } from '../../app/scoring-adapter.js';
import type { Run } from '../../engine/run/run.js';
import type { PlayableRun } from '../../terminal/playable.js';
import type { CliIO } from '../io.js';
import { runtimeOption, UsageError } from '../io.js';
import { runPlay } from './play.js';

export async function runPlayCommand(args: string[], _io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { runtime: { type: 'string' }, variant: { type: 'string' }, seed: { type: 'string' } },
    strict: true,
  });
  if (positionals.length !== 1) throw new UsageError('play takes exactly one scenario (a name or a pack folder)');
  const seed = values.seed === undefined ? undefined : Number(values.seed);
  if (seed !== undefined && !Number.isInteger(seed)) throw new UsageError('--seed takes a whole number');
  const runtime = runtimeOption(values.runtime);
  const { manager } = createAppContext();
  return runPlay(
    { scenarioDir: positionals[0]!, ...(values.variant ? { variant: values.variant } : {}), ...(seed !== undefined ? { seed } : {}) },
    {
      startRun: async (nameOrDir, options) => playable(manager.create(await manager.resolvePack(nameOrDir), { ...options, ...(runtime ? { runtime } : {}) })),
    },
  );
}

/** The engine's run as the play loop sees it. */
export function playable(run: Run): PlayableRun {
  const scoring = createScoring();
  return {
    id: run.id,
    title: run.scenario.metadata.title,
    briefing: run.scenario.briefing,
    sessionDir: run.dir,
    events: run.events,
    shellService: run.bastion,
    async ready(onProgress) {
      const stop = run.onChange(() => run.progress && onProgress(run.progress));
      try {
        await run.startLive();
      } finally {
        stop();
      }
    },
    shell: () => run.sandbox!.shellCommand(run.bastion, ['bash', '-l']),
    lab: labHandlerFor(run),
    async summary() {
      const score = scoring.troubleshooting(run.readEvents(), run.scenario);
      const lines = [
        `Outcome: ${run.resolution ? `resolved (${run.resolution.title})` : run.phase}`,
        `Troubleshooting score: ${Math.round(score.score)}/${score.max}`,
        ...score.criteria.map((c) => `  ${c.id.padEnd(14)} ${String(Math.round(c.points)).padStart(3)}/${c.max}  ${c.feedback}`),
        '',
        `Session: ${run.dir}`,
        `Write your postmortem, then: firedrill grade --scenario ${run.loaded.dir} --postmortem postmortem.md --session ${run.dir}`,
        `A template with your timeline: firedrill postmortem draft ${run.dir}`,
      ];
      return lines.join('\n');
    },
    teardown: () => run.teardown(),
  };
}

/**
 * The host's answers to `lab status|hint|check|submit` typed in a run's bastion: the same actions as
 * the UI's buttons, as plain text for a terminal.
 */
import { formatDuration } from '../../shared/format/duration.js';
import { runSnapshot } from '../api/views/run-snapshot.js';
import type { Run } from '../engine/run/run.js';
import type { LabHandler } from '../terminal/lab.js';

function clock(ms: number | null): string {
  return ms === null ? 'not paged yet' : `${formatDuration(ms, 'minutes')} since the page`;
}

export function labHandlerFor(run: Run): LabHandler {
  return {
    async status() {
      const snapshot = runSnapshot(run);
      const lines = [`${snapshot.title}: ${snapshot.phase}, ${clock(run.sincePageMs())}`];
      for (const check of snapshot.health) {
        lines.push(`  ${check.pass === null ? '·' : check.pass ? '✓' : '✗'} ${check.title}${check.observed ? ` (${check.observed})` : ''}`);
      }
      const firing = snapshot.alerts.filter((a) => a.state === 'active');
      if (firing.length > 0) lines.push(`  alerts firing: ${firing.map((a) => a.alertname).join(', ')}`);
      const unlocked = snapshot.hints.filter((h) => h.unlocked).length;
      const taken = snapshot.hints.filter((h) => h.shown).length;
      lines.push(`  hints: ${unlocked} of ${snapshot.hints.length} unlocked, ${taken} taken`);
      if (run.resolution) lines.push(`  resolved: ${run.resolution.title}. Run \`lab submit\` to finish.`);
      else if (run.phase === 'replaying') lines.push('  replaying the failure to prove the fix; the answer comes when the window closes');
      else if (run.scenario.checks.resolveOn === 'submit' && run.canSubmit) lines.push('  a fix holds: `lab submit` when you are done (the failure may be replayed first)');
      return lines.join('\n');
    },
    async hint() {
      const hint = run.takeHint();
      return `Hint ${hint.index + 1} of ${run.scenario.hints.length} (costs a few points):\n${hint.text ?? ''}`;
    },
    async check() {
      const result = await run.checkFix();
      return [result.message, ...result.results.map((r) => `  ${r.pass ? '✓' : '✗'} ${r.title}`)].join('\n');
    },
    op: (id) => run.runOperation(id),
    async submit() {
      if (run.phase === 'resolved' && run.resolution) {
        return `Resolved: ${run.resolution.title}. Well done. Leaving the lab to score it...`;
      }
      if (run.scenario.checks.resolveOn === 'submit' && run.phase === 'live') {
        // The replay (if any) runs now, for its whole window: say so before the wait.
        const outcome = await run.submit();
        return outcome.resolved ? `${outcome.message} Well done. Leaving the lab to score it...` : outcome.message;
      }
      const result = await run.checkFix();
      return `Submitted without a held resolution (${result.message}). Leaving the lab...`;
    },
  };
}

/**
 * The "done when": `firedrill new x --template <each>` then `firedrill test x` passes on real Docker, for
 * every template this build ships (each needs only the docker runtime). Templates share their first image layer
 * (python3, curl) with the engine's fixture, so Docker builds it once per machine; each template has one image.
 */
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { runCli } from '../../helpers/cli.js';
import { describeDocker } from '../../helpers/docker-gate.js';
import { templatesDir } from '../../../main/platform/paths.js';
import { listTemplates } from '../../../main/studio/scaffold.js';
import { ALL_PHASES_OK, phaseLines, type TestReport } from '../../helpers/self-test-report.js';

const templates = listTemplates(templatesDir({})).map((t) => t.name);

describeDocker('firedrill new <name> --template <t>, then firedrill test <name>, on real Docker', () => {
  it('ships at least the minimal and web-db templates', () => {
    expect(templates).toEqual(expect.arrayContaining(['minimal', 'web-db']));
  });

  for (const template of templates) {
    it(`a pack made from "${template}" passes every phase of firedrill test`, { timeout: 900_000 }, async () => {
      const home = mkdtempSync(join(tmpdir(), 'fd-template-'));
      const cwd = mkdtempSync(join(tmpdir(), 'fd-template-cwd-'));
      const name = `tpl-${template}`;
      const made = await runCli(['new', name, '--template', template, '--dir', cwd], { FIREDRILL_HOME: home });
      expect(made.stderr).toBe('');
      expect(made.code).toBe(0);
      expect(readdirSync(join(cwd, name))).toContain('scenario.yaml');
      const result = await runCli(['test', join(cwd, name), '--json'], { FIREDRILL_HOME: home }, 880_000);
      const report = JSON.parse(result.stdout) as TestReport;
      expect(phaseLines(report)).toEqual(ALL_PHASES_OK);
      expect(result.code).toBe(0);
    });
  }
});

import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateScenarioDir } from '../../../main/engine/scenario/validate.js';
import { templatesDir } from '../../../main/platform/paths.js';
import { listTemplates, scaffoldPack } from '../../../main/studio/scaffold.js';

const TEMPLATES = templatesDir({});

describe('firedrill new: packs from templates', { timeout: 60_000 }, () => {
  it('ships the minimal and web-db templates', () => {
    expect(listTemplates(TEMPLATES).map((t) => t.name)).toEqual(expect.arrayContaining(['minimal', 'web-db']));
  });

  for (const { name: template } of listTemplates(TEMPLATES)) {
    it(`scaffolds a pack from "${template}" that validates with no error or warning, named and with a working $schema line`, async () => {
      const into = mkdtempSync(join(tmpdir(), 'fd-new-'));
      const dir = await scaffoldPack({ name: `my-${template}`, template, templatesDir: TEMPLATES, into, author: 'Ada' });
      expect(dir).toBe(join(into, `my-${template}`));
      const result = await validateScenarioDir(dir);
      expect(result.diagnostics).toEqual([]);
      expect(result.scenario?.metadata.name).toBe(`my-${template}`);
      expect(result.scenario?.metadata.authors).toEqual(['Ada']);
      const text = readFileSync(join(dir, 'scenario.yaml'), 'utf8');
      const schema = /^# yaml-language-server: \$schema=(file:\/\/\S+)$/m.exec(text)?.[1];
      expect(schema && existsSync(new URL(schema))).toBe(true);
      expect(text).not.toContain('{{');
      // Everything the scenario uses is there: every fault has a revert, the solution names a resolution.
      expect(result.scenario?.faults.every((f) => f.revert)).toBe(true);
      expect(result.scenario?.postmortem.rootCause.length).toBeGreaterThan(0);
    });
  }

  it('refuses a bad name, an unknown template and an existing folder, and leaves nothing behind', async () => {
    const into = mkdtempSync(join(tmpdir(), 'fd-new-'));
    await expect(scaffoldPack({ name: 'Bad Name', template: 'minimal', templatesDir: TEMPLATES, into })).rejects.toThrow(/not a pack name/);
    await expect(scaffoldPack({ name: 'x', template: 'nope', templatesDir: TEMPLATES, into })).rejects.toThrow(/no template "nope" \(templates: .*minimal/);
    expect(readdirSync(into)).toEqual([]);
    await scaffoldPack({ name: 'taken', template: 'minimal', templatesDir: TEMPLATES, into });
    await expect(scaffoldPack({ name: 'taken', template: 'minimal', templatesDir: TEMPLATES, into })).rejects.toThrow(/already exists/);
    expect(readdirSync(into)).toEqual(['taken']);
  });
});

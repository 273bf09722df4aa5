import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runValidate } from '../../../main/cli/commands/validate.js';
import { FIXTURES, VALID_DIR } from './helpers.js';

async function run(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runValidate(args, { stdout: (s) => out.push(s), stderr: (s) => err.push(s) });
  return { code, out, err };
}

describe('firedrill validate', () => {
  it('exits 0 and says so for a valid pack', async () => {
    const { code, out } = await run(VALID_DIR);
    expect(code).toBe(0);
    expect(out).toEqual(['✓ valid-minimal is valid']);
  });

  it('accepts a scenario.yaml path', async () => {
    expect((await run(join(VALID_DIR, 'scenario.yaml'))).code).toBe(0);
  });

  it('exits 1 with file:line:col for every problem and a count', async () => {
    const { code, out } = await run(join(FIXTURES, 'invalid-missing-files'));
    expect(code).toBe(1);
    const file = relative(process.cwd(), join(FIXTURES, 'invalid-missing-files', 'scenario.yaml'));
    expect(out).toEqual([
      `${file}:18:13: image "worker" has no Dockerfile: expected images/worker/Dockerfile in the pack (at environment.images[1].name)`,
      `${file}:34:19: source "files/missing.conf" does not exist in the pack (at environment.services.api.files[0].source)`,
      `${file}:36:19: source "/etc/passwd" must be a relative path inside the pack, not an absolute path (at environment.services.api.files[1].source)`,
      `${file}:59:15: script path "../outside.sh" points outside the pack: use a path inside the scenario folder (at faults[0].action.script.path)`,
      '✗ invalid-missing-files: 4 errors',
    ]);
  });

  it('validates every pack in a folder of packs', async () => {
    const { code, out } = await run(FIXTURES);
    expect(code).toBe(1);
    const summaries = out.filter((line) => /^[✓✗] /.test(line));
    expect(summaries).toContain('✓ valid-minimal is valid');
    expect(summaries).toContain('✗ invalid-yaml: 1 error');
    expect(summaries).toContain('✗ invalid-name-mismatch: 1 error');
  });

  it('--json gives ok and every result with its diagnostics', async () => {
    const { code, out } = await run('--json', VALID_DIR, join(FIXTURES, 'invalid-yaml'));
    expect(code).toBe(1);
    const report = JSON.parse(out.join('\n'));
    expect(report.ok).toBe(false);
    expect(report.results).toHaveLength(2);
    expect(report.results[0]).toEqual({ path: VALID_DIR, ok: true, diagnostics: [] });
    expect(report.results[1]).toMatchObject({ path: join(FIXTURES, 'invalid-yaml'), ok: false });
    expect(report.results[1].diagnostics).toEqual([
      {
        file: join(FIXTURES, 'invalid-yaml', 'scenario.yaml'),
        line: 9,
        column: 3,
        path: '',
        message: 'YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ]',
        severity: 'error',
      },
    ]);
  });

  it('--json exits 0 when everything is valid', async () => {
    const { code, out } = await run(VALID_DIR, '--json');
    expect(code).toBe(0);
    expect(JSON.parse(out.join('\n'))).toEqual({ ok: true, results: [{ path: VALID_DIR, ok: true, diagnostics: [] }] });
  });

  it('exits 2 for usage errors: no path, an unknown flag, a missing path, a folder without packs', async () => {
    for (const args of [[], ['--jsn', VALID_DIR], [join(FIXTURES, 'does-not-exist')], [join(VALID_DIR, 'images')]]) {
      const { code, err, out } = await run(...args);
      expect(code, args.join(' ')).toBe(2);
      expect(err.join('\n')).toMatch(/usage: firedrill validate/);
      expect(out).toEqual([]);
    }
  });
});

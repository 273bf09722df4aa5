import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ScenarioError } from '../../../main/engine/scenario/diagnostics.js';
import { hashedFiles, loadScenario } from '../../../main/engine/scenario/load.js';
import { FIXTURES, VALID_DIR, VALID_FILE } from './helpers.js';

const temps: string[] = [];
function copyOfValid(): string {
  const root = mkdtempSync(join(tmpdir(), 'firedrill-load-'));
  temps.push(root);
  const dir = join(root, 'valid-minimal');
  cpSync(VALID_DIR, dir, { recursive: true });
  return dir;
}
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('loadScenario', () => {
  it('returns absolute paths, the parsed scenario and a sha256 hash', async () => {
    const loaded = await loadScenario('test/fixtures/scenarios/valid-minimal');
    expect(loaded.dir).toBe(VALID_DIR);
    expect(loaded.file).toBe(VALID_FILE);
    expect(loaded.scenario.metadata.name).toBe('valid-minimal');
    expect(loaded.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('accepts the scenario.yaml itself, and gives the folder the same hash', async () => {
    const a = await loadScenario(VALID_FILE);
    const b = await loadScenario(VALID_DIR);
    expect(a.dir).toBe(VALID_DIR);
    expect(b.hash).toBe(a.hash);
    expect(b.scenario).toEqual(a.scenario);
  });

  it('notices an edit that keeps a file the same size (the hash cache keys on mtime, not size alone)', async () => {
    const dir = copyOfValid();
    const before = (await loadScenario(dir)).hash;
    const conf = join(dir, 'files/api.conf');
    const text = readFileSync(conf, 'utf8');
    writeFileSync(conf, text.replace(/./, (c) => (c === 'x' ? 'y' : 'x')));
    expect(readFileSync(conf, 'utf8')).toHaveLength(text.length);
    expect((await loadScenario(dir)).hash).not.toBe(before);
  });

  it('hashes the yaml, the image contexts and the copied files, and nothing else', async () => {
    expect(await hashedFiles(await loadScenario(VALID_DIR))).toEqual(['files/api.conf', 'files/break.sh', 'images/api/Dockerfile']);
  });

  it('the hash is stable across copies and changes with a Dockerfile, a copied file or the yaml', async () => {
    const dir = copyOfValid();
    const original = (await loadScenario(VALID_DIR)).hash;
    expect((await loadScenario(dir)).hash).toBe(original);

    writeFileSync(join(dir, 'README.txt'), 'not part of the pack contents');
    expect((await loadScenario(dir)).hash).toBe(original);

    appendFileSync(join(dir, 'images/api/Dockerfile'), 'RUN true\n');
    const afterDockerfile = (await loadScenario(dir)).hash;
    expect(afterDockerfile).not.toBe(original);

    appendFileSync(join(dir, 'files/api.conf'), '# comment\n');
    const afterFile = (await loadScenario(dir)).hash;
    expect(afterFile).not.toBe(afterDockerfile);

    appendFileSync(join(dir, 'scenario.yaml'), '# comment\n');
    expect((await loadScenario(dir)).hash).not.toBe(afterFile);
  });

  it('throws ScenarioError with the diagnostics as its message, not a stack of internals', async () => {
    const error = await loadScenario(join(FIXTURES, 'invalid-name-mismatch')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ScenarioError);
    const scenarioError = error as ScenarioError;
    expect(scenarioError.diagnostics).toHaveLength(1);
    expect(scenarioError.diagnostics[0]).toMatchObject({ line: 4, column: 9, path: 'metadata.name', severity: 'error' });
    expect(scenarioError.message).toBe(
      `${join(FIXTURES, 'invalid-name-mismatch', 'scenario.yaml')}:4:9: metadata.name "name-mismatch" must equal the folder name "invalid-name-mismatch" (at metadata.name)`,
    );
  });

  it('a folder without scenario.yaml is a ScenarioError too', async () => {
    const error = await loadScenario(join(FIXTURES, 'valid-minimal', 'images')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ScenarioError);
    expect((error as ScenarioError).message).toMatch(/no scenario\.yaml here/);
  });
});

import { describe, expect, it } from 'vitest';
import { validateScenarioText } from '../../../main/engine/scenario/validate.js';
import { FIXTURES, lines, mutate, validateEdited, VALID_FILE } from './helpers.js';

describe('schema problems in plain English, at the right line and column', () => {
  it('the valid fixture parses, with defaults filled in', () => {
    const result = validateEdited();
    expect(result.diagnostics).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.scenario?.checks.hold).toBe('10s');
    expect(result.scenario?.environment.services.api?.files[0]?.mode).toBe('0444');
    expect(result.scenario?.scoring.weights.outcome).toBe(40);
  });

  it('a YAML syntax error is reported at its position, once', () => {
    const result = validateScenarioText(mutate(['  tags: [fixture]\n', '  tags: [fixture\n']), VALID_FILE);
    expect(lines(result)).toEqual(['9:3: YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ]']);
  });

  it('a duplicated YAML key points at the second key', () => {
    const result = validateEdited(['  parMinutes: 15\n', '  parMinutes: 15\n  parMinutes: 20\n']);
    expect(lines(result)).toEqual(['11:3: YAML syntax error: Map keys must be unique']);
  });

  it('an unknown field points at the key and suggests the closest allowed one', () => {
    const result = validateEdited(['      service: bastion\n      command: curl', '      servce: bastion\n      command: curl']);
    // The typo explains the missing "service": only one diagnostic.
    expect(lines(result)).toEqual(['85:7: unknown field "servce" in broken[0]; did you mean "service"? (at checks.broken[0].servce)']);
  });

  it('an unknown field with no close match lists the allowed ones', () => {
    const result = validateEdited(['  parMinutes: 15\n', '  parMinutes: 15\n  zzz: 1\n']);
    expect(lines(result)).toEqual([
      '11:3: unknown field "zzz" in metadata (allowed: name, title, summary, difficulty, tags, estimatedMinutes, parMinutes, authors) (at metadata.zzz)',
    ]);
  });

  it('a missing field points at the parent mapping', () => {
    const result = validateEdited(['  title: A minimal valid pack\n', '']);
    expect(lines(result)).toEqual(['4:3: missing required field "title" in metadata (at metadata.title)']);
  });

  it('a fault action with two kinds names the allowed ones', () => {
    const result = validateEdited(['      restart:\n        service: api\n  - id: then-stop', '      restart:\n        service: api\n      stop: { service: api }\n  - id: then-stop']);
    expect(lines(result)).toEqual([
      '58:7: revert must have exactly one of: exec, stop, start, kill, pause, unpause, restart, disconnect, connect, writeFile, script, replace, patch, scale, deletePods, apply, delete (found restart and stop) (at faults[0].revert)',
    ]);
  });

  it('a fault action with an unknown kind suggests one', () => {
    const result = validateEdited(['      restart:\n        service: api\n  - id: then-stop', '      restrat:\n        service: api\n  - id: then-stop']);
    expect(lines(result)).toEqual([
      '58:7: revert must have exactly one of: exec, stop, start, kill, pause, unpause, restart, disconnect, connect, writeFile, script, replace, patch, scale, deletePods, apply, delete (found "restrat"; did you mean "restart"?) (at faults[0].revert)',
    ]);
  });

  it('a problem inside a fault action is reported inside it', () => {
    const result = validateEdited(['        command: echo stopped\n', '        command: echo stopped\n        timout: 5s\n']);
    expect(lines(result)).toEqual(['67:9: unknown field "timout" in exec; did you mean "timeout"? (at faults[1].action.exec.timout)']);
  });

  it('an unknown check kind suggests the closest', () => {
    const result = validateEdited(['kind: tcp', 'kind: tpc']);
    expect(lines(result)).toEqual([
      '105:17: unknown kind "tpc"; did you mean "tcp"? (one of: exec, http, tcp, sql, promql, alertmanager, rollout, condition) (at checks.resolutions[1].checks[0].kind)',
    ]);
  });

  it('a bad duration says what a duration looks like', () => {
    const result = validateEdited(['    at: 0s\n    action:\n      script:', '    at: 5 minutes\n    action:\n      script:']);
    expect(lines(result)).toEqual(['52:9: invalid at "5 minutes": use a duration such as 500ms, 30s, 2m or 1h (at faults[0].at)']);
  });

  it('a wrong type and an out-of-range number', () => {
    const result = validateEdited(['      points: 60\n', '      points: 160\n'], ['      publish: [8080]\n', '      publish: [8080]\n      memory: 5\n']);
    expect(lines(result)).toEqual([
      '36:15: memory must be a string, got number 5 (quote it: "5") (at environment.services.api.memory)',
      '102:15: points must be at most 100, got number 160 (at checks.resolutions[1].points)',
    ]);
  });

  it('resource limits outside their bounds', () => {
    const result = validateEdited(['      publish: [8080]\n', '      publish: [8080]\n      memory: 1m\n      cpus: 0\n      pids: 100000\n']);
    expect(lines(result)).toEqual([
      '36:15: memory: use between 16m and 16g (at environment.services.api.memory)',
      '37:13: cpus must be at least 0.05, got number 0 (at environment.services.api.cpus)',
      '38:13: pids must be at most 8192, got number 100000 (at environment.services.api.pids)',
    ]);
    expect(validateEdited(['      publish: [8080]\n', '      publish: [8080]\n      memory: 1g\n      cpus: 2\n      pids: 256\n']).ok).toBe(true);
  });

  it('a port out of range', () => {
    const result = validateEdited(['      port: 8080\n      path: /health', '      port: 80800\n      path: /health']);
    expect(lines(result)).toEqual(['79:13: port must be at most 65535, got number 80800 (at checks.steadyState[0].port)']);
  });

  it('an unquoted number where YAML needs a string', () => {
    const result = validateEdited(['net.ipv4.ip_forward: "1"', 'net.ipv4.ip_forward: 1']);
    expect(lines(result)).toEqual(['31:30: net.ipv4.ip_forward must be a string, got number 1 (quote it: "1") (at environment.services.api.sysctls["net.ipv4.ip_forward"])']);
  });

  it('an invalid service name (a record key) points at the key', () => {
    const result = validateEdited(['    bastion:\n      image: debian', '    Bastion:\n      image: debian']);
    expect(lines(result)[0]).toBe('38:5: invalid name "Bastion" in services: use lowercase letters, digits and dashes (e.g. "p95-ok") (at environment.services.Bastion)');
  });

  it('an empty file', () => {
    expect(lines(validateScenarioText('', VALID_FILE))).toEqual(['1:1: the file is empty; start with "apiVersion: firedrill/v1"']);
  });

  it('never throws, whatever the input', () => {
    for (const text of ['[1, 2', '- a\n- b\n', 'apiVersion: 3', '&a [*a]', '\u0000\u0001', 'a: !!binary ZZZ']) {
      const result = validateScenarioText(text, VALID_FILE);
      expect(result.ok).toBe(false);
      for (const d of result.diagnostics) expect(d.message).not.toMatch(/\n\s+at /);
    }
  });
});

describe('a complete pack', () => {
  it('every check kind, fault action and optional section validates with no diagnostics', async () => {
    const { validateScenarioDir } = await import('../../../main/engine/scenario/validate.js');
    const result = await validateScenarioDir(`${FIXTURES}/valid-complete`);
    expect(result.diagnostics).toEqual([]);
    const s = result.scenario!;
    expect(new Set(s.checks.resolutions.flatMap((r) => r.checks).concat(s.checks.broken, s.checks.steadyState).map((c) => c.kind))).toEqual(
      new Set(['exec', 'http', 'tcp', 'sql', 'promql', 'alertmanager']),
    );
    expect(new Set(s.faults.flatMap((f) => [f.action, ...(f.revert ? [f.revert] : [])]).map((a) => Object.keys(a)[0]))).toEqual(
      new Set(['exec', 'stop', 'start', 'kill', 'pause', 'unpause', 'restart', 'disconnect', 'connect', 'writeFile', 'script', 'replace']),
    );
  });
});

import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, ROOT } from '../../helpers/cli.js';

describe('firedrill serve (web mode, the real command)', () => {
  it('prints a tokened 127.0.0.1 URL, rejects calls without the token, answers doctor with it, and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, [CLI, 'serve', '--port', '0'], {
      cwd: ROOT,
      env: { ...process.env, FIREDRILL_HOME: mkdtempSync(join(tmpdir(), 'fd-serve-')) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const url = await new Promise<URL>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const match = /Open: (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/.exec(out);
          if (match) resolve(new URL(match[1]!));
        });
        child.on('exit', (code) => reject(new Error(`serve exited ${code}: ${out}`)));
      });
      const token = url.searchParams.get('token')!;
      const api = `${url.origin}/api/doctor.run`;
      expect((await fetch(api, { method: 'POST', body: '{}', headers: { 'Content-Type': 'application/json' } })).status).toBe(401);
      const response = await fetch(api, { method: 'POST', body: '{}', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' } });
      expect(response.status).toBe(200);
      const report = (await response.json()) as { ok: boolean; checks: { id: string }[] };
      expect(report.checks.map((c) => c.id)).toContain('docker');
      const page = await fetch(url);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
      expect(page.headers.get('set-cookie')).toMatch(/HttpOnly; SameSite=Strict/);
    } finally {
      child.kill('SIGTERM');
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      expect(code).toBe(0);
    }
  });
});

import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { templatesDir } from '../../../main/platform/paths.js';
import {
  DEFAULT_LIMITS,
  INSTALL_RECORD,
  inspectArchive,
  installInspected,
  packArchive,
  packHash,
  readPackFolder,
  writeArchive,
  type PackEntry,
} from '../../../main/studio/archive.js';
import { scaffoldPack } from '../../../main/studio/scaffold.js';

const FIREDRILL = '0.1.0';

async function newPack(name = 'shared-lab'): Promise<string> {
  const into = mkdtempSync(join(tmpdir(), 'fd-archive-src-'));
  return scaffoldPack({ name, template: 'minimal', templatesDir: templatesDir({}), into, author: 'Ada' });
}

function emptyPacksDir(): string {
  return join(mkdtempSync(join(tmpdir(), 'fd-archive-home-')), 'scenarios');
}

/** A manifest that matches `entries`, for hand-made (hostile) archives. */
function manifestFor(entries: PackEntry[], name = 'shared-lab', version = '1.0.0') {
  return { format: 1, name, version, title: 't', authors: [], firedrill: '>=0.1.0', hash: packHash(entries), createdAt: new Date(0).toISOString() };
}

/** Installs and expects a refusal matching `message`, with nothing written to the packs folder. */
async function expectRefused(archive: Buffer, message: RegExp, limits = DEFAULT_LIMITS): Promise<void> {
  const packsDir = emptyPacksDir();
  await expect(inspectArchive(archive, { packsDir, firedrillVersion: FIREDRILL, limits })).rejects.toThrow(message);
  expect(existsSync(packsDir)).toBe(false);
}

describe('pack archives: export and install', { timeout: 60_000 }, () => {
  it('round-trips a pack: export, inspect (what it runs), install with its version record', async () => {
    const dir = await newPack();
    const { archive, manifest } = await packArchive(dir, { version: '1.2.0', firedrillVersion: FIREDRILL });
    expect(manifest).toMatchObject({ name: 'shared-lab', version: '1.2.0', authors: ['Ada'], firedrill: '>=0.1.0' });
    const packsDir = emptyPacksDir();
    const inspected = await inspectArchive(archive, { packsDir, firedrillVersion: FIREDRILL });
    expect(inspected.summary.lines.join('\n')).toMatch(/service web: image app, no extra capabilities[\s\S]*network lab: no route out/);
    expect(existsSync(packsDir)).toBe(false);
    const { dir: installed, record } = installInspected(inspected, 'shared-lab-1.2.0.firedrill', { packsDir, firedrillVersion: FIREDRILL });
    expect(record).toMatchObject({ name: 'shared-lab', version: '1.2.0', source: 'shared-lab-1.2.0.firedrill' });
    expect(readFileSync(join(installed, 'scenario.yaml'), 'utf8')).toBe(readFileSync(join(dir, 'scenario.yaml'), 'utf8'));
    expect(readFileSync(join(installed, 'images/app/app.py'), 'utf8')).toBe(readFileSync(join(dir, 'images/app/app.py'), 'utf8'));
    expect(JSON.parse(readFileSync(join(installed, INSTALL_RECORD), 'utf8'))).toMatchObject({ version: '1.2.0' });
  });

  it('upgrades by semver, refuses a downgrade, a reinstall and a changed same version unless forced', async () => {
    const dir = await newPack();
    const packsDir = emptyPacksDir();
    const install = async (version: string, force = false) => {
      const { archive } = await packArchive(dir, { version, firedrillVersion: FIREDRILL });
      const options = { packsDir, firedrillVersion: FIREDRILL, force };
      return installInspected(await inspectArchive(archive, options), `v${version}`, options);
    };
    await install('1.0.0');
    expect((await install('1.10.0')).replaced?.version).toBe('1.0.0');
    await expect(install('1.9.0')).rejects.toThrow(/1\.10\.0 is installed; 1\.9\.0 is older/);
    await expect(install('1.10.0')).rejects.toThrow(/already installed/);
    writeFileSync(join(dir, 'NOTES.md'), 'changed\n');
    await expect(install('1.10.0')).rejects.toThrow(/different files: the author must bump the version/);
    expect((await install('1.9.0', true)).record.version).toBe('1.9.0');
    expect(readdirSync(packsDir)).toEqual(['shared-lab']);
  });

  it('refuses an archive entry that climbs out of the pack with ".." — nothing written', async () => {
    const entries = readPackFolder(await newPack());
    const evil: PackEntry = { path: '../../evil.sh', kind: 'file', content: Buffer.from('rm -rf ~'), mode: 0o755 };
    const archive = await writeArchive(manifestFor([...entries, evil]), [...entries, evil]);
    await expectRefused(archive, /entry "pack\/\.\.\/\.\.\/evil\.sh": a path that climbs out with "\.\.": refused/);
  });

  it('refuses an absolute entry name — nothing written', async () => {
    const entries = readPackFolder(await newPack());
    const archive = await writeArchive(manifestFor(entries), entries, (tar) => tar.entry({ name: '/etc/cron.d/evil' }, 'x'));
    await expectRefused(archive, /entry "\/etc\/cron\.d\/evil": an absolute path: refused/);
  });

  it('refuses a symlink out of the pack — nothing written', async () => {
    const entries = readPackFolder(await newPack());
    const link: PackEntry = { path: 'images/app/key', kind: 'symlink', target: '../../../../.ssh/id_ed25519' };
    const archive = await writeArchive(manifestFor([...entries, link]), [...entries, link]);
    await expectRefused(archive, /entry "pack\/images\/app\/key" is a symlink out of the pack \(to \.\.\/\.\.\/\.\.\/\.\.\/\.ssh\/id_ed25519\): refused/);
    const absolute: PackEntry = { path: 'passwd', kind: 'symlink', target: '/etc/passwd' };
    await expectRefused(await writeArchive(manifestFor([...entries, absolute]), [...entries, absolute]), /symlink out of the pack \(to \/etc\/passwd\)/);
  });

  it('refuses a file under a symlink (a link to "." then "../x" would climb out) — nothing written', async () => {
    const entries = readPackFolder(await newPack());
    const extra: PackEntry[] = [
      { path: 'here', kind: 'symlink', target: '.' },
      { path: 'here/x', kind: 'symlink', target: '../outside' },
    ];
    await expectRefused(await writeArchive(manifestFor([...entries, ...extra]), [...entries, ...extra]), /sits under the symlink pack\/here: refused/);
  });

  it('refuses a pack folder with a symlink out of it when exporting', async () => {
    const dir = await newPack();
    symlinkSync('/etc/passwd', join(dir, 'passwd'));
    await expect(packArchive(dir, { version: '1.0.0', firedrillVersion: FIREDRILL })).rejects.toThrow(/passwd is a symlink out of the pack \(to \/etc\/passwd\)/);
  });

  it('refuses an archive over the size cap, and one that unpacks over it (a gzip bomb) — nothing written', async () => {
    const dir = await newPack();
    const { archive } = await packArchive(dir, { version: '1.0.0', firedrillVersion: FIREDRILL });
    await expectRefused(archive, /the archive is 0\.0 MiB, over the 0\.0 MiB a pack may be: refused/, { ...DEFAULT_LIMITS, archiveBytes: 1024 });
    const entries = readPackFolder(dir);
    const bomb: PackEntry = { path: 'zeros.bin', kind: 'file', content: Buffer.alloc(8 * 1024 ** 2), mode: 0o644 };
    const bombArchive = await writeArchive(manifestFor([...entries, bomb]), [...entries, bomb]);
    expect(bombArchive.length).toBeLessThan(64 * 1024);
    await expectRefused(bombArchive, /unpacks to more than 4\.0 MiB: refused/, { ...DEFAULT_LIMITS, unpackedBytes: 4 * 1024 ** 2 });
  });

  it('refuses a pack that asks for a capability outside the allowlist, naming file, line and field — nothing written', async () => {
    const dir = await newPack();
    const file = join(dir, 'scenario.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('      command: [python3, /srv/app.py]\n', '      command: [python3, /srv/app.py]\n      capabilities: [SYS_ADMIN]\n'));
    const entries = readPackFolder(dir);
    const archive = await writeArchive(manifestFor(entries), entries);
    await expectRefused(archive, /scenario\.yaml:\d+:\d+: capability "SYS_ADMIN" is not allowed; packs may use: NET_ADMIN.*\(at environment\.services\.web\.capabilities\[0\]\)/);
  });

  it('refuses a device file, a tampered file and a manifest that is not one — nothing written', async () => {
    const entries = readPackFolder(await newPack());
    await expectRefused(await writeArchive(manifestFor(entries), entries, (tar) => tar.entry({ name: 'pack/dev', type: 'character-device', devmajor: 1, devminor: 3 })), /entry "pack\/dev" is a character-device/);
    const tampered = entries.map((e) => (e.path === 'scenario.yaml' && e.kind === 'file' ? { ...e, content: Buffer.concat([e.content, Buffer.from('# x\n')]) } : e));
    await expectRefused(await writeArchive(manifestFor(entries), tampered), /do not match the manifest's hash/);
    await expectRefused(await writeArchive({ ...manifestFor(entries), version: 'one' }, entries), /firedrill-pack\.json: version: a semantic version/);
    await expectRefused(gzipSync(Buffer.from('not a tar at all, just text padded'.repeat(20))), /not a Firedrill pack archive/);
  });

  it('refuses a pack that needs a newer Firedrill', async () => {
    const entries = readPackFolder(await newPack());
    const archive = await writeArchive({ ...manifestFor(entries), firedrill: '>=9.0.0' }, entries);
    await expectRefused(archive, /needs Firedrill >=9\.0\.0; this is 0\.1\.0/);
  });

  it('refuses to replace a pack of your own (not installed from an archive) unless forced', async () => {
    const dir = await newPack();
    const packsDir = emptyPacksDir();
    mkdirSync(packsDir, { recursive: true });
    cpSync(dir, join(packsDir, 'shared-lab'), { recursive: true });
    const { archive } = await packArchive(dir, { version: '1.0.0', firedrillVersion: FIREDRILL });
    await expect(inspectArchive(archive, { packsDir, firedrillVersion: FIREDRILL })).rejects.toThrow(/is a pack of your own/);
    const forced = { packsDir, firedrillVersion: FIREDRILL, force: true };
    expect(installInspected(await inspectArchive(archive, forced), 'x', forced).record.version).toBe('1.0.0');
  });
});

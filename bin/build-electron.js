#!/usr/bin/env node
// Builds the Electron shell when the electron package is installed; elsewhere (as on CI machines that
// cannot download Electron's binary) there is nothing to build and web mode is the app.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
if (!existsSync(`${root}/node_modules/electron/electron.d.ts`)) {
  console.log('electron is not installed: skipping the Electron shell build (web mode still works).');
  process.exit(0);
}
execFileSync(process.execPath, [`${root}/node_modules/typescript/bin/tsc`, '-p', 'tsconfig.electron.json'], { cwd: root, stdio: 'inherit' });

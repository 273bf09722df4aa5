#!/usr/bin/env node
// `npm start`: the Electron window when Electron's binary is installed, web mode otherwise.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);

function electronBinary() {
  try {
    // The electron package exports the path of its binary, and throws when the download never happened.
    const path = require('electron');
    return typeof path === 'string' && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

const binary = electronBinary();
const child = binary
  ? spawn(binary, [root], { stdio: 'inherit' })
  : (console.log("Electron's binary is not installed here, so Firedrill starts in web mode instead."),
    spawn(process.execPath, [fileURLToPath(new URL('./firedrill.js', import.meta.url)), 'serve', ...process.argv.slice(2)], {
      stdio: 'inherit',
    }));
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));

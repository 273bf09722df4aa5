#!/usr/bin/env node
// The `firedrill` command. The TypeScript sources are compiled to dist/ by `npm run build` (npm ci runs it).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/main/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  console.error('firedrill is not built yet. Run `npm run build` (npm ci does it for you), then try again.');
  process.exit(1);
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));

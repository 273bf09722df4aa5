#!/usr/bin/env node
// The `firedrill` command. The TypeScript sources are compiled to dist/ by `npm run build` (npm ci runs it).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/main/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  console.error('firedrill is not built yet. Run `npm run build` (npm ci does it for you), then try again.');
  process.exit(1);
}
// `firedrill … | head` closes the pipe early: that is the reader's choice, not an error to trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));

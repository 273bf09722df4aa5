import type { Progress } from '../../sandbox/runtime.js';

/**
 * Draws `{current, max, description}` progress: one redrawn line on a terminal, one line per new
 * step otherwise (CI logs stay readable).
 */
export function progressPrinter(stream: NodeJS.WriteStream = process.stderr): { update(p: Progress): void; done(): void } {
  let lastDescription = '';
  let drawn = false;
  return {
    update(progress) {
      if (!stream.isTTY) {
        if (progress.description !== lastDescription) stream.write(`  ${progress.description}\n`);
        lastDescription = progress.description;
        return;
      }
      const width = 24;
      const ratio = progress.max > 0 ? Math.min(1, progress.current / progress.max) : 0;
      const filled = Math.round(ratio * width);
      const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
      const columns = stream.columns ?? 80;
      const line = `  ${bar} ${progress.current}/${progress.max} ${progress.description}`.slice(0, columns - 1);
      stream.write(`\r\x1b[2K${line}`);
      drawn = true;
    },
    done() {
      if (drawn) stream.write('\r\x1b[2K');
      drawn = false;
    },
  };
}
